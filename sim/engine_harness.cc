#include "sim/engine_harness.h"

#include <cerrno>

namespace peregrine::sim {
namespace {

// A connection that is never read or written: the harness takes replies
// from the client's output buffer directly.
class DetachedConnection final : public rt::Connection {
 public:
  Result<size_t> read_some(char*, size_t) override { return Error{ENOTCONN, "detached"}; }
  Result<size_t> try_read(char*, size_t) override { return Error{EAGAIN, "detached"}; }
  bool wait_readable(int64_t) override { return true; }
  Status write_all(std::string_view) override { return Error{ENOTCONN, "detached"}; }
  void close() override { closed_ = true; }
  bool closed() const override { return closed_; }
  std::string peer_address() const override { return "harness:1"; }
  std::string local_address() const override { return "harness:6379"; }
  int64_t descriptor() const override { return 1; }
  void set_keepalive(int) override {}

 private:
  bool closed_ = false;
};

}  // namespace

EngineHarness::EngineHarness(uint64_t seed, server::Config config)
    : world_(seed), net_(world_), disk_(Prng(seed)) {
  rt_ = std::make_unique<SimRuntime>(world_, net_, &disk_, "harness");
  server_ = std::make_unique<server::Server>(*rt_, std::move(config));
  client_ = std::make_unique<server::Client>(*server_, std::make_unique<DetachedConnection>());
}

EngineHarness::~EngineHarness() {
  client_.reset();
  server_.reset();
  rt_.reset();
}

std::string EngineHarness::run(const std::vector<std::string>& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  client_->output().clear();
  if (!views.empty()) server_->execute(*client_, views);
  return client_->output();
}

void EngineHarness::advance_ms(int64_t ms) {
  int64_t target = world_.now_us() + ms * 1000;
  world_.schedule(target, [] {});
  while (world_.now_us() < target && world_.step()) {
  }
}

int64_t EngineHarness::now_ms() { return rt_->wall_us() / 1000; }

}  // namespace peregrine::sim
