// Executable reference model of the hash commands, field expiry included,
// with the exact RESP2 reply bytes a client would see.
//
// Independent of the server: it includes nothing from src/; the helpers it
// needs (integer/float parsing and formatting, glob matching, reply
// encoding) come from models/common.h, written apart from the server too.
// One database; a key holds a hash or (so that type errors can be checked)
// a plain string.
//
// The state is std::map<key, std::map<field, Field>>. A small hash lists its
// fields in the order Redis 7.4's listpack(ex) keeps: the fields with a TTL
// first, by deadline and, for equal deadlines, the one whose deadline was
// set last first; then the others in the order they were added or lost
// their TTL (an update that keeps the TTL state keeps the place). A field
// carries two stamps to sort by; the model answers HGETALL, HKEYS, HVALS,
// HSCAN and "HRANDFIELD key count" with count >= size in that order. A
// checker driving a server whose hashes may be in the hashtable encoding
// compares those replies without regard to order.
//
// Time is supplied on every command (now_ms, Unix ms). A field whose
// deadline is <= now_ms is expired: every hash command removes the expired
// fields of the hash it names before looking at it, and deletes the key
// when none are left (lazy expiry, as the engine does). DEL, EXISTS and TYPE
// do not look at fields: a hash whose fields all expired still exists for
// them until a hash command touches it.
//
// Replies that depend on random choices (HRANDFIELD without a count, with a
// negative count, or with a count below the hash's size) cannot be
// predicted: apply() then returns one valid reply and sets *random; a
// checker verifies such replies against fields() instead.
#ifndef PEREGRINE_MODELS_HASH_MODEL_H_
#define PEREGRINE_MODELS_HASH_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::models {

class HashModel {
 public:
  // Compact-encoding thresholds of the server being checked; only used to
  // know whether a hash may list its fields in insertion order (see
  // in_insertion_order()).
  explicit HashModel(size_t max_listpack_entries = 512, size_t max_listpack_value = 64)
      : max_entries_(max_listpack_entries), max_value_(max_listpack_value) {}

  // Applies one command (argv[0] in any case) at time now_ms and returns the
  // RESP2 reply. *random (when given) is set to whether the reply depended
  // on random choices.
  std::string apply(const std::vector<std::string>& argv, int64_t now_ms,
                    bool* random = nullptr);

  // Lower-case names of the commands the model implements.
  static bool supports(std::string_view lower_name);

  // The live fields of the hash under key (after removing those expired at
  // now_ms, as a command would), in insertion order; nullopt when the key
  // is missing or not a hash.
  std::optional<std::vector<std::pair<std::string, std::string>>> fields(const std::string& key,
                                                                         int64_t now_ms);

  // Whether the hash under key would still be in the compact encoding on
  // the server (so its listing order is the insertion order): it never held
  // more fields than the entry limit nor a field or value longer than the
  // value limit.
  bool in_insertion_order(const std::string& key) const;

 private:
  struct Field {
    std::string value;
    int64_t deadline = -1;  // absolute Unix ms; -1: no TTL
    uint64_t order = 0;     // when the field was added or lost its TTL
    uint64_t ttl_order = 0;  // when its deadline was last set
  };
  struct Key {
    bool is_hash = true;
    std::string str;                      // the string, when !is_hash
    std::map<std::string, Field> fields;  // the hash, when is_hash
    uint64_t next_order = 0;
    bool compact = true;  // see in_insertion_order()
  };
  using Argv = std::vector<std::string>;

  // The key's hash after lazy expiry: null when the key is missing (or lost
  // its last field); *wrong set (and null returned) when it is a string.
  Key* hash(const std::string& key, bool* wrong);
  Key& create(const std::string& key);
  void store(Key& k, const std::string& field, const std::string& value, bool keep_ttl);
  // Sets f's deadline (-1: none), stamping when it changed.
  void set_deadline(Key& k, Field& f, int64_t when);
  void erase_if_empty(const std::string& key);
  std::vector<std::pair<std::string, const Field*>> ordered(const Key& k) const;

  std::string dispatch(const Argv& a, bool* random);
  std::string hset(const Argv& a, bool hmset);
  std::string hsetnx(const Argv& a);
  std::string hget(const Argv& a);
  std::string hmget(const Argv& a);
  std::string hdel(const Argv& a);
  std::string hlen(const Argv& a);
  std::string hexists(const Argv& a);
  std::string hstrlen(const Argv& a);
  std::string hgetall(const Argv& a, bool fields, bool values);
  std::string hincrby(const Argv& a);
  std::string hincrbyfloat(const Argv& a);
  std::string hrandfield(const Argv& a, bool* random);
  std::string hscan(const Argv& a);
  std::string hexpire(const Argv& a, bool seconds, bool absolute);
  std::string httl(const Argv& a, bool ms, bool absolute);
  std::string hpersist(const Argv& a);
  std::string hgetex(const Argv& a);
  std::string hsetex(const Argv& a);
  std::string hgetdel(const Argv& a);
  std::string del(const Argv& a);
  std::string exists(const Argv& a);
  std::string type(const Argv& a);
  std::string set(const Argv& a);
  std::string get(const Argv& a);

  std::map<std::string, Key> keys_;
  int64_t now_ = 0;
  size_t max_entries_;
  size_t max_value_;
};

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_HASH_MODEL_H_
