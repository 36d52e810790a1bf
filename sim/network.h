// SimNetwork: stream connections between simulated hosts.
//
// A connection is two one-way pipes. A write is split into chunks, each
// delivered into the peer's receive buffer by a world event at
// now + latency (never before an earlier chunk of the same pipe: TCP keeps
// order). Faults:
//   - latency drawn per chunk from a per-run distribution (with rare spikes)
//   - reset: both ends see an error on their next read/write
//   - partition (one-way or two-way between two hosts): chunks crossing it
//     are held until the partition heals, as TCP retransmits would
//   - clogging a host: its chunks are delayed by an extra amount
// Closing one end delivers end-of-stream to the other after the data
// already in flight.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/fiber_loop.h"
#include "runtime/runtime.h"
#include "sim/world.h"

namespace peregrine::sim {

struct NetworkFaults {
  int64_t latency_min_us = 50;
  int64_t latency_max_us = 500;
  double spike_p = 0.0;             // chance a chunk takes spike_us extra
  int64_t spike_us = 50000;
  double reset_p = 0.0;             // chance per write that the connection resets
  size_t max_chunk = 1 << 16;       // writes are split into chunks of 1..max_chunk
  double split_p = 0.0;             // chance a write is split into several chunks
};

class SimNetwork;

// One direction of a connection.
struct Pipe {
  std::deque<char> buffer;  // delivered, not yet read
  bool eof = false;         // the writer closed and everything before it arrived
  bool reset = false;
  int64_t last_delivery_us = 0;
  rt::FiberLoop* reader_loop = nullptr;
  rt::FiberHandle reader;
  std::string from_host, to_host;
};

class SimListener;

class SimNetwork {
 public:
  explicit SimNetwork(SimWorld& world) : world_(world) {}

  NetworkFaults& faults() { return faults_; }

  // Listening sockets register here; host is the simulated host name.
  Result<std::unique_ptr<rt::Listener>> listen(const std::string& host, int port,
                                               rt::FiberLoop& loop);
  // From host `from`, connects to host:port. Suspends.
  Result<std::unique_ptr<rt::Connection>> connect(const std::string& from, const std::string& host,
                                                  int port, rt::FiberLoop& loop);

  void partition(const std::string& a, const std::string& b, bool both_ways);
  void heal(const std::string& a, const std::string& b);
  void heal_all();
  void clog(const std::string& host, int64_t extra_us) { clogged_[host] = extra_us; }
  void unclog(const std::string& host) { clogged_.erase(host); }
  // Resets every connection touching host (a crashed process's sockets).
  void reset_host(const std::string& host);

  // Used by connections.
  void send(const std::shared_ptr<Pipe>& pipe, std::string_view data);
  void send_eof(const std::shared_ptr<Pipe>& pipe);
  void reset_pair(const std::shared_ptr<Pipe>& a, const std::shared_ptr<Pipe>& b);
  SimWorld& world() { return world_; }
  void unregister_listener(SimListener* l);
  uint64_t resets() const { return resets_; }

 private:
  friend class SimListener;
  bool blocked(const Pipe& p) const;
  void deliver(const std::shared_ptr<Pipe>& pipe, std::string chunk, bool eof);
  int64_t delay_for(const Pipe& p);
  void release_held();

  SimWorld& world_;
  NetworkFaults faults_;
  std::map<std::pair<std::string, int>, SimListener*> listeners_;
  std::set<std::pair<std::string, std::string>> partitions_;  // (from, to) blocked
  std::map<std::string, int64_t> clogged_;
  // Chunks held by a partition, in order, per pipe.
  struct Held {
    std::shared_ptr<Pipe> pipe;
    std::string chunk;
    bool eof;
  };
  std::vector<Held> held_;
  std::vector<std::weak_ptr<Pipe>> pipes_;  // for reset_host
  int next_port_ = 40000;
  uint64_t resets_ = 0;
};

}  // namespace peregrine::sim
