// Db: one numbered keyspace (SELECT n). Owns the key table and the expires
// index (only keys with a TTL are in it, as in Redis). Expiry is lazy on
// lookup plus an active cycle the server runs from its cron.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "runtime/runtime.h"
#include "store/key_table.h"
#include "store/obj.h"
#include "store/value.h"

namespace peregrine::store {

// The server's view of keyspace changes that the Db makes on its own
// (expiry). Commands report their own writes through CommandContext.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  virtual void key_expired(int db_index, std::string_view key) = 0;
};

// Why a Db lets go of an entry; a Reclaimer may free some kinds later,
// as Redis's lazyfree-lazy-* settings choose.
enum class FreeReason : uint8_t {
  kExpired,      // lazy or active expiry (lazyfree-lazy-expire)
  kOverwritten,  // replaced or deleted by a command's own logic: SET over a
                 // key, RENAME's target, a *STORE target (lazyfree-lazy-server-del)
  kDeleted,      // DEL (lazyfree-lazy-user-del)
  kUnlinked,     // UNLINK: always eligible
  kEvicted,      // maxmemory eviction (lazyfree-lazy-eviction)
};

// The entries of a Db taken out whole by Db::detach (FLUSHDB ASYNC), with
// the tables that held them. It owns the entries: whatever has not been
// freed by free_all is freed with it. Usable on any thread: it shares
// nothing with the Db it came from.
class DetachedKeys {
 public:
  explicit DetachedKeys(uint64_t seed) : keys_(seed), expires_(seed) {}
  ~DetachedKeys() { free_all([] {}); }
  DetachedKeys(const DetachedKeys&) = delete;
  DetachedKeys& operator=(const DetachedKeys&) = delete;

  size_t size() const { return keys_.size(); }
  // Frees every entry, calling pace() after each one (a background worker
  // yields there now and then), then the tables' arrays.
  template <typename F>
  void free_all(F&& pace) {
    keys_.for_each([&](Obj* o) {
      Obj::destroy(o);
      pace();
    });
    keys_.clear();
    expires_.clear();
  }

 private:
  friend class Db;
  KeyTable<Obj, ObjKey> keys_;
  KeyTable<Obj, ObjKey> expires_;
};

// Where a Db sends what it lets go of. Without one every entry is freed
// inline; the server's (server/lazy_free.h) frees large values and whole
// keyspaces on a background thread.
class Reclaimer {
 public:
  virtual ~Reclaimer() = default;
  // Takes o, already unlinked from every table, and frees it now or later.
  // Only called for collections: a string is one or two allocations and is
  // always freed inline.
  virtual void reclaim(Obj* o, FreeReason why) = 0;
  // Takes a whole keyspace's entries (never empty).
  virtual void reclaim(std::unique_ptr<DetachedKeys> keys) = 0;
};

struct LookupOptions {
  bool touch = true;  // update the access time (off for OBJECT, NO-TOUCH clients)
};

// Every pointer to an Obj handed out by a Db stays valid until the next
// write to that Db (set, remove, set_expire, replace_value, lookup of an
// expired key, ...). Methods that may move an entry return its new address.
class Db {
 public:
  // arena: where the key and expires tables' large bucket arrays come from
  // and go (see store/bucket_arena.h; nullptr: inline). It must outlive the Db.
  Db(int index, uint64_t hash_seed, KeyspaceObserver* observer, BucketArena* arena = nullptr);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int index() const { return index_; }

  // The live entry under key, or nullptr. An expired key is deleted here
  // (lazy expiry) and reported to the observer.
  Obj* lookup(std::string_view key, int64_t now_ms, LookupOptions opts = {});
  bool exists(std::string_view key, int64_t now_ms) {
    return lookup(key, now_ms, {.touch = false}) != nullptr;
  }
  // Values stored without an access stamp (lru == 0) get *stamp, which the
  // server keeps current for each command (LRU clock or initial LFU stamp).
  void set_new_value_stamp(const uint32_t* stamp) { new_value_stamp_ = stamp; }
  // Stores value under key, replacing any old value. The TTL is dropped
  // unless keep_ttl. Returns the new entry.
  Obj* set(std::string_view key, Value value, bool keep_ttl = false);
  // Stores value under key with an absolute expiry (SET ... EX, RESTORE).
  Obj* set_with_expire(std::string_view key, Value value, int64_t when_ms);
  // A string value given by its bytes, tagged as a new string (int, embstr
  // or raw); when_ms sets a TTL, else keep_ttl decides as in set().
  Obj* set_string(std::string_view key, std::string_view bytes,
                  std::optional<int64_t> when_ms = std::nullopt, bool keep_ttl = false);
  // Replaces the value of the live entry o, keeping its TTL and access
  // stamp. Returns the new entry (o is gone).
  Obj* replace_value(Obj* o, Value value);
  // Removes key and its TTL. Returns whether it existed (expired or not).
  // The value goes to the reclaimer, if any, with the reason given.
  bool remove(std::string_view key, FreeReason why = FreeReason::kOverwritten);
  // Removes key and returns its value (payload moved out), or nullopt.
  std::optional<Value> extract(std::string_view key);

  // Prefetch hints for keys about to be looked up (see KeyTable): call
  // prefetch_bucket for a batch of key hashes (key_hash), then
  // prefetch_entry for the same.
  uint64_t key_hash(std::string_view key) const { return keys_.hash_of(key); }
  void prefetch_bucket(uint64_t h) const { keys_.prefetch_bucket(h); }
  void prefetch_entry(uint64_t h) const { keys_.prefetch_entry(h); }

  // Absolute expiry time in Unix ms; -1 when the key has no TTL.
  int64_t expire_at(std::string_view key) const;
  // key must exist. Returns its entry (which may have moved).
  Obj* set_expire(std::string_view key, int64_t when_ms);
  // Returns whether a TTL was removed.
  bool persist(std::string_view key);
  // True when key has a TTL that is due at now_ms (without deleting it).
  bool is_expired(std::string_view key, int64_t now_ms) const;

  size_t size() const { return keys_.size(); }
  size_t expires_size() const { return expires_.size(); }
  // Sum of expire_at - now over keys with a TTL, for INFO keyspace avg_ttl.
  int64_t avg_ttl_ms(int64_t now_ms) const;
  // Bytes of the bucket arrays of the key table and of the expires table.
  size_t keys_table_bytes() const { return keys_.memory_bytes(); }
  size_t expires_table_bytes() const { return expires_.memory_bytes(); }
  // Up to n steps of pending table resize work. Returns whether any remains.
  bool rehash_steps(size_t n);

  // Redis SCAN semantics: visits some keys, returns the next cursor, 0 when
  // the scan is complete. Every key present for the whole scan is visited at
  // least once. Expired keys are visited too; callers filter. fn must not
  // modify the Db.
  uint64_t scan(uint64_t cursor, const std::function<void(std::string_view, Obj&)>& fn);
  // Visits every key (KEYS, FLUSH accounting). fn must not modify the Db.
  void for_each(const std::function<void(std::string_view, Obj&)>& fn);
  // A random live key, deleting expired ones it meets (bounded tries).
  std::optional<std::string> random_key(rt::Random& random, int64_t now_ms);

  // Draws up to count keys (from every key, or only keys with a TTL when
  // volatile_only) for eviction sampling; fn gets the key, its entry and its
  // expiry (-1 when none).
  void sample(bool volatile_only, size_t count, rt::Random& random,
              const std::function<void(std::string_view, const Obj&, int64_t)>& fn);

  void clear();
  // Empties the db at once and hands every entry to the reclaimer (FLUSHDB
  // ASYNC); without a reclaimer, the same as clear(). Returns how many keys
  // there were.
  size_t clear_async();
  void swap_contents(Db& other);  // SWAPDB: indexes stay, contents move
  // Where dropped entries go (nullptr: freed inline). It must outlive the Db.
  void set_reclaimer(Reclaimer* r) { reclaimer_ = r; }

  // One bounded step of active expiry: walks keys with a TTL and deletes
  // the expired ones. Returns how many it deleted; *sampled gets how many it
  // looked at.
  size_t active_expire_step(int64_t now_ms, size_t max_samples, rt::Random& random,
                            size_t* sampled);

  // Keys whose hash or set has (or had) members with a TTL, for the cron's
  // member expiry: the commands that give members a TTL note their key,
  // and RENAME, COPY and MOVE their destination. Names may go stale
  // (deleted, renamed, no TTL left); the cron drops those as it meets them,
  // and its slow walk of the whole keyspace notes any key it finds with
  // member TTLs that was missed.
  void note_subkey_ttls(std::string_view key) {
    if (subkey_ttl_keys_.find(key) == subkey_ttl_keys_.end()) subkey_ttl_keys_.emplace(key);
  }
  std::set<std::string, std::less<>>& subkey_ttl_keys() { return subkey_ttl_keys_; }

  uint64_t expired_keys() const { return expired_keys_; }
  // The seed of this Db's key hashes (collections derive their tables'
  // seeds from it).
  uint64_t hash_seed() const { return keys_.seed(); }

 private:
  using Table = KeyTable<Obj, ObjKey>;
  // Puts fresh (built for key, hash h) in place of old (or adds it when old
  // is null), moving or dropping the TTL index entry, then frees old.
  Obj* install(std::string_view key, uint64_t h, Obj* old, Obj* fresh);
  // Unlinks and frees o (hash h), which is due: counts and reports it.
  void delete_expired(Obj* o, uint64_t h);
  void drop_ttl_index(Obj* o, uint64_t h);
  // Frees o, which no table holds any more, or hands it to the reclaimer.
  void dispose(Obj* o, FreeReason why) {
    if (reclaimer_ != nullptr && o->type() != ObjType::kString) {
      reclaimer_->reclaim(o, why);
    } else {
      Obj::destroy(o);
    }
  }

  int index_;
  KeyspaceObserver* observer_;
  Reclaimer* reclaimer_ = nullptr;
  const uint32_t* new_value_stamp_ = nullptr;
  // keys_ and expires_ always share one seed, so a key's hash is computed
  // once and used to probe both. Both point at the same entries; only keys_
  // owns them.
  Table keys_;
  Table expires_;
  uint64_t expired_keys_ = 0;
  uint64_t expire_cursor_ = 0;
  std::set<std::string, std::less<>> subkey_ttl_keys_;  // see note_subkey_ttls
  // Sum of the expire_at of every key in expires_, kept so avg_ttl_ms() is
  // O(1) (INFO must not walk the keyspace). 128 bits: no overflow.
  __extension__ __int128 expire_at_sum_ = 0;
};

}  // namespace peregrine::store
