//===- OverlayOps.td - One op per overlay instruction ---------------------===//
//
// The overlay program as IR: every op is one instruction of
// hw/include/spec2/isa.h with its fields as integer attributes named as in
// the assembler (docs/isa.md) and its dependency-token flags as unit
// attributes. Buffer addresses and DRAM offsets are explicit; nothing is left
// to allocate. Fields that are zero may be omitted.
//
// The instruction ops are generated from the assembler's field table
// (lib/Target/InsnTable.cpp), which the verifier uses too.
//
//===----------------------------------------------------------------------===//
#ifndef SPEC2_OVERLAY_OPS
#define SPEC2_OVERLAY_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Overlay_Dialect : Dialect {
  let name = "ovl";
  let cppNamespace = "::spec2::ovl";
  let summary = "Instructions of the spec2 overlay, with explicit buffers and tokens";
}

class Overlay_Op<string mnemonic, list<Trait> traits = []>
    : Op<Overlay_Dialect, mnemonic, traits>;

def Overlay_ProgramOp : Overlay_Op<"program", [NoTerminator, SingleBlock, IsolatedFromAbove]> {
  let summary = "A whole overlay program";
  let description = [{
    Holds the program's DRAM segments, its input/output tensors and its
    instructions, in order. `config` names the overlay configuration and
    `config_hash` is its hash (spec2::configHash); `dram_bytes` is the size of
    the DRAM image the program addresses.

    ```mlir
    ovl.program {config = "small", config_hash = 0x1234 : i64, dram_bytes = 4096 : i64} {
      ovl.tensor {kind = "input", name = "x", dram_addr = 0 : i64, dims = array<i64: 1, 1, 4, 4>, frac = 8 : i32}
      ovl.load {buffer = "inp", src_h = 4 : i64, src_w = 4 : i64, nc = 1 : i64, ny = 4 : i64, nx = 4 : i64, dst_pitch = 4 : i64, dst_plane = 16 : i64, push_next}
      ovl.finish
    }
    ```
  }];
  let arguments = (ins StrAttr:$config, I64Attr:$config_hash, I64Attr:$dram_bytes);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def Overlay_SegmentOp : Overlay_Op<"segment", [HasParent<"ProgramOp">]> {
  let summary = "Constant bytes copied into DRAM before the run";
  let arguments = (ins StrAttr:$name, I64Attr:$dram_addr, ElementsAttr:$data);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def Overlay_TensorOp : Overlay_Op<"tensor", [HasParent<"ProgramOp">]> {
  let summary = "An input or output tensor of the program in DRAM";
  let description = [{
    Dense row-major int16, element q standing for q * 2^-frac.
  }];
  let arguments = (ins StrAttr:$kind, StrAttr:$name, I64Attr:$dram_addr,
                   DenseI64ArrayAttr:$dims, I32Attr:$frac);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

class Overlay_InsnOp<string mnemonic, string summaryText, dag fields>
    : Overlay_Op<mnemonic, [HasParent<"ProgramOp">]> {
  let summary = summaryText;
  let arguments = !con(fields, (ins UnitAttr:$pop_prev, UnitAttr:$pop_next,
                                    UnitAttr:$push_prev, UnitAttr:$push_next));
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def Overlay_FinishOp : Overlay_InsnOp<"finish", "End of program (compute module)", (ins)>;

def Overlay_NopOp : Overlay_InsnOp<"nop",
    "Only dependency tokens (compute module): passes a store's token on to load", (ins)>;

def Overlay_LoadOp : Overlay_InsnOp<"load",
    "DMA from DRAM into INP, KER, BIAS or FCX (load module)",
    (ins StrAttr:$buffer,
         DefaultValuedAttr<I64Attr, "0">:$dram_addr,
         DefaultValuedAttr<I64Attr, "0">:$sram_addr,
         DefaultValuedAttr<I64Attr, "0">:$src_h,
         DefaultValuedAttr<I64Attr, "0">:$src_w,
         DefaultValuedAttr<I64Attr, "0">:$y0,
         DefaultValuedAttr<I64Attr, "0">:$x0,
         DefaultValuedAttr<I64Attr, "0">:$nc,
         DefaultValuedAttr<I64Attr, "0">:$ny,
         DefaultValuedAttr<I64Attr, "0">:$nx,
         DefaultValuedAttr<I64Attr, "0">:$dst_pitch,
         DefaultValuedAttr<I64Attr, "0">:$dst_plane,
         DefaultValuedAttr<I64Attr, "0">:$count,
         DefaultValuedAttr<I64Attr, "0">:$ker_format)>;

def Overlay_StoreOp : Overlay_InsnOp<"store",
    "DMA from OUT into a DRAM tensor, clipped to it (store module)",
    (ins DefaultValuedAttr<I64Attr, "0">:$dram_addr,
         DefaultValuedAttr<I64Attr, "0">:$sram_addr,
         DefaultValuedAttr<I64Attr, "0">:$dst_h,
         DefaultValuedAttr<I64Attr, "0">:$dst_w,
         DefaultValuedAttr<I64Attr, "0">:$y0,
         DefaultValuedAttr<I64Attr, "0">:$x0,
         DefaultValuedAttr<I64Attr, "0">:$nc,
         DefaultValuedAttr<I64Attr, "0">:$ny,
         DefaultValuedAttr<I64Attr, "0">:$nx,
         DefaultValuedAttr<I64Attr, "0">:$src_pitch,
         DefaultValuedAttr<I64Attr, "0">:$src_plane)>;

def Overlay_FftOp : Overlay_InsnOp<"fft",
    "2-D real FFT of input tiles from INP into SPEC (spectral conv engine)",
    (ins DefaultValuedAttr<I64Attr, "0">:$inp_addr,
         DefaultValuedAttr<I64Attr, "0">:$inp_stride,
         DefaultValuedAttr<I64Attr, "0">:$inp_pitch,
         DefaultValuedAttr<I64Attr, "0">:$spec_addr,
         DefaultValuedAttr<I64Attr, "0">:$nc,
         DefaultValuedAttr<I64Attr, "0">:$tile,
         DefaultValuedAttr<I64Attr, "0">:$shift)>;

def Overlay_SconvOp : Overlay_InsnOp<"sconv",
    "Sparse spectral MAC, IFFT and overlap-add into OACC (spectral conv engine)",
    (ins DefaultValuedAttr<I64Attr, "0">:$ker_addr,
         DefaultValuedAttr<I64Attr, "0">:$spec_addr,
         DefaultValuedAttr<I64Attr, "0">:$nnz,
         DefaultValuedAttr<I64Attr, "0">:$ncig,
         DefaultValuedAttr<I64Attr, "0">:$ncob,
         DefaultValuedAttr<I64Attr, "0">:$nco,
         DefaultValuedAttr<I64Attr, "0">:$oacc_addr,
         DefaultValuedAttr<I64Attr, "0">:$oacc_pitch,
         DefaultValuedAttr<I64Attr, "0">:$oacc_plane,
         DefaultValuedAttr<I64Attr, "0">:$oacc_h,
         DefaultValuedAttr<I64Attr, "0">:$oy,
         DefaultValuedAttr<I64Attr, "0">:$ox,
         DefaultValuedAttr<I64Attr, "0">:$acc_shift,
         DefaultValuedAttr<I64Attr, "0">:$ifft_shift)>;

def Overlay_OutqOp : Overlay_InsnOp<"outq",
    "Bias, requantisation and activation from OACC into OUT (conv output stage)",
    (ins DefaultValuedAttr<I64Attr, "0">:$oacc_addr,
         DefaultValuedAttr<I64Attr, "0">:$oacc_pitch,
         DefaultValuedAttr<I64Attr, "0">:$oacc_plane,
         DefaultValuedAttr<I64Attr, "0">:$out_addr,
         DefaultValuedAttr<I64Attr, "0">:$bias_addr,
         DefaultValuedAttr<I64Attr, "0">:$nc,
         DefaultValuedAttr<I64Attr, "0">:$oh,
         DefaultValuedAttr<I64Attr, "0">:$ow,
         DefaultValuedAttr<I64Attr, "0">:$y0,
         DefaultValuedAttr<I64Attr, "0">:$x0,
         DefaultValuedAttr<I64Attr, "0">:$sy,
         DefaultValuedAttr<I64Attr, "0">:$sx,
         DefaultValuedAttr<I64Attr, "0">:$shift,
         DefaultValuedAttr<I64Attr, "0">:$clamp_lo,
         DefaultValuedAttr<I64Attr, "0">:$clamp_hi,
         DefaultValuedAttr<I64Attr, "0">:$clear)>;

def Overlay_GemvOp : Overlay_InsnOp<"gemv",
    "Row-balanced sparse matrix-vector product (fully-connected engine)",
    (ins DefaultValuedAttr<I64Attr, "0">:$ker_addr,
         DefaultValuedAttr<I64Attr, "0">:$x_addr,
         DefaultValuedAttr<I64Attr, "0">:$nrows,
         DefaultValuedAttr<I64Attr, "0">:$nnz,
         DefaultValuedAttr<I64Attr, "0">:$acc_addr,
         DefaultValuedAttr<I64Attr, "0">:$first,
         DefaultValuedAttr<I64Attr, "0">:$last,
         DefaultValuedAttr<I64Attr, "0">:$out_addr,
         DefaultValuedAttr<I64Attr, "0">:$bias_addr,
         DefaultValuedAttr<I64Attr, "0">:$shift,
         DefaultValuedAttr<I64Attr, "0">:$clamp_lo,
         DefaultValuedAttr<I64Attr, "0">:$clamp_hi)>;

def Overlay_VecOp : Overlay_InsnOp<"vec",
    "Pooling, element-wise add or requantisation from INP into OUT (vector unit)",
    (ins StrAttr:$op,
         DefaultValuedAttr<I64Attr, "0">:$a_addr,
         DefaultValuedAttr<I64Attr, "0">:$b_addr,
         DefaultValuedAttr<I64Attr, "0">:$out_addr,
         DefaultValuedAttr<I64Attr, "0">:$nc,
         DefaultValuedAttr<I64Attr, "0">:$h,
         DefaultValuedAttr<I64Attr, "0">:$w,
         DefaultValuedAttr<I64Attr, "0">:$kh,
         DefaultValuedAttr<I64Attr, "0">:$kw,
         DefaultValuedAttr<I64Attr, "0">:$sy,
         DefaultValuedAttr<I64Attr, "0">:$sx,
         DefaultValuedAttr<I64Attr, "0">:$pt,
         DefaultValuedAttr<I64Attr, "0">:$pl,
         DefaultValuedAttr<I64Attr, "0">:$oh,
         DefaultValuedAttr<I64Attr, "0">:$ow,
         DefaultValuedAttr<I64Attr, "0">:$shift_a,
         DefaultValuedAttr<I64Attr, "0">:$shift_b,
         DefaultValuedAttr<I64Attr, "0">:$shift_out,
         DefaultValuedAttr<I64Attr, "0">:$clamp_lo,
         DefaultValuedAttr<I64Attr, "0">:$clamp_hi,
         DefaultValuedAttr<I64Attr, "0">:$include_pad)>;

#endif // SPEC2_OVERLAY_OPS
