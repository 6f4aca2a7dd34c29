// The host's view of the packaged overlay kernel (hw/vitis): where each
// module kernel's AXI4-Lite control registers sit and what they hold. The
// XRT device (lib/Runtime/XrtDevice.cpp) drives the overlay through these,
// as TVM VTA's driver drives its fetch/load/compute/store modules.
//
// UNVERIFIED: the window offsets are those hw/vitis/bd.tcl assigns; the
// per-kernel layout is the one Vitis HLS generates for ap_ctrl_hs kernels
// (control word at 0x00, arguments from 0x10, 64-bit arguments as two
// words followed by one reserved word). Check them against the generated
// x<kernel>_hw.h of a real HLS run before trusting a card with them.
#ifndef SPEC2_HOST_REGS_H
#define SPEC2_HOST_REGS_H

#include <cstdint>

namespace spec2 {
namespace regs {

/// Base of each kernel's register window inside the overlay kernel
/// (bd.tcl: "Host-visible register map", 8 KiB per kernel). All fit in
/// 64 KiB, the register space XRT 2.13's xrt::ip allows whatever the xclbin
/// says (its ip_context::get_size() is a fixed 64 KiB). The host starts
/// fetch, load, compute and store; the compute units run free and have
/// only their counters there.
constexpr uint32_t kWindowBytes = 0x2000;
constexpr uint32_t kFetch = 0 * kWindowBytes;
constexpr uint32_t kLoad = 1 * kWindowBytes;
constexpr uint32_t kCompute = 2 * kWindowBytes;
constexpr uint32_t kStore = 3 * kWindowBytes;
constexpr uint32_t kFftUnit = 4 * kWindowBytes;
constexpr uint32_t kSconvUnit = 5 * kWindowBytes;
constexpr uint32_t kVectorUnit = 6 * kWindowBytes;

/// ap_ctrl_hs control word (offset 0 of every window).
constexpr uint32_t kCtrl = 0x00;
constexpr uint32_t kApStart = 1u << 0;
constexpr uint32_t kApDone = 1u << 1;
constexpr uint32_t kApIdle = 1u << 2;
constexpr uint32_t kAutoRestart = 1u << 7;

/// spec2_fetch(level, insns): LEVEL picks the runtime level's stream from
/// the level table at the start of the instruction image (isa.h).
constexpr uint32_t kFetchLevel = 0x10;
constexpr uint32_t kFetchInsnsLo = 0x18;
constexpr uint32_t kFetchInsnsHi = 0x1c;

/// spec2_load(dram, dramBytes) and spec2_store(dram, dramBytes)
constexpr uint32_t kDmaDramLo = 0x10;
constexpr uint32_t kDmaDramHi = 0x14;
constexpr uint32_t kDmaBytesLo = 0x1c;
constexpr uint32_t kDmaBytesHi = 0x20;

/// spec2_compute's return value: 1 once it has issued FINISH (everything
/// before it has finished by then).
constexpr uint32_t kComputeReturn = 0x10;

} // namespace regs
} // namespace spec2

#endif // SPEC2_HOST_REGS_H
