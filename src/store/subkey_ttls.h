// SubkeyTtls: the deadlines of the members of one collection that have a
// TTL (hash fields, set members).
//
// Two structures, each name stored once:
//   names_  a Dict from name to its place in the heap (one allocation per
//           name: the Dict's 16-byte node header, the place, the name);
//   heap_   a binary min-heap of (deadline, node) by deadline, so the due
//           names are at the front; each move in the heap updates the
//           place kept in the name's node.
// About 24 bytes plus the name per entry, and 16 in the heap (a map from
// name to deadline beside a set ordered by deadline, each with a copy of
// the name, took some 150).
//
// A collection keeps one only while some member has a TTL (most never
// have one). A name whose deadline is <= now is due; the owner removes its
// due members before a command looks at it, and the server cron removes
// the rest. Names with the same deadline come out in an order that depends
// only on the history of operations, so it is the same on every replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "store/dict.h"

namespace peregrine::store {

class SubkeyTtls {
 public:
  // seed seeds the name table (as the owner's own tables are seeded).
  explicit SubkeyTtls(uint64_t seed = 0) : names_(seed) {}
  SubkeyTtls(const SubkeyTtls& other) : names_(other.names_.seed()) {
    names_.reserve(other.size());
    heap_.reserve(other.heap_.size());
    for (const Item& it : other.heap_) {
      Place* p = names_.insert(Names::key_of(it.place), Place{heap_.size()}).first;
      heap_.push_back({it.deadline, p});
    }
  }
  SubkeyTtls& operator=(const SubkeyTtls&) = delete;

  // The deadline of name, or -1 when it has none.
  int64_t get(std::string_view name) const {
    const Place* p = names_.find(name);
    return p == nullptr ? -1 : heap_[p->index].deadline;
  }
  // Sets (or moves) name's deadline.
  void set(std::string_view name, int64_t when_ms) {
    auto [p, added] = names_.insert(name, Place{heap_.size()});
    if (added) {
      heap_.push_back({when_ms, p});
      sift_up(p->index);
      return;
    }
    heap_[p->index].deadline = when_ms;
    sift_down(sift_up(p->index));
  }
  // Removes name's deadline; returns whether it had one.
  bool drop(std::string_view name) {
    Place* p = names_.find(name);
    if (p == nullptr) return false;
    const size_t i = p->index;
    const size_t last = heap_.size() - 1;
    if (i != last) {
      place_at(i, heap_[last]);
      heap_.pop_back();
      sift_down(sift_up(i));
    } else {
      heap_.pop_back();
    }
    names_.erase(name);
    return true;
  }
  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  // The earliest deadline; there must be one.
  int64_t next() const { return heap_.front().deadline; }
  // A name with the earliest deadline; there must be one. The view lives
  // until that name is dropped.
  std::string_view next_name() const { return Names::key_of(heap_.front().place); }
  bool due(int64_t now_ms) const { return !empty() && next() <= now_ms; }
  // Heap bytes: the name nodes, their buckets and the heap's array.
  size_t memory_usage() const {
    return sizeof(SubkeyTtls) + names_.entry_bytes() + names_.bucket_count() * sizeof(void*) +
           heap_.capacity() * sizeof(Item);
  }

 private:
  struct Place {
    size_t index;  // in heap_
  };
  using Names = Dict<Place>;
  struct Item {
    int64_t deadline;
    Place* place;  // in its name's node, which does not move
  };

  void place_at(size_t i, Item item) {
    heap_[i] = item;
    item.place->index = i;
  }
  // Moves heap_[i] towards the root while it is due before its parent;
  // returns where it ended.
  size_t sift_up(size_t i) {
    const Item item = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / 2;
      if (heap_[parent].deadline <= item.deadline) break;
      place_at(i, heap_[parent]);
      i = parent;
    }
    place_at(i, item);
    return i;
  }
  // Moves heap_[i] towards the leaves while a child is due before it.
  void sift_down(size_t i) {
    const Item item = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].deadline < heap_[child].deadline) ++child;
      if (item.deadline <= heap_[child].deadline) break;
      place_at(i, heap_[child]);
      i = child;
    }
    place_at(i, item);
  }

  Names names_;
  std::vector<Item> heap_;
};

}  // namespace peregrine::store
