//===- ImportConvPoolTest.cpp - Conv/pool import against direct NCHW math -===//
//
// Sweeps Conv and pooling attributes (groups, strides, dilations, asymmetric
// and automatic padding, ceil mode, count_include_pad), imports each model,
// runs the clean-up pipeline and the reference executor, and compares with a
// direct NCHW evaluation of the ONNX definition written here independently of
// the importer's NHWC/TOSA lowering.
//
//===----------------------------------------------------------------------===//

#include "spec2/Import/OnnxImporter.h"
#include "spec2/Reference/Executor.h"
#include "spec2/Pipelines/Pipelines.h"

#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace spec2;

namespace {

struct ConvCase {
  int64_t n = 1, c = 4, h = 7, w = 6, oc = 4, kh = 3, kw = 3, group = 1;
  std::vector<int64_t> strides{1, 1}, dilations{1, 1}, pads{0, 0, 0, 0};
  std::string autoPad = "NOTSET";
  bool bias = true;
};

onnx::ValueInfoProto valueInfo(const std::string &name,
                               const std::vector<int64_t> &shape) {
  onnx::ValueInfoProto v;
  v.set_name(name);
  auto *tt = v.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    tt->mutable_shape()->add_dim()->set_dim_value(d);
  return v;
}

void addInts(onnx::NodeProto &node, const std::string &name,
             const std::vector<int64_t> &values) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a->add_ints(v);
}

void addInt(onnx::NodeProto &node, const std::string &name, int64_t v) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void addString(onnx::NodeProto &node, const std::string &name,
               const std::string &v) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

onnx::TensorProto initializer(const std::string &name,
                              const std::vector<int64_t> &shape,
                              const std::vector<float> &data) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t.add_dims(d);
  for (float f : data)
    t.add_float_data(f);
  return t;
}

std::vector<float> randomData(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &f : v)
    f = dist(rng);
  return v;
}

/// Imports, cleans up and runs a single-input model.
std::vector<Tensor> runModel(const onnx::ModelProto &model, const Tensor &x) {
  mlir::MLIRContext context;
  std::string diag;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diag += d.str() + "\n";
    return mlir::success();
  });
  auto module = importOnnxModel(context, model, "test.onnx");
  EXPECT_TRUE(module) << diag;
  if (!module)
    return {};
  EXPECT_TRUE(succeeded(runGraphCleanup(*module)));
  auto exec = ReferenceExecutor::create(*module);
  EXPECT_TRUE(succeeded(exec)) << diag;
  if (failed(exec))
    return {};
  auto out = exec->run({x});
  EXPECT_TRUE(bool(out));
  if (!out)
    return {};
  return *out;
}

/// ONNX padding resolution for one dim (auto_pad as the spec defines it).
void resolvePads(const std::string &autoPad, int64_t in, int64_t k,
                 int64_t s, int64_t d, int64_t &begin, int64_t &end) {
  if (autoPad == "NOTSET")
    return;
  if (autoPad == "VALID") {
    begin = end = 0;
    return;
  }
  int64_t out = (in + s - 1) / s;
  int64_t total = std::max<int64_t>(0, (out - 1) * s + (k - 1) * d + 1 - in);
  begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
  end = total - begin;
}

class ConvImport : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvImport, MatchesDirectNchwConvolution) {
  ConvCase cc = GetParam();
  std::mt19937 rng(42);
  int64_t cpg = cc.c / cc.group, opg = cc.oc / cc.group;
  std::vector<float> x = randomData(cc.n * cc.c * cc.h * cc.w, rng);
  std::vector<float> w = randomData(cc.oc * cpg * cc.kh * cc.kw, rng);
  std::vector<float> b = randomData(cc.oc, rng);

  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  auto *g = model.mutable_graph();
  g->set_name("conv");
  auto *node = g->add_node();
  node->set_op_type("Conv");
  node->set_name("conv");
  node->add_input("x");
  node->add_input("w");
  if (cc.bias)
    node->add_input("b");
  node->add_output("y");
  addInt(*node, "group", cc.group);
  addInts(*node, "strides", cc.strides);
  addInts(*node, "dilations", cc.dilations);
  if (cc.autoPad == "NOTSET")
    addInts(*node, "pads", cc.pads);
  else
    addString(*node, "auto_pad", cc.autoPad);
  *g->add_initializer() = initializer("w", {cc.oc, cpg, cc.kh, cc.kw}, w);
  if (cc.bias)
    *g->add_initializer() = initializer("b", {cc.oc}, b);
  *g->add_input() = valueInfo("x", {cc.n, cc.c, cc.h, cc.w});
  g->add_output()->set_name("y");

  // Direct evaluation of the ONNX definition.
  int64_t pt = cc.pads[0], pl = cc.pads[1], pb = cc.pads[2], pr = cc.pads[3];
  resolvePads(cc.autoPad, cc.h, cc.kh, cc.strides[0], cc.dilations[0], pt, pb);
  resolvePads(cc.autoPad, cc.w, cc.kw, cc.strides[1], cc.dilations[1], pl, pr);
  int64_t oh = (cc.h + pt + pb - ((cc.kh - 1) * cc.dilations[0] + 1)) /
                   cc.strides[0] + 1;
  int64_t ow = (cc.w + pl + pr - ((cc.kw - 1) * cc.dilations[1] + 1)) /
                   cc.strides[1] + 1;
  std::vector<float> want(cc.n * cc.oc * oh * ow);
  for (int64_t n = 0; n < cc.n; ++n)
    for (int64_t o = 0; o < cc.oc; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          double acc = cc.bias ? b[o] : 0.0;
          int64_t grp = o / opg;
          for (int64_t ci = 0; ci < cpg; ++ci)
            for (int64_t ky = 0; ky < cc.kh; ++ky)
              for (int64_t kx = 0; kx < cc.kw; ++kx) {
                int64_t iy = y * cc.strides[0] - pt + ky * cc.dilations[0];
                int64_t ix = xx * cc.strides[1] - pl + kx * cc.dilations[1];
                if (iy < 0 || iy >= cc.h || ix < 0 || ix >= cc.w)
                  continue;
                int64_t c = grp * cpg + ci;
                acc += double(x[((n * cc.c + c) * cc.h + iy) * cc.w + ix]) *
                       w[((o * cpg + ci) * cc.kh + ky) * cc.kw + kx];
              }
          want[((n * cc.oc + o) * oh + y) * ow + xx] = float(acc);
        }

  auto out = runModel(model, Tensor::floats({cc.n, cc.c, cc.h, cc.w}, x));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape, (std::vector<int64_t>{cc.n, cc.oc, oh, ow}));
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(out[0].f32[i], want[i], 1e-4) << "element " << i;
}

ConvCase make(std::function<void(ConvCase &)> f) {
  ConvCase c;
  f(c);
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Sweep, ConvImport,
    ::testing::Values(
        make([](ConvCase &) {}),
        make([](ConvCase &c) { c.bias = false; }),
        make([](ConvCase &c) { c.strides = {2, 2}; }),
        make([](ConvCase &c) { c.strides = {3, 2}; c.pads = {1, 0, 2, 1}; }),
        make([](ConvCase &c) { c.dilations = {2, 1}; c.pads = {2, 1, 2, 1}; }),
        make([](ConvCase &c) { c.autoPad = "SAME_UPPER"; c.strides = {2, 2}; }),
        make([](ConvCase &c) { c.autoPad = "SAME_LOWER"; c.kh = 4; c.kw = 2; }),
        make([](ConvCase &c) { c.autoPad = "VALID"; c.strides = {2, 3}; }),
        make([](ConvCase &c) { c.group = 4; c.oc = 4; }),         // depthwise
        make([](ConvCase &c) { c.group = 4; c.oc = 8; c.strides = {2, 2}; }),
        make([](ConvCase &c) { c.group = 2; c.oc = 6; c.pads = {1, 1, 1, 1}; }),
        make([](ConvCase &c) { c.n = 2; c.kh = 1; c.kw = 1; c.oc = 5; }),
        make([](ConvCase &c) { c.h = 9; c.w = 9; c.kh = 5; c.kw = 5;
                               c.strides = {4, 4}; c.pads = {2, 2, 0, 0}; })));

struct PoolCase {
  bool isMax = true;
  int64_t h = 7, w = 6, kh = 3, kw = 2;
  std::vector<int64_t> strides{2, 2}, pads{0, 0, 0, 0};
  bool ceil = false, countPad = false;
};

class PoolImport : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolImport, MatchesDirectNchwPooling) {
  PoolCase pc = GetParam();
  std::mt19937 rng(7);
  int64_t c = 3;
  std::vector<float> x = randomData(c * pc.h * pc.w, rng);
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  auto *g = model.mutable_graph();
  g->set_name("pool");
  auto *node = g->add_node();
  node->set_op_type(pc.isMax ? "MaxPool" : "AveragePool");
  node->add_input("x");
  node->add_output("y");
  addInts(*node, "kernel_shape", {pc.kh, pc.kw});
  addInts(*node, "strides", pc.strides);
  addInts(*node, "pads", pc.pads);
  addInt(*node, "ceil_mode", pc.ceil);
  if (!pc.isMax)
    addInt(*node, "count_include_pad", pc.countPad);
  *g->add_input() = valueInfo("x", {1, c, pc.h, pc.w});
  g->add_output()->set_name("y");

  int64_t pt = pc.pads[0], pl = pc.pads[1], pb = pc.pads[2], pr = pc.pads[3];
  auto outDim = [&](int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1) {
    int64_t span = in + p0 + p1 - k;
    int64_t o = (pc.ceil ? (span + s - 1) / s : span / s) + 1;
    if (pc.ceil && (o - 1) * s >= in + p0)
      --o; // the last window may not start in the end padding
    return o;
  };
  int64_t oh = outDim(pc.h, pc.kh, pc.strides[0], pt, pb);
  int64_t ow = outDim(pc.w, pc.kw, pc.strides[1], pl, pr);
  std::vector<float> want(c * oh * ow);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xx = 0; xx < ow; ++xx) {
        double acc = pc.isMax ? -INFINITY : 0.0;
        int64_t count = 0;
        int64_t y0 = y * pc.strides[0] - pt, x0 = xx * pc.strides[1] - pl;
        for (int64_t iy = y0; iy < y0 + pc.kh; ++iy)
          for (int64_t ix = x0; ix < x0 + pc.kw; ++ix) {
            bool inPadded = iy < pc.h + pb && ix < pc.w + pr;
            bool inside = iy >= 0 && iy < pc.h && ix >= 0 && ix < pc.w;
            if (inside) {
              float v = x[(ch * pc.h + iy) * pc.w + ix];
              acc = pc.isMax ? std::max(acc, double(v)) : acc + v;
              ++count;
            } else if (pc.countPad && inPadded) {
              ++count; // explicit padding counts as a zero
            }
          }
        want[(ch * oh + y) * ow + xx] =
            float(pc.isMax ? acc : acc / double(count));
      }
  auto out = runModel(model, Tensor::floats({1, c, pc.h, pc.w}, x));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape, (std::vector<int64_t>{1, c, oh, ow}));
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(out[0].f32[i], want[i], 1e-5) << "element " << i;
}

PoolCase makePool(std::function<void(PoolCase &)> f) {
  PoolCase p;
  f(p);
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Sweep, PoolImport,
    ::testing::Values(
        makePool([](PoolCase &) {}),
        makePool([](PoolCase &p) { p.ceil = true; }),
        makePool([](PoolCase &p) { p.pads = {1, 1, 1, 0}; }),
        makePool([](PoolCase &p) { p.isMax = false; }),
        makePool([](PoolCase &p) { p.isMax = false; p.ceil = true; }),
        makePool([](PoolCase &p) { p.isMax = false; p.pads = {1, 1, 1, 1}; }),
        makePool([](PoolCase &p) {
          p.isMax = false; p.pads = {1, 1, 1, 1}; p.countPad = true; }),
        makePool([](PoolCase &p) {
          p.isMax = false; p.pads = {1, 0, 1, 1}; p.countPad = true;
          p.ceil = true; }),
        makePool([](PoolCase &p) { p.strides = {3, 1}; p.kh = 2; })));

} // namespace
