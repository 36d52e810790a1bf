// Db: one numbered keyspace (SELECT n). Owns the key table and the expires
// index (only keys with a TTL are in it, as in Redis). Expiry is lazy on
// lookup plus an active cycle the server runs from its cron.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/runtime.h"
#include "store/dict.h"
#include "store/value.h"

namespace peregrine::store {

// The server's view of keyspace changes that the Db makes on its own
// (expiry). Commands report their own writes through CommandContext.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  virtual void key_expired(int db_index, std::string_view key) = 0;
};

struct LookupOptions {
  bool touch = true;  // update the access time (off for OBJECT, NO-TOUCH clients)
};

class Db {
 public:
  Db(int index, uint64_t hash_seed, KeyspaceObserver* observer);

  int index() const { return index_; }

  // The live value under key, or nullptr. An expired key is deleted here
  // (lazy expiry) and reported to the observer. Pointers stay valid until the
  // next write to this Db.
  Value* lookup(std::string_view key, int64_t now_ms, LookupOptions opts = {});
  bool exists(std::string_view key, int64_t now_ms) {
    return lookup(key, now_ms, {.touch = false}) != nullptr;
  }
  // Values stored without an access stamp (lru == 0) get *stamp, which the
  // server keeps current for each command (LRU clock or initial LFU stamp).
  void set_new_value_stamp(const uint32_t* stamp) { new_value_stamp_ = stamp; }
  // Stores value under key, replacing any old value. The TTL is dropped
  // unless keep_ttl. Returns the stored value.
  Value& set(std::string_view key, Value value, bool keep_ttl = false);
  // Removes key and its TTL. Returns whether it existed (expired or not).
  bool remove(std::string_view key);

  // Absolute expiry time in Unix ms; -1 when the key has no TTL.
  int64_t expire_at(std::string_view key) const;
  // key must exist.
  void set_expire(std::string_view key, int64_t when_ms);
  // Returns whether a TTL was removed.
  bool persist(std::string_view key);
  // True when key has a TTL that is due at now_ms (without deleting it).
  bool is_expired(std::string_view key, int64_t now_ms) const;

  size_t size() const { return keys_.size(); }
  size_t expires_size() const { return expires_.size(); }
  // Sum of expire_at - now over keys with a TTL, for INFO keyspace avg_ttl.
  int64_t avg_ttl_ms(int64_t now_ms) const;

  // Redis SCAN semantics: visits some keys, returns the next cursor, 0 when
  // the scan is complete. Every key present for the whole scan is visited at
  // least once. Expired keys are visited too; callers filter.
  uint64_t scan(uint64_t cursor, const std::function<void(std::string_view, Value&)>& fn);
  // Visits every key (KEYS, FLUSH accounting). fn must not modify the Db.
  void for_each(const std::function<void(std::string_view, Value&)>& fn);
  // A random live key, deleting expired ones it meets (bounded tries).
  std::optional<std::string> random_key(rt::Random& random, int64_t now_ms);

  // Draws up to count random keys (from every key, or only keys with a TTL
  // when volatile_only) for eviction sampling; fn gets the key, its value
  // and its expiry (-1 when none). Keys may repeat.
  void sample(bool volatile_only, size_t count, rt::Random& random,
              const std::function<void(std::string_view, const Value&, int64_t)>& fn);

  void clear();
  void swap_contents(Db& other);  // SWAPDB: indexes stay, contents move

  // One bounded step of active expiry: samples keys with a TTL and deletes
  // the expired ones. Returns how many it deleted; *sampled gets how many it
  // looked at.
  size_t active_expire_step(int64_t now_ms, size_t max_samples, rt::Random& random,
                            size_t* sampled);

  uint64_t expired_keys() const { return expired_keys_; }

 private:
  // key must not point into this Db's storage (it is used after the erase).
  void delete_expired(std::string_view key);
  // Removes key's TTL (h = its hash). Returns whether it had one.
  bool drop_ttl(std::string_view key, uint64_t h);
  bool due(std::string_view key, uint64_t h, int64_t now_ms) const;

  int index_;
  KeyspaceObserver* observer_;
  const uint32_t* new_value_stamp_ = nullptr;
  // keys_ and expires_ always share one seed, so a key's hash is computed
  // once and used to probe both.
  Dict<Value> keys_;
  Dict<int64_t> expires_;
  uint64_t expired_keys_ = 0;
  uint64_t expire_cursor_ = 0;
  // Sum of the expire_at of every key in expires_, kept so avg_ttl_ms() is
  // O(1) (INFO must not walk the keyspace). 128 bits: no overflow.
  __extension__ __int128 expire_at_sum_ = 0;
};

}  // namespace peregrine::store
