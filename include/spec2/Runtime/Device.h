//===- Device.h - Where overlay programs run --------------------*- C++ -*-===//
//
// The device interface of the runtime: something that holds one overlay
// instance and runs an instruction stream against a DRAM image. Here that is
// the C-simulation of the HLS source (one backend per configuration compiled
// into the build), and a real Alveo card through XRT, built only where XRT's
// headers are installed (SPEC2_HAVE_XRT; docs/user-guide.md, "Running on a
// card").
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_RUNTIME_DEVICE_H
#define SPEC2_RUNTIME_DEVICE_H

#include "spec2/Target/OverlayConfigFile.h"
#include "spec2/sim.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace spec2 {

/// One overlay instance. Not thread-safe: open one per thread.
class Device {
public:
  virtual ~Device() = default;
  /// "C-simulation (small)", "Alveo U200 via XRT", ...
  virtual std::string description() const = 0;
  virtual const NamedOverlayConfig &config() const = 0;
  /// True if run() returns the overlay's cycle and traffic counters (the
  /// C-simulation); a card only runs the program.
  virtual bool hasCounters() const = 0;
  /// Runs level `level` of the instruction image `image` (isa.h, Runtime
  /// levels: the level table, then the streams; the LEVEL register on a
  /// card) against `dram` (modified in place) and returns the overlay's
  /// counters. Fails on deadlock, fault, or a level the image has no entry
  /// for.
  virtual llvm::Expected<sim::Counters> run(const std::vector<isa::Word> &image,
                                            unsigned level,
                                            std::vector<uint8_t> &dram) = 0;

  /// The DRAM image this device last ran, and which loaded program it
  /// belongs to (0: none). A program run again on the same device finds its
  /// read-only segments in place and only its other bytes are cleared.
  std::vector<uint8_t> dram;
  uint64_t dramProgram = 0;
};

/// Which device to open for a program.
struct DeviceSpec {
  enum Kind { Sim, Xrt } kind = Sim;
  /// Xrt: the overlay bitstream, built by hw/vitis for the program's
  /// configuration; the configuration JSON it was built from lies beside it
  /// (<name>.json next to <name>.xclbin) and must match the program's.
  std::string xclbin;
  unsigned index = 0; ///< Xrt: card index as xbutil lists it
};

/// Parses "sim", "xrt" or "xrt:INDEX".
llvm::Expected<DeviceSpec> parseDeviceSpec(llvm::StringRef text,
                                           llvm::StringRef xclbin);

/// Opens the device `spec` names for a program of configuration `cfg`.
llvm::Expected<std::unique_ptr<Device>>
openDevice(const DeviceSpec &spec, const NamedOverlayConfig &cfg);

/// True if this build has the XRT device.
bool haveXrt();

/// Opens card `index` through XRT, loads `xclbin` and checks that it was
/// built for `cfg`. Fails with the reason (no XRT in this build, no card,
/// wrong bitstream) otherwise.
llvm::Expected<std::unique_ptr<Device>>
openXrtDevice(const NamedOverlayConfig &cfg, llvm::StringRef xclbin,
              unsigned index);

/// Opens the C-simulation of the configuration with this hash. The error
/// names `wantedName` and lists the configurations this build simulates.
llvm::Expected<std::unique_ptr<Device>>
openSimDevice(uint64_t configHash, llvm::StringRef wantedName);

/// The configurations this build can simulate, "name (0xhash)" each.
std::string describeSimBackends();

} // namespace spec2

#endif // SPEC2_RUNTIME_DEVICE_H
