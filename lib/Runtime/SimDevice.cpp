//===- SimDevice.cpp - The C-simulation as a runtime device ---------------===//
#include "spec2/Runtime/Device.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace spec2 {

namespace {

class SimDevice final : public Device {
public:
  SimDevice(const sim::Backend &b)
      : backend(b), overlay(b.create()), cfg{b.name, b.config, b.configHash} {}

  std::string description() const override {
    return std::string("C-simulation (") + backend.name + ")";
  }
  const NamedOverlayConfig &config() const override { return cfg; }
  bool hasCounters() const override { return true; }

  Expected<sim::Counters> run(const std::vector<isa::Word> &image,
                              unsigned level,
                              std::vector<uint8_t> &dram) override {
    // What the fetch module does with its LEVEL register (hw/src/top.cpp).
    if (level >= image.size())
      return createStringError(inconvertibleErrorCode(),
                               "level " + std::to_string(level) +
                                   " has no entry in the level table");
    const uint64_t first = isa::levelFirst(image[level]);
    const uint64_t count = isa::levelCount(image[level]);
    if (first + count > image.size() || count == 0)
      return createStringError(inconvertibleErrorCode(),
                               "the level table entry of level " +
                                   std::to_string(level) +
                                   " lies outside the instruction image");
    sim::RunResult r = overlay->run(image.data() + first, size_t(count),
                                    dram.data(), dram.size(),
                                    sim::RunOptions());
    if (r.status != sim::Status::Ok)
      return createStringError(inconvertibleErrorCode(),
                               "the overlay stopped: " + r.message);
    return r.counters;
  }

private:
  const sim::Backend &backend;
  std::unique_ptr<sim::Overlay> overlay;
  NamedOverlayConfig cfg;
};

} // namespace

std::string describeSimBackends() {
  std::string s;
  for (const sim::Backend *b : sim::backends())
    s += (s.empty() ? "" : ", ") + std::string(b->name) + " (" +
         formatv("{0:x16}", b->configHash).str() + ")";
  return s;
}

Expected<std::unique_ptr<Device>> openSimDevice(uint64_t configHash,
                                                StringRef wantedName) {
  const sim::Backend *b = sim::findBackend(configHash);
  if (!b)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("the program was compiled for overlay configuration '{0}' "
                "(hash {1:x16}), which this build does not simulate; "
                "available: {2}",
                wantedName, configHash, describeSimBackends())
            .str());
  return std::unique_ptr<Device>(new SimDevice(*b));
}

} // namespace spec2
