// Helpers for hand-assembling overlay programs in tests: instruction
// builders over the ISA header's fields, and a DRAM image.
#ifndef SPEC2_TEST_HW_TESTPROGRAM_H
#define SPEC2_TEST_HW_TESTPROGRAM_H

#include "spec2/isa.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace spec2 {
namespace test {

/// Builds one instruction word field by field; refuses values that do not fit.
class Insn {
public:
  explicit Insn(unsigned opcode) { isa::setField(word, isa::kOpcode, opcode); }
  Insn &set(isa::Field f, int64_t v) {
    if (!isa::fits(f, v))
      throw std::runtime_error("value does not fit its field");
    isa::setField(word, f, v);
    return *this;
  }
  Insn &popPrev() { return set(isa::kPopPrev, 1); }
  Insn &popNext() { return set(isa::kPopNext, 1); }
  Insn &pushPrev() { return set(isa::kPushPrev, 1); }
  Insn &pushNext() { return set(isa::kPushNext, 1); }
  operator isa::Word() const { return word; }

private:
  isa::Word word{};
};

inline Insn finish() { return Insn(isa::kFinish); }

/// LOAD of a box of an int16 CHW tensor into INP (or FCX).
inline Insn loadBox(unsigned buffer, uint64_t dram, uint64_t sram, int64_t srcH,
                    int64_t srcW, int64_t y0, int64_t x0, int64_t nc,
                    int64_t ny, int64_t nx, int64_t dstPitch,
                    int64_t dstPlane) {
  using namespace isa::load;
  return Insn(isa::kLoad)
      .set(kBuffer, buffer)
      .set(kDramAddr, dram)
      .set(kSramAddr, sram)
      .set(kSrcH, srcH)
      .set(kSrcW, srcW)
      .set(kY0, y0)
      .set(kX0, x0)
      .set(kNc, nc)
      .set(kNy, ny)
      .set(kNx, nx)
      .set(kDstPitch, dstPitch)
      .set(kDstPlane, dstPlane);
}

/// LOAD of `count` linear entries into KER or BIAS.
inline Insn loadLinear(unsigned buffer, uint64_t dram, uint64_t sram,
                       uint64_t count, unsigned kerFormat = isa::kKerSpectral) {
  using namespace isa::load;
  return Insn(isa::kLoad)
      .set(kBuffer, buffer)
      .set(kDramAddr, dram)
      .set(kSramAddr, sram)
      .set(kCount, count)
      .set(kKerFormat, kerFormat);
}

inline Insn storeBox(uint64_t dram, uint64_t sram, int64_t dstH, int64_t dstW,
                     int64_t y0, int64_t x0, int64_t nc, int64_t ny, int64_t nx,
                     int64_t srcPitch, int64_t srcPlane) {
  using namespace isa::store;
  return Insn(isa::kStore)
      .set(kDramAddr, dram)
      .set(kSramAddr, sram)
      .set(kDstH, dstH)
      .set(kDstW, dstW)
      .set(kY0, y0)
      .set(kX0, x0)
      .set(kNc, nc)
      .set(kNy, ny)
      .set(kNx, nx)
      .set(kSrcPitch, srcPitch)
      .set(kSrcPlane, srcPlane);
}

/// A DRAM image with little-endian writers/readers.
struct DramImage {
  std::vector<uint8_t> bytes;
  explicit DramImage(size_t size) : bytes(size, 0) {}
  void putI16(uint64_t addr, int16_t v) {
    bytes[addr] = uint8_t(uint16_t(v) & 0xff);
    bytes[addr + 1] = uint8_t(uint16_t(v) >> 8);
  }
  void putI32(uint64_t addr, int32_t v) {
    for (int b = 0; b < 4; ++b)
      bytes[addr + b] = uint8_t(uint32_t(v) >> (8 * b));
  }
  int16_t getI16(uint64_t addr) const {
    return int16_t(uint16_t(bytes[addr]) | uint16_t(bytes[addr + 1]) << 8);
  }
  /// Spectral KER entry {re, im, bin}.
  void putSpectral(uint64_t addr, int16_t re, int16_t im, uint16_t bin) {
    putI16(addr, re);
    putI16(addr + 2, im);
    putI16(addr + 4, int16_t(bin));
  }
  /// FC KER entry {value, col}.
  void putFc(uint64_t addr, int16_t v, uint16_t col) {
    putI16(addr, v);
    putI16(addr + 2, int16_t(col));
  }
};

} // namespace test
} // namespace spec2

#endif // SPEC2_TEST_HW_TESTPROGRAM_H
