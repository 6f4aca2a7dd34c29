// Selects Vitis HLS's own headers (hls::stream, hls::stream_of_blocks)
// under synthesis and our native shim (hw/shim) otherwise. Fixed-width
// types are the standard <cstdint> ones, which Vitis HLS synthesises
// directly, so no ap_int shim is needed.
#ifndef SPEC2_HW_HLS_COMPAT_H
#define SPEC2_HW_HLS_COMPAT_H

#ifdef __SYNTHESIS__
#include <hls_stream.h>
#include <hls_streamofblocks.h>
#else
#include "../shim/hls_stream.h"
#endif

#endif // SPEC2_HW_HLS_COMPAT_H
