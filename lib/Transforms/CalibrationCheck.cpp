//===- CalibrationCheck.cpp - What the calibration data look like ---------===//
#include "CalibrationCheck.h"

#include "spec2/Support/Constants.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;

namespace spec2 {
namespace {

/// `v` as printf's %g does.
std::string g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

} // namespace

std::optional<ChannelAffine> leadingNormalisation(BlockArgument arg) {
  auto type = dyn_cast<RankedTensorType>(arg.getType());
  if (!type || type.getRank() < 2 || type.isDynamicDim(1))
    return std::nullopt;
  const int64_t rank = type.getRank(), channels = type.getDimSize(1);
  ChannelAffine f{std::vector<double>(channels, 1.0),
                  std::vector<double>(channels, 0.0)};
  bool any = false;
  Value v = arg;
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    auto other = [&](Value a, Value b) { return a == v ? b : a; };
    std::optional<std::vector<double>> c;
    if (auto sub = dyn_cast<tosa::SubOp>(user)) {
      if (sub.getInput1() != v ||
          !(c = perChannelConstant(sub.getInput2(), rank, channels)))
        break;
      for (int64_t i = 0; i < channels; ++i)
        f.shift[i] -= (*c)[i];
    } else if (auto add = dyn_cast<tosa::AddOp>(user)) {
      if (!(c = perChannelConstant(other(add.getInput1(), add.getInput2()), rank,
                           channels)))
        break;
      for (int64_t i = 0; i < channels; ++i)
        f.shift[i] += (*c)[i];
    } else if (auto mul = dyn_cast<tosa::MulOp>(user)) {
      if (!(c = perChannelConstant(other(mul.getInput1(), mul.getInput2()), rank,
                           channels)))
        break;
      for (int64_t i = 0; i < channels; ++i) {
        f.scale[i] *= (*c)[i];
        f.shift[i] *= (*c)[i];
      }
    } else {
      break;
    }
    any = true;
    v = user->getResult(0);
  }
  if (!any)
    return std::nullopt;
  return f;
}

void reportCalibrationData(func::FuncOp main, StringRef source, unsigned asked,
                           const std::vector<std::vector<Tensor>> &inputs) {
  const bool random = source == "random";
  if (!random && inputs.size() < asked)
    main.emitRemark("calibration: ")
        << inputs.size() << " inputs from '" << source << "' (" << asked
        << " asked for; that is all it holds)";
  for (unsigned a = 0; a < main.getNumArguments(); ++a) {
    std::string name = "input " + std::to_string(a);
    if (auto n = main.getArgAttrOfType<StringAttr>(a, "onnx.name"))
      name = "'" + n.getValue().str() + "'";
    BlockArgument arg = main.getArgument(a);
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    const int64_t channels =
        type && type.getRank() >= 2 && !type.isDynamicDim(1)
            ? type.getDimSize(1)
            : 1;
    std::optional<ChannelAffine> norm = leadingNormalisation(arg);
    // Per channel: the raw values, and normalised by the model's own map.
    std::vector<double> sum(channels, 0), sq(channels, 0), nsum(channels, 0),
        nsq(channels, 0);
    std::vector<int64_t> count(channels, 0);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto &in : inputs) {
      if (a >= in.size())
        continue;
      const Tensor &t = in[a];
      const int64_t n = t.numElements();
      if (t.dtype != DType::F32 || n == 0)
        continue;
      const int64_t plane = n / (t.shape.empty() ? 1 : t.shape[0]) /
                            (t.rank() >= 2 ? t.shape[1] : 1);
      for (int64_t i = 0; i < n; ++i) {
        const double x = t.f32[i];
        const int64_t c =
            t.rank() >= 2 && channels > 1 ? (i / plane) % channels : 0;
        sum[c] += x;
        sq[c] += x * x;
        ++count[c];
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        if (norm) {
          const double y = norm->scale[c] * x + norm->shift[c];
          nsum[c] += y;
          nsq[c] += y * y;
        }
      }
    }
    int64_t total = 0;
    double s = 0, s2 = 0;
    for (int64_t c = 0; c < channels; ++c) {
      total += count[c];
      s += sum[c];
      s2 += sq[c];
    }
    if (total == 0)
      continue;
    const double mean = s / double(total);
    const double stddev = std::sqrt(std::max(0.0, s2 / double(total) - mean * mean));
    if (!random)
      main.emitRemark("calibration: ")
          << name << " over " << inputs.size() << " inputs: values in ["
          << g(lo) << ", "
          << g(hi) << "], mean "
          << g(mean) << ", std "
          << g(stddev);
    if (!norm)
      continue;
    // Normalised as the model does it, the data should be standardised:
    // a channel whose mean lies 3 or more from 0, or whose spread is 10
    // times off, is not the data the normalisation was made for.
    for (int64_t c = 0; c < channels; ++c) {
      if (count[c] == 0)
        continue;
      const double m = nsum[c] / double(count[c]);
      const double sd =
          std::sqrt(std::max(0.0, nsq[c] / double(count[c]) - m * m));
      if (std::fabs(m) < 3 && sd > 0.1 && sd < 10)
        continue;
      const double scale = norm->scale[c];
      auto d = main.emitWarning("calibration data unlike what the model "
                                "expects: it normalises ")
               << name << " per channel, channel " << c << " as ";
      if (scale != 0)
        d << "(x - " << g(-norm->shift[c] / scale) << ") / " << g(1 / scale);
      else
        d << g(norm->shift[c]);
      d << ", which takes the " << (random ? "random " : "")
        << "calibration data to mean " << g(m) << ", std " << g(sd)
        << " instead of about 0 and 1: the activation ranges will not be "
           "those of real inputs (pass --calib with data like them)";
      break;
    }
  }
}

} // namespace spec2
