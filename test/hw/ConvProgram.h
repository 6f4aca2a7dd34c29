// A hand-assembled spectral convolution program (LOAD, FFT, SCONV with
// overlap-and-add, OUTQ, STORE) for a small 3x3 conv layer, shared by the
// end-to-end and cost-model tests.
#ifndef SPEC2_TEST_HW_CONVPROGRAM_H
#define SPEC2_TEST_HW_CONVPROGRAM_H

#include "TestProgram.h"
#include "spec2/overlay_config.h"

#include <vector>

namespace spec2 {
namespace test {

struct ConvLayer {
  unsigned cin = 4, cout = 6, h = 14, w = 14, k = 3, pad = 1;
  std::vector<double> input;   ///< [cin][h][w], in [-1, 1]
  std::vector<double> weights; ///< [cout][cin][k][k], in [-0.5, 0.5]
  std::vector<double> bias;    ///< [cout]
};

/// Fixed-point choices of the program (see the .cpp for the derivation).
constexpr int kInFrac = 12, kWFrac = 12, kOutFrac = 10;

struct ConvProgram {
  std::vector<isa::Word> insns;
  DramImage dram{0};
  uint64_t outAddr = 0;
  /// KER entry indices (group, bin) in KER order (for the cost model's stall
  /// count).
  std::vector<uint16_t> kerBins;
};

/// Builds the program for `cfg`; kernels are transformed with FFTW. With
/// `keep` < bins, every kernel keeps only the `keep` largest-magnitude bins
/// (magnitude pruning, to exercise sparse kernels).
ConvProgram buildConvProgram(const OverlayConfig &cfg, const ConvLayer &layer,
                             unsigned keep);

/// Direct convolution in double precision: [cout][h][w].
std::vector<double> referenceConv(const ConvLayer &layer);

ConvLayer randomConvLayer(unsigned seed);

} // namespace test
} // namespace spec2

#endif
