// EngineHarness: one Server driven directly, without fibers or sockets, for
// property tests and fuzzing. Commands go straight to Server::execute and
// the reply bytes come back as a string. Time is the simulated world's
// clock, moved forward explicitly with advance_ms().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/client.h"
#include "server/server.h"
#include "sim/disk.h"
#include "sim/network.h"
#include "sim/sim_runtime.h"
#include "sim/world.h"

namespace peregrine::sim {

class EngineHarness {
 public:
  explicit EngineHarness(uint64_t seed = 1, server::Config config = {});
  ~EngineHarness();

  // Executes one command as the harness's client; returns the RESP reply.
  std::string run(const std::vector<std::string>& argv);
  void advance_ms(int64_t ms);
  int64_t now_ms();
  server::Server& server() { return *server_; }
  server::Client& client() { return *client_; }

 private:
  SimWorld world_;
  SimNetwork net_;
  SimDisk disk_;
  std::unique_ptr<SimRuntime> rt_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<server::Client> client_;
};

}  // namespace peregrine::sim
