// ListShape: the node layout Redis 7.2 would give a list, kept as sizes
// only, so that OBJECT ENCODING reports "listpack" and "quicklist" exactly
// where Redis does while ListValue lays its own nodes out as it likes.
//
// Redis decides a list's encoding with the byte sizes of its listpacks:
//
//   listpack -> quicklist  before a command adds elements (LPUSH, RPUSH,
//                          LINSERT, LSET, the push of LMOVE): when the
//                          listpack's bytes plus the raw lengths of the new
//                          elements, or its length plus their number, pass
//                          the limit of list-max-listpack-size; the
//                          listpack becomes the quicklist's only node.
//   quicklist -> listpack  after a command removes elements: when a single
//                          node is left and it holds at most half the
//                          limit (in bytes and in entries); SORT ... STORE,
//                          which builds a quicklist, with the whole limit.
//
// A quicklist pushes into its end node while that node's bytes plus the
// new element's length plus 8 stay within the limit, and starts a new node
// otherwise; LINSERT may split a node and merge neighbours; removals only
// shrink nodes and drop empty ones; LSET replaces in place. An element
// longer than the limit's bytes (8 KB under a count limit) is "large": it
// gets a plain node of its own, which holds its bytes only, never takes
// another element or merges, and keeps the list a quicklist. The bytes of a
// node are exactly those of its listpack: a 6-byte header, a 1-byte end
// and each entry (lp_entry_bytes), which is why they are tracked here: the
// quicklist's choices depend on them, and they differ from ListValue's own
// measure (a listpack stores "1487" in 2 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "store/ring.h"

namespace peregrine::store {

// The bytes an element takes as a listpack entry: its encoding header and
// data (integers in canonical form take 1 to 9 bytes) and its back length.
size_t lp_entry_bytes(std::string_view e);

// Whether a listpack stores e as an integer (canonical decimal int64).
bool lp_stores_as_integer(std::string_view e);

// A node under a count fill is still cut at this many bytes.
constexpr size_t kSizeSafetyLimit = 8192;

// The bytes of an empty listpack (header and end byte).
constexpr size_t kListpackEmptyBytes = 7;

// The limit list-max-listpack-size (fill) sets on a listpack or quicklist
// node, as Redis computes it: a negative fill limits bytes (4 to 64 KB), a
// positive one entries (and bytes to kSizeSafetyLimit).
struct LpLimit {
  size_t bytes;  // SIZE_MAX under an entry limit
  size_t count;  // Redis's UINT_MAX under a byte limit

  // Whether new_bytes bytes in new_count entries pass it.
  bool exceeds(size_t new_bytes, size_t new_count) const {
    if (bytes != SIZE_MAX) return new_bytes > bytes;
    return new_bytes > kSizeSafetyLimit || new_count > count;
  }
  // Whether a single node of these bytes and entries is within it (within
  // half of it when half), to be a listpack again.
  bool within(size_t node_bytes, size_t node_count, bool half) const {
    return node_bytes <= (half ? bytes / 2 : bytes) && node_count <= (half ? count / 2 : count);
  }
  // Whether an element of len bytes is large: a plain node of its own.
  bool large(size_t len) const { return len > (bytes != SIZE_MAX ? bytes : kSizeSafetyLimit); }
};
LpLimit lp_limit(int64_t fill);

class ListShape {
 public:
  struct Node {
    uint64_t bytes = kListpackEmptyBytes;  // a plain node: the element's length
    uint32_t count = 0;
    bool plain = false;
  };
  // The entry sizes of the elements [first, first + n) of the list as it
  // is before the change (ListValue reads them when a node is split).
  using EntrySizes = std::function<std::vector<uint32_t>(size_t first, size_t n)>;

  // fill: list-max-listpack-size when the quicklist was made (later
  // changes of the setting do not change how it places elements).
  explicit ListShape(int64_t fill);

  int64_t fill() const { return fill_; }
  size_t node_count() const { return nodes_.size(); }
  const Node& node(size_t i) const { return nodes_[i]; }
  // A listpack turned quicklist: its bytes and entries become the only
  // node (none when it is empty).
  void adopt_listpack(uint64_t bytes, size_t count);

  void push(bool front, std::string_view e);
  // Removes the element at index (of the list before the removal), which
  // takes entry_bytes.
  void erase_at(size_t index, size_t entry_bytes);
  // Removes the elements from index on, whose entry sizes are given.
  void erase_range(size_t index, std::span<const uint32_t> entry_bytes);
  // The element at index (old) becomes e, as LSET does.
  void replace(size_t index, std::string_view old, std::string_view e, const EntrySizes& sizes);
  // Inserts e before (after = false) or after the element at pivot, as
  // LINSERT does.
  void insert(size_t pivot, bool after, std::string_view e, const EntrySizes& sizes);

  size_t memory_usage() const { return sizeof(ListShape) + nodes_.capacity() * sizeof(Node); }

 private:
  struct Pos {
    size_t node;
    size_t offset;
    size_t first;  // index of the node's first element
  };
  Pos locate(size_t index) const;
  bool allow_insert(size_t i, size_t len) const;
  // Node i cut before entry `cut`: it keeps [0, cut) (keep_low) or
  // [cut, count); returns the other part.
  Node split(size_t i, size_t first, size_t cut, bool keep_low, const EntrySizes& sizes);
  void insert_at(size_t at, const Node& n);
  // A new node for e at position at (plain when e is large).
  void insert_node(size_t at, std::string_view e);
  bool allow_merge(size_t a, size_t b) const;
  // Merges node a + 1 into node a.
  void merge(size_t a);
  // Redis's merge of the nodes around a node just split (center).
  void merge_around(size_t center);

  Ring<Node> nodes_;  // 16 bytes (a std::deque would be 80 and a 512-byte block)
  size_t count_ = 0;  // elements in all
  int64_t fill_;
  LpLimit limit_;  // fill_'s, computed once
};

}  // namespace peregrine::store
