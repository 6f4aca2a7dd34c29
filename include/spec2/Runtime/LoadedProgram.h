//===- LoadedProgram.h - A verified program ready to run --------*- C++ -*-===//
//
// The loader: reads a .s2b, refuses it unless the verifier accepts it for the
// configuration it names (and that configuration is one this build can run),
// lays out its DRAM image once, and then runs inferences: float inputs are
// quantised to the program's int16 fixed point, the program runs on a device,
// and the outputs come back dequantised to float.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_RUNTIME_LOADEDPROGRAM_H
#define SPEC2_RUNTIME_LOADEDPROGRAM_H

#include "spec2/Runtime/Device.h"
#include "spec2/Support/Tensor.h"
#include "spec2/Target/Program.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace spec2 {

/// The result of one inference.
struct Inference {
  std::vector<Tensor> outputs; ///< float32, dequantised
  sim::Counters counters;
  /// Per program input, the values outside what its int16 format holds
  /// (clipped by the host as it quantises them; NaN counts too).
  std::vector<uint64_t> inputsSaturated;
};

class LoadedProgram {
public:
  /// Reads and verifies `path`. Fails with a message that names the file.
  static llvm::Expected<LoadedProgram> loadFile(llvm::StringRef path);
  /// Verifies an in-memory program.
  static llvm::Expected<LoadedProgram> load(Program program);

  const Program &program() const { return prog; }
  const NamedOverlayConfig &config() const { return cfg; }

  /// A fresh device for this program's configuration (one per thread): the
  /// C-simulation unless `spec` names another.
  llvm::Expected<std::unique_ptr<Device>>
  openDevice(const DeviceSpec &spec = DeviceSpec()) const;

  /// Runs one inference on `device` at runtime level `level` (0, the
  /// densest, unless the program has more; out of range is an error).
  /// Inputs must match the program's input descriptors in number and shape
  /// and be float32.
  llvm::Expected<Inference> run(Device &device,
                                const std::vector<Tensor> &inputs,
                                unsigned level = 0) const;

  /// Per layer of level `level`'s stream (the program's layer table, in the
  /// order the stream first reaches each), the sum of `perInsn` over its
  /// instructions: e.g. Counters::saturatedByInsn. Empty when the program
  /// has no layer table or `perInsn` is not one count per instruction.
  std::vector<std::pair<std::string, uint64_t>>
  perLayer(const std::vector<uint64_t> &perInsn, unsigned level = 0) const;

  /// Fails, saying which levels there are, unless `level` is one.
  llvm::Error checkLevel(unsigned level) const;

  /// Modeled milliseconds for `cycles` at the configuration's clock.
  double cyclesToMs(uint64_t cycles) const {
    return double(cycles) / (double(cfg.config.clockMhz) * 1e3);
  }

private:
  LoadedProgram(Program p, NamedOverlayConfig c, std::vector<uint8_t> image);

  Program prog;
  NamedOverlayConfig cfg;
  /// The DRAM image with every segment in place and zeros elsewhere.
  std::vector<uint8_t> dramImage;
  /// What the fetch module reads: the level table, then the instructions.
  std::vector<isa::Word> insnImage;
  /// The byte ranges outside every segment: cleared before each run.
  std::vector<std::pair<uint64_t, uint64_t>> gaps;
  /// Identifies this program to the devices that ran it.
  uint64_t id;
};

/// int16 fixed point with `fracBits` fraction bits: round to nearest (ties
/// away from zero), saturate.
int16_t quantize(float value, int fracBits);
float dequantize(int16_t q, int fracBits);

} // namespace spec2

#endif // SPEC2_RUNTIME_LOADEDPROGRAM_H
