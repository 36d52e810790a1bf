// The runtime seam. Every source of nondeterminism the server uses — time,
// randomness, fibers, threads, network, disk — is reached through these
// interfaces and nothing else. src/runtime/posix/ implements them on the OS
// (the kernel's event poll, POSIX files, OS threads, the system clocks and
// random source); sim/ implements
// them as a deterministic world driven by one seed. Server code receives a
// Runtime& and never touches a global.
//
// Fibers: code runs in fibers (Boost.Context underneath). A call that may
// suspend the calling fiber — and so let other fibers of the same executor
// run and change shared state — is marked "Suspends." in its comment. Fibers
// of one executor never run in parallel; only Executor::post() crosses
// executors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.h"

namespace peregrine::rt {

// ---------------------------------------------------------------- Clock
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time since an arbitrary origin, microseconds.
  virtual int64_t monotonic_us() = 0;
  // Wall-clock (Unix epoch) time, microseconds. May jump.
  virtual int64_t wall_us() = 0;
  // CPU time consumed by this process (user, system), microseconds; used by
  // INFO cpu. Simulated runtimes may report virtual figures.
  virtual void process_cpu_us(int64_t* user_us, int64_t* sys_us) = 0;

  // A cheap monotonic nanosecond counter for timing short spans (how long
  // a command ran). Its rate may differ slightly from monotonic_us(); never
  // use it for deadlines. Defaults to monotonic_us().
  virtual int64_t span_ns() { return monotonic_us() * 1000; }
  // What backs monotonic_us(), as INFO's monotonic_clock field names it.
  virtual const char* monotonic_source() const { return "simulated"; }

  int64_t monotonic_ms() { return monotonic_us() / 1000; }
  int64_t wall_ms() { return wall_us() / 1000; }
};

// ---------------------------------------------------------------- Random
class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;
  // Uniform in [0, bound). bound must be > 0.
  uint64_t uniform(uint64_t bound) { return next_u64() % bound; }
  void fill(void* out, size_t len);
};

// ---------------------------------------------------------------- Fibers
// A fiber belongs to the executor that spawned it for its whole life. A
// handle may outlive its fiber: waking a fiber that has ended is a no-op (the
// id tells a reused address apart).
struct FiberHandle {
  void* impl = nullptr;
  uint64_t id = 0;
  bool valid() const { return impl != nullptr; }
  bool operator==(const FiberHandle&) const = default;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Starts fn in a new fiber on this executor. It runs later, not inline.
  virtual void spawn(std::string_view name, std::function<void()> fn) = 0;
  // The calling fiber. Only valid inside a fiber of this scheduler.
  virtual FiberHandle current() = 0;
  // Suspends the calling fiber until wake() is called for it. Suspends.
  virtual void park() = 0;
  // Like park(), but returns false (without a wake) once monotonic time
  // reaches deadline_us. Returns true when woken. Suspends.
  virtual bool park_until(int64_t deadline_us) = 0;
  // Makes a parked fiber runnable. Waking a fiber that is not parked is a
  // no-op. Must be called from the same executor.
  virtual void wake(FiberHandle fiber) = 0;
  // Lets other runnable fibers run first. Suspends.
  virtual void yield() = 0;
  // Suspends for at least duration_us of monotonic time. Suspends.
  virtual void sleep_for_us(int64_t duration_us) = 0;
};

// ---------------------------------------------------------------- Threads
class Executor {
 public:
  virtual ~Executor() = default;
  virtual const std::string& name() const = 0;
  // Thread-safe: runs fn in a new fiber on this executor.
  virtual void post(std::function<void()> fn) = 0;
  virtual Scheduler& scheduler() = 0;
};

class Threads {
 public:
  virtual ~Threads() = default;
  // The executor main() runs on.
  virtual Executor& main_executor() = 0;
  // Starts a named executor on its own thread (io threads, background work).
  virtual Executor& create_executor(std::string name) = 0;
  // Starts a named executor for background work that should use only CPU
  // time nothing else wants. On the OS its thread runs at the lowest
  // scheduling priority (SCHED_IDLE): it runs when the CPU would otherwise
  // idle and gives way as soon as another thread wakes up; and it gives up
  // its CPU between fiber runs while it has more to do, so work cut into
  // pieces with Scheduler::yield() holds off a thread that is waiting for
  // the CPU for one piece at most. A simulated runtime schedules it like
  // any other executor.
  virtual Executor& create_background_executor(std::string name) {
    return create_executor(std::move(name));
  }
};

// ---------------------------------------------------------------- Network
class Connection {
 public:
  virtual ~Connection() = default;
  // Reads at least one byte. Returns 0 on orderly close by the peer, an
  // error on reset or after close(). Suspends.
  virtual Result<size_t> read_some(char* buf, size_t len) = 0;
  // Reads what is available without suspending: bytes, 0 on orderly close
  // by the peer, or an error with code EAGAIN when nothing is there yet.
  virtual Result<size_t> try_read(char* buf, size_t len) = 0;
  // Suspends until the connection may have become readable (data, close,
  // error), the calling fiber is woken by Scheduler::wake, or monotonic time
  // reaches deadline_us (0: no deadline). Returns false only on the
  // deadline. Call try_read first: readiness that came before is not
  // reported again. Suspends.
  virtual bool wait_readable(int64_t deadline_us) = 0;
  // Writes all of data. Returns an error on reset or after close(). Suspends.
  virtual Status write_all(std::string_view data) = 0;
  // Closes the connection. Any fiber suspended in read_some/write_all on it
  // resumes with an error. May be called from any fiber of the owning
  // executor; the owner still destroys the object.
  virtual void close() = 0;
  virtual bool closed() const = 0;
  virtual std::string peer_address() const = 0;   // "ip:port"
  virtual std::string local_address() const = 0;  // "ip:port"
  // A small integer naming the connection (the fd in production).
  virtual int64_t descriptor() const = 0;
  virtual void set_keepalive(int interval_s) = 0;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Waits for the next connection. Errors once the listener is closed. Suspends.
  virtual Result<std::unique_ptr<Connection>> accept() = 0;
  virtual void close() = 0;
  virtual int port() const = 0;
};

class Network {
 public:
  virtual ~Network() = default;
  // Listens on host:port (port 0 picks a free one).
  virtual Result<std::unique_ptr<Listener>> listen(const std::string& host, int port,
                                                   int backlog) = 0;
  // Suspends.
  virtual Result<std::unique_ptr<Connection>> connect(const std::string& host, int port) = 0;
};

// ---------------------------------------------------------------- Disk
class File {
 public:
  virtual ~File() = default;
  virtual Result<size_t> pread(void* buf, size_t len, uint64_t offset) = 0;
  virtual Result<size_t> pwrite(const void* buf, size_t len, uint64_t offset) = 0;
  virtual Status fsync() = 0;
  virtual Result<uint64_t> size() = 0;
  virtual Status truncate(uint64_t len) = 0;
};

struct OpenMode {
  bool write = false;
  bool create = false;
  bool truncate = false;
};

class Disk {
 public:
  virtual ~Disk() = default;
  virtual Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status unlink(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
  virtual Status fsync_dir(const std::string& dir) = 0;
  virtual Status mkdir(const std::string& dir) = 0;
  virtual bool exists(const std::string& path) = 0;

  // Whole-file helpers built on the primitives above.
  Result<std::string> read_file(const std::string& path);
  // Writes path.tmp, fsyncs it, renames it over path, fsyncs the directory.
  Status write_file_atomic(const std::string& path, std::string_view data);
};

// ---------------------------------------------------------------- Runtime
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual Clock& clock() = 0;
  virtual Random& random() = 0;
  virtual Threads& threads() = 0;
  virtual Network& network() = 0;
  virtual Disk& disk() = 0;
  // The scheduler of the executor the caller runs on.
  virtual Scheduler& scheduler() = 0;
  // Standard output of the process (the log when no logfile is set).
  virtual void write_console(std::string_view text) = 0;
  // Asks the runtime's loop to return once the current fiber yields.
  virtual void request_stop() = 0;
  // Process id (INFO server), simulated in the simulator.
  virtual int64_t process_id() = 0;
  // Resident set size of the process in bytes (INFO memory); 0 if unknown.
  virtual int64_t process_rss_bytes() = 0;
  // Physical memory of the machine in bytes (INFO memory); 0 if unknown.
  virtual int64_t total_system_memory_bytes() { return 0; }
  // Gives the whole pages inside [p, p + len) back to the OS; the memory
  // stays allocated and reads as zeros afterwards. The caller owns it and
  // no one else reads it. A no-op where there is nothing to give back.
  virtual void discard_pages(void* p, size_t len) {}
  // BUGGIFY: whether the site (file:line) takes its rare-but-legal path this
  // time. Use the BUGGIFY macro (runtime/buggify.h), never call directly.
  virtual bool buggify(std::string_view site) { return false; }
  // Code probe: records that a rare path was reached (simulator reports).
  virtual void probe(std::string_view name) {}
};

}  // namespace peregrine::rt
