//===- BatchProgramTest.cpp - A batch-1 program run image by image --------===//
//
// batchProgram on a small program (LOAD the input, VEC.req, STORE the
// output): the batch's inputs and outputs are [n, ...] in new regions, each
// image's LOAD and STORE point at its part, the images are chained by a NOP
// that lets the next image's first LOAD start, the verifier accepts it, and
// on the C-simulation every image gives what the batch-1 program gives.
//
//===----------------------------------------------------------------------===//

#include "TargetTestUtils.h"

#include "spec2/Runtime/LoadedProgram.h"
#include "spec2/Target/ProgramVerifier.h"

#include <gtest/gtest.h>

using namespace spec2;
using namespace spec2::test;

namespace {

/// y = x * 2 (vec.req with a left shift) on [1, 1, 4, 8] at 2^-8.
Program doubler() {
  ProgramBuilder b(builtinConfig("small"), 256);
  b.input("x", 0, {1, 1, 4, 8})
      .output("y", 128, {1, 1, 4, 8})
      .add("load.inp", {{"src_h", 4}, {"src_w", 8}, {"nc", 1}, {"ny", 4},
                        {"nx", 8}, {"dst_pitch", 8}, {"dst_plane", 32}},
           {"push_next"})
      .add("vec.req", {{"nc", 1}, {"h", 4}, {"w", 8}, {"oh", 4}, {"ow", 8},
                       {"shift_a", 1}, {"clamp_lo", -32768}, {"clamp_hi", 32767}},
           {"pop_prev", "push_next"})
      .add("store", {{"dram_addr", 128}, {"dst_h", 4}, {"dst_w", 8}, {"nc", 1},
                     {"ny", 4}, {"nx", 8}, {"src_pitch", 8}, {"src_plane", 32}},
           {"pop_prev", "push_prev"})
      .add("finish", {}, {"pop_next"});
  return b.build();
}

Tensor ramp(int64_t images, float offset) {
  std::vector<float> v(size_t(images * 32));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = offset + float(i % 29) / 16.f - 0.75f;
  return Tensor::floats({images, 1, 4, 8}, std::move(v));
}

TEST(BatchProgram, RunsEveryImageAsTheOneImageProgram) {
  const Program one = doubler();
  ASSERT_FALSE(verifyProgram(one, builtinConfig("small")));
  llvm::Expected<Program> three = batchProgram(one, 3);
  ASSERT_TRUE(bool(three)) << llvm::toString(three.takeError());
  EXPECT_EQ(three->inputs[0].dims, (std::vector<uint32_t>{3, 1, 4, 8}));
  EXPECT_EQ(three->outputs[0].dims, (std::vector<uint32_t>{3, 1, 4, 8}));
  ASSERT_EQ(three->insns.size(), 12u);
  // Image i's LOAD and STORE at its part of the new regions.
  const uint64_t in = three->inputs[0].dramAddr, out = three->outputs[0].dramAddr;
  EXPECT_GE(in, one.dramBytes);
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_EQ(uint64_t(isa::getField(three->insns[4 * i], isa::load::kDramAddr)),
              in + 64 * i);
    EXPECT_EQ(uint64_t(isa::getField(three->insns[4 * i + 2],
                                     isa::store::kDramAddr)),
              out + 64 * i);
    // The next image waits for this one's NOP.
    EXPECT_EQ(isa::getField(three->insns[4 * i], isa::kPopNext), i > 0 ? 1 : 0);
    const isa::Word &last = three->insns[4 * i + 3];
    EXPECT_EQ(isa::getField(last, isa::kOpcode),
              int64_t(i < 2 ? isa::kNop : isa::kFinish));
    EXPECT_EQ(isa::getField(last, isa::kPushPrev), i < 2 ? 1 : 0);
    EXPECT_EQ(isa::getField(last, isa::kPopNext), 1);
  }
  ASSERT_FALSE(verifyProgram(*three, builtinConfig("small")));

  auto batched = LoadedProgram::load(*three);
  auto alone = LoadedProgram::load(one);
  ASSERT_TRUE(bool(batched) && bool(alone));
  auto device = batched->openDevice();
  ASSERT_TRUE(bool(device));
  const Tensor x = ramp(3, 0.f);
  auto all = batched->run(**device, {x});
  ASSERT_TRUE(bool(all)) << llvm::toString(all.takeError());
  for (int64_t i = 0; i < 3; ++i) {
    Tensor image = Tensor::floats(
        {1, 1, 4, 8},
        std::vector<float>(x.f32.begin() + 32 * i, x.f32.begin() + 32 * (i + 1)));
    auto got = alone->run(**device, {image});
    ASSERT_TRUE(bool(got));
    for (int64_t k = 0; k < 32; ++k)
      EXPECT_EQ(all->outputs[0].f32[size_t(32 * i + k)],
                got->outputs[0].f32[size_t(k)])
          << "image " << i << " element " << k;
  }
}

TEST(BatchProgram, RefusesWhatItCannotBatch) {
  auto none = batchProgram(doubler(), 0);
  ASSERT_FALSE(bool(none));
  EXPECT_EQ(llvm::toString(none.takeError()), "batch: a batch of 0 images");
  Program wide = doubler();
  wide.inputs[0].dims[0] = 2;
  auto e = batchProgram(wide, 2);
  ASSERT_FALSE(bool(e));
  EXPECT_EQ(llvm::toString(e.takeError()), "batch: 'x' is not of batch 1");
  auto same = batchProgram(doubler(), 1);
  ASSERT_TRUE(bool(same));
  EXPECT_TRUE(*same == doubler());
}

} // namespace
