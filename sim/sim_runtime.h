// SimRuntime: the runtime one simulated process sees. All of its executors
// are FiberLoops registered with the world, so "threads" interleave at the
// world's (seeded) choice. Its clock is the world's virtual clock; the wall
// clock can be offset (jumps) and can drift. Its randomness is a stream
// forked from the world's seed. Its network is the world's network seen
// from its host; its disk is its machine's SimDisk, which outlives it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/fiber_loop.h"
#include "runtime/runtime.h"
#include "sim/disk.h"
#include "sim/network.h"
#include "sim/world.h"

namespace peregrine::sim {

class SimRuntime final : public rt::Runtime, rt::Clock, rt::Random, rt::Threads, rt::Network {
 public:
  SimRuntime(SimWorld& world, SimNetwork& net, SimDisk* disk, std::string host);
  ~SimRuntime() override;

  // Runtime
  rt::Clock& clock() override { return *this; }
  rt::Random& random() override { return *this; }
  rt::Threads& threads() override { return *this; }
  rt::Network& network() override { return *this; }
  rt::Disk& disk() override;
  rt::Scheduler& scheduler() override;
  void write_console(std::string_view text) override;
  void request_stop() override { stop_requested_ = true; }
  int64_t process_id() override { return pid_; }
  int64_t process_rss_bytes() override { return 0; }
  bool buggify(std::string_view site) override { return world_.buggify(site); }
  void probe(std::string_view name) override { world_.probe(name); }

  // Clock
  int64_t monotonic_us() override { return world_.now_us(); }
  int64_t wall_us() override;
  void process_cpu_us(int64_t* user_us, int64_t* sys_us) override;
  // Random
  uint64_t next_u64() override { return prng_.next(); }
  // Threads
  rt::Executor& main_executor() override;
  rt::Executor& create_executor(std::string name) override;
  // Network
  Result<std::unique_ptr<rt::Listener>> listen(const std::string& host, int port,
                                               int backlog) override;
  Result<std::unique_ptr<rt::Connection>> connect(const std::string& host, int port) override;

  const std::string& host() const { return host_; }
  rt::FiberLoop& main_loop();
  bool stop_requested() const { return stop_requested_; }
  // Wall-clock faults.
  void jump_wall_clock(int64_t delta_us) { wall_offset_us_ += delta_us; }
  void set_drift_ppm(int64_t ppm) { drift_ppm_ = ppm; }
  // Crash: every fiber of this process ends now, stacks unwound.
  void kill_all_fibers();
  // Log lines written by the process (kept when keep_console is set).
  std::string& console() { return console_; }
  void set_keep_console(bool keep) { keep_console_ = keep; }

 private:
  class SimExecutor;
  SimExecutor& current_executor();

  SimWorld& world_;
  SimNetwork& net_;
  SimDisk* disk_;
  std::string host_;
  Prng prng_;
  int64_t pid_;
  std::vector<std::unique_ptr<SimExecutor>> executors_;
  bool stop_requested_ = false;
  int64_t wall_offset_us_ = 0;
  int64_t drift_ppm_ = 0;
  int64_t start_us_;
  std::string console_;
  bool keep_console_ = false;
};

}  // namespace peregrine::sim
