// The engines of the overlay whose busy cycles are counted separately, shared
// by the HLS source (performance counters), the C-simulation and the cost
// model.
#ifndef SPEC2_ENGINES_H
#define SPEC2_ENGINES_H

namespace spec2 {

enum Engine : unsigned {
  kEngLoad,  ///< load DMA
  kEngStore, ///< store DMA
  kEngFft,   ///< FFT unit (FFT instructions)
  kEngSmac,  ///< sparse complex MAC lanes (SCONV)
  kEngIfft,  ///< IFFT + overlap-add unit (SCONV)
  kEngOutq,  ///< conv output stage (OUTQ)
  kEngGemv,  ///< fully-connected engine (GEMV)
  kEngVec,   ///< vector unit (VEC)
  kEngConv,  ///< spatial conv engine (CONV; its output stage CONVQ is outq)
  kNumEngines
};

inline const char *engineName(unsigned e) {
  static const char *const names[kNumEngines] = {
      "load", "store", "fft", "smac", "ifft", "outq", "gemv", "vec", "conv"};
  return e < kNumEngines ? names[e] : "?";
}

} // namespace spec2

#endif // SPEC2_ENGINES_H
