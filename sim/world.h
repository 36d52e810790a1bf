// SimWorld: the deterministic world every simulated process lives in.
//
// One OS thread. Every fiber of every simulated process and client belongs
// to a FiberLoop registered here. step() makes one scheduling decision:
//
//   any fiber ready?  -> pick one (seeded PRNG, over all loops) and run it
//                        until it suspends
//   else              -> jump virtual time to the earliest of: a world event
//                        (a network delivery, a fault) or a fiber timer;
//                        fire everything due at that instant
//
// Nothing reads the real clock. The trace hash folds in every scheduling
// decision and every delivered byte, so two runs of one seed can be compared
// with one number.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "runtime/fiber_loop.h"
#include "sim/prng.h"

namespace peregrine::sim {

class SimWorld {
 public:
  explicit SimWorld(uint64_t seed);
  ~SimWorld();

  uint64_t seed() const { return seed_; }
  Prng& prng() { return prng_; }
  int64_t now_us() const { return now_us_; }

  // Loops take part in scheduling while registered.
  void add_loop(rt::FiberLoop* loop);
  void remove_loop(rt::FiberLoop* loop);

  // Runs fn at virtual time at_us (or now, if at_us is in the past), outside
  // any fiber. Events at the same instant run in the order scheduled.
  void schedule(int64_t at_us, std::function<void()> fn);

  // One scheduling decision. Returns false when nothing can ever happen
  // again (no ready fiber, no event, no timer).
  bool step();
  // Steps until done() is true, virtual time passes deadline_us, or
  // max_steps decisions were made. Returns whether done() became true.
  bool run_until(const std::function<bool()>& done, int64_t deadline_us, uint64_t max_steps);

  void trace(uint64_t value) { trace_hash_ = (trace_hash_ ^ value) * 0x100000001b3ULL; }
  void trace_bytes(const char* data, size_t len);
  uint64_t trace_hash() const { return trace_hash_; }
  uint64_t steps() const { return steps_; }

  // BUGGIFY: per run, a site is enabled with probability enable_p the first
  // time it is asked, then fires with probability fire_p each time.
  void set_buggify(bool on, double enable_p = 0.25, double fire_p = 0.25) {
    buggify_on_ = on;
    buggify_enable_p_ = enable_p;
    buggify_fire_p_ = fire_p;
  }
  bool buggify(std::string_view site);
  void probe(std::string_view name) { probes_[std::string(name)]++; }
  const std::map<std::string, uint64_t>& probes() const { return probes_; }
  const std::map<std::string, bool>& buggify_sites() const { return buggify_sites_; }

 private:
  struct Event {
    int64_t at_us;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const { return at_us != o.at_us ? at_us > o.at_us : seq > o.seq; }
  };
  bool advance_time();

  uint64_t seed_;
  Prng prng_;
  int64_t now_us_;
  uint64_t steps_ = 0;
  uint64_t event_seq_ = 0;
  uint64_t trace_hash_ = 0xcbf29ce484222325ULL;
  std::vector<rt::FiberLoop*> loops_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  bool buggify_on_ = false;
  double buggify_enable_p_ = 0.25;
  double buggify_fire_p_ = 0.25;
  std::map<std::string, bool> buggify_sites_;
  std::map<std::string, uint64_t> probes_;
};

}  // namespace peregrine::sim
