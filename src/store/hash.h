// HashValue: the payload of a hash key (field -> value), with optional
// per-field expiry.
//
// Encodings (OBJECT ENCODING)
//   "listpack"   small hashes: one PackedList holding field,value pairs back
//                to back, in insertion order (an update keeps the position):
//                  [f0][v0][f1][v1] ... [fN-1][vN-1]
//                Lookups are linear scans over the fields (stride 2).
//   "hashtable"  a Dict<std::string> keyed by field. A hash converts once it
//                has more than hash-max-listpack-entries fields, or when a
//                field or value longer than hash-max-listpack-value bytes is
//                stored; it never converts back.
//   "listpackex" the listpack encoding while at least one field has (or has
//                had) a TTL. Reported through encoding(); the hash's
//                behaviour does not change.
//
// Field expiry
//   Only fields with a TTL are recorded, in two side indexes: deadlines
//   (field -> absolute Unix ms) and by_deadline (deadline, field) ordered by
//   time, so the due fields are always at the front. A field whose deadline
//   is <= now is expired: commands remove the due fields of a hash before
//   they look at it (remove_expired), and the server cron removes them in
//   bounded steps (expire_hash_fields below). Writing a field's value drops
//   its TTL unless the caller asks to keep it; deleting a field drops it.
//
// The class does no command parsing and knows nothing of the keyspace: a
// hash that becomes empty must be deleted by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/runtime.h"
#include "store/dict.h"
#include "store/packed_list.h"
#include "store/value.h"

namespace peregrine::store {

// The conversion thresholds (hash-max-listpack-entries / -value).
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue : public Collection {
 public:
  // seed: the hash seed of the table used once the hash converts.
  explicit HashValue(uint64_t seed = 0) : seed_(seed) {}

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override { return listpack_ ? lp_.size() / 2 : table_->size(); }
  bool empty() const { return size() == 0; }

  // ------------------------------------------------------------ encoding
  bool is_listpack() const { return listpack_; }
  // What OBJECT ENCODING reports: listpack, listpackex or hashtable.
  std::string_view encoding_name() const;
  // The Value::encoding tag for this hash (kListpack, kListpackEx or
  // kHashtable).
  Encoding encoding() const {
    if (!listpack_) return Encoding::kHashtable;
    return listpack_ex_ ? Encoding::kListpackEx : Encoding::kListpack;
  }
  // Converts to the hashtable encoding (no-op when already converted).
  void convert_to_hashtable();
  // Converts when a field or value about to be written would not fit the
  // listpack encoding.
  void fit_lengths(std::string_view field, std::string_view value, const HashLimits& limits);

  // ------------------------------------------------------------ fields
  // The value of field, or nullopt. Expiry is not checked here: callers
  // remove due fields first (remove_expired).
  std::optional<std::string_view> get(std::string_view field) const;
  bool contains(std::string_view field) const { return get(field).has_value(); }
  // Stores field = value, converting first when the limits require it.
  // Returns true when the field is new. The field's TTL is dropped unless
  // keep_ttl.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits,
           bool keep_ttl = false);
  // Removes field (and its TTL). Returns whether it was present.
  bool erase(std::string_view field);

  // Calls fn(std::string_view field, std::string_view value) for every
  // field: listpack order, or the table's bucket order.
  template <typename F>
  void for_each(F&& fn) const {
    if (listpack_) {
      for (size_t off = lp_.begin(); off < lp_.end();) {
        std::string_view f = lp_.at(off);
        off = lp_.next(off);
        std::string_view v = lp_.at(off);
        off = lp_.next(off);
        fn(f, v);
      }
    } else {
      table_->for_each(
          [&](std::string_view f, const std::string& v) { fn(f, std::string_view(v)); });
    }
  }
  // Every field,value pair, in for_each order.
  std::vector<std::pair<std::string, std::string>> entries() const;

  // One HSCAN step over the hashtable encoding: calls fn(field, value) for
  // the entries of the next bucket(s) and returns the next cursor (0 when
  // done), with Dict::scan's guarantee. Only for the hashtable encoding.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) {
    return table_->scan(cursor, [&](std::string_view f, std::string& v) {
      fn(f, std::string_view(v));
    });
  }

  // A uniformly chosen field,value pair (the hash must not be empty).
  std::pair<std::string_view, std::string_view> random_entry(rt::Random& random);

  // ------------------------------------------------------------ field TTLs
  // Absolute expiry of field in Unix ms, or -1 when it has none (or does not
  // exist).
  int64_t expire_at(std::string_view field) const;
  // Sets field's absolute expiry; the field must exist.
  void set_expire(std::string_view field, int64_t when_ms);
  // Removes field's TTL. Returns whether it had one.
  bool persist(std::string_view field);
  // Number of fields with a TTL.
  size_t volatile_count() const { return ttls_ ? ttls_->deadlines.size() : 0; }
  // The earliest field deadline, or -1 when no field has a TTL.
  int64_t next_expiry() const {
    return !ttls_ ? -1 : ttls_->by_deadline.begin()->first;
  }
  // Whether some field is due at now_ms.
  bool has_expired(int64_t now_ms) const {
    return ttls_ && ttls_->by_deadline.begin()->first <= now_ms;
  }
  // Removes up to max_fields fields whose deadline is <= now_ms, earliest
  // first. Returns how many it removed.
  size_t remove_expired(int64_t now_ms, size_t max_fields = SIZE_MAX);

 private:
  void drop_ttl(std::string_view field);

  bool listpack_ = true;
  // Set once a field of a listpack hash got a TTL ("listpackex").
  bool listpack_ex_ = false;
  uint64_t seed_;
  PackedList lp_;                                 // listpack encoding
  std::unique_ptr<Dict<std::string>> table_;      // hashtable encoding
  // The TTL indexes exist only while some field has a TTL (most hashes
  // never have one, and two empty ordered containers cost ~100 bytes).
  struct FieldTtls {
    std::map<std::string, int64_t, std::less<>> deadlines;  // field -> expiry
    std::set<std::pair<int64_t, std::string>> by_deadline;  // (expiry, field)
  };
  std::unique_ptr<FieldTtls> ttls_;  // null, or holds at least one field
};

// Active expiry of hash fields, for the server cron. value must be a hash.
// Removes up to max_fields of its fields whose deadline is <= now_ms and
// returns how many it removed. When the hash is left empty the caller must
// delete the key (and report it as modified, as for any write).
size_t expire_hash_fields(Value& value, int64_t now_ms, size_t max_fields);

// The earliest field deadline of a hash value (Unix ms), or -1 when none of
// its fields has a TTL (also for values that are not hashes). The cron can
// use it to skip hashes with nothing due.
int64_t hash_next_field_expiry(const Value& value);

}  // namespace peregrine::store
