// SubkeyTtls: the deadlines of the members of one collection that have a
// TTL (hash fields, set members), in two indexes: name -> absolute Unix ms,
// and (deadline, name) ordered by time, so the due names are at the front.
//
// A collection keeps one only while some member has a TTL (two empty
// ordered containers cost ~100 bytes, and most collections never have one).
// A name whose deadline is <= now is due; the owner removes its due members
// before a command looks at it, and the server cron removes the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace peregrine::store {

class SubkeyTtls {
 public:
  // The deadline of name, or -1 when it has none.
  int64_t get(std::string_view name) const {
    auto it = deadlines_.find(name);
    return it == deadlines_.end() ? -1 : it->second;
  }
  // Sets (or moves) name's deadline.
  void set(std::string_view name, int64_t when_ms) {
    auto it = deadlines_.find(name);
    if (it != deadlines_.end()) {
      by_deadline_.erase({it->second, it->first});
      it->second = when_ms;
    } else {
      it = deadlines_.emplace(std::string(name), when_ms).first;
    }
    by_deadline_.emplace(when_ms, it->first);
  }
  // Removes name's deadline; returns whether it had one.
  bool drop(std::string_view name) {
    auto it = deadlines_.find(name);
    if (it == deadlines_.end()) return false;
    by_deadline_.erase({it->second, it->first});
    deadlines_.erase(it);
    return true;
  }
  size_t size() const { return deadlines_.size(); }
  bool empty() const { return deadlines_.empty(); }
  // The earliest deadline; the indexes must not be empty.
  int64_t next() const { return by_deadline_.begin()->first; }
  // The name with the earliest deadline; the indexes must not be empty.
  const std::string& next_name() const { return by_deadline_.begin()->second; }
  bool due(int64_t now_ms) const { return !empty() && next() <= now_ms; }
  // Heap bytes, estimated: two tree nodes and two names per entry.
  size_t memory_usage() const {
    return sizeof(SubkeyTtls) + deadlines_.size() * (2 * 48 + 2 * sizeof(std::string));
  }

 private:
  std::map<std::string, int64_t, std::less<>> deadlines_;  // name -> expiry
  std::set<std::pair<int64_t, std::string>> by_deadline_;  // (expiry, name)
};

}  // namespace peregrine::store
