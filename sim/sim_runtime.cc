#include "sim/sim_runtime.h"

namespace peregrine::sim {

class SimRuntime::SimExecutor final : public rt::Executor {
 public:
  SimExecutor(SimWorld& world, std::string name)
      : world_(world), name_(std::move(name)), loop_([&world] { return world.now_us(); }, 64 * 1024) {
    world_.add_loop(&loop_);
  }
  ~SimExecutor() override {
    world_.remove_loop(&loop_);
    loop_.destroy_all_fibers();
  }
  const std::string& name() const override { return name_; }
  // A post from another executor arrives as a new fiber, scheduled like any
  // other: the world decides when it runs relative to this executor's work.
  void post(std::function<void()> fn) override { loop_.spawn("posted", std::move(fn)); }
  rt::Scheduler& scheduler() override { return loop_; }
  rt::FiberLoop& loop() { return loop_; }

 private:
  SimWorld& world_;
  std::string name_;
  rt::FiberLoop loop_;
};

SimRuntime::SimRuntime(SimWorld& world, SimNetwork& net, SimDisk* disk, std::string host)
    : world_(world), net_(net), disk_(disk), host_(std::move(host)), prng_(world.prng().next()),
      pid_(static_cast<int64_t>(1000 + world.prng().below(30000))), start_us_(world.now_us()) {
  executors_.push_back(std::make_unique<SimExecutor>(world_, "main"));
  if (disk_) {
    disk_->set_sleeper([this](int64_t us) {
      if (current_executor().loop().in_fiber()) current_executor().loop().sleep_for_us(us);
    });
  }
}

SimRuntime::~SimRuntime() {
  if (disk_) disk_->set_sleeper(nullptr);
  kill_all_fibers();
}

void SimRuntime::kill_all_fibers() {
  for (auto& e : executors_) e->loop().destroy_all_fibers();
}

rt::Disk& SimRuntime::disk() { return *disk_; }

SimRuntime::SimExecutor& SimRuntime::current_executor() {
  for (auto& e : executors_)
    if (e->loop().in_fiber()) return *e;
  return *executors_.front();
}

rt::Scheduler& SimRuntime::scheduler() { return current_executor().loop(); }
rt::FiberLoop& SimRuntime::main_loop() { return executors_.front()->loop(); }
rt::Executor& SimRuntime::main_executor() { return *executors_.front(); }

rt::Executor& SimRuntime::create_executor(std::string name) {
  executors_.push_back(std::make_unique<SimExecutor>(world_, std::move(name)));
  return *executors_.back();
}

void SimRuntime::write_console(std::string_view text) {
  if (keep_console_) console_.append(text);
}

int64_t SimRuntime::wall_us() {
  int64_t now = world_.now_us();
  return now + wall_offset_us_ + (now - start_us_) / 1000000 * drift_ppm_;
}

void SimRuntime::process_cpu_us(int64_t* user_us, int64_t* sys_us) {
  *user_us = (world_.now_us() - start_us_) / 10;
  *sys_us = 0;
}

Result<std::unique_ptr<rt::Listener>> SimRuntime::listen(const std::string& host, int port,
                                                         int backlog) {
  // Every bind address of the process maps to its simulated host.
  return net_.listen(host_, port, current_executor().loop());
}

Result<std::unique_ptr<rt::Connection>> SimRuntime::connect(const std::string& host, int port) {
  return net_.connect(host_, host, port, current_executor().loop());
}

}  // namespace peregrine::sim
