// Native stand-in for Vitis HLS's <hls_stream.h> and
// <hls_streamofblocks.h>, used when __SYNTHESIS__ is not defined so the HLS
// source compiles with g++ as the C-simulation. Only what the overlay uses:
// a FIFO with blocking read/write semantics, and a FIFO of blocks.
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

/// Native stand-in for Vitis HLS's hls::stream_of_blocks
/// (<hls_streamofblocks.h>): a FIFO of whole blocks of type T (a PIPO
/// between two processes), written in place through a write_lock and read
/// in place through a read_lock; a block passes to the reader when its
/// write_lock ends and back to the writer when its read_lock ends. As with
/// hls::stream, the C-simulation does not bound the number of blocks in
/// flight (`Depth` is what synthesis builds).
template <typename T, unsigned Depth = 2> class stream_of_blocks {
public:
  stream_of_blocks() = default;
  stream_of_blocks(const stream_of_blocks &) = delete;
  stream_of_blocks &operator=(const stream_of_blocks &) = delete;

  /// A block to write: a spare one or a new one (never shared).
  T *acquireWrite() {
    std::lock_guard<std::mutex> g(sim::Threads::get().lock);
    if (spare.empty())
      return new T();
    T *b = spare.back();
    spare.pop_back();
    return b;
  }
  void releaseWrite(T *b) { full.write(b); }
  T *acquireRead() { return full.read(); }
  void releaseRead(T *b) {
    std::lock_guard<std::mutex> g(sim::Threads::get().lock);
    spare.push_back(b);
  }
  ~stream_of_blocks() {
    for (T *b : spare)
      delete b;
    T *b;
    while (full.read_nb(b))
      delete b;
  }

private:
  stream<T *> full;
  std::vector<T *> spare;
};

template <typename T> class write_lock {
public:
  template <unsigned D>
  explicit write_lock(stream_of_blocks<T, D> &s)
      : block(s.acquireWrite()), done([&s](T *b) { s.releaseWrite(b); }) {}
  write_lock(const write_lock &) = delete;
  ~write_lock() { done(block); }
  operator T &() { return *block; }

private:
  T *block;
  std::function<void(T *)> done;
};

template <typename T> class read_lock {
public:
  template <unsigned D>
  explicit read_lock(stream_of_blocks<T, D> &s)
      : block(s.acquireRead()), done([&s](T *b) { s.releaseRead(b); }) {}
  read_lock(const read_lock &) = delete;
  ~read_lock() { done(block); }
  operator const T &() const { return *block; }

private:
  T *block;
  std::function<void(T *)> done;
};

} // namespace hls

#endif // SPEC2_SHIM_HLS_STREAM_H
