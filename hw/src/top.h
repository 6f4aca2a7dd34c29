// Declarations of the HLS top functions (top.cpp), one kernel per module.
#ifndef SPEC2_HW_TOP_H
#define SPEC2_HW_TOP_H

#include "hls_compat.h"
#include "overlay.h"

namespace spec2 {
namespace SPEC2_HW_NS {

void spec2_fetch(uint32_t count, const isa::Word *insns,
                 hls::stream<isa::Word> &loadQ,
                 hls::stream<isa::Word> &computeQ,
                 hls::stream<isa::Word> &storeQ);
void spec2_load(uint8_t *dram, uint64_t dramBytes,
                hls::stream<isa::Word> &queue, hls::stream<bool> &c2l,
                hls::stream<bool> &l2c, Buffers &buf, Activity &act);
bool spec2_compute(hls::stream<isa::Word> &queue, hls::stream<bool> &l2c,
                   hls::stream<bool> &s2c, hls::stream<bool> &c2l,
                   hls::stream<bool> &c2s, Buffers &buf, Activity &act);
void spec2_store(uint8_t *dram, uint64_t dramBytes,
                 hls::stream<isa::Word> &queue, hls::stream<bool> &c2s,
                 hls::stream<bool> &s2c, Buffers &buf, Activity &act);

} // namespace SPEC2_HW_NS
} // namespace spec2

#endif // SPEC2_HW_TOP_H
