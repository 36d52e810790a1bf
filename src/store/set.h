// SetValue: the payload of a set key, an unordered collection of distinct
// byte strings, in one of three encodings (what OBJECT ENCODING reports):
//
//   "intset"     every member is a canonical 64-bit decimal integer and there
//                are at most set-max-intset-entries of them: a sorted array
//                of fixed-width integers (2, 4 or 8 bytes each, the width of
//                the widest member), searched by bisection.
//   "listpack"   few, short members (set-max-listpack-entries,
//                set-max-listpack-value): a FrontCodedList with one lane
//                (store/packed_list.h), each member sharing its longest
//                common prefix with the previous one; searched linearly.
//   "hashtable"  anything else: a Dict keyed by the members.
//
// A set only moves towards the general encoding as it grows or takes a
// member the compact encoding cannot hold (intset -> listpack on a
// non-integer member that fits, intset -> hashtable past
// set-max-intset-entries, listpack -> hashtable); removing members never
// converts back.
// The limits come in with every add (SetLimits), read from the config by the
// caller, so CONFIG SET takes effect on the next write to each set.
//
// Member expiry (Redis 8.12)
//   Members may have a TTL, recorded in side indexes (store/subkey_ttls.h)
//   that exist only while some member has one, so they survive every
//   conversion. An intset cannot carry TTLs: the first TTL turns it into a
//   listpack (a hashtable when the listpack limits do not hold it). A
//   listpack that has had a TTL reports "listpackex" from then on, even once
//   no member has one. A member whose deadline is <= now is expired: the
//   commands remove the due members of a set before they look at it
//   (remove_expired) and the server cron removes the rest. Removing a
//   member drops its TTL.
//
// Members are handed out as std::string_view that live only for the
// duration of the callback: an intset member is formatted into a buffer, a
// listpack member may be assembled from its shared prefix and its suffix.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runtime.h"
#include "store/dict.h"
#include "store/packed_list.h"
#include "store/subkey_ttls.h"
#include "store/value.h"

namespace peregrine::store {

// Size limits of the compact encodings. max_listpack_entries == 0 disables
// the listpack encoding (small non-integer sets go straight to hashtable).
struct SetLimits {
  size_t max_intset_entries = 512;
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// Whether s is an integer an intset can hold: the canonical decimal form of
// an int64 ("-0", "+1", "01", " 1" and out-of-range values are not).
bool parse_set_integer(std::string_view s, int64_t* out);

// A sorted array of distinct int64, each stored in width() bytes (2, 4 or
// 8), widened for every element when a wider value arrives.
class IntSet {
 public:
  size_t size() const { return data_.size() / width_; }
  bool empty() const { return data_.empty(); }
  size_t width() const { return width_; }
  size_t bytes() const { return data_.size(); }
  // The index-th smallest element; index < size().
  int64_t at(size_t index) const;
  bool contains(int64_t v) const;
  // Returns false when v was already present.
  bool insert(int64_t v);
  // Returns false when v was absent.
  bool erase(int64_t v);
  void erase_at(size_t index);
  int64_t min() const { return at(0); }
  int64_t max() const { return at(size() - 1); }

 private:
  static size_t width_for(int64_t v);
  // First index whose element is >= v.
  size_t lower_bound(int64_t v) const;
  void store(size_t index, int64_t v);
  void widen(size_t width);

  size_t width_ = 2;
  std::string data_;  // size() * width_ bytes, native byte order
};

class SetValue final : public Collection {
 public:
  enum class Kind : uint8_t { kIntset, kListpack, kHashtable };

  // An empty set in the given encoding; seed seeds the hash table if the
  // set ever uses one.
  SetValue(Kind kind, uint64_t seed);
  // An empty set in the encoding a set created with `first` as its first
  // member (of about size_hint members in all) starts with, as Redis 7.2:
  // intset for an integer when the hint fits set-max-intset-entries,
  // listpack when it fits set-max-listpack-entries, else hashtable.
  static std::unique_ptr<SetValue> for_first_member(std::string_view first, size_t size_hint,
                                                    const SetLimits& limits, uint64_t seed);
  // Before adding about size_hint members to an existing set: a listpack or
  // an intset that the hint alone would overflow becomes a hash table at
  // once, even when the members turn out to be there already (SADD, as
  // Redis 7.2).
  void fit_hint(size_t size_hint, const SetLimits& limits);

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override;
  // Heap bytes of the payload: the intset's array, the packed buffer, or the
  // hash table's nodes and buckets.
  size_t memory_usage() const override;
  size_t free_effort() const override { return kind_ == Kind::kHashtable ? size() : 1; }
  bool empty() const { return size() == 0; }
  Kind kind() const { return kind_; }
  Encoding encoding() const;

  // Adds member, converting first when the current encoding cannot take it
  // within limits. Returns whether it was added (false: already a member).
  bool add(std::string_view member, const SetLimits& limits);
  // Returns whether member was present.
  bool remove(std::string_view member);
  bool contains(std::string_view member) const;

  // Calls fn(std::string_view member) for every member. fn must not modify
  // the set.
  template <typename F>
  void for_each(F&& fn) const;
  std::vector<std::string> members() const;

  // A member chosen at random; the set must not be empty. Intset and
  // listpack members are equally likely; hashtable members follow
  // Dict::random_entry (nearly uniform).
  std::string random_member(rt::Random& random);
  // Removes and returns a random member; the set must not be empty.
  std::string pop_random(rt::Random& random);

  // One SSCAN step from cursor: calls fn(std::string_view member) for some
  // members and returns the next cursor (0 when done). The compact
  // encodings hand out every member in one step and return 0; the hash
  // table follows Dict::scan's guarantee.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn);

  // Changes the encoding to `to` (only towards the general one, or any
  // change the members allow: every member must be an integer for intset).
  void convert(Kind to);

  // Longest member in bytes (linear; used when deciding conversions).
  size_t max_member_length() const;

  // ------------------------------------------------------------ member TTLs
  // Absolute expiry of member in Unix ms, or -1 when it has none (or is not
  // a member).
  int64_t expire_at(std::string_view member) const {
    return ttls_ ? ttls_->get(member) : -1;
  }
  // Sets member's absolute expiry; member must be present. An intset first
  // becomes a listpack, or a hashtable past the listpack limits.
  void set_expire(std::string_view member, int64_t when_ms, const SetLimits& limits);
  // Removes member's TTL. Returns whether it had one.
  bool persist(std::string_view member);
  // Number of members with a TTL.
  size_t volatile_count() const { return ttls_ ? ttls_->size() : 0; }
  // The earliest member deadline, or -1 when no member has a TTL.
  int64_t next_expiry() const { return ttls_ ? ttls_->next() : -1; }
  // Whether some member is due at now_ms.
  bool has_expired(int64_t now_ms) const { return ttls_ && ttls_->due(now_ms); }
  // Removes up to max_members members whose deadline is <= now_ms,
  // earliest first. Returns how many it removed.
  size_t remove_expired(int64_t now_ms, size_t max_members = SIZE_MAX);

 private:
  struct NoValue {};

  static size_t decimal_length(int64_t v);
  // Removes and returns a random member, leaving its TTL to the caller.
  std::string take_random(rt::Random& random);

  using Members = FrontCodedList<false, LaneCoding::kPrefix>;

  Kind kind_;
  bool listpack_ex_ = false;  // a listpack that has had a member TTL
  uint64_t seed_;
  IntSet ints_;
  Members packed_;
  Dict<NoValue> dict_;
  std::unique_ptr<SubkeyTtls> ttls_;  // null, or holds a member
};

// ------------------------------------------------------------ templates

template <typename F>
void SetValue::for_each(F&& fn) const {
  switch (kind_) {
    case Kind::kIntset: {
      char buf[24];
      for (size_t i = 0; i < ints_.size(); ++i) {
        auto res = std::to_chars(buf, buf + sizeof(buf), ints_.at(i));
        fn(std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
      }
      break;
    }
    case Kind::kListpack:
      packed_.for_each_row([&](const std::array<std::string_view, 1>& m) { fn(m[0]); });
      break;
    case Kind::kHashtable:
      dict_.for_each([&](std::string_view key, const NoValue&) { fn(key); });
      break;
  }
}

template <typename F>
uint64_t SetValue::scan(uint64_t cursor, F&& fn) {
  if (kind_ != Kind::kHashtable) {
    for_each(fn);
    return 0;
  }
  return dict_.scan(cursor, [&](std::string_view key, NoValue&) { fn(key); });
}

}  // namespace peregrine::store
