// Native stand-in for Vitis HLS's <hls_stream.h>, used when __SYNTHESIS__ is
// not defined so the HLS source compiles with g++ as the C-simulation. Only
// what the overlay uses: a FIFO with blocking read/write semantics reduced to
// software (reading an empty stream is a simulation error, as in Vitis
// C-simulation).
#ifndef SPEC2_SHIM_HLS_STREAM_H
#define SPEC2_SHIM_HLS_STREAM_H

#include <cstdio>
#include <cstdlib>
#include <deque>

namespace hls {

template <typename T> class stream {
public:
  stream() = default;
  explicit stream(const char *) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  bool empty() const { return fifo.empty(); }
  bool full() const { return false; }
  unsigned size() const { return unsigned(fifo.size()); }

  void write(const T &v) { fifo.push_back(v); }
  T read() {
    if (fifo.empty()) {
      std::fprintf(stderr, "hls::stream: read from an empty stream\n");
      std::abort();
    }
    T v = fifo.front();
    fifo.pop_front();
    return v;
  }
  bool read_nb(T &v) {
    if (fifo.empty())
      return false;
    v = read();
    return true;
  }
  void operator<<(const T &v) { write(v); }
  void operator>>(T &v) { v = read(); }

private:
  std::deque<T> fifo;
};

} // namespace hls

#endif // SPEC2_SHIM_HLS_STREAM_H
