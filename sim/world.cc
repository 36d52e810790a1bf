#include "sim/world.h"

#include <algorithm>
#include <cassert>

namespace peregrine::sim {

// Virtual time starts at a fixed, realistic wall-clock instant
// (2026-01-01T00:00:00Z) so Unix-time arithmetic behaves as in production.
constexpr int64_t kEpochStartUs = 1767225600LL * 1000000;

SimWorld::SimWorld(uint64_t seed) : seed_(seed), prng_(seed), now_us_(kEpochStartUs) {}

SimWorld::~SimWorld() = default;

void SimWorld::add_loop(rt::FiberLoop* loop) { loops_.push_back(loop); }

void SimWorld::remove_loop(rt::FiberLoop* loop) { std::erase(loops_, loop); }

void SimWorld::schedule(int64_t at_us, std::function<void()> fn) {
  events_.push(Event{std::max(at_us, now_us_), ++event_seq_, std::move(fn)});
}

void SimWorld::trace_bytes(const char* data, size_t len) {
  for (size_t i = 0; i < len; ++i) trace(static_cast<unsigned char>(data[i]));
}

bool SimWorld::buggify(std::string_view site) {
  if (!buggify_on_) return false;
  // Sites are named by file:line; keep the path from "src/" on so reports
  // read the same wherever the tree was built.
  if (auto at = site.rfind("src/"); at != std::string_view::npos) site.remove_prefix(at);
  auto it = buggify_sites_.find(std::string(site));
  if (it == buggify_sites_.end())
    it = buggify_sites_.emplace(std::string(site), prng_.chance(buggify_enable_p_)).first;
  return it->second && prng_.chance(buggify_fire_p_);
}

bool SimWorld::step() {
  ++steps_;
  size_t total_ready = 0;
  for (rt::FiberLoop* l : loops_) total_ready += l->ready_count();
  if (total_ready > 0) {
    size_t pick = prng_.below(total_ready);
    for (size_t i = 0; i < loops_.size(); ++i) {
      rt::FiberLoop* l = loops_[i];
      if (pick < l->ready_count()) {
        trace(i * 1000003 + pick);
        l->run_one(pick);
        return true;
      }
      pick -= l->ready_count();
    }
    assert(false);
  }
  return advance_time();
}

bool SimWorld::advance_time() {
  int64_t next = -1;
  if (!events_.empty()) next = events_.top().at_us;
  for (rt::FiberLoop* l : loops_) {
    int64_t d = l->next_deadline_us();
    if (d >= 0 && (next < 0 || d < next)) next = d;
  }
  if (next < 0) return false;
  if (next > now_us_) now_us_ = next;
  trace(static_cast<uint64_t>(now_us_));
  // Events first, then timers: both due now; events may make fibers ready.
  while (!events_.empty() && events_.top().at_us <= now_us_) {
    Event e = events_.top();
    events_.pop();
    e.fn();
  }
  for (rt::FiberLoop* l : loops_) l->fire_timers(now_us_);
  return true;
}

bool SimWorld::run_until(const std::function<bool()>& done, int64_t deadline_us,
                         uint64_t max_steps) {
  for (uint64_t i = 0; i < max_steps; ++i) {
    if (done()) return true;
    if (now_us_ > deadline_us) return false;
    if (!step()) return done();
  }
  return done();
}

}  // namespace peregrine::sim
