//===- KernelsTest.cpp - Reference kernels on hand-computed cases ---------===//

#include "spec2/Reference/Kernels.h"

#include <gtest/gtest.h>

using namespace spec2::ref;

TEST(Kernels, Conv2dSumsWindowPlusBias) {
  // 1x3x3x1 input 1..9, one 2x2 all-ones filter, bias 10, pad 0, stride 1.
  float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  float w[4] = {1, 1, 1, 1}, bias[1] = {10}, out[4];
  Window2D win;
  win.kh = win.kw = 2;
  conv2d(in, {1, 3, 3, 1}, w, bias, 1, 1, win, out, 2, 2);
  EXPECT_FLOAT_EQ(out[0], 10 + 1 + 2 + 4 + 5);
  EXPECT_FLOAT_EQ(out[3], 10 + 5 + 6 + 8 + 9);
}

TEST(Kernels, Conv2dPaddingStrideDilation) {
  // 1x4x4x1 input, 2x2 filter [1, 10; 100, 1000] dilated by 2, pad 1 all
  // round, stride 2: output (0,0) reads rows {-1, 1} x cols {-1, 1}.
  float in[16];
  for (int i = 0; i < 16; ++i)
    in[i] = float(i);
  float w[4] = {1, 10, 100, 1000}, bias[1] = {0}, out[4];
  Window2D win;
  win.kh = win.kw = 2;
  win.padTop = win.padBottom = win.padLeft = win.padRight = 1;
  win.strideY = win.strideX = 2;
  win.dilationY = win.dilationX = 2;
  conv2d(in, {1, 4, 4, 1}, w, bias, 1, 1, win, out, 2, 2);
  EXPECT_FLOAT_EQ(out[0], 1000 * in[1 * 4 + 1]);
  // (0,1): rows {-1,1}, cols {1,3}: only row 1 is inside.
  EXPECT_FLOAT_EQ(out[1], 100 * in[1 * 4 + 1] + 1000 * in[1 * 4 + 3]);
}

TEST(Kernels, AveragePoolDoesNotCountPadding) {
  float in[4] = {1, 2, 3, 4}, out[4];
  Window2D win;
  win.kh = win.kw = 2;
  win.padTop = win.padLeft = 1;
  pool2d(false, in, {1, 2, 2, 1}, win, out, 2, 2);
  EXPECT_FLOAT_EQ(out[0], 1);             // only (0,0) is inside
  EXPECT_FLOAT_EQ(out[3], 2.5f);          // all four
  EXPECT_FLOAT_EQ(out[1], (1 + 2) / 2.0f); // top row
}

TEST(Kernels, MaxPoolIgnoresPadding) {
  float in[4] = {-5, -6, -7, -8}, out[1];
  Window2D win;
  win.kh = win.kw = 3;
  win.padTop = win.padLeft = 1;
  pool2d(true, in, {1, 2, 2, 1}, win, out, 1, 1);
  EXPECT_FLOAT_EQ(out[0], -5); // padding is not a 0 that wins
}

TEST(Kernels, DepthwiseMultiplierOrdersChannelsAsOnnx) {
  // 1x1x1x2 input {3, 5}, 1x1 kernel, multiplier 2: weight [1,1,2,2].
  float in[2] = {3, 5}, w[4] = {1, 2, 10, 20}, bias[4] = {0, 0, 0, 0}, out[4];
  Window2D win;
  depthwiseConv2d(in, {1, 1, 1, 2}, w, 2, bias, 4, win, out, 1, 1);
  EXPECT_FLOAT_EQ(out[0], 3);   // channel 0, m 0
  EXPECT_FLOAT_EQ(out[1], 6);   // channel 0, m 1
  EXPECT_FLOAT_EQ(out[2], 50);  // channel 1, m 0
  EXPECT_FLOAT_EQ(out[3], 100); // channel 1, m 1
}

TEST(Kernels, BatchMatmul) {
  float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, out[4];
  batchMatmul(a, b, out, 1, 2, 2, 2);
  EXPECT_FLOAT_EQ(out[0], 19);
  EXPECT_FLOAT_EQ(out[1], 22);
  EXPECT_FLOAT_EQ(out[2], 43);
  EXPECT_FLOAT_EQ(out[3], 50);
}
