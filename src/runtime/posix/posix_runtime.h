// The production runtime: the only code in Peregrine that calls the OS.
// Each executor is one OS thread running a FiberLoop driven by epoll
// (edge-triggered). Cross-thread post() goes through a mutex-protected queue
// and an eventfd, so an idle executor sleeps in epoll_wait instead of
// spinning. A background executor's thread runs under SCHED_IDLE and calls
// sched_yield() between rounds of fibers while more are ready.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/fiber_loop.h"
#include "runtime/runtime.h"

namespace peregrine::rt::posix {

class PosixRuntime;

// One executor: an epoll instance, a fiber loop and a post queue.
class PosixExecutor final : public Executor {
 public:
  // background: a create_background_executor() executor (see runtime.h).
  PosixExecutor(PosixRuntime& rt, std::string name, bool background = false);
  ~PosixExecutor() override;
  const std::string& name() const override { return name_; }
  void post(std::function<void()> fn) override;
  Scheduler& scheduler() override { return loop_; }

  FiberLoop& loop() { return loop_; }
  int epoll_fd() const { return epoll_fd_; }
  // Runs until stop() is called. Must be called on the executor's thread.
  void run();
  void stop();
  // Calls fn on the loop (outside any fiber) when signal signo arrives.
  void on_signal(int signo, std::function<void()> fn);

 private:
  void drain_posted();
  void handle_signals();

  PosixRuntime& rt_;
  std::string name_;
  FiberLoop loop_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  int signal_fd_ = -1;
  std::mutex mu_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> stop_{false};
  bool background_;
  std::vector<std::pair<int, std::function<void()>>> signal_handlers_;
};

class PosixRuntime final : public Runtime, Clock, Random, Threads, Network, Disk {
 public:
  PosixRuntime();
  ~PosixRuntime() override;

  Clock& clock() override { return *this; }
  Random& random() override { return *this; }
  Threads& threads() override { return *this; }
  Network& network() override { return *this; }
  Disk& disk() override { return *this; }
  Scheduler& scheduler() override;
  void write_console(std::string_view text) override;
  void request_stop() override;
  int64_t process_id() override;
  int64_t process_rss_bytes() override;
  int64_t total_system_memory_bytes() override;
  void discard_pages(void* p, size_t len) override;

  // Runs the main executor on the calling thread until request_stop().
  void run();
  PosixExecutor& main() { return *main_; }
  PosixExecutor& current_executor();

  // Clock
  int64_t monotonic_us() override;
  int64_t wall_us() override;
  int64_t span_ns() override;
  const char* monotonic_source() const override { return "POSIX clock_gettime"; }
  void process_cpu_us(int64_t* user_us, int64_t* sys_us) override;
  // Random
  uint64_t next_u64() override;
  // Threads
  Executor& main_executor() override { return *main_; }
  Executor& create_executor(std::string name) override;
  Executor& create_background_executor(std::string name) override;
  // Network
  Result<std::unique_ptr<Listener>> listen(const std::string& host, int port,
                                           int backlog) override;
  Result<std::unique_ptr<Connection>> connect(const std::string& host, int port) override;
  // Disk
  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status unlink(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status fsync_dir(const std::string& dir) override;
  Status mkdir(const std::string& dir) override;
  bool exists(const std::string& path) override;

 private:
  std::unique_ptr<PosixExecutor> main_;
  std::vector<std::unique_ptr<PosixExecutor>> extra_;
  std::vector<std::thread> threads_;
  Executor& start_executor(std::string name, bool background);
  std::mutex random_mu_;
  uint64_t rng_state_[4];
  // span_ns() from the CPU's time-stamp counter when it is usable:
  // nanoseconds per tick, measured against CLOCK_MONOTONIC at start (0: use
  // the clock instead).
  double ns_per_tick_ = 0;
};

}  // namespace peregrine::rt::posix
