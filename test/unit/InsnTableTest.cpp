//===- InsnTableTest.cpp - Mnemonics, fields and word encoding ------------===//

#include "spec2/Target/InsnTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <gtest/gtest.h>

#include <random>

using namespace spec2;

namespace {

/// Every field of `format`: common fields, selector, operands.
std::vector<NamedField> allFields(const InsnFormat &format) {
  std::vector<NamedField> fields = {{"opcode", isa::kOpcode}};
  for (const NamedField &f : dependencyFlags())
    fields.push_back(f);
  if (format.hasSelector)
    fields.push_back(format.selector);
  for (const NamedField &f : format.operands)
    fields.push_back(f);
  return fields;
}

TEST(InsnTable, FieldsTileEachOpcodeWithoutGapsOrOverlap) {
  for (const InsnFormat &format : insnFormats()) {
    std::vector<int> owner(isa::kInsnBits, -1);
    std::vector<NamedField> fields = allFields(format);
    for (size_t i = 0; i < fields.size(); ++i) {
      const isa::Field &f = fields[i].field;
      ASSERT_GT(f.width, 0u)
          << format.mnemonic.str() << " " << fields[i].name.str();
      ASSERT_LE(f.end(), isa::kInsnBits);
      for (unsigned b = f.lo; b < f.end(); ++b) {
        EXPECT_EQ(owner[b], -1)
            << format.mnemonic.str() << ": bit " << b << " in two fields";
        owner[b] = int(i);
      }
    }
    unsigned used = isa::usedBits(format.opcode);
    for (unsigned b = 0; b < isa::kInsnBits; ++b)
      EXPECT_EQ(owner[b] != -1, b < used) << format.mnemonic.str() << ": bit "
                                          << b << " (usedBits " << used << ")";
  }
}

TEST(InsnTable, NamesAreUniqueAndSnakeCase) {
  llvm::StringSet<> mnemonics;
  for (const InsnFormat &format : insnFormats()) {
    EXPECT_TRUE(mnemonics.insert(format.mnemonic).second)
        << format.mnemonic.str();
    llvm::StringSet<> names;
    for (const NamedField &f : allFields(format)) {
      EXPECT_TRUE(names.insert(f.name).second)
          << format.mnemonic.str() << " " << f.name.str();
      for (char c : f.name)
        EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_')
            << f.name.str();
    }
  }
  EXPECT_EQ(insnFormats().size(), 21u);
  for (const char *m :
       {"finish", "load.inp", "load.ker", "load.bias", "load.fcx", "store",
        "fft", "sconv", "outq", "gemv", "vec.maxpool", "vec.avgpool", "vec.add",
        "vec.req", "vec.lut", "vec.affine", "vec.mul", "vec.softmax", "nop"})
    EXPECT_NE(findInsnFormat(m), nullptr) << m;
  EXPECT_EQ(findInsnFormat("load"), nullptr);
  EXPECT_EQ(findInsnFormat("vec.min"), nullptr);
}

TEST(InsnTable, FieldValuesRoundTripIncludingExtremes) {
  std::mt19937_64 rng(7);
  for (const InsnFormat &format : insnFormats()) {
    for (const NamedField &nf : allFields(format)) {
      const isa::Field f = nf.field;
      int64_t lo = f.isSigned ? -(int64_t(1) << (f.width - 1)) : 0;
      int64_t hi = f.isSigned ? (int64_t(1) << (f.width - 1)) - 1
                              : int64_t((uint64_t(1) << f.width) - 1);
      std::vector<int64_t> values = {lo, hi, 0, 1, lo + 1, hi - 1};
      if (f.isSigned)
        values.push_back(-1);
      for (int i = 0; i < 20; ++i)
        values.push_back(lo + int64_t(rng() % uint64_t(hi - lo + 1)));
      EXPECT_TRUE(isa::fits(f, lo) && isa::fits(f, hi));
      EXPECT_FALSE(isa::fits(f, lo - 1))
          << format.mnemonic.str() << " " << nf.name.str();
      EXPECT_FALSE(isa::fits(f, hi + 1))
          << format.mnemonic.str() << " " << nf.name.str();
      for (int64_t v : values) {
        // On a background of zeros, of ones and of noise: the field reads
        // back and no other bit changes.
        for (int bg = 0; bg < 3; ++bg) {
          isa::Word before;
          for (uint64_t &lane : before.lane)
            lane = bg == 0 ? 0 : bg == 1 ? ~uint64_t(0) : rng();
          isa::Word after = before;
          isa::setField(after, f, v);
          EXPECT_EQ(isa::getField(after, f), v)
              << format.mnemonic.str() << " " << nf.name.str();
          for (unsigned b = 0; b < isa::kInsnBits; ++b) {
            if (b >= f.lo && b < f.end())
              continue;
            bool x = before.lane[b / 64] >> (b % 64) & 1;
            bool y = after.lane[b / 64] >> (b % 64) & 1;
            ASSERT_EQ(x, y) << format.mnemonic.str() << " " << nf.name.str()
                            << " clobbers bit " << b;
          }
        }
      }
    }
  }
}

TEST(InsnTable, EveryOpcodeHasAMnemonic) {
  for (unsigned op = 0; op < isa::kNumOpcodes; ++op)
    EXPECT_TRUE(llvm::any_of(insnFormats(), [&](const InsnFormat &f) {
      return f.opcode == op;
    })) << op;
}

TEST(InsnTable, DecodesMnemonicsAndRefusesUnknownWords) {
  for (const InsnFormat &format : insnFormats()) {
    isa::Word w{};
    isa::setField(w, isa::kOpcode, format.opcode);
    if (format.hasSelector)
      isa::setField(w, format.selector.field, format.selectorValue);
    EXPECT_EQ(decodeInsnFormat(w), &format);
    EXPECT_EQ(describeInsn(w), format.mnemonic.str());
  }
  for (unsigned op = isa::kNumOpcodes; op < 16; ++op) {
    isa::Word w{};
    isa::setField(w, isa::kOpcode, op);
    EXPECT_EQ(decodeInsnFormat(w), nullptr);
  }
  isa::Word w{};
  isa::setField(w, isa::kOpcode, isa::kReservedLstm);
  EXPECT_EQ(describeInsn(w), "reserved opcode " +
                                 std::to_string(isa::kReservedLstm) +
                                 " (LSTM)");
  isa::setField(w, isa::kOpcode, 12);
  EXPECT_EQ(describeInsn(w), "reserved opcode 12");
  // The VEC variant field's 3 bits are all in use.
  static_assert(isa::kNumVecOps == 1u << isa::vec::kOp.width,
                "a VEC variant without a format");
}

TEST(InsnTable, UnusedBitsAreDetectedPerOpcode) {
  for (unsigned op = 0; op < isa::kNumOpcodes; ++op) {
    unsigned used = isa::usedBits(op);
    isa::Word w{};
    isa::setField(w, isa::kOpcode, op);
    // All used bits set is fine.
    for (unsigned b = 4; b < used; ++b)
      w.lane[b / 64] |= uint64_t(1) << (b % 64);
    EXPECT_FALSE(hasUnusedBitsSet(w)) << op;
    for (unsigned b = used; b < isa::kInsnBits; ++b) {
      isa::Word x = w;
      x.lane[b / 64] |= uint64_t(1) << (b % 64);
      EXPECT_TRUE(hasUnusedBitsSet(x)) << "opcode " << op << " bit " << b;
    }
  }
}

} // namespace
