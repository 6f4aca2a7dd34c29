//===- ProgramFormat.h - The .s2b binary program format ---------*- C++ -*-===//
//
// Reads and writes a Program as the bytes of a .s2b file. All integers are
// little-endian; every section starts 8-byte aligned and every padding byte
// is zero, so a file has exactly one encoding (write(read(f)) == f).
//
//   Header, 64 bytes:
//     [ 0,  4)  magic "S2B\x01"
//     [ 4,  8)  u32 format version = 3 (version 1 files, which have no
//               level table, are read as programs of one stream; versions
//               1 and 2 have no layer table)
//     [ 8, 16)  u64 config hash (spec2::configHash)
//     [16, 20)  u32 instruction count
//     [20, 24)  u32 segment count
//     [24, 28)  u32 input count
//     [28, 32)  u32 output count
//     [32, 40)  u64 DRAM bytes
//     [40, 48)  u64 total file size, checksum included
//     [48, 64)  config name, NUL padded (16 characters use all 16 bytes)
//   Tensor descriptors, inputs then outputs, each:
//     u64 DRAM address (bytes)
//     u8 rank (<= 8), i8 frac bits, u8 name length (1..255), u8 zero
//     u32 zero
//     u32 dims[rank]
//     name bytes, zero padding to a multiple of 8
//   Level table (version 2; spec2c --runtime-sparsity):
//     u32 level count (0: a program of one stream, no level below), u32 zero
//     per level, densest first:
//       u32 conv sparsity in parts per million, u32 first instruction,
//       u32 instruction count, u32 zero,
//       u64 DRAM address of each output (header's output count)
//   Segment table, each entry:
//     u64 DRAM address (bytes)
//     u64 size (bytes)
//     u8 name length (1..255), 7 zero bytes
//     name bytes, zero padding to a multiple of 8
//   Segment data, in table order, each zero padded to a multiple of 8.
//   Instructions: count x 32 bytes, each isa::Word as 4 u64 lanes.
//   Layer table (version 3):
//     u32 layer count (0: no table), u32 zero
//     per layer: u8 name length (1..255), 7 zero bytes, name bytes, zero
//       padding to a multiple of 8
//     when the count is not 0: u32 layer index of each instruction, zero
//       padding to a multiple of 8
//   Trailer: u32 CRC-32 (zlib crc32) of every byte before it.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_TARGET_PROGRAMFORMAT_H
#define SPEC2_TARGET_PROGRAMFORMAT_H

#include "spec2/Target/Program.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace spec2 {

/// The first four bytes of every .s2b file.
constexpr char kProgramMagic[4] = {'S', '2', 'B', '\x01'};
/// The format version this code writes; it reads this one, version 2 (the
/// same without the layer table) and version 1 (nor the level table).
constexpr uint32_t kProgramFormatVersion = 3;
constexpr uint32_t kOldestProgramFormatVersion = 1;
/// Size of the fixed header.
constexpr unsigned kProgramHeaderBytes = 64;

/// Encodes `program`. Its names and ranks must be encodable (isValidName,
/// isValidConfigName, rank <= kMaxTensorRank), which verifyProgram checks.
std::vector<uint8_t> writeProgram(const Program &program);

/// Decodes a .s2b file held in memory. Never reads outside `bytes`, whatever
/// they are; refuses bad magic or version, truncation, trailing data, a
/// checksum mismatch and any malformed section. Errors start with
/// "<fileNameForErrors>: ".
llvm::Expected<Program> readProgram(llvm::ArrayRef<uint8_t> bytes,
                                    llvm::StringRef fileNameForErrors);

/// Reads a .s2b file from disk with readProgram.
llvm::Expected<Program> readProgramFile(llvm::StringRef path);

/// The zlib CRC-32 of `bytes`, as stored in the trailer.
uint32_t programChecksum(llvm::ArrayRef<uint8_t> bytes);

} // namespace spec2

#endif // SPEC2_TARGET_PROGRAMFORMAT_H
