// HashValue: the payload of a hash key (field -> value), with optional
// per-field expiry.
//
// Encodings (OBJECT ENCODING)
//   "listpack"   small hashes: field,value pairs in insertion order (an
//                update keeps the position) in a FrontCodedList with two
//                lanes (store/packed_list.h):
//                  [f0][v0][f1][v1] ... [fN-1][vN-1]
//                A field shares its longest common prefix with the previous
//                field ("field:001" after "field:000" takes 2 bytes); a
//                value is either stored whole or marked as a repeat of the
//                previous value, so every value is a run of bytes in the
//                block and get() returns a view of it. Lookups are linear
//                scans over the fields.
//   "hashtable"  a Dict<InlineString> keyed by field. A hash converts once it
//                has more than hash-max-listpack-entries fields, or when a
//                field or value longer than hash-max-listpack-value bytes is
//                stored; it never converts back.
//   "listpackex" the listpack encoding while at least one field has (or has
//                had) a TTL. Reported through encoding(). Its pairs are kept
//                in Redis 7.4's listpackex order: the fields with a TTL
//                first, by deadline, then the others in the order they were
//                added or lost their TTL. A field given a deadline moves in
//                front of the first field with no TTL or a deadline at or
//                past its own; a field that loses its TTL (HPERSIST, or a
//                write that does not keep it) moves to the end.
//
// Layout: the object is a vtable pointer and one pointer into the listpack
// block (16 bytes in all; the pointer points at the entries, the block's
// header lies before them). A plain listpack hash is nothing more: its
// block has the 8-byte header. Anything else hangs off the block's
// optional aux word (PackedBlock<true>, which costs 8 bytes only while set):
//
//   HashValue (16 bytes)     listpack block (one malloc)
//   +--------+---------+     +------------+-------+-------+-------------+
//   | vtable | block --+--+  | [aux word] | count | bytes | entries ... |
//   +--------+---------+  |  +------------+-------+-------+-------------+
//                         |        |                      ^
//                         +--------|----------------------+
//                                  v
//     no aux:   a plain listpack hash, nothing else allocated.
//     aux set:  a pointer to Ext, which holds the hash table once converted
//               (the block then has no entries) and its seed, the field
//               TTL indexes and the listpackex mark:
//
//               Ext { seed | listpack_ex | table* | ttls* }
//
// The table's seed comes from the caller (HashLimits::seed) when the hash
// converts, so a small hash stores none.
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

#include <array>
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
#include "store/subkey_ttls.h"
#include "store/value.h"

namespace peregrine::store {

// The conversion thresholds (hash-max-listpack-entries / -value).
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
  uint64_t seed = 0;  // seeds the hash table of a hash that converts
};

class HashValue final : public Collection {
 public:
  HashValue() = default;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;
  ~HashValue() override;

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override {
    const Dict<InlineString>* t = table();
    return t == nullptr ? lp_.size() / 2 : t->size();
  }
  size_t memory_usage() const override;
  size_t free_effort() const override { return is_listpack() ? 1 : size(); }
  bool empty() const { return size() == 0; }

  // ------------------------------------------------------------ encoding
  bool is_listpack() const { return table() == nullptr; }
  // What OBJECT ENCODING reports: listpack, listpackex or hashtable.
  std::string_view encoding_name() const;
  // The Value::encoding tag for this hash (kListpack, kListpackEx or
  // kHashtable).
  Encoding encoding() const {
    const Ext* e = ext();
    if (e == nullptr) return Encoding::kListpack;
    if (e->table) return Encoding::kHashtable;
    return e->listpack_ex ? Encoding::kListpackEx : Encoding::kListpack;
  }
  // Converts to the hashtable encoding, its table seeded with seed (no-op
  // when already converted).
  void convert_to_hashtable(uint64_t seed);
  // Converts when a field or value about to be written would not fit the
  // listpack encoding.
  void fit_lengths(std::string_view field, std::string_view value, const HashLimits& limits);
  // Converts before a write of new_fields fields when that many would not
  // fit the listpack encoding (repeats counted: a size hint, as Redis 7.2).
  void fit_count(size_t new_fields, const HashLimits& limits);

  // ------------------------------------------------------------ fields
  // The value of field, or nullopt; the view lives until the hash changes.
  // Expiry is not checked here: callers remove due fields first
  // (remove_expired).
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
  // field: listpack order, or the table's bucket order. The views live for
  // the duration of the call.
  template <typename F>
  void for_each(F&& fn) const {
    if (const Dict<InlineString>* t = table()) {
      t->for_each([&](std::string_view f, std::string_view v) { fn(f, v); });
      return;
    }
    lp_.for_each_row([&](const std::array<std::string_view, 2>& pair) { fn(pair[0], pair[1]); });
  }
  // Every field,value pair, in for_each order.
  std::vector<std::pair<std::string, std::string>> entries() const;

  // One HSCAN step over the hashtable encoding: calls fn(field, value) for
  // the entries of the next bucket(s) and returns the next cursor (0 when
  // done), with Dict::scan's guarantee. Only for the hashtable encoding.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) {
    return table()->scan(cursor, [&](std::string_view f, std::string_view v) { fn(f, v); });
  }

  // A uniformly chosen field,value pair (the hash must not be empty). The
  // field is a copy (a listpack field is front-coded, not a run of bytes in
  // the block); the value's view lives until the hash changes.
  std::pair<std::string, std::string_view> random_entry(rt::Random& random);

  // ------------------------------------------------------------ field TTLs
  // Absolute expiry of field in Unix ms, or -1 when it has none (or does not
  // exist).
  int64_t expire_at(std::string_view field) const;
  // Sets field's absolute expiry; the field must exist. seed seeds the
  // table of field deadlines when this creates it (HashLimits::seed).
  void set_expire(std::string_view field, int64_t when_ms, uint64_t seed = 0);
  // Removes field's TTL. Returns whether it had one.
  bool persist(std::string_view field);
  // Number of fields with a TTL.
  size_t volatile_count() const {
    const SubkeyTtls* t = ttls();
    return t == nullptr ? 0 : t->size();
  }
  // The earliest field deadline, or -1 when no field has a TTL.
  int64_t next_expiry() const {
    const SubkeyTtls* t = ttls();
    return t == nullptr ? -1 : t->next();
  }
  // Whether some field is due at now_ms.
  bool has_expired(int64_t now_ms) const {
    const SubkeyTtls* t = ttls();
    return t != nullptr && t->due(now_ms);
  }
  // Removes up to max_fields fields whose deadline is <= now_ms, earliest
  // first. Returns how many it removed.
  size_t remove_expired(int64_t now_ms, size_t max_fields = SIZE_MAX);

 private:
  // Fields, values: a field shares a prefix with the previous field, a
  // value is stored whole or as a repeat of the previous value.
  using Pairs = FrontCodedList<true, LaneCoding::kPrefix, LaneCoding::kRepeat>;
  // What a hash has beyond a plain listpack (see the layout above).
  struct Ext {
    uint64_t seed = 0;
    // Set once a field of a listpack hash got a TTL ("listpackex").
    bool listpack_ex = false;
    std::unique_ptr<Dict<InlineString>> table;  // hashtable encoding
    std::unique_ptr<SubkeyTtls> ttls;          // null, or holds a field
  };

  Ext* ext() const { return reinterpret_cast<Ext*>(static_cast<uintptr_t>(lp_.aux())); }
  // The Ext, created on first need.
  Ext& ext_or_create();
  Dict<InlineString>* table() const {
    Ext* e = ext();
    return e != nullptr ? e->table.get() : nullptr;
  }
  SubkeyTtls* ttls() const {
    Ext* e = ext();
    return e != nullptr ? e->ttls.get() : nullptr;
  }
  // Removes field's TTL from the indexes; returns whether it had one.
  bool drop_ttl(std::string_view field);
  // Moves field (when present, in the listpack encoding) to its listpackex
  // place for deadline (-1: no TTL, the end); see the encodings above.
  void place(std::string_view field, int64_t deadline);

  Pairs lp_;
};

// Active expiry of hash fields, for the server cron (the caller has checked
// that the value is a hash). Removes up to max_fields of its fields whose
// deadline is <= now_ms and returns how many it removed. When the hash is
// left empty the caller must delete the key (and report it as modified, as
// for any write).
size_t expire_hash_fields(HashValue& hash, int64_t now_ms, size_t max_fields);

// The earliest field deadline of a hash (Unix ms), or -1 when none of its
// fields has a TTL. The cron can use it to skip hashes with nothing due.
int64_t hash_next_field_expiry(const HashValue& hash);

// Transitional forms taking any Value (0 / -1 for values that are not
// hashes), kept until src/server/server.cc and src/commands/sort.cc call the
// HashValue forms above; remove them then.
size_t expire_hash_fields(Value& value, int64_t now_ms, size_t max_fields);
int64_t hash_next_field_expiry(const Value& value);

}  // namespace peregrine::store
