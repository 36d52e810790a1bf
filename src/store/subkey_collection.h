// The collections whose members can have TTLs of their own (hashes and
// sets), taken alike: a dispatch on a value's type, and the removal of a
// collection's due members that the commands and the cron share.
#pragma once

#include <cstddef>
#include <cstdint>

#include "store/hash.h"
#include "store/obj.h"
#include "store/set.h"

namespace peregrine::store {

// Calls fn(collection) with the HashValue or SetValue of v; returns false,
// calling nothing, for any other type.
template <typename V, typename F>
bool with_subkey_collection(V& v, F&& fn) {
  if (v.type() == ObjType::kHash) {
    fn(v.template as<HashValue>());
    return true;
  }
  if (v.type() == ObjType::kSet) {
    fn(v.template as<SetValue>());
    return true;
  }
  return false;
}

// How many members of v (a hash or set; 0 for any other type) have a TTL.
inline size_t subkey_volatile_count(const Obj& v) {
  size_t n = 0;
  with_subkey_collection(v, [&](const auto& c) { n = c.volatile_count(); });
  return n;
}

// Removes up to max due members of v (a hash or set) and records its
// encoding when members remain. Returns how many it removed; *empty tells
// whether none remain (the caller deletes the key).
inline size_t remove_due_members(Obj& v, int64_t now_ms, size_t max, bool* empty) {
  size_t removed = 0;
  *empty = false;
  with_subkey_collection(v, [&](auto& c) {
    if (!c.has_expired(now_ms)) return;
    removed = c.remove_expired(now_ms, max);
    *empty = c.empty();
    if (!*empty) v.set_encoding(c.encoding());
  });
  return removed;
}

}  // namespace peregrine::store
