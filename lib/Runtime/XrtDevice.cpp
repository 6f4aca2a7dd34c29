//===- XrtDevice.cpp - The overlay on an Alveo card through XRT -----------===//
//
// Compiled with XRT's headers where they are installed (SPEC2_HAVE_XRT);
// otherwise openXrtDevice() says that this build has no XRT. The program
// runs as TVM VTA's driver runs VTA: the instruction image (the level
// table, then every level's stream) and the DRAM image go to two buffers in
// the DDR bank hw/vitis/link.cfg connects the overlay to; load, compute and
// store are started in auto-restart mode (each call executes one
// instruction), fetch is started with the LEVEL register, and the host
// polls compute's return value until FINISH retires.
//
// NEVER RUN ON A CARD: the machines this project is built on have XRT's
// libraries but no Alveo card and no Vitis to build a bitstream. What is
// tested here is that it compiles and that it fails cleanly without a card
// (test/lit/tools/spec2-run-xrt.test). The register layout it relies on is
// in hw/include/spec2/host_regs.h, with the same caveat.
//
// XRT reports failures as C++ exceptions; this is the one file of the
// project compiled with exceptions, and none escapes it.
//
//===----------------------------------------------------------------------===//
#include "spec2/Runtime/Device.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#if SPEC2_HAVE_XRT
#include "spec2/host_regs.h"

#include <experimental/xrt_ip.h>
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <thread>
#endif

using namespace llvm;

namespace spec2 {

#if SPEC2_HAVE_XRT
namespace {

Error xrtError(const Twine &what) {
  return createStringError(inconvertibleErrorCode(), what);
}

/// The DDR bank hw/vitis/link.cfg connects all three AXI masters to.
constexpr const char *kDdrBank = "DDR[0]";
/// The compute unit of the packaged kernel (link.cfg: nk=...).
constexpr const char *kComputeUnit = "spec2_overlay:{spec2_overlay_1}";
/// How long a program may run before the host gives up on it: 60 s, or
/// SPEC2_XRT_TIMEOUT_S seconds.
std::chrono::seconds timeout() {
  if (const char *env = std::getenv("SPEC2_XRT_TIMEOUT_S")) {
    unsigned s = 0;
    if (!StringRef(env).getAsInteger(10, s) && s > 0)
      return std::chrono::seconds(s);
  }
  return std::chrono::seconds(60);
}

class XrtDevice final : public Device {
public:
  XrtDevice(NamedOverlayConfig c, std::string desc, xrt::device d,
            xrt::ip i, int32_t bank)
      : cfg(std::move(c)), desc(std::move(desc)), dev(std::move(d)),
        ip(std::move(i)), bank(bank) {}

  std::string description() const override { return desc; }
  const NamedOverlayConfig &config() const override { return cfg; }
  bool hasCounters() const override { return false; }

  Expected<sim::Counters> run(const std::vector<isa::Word> &insns,
                              unsigned level,
                              std::vector<uint8_t> &dram) override {
    try {
      return runOnCard(insns, level, dram);
    } catch (const std::exception &e) {
      return xrtError(Twine("XRT: ") + e.what());
    }
  }

private:
  /// `insns` is the instruction image (level table, then the streams);
  /// the LEVEL register picks the stream.
  Expected<sim::Counters> runOnCard(const std::vector<isa::Word> &insns,
                                    unsigned level,
                                    std::vector<uint8_t> &dram) {
    const size_t insnBytes = insns.size() * sizeof(isa::Word);
    if (insnBoBytes != insnBytes) {
      insnBo = xrt::bo(dev, insnBytes, xrt::bo::flags::normal, bank);
      insnBoBytes = insnBytes;
    }
    if (dramBoBytes != dram.size()) {
      dramBo = xrt::bo(dev, dram.size(), xrt::bo::flags::normal, bank);
      dramBoBytes = dram.size();
    }
    insnBo.write(insns.data());
    insnBo.sync(XCL_BO_SYNC_BO_TO_DEVICE);
    dramBo.write(dram.data());
    dramBo.sync(XCL_BO_SYNC_BO_TO_DEVICE);

    const uint64_t dramAddr = dramBo.address();
    for (uint32_t dma : {regs::kLoad, regs::kStore}) {
      write(dma + regs::kDmaDramLo, uint32_t(dramAddr));
      write(dma + regs::kDmaDramHi, uint32_t(dramAddr >> 32));
      write(dma + regs::kDmaBytesLo, uint32_t(dram.size()));
      write(dma + regs::kDmaBytesHi, uint32_t(uint64_t(dram.size()) >> 32));
    }
    // The consumers first, so that fetch never waits on a stopped module.
    for (uint32_t module : {regs::kLoad, regs::kCompute, regs::kStore})
      write(module + regs::kCtrl, regs::kApStart | regs::kAutoRestart);
    const uint64_t insnAddr = insnBo.address();
    write(regs::kFetch + regs::kFetchLevel, uint32_t(level));
    write(regs::kFetch + regs::kFetchInsnsLo, uint32_t(insnAddr));
    write(regs::kFetch + regs::kFetchInsnsHi, uint32_t(insnAddr >> 32));
    write(regs::kFetch + regs::kCtrl, regs::kApStart);

    const auto limit = timeout();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (ip.read_register(regs::kCompute + regs::kComputeReturn) != 1) {
      if (std::chrono::steady_clock::now() > deadline)
        return xrtError(formatv("the overlay did not retire FINISH within {0} "
                                "s (a deadlock or a hung DMA); reset the "
                                "card with xbutil reset",
                                limit.count()));
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    for (uint32_t module : {regs::kLoad, regs::kCompute, regs::kStore})
      write(module + regs::kCtrl, 0);

    dramBo.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
    dramBo.read(dram.data());
    return sim::Counters();
  }

  void write(uint32_t offset, uint32_t value) {
    ip.write_register(offset, value);
  }

  NamedOverlayConfig cfg;
  std::string desc;
  xrt::device dev;
  xrt::ip ip;
  int32_t bank;
  xrt::bo insnBo, dramBo; ///< kept from run to run while the sizes match
  size_t insnBoBytes = 0, dramBoBytes = 0;
};

/// The configuration the bitstream was built from: <stem>.json beside it
/// (hw/vitis/Makefile copies it there).
Expected<NamedOverlayConfig> bitstreamConfig(StringRef xclbin) {
  SmallString<256> json(xclbin);
  sys::path::replace_extension(json, ".json");
  auto cfg = readOverlayConfig(json);
  if (!cfg)
    return xrtError(xclbin + ": cannot read the configuration it was built "
                             "from (" + toString(cfg.takeError()) + ")");
  return cfg;
}

} // namespace

bool haveXrt() { return true; }

Expected<std::unique_ptr<Device>>
openXrtDevice(const NamedOverlayConfig &cfg, StringRef xclbin,
              unsigned index) {
  if (xclbin.empty())
    return xrtError("the XRT device needs the overlay bitstream (--xclbin)");
  auto built = bitstreamConfig(xclbin);
  if (!built)
    return built.takeError();
  if (built->hash != cfg.hash)
    return xrtError(formatv("{0} was built for overlay configuration '{1}' "
                            "(hash {2:x16}), the program needs '{3}' (hash "
                            "{4:x16})",
                            xclbin, built->name, built->hash, cfg.name,
                            cfg.hash));
  xrt::xclbin image;
  int32_t bank = -1;
  try {
    image = xrt::xclbin(xclbin.str());
    for (const xrt::xclbin::mem &m : image.get_mems())
      if (m.get_used() && m.get_tag() == kDdrBank)
        bank = m.get_index();
  } catch (const std::exception &e) {
    return xrtError(xclbin + ": " + e.what());
  }
  if (bank < 0)
    return xrtError(xclbin + ": no memory bank '" + kDdrBank +
                    "' in use (hw/vitis/link.cfg connects the overlay there)");
  try {
    xrt::device dev(index);
    xrt::uuid uuid = dev.load_xclbin(image);
    xrt::ip ip(dev, uuid, kComputeUnit);
    std::string name = "Alveo card";
    try {
      name = dev.get_info<xrt::info::device::name>();
    } catch (const std::exception &) {
      // Not every XRT shim answers the query; the name is only for messages.
    }
    std::string desc = formatv("{0} (card {1}, {2})", name, index, cfg.name);
    return std::unique_ptr<Device>(
        new XrtDevice(cfg, desc, std::move(dev), std::move(ip), bank));
  } catch (const std::exception &e) {
    return xrtError(formatv("XRT card {0}: {1}", index, e.what()).str());
  }
}

#else // !SPEC2_HAVE_XRT

bool haveXrt() { return false; }

Expected<std::unique_ptr<Device>> openXrtDevice(const NamedOverlayConfig &,
                                                StringRef, unsigned) {
  return createStringError(
      inconvertibleErrorCode(),
      "this build has no XRT device: install XRT's headers (Debian: "
      "libxrt-dev) and reconfigure");
}

#endif

} // namespace spec2
