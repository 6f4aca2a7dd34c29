//===- LoadedProgram.cpp - A verified program ready to run ----------------===//
#include "spec2/Runtime/LoadedProgram.h"

#include "spec2/Target/ProgramFormat.h"
#include "spec2/Target/ProgramVerifier.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <atomic>
#include <cmath>

using namespace llvm;

namespace spec2 {

int16_t quantize(float value, int fracBits) {
  const double scaled = std::ldexp(double(value), fracBits);
  if (std::isnan(scaled))
    return 0;
  const double r = std::round(scaled); // ties away from zero
  return int16_t(r < -32768.0 ? -32768 : r > 32767.0 ? 32767 : r);
}

float dequantize(int16_t q, int fracBits) {
  return float(std::ldexp(double(q), -fracBits));
}

Expected<LoadedProgram> LoadedProgram::loadFile(StringRef path) {
  auto program = readProgramFile(path);
  if (!program)
    return program.takeError();
  auto loaded = load(std::move(*program));
  if (!loaded)
    return createStringError(inconvertibleErrorCode(),
                             path + ": " + toString(loaded.takeError()));
  return loaded;
}

Expected<LoadedProgram> LoadedProgram::load(Program program) {
  const sim::Backend *b = sim::findBackend(program.configHash);
  if (!b)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("compiled for overlay configuration '{0}' (hash {1:x16}), "
                "which this build does not simulate; available: {2}",
                program.configName, program.configHash, describeSimBackends())
            .str());
  NamedOverlayConfig cfg{b->name, b->config, b->configHash};
  if (Error e = verifyProgram(program, cfg))
    return std::move(e);
  std::vector<uint8_t> image(program.dramBytes, 0);
  for (const Segment &s : program.segments)
    std::copy(s.bytes.begin(), s.bytes.end(), image.begin() + s.dramAddr);
  return LoadedProgram(std::move(program), std::move(cfg), std::move(image));
}

LoadedProgram::LoadedProgram(Program p, NamedOverlayConfig c,
                             std::vector<uint8_t> image)
    : prog(std::move(p)), cfg(std::move(c)), dramImage(std::move(image)),
      insnImage(instructionImage(prog)) {
  static std::atomic<uint64_t> nextId{1};
  id = nextId++;
  std::vector<std::pair<uint64_t, uint64_t>> used;
  for (const Segment &s : prog.segments)
    used.push_back({s.dramAddr, s.dramAddr + s.bytes.size()});
  std::sort(used.begin(), used.end());
  uint64_t at = 0;
  for (auto [b, e] : used) {
    if (b > at)
      gaps.push_back({at, b});
    at = std::max(at, e);
  }
  if (at < dramImage.size())
    gaps.push_back({at, dramImage.size()});
}

Expected<std::unique_ptr<Device>>
LoadedProgram::openDevice(const DeviceSpec &spec) const {
  return spec2::openDevice(spec, cfg);
}

std::vector<std::pair<std::string, uint64_t>>
LoadedProgram::perLayer(const std::vector<uint64_t> &perInsn,
                        unsigned level) const {
  std::vector<std::pair<std::string, uint64_t>> out;
  const size_t first = prog.levels.empty() ? 0 : prog.levels[level].firstInsn;
  const size_t count = prog.levelInsns(level).size();
  if (prog.insnLayers.empty() || perInsn.size() != count)
    return out;
  std::vector<int64_t> slot(prog.layers.size(), -1);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t l = prog.insnLayers[first + i];
    if (slot[l] < 0) {
      slot[l] = int64_t(out.size());
      out.push_back({prog.layers[l], 0});
    }
    out[size_t(slot[l])].second += perInsn[i];
  }
  return out;
}

Error LoadedProgram::checkLevel(unsigned level) const {
  if (level < prog.numLevels())
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      prog.numLevels() == 1
          ? formatv("level {0} is out of range: the program has one level "
                    "(0); compile with --runtime-sparsity for more",
                    level)
                .str()
          : formatv("level {0} is out of range: the program has {1} levels "
                    "(0 to {2})",
                    level, prog.numLevels(), prog.numLevels() - 1)
                .str());
}

Expected<Inference> LoadedProgram::run(Device &device,
                                       const std::vector<Tensor> &inputs,
                                       unsigned level) const {
  if (Error e = checkLevel(level))
    return std::move(e);
  if (device.config().hash != cfg.hash)
    return createStringError(inconvertibleErrorCode(),
                             "the device runs configuration '" +
                                 device.config().name +
                                 "', the program needs '" + cfg.name + "'");
  if (inputs.size() != prog.inputs.size())
    return createStringError(inconvertibleErrorCode(),
                             formatv("the program takes {0} inputs, got {1}",
                                     prog.inputs.size(), inputs.size())
                                 .str());
  // Segments are read-only (the verifier refuses stores into them), so a
  // device that ran this program before only needs the rest cleared.
  std::vector<uint8_t> &dram = device.dram;
  if (device.dramProgram != id || dram.size() != dramImage.size()) {
    dram = dramImage;
    device.dramProgram = id;
  } else {
    for (auto [b, e] : gaps)
      std::fill(dram.begin() + b, dram.begin() + e, uint8_t(0));
  }
  Inference result;
  result.inputsSaturated.assign(inputs.size(), 0);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorDesc &d = prog.inputs[i];
    const Tensor &t = inputs[i];
    std::vector<int64_t> want(d.dims.begin(), d.dims.end());
    if (t.shape != want)
      return createStringError(
          inconvertibleErrorCode(),
          "input '" + d.name + "' has shape " + formatShape(t.shape) +
              "; the program expects " + formatShape(want));
    if (t.dtype != DType::F32)
      return createStringError(inconvertibleErrorCode(),
                               "input '" + d.name + "' is " +
                                   dtypeName(t.dtype).str() +
                                   "; the program expects float32");
    for (size_t k = 0; k < t.f32.size(); ++k) {
      const double scaled = std::ldexp(double(t.f32[k]), d.fracBits);
      if (!(scaled >= -32768.5 && scaled < 32767.5)) // quantize() clips
        ++result.inputsSaturated[i];
      const uint16_t q = uint16_t(quantize(t.f32[k], d.fracBits));
      dram[d.dramAddr + 2 * k] = uint8_t(q & 0xff);
      dram[d.dramAddr + 2 * k + 1] = uint8_t(q >> 8);
    }
  }
  auto counters = device.run(insnImage, level, dram);
  if (!counters)
    return counters.takeError();
  result.counters = *counters;
  for (const TensorDesc &d : prog.levelOutputs(level)) {
    std::vector<int64_t> shape(d.dims.begin(), d.dims.end());
    std::vector<float> values(checkedNumElements(shape));
    for (size_t k = 0; k < values.size(); ++k) {
      const uint64_t a = d.dramAddr + 2 * k;
      values[k] = dequantize(
          int16_t(uint16_t(dram[a]) | uint16_t(dram[a + 1]) << 8), d.fracBits);
    }
    result.outputs.push_back(
        Tensor::floats(std::move(shape), std::move(values)));
  }
  return result;
}

} // namespace spec2
