// Native stand-in for Vitis HLS's <hls_stream.h>, used when __SYNTHESIS__ is
// not defined so the HLS source compiles with g++ as the C-simulation. Only
// what the overlay uses: a FIFO with blocking read/write semantics.
//
// Two ways to run. Called from one thread (the engine functions, the
// simulation driver, a DATAFLOW region whose processes are called in turn),
// reading an empty stream is a simulation error, as in Vitis C-simulation.
// Inside hls::sim::runConcurrently, which runs several kernels or processes
// on threads of their own as the hardware runs them side by side (what Vitis
// does for hls::task), a read of an empty stream waits until another thread
// writes it; when every thread waits, the design has deadlocked and the
// simulation stops with a message instead of hanging.
#ifndef SPEC2_SHIM_HLS_STREAM_H
#define SPEC2_SHIM_HLS_STREAM_H

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hls {
namespace sim {

/// The threads of one runConcurrently call: how many run, how many wait.
/// One lock for all streams keeps the deadlock check exact; the concurrent
/// C-simulation is for checking the design, not for speed.
struct Threads {
  std::mutex lock;
  std::condition_variable changed;
  unsigned running = 0; ///< threads started and not finished
  unsigned waiting = 0; ///< of which blocked reading an empty stream
  bool deadlock = false;

  static Threads &get() {
    static Threads t;
    return t;
  }
  /// Called with `lock` held when a thread starts waiting or finishes: if
  /// no thread can make progress any more, nothing will ever be written.
  void checkDeadlock() {
    if (running > 0 && waiting == running && !deadlock) {
      deadlock = true;
      std::fprintf(stderr,
                   "hls::stream: deadlock: all %u concurrent "
                   "processes wait on empty streams\n",
                   running);
      std::abort();
    }
  }
};

/// Is the calling thread one of runConcurrently's?
inline bool &inConcurrentThread() {
  static thread_local bool inside = false;
  return inside;
}

/// Runs every function on a thread of its own until all have returned, with
/// blocking stream reads between them (see the file comment).
inline void runConcurrently(const std::vector<std::function<void()>> &procs) {
  Threads &t = Threads::get();
  {
    std::lock_guard<std::mutex> g(t.lock);
    t.running += unsigned(procs.size());
  }
  std::vector<std::thread> threads;
  for (const std::function<void()> &p : procs)
    threads.emplace_back([&t, p] {
      inConcurrentThread() = true;
      p();
      std::lock_guard<std::mutex> g(t.lock);
      --t.running;
      t.checkDeadlock();
      t.changed.notify_all();
    });
  for (std::thread &th : threads)
    th.join();
}

} // namespace sim

template <typename T> class stream {
public:
  stream() = default;
  explicit stream(const char *) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  bool empty() const {
    std::lock_guard<std::mutex> g(threads().lock);
    return fifo.empty();
  }
  bool full() const { return false; }
  unsigned size() const {
    std::lock_guard<std::mutex> g(threads().lock);
    return unsigned(fifo.size());
  }

  void write(const T &v) {
    sim::Threads &t = threads();
    std::lock_guard<std::mutex> g(t.lock);
    fifo.push_back(v);
    if (readerWaits) {
      // The reader can go on: it no longer counts as waiting, even before
      // it has woken up.
      readerWaits = false;
      --t.waiting;
      t.changed.notify_all();
    }
  }
  T read() {
    sim::Threads &t = threads();
    std::unique_lock<std::mutex> g(t.lock);
    if (fifo.empty() && !sim::inConcurrentThread()) {
      std::fprintf(stderr, "hls::stream: read from an empty stream\n");
      std::abort();
    }
    if (fifo.empty()) {
      // One reader per stream, as in HLS.
      readerWaits = true;
      ++t.waiting;
      t.checkDeadlock();
      t.changed.wait(g, [this] { return !fifo.empty(); });
    }
    T v = fifo.front();
    fifo.pop_front();
    return v;
  }
  bool read_nb(T &v) {
    if (empty())
      return false;
    v = read();
    return true;
  }
  void operator<<(const T &v) { write(v); }
  void operator>>(T &v) { v = read(); }

private:
  static sim::Threads &threads() { return sim::Threads::get(); }
  std::deque<T> fifo;
  bool readerWaits = false;
};

} // namespace hls

#endif // SPEC2_SHIM_HLS_STREAM_H
