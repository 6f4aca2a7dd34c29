//===- Insn.h - An instruction word under construction ----------*- C++ -*-===//
//
// The one form instructions take between the compiler's lowering, its
// schedule search and the cost model: an isa::Word whose fields are set by
// their isa.h Field (the field table's names), each value checked to fit.
// The ovl op of a word is made by ovl::buildInsn, its typed builder.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_INSN_H
#define SPEC2_TARGET_INSN_H

#include "spec2/isa.h"

#include <cstdint>
#include <optional>
#include <string>

namespace spec2 {

/// An instruction word being filled in. A value that does not fit its field
/// is not stored; the first such is remembered for the error message.
class Insn {
public:
  explicit Insn(isa::Opcode opcode) { isa::setField(w, isa::kOpcode, opcode); }
  /// A LOAD into `buffer`.
  static Insn load(isa::LoadBuffer buffer) {
    return Insn(isa::kLoad).set(isa::load::kBuffer, buffer);
  }
  /// A VEC computing `op`.
  static Insn vec(isa::VecOp op) {
    return Insn(isa::kVec).set(isa::vec::kOp, op);
  }

  /// Sets field `f` to `value` if it fits.
  Insn &set(isa::Field f, int64_t value) {
    if (isa::fits(f, value)) {
      isa::setField(w, f, value);
    } else if (!misfit) {
      misfit = true;
      misfitField = f;
      misfitValue = value;
    }
    return *this;
  }
  /// Sets a dependency-token flag (isa::kPopPrev, ...) or a one-bit field.
  Insn &flag(isa::Field f, bool on = true) { return set(f, on ? 1 : 0); }

  const isa::Word &word() const { return w; }
  unsigned opcode() const { return unsigned(isa::getBits(w, isa::kOpcode)); }
  int64_t get(isa::Field f) const { return isa::getField(w, f); }
  bool ok() const { return !misfit; }
  /// "field 'oacc_h' of sconv = 70000 does not fit its 16-bit unsigned
  /// field", or nothing.
  std::optional<std::string> error() const;

private:
  isa::Word w{};
  bool misfit = false;
  isa::Field misfitField{0, 0, false};
  int64_t misfitValue = 0;
};

/// A box of a DRAM tensor whose planes are `h` x `w` elements: `nc` planes of
/// `ny` x `nx` elements from row `y0`, column `x0` (the LOAD and STORE box
/// forms, isa.h).
struct DramBox {
  int64_t h, w, y0, x0, nc, ny, nx;
};

/// A LOAD of `box` of the tensor at byte `dram` into `buffer` from `sram`,
/// dense on chip (row pitch nx, plane pitch ny * nx).
inline Insn loadBox(isa::LoadBuffer buffer, int64_t dram, int64_t sram,
                    const DramBox &box) {
  namespace load = isa::load;
  return Insn::load(buffer)
      .set(load::kDramAddr, dram)
      .set(load::kSramAddr, sram)
      .set(load::kSrcH, box.h)
      .set(load::kSrcW, box.w)
      .set(load::kY0, box.y0)
      .set(load::kX0, box.x0)
      .set(load::kNc, box.nc)
      .set(load::kNy, box.ny)
      .set(load::kNx, box.nx)
      .set(load::kDstPitch, box.nx)
      .set(load::kDstPlane, box.ny * box.nx);
}

/// A STORE of dense OUT data at `sram` (row pitch nx, plane pitch ny * nx)
/// into `box` of the tensor at byte `dram`.
inline Insn storeBox(int64_t dram, int64_t sram, const DramBox &box) {
  namespace store = isa::store;
  return Insn(isa::kStore)
      .set(store::kDramAddr, dram)
      .set(store::kSramAddr, sram)
      .set(store::kDstH, box.h)
      .set(store::kDstW, box.w)
      .set(store::kY0, box.y0)
      .set(store::kX0, box.x0)
      .set(store::kNc, box.nc)
      .set(store::kNy, box.ny)
      .set(store::kNx, box.nx)
      .set(store::kSrcPitch, box.nx)
      .set(store::kSrcPlane, box.ny * box.nx);
}

} // namespace spec2

#endif // SPEC2_TARGET_INSN_H
