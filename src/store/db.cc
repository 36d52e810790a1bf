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

Db::Db(int index, uint64_t hash_seed, KeyspaceObserver* observer, BucketArena* arena)
    : index_(index), observer_(observer), keys_(hash_seed, arena), expires_(hash_seed, arena) {}

Db::~Db() { clear(); }

void Db::drop_ttl_index(Obj* o, uint64_t h) {
  if (!o->has_ttl()) return;
  expire_at_sum_ -= o->expire_at();
  expires_.erase(o->key(), h);
}

void Db::delete_expired(Obj* o, uint64_t h) {
  const std::string_view key = o->key();
  drop_ttl_index(o, h);
  keys_.erase(key, h);
  ++expired_keys_;
  if (observer_ != nullptr) observer_->key_expired(index_, key);
  dispose(o, FreeReason::kExpired);
}

Obj* Db::lookup(std::string_view key, int64_t now_ms, LookupOptions opts) {
  if (keys_.empty()) return nullptr;
  const uint64_t h = keys_.hash_of(key);
  Obj* o = keys_.find(key, h);
  if (o == nullptr) return nullptr;
  if (o->has_ttl() && o->expire_at() <= now_ms) {
    delete_expired(o, h);
    return nullptr;
  }
  if (opts.touch) o->set_lru(static_cast<uint32_t>(now_ms / 1000) & kLruClockMask);
  return o;
}

Obj* Db::install(std::string_view key, uint64_t h, Obj* old, Obj* fresh) {
  if (old == nullptr) {
    keys_.insert(fresh, h);
    if (fresh->has_ttl()) {
      expires_.insert(fresh, h);
      expire_at_sum_ += fresh->expire_at();
    }
    return fresh;
  }
  keys_.replace(key, h, fresh);
  if (old->has_ttl() && fresh->has_ttl()) {
    expires_.replace(key, h, fresh);
    expire_at_sum_ += fresh->expire_at() - old->expire_at();
  } else if (old->has_ttl()) {
    expire_at_sum_ -= old->expire_at();
    expires_.erase(key, h);
  } else if (fresh->has_ttl()) {
    expires_.insert(fresh, h);
    expire_at_sum_ += fresh->expire_at();
  }
  dispose(old, FreeReason::kOverwritten);
  return fresh;
}

Obj* Db::set(std::string_view key, Value value, bool keep_ttl) {
  if (value.lru == 0 && new_value_stamp_) value.lru = *new_value_stamp_;
  const uint64_t h = keys_.hash_of(key);
  Obj* old = keys_.find(key, h);
  const bool keep = keep_ttl && old != nullptr && old->has_ttl();
  Obj* fresh = Obj::create(key, std::move(value), keep);
  if (keep) fresh->set_expire_at(old->expire_at());
  return install(key, h, old, fresh);
}

Obj* Db::set_with_expire(std::string_view key, Value value, int64_t when_ms) {
  if (value.lru == 0 && new_value_stamp_) value.lru = *new_value_stamp_;
  const uint64_t h = keys_.hash_of(key);
  Obj* old = keys_.find(key, h);
  Obj* fresh = Obj::create(key, std::move(value), true);
  fresh->set_expire_at(when_ms);
  return install(key, h, old, fresh);
}

Obj* Db::set_string(std::string_view key, std::string_view bytes,
                    std::optional<int64_t> when_ms, bool keep_ttl) {
  const uint64_t h = keys_.hash_of(key);
  Obj* old = keys_.find(key, h);
  const bool keep = !when_ms && keep_ttl && old != nullptr && old->has_ttl();
  Obj* fresh =
      Obj::create_string(key, bytes, new_string_encoding(bytes), keep || when_ms.has_value());
  if (new_value_stamp_) fresh->set_lru(*new_value_stamp_);
  if (when_ms) fresh->set_expire_at(*when_ms);
  else if (keep) fresh->set_expire_at(old->expire_at());
  return install(key, h, old, fresh);
}

Obj* Db::replace_value(Obj* o, Value value) {
  value.lru = o->lru();
  const std::string_view key = o->key();
  const uint64_t h = keys_.hash_of(key);
  Obj* fresh = Obj::create(key, std::move(value), o->has_ttl());
  if (o->has_ttl()) fresh->set_expire_at(o->expire_at());
  return install(fresh->key(), h, o, fresh);
}

bool Db::remove(std::string_view key, FreeReason why) {
  if (keys_.empty()) return false;
  const uint64_t h = keys_.hash_of(key);
  Obj* o = keys_.erase(key, h);
  if (o == nullptr) return false;
  drop_ttl_index(o, h);
  dispose(o, why);
  return true;
}

std::optional<Value> Db::extract(std::string_view key) {
  if (keys_.empty()) return std::nullopt;
  const uint64_t h = keys_.hash_of(key);
  Obj* o = keys_.erase(key, h);
  if (o == nullptr) return std::nullopt;
  drop_ttl_index(o, h);
  return Obj::release(o);
}

int64_t Db::expire_at(std::string_view key) const {
  if (expires_.empty()) return -1;
  const Obj* o = expires_.find(key, expires_.hash_of(key));
  return o != nullptr ? o->expire_at() : -1;
}

Obj* Db::set_expire(std::string_view key, int64_t when_ms) {
  const uint64_t h = keys_.hash_of(key);
  Obj* o = keys_.find(key, h);
  assert(o != nullptr && "set_expire on a missing key");
  if (o->has_ttl()) {
    expire_at_sum_ += when_ms - o->expire_at();
    o->set_expire_at(when_ms);
    return o;
  }
  if (!o->has_ttl_slot()) {
    Obj* moved = Obj::with_ttl_slot(o);  // frees o
    keys_.replace_entry(h, o, moved);
    o = moved;
  }
  o->set_expire_at(when_ms);
  expires_.insert(o, h);
  expire_at_sum_ += when_ms;
  return o;
}

bool Db::persist(std::string_view key) {
  if (expires_.empty()) return false;
  const uint64_t h = expires_.hash_of(key);
  Obj* o = expires_.erase(key, h);
  if (o == nullptr) return false;
  expire_at_sum_ -= o->expire_at();
  o->clear_ttl();
  return true;
}

bool Db::is_expired(std::string_view key, int64_t now_ms) const {
  if (expires_.empty()) return false;
  const Obj* o = expires_.find(key, expires_.hash_of(key));
  return o != nullptr && o->expire_at() <= now_ms;
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

bool Db::rehash_steps(size_t n) {
  const bool a = keys_.rehash_steps(n);
  const bool b = expires_.rehash_steps(n);
  return a || b;
}

uint64_t Db::scan(uint64_t cursor, const std::function<void(std::string_view, Obj&)>& fn) {
  return keys_.scan(cursor, [&](Obj* o) { fn(o->key(), *o); });
}

void Db::for_each(const std::function<void(std::string_view, Obj&)>& fn) {
  keys_.for_each([&](Obj* o) { fn(o->key(), *o); });
}

void Db::sample(bool volatile_only, size_t count, rt::Random& random,
                const std::function<void(std::string_view, const Obj&, int64_t)>& fn) {
  Table& t = volatile_only ? expires_ : keys_;
  t.sample(count, random, [&](Obj* o) { fn(o->key(), *o, o->expire_at()); });
}

// Up to kRandomKeyTries draws; an expired key drawn is deleted (and reported)
// and another draw made. If every draw hits an expired key, returns nullopt
// rather than a key that no longer exists, even though live keys may remain.
std::optional<std::string> Db::random_key(rt::Random& random, int64_t now_ms) {
  for (int i = 0; i < kRandomKeyTries; ++i) {
    Obj* o = keys_.random_entry(random);
    if (o == nullptr) return std::nullopt;
    if (o->has_ttl() && o->expire_at() <= now_ms) {
      delete_expired(o, keys_.hash_of(o->key()));
      continue;
    }
    return std::string(o->key());
  }
  return std::nullopt;
}

void Db::clear() {
  keys_.for_each([](Obj* o) { Obj::destroy(o); });
  keys_.clear();
  expires_.clear();
  expire_at_sum_ = 0;
  expire_cursor_ = 0;
  subkey_ttl_keys_.clear();
}

size_t Db::clear_async() {
  const size_t n = keys_.size();
  if (reclaimer_ == nullptr || n == 0) {
    clear();
    return n;
  }
  auto out = std::make_unique<DetachedKeys>(keys_.seed());
  keys_.move_contents_to(out->keys_);
  expires_.move_contents_to(out->expires_);
  expire_at_sum_ = 0;
  expire_cursor_ = 0;
  subkey_ttl_keys_.clear();
  reclaimer_->reclaim(std::move(out));
  return n;
}

void Db::swap_contents(Db& other) {
  keys_.swap(other.keys_);
  expires_.swap(other.expires_);
  std::swap(expire_at_sum_, other.expire_at_sum_);
  std::swap(expire_cursor_, other.expire_cursor_);
  subkey_ttl_keys_.swap(other.subkey_ttl_keys_);
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

  std::vector<Obj*> due;
  const size_t max_calls = max_samples * kScanCallsPerSample;
  size_t calls = 0;
  do {
    expire_cursor_ = expires_.scan(expire_cursor_, [&](Obj* o) {
      ++seen;
      if (o->expire_at() <= now_ms) due.push_back(o);
    });
    ++calls;
  } while (expire_cursor_ != 0 && seen < max_samples && calls < max_calls);

  // Deleting after the scan step: the callbacks must not modify the index.
  for (Obj* o : due) delete_expired(o, keys_.hash_of(o->key()));
  if (sampled != nullptr) *sampled = seen;
  return due.size();
}

}  // namespace peregrine::store
