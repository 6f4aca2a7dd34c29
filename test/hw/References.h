// Plain C++ references for the overlay's engines, written independently of
// the HLS source (recursive FFT, direct loops) and used to check the
// C-simulation bit for bit.
#ifndef SPEC2_TEST_HW_REFERENCES_H
#define SPEC2_TEST_HW_REFERENCES_H

#include <complex>
#include <cstdint>
#include <vector>

namespace spec2 {
namespace ref {

using CInt = std::complex<int64_t>;

/// Fixed-point N-point FFT, recursive radix-2 decimation in time, Q15
/// twiddles, each twiddle product rounded to nearest (ties up).
std::vector<CInt> fft1d(const std::vector<CInt> &x, bool inverse);
/// Row-column 2-D version over an N x N row-major array.
std::vector<CInt> fft2d(std::vector<CInt> x, unsigned n, bool inverse);

int64_t roundShift(int64_t v, unsigned s);
int64_t clamp(int64_t v, int64_t lo, int64_t hi);

} // namespace ref
} // namespace spec2

#endif
