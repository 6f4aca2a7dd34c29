// The spec2 overlay instruction set: the single source of truth for instruction
// words, shared unchanged by the HLS kernel, the C-simulation, the compiler's
// encoder/decoder, the loader and the tests.
//
// Every instruction is one 256-bit word (four little-endian 64-bit lanes).
// Bits [0,8) are common to all opcodes: the opcode and four dependency-token
// bits. The remaining fields are laid out per opcode, each one directly after
// the previous, with widths derived from the few ISA parameters below. Field
// widths are properties of the ISA, not of a configuration: an overlay
// configuration (hw/configs/*.json) chooses buffer depths and lane counts
// within the limits these widths allow.
//
// Semantics of every instruction, in pseudo-code, are in docs/isa.md; the
// comments here name what each field means and in which unit it counts.
//
// This header is plain C++17 with no dependencies beyond <cstdint>, so that
// Vitis HLS can synthesise code that includes it.
#ifndef SPEC2_ISA_H
#define SPEC2_ISA_H

#include <cstdint>

namespace spec2 {
namespace isa {

//===----------------------------------------------------------------------===//
// ISA parameters. Everything else derives from these.
//===----------------------------------------------------------------------===//

/// Bits of an on-chip buffer address (in elements of that buffer).
constexpr unsigned kSramAddrBits = 20;
/// Bits of a DRAM address (in bytes). A program's DRAM image is < 4 GiB.
constexpr unsigned kDramAddrBits = 32;
/// Bits of a dimension (channels, rows, columns, pitches in elements).
constexpr unsigned kDimBits = 16;
/// Bits of a linear element count (LOAD of KER/BIAS entries).
constexpr unsigned kCountBits = 24;
/// Version of the instruction layout. It is part of every config hash, so a
/// program encoded for another layout is refused as built for another
/// overlay. Bump it whenever a field moves or changes meaning.
constexpr unsigned kIsaVersion = 6;
/// Entries of a VEC LUT table: 256 segments over the int16 input range.
constexpr unsigned kLutEntries = 257;
/// Bits of a shift amount.
constexpr unsigned kShiftBits = 6;
/// Bits of a pooling window side / stride / pad.
constexpr unsigned kWindowBits = 5;
/// Bits of a dimension inside one on-chip tile of the spatial conv engine
/// (rows, columns, pitches, tap origins).
constexpr unsigned kTileBits = 12;

/// Width of an instruction word in bits and in 64-bit lanes.
constexpr unsigned kInsnBits = 256;
constexpr unsigned kInsnLanes = kInsnBits / 64;
/// Width of an instruction word in bytes, as stored in a program.
constexpr unsigned kInsnBytes = kInsnBits / 8;

/// Bytes of one spectral kernel entry in DRAM: {int16 re, int16 im, uint16
/// index}.
constexpr unsigned kSpectralEntryBytes = 6;
/// A spectral entry's index: the input-channel group it reads in its high
/// bits, the bin in its low kEntryBinBits; kEntryNoRead marks a padding
/// entry, which reads nothing and adds nothing.
constexpr unsigned kEntryBinBits = 8;
constexpr unsigned kEntryBinMask = (1u << kEntryBinBits) - 1;
constexpr unsigned kEntryNoRead = 0xffff;
/// Input-channel groups one SCONV can address.
constexpr unsigned kMaxSconvGroups = (kEntryNoRead >> kEntryBinBits);
inline constexpr unsigned entryIndex(unsigned group, unsigned bin) {
  return group << kEntryBinBits | bin;
}
inline constexpr unsigned entryGroup(unsigned index) {
  return index >> kEntryBinBits;
}
inline constexpr unsigned entryBin(unsigned index) {
  return index & kEntryBinMask;
}
/// Bytes of one fully-connected weight entry in DRAM: {int16 value, uint16
/// col}.
constexpr unsigned kFcEntryBytes = 4;
/// Bytes of one weight of a dense fully-connected row in DRAM: {int16 value};
/// on chip its index is kFcStepColumn.
constexpr unsigned kFcDenseEntryBytes = 2;
/// A GEMV entry with this index reads the column of its step (entry t of a
/// row reads FCX[xAddr + t]): dense rows need no stored columns.
constexpr unsigned kFcStepColumn = 0xffff;

/// DDR burst granularity in bytes (a 512-bit AXI beat). A DMA row that
/// touches part of a beat costs the whole beat.
constexpr unsigned kDdrBeatBytes = 64;

/// Largest accumulator magnitude of the MAC engines: 48-bit signed, as in a
/// DSP48 cascade. Accumulation saturates at +-(2^47 - 1).
constexpr unsigned kAccBits = 48;

//===----------------------------------------------------------------------===//
// Instruction word and bit fields.
//===----------------------------------------------------------------------===//

/// One instruction word. Plain struct of integers so HLS can pack it into an
/// AXI beat and the compiler can write it byte-exactly (little-endian lanes).
struct Word {
  uint64_t lane[kInsnLanes];
};

/// A bit field of an instruction word: `width` bits starting at bit `lo`.
struct Field {
  unsigned lo;
  unsigned width;
  bool isSigned;
  constexpr unsigned end() const { return lo + width; }
};

/// The field that follows `prev` directly.
constexpr Field after(Field prev, unsigned width, bool isSigned = false) {
  return Field{prev.end(), width, isSigned};
}

/// The field at position `index` of a list of fields laid out one after
/// another from bit `lo`, with the given widths and signedness.
constexpr Field fieldAt(unsigned lo, const unsigned *widths,
                        const bool *isSigned, unsigned index) {
  for (unsigned i = 0; i < index; ++i)
    lo += widths[i];
  return Field{lo, widths[index], isSigned[index]};
}

// The field table. Every opcode's operand fields are one X-macro list,
// SPEC2_ISA_<OPCODE>_FIELDS(X), expanding X(Name, name, width, isSigned, doc)
// per field in bit order: `k<Name>` is the Field in the opcode's namespace,
// `name` its snake_case name in the assembler text and as the attribute of
// its ovl op, `doc` what it counts. SPEC2_ISA_DEFINE_FIELDS lays a list out
// from bit `lo`; the assembler's table (lib/Target/InsnTable.cpp) and the ovl
// op definitions (generated by dialects/Overlay/gen) expand the same lists.
#define SPEC2_ISA_FIELD_INDEX(Name, name, width, isSigned, doc) k##Name##Index,
#define SPEC2_ISA_FIELD_WIDTH(Name, name, width, isSigned, doc) width,
#define SPEC2_ISA_FIELD_SIGN(Name, name, width, isSigned, doc) bool(isSigned),
#define SPEC2_ISA_FIELD_DEF(Name, name, width, isSigned, doc)                  \
  constexpr Field k##Name = fieldAt(kFieldsLo, kWidths, kSigns, k##Name##Index);
#define SPEC2_ISA_DEFINE_FIELDS(LIST, lo)                                      \
  constexpr unsigned kFieldsLo = (lo);                                         \
  enum : unsigned { LIST(SPEC2_ISA_FIELD_INDEX) kNumFields };                  \
  constexpr unsigned kWidths[] = {LIST(SPEC2_ISA_FIELD_WIDTH)};                \
  constexpr bool kSigns[] = {LIST(SPEC2_ISA_FIELD_SIGN)};                      \
  LIST(SPEC2_ISA_FIELD_DEF)                                                    \
  constexpr Field kEnd = fieldAt(kFieldsLo, kWidths, kSigns, kNumFields - 1);

/// Raw (unsigned) bits of `f`. Fields never straddle more than two lanes.
inline uint64_t getBits(const Word &w, Field f) {
  unsigned lane = f.lo / 64, off = f.lo % 64;
  uint64_t v = w.lane[lane] >> off;
  if (off + f.width > 64)
    v |= w.lane[lane + 1] << (64 - off);
  return f.width == 64 ? v : (v & ((uint64_t(1) << f.width) - 1));
}

/// Field value, sign-extended when the field is signed.
inline int64_t getField(const Word &w, Field f) {
  uint64_t v = getBits(w, f);
  if (f.isSigned && f.width < 64 && ((v >> (f.width - 1)) & 1))
    v |= ~((uint64_t(1) << f.width) - 1);
  return int64_t(v);
}

/// Does `value` fit into `f`?
inline bool fits(Field f, int64_t value) {
  if (f.isSigned) {
    int64_t lim = int64_t(1) << (f.width - 1);
    return value >= -lim && value < lim;
  }
  return value >= 0 && (f.width >= 63 || value < (int64_t(1) << f.width));
}

/// Stores `value` (truncated to the field width) into `f`.
inline void setField(Word &w, Field f, int64_t value) {
  uint64_t mask = f.width == 64 ? ~uint64_t(0) : ((uint64_t(1) << f.width) - 1);
  uint64_t v = uint64_t(value) & mask;
  unsigned lane = f.lo / 64, off = f.lo % 64;
  w.lane[lane] = (w.lane[lane] & ~(mask << off)) | (v << off);
  if (off + f.width > 64) {
    unsigned spill = off + f.width - 64;
    uint64_t hiMask = (uint64_t(1) << spill) - 1;
    w.lane[lane + 1] = (w.lane[lane + 1] & ~hiMask) | (v >> (64 - off));
  }
}

//===----------------------------------------------------------------------===//
// Opcodes, modules, dependency tokens.
//===----------------------------------------------------------------------===//

/// Opcodes. Values 11-15 are reserved: 11 for LSTM gate support; the loader
/// refuses them until that engine exists.
enum Opcode : unsigned {
  kFinish = 0, ///< End of program (compute module).
  kLoad = 1,   ///< DMA DRAM -> INP/KER/BIAS/FCX (load module).
  kStore = 2,  ///< DMA OUT -> DRAM (store module).
  kFft = 3,    ///< 2-D real FFT of input tiles INP -> SPEC (compute).
  kSconv = 4, ///< Sparse spectral MAC + IFFT + overlap-add into OACC (compute).
  kOutq = 5,  ///< Bias + requantise + activation OACC -> OUT (compute).
  kGemv = 6,  ///< Row-balanced sparse matrix-vector FCX -> FACC/OUT (compute).
  kVec = 7,   ///< Vector unit: pooling, add, LUT, per-channel ops (compute).
  kNop = 8,   ///< Only its dependency tokens (compute): passes a store's
              ///< token on to the load module.
  kConv = 9,  ///< Spatial conv MACs INP/MID -> OACC (compute, spatial engine).
  kConvq = 10, ///< Spatial conv output stage OACC -> OUT/MID (compute).
  kNumOpcodes = 11,
  kReservedLstm = 11,
};

/// The three modules that run concurrently; every opcode belongs to one.
enum Module : unsigned {
  kLoadModule = 0,
  kComputeModule = 1,
  kStoreModule = 2
};

inline Module moduleOf(unsigned opcode) {
  return opcode == kLoad    ? kLoadModule
         : opcode == kStore ? kStoreModule
                            : kComputeModule;
}

/// Common fields. Dependency tokens follow TVM VTA: each module talks to its
/// neighbours in the order load -> compute -> store. "prev" is the module
/// before (load for compute, compute for store; load has none), "next" the
/// one after (compute for load, store for compute; store has none). An
/// instruction first waits for one token from each queue it pops, executes,
/// then pushes one token to each queue it pushes.
constexpr Field kOpcode{0, 4, false};
constexpr Field kPopPrev = after(kOpcode, 1);
constexpr Field kPopNext = after(kPopPrev, 1);
constexpr Field kPushPrev = after(kPopNext, 1);
constexpr Field kPushNext = after(kPushPrev, 1);
constexpr Field kCommonEnd = kPushNext;

//===----------------------------------------------------------------------===//
// On-chip buffers.
//===----------------------------------------------------------------------===//

/// Buffers a LOAD can write.
enum LoadBuffer : unsigned {
  kBufInp = 0,  ///< int16 activations (tiles for FFT, operands for VEC).
  kBufKer = 1,  ///< kernel entries {int16 re, int16 im, uint16 index}.
  kBufBias = 2, ///< int32 biases.
  kBufFcx = 3,  ///< int16 input vector of the FC engine (one copy per lane).
  kNumLoadBuffers = 4,
};

/// Format of KER entries in DRAM.
enum KerFormat : unsigned {
  kKerSpectral = 0, ///< 6-byte {re, im, index} entries.
  kKerFc = 1,       ///< 4-byte {value, col} entries; im is set to 0 on chip.
  kKerFcDense = 2,  ///< 2-byte {value} entries; on chip {value, 0,
                    ///< kFcStepColumn}.
  kKerSpectralPacked = 3, ///< 5-byte {re, im, packed index} entries.
  kNumKerFormats = 4,
};

/// A packed spectral entry's index is one byte: the group in the high
/// bits, the bin in the low kPackedBinBits, kPackedNoRead for padding. It
/// serves SCONVs of at most kPackedMaxGroups groups over fewer than
/// kPackedMaxBins bins (N = 8: 40 bins), and costs 5 bytes instead of 6.
constexpr unsigned kPackedBinBits = 6;
constexpr unsigned kPackedMaxBins = (1u << kPackedBinBits) - 1;
constexpr unsigned kPackedMaxGroups = 1u << (8 - kPackedBinBits);
constexpr unsigned kPackedNoRead = 0xff;
constexpr unsigned kSpectralPackedEntryBytes = 5;
/// The on-chip index (entryIndex) of a packed index byte.
inline constexpr uint16_t unpackIndex(uint8_t packed) {
  return packed == kPackedNoRead
             ? uint16_t(kEntryNoRead)
             : uint16_t(entryIndex(packed >> kPackedBinBits,
                                   packed & ((1u << kPackedBinBits) - 1)));
}
/// The packed byte of an on-chip index that has one (see above).
inline constexpr uint8_t packIndex(uint16_t index) {
  return index == kEntryNoRead
             ? uint8_t(kPackedNoRead)
             : uint8_t(entryGroup(index) << kPackedBinBits | entryBin(index));
}

/// Bytes of one KER entry of `format` in DRAM.
inline constexpr unsigned kerEntryBytes(unsigned format) {
  return format == kKerFc               ? kFcEntryBytes
         : format == kKerFcDense        ? kFcDenseEntryBytes
         : format == kKerSpectralPacked ? kSpectralPackedEntryBytes
                                        : kSpectralEntryBytes;
}

/// The on-chip index of the DRAM entry at `entry` of spectral `format`.
inline uint16_t spectralEntryIndex(unsigned format, const uint8_t *entry) {
  return format == kKerSpectralPacked
             ? unpackIndex(entry[4])
             : uint16_t(entry[4] | unsigned(entry[5]) << 8);
}

//===----------------------------------------------------------------------===//
// LOAD (load module).
//
// Box form (INP, FCX): copies a box of nc x ny x nx int16 elements out of a
// DRAM tensor of nc planes of srcH x srcW elements (plane-major, row-major,
// dense) whose channel 0 starts at byte address dramAddr. Element (c, y, x)
// of the box reads the tensor at row y0+y, column x0+x; positions outside
// the tensor read as zero (this is how padding is made). It is written to
// sramAddr + c*dstPlane + y*dstPitch + x.
//
// Linear form (KER, BIAS): copies `count` entries starting at dramAddr to
// sramAddr, ...; KER entries are decoded according to kerFormat.
// Unused fields of the other form must be zero.
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_LOAD_FIELDS(X)                                               \
  X(DramAddr, dram_addr, kDramAddrBits, 0, "bytes")                            \
  X(SramAddr, sram_addr, kSramAddrBits, 0, "elements")                         \
  X(SrcH, src_h, kDimBits, 0, "tensor rows")                                   \
  X(SrcW, src_w, kDimBits, 0, "tensor columns")                                \
  X(Y0, y0, kDimBits, 1, "box origin row")                                     \
  X(X0, x0, kDimBits, 1, "box origin column")                                  \
  X(Nc, nc, kDimBits, 0, "box planes")                                         \
  X(Ny, ny, kDimBits, 0, "box rows")                                           \
  X(Nx, nx, kDimBits, 0, "box columns")                                        \
  X(DstPitch, dst_pitch, kDimBits, 0, "destination row pitch")                 \
  X(DstPlane, dst_plane, kSramAddrBits, 0, "destination plane pitch")          \
  X(Count, count, kCountBits, 0, "linear entries")                             \
  X(KerFormat, ker_format, 2, 0, "KerFormat of KER entries")
namespace load {
constexpr Field kBuffer = after(kCommonEnd, 2); ///< LoadBuffer (the variant)
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_LOAD_FIELDS, kBuffer.end())
} // namespace load

//===----------------------------------------------------------------------===//
// STORE (store module). Copies a box of nc x ny x nx int16 elements from OUT
// (element (c,y,x) at sramAddr + c*srcPlane + y*srcPitch + x) into a DRAM
// tensor of planes dstH x dstW starting at byte dramAddr, at row y0+y and
// column x0+x. Elements that fall outside the tensor are not written.
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_STORE_FIELDS(X)                                              \
  X(DramAddr, dram_addr, kDramAddrBits, 0, "bytes")                            \
  X(SramAddr, sram_addr, kSramAddrBits, 0, "elements of OUT")                  \
  X(DstH, dst_h, kDimBits, 0, "tensor rows")                                   \
  X(DstW, dst_w, kDimBits, 0, "tensor columns")                                \
  X(Y0, y0, kDimBits, 1, "box origin row in the tensor")                       \
  X(X0, x0, kDimBits, 1, "box origin column in the tensor")                    \
  X(Nc, nc, kDimBits, 0, "box planes")                                         \
  X(Ny, ny, kDimBits, 0, "box rows")                                           \
  X(Nx, nx, kDimBits, 0, "box columns")                                        \
  X(SrcPitch, src_pitch, kDimBits, 0, "source row pitch in OUT")               \
  X(SrcPlane, src_plane, kSramAddrBits, 0, "source plane pitch in OUT")
namespace store {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_STORE_FIELDS, kCommonEnd.end())
} // namespace store

//===----------------------------------------------------------------------===//
// FFT (compute, spectral conv engine). For c in [0, nc): the tile whose
// element (y, x) is INP[inpAddr + c*inpStride + y*inpPitch + x] is read for
// 0 <= y, x < tile; the rest of the N x N transform input is zero (the zero
// padding of overlap-and-add). Its 2-D DFT is computed in fixed point and the
// non-redundant half, bins (ky, kx) with kx <= N/2, is written to
// SPEC[specAddr + c*B + ky*(N/2+1) + kx] with B = N*(N/2+1), each component
// rounded by `shift` and saturated to int16. With ntx > 1, tiles x in
// [0, ntx) along the row follow: tile x starts x*tile elements further in INP
// and writes x*specTile bins further in SPEC (ntx 0 reads as 1). An FFT with
// `async` set does not wait for the compute instructions before it, only for
// the FFT unit (ComputeIssue below).
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_FFT_FIELDS(X)                                                \
  X(InpAddr, inp_addr, kSramAddrBits, 0, "first tile in INP")                  \
  X(InpStride, inp_stride, kSramAddrBits, 0, "INP elements between channels")  \
  X(InpPitch, inp_pitch, kDimBits, 0, "INP row pitch")                         \
  X(SpecAddr, spec_addr, kSramAddrBits, 0, "first bin in SPEC")                \
  X(Nc, nc, kDimBits, 0, "channels")                                           \
  X(Tile, tile, kWindowBits, 0, "valid tile side L <= N")                      \
  X(Shift, shift, kShiftBits, 0, "output right shift")                         \
  X(Ntx, ntx, 8, 0, "tiles along x (0 = 1)")                                   \
  X(SpecTile, spec_tile, kSramAddrBits, 0, "SPEC bins per tile")               \
  X(Async, async, 1, 0, "run beside earlier computes (ComputeIssue)")
namespace fft {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_FFT_FIELDS, kCommonEnd.end())
} // namespace fft

/// Tiles an FFT or SCONV with `ntx` in its ntx field works on.
constexpr uint64_t tilesAlongX(uint64_t ntx) { return ntx ? ntx : 1; }

/// How the compute module starts its instructions (times in cycles; the
/// dependency tokens it pops come on top). Instructions start in program
/// order, each when every earlier compute instruction has finished, with
/// three exceptions that let the spectral conv engine's units overlap:
///  - an FFT with `async` set waits only for the FFT unit to be free, so it
///    runs beside the SCONV before it;
///  - an SCONV, FFT or NOP counts an earlier SCONV as finished once its MAC
///    lanes and IFFT are done (its release), not after the pipelines drain:
///    the next SCONV's MACs follow on directly;
///  - an SCONV, FFT or NOP counts an earlier OUTQ with `detach` set as
///    finished once it has moved its kept rows (its release): it quantises
///    and clears the rest of its plane beside them;
///  - a CONV (like an SCONV, FFT or NOP) follows the releases of what came
///    before, and a CONVQ with `detach` set releases at its start: the next
///    CONV of a fused block multiplies (into the other half of OACC) while
///    the output stage quantises the chunk before. The compiler sets
///    `detach` only where that CONV neither reads what the CONVQ writes nor
///    writes what it reads.
/// Every other instruction (OUTQ, CONVQ, GEMV, VEC, FINISH) waits for the full end
/// of everything before it. A compute instruction pushes its tokens when
/// it and every earlier compute instruction have finished, so a token still
/// covers everything before it.
struct ComputeIssue {
  uint64_t issued = 0;   ///< start of the latest instruction
  uint64_t allDone = 0;  ///< end of every instruction so far
  uint64_t released = 0; ///< release of every instruction so far
  uint64_t fftFree = 0;  ///< end of the latest FFT

  static bool isAsync(const Word &w) {
    return getField(w, kOpcode) == kFft && getField(w, fft::kAsync) != 0;
  }
  /// Does `w` wait only for the releases of the instructions before it?
  static bool followsReleases(const Word &w) {
    const int64_t op = getField(w, kOpcode);
    return op == kFft || op == kSconv || op == kNop || op == kConv;
  }
  /// Earliest start of `w` by the module's own rule.
  uint64_t ready(const Word &w) const {
    const uint64_t after = isAsync(w)           ? fftFree
                           : followsReleases(w) ? released
                                                : allDone;
    return after > issued ? after : issued;
  }
  /// Records that `w` ran [start, end) and released what follows it at
  /// `release` (<= end; see above); returns when its tokens are pushed.
  uint64_t record(const Word &w, uint64_t start, uint64_t end,
                  uint64_t release) {
    issued = start;
    if (end > allDone)
      allDone = end;
    if (release > released)
      released = release;
    if (getField(w, kOpcode) == kFft)
      fftFree = end;
    return allDone;
  }
};

//===----------------------------------------------------------------------===//
// SCONV (compute, spectral conv engine). P_in x P_out MAC lanes; output
// lane po of block b works for output channel b*P_out+po, input lane pi for
// the input channels g*P_in+pi, g in [0, ncig). Each lane walks its own list
// of nnz entries, in which entries of several input-channel groups may
// follow one another (a kernel pair with more non-zeros than another simply
// takes more of its lane's steps). For each output-channel block b in
// [0, ncob):
//   ACC[pi][po][*] = 0
//   for t in [0, nnz), all lanes in lockstep:
//     e = KER[kerAddr + (b*nnz + t)*P_in*P_out + pi*P_out + po]
//     if e.index != kEntryNoRead:
//       g = entryGroup(e.index), k = entryBin(e.index)
//       ACC[pi][po][k] = satAcc(ACC[pi][po][k]
//                        + e.value * SPEC[specAddr + (g*P_in+pi)*B + k])
//   for po with b*P_out+po < nco:
//     y = IFFT_c2r(sat32(round(sum_pi ACC[pi][po] >> accShift)))
//     OACC[oaccAddr + (b*P_out+po)*oaccPlane + (oy+v)*oaccPitch + (ox+u)]
//         = sat32(OACC[...] + sat32(round(y[v][u] >> ifftShift)))
//                      for 0 <= oy+v < oaccH, 0 <= ox+u < oaccPitch
// Reading SPEC: each input lane has its own memory, its bins spread over the
// config's banks (bin mod banks); output lanes of one input lane that read
// different (group, bin) addresses of one bank in the same step stall (bank
// conflicts); equal addresses share a read. An entry whose group is >= ncig
// or whose bin is >= B reads 0 and is counted as a fault. With ntx > 1 the
// same kernels run on tiles x in [0, ntx) one after another: tile x reads
// SPEC x*ncig*P_in*B bins further and adds into OACC x*txStep columns further
// (ox + x*txStep); the blocks of all tiles form one pipeline (ntx 0 = 1).
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_SCONV_FIELDS(X)                                              \
  X(KerAddr, ker_addr, kSramAddrBits, 0, "first KER entry")                    \
  X(SpecAddr, spec_addr, kSramAddrBits, 0, "first SPEC bin")                   \
  X(Nnz, nnz, kDimBits, 0, "steps (entries per lane)")                         \
  X(Ncig, ncig, kDimBits, 0, "input channel groups")                           \
  X(Ncob, ncob, kDimBits, 0, "output channel blocks")                          \
  X(Nco, nco, kDimBits, 0, "real output channels")                             \
  X(OaccAddr, oacc_addr, kSramAddrBits, 0, "first OACC element")               \
  X(OaccPitch, oacc_pitch, kDimBits, 0, "OACC row pitch")                      \
  X(OaccPlane, oacc_plane, kSramAddrBits, 0, "OACC plane pitch")               \
  X(OaccH, oacc_h, kDimBits, 0, "OACC rows")                                   \
  X(Oy, oy, kDimBits, 1, "tile row origin in the plane")                       \
  X(Ox, ox, kDimBits, 1, "tile column origin in the plane")                    \
  X(AccShift, acc_shift, kShiftBits, 0, "accumulator right shift")             \
  X(IfftShift, ifft_shift, kShiftBits, 0, "IFFT output right shift")           \
  X(Ntx, ntx, 8, 0, "tiles along x (0 = 1)")                                   \
  X(TxStep, tx_step, kWindowBits, 0, "OACC columns per tile")
namespace sconv {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_SCONV_FIELDS, kCommonEnd.end())
} // namespace sconv

//===----------------------------------------------------------------------===//
// OUTQ (compute, spectral conv engine output stage). For c in [0, nc),
// y in [0, oh), x in [0, ow):
//   v = OACC[oaccAddr + c*oaccPlane + (y0 + y*sy)*oaccPitch + x0 + x*sx]
//       + BIAS[biasAddr + c]
//   OUT[outAddr + (c*oh + y)*ow + x] = clamp(sat16(round(v >> shift)), lo, hi)
// then, if `clear`, OACC[oaccAddr + c*oaccPlane + i] = 0 for i < oaccPlane,
// except for the kept rows (kKeep below). With `detach`, the SCONVs, FFTs
// and NOPs after it do not wait for it beyond its kept rows (ComputeIssue):
// the compiler guarantees they touch none of the OACC it reads or clears.
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_OUTQ_FIELDS(X)                                               \
  X(OaccAddr, oacc_addr, kSramAddrBits, 0, "first OACC element")               \
  X(OaccPitch, oacc_pitch, kDimBits, 0, "OACC row pitch")                      \
  X(OaccPlane, oacc_plane, kSramAddrBits, 0, "OACC plane pitch")               \
  X(OutAddr, out_addr, kSramAddrBits, 0, "first OUT element")                  \
  X(BiasAddr, bias_addr, kSramAddrBits, 0, "first BIAS entry")                 \
  X(Nc, nc, kDimBits, 0, "channels")                                           \
  X(Oh, oh, kDimBits, 0, "output rows")                                        \
  X(Ow, ow, kDimBits, 0, "output columns")                                     \
  X(Y0, y0, kDimBits, 0, "first OACC row read")                                \
  X(X0, x0, kDimBits, 0, "first OACC column read")                             \
  X(Sy, sy, 4, 0, "row stride")                                                \
  X(Sx, sx, 4, 0, "column stride")                                             \
  X(Shift, shift, kShiftBits, 0, "requantisation right shift")                 \
  X(ClampLo, clamp_lo, 16, 1, "activation lower bound")                        \
  X(ClampHi, clamp_hi, 16, 1, "activation upper bound")                        \
  X(Clear, clear, 1, 0, "zero OACC's planes after reading")                    \
  X(KeepFrom, keep_from, kDimBits, 0, "first kept row (with clear)")           \
  X(Keep, keep, kWindowBits, 0, "kept rows (with clear)")                      \
  X(KeepSwap, keep_swap, 1, 0, "kept rows to the other OACC half")             \
  X(Detach, detach, 1, 0, "later SCONVs/FFTs/NOPs wait only for kept rows")
/// With clear: rows [keepFrom, keepFrom + keep) of each plane (row pitch
/// oaccPitch) move to rows [0, keep) before the rest is zeroed, so the
/// overlap-and-add rows a strip's tiles spilled below it start the next
/// strip's plane. With `keep_swap`, the kept rows go to the same rows of the
/// plane at the same place in the other half of OACC (address +-
/// oacc_depth/2), where the next strip runs, and the whole source plane is
/// zeroed. With `detach`, later SCONVs, FFTs and NOPs wait only for the kept
/// rows (ComputeIssue).
namespace outq {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_OUTQ_FIELDS, kCommonEnd.end())
} // namespace outq

//===----------------------------------------------------------------------===//
// GEMV (compute, fully-connected engine). fc_lanes rows in parallel, every row
// with the same number of non-zeros (row-balanced; dense is nnz = columns).
// For r in [0, nrows), L = fc_lanes:
//   if first: FACC[accAddr + r] = 0
//   for t in [0, nnz):
//     e = KER[kerAddr + ((r / L)*nnz + t)*L + r % L]
//     col = e.col == kFcStepColumn ? t : e.col     (dense rows store no col)
//     FACC[accAddr + r] += e.value * FCX[xAddr + col]
//   if last: OUT[outAddr + r] =
//       clamp(sat16(round((FACC[accAddr + r] + BIAS[biasAddr + r]) >> shift)))
// An entry whose column is outside FCX reads 0 and is counted as a fault.
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_GEMV_FIELDS(X)                                               \
  X(KerAddr, ker_addr, kSramAddrBits, 0, "first KER entry")                    \
  X(XAddr, x_addr, kSramAddrBits, 0, "first FCX element")                      \
  X(Nrows, nrows, kDimBits, 0, "rows")                                         \
  X(Nnz, nnz, kDimBits, 0, "entries per row")                                  \
  X(AccAddr, acc_addr, kSramAddrBits, 0, "first FACC accumulator")             \
  X(First, first, 1, 0, "zero the accumulators first")                         \
  X(Last, last, 1, 0, "write the rows to OUT")                                 \
  X(OutAddr, out_addr, kSramAddrBits, 0, "first OUT element")                  \
  X(BiasAddr, bias_addr, kSramAddrBits, 0, "first BIAS entry")                 \
  X(Shift, shift, kShiftBits, 0, "requantisation right shift")                 \
  X(ClampLo, clamp_lo, 16, 1, "activation lower bound")                        \
  X(ClampHi, clamp_hi, 16, 1, "activation upper bound")
namespace gemv {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_GEMV_FIELDS, kCommonEnd.end())
} // namespace gemv

//===----------------------------------------------------------------------===//
// VEC (compute, vector unit). Operands are dense [nc][h][w] int16 planes in
// INP; the result is dense [nc][oh][ow] in OUT (oh = h, ow = w for ADD/REQ).
//   MAXPOOL: v = max of the in-bounds window elements
//   AVGPOOL: v = round(sum * R(n) >> 24), R(n) = floor((2^24 + n/2) / n),
//            n = kh*kw if includePad else the in-bounds count
//   ADD:     v = (a << shiftA) + (b << shiftB)
//   REQ:     v = a << shiftA
//   LUT:     u = a + 32768, i = u >> 8, f = u & 255,
//            v = T[i] + round((T[i+1] - T[i]) * f >> 8), T = BIAS[bAddr..+257)
//            (a piecewise-linear activation: tanh, sigmoid, leaky ReLU, ...)
//   (pools:  v = v << shiftA)
//   AFFINE:  per plane c < nc, S = int16(BIAS[bAddr + 2c]) (the entry's low
//            16 bits, sign-extended), T = BIAS[bAddr + 2c + 1] (int32):
//            v = (a * S + T) << shiftA
//            (a per-channel scale and shift: a standalone BatchNorm)
//   MUL:     per plane c < nc, s = INP[bAddr + c] (int16, a run-time factor
//            per plane loaded beside the planes): v = (a * s) << shiftA
//            (squeeze-and-excitation's channel gating)
//   (AFFINE and MUL: a 16 x 16-bit product plus a 32-bit addend, held in a
//   48-bit accumulator; shiftA <= 15 keeps v exact in it)
//   SOFTMAX: over the nc planes at each of the h*w positions p (element
//            (c, p) at a_addr + c*h*w + p): m = max_c a, then per c
//            d = sat16(round(((a - m) << shiftA) >> shiftB)) (<= 0),
//            e = max(0, LUT(d)) with T = BIAS[bAddr..+257) (exp),
//            s = sum_c e, r = floor(2^46 / s) (one divider result per
//            position; s = 0 faults), v = e * r (the probability at 2^46;
//            e <= s keeps it below 2^46). With log = 1 (LogSoftmax), the
//            table's e(0) at 2^14 and d at 2^-11: k = floor(log2 s), the
//            mantissa's 16 bits below its leading one u, l = LUT(T2, u -
//            32768) with T2 = BIAS[bAddr+257..+257) (log2(1 + u/2^16) at
//            2^-24), L = ((k - 14) << 24) + l, v = (d' << 13) -
//            round(L * ln2 at 2^-30), d' = d before its sat16 (at 2^-24)
// then out = clamp(sat16(round(v >> shiftOut)), lo, hi). Window (oy, ox)
// covers rows oy*sy - pt .. + kh-1 and columns ox*sx - pl .. + kw-1.
// A plane is h*w elements; AFFINE and MUL read their plane index c as the
// element index divided by h*w (one plane cut into row chunks is nc = 1 with
// bAddr pointing at that plane's entry).
//===----------------------------------------------------------------------===//
enum VecOp : unsigned {
  kVecMaxPool = 0,
  kVecAvgPool = 1,
  kVecAdd = 2,
  kVecReq = 3,
  kVecLut = 4,
  kVecAffine = 5,
  kVecMul = 6,
  kVecSoftmax = 7,
  kNumVecOps = 8,
};
/// SOFTMAX: the reciprocal's scale (r = floor(2^kVecSoftmaxScaleBits / s))
/// and the pipelined divider's latency in cycles (one result per cycle).
constexpr unsigned kVecSoftmaxScaleBits = 46;
constexpr unsigned kVecDividerLatency = 48;
/// LogSoftmax: the formats the ISA fixes (the table's e(0) = 2^14, the
/// differences at 2^-11, the log at 2^-24) and ln 2 at 2^-30.
constexpr unsigned kVecSoftmaxExpFrac = 14;
constexpr unsigned kVecSoftmaxDiffFrac = 11;
constexpr unsigned kVecSoftmaxLogFrac = 24;
constexpr int64_t kLn2Q30 = 744261118;
/// Largest left shift of AFFINE and MUL's products (the 48-bit accumulator).
constexpr unsigned kVecProductMaxShift = 15;

#define SPEC2_ISA_VEC_FIELDS(X)                                                \
  X(AAddr, a_addr, kSramAddrBits, 0, "first operand in INP")                   \
  X(BAddr, b_addr, kSramAddrBits, 0, "second operand / table / plane entries")\
  X(OutAddr, out_addr, kSramAddrBits, 0, "result in OUT")                      \
  X(Nc, nc, kDimBits, 0, "planes")                                             \
  X(H, h, kDimBits, 0, "operand rows")                                         \
  X(W, w, kDimBits, 0, "operand columns")                                      \
  X(Kh, kh, kWindowBits, 0, "window rows")                                     \
  X(Kw, kw, kWindowBits, 0, "window columns")                                  \
  X(Sy, sy, 4, 0, "row stride")                                                \
  X(Sx, sx, 4, 0, "column stride")                                             \
  X(Pt, pt, 4, 0, "top padding")                                               \
  X(Pl, pl, 4, 0, "left padding")                                              \
  X(Oh, oh, kDimBits, 0, "result rows")                                        \
  X(Ow, ow, kDimBits, 0, "result columns")                                     \
  X(ShiftA, shift_a, 5, 0, "left shift of the first operand")                  \
  X(ShiftB, shift_b, 5, 0, "left shift of the second operand")                 \
  X(ShiftOut, shift_out, kShiftBits, 0, "result right shift")                  \
  X(ClampLo, clamp_lo, 16, 1, "result lower bound")                            \
  X(ClampHi, clamp_hi, 16, 1, "result upper bound")                            \
  X(IncludePad, include_pad, 1, 0, "average pools count padding")             \
  X(Log, log, 1, 0, "softmax: the log-probabilities")
namespace vec {
constexpr Field kOp = after(kCommonEnd, 3); ///< VecOp (the variant)
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_VEC_FIELDS, kOp.end())
} // namespace vec

//===----------------------------------------------------------------------===//
// CONV (compute, spatial conv engine). Direct convolution of every kind:
// standard, pointwise (1x1), grouped, depthwise (cpg = 1) with any channel
// multiplier (opg), strided and dilated, kernels up to 31 x 31. The engine
// is conv_pout output lanes x conv_pk reduction lanes x conv_px pixel lanes
// of int16 x int16 multipliers (one DSP each). Output lane po of block b
// works for output channel co = b*P + po (P = conv_pout), which reads the
// input channels of its group g = co / opg.
//
// The source is a tile of input channels in INP (src_buf 0) or MID (1):
// channel c's element (ty, tx) at src_addr + c*vh*src_pitch + ty*src_pitch
// + tx. Only rows [0, vh) and columns [0, vw) hold data; every tap that falls
// outside them is padding: it is never read and never multiplied, and the
// counters count it as a MAC skipped (this is how padding is made on chip;
// the compiler loads the halo rows a tile needs and no padded row or column).
//
// The weights of block b are a list of nr reduction entries j, each with one
// value per output lane: e = KER[ker_addr + (b*nr + j)*P + po]; its index is
// the reduction index r = (ci*kh + ky)*kw + kx it multiplies, or
// kFcStepColumn for r = j (dense lists store no index: LOAD.ker with
// kKerFcDense; pruned lists use kKerFc). A pruned list keeps the same
// entries for the P lanes of a block, so the lanes stay in lockstep and one
// operand read serves them all; the pruning granularity is therefore one
// reduction index per output block (docs/isa.md). For each co < nco and
// output pixel (oy, ox), oy < oh, ox < ow:
//   acc = 0
//   for j in [0, nr):
//     e = KER[...]; r = e.index == kFcStepColumn ? j : e.index
//     if r >= cpg*kh*kw: fault, skip
//     ci = r / (kh*kw), ky = r / kw % kh, kx = r % kw
//     ty = y0 + oy*sy + ky*dy, tx = x0 + ox*sx + kx*dx
//     if ty, tx outside [0, vh) x [0, vw): padding, skip
//     acc += e.value * SRC[src_addr + (g*cpg + ci)*vh*src_pitch
//                          + ty*src_pitch + tx]
//   o = oacc_addr + (co*oh + oy)*ow + ox
//   OACC[o] = sat32((first ? 0 : OACC[o]) + sat32(round(satAcc(acc)
//                                                         >> acc_shift)))
// Schedule: in tree mode (chain 0) a step multiplies conv_pk consecutive
// entries for conv_px consecutive pixels (row-major over oh x ow) of all P
// lanes and sums them in the adder tree; in chain mode (1, for depthwise
// layers) the adder tree is bypassed and each of the conv_pk x conv_px
// multipliers of a lane accumulates a pixel of its own over one entry a
// step. The result is the same; only the step count differs (docs/isa.md).
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_CONV_FIELDS(X)                                               \
  X(SrcBuf, src_buf, 1, 0, "source buffer: 0 INP, 1 MID")                      \
  X(SrcAddr, src_addr, kSramAddrBits, 0, "first source element")               \
  X(SrcPitch, src_pitch, kTileBits, 0, "source row pitch (planes vh rows)")    \
  X(Y0, y0, kTileBits, 1, "tile row of the first tap of output row 0")         \
  X(X0, x0, kTileBits, 1, "tile column of the first tap of output column 0")   \
  X(Vh, vh, kTileBits, 0, "rows the tile holds")                               \
  X(Vw, vw, kTileBits, 0, "columns the tile holds")                            \
  X(Kh, kh, kWindowBits, 0, "kernel rows")                                     \
  X(Kw, kw, kWindowBits, 0, "kernel columns")                                  \
  X(Sy, sy, 3, 0, "row stride")                                                \
  X(Sx, sx, 3, 0, "column stride")                                             \
  X(Dy, dy, 4, 0, "row dilation")                                              \
  X(Dx, dx, 4, 0, "column dilation")                                           \
  X(Oh, oh, kTileBits, 0, "output rows")                                       \
  X(Ow, ow, kTileBits, 0, "output columns")                                    \
  X(OaccAddr, oacc_addr, kSramAddrBits, 0, "first OACC element")               \
  X(Nco, nco, kDimBits, 0, "output channels")                                  \
  X(Cpg, cpg, kDimBits, 0, "input channels per group")                         \
  X(Opg, opg, kDimBits, 0, "output channels per group")                        \
  X(KerAddr, ker_addr, kSramAddrBits, 0, "first KER entry")                    \
  X(Nr, nr, kDimBits, 0, "reduction entries per output block")                 \
  X(AccShift, acc_shift, kShiftBits, 0, "accumulator right shift")             \
  X(First, first, 1, 0, "overwrite OACC instead of adding to it")              \
  X(Chain, chain, 1, 0, "one pixel per multiplier (depthwise schedule)")
namespace conv {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_CONV_FIELDS, kCommonEnd.end())
} // namespace conv

/// Lockstep steps of a CONV on an engine of `pout` x `pk` x `px` lanes
/// (docs/isa.md): the one count the engine, its fast path and the cost model
/// use.
constexpr uint64_t convSteps(uint64_t nco, uint64_t pixels, uint64_t nr,
                             bool chain, uint64_t pout, uint64_t pk,
                             uint64_t px) {
  return ((nco + pout - 1) / pout) *
         (chain ? ((pixels + px * pk - 1) / (px * pk)) * nr
                : ((pixels + px - 1) / px) * ((nr + pk - 1) / pk));
}

//===----------------------------------------------------------------------===//
// CONVQ (compute, spatial conv engine output stage). For c in [0, nc),
// y in [0, oh), x in [0, ow), i = (c*oh + y)*ow + x:
//   v = OACC[oacc_addr + i] + BIAS[bias_addr + c]
//   if res: r = RES[res_addr + c*res_plane + y*res_pitch + x]   (RES: INP
//           if res_buf is 0, MID if 1)
//           v += res_shift >= 0 ? r << res_shift : round(r >> -res_shift)
//   a = sat16(round(v >> shift))
//   if lut: a = sat16(round(LUT(a) >> lut_shift)), LUT as VEC's (the
//           257-entry table at BIAS[lut_addr])
//   DST[out_addr + i] = clamp(a, clamp_lo, clamp_hi)   (DST: OUT if dst_buf
//           is 0, MID if 1)
// The residual add of an inverted-residual block happens here, on the
// projection's accumulators, before its only rounding; writing MID keeps a
// fused block's intermediate tensors on chip.
//===----------------------------------------------------------------------===//
#define SPEC2_ISA_CONVQ_FIELDS(X)                                              \
  X(OaccAddr, oacc_addr, kSramAddrBits, 0, "first OACC element")               \
  X(Nc, nc, kDimBits, 0, "channels")                                           \
  X(Oh, oh, kTileBits, 0, "rows")                                              \
  X(Ow, ow, kTileBits, 0, "columns")                                           \
  X(BiasAddr, bias_addr, kSramAddrBits, 0, "first BIAS entry")                 \
  X(Shift, shift, kShiftBits, 0, "requantisation right shift")                 \
  X(DstBuf, dst_buf, 1, 0, "destination buffer: 0 OUT, 1 MID")                 \
  X(OutAddr, out_addr, kSramAddrBits, 0, "first destination element")          \
  X(Res, res, 1, 0, "add a residual operand")                                  \
  X(ResBuf, res_buf, 1, 0, "residual buffer: 0 INP, 1 MID")                    \
  X(ResAddr, res_addr, kSramAddrBits, 0, "first residual element")             \
  X(ResPitch, res_pitch, kTileBits, 0, "residual row pitch")                   \
  X(ResPlane, res_plane, kSramAddrBits, 0, "residual plane pitch")             \
  X(ResShift, res_shift, kShiftBits, 1, "residual left shift (< 0: right)")    \
  X(Lut, lut, 1, 0, "apply the LUT after requantising")                        \
  X(LutAddr, lut_addr, kSramAddrBits, 0, "LUT table in BIAS")                  \
  X(LutShift, lut_shift, kShiftBits, 0, "LUT result right shift")              \
  X(ClampLo, clamp_lo, 16, 1, "activation lower bound")                        \
  X(ClampHi, clamp_hi, 16, 1, "activation upper bound")                       \
  X(Detach, detach, 1, 0, "later CONVs wait only for its start (ComputeIssue)")
namespace convq {
SPEC2_ISA_DEFINE_FIELDS(SPEC2_ISA_CONVQ_FIELDS, kCommonEnd.end())
} // namespace convq

static_assert(load::kEnd.end() <= kInsnBits, "LOAD does not fit the word");
static_assert(store::kEnd.end() <= kInsnBits, "STORE does not fit the word");
static_assert(fft::kEnd.end() <= kInsnBits, "FFT does not fit the word");
static_assert(sconv::kEnd.end() <= kInsnBits, "SCONV does not fit the word");
static_assert(outq::kEnd.end() <= kInsnBits, "OUTQ does not fit the word");
static_assert(gemv::kEnd.end() <= kInsnBits, "GEMV does not fit the word");
static_assert(vec::kEnd.end() <= kInsnBits, "VEC does not fit the word");
static_assert(conv::kEnd.end() <= kInsnBits, "CONV does not fit the word");
static_assert(convq::kEnd.end() <= kInsnBits, "CONVQ does not fit the word");

/// Bits used by an opcode's fields; every bit at or above this must be zero.
inline unsigned usedBits(unsigned opcode) {
  switch (opcode) {
  case kFinish:
  case kNop:
    return kCommonEnd.end();
  case kLoad:
    return load::kEnd.end();
  case kStore:
    return store::kEnd.end();
  case kFft:
    return fft::kEnd.end();
  case kSconv:
    return sconv::kEnd.end();
  case kOutq:
    return outq::kEnd.end();
  case kGemv:
    return gemv::kEnd.end();
  case kVec:
    return vec::kEnd.end();
  case kConv:
    return conv::kEnd.end();
  case kConvq:
    return convq::kEnd.end();
  default:
    return kInsnBits;
  }
}

//===----------------------------------------------------------------------===//
// Runtime levels: the instruction image the fetch module reads.
//===----------------------------------------------------------------------===//

// A program holds one instruction stream per runtime pruning level (nested
// kernel masks, spec2c --runtime-sparsity; a program compiled without
// levels has one). The image in DDR that spec2_fetch reads starts with one
// level-table word per level, followed by the streams. The LEVEL register
// picks the table word; the word says where that level's stream starts in
// the image and how many instruction words it has. The host refuses a LEVEL
// beyond the table before it starts the fetch module (docs/isa.md, Levels).

/// Most levels a program may hold.
constexpr unsigned kMaxLevels = 16;

/// Level-table word: lane 0 = first instruction word (an index into the
/// image), lane 1 = instruction count, lanes 2 and 3 zero.
inline Word levelEntry(uint32_t first, uint32_t count) {
  Word w = {{uint64_t(first), uint64_t(count), 0, 0}};
  return w;
}
inline uint32_t levelFirst(const Word &w) { return uint32_t(w.lane[0]); }
inline uint32_t levelCount(const Word &w) { return uint32_t(w.lane[1]); }

//===----------------------------------------------------------------------===//
// Fixed-point helpers shared by every engine (see docs/numerics.md).
//===----------------------------------------------------------------------===//

/// Arithmetic right shift rounding to nearest, ties towards +infinity.
inline int64_t roundShift(int64_t v, unsigned s) {
  return s == 0 ? v : ((v + (int64_t(1) << (s - 1))) >> s);
}
inline int64_t saturate(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}
inline int16_t sat16(int64_t v) { return int16_t(saturate(v, -32768, 32767)); }
inline int32_t sat32(int64_t v) {
  return int32_t(saturate(v, -2147483647LL - 1, 2147483647LL));
}
constexpr int64_t kAccMax = (int64_t(1) << (kAccBits - 1)) - 1;
inline int64_t satAcc(int64_t v) { return saturate(v, -kAccMax, kAccMax); }

} // namespace isa
} // namespace spec2

#endif // SPEC2_ISA_H
