// Plain C++ references for the overlay's engines.
#include "References.h"

#include <cmath>

namespace spec2 {
namespace ref {

int64_t roundShift(int64_t v, unsigned s) {
  if (s == 0)
    return v;
  // floor((v + 2^(s-1)) / 2^s), written without relying on >> of negatives.
  const int64_t d = int64_t(1) << s;
  const int64_t n = v + d / 2;
  return n >= 0 ? n / d : -((-n + d - 1) / d);
}

int64_t clamp(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

std::vector<CInt> fft1d(const std::vector<CInt> &x, bool inverse) {
  const size_t n = x.size();
  if (n == 1)
    return x;
  std::vector<CInt> even(n / 2), odd(n / 2);
  for (size_t i = 0; i < n / 2; ++i) {
    even[i] = x[2 * i];
    odd[i] = x[2 * i + 1];
  }
  std::vector<CInt> e = fft1d(even, inverse), o = fft1d(odd, inverse);
  std::vector<CInt> out(n);
  // The twiddle for sub-size n is exp(-+2*pi*i*k/n).
  for (size_t k = 0; k < n / 2; ++k) {
    const double ang = 2 * M_PI * double(k) / double(n);
    const int64_t wr = std::llround(std::cos(ang) * 32768.0);
    const int64_t ws = std::llround(std::sin(ang) * 32768.0);
    const int64_t wi = inverse ? ws : -ws;
    const int64_t tr = roundShift(o[k].real() * wr - o[k].imag() * wi, 15);
    const int64_t ti = roundShift(o[k].real() * wi + o[k].imag() * wr, 15);
    out[k] = CInt(e[k].real() + tr, e[k].imag() + ti);
    out[k + n / 2] = CInt(e[k].real() - tr, e[k].imag() - ti);
  }
  return out;
}

std::vector<CInt> fft2d(std::vector<CInt> x, unsigned n, bool inverse) {
  std::vector<CInt> line(n);
  for (unsigned r = 0; r < n; ++r) {
    for (unsigned c = 0; c < n; ++c)
      line[c] = x[r * n + c];
    line = fft1d(line, inverse);
    for (unsigned c = 0; c < n; ++c)
      x[r * n + c] = line[c];
  }
  for (unsigned c = 0; c < n; ++c) {
    for (unsigned r = 0; r < n; ++r)
      line[r] = x[r * n + c];
    line = fft1d(line, inverse);
    for (unsigned r = 0; r < n; ++r)
      x[r * n + c] = line[r];
  }
  return x;
}

} // namespace ref
} // namespace spec2
