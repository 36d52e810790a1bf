#include "store/db.h"

#include <cassert>
#include <string>
#include <utility>
#include <vector>

namespace peregrine::store {

namespace {

// The LRU clock: Unix seconds truncated to 24 bits.
constexpr uint32_t kLruClockMask = (uint32_t{1} << 24) - 1;

// Scan calls one active expire step may make per requested sample; bounds
// the work done on a sparse table.
constexpr size_t kScanCallsPerSample = 20;

// random_key gives up after this many draws that all landed on expired keys.
constexpr int kRandomKeyTries = 100;

}  // namespace

Db::Db(int index, uint64_t hash_seed, KeyspaceObserver* observer)
    : index_(index), observer_(observer), keys_(hash_seed), expires_(hash_seed) {}

bool Db::due(std::string_view key, uint64_t h, int64_t now_ms) const {
  if (expires_.empty()) return false;
  const int64_t* when = expires_.find_hashed(key, h);
  return when != nullptr && *when <= now_ms;
}

bool Db::drop_ttl(std::string_view key, uint64_t h) {
  if (expires_.empty()) return false;
  std::optional<int64_t> old = expires_.extract_hashed(key, h);
  if (!old) return false;
  expire_at_sum_ -= *old;
  return true;
}

void Db::delete_expired(std::string_view key) {
  const uint64_t h = keys_.hash_of(key);
  keys_.erase_hashed(key, h);
  drop_ttl(key, h);
  ++expired_keys_;
  if (observer_ != nullptr) observer_->key_expired(index_, key);
}

Value* Db::lookup(std::string_view key, int64_t now_ms, LookupOptions opts) {
  if (keys_.empty()) return nullptr;
  const uint64_t h = keys_.hash_of(key);
  Value* v = keys_.find_hashed(key, h);
  if (v == nullptr) return nullptr;
  if (!expires_.empty()) {
    const int64_t* when = expires_.find_hashed(key, h);
    if (when != nullptr && *when <= now_ms) {
      delete_expired(key);
      return nullptr;
    }
  }
  if (opts.touch) v->lru = static_cast<uint32_t>(now_ms / 1000) & kLruClockMask;
  return v;
}

Value& Db::set(std::string_view key, Value value, bool keep_ttl) {
  if (value.lru == 0 && new_value_stamp_) value.lru = *new_value_stamp_;
  const uint64_t h = keys_.hash_of(key);
  Value& stored = keys_.upsert_hashed(key, h, std::move(value));
  if (!keep_ttl) drop_ttl(key, h);
  return stored;
}

bool Db::remove(std::string_view key) {
  if (keys_.empty()) return false;
  const uint64_t h = keys_.hash_of(key);
  if (!keys_.erase_hashed(key, h)) return false;
  drop_ttl(key, h);
  return true;
}

int64_t Db::expire_at(std::string_view key) const {
  if (expires_.empty()) return -1;
  const int64_t* when = expires_.find(key);
  return when != nullptr ? *when : -1;
}

void Db::set_expire(std::string_view key, int64_t when_ms) {
  const uint64_t h = expires_.hash_of(key);
  assert(keys_.find_hashed(key, h) != nullptr && "set_expire on a missing key");
  auto [slot, inserted] = expires_.insert_hashed(key, h, when_ms);
  if (!inserted) {
    expire_at_sum_ -= *slot;
    *slot = when_ms;
  }
  expire_at_sum_ += when_ms;
}

bool Db::persist(std::string_view key) {
  if (expires_.empty()) return false;
  return drop_ttl(key, expires_.hash_of(key));
}

bool Db::is_expired(std::string_view key, int64_t now_ms) const {
  if (expires_.empty()) return false;
  return due(key, expires_.hash_of(key), now_ms);
}

// The mean of (expire_at - now_ms) over the volatile keys, from the running
// sum of their expire_at. Keys already due but not yet reclaimed count with
// their (negative) remaining time; the result is clamped at 0.
int64_t Db::avg_ttl_ms(int64_t now_ms) const {
  const size_t n = expires_.size();
  if (n == 0) return 0;
  const __int128 remaining =
      expire_at_sum_ - static_cast<__int128>(now_ms) * static_cast<__int128>(n);
  if (remaining <= 0) return 0;
  return static_cast<int64_t>(remaining / static_cast<__int128>(n));
}

uint64_t Db::scan(uint64_t cursor, const std::function<void(std::string_view, Value&)>& fn) {
  return keys_.scan(cursor, fn);
}

void Db::for_each(const std::function<void(std::string_view, Value&)>& fn) {
  keys_.for_each(fn);
}

// Up to kRandomKeyTries draws; an expired key drawn is deleted (and reported)
// and another draw made. If every draw hits an expired key, returns nullopt
// rather than a key that no longer exists, even though live keys may remain.
void Db::sample(bool volatile_only, size_t count, rt::Random& random,
                const std::function<void(std::string_view, const Value&, int64_t)>& fn) {
  for (size_t i = 0; i < count; ++i) {
    if (volatile_only) {
      auto e = expires_.random_entry(random);
      if (!e) return;
      const Value* v = keys_.find(e->first);
      if (v) fn(e->first, *v, *e->second);
    } else {
      auto e = keys_.random_entry(random);
      if (!e) return;
      fn(e->first, *e->second, expires_.empty() ? -1 : expire_at(e->first));
    }
  }
}

std::optional<std::string> Db::random_key(rt::Random& random, int64_t now_ms) {
  for (int i = 0; i < kRandomKeyTries; ++i) {
    auto entry = keys_.random_entry(random);
    if (!entry) return std::nullopt;
    std::string key(entry->first);
    if (!expires_.empty() && due(key, keys_.hash_of(key), now_ms)) {
      delete_expired(key);
      continue;
    }
    return key;
  }
  return std::nullopt;
}

void Db::clear() {
  keys_.clear();
  expires_.clear();
  expire_at_sum_ = 0;
  expire_cursor_ = 0;
}

void Db::swap_contents(Db& other) {
  keys_.swap(other.keys_);
  expires_.swap(other.expires_);
  std::swap(expire_at_sum_, other.expire_at_sum_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

// Walks the expires index with a persistent SCAN cursor, so successive steps
// cover the whole index over time, and deletes what is due. Stops after
// max_samples keys (a visited bucket is always finished, so *sampled may
// exceed max_samples by the rest of one chain), after a bounded number of
// scan calls, or when the cursor wraps to 0 (one full pass). random is not
// needed: the cursor already spreads the sampling.
size_t Db::active_expire_step(int64_t now_ms, size_t max_samples, rt::Random& /*random*/,
                              size_t* sampled) {
  size_t seen = 0;
  if (sampled != nullptr) *sampled = 0;
  if (expires_.empty()) {
    expire_cursor_ = 0;
    return 0;
  }
  if (max_samples == 0) return 0;

  std::vector<std::string> due_keys;
  const size_t max_calls = max_samples * kScanCallsPerSample;
  size_t calls = 0;
  do {
    expire_cursor_ = expires_.scan(expire_cursor_, [&](std::string_view key, int64_t& when) {
      ++seen;
      if (when <= now_ms) due_keys.emplace_back(key);
    });
    ++calls;
  } while (expire_cursor_ != 0 && seen < max_samples && calls < max_calls);

  // Deleting after the scan step: the callbacks must not modify the index.
  for (const std::string& key : due_keys) delete_expired(key);
  if (sampled != nullptr) *sampled = seen;
  return due_keys.size();
}

}  // namespace peregrine::store
