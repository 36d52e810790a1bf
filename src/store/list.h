// ListValue: the payload of a list key.
//
// Two representations, chosen by size:
//
//   packed ("listpack")   one PackedList holding every element, while the
//                         list fits the limit of a single node;
//   nodes  ("quicklist")  a ring (store/ring.h) of nodes, each a
//                         PackedList bounded by the node limit, once it
//                         does not.
//
//   nodes_: [Node]<->[Node]<->[Node]<->...<->[Node]<->[Node]
//            head    |<------ interior ------>|      tail
//            `depth` nodes raw                `depth` nodes raw
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
// Compression (list-compress-depth, "depth"): with depth d > 0, the d nodes
// at each end stay raw and every interior node (index i with d <= i and
// i + d < node count) is stored LZF-compressed: the node then holds one
// block of the compressed bytes, with the entry count and the raw byte size
// in its header, in place of the PackedList:
//
//   raw node:         raw_ = PackedList (count | bytes | entries)    lzf_ = null
//   compressed node:  raw_ = empty    lzf_ = (count | lzf bytes | raw bytes | data)
//
// As in Redis, a node is compressed only when its entries take at least 48
// bytes and compression saves at least 8; otherwise it stays raw, marked as
// tried, and is tried again only once its entries change. Counts and raw
// sizes stay readable without decompressing, so index lookups and the node
// limit work on compressed nodes as on raw ones. Reads decompress a
// compressed node into a scratch copy and leave the node compressed; a
// change decompresses the node in place, and the node is compressed again
// at the end of the operation when it is still interior. A packed list has
// a single node and is never compressed. The depth used is the one set last
// (the list commands set the configured one before each change); changing
// it settles every node once.
//
// Pushes and pops at either end touch only the end node, so they cost O(1)
// in the length of the list: a push or pop at the head moves the bytes of
// the head node, one at the tail finds the last entry from a mark at most
// 32 entries before it. With compression, a push that starts a new end node
// compresses the one node that moves past the depth, and a pop that empties
// an end node decompresses the one that moves within it. Index lookups walk
// node sizes from the nearer end.
//
// OBJECT ENCODING does not report this representation but the one Redis
// 7.2 would have chosen (store/list_shape.h): while Redis would still hold a
// listpack, the list keeps that listpack's exact byte size; once Redis
// would hold a quicklist, a ListShape with the sizes of its nodes. The
// commands tell the list when Redis checks for a conversion
// (prepare_growth, settle_after_removal); every change keeps the sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/list_shape.h"
#include "store/packed_list.h"
#include "store/ring.h"
#include "store/value.h"

namespace peregrine::store {

class ListValue final : public Collection {
 public:
  enum class Kind : uint8_t { kPacked, kNodes };

  // fill: list-max-listpack-size at creation; depth: list-compress-depth.
  explicit ListValue(int64_t fill = -2, size_t depth = 0)
      : fill_(clamp_fill(fill)), depth_(clamp_depth(depth)) {}
  ListValue(const ListValue& other);
  ListValue& operator=(const ListValue&) = delete;

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override { return size_; }
  size_t memory_usage() const override;
  size_t free_effort() const override { return kind_ == Kind::kNodes ? nodes_.size() : 1; }
  bool empty() const { return size_ == 0; }

  Kind kind() const { return kind_; }
  // The representation as an encoding: kListpack or kQuicklist.
  Encoding internal_encoding() const {
    return kind_ == Kind::kPacked ? Encoding::kListpack : Encoding::kQuicklist;
  }
  size_t node_count() const { return nodes_.size(); }
  // Elements in node i (tests and invariant checks).
  size_t node_size(size_t i) const { return nodes_[i].size(); }
  // Whether node i is stored compressed, and how many are (tests).
  bool node_compressed(size_t i) const { return nodes_[i].compressed(); }
  size_t compressed_node_count() const;
  // Whether every node respects the node limit, no node is empty, and the
  // interior nodes, and only they, are compressed (or failed to compress).
  bool check_invariants() const;

  // What Redis 7.2 would report, listpack or quicklist (header comment).
  Encoding redis_encoding() const {
    return shape_ ? Encoding::kQuicklist : Encoding::kListpack;
  }
  // Before a command adds `count` elements of `raw_bytes` bytes in all:
  // a list Redis would keep as a listpack becomes a quicklist when they
  // would take it past the limit of list-max-listpack-size `fill` (the
  // current setting).
  void prepare_growth(int64_t fill, size_t raw_bytes, size_t count);
  // After a command removed elements: back to a listpack when a single
  // node is left within half the limit (the whole limit when !half).
  void settle_after_removal(int64_t fill, bool half = true);
  // Makes an empty list a quicklist, as SORT ... STORE builds one.
  void start_as_quicklist(int64_t fill);
  // Redis's node layout (tests): the quicklist's fill, its node count,
  // and the bytes and entries of one node (the listpack as node 0).
  int64_t redis_quicklist_fill() const { return shape_ ? shape_->fill() : 0; }
  size_t redis_node_count() const { return shape_ ? shape_->node_count() : 1; }
  ListShape::Node redis_node(size_t i) const {
    return shape_ ? shape_->node(i) : ListShape::Node{lp_bytes_, static_cast<uint32_t>(size_)};
  }

  // The node limit used by later changes (list-max-listpack-size).
  int64_t fill() const { return fill_; }
  void set_fill(int64_t fill) { fill_ = clamp_fill(fill); }
  // The number of nodes kept raw at each end (list-compress-depth; 0: no
  // compression). A new depth compresses or decompresses the nodes it
  // moves in or out of the interior at once.
  size_t compress_depth() const { return depth_; }
  void set_compress_depth(size_t depth);

  void push_front(std::string_view v);
  void push_back(std::string_view v);
  // The list must not be empty.
  std::string pop_front();
  std::string pop_back();

  // A copy of the element at index, in [0, size()). visit() reads without
  // copying.
  std::string at(size_t index) const;
  void set(size_t index, std::string_view v);
  // Inserts before the element at index; index == size() appends.
  void insert(size_t index, std::string_view v);
  // Inserts before (after = false) or after the element at pivot, as
  // LINSERT does (Redis places the element by the pivot's node).
  void insert_next_to(size_t pivot, bool after, std::string_view v);
  // Removes count elements starting at index (clipped to the end).
  void erase(size_t index, size_t count);
  // Removes elements equal to v: the first `count` from the head when
  // count > 0, the last -count from the tail when count < 0, all when 0.
  // Returns how many it removed.
  size_t remove(std::string_view v, int64_t count);
  // Copies of the elements in [start, stop] (inclusive, both in range).
  std::vector<std::string> range(size_t start, size_t stop) const;

  // Calls fn(index, element) for the elements from index `from` towards the
  // tail (reverse = false) or towards the head (reverse = true) while fn
  // returns true. from must be in range (or the list empty). An element's
  // view is valid during the call only (it may point into a decompressed
  // copy of its node).
  template <typename Fn>
  void visit(size_t from, bool reverse, Fn&& fn) const;

 private:
  // One node: its entries raw, or LZF-compressed (see the header comment).
  class Node {
   public:
    Node() = default;
    explicit Node(PackedList raw) : raw_(std::move(raw)) {}

    bool compressed() const { return lzf_.data() != nullptr; }
    size_t size() const { return compressed() ? lzf_.count() : raw_.size(); }
    bool empty() const { return size() == 0; }
    // The bytes of the entries uncompressed (what the node limit counts).
    size_t bytes() const { return compressed() ? static_cast<size_t>(lzf_.aux()) : raw_.bytes(); }
    // The bytes the node keeps on the heap for its entries.
    size_t stored_bytes() const { return compressed() ? lzf_.bytes() : raw_.bytes(); }
    // Raw and already found not worth compressing.
    bool tried() const { return tried_; }

    // The entries, for reading: the node's own when raw, else decompressed
    // into scratch.
    const PackedList& read(PackedList& scratch) const;
    // The entries, for changing: decompresses the node in place first.
    PackedList& edit();
    // Replaces the entries.
    void assign(PackedList raw);

    // Compresses a raw node when that pays; returns whether it is
    // compressed. A node found not worth it is marked tried.
    bool compress();
    void decompress();

   private:
    PackedList raw_;         // the entries while raw
    PackedBlock<true> lzf_;  // while compressed: count, compressed bytes, aux = raw bytes
    bool tried_ = false;
  };

  struct Pos {
    size_t node;
    size_t within;  // index inside the node
  };
  Pos locate(size_t index) const;
  // Whether a node of `count` entries taking `bytes` of PackedList space
  // respects the node limit (halved when `half`).
  bool fits(size_t count, size_t bytes, bool half = false) const;
  bool node_fits(const Node& n) const { return fits(n.size(), n.bytes()); }
  // Splits node i into as few nodes within the limit as it takes; returns
  // how many.
  size_t split_node(size_t i);
  // Merges node i with a neighbour when the two fit in one node.
  void merge_around(size_t i);
  // Merges every run of adjacent nodes that fit together; drops empty nodes.
  void compact();
  // Cuts the whole list into nodes afresh, each filled up to the limit
  // (after a change of how nodes are measured).
  void relayout();
  // Appends src's entries to cur, first moving cur to out as a node
  // whenever the next entry would take it past the limit (split_node and
  // relayout; out is a std::vector or a Ring of nodes).
  template <typename Out>
  void cut_into(Out& out, PackedList& cur, const PackedList& src) const;
  // After a change to node i that may have grown the list: converts a
  // packed list that passed the limit, splits node i when it did, and
  // settles the nodes around it.
  void after_growth(size_t i);
  // After a removal: converts back to packed when the list shrank enough.
  void after_shrink();

  // Whether node i belongs compressed under the current depth.
  bool interior(size_t i) const {
    return depth_ > 0 && i >= depth_ && i + depth_ < nodes_.size();
  }
  // Compresses node i when it is interior and raw (and not tried),
  // decompresses it when it is not interior.
  void settle(size_t i);
  // Settles what an operation may have unsettled: the nodes [lo, hi] it
  // changed or created, and, when it added or removed `moved` nodes, the
  // nodes that crossed the depth at either end (within moved + 1 of it).
  void settle_after(size_t lo, size_t hi, size_t moved);
  void settle_all();

  // The offset of the tail node's last entry. PackedList entries have no
  // back links, so finding it means walking the node; tail_marks_ keeps the
  // offsets of entries 0, kMarkStride, 2 * kMarkStride, ... of the tail node
  // so that the walk covers at most kMarkStride entries. push_back and
  // pop_back keep the marks up; any other change to the tail node drops
  // them, and the next pop_back of a large tail node builds them again.
  // The tail node is never compressed (it is no interior node).
  size_t tail_last_offset();
  void drop_tail_marks() {
    tail_marks_valid_ = false;
    tail_marks_.clear();
  }
  static constexpr size_t kMarkStride = 32;

  // list-max-listpack-size is an int in Redis.
  static int32_t clamp_fill(int64_t fill) {
    return static_cast<int32_t>(std::clamp<int64_t>(fill, INT32_MIN, INT32_MAX));
  }
  static uint32_t clamp_depth(size_t depth) {
    return static_cast<uint32_t>(std::min<size_t>(depth, UINT32_MAX));
  }

  // Redis's view: the listpack's bytes while it would be one, the shape of
  // its quicklist once it would be one (shape_ set).
  void shape_add(bool front, std::string_view v);
  // The pushes without Redis's view (the public ones keep it first).
  void raw_push_front(std::string_view v);
  void raw_push_back(std::string_view v);
  void shape_remove(size_t index, std::string_view v);
  std::vector<uint32_t> entry_sizes(size_t first, size_t n) const;

  // 80 bytes with the vtable pointer (an 80-byte allocator class): a small
  // list is this object, one 24-byte node in the ring (a 32-byte buffer),
  // and its block.
  Ring<Node> nodes_;
  std::vector<size_t> tail_marks_;
  std::unique_ptr<ListShape> shape_;
  size_t size_ = 0;
  int32_t fill_;
  uint32_t lp_bytes_ = kListpackEmptyBytes;  // see shape_add for its bound
  uint32_t depth_;
  bool tail_marks_valid_ = false;
  Kind kind_ = Kind::kPacked;
};

// Offsets of every entry of a PackedList, in order.
std::vector<size_t> packed_offsets(const PackedList& p);

template <typename Fn>
void ListValue::visit(size_t from, bool reverse, Fn&& fn) const {
  if (size_ == 0 || from >= size_) return;
  Pos p = locate(from);
  size_t index = from;
  PackedList scratch;  // a compressed node's entries while it is visited
  if (!reverse) {
    size_t within = p.within;
    for (size_t n = p.node; n < nodes_.size(); ++n, within = 0) {
      const PackedList& node = nodes_[n].read(scratch);
      for (size_t off = node.offset_of(within); off < node.end(); off = node.next(off)) {
        if (!fn(index++, node.at(off))) return;
      }
    }
  } else {
    size_t within = p.within;
    for (size_t n = p.node + 1; n-- > 0;) {
      const PackedList& node = nodes_[n].read(scratch);
      std::vector<size_t> offs = packed_offsets(node);
      if (n != p.node) within = offs.size() - 1;
      for (size_t k = within + 1; k-- > 0;) {
        if (!fn(index--, node.at(offs[k]))) return;
      }
    }
  }
}

// What OBJECT ENCODING reports for a list: "listpack" or "quicklist"
// where Redis 7.2 and later would (the report-lists-as-quicklist setting
// makes OBJECT ENCODING name every list "quicklist", as Redis 7.0 does).
inline Encoding reported_encoding(const ListValue& l) { return l.redis_encoding(); }

}  // namespace peregrine::store
