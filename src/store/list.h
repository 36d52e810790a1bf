// ListValue: the payload of a list key.
//
// Two representations, chosen by size:
//
//   packed ("listpack")   one PackedList holding every element, while the
//                         list fits the limit of a single node;
//   nodes  ("quicklist")  a deque of PackedList nodes, each bounded by the
//                         node limit, once it does not.
//
//   nodes_: [PackedList]<->[PackedList]<->...<->[PackedList]
//            head node                           tail node
//
// The node limit comes from list-max-listpack-size ("fill"): a positive fill
// is the most entries a node holds (and a node never passes 8 KB unless it
// holds a single element); -1..-5 bound a node to 4/8/16/32/64 KB. A single
// element larger than the limit gets a node of its own.
//
// A packed list turns into nodes when an operation makes it pass the node
// limit; a list of nodes turns back into a packed one when a removal leaves
// a single node that holds at most half the limit (so a list hovering at
// the limit does not flip at every push and pop).
//
// Pushes and pops at either end touch only the end node, so they cost O(1)
// in the length of the list: a push or pop at the head moves the bytes of
// the head node, one at the tail finds the last entry from a mark at most
// 32 entries before it. Index lookups walk node sizes from the nearer end.
//
// Which encoding OBJECT ENCODING reports is decided by the list commands
// (see reported_encoding below), not by the representation alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/packed_list.h"
#include "store/value.h"

namespace peregrine::store {

class ListValue final : public Collection {
 public:
  enum class Kind : uint8_t { kPacked, kNodes };

  // fill: list-max-listpack-size at creation.
  explicit ListValue(int64_t fill = -2) : fill_(fill) {}

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override { return size_; }
  size_t memory_usage() const override;
  bool empty() const { return size_ == 0; }

  Kind kind() const { return kind_; }
  // The representation as an encoding: kListpack or kQuicklist.
  Encoding internal_encoding() const {
    return kind_ == Kind::kPacked ? Encoding::kListpack : Encoding::kQuicklist;
  }
  size_t node_count() const { return nodes_.size(); }
  // Elements in node i (tests and invariant checks).
  size_t node_size(size_t i) const { return nodes_[i].size(); }
  // Whether every node respects the node limit and no node is empty.
  bool check_invariants() const;

  // The node limit used by later changes (list-max-listpack-size).
  int64_t fill() const { return fill_; }
  void set_fill(int64_t fill) { fill_ = fill; }

  void push_front(std::string_view v);
  void push_back(std::string_view v);
  // The list must not be empty.
  std::string pop_front();
  std::string pop_back();

  // index in [0, size()).
  std::string_view at(size_t index) const;
  void set(size_t index, std::string_view v);
  // Inserts before the element at index; index == size() appends.
  void insert(size_t index, std::string_view v);
  // Removes count elements starting at index (clipped to the end).
  void erase(size_t index, size_t count);
  // Removes elements equal to v: the first `count` from the head when
  // count > 0, the last -count from the tail when count < 0, all when 0.
  // Returns how many it removed.
  size_t remove(std::string_view v, int64_t count);
  // The elements in [start, stop] (inclusive, both in range).
  std::vector<std::string_view> range(size_t start, size_t stop) const;

  // Calls fn(index, element) for the elements from index `from` towards the
  // tail (reverse = false) or towards the head (reverse = true) while fn
  // returns true. from must be in range (or the list empty).
  template <typename Fn>
  void visit(size_t from, bool reverse, Fn&& fn) const;

 private:
  struct Pos {
    size_t node;
    size_t within;  // index inside the node
  };
  Pos locate(size_t index) const;
  // Whether a node of `count` entries taking `bytes` of PackedList space
  // respects the node limit (halved when `half`).
  bool fits(size_t count, size_t bytes, bool half = false) const;
  bool node_fits(const PackedList& n) const { return fits(n.size(), n.bytes()); }
  // Splits node i into as few nodes within the limit as it takes.
  void split_node(size_t i);
  // Merges node i with a neighbour when the two fit in one node.
  void merge_around(size_t i);
  // Merges every run of adjacent nodes that fit together; drops empty nodes.
  void compact();
  // After a change that may have grown the list: converts a packed list that
  // passed the limit, splits node i when it did.
  void after_growth(size_t i);
  // After a removal: converts back to packed when the list shrank enough.
  void after_shrink();

  // The offset of the tail node's last entry. PackedList entries have no
  // back links, so finding it means walking the node; tail_marks_ keeps the
  // offsets of entries 0, kMarkStride, 2 * kMarkStride, ... of the tail node
  // so that the walk covers at most kMarkStride entries. push_back and
  // pop_back keep the marks up; any other change to the tail node drops
  // them, and the next pop_back of a large tail node builds them again.
  size_t tail_last_offset();
  void drop_tail_marks() {
    tail_marks_valid_ = false;
    tail_marks_.clear();
  }
  static constexpr size_t kMarkStride = 32;

  std::deque<PackedList> nodes_;
  std::vector<size_t> tail_marks_;
  bool tail_marks_valid_ = false;
  size_t size_ = 0;
  int64_t fill_;
  Kind kind_ = Kind::kPacked;
};

// Offsets of every entry of a PackedList, in order.
std::vector<size_t> packed_offsets(const PackedList& p);

template <typename Fn>
void ListValue::visit(size_t from, bool reverse, Fn&& fn) const {
  if (size_ == 0 || from >= size_) return;
  Pos p = locate(from);
  size_t index = from;
  if (!reverse) {
    size_t within = p.within;
    for (size_t n = p.node; n < nodes_.size(); ++n, within = 0) {
      const PackedList& node = nodes_[n];
      for (size_t off = node.offset_of(within); off < node.end(); off = node.next(off)) {
        if (!fn(index++, node.at(off))) return;
      }
    }
  } else {
    size_t within = p.within;
    for (size_t n = p.node + 1; n-- > 0;) {
      const PackedList& node = nodes_[n];
      std::vector<size_t> offs = packed_offsets(node);
      if (n != p.node) within = offs.size() - 1;
      for (size_t k = within + 1; k-- > 0;) {
        if (!fn(index--, node.at(offs[k]))) return;
      }
    }
  }
}

// What OBJECT ENCODING reports for a list. Redis 7.0 (the reference server
// of the differential tests) calls every list "quicklist" whatever its size;
// set kReportPackedLists to report small lists as "listpack", as Redis 7.2
// does with the same thresholds.
inline constexpr bool kReportPackedLists = false;
inline Encoding reported_encoding(const ListValue& l) {
  return kReportPackedLists ? l.internal_encoding() : Encoding::kQuicklist;
}

}  // namespace peregrine::store
