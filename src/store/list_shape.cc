#include "store/list_shape.h"

#include <algorithm>
#include <limits>

#include "store/set.h"  // parse_set_integer: the same canonical int64 as intsets

namespace peregrine::store {
namespace {

// What a push estimates an entry's overhead at (on top of its length).
constexpr size_t kSizeEstimateOverhead = 8;

// The byte limit a negative fill sets: 4, 8, 16, 32 or 64 KB.
size_t byte_limit(int64_t fill) {
  const int64_t level = std::min<int64_t>(-fill, 5);
  return size_t{4096} << (level - 1);
}

// The bytes of the back length that follows an entry of l bytes.
size_t backlen_bytes(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

}  // namespace

bool lp_stores_as_integer(std::string_view e) {
  int64_t v = 0;
  return parse_set_integer(e, &v);
}

size_t lp_entry_bytes(std::string_view e) {
  int64_t v = 0;
  size_t l;
  // Most elements are text: a first byte that no integer starts with
  // settles it without parsing.
  const bool maybe_int = !e.empty() && e.size() <= 20 && ((e[0] >= '0' && e[0] <= '9') || e[0] == '-');
  if (maybe_int && parse_set_integer(e, &v)) {
    if (v >= 0 && v <= 127) l = 1;
    else if (v >= -4096 && v <= 4095) l = 2;
    else if (v >= -32768 && v <= 32767) l = 3;
    else if (v >= -8388608 && v <= 8388607) l = 4;
    else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) l = 5;
    else l = 9;
  } else if (e.size() < 64) {
    l = 1 + e.size();
  } else if (e.size() < 4096) {
    l = 2 + e.size();
  } else {
    l = 5 + e.size();
  }
  return l + backlen_bytes(l);
}

LpLimit lp_limit(int64_t fill) {
  constexpr size_t kUintMax = std::numeric_limits<uint32_t>::max();
  if (fill < 0) return {byte_limit(fill), kUintMax};
  return {SIZE_MAX, fill == 0 ? 1 : static_cast<size_t>(std::min<int64_t>(fill, kUintMax))};
}

// ---------------------------------------------------------------- ListShape

void ListShape::adopt_listpack(uint64_t bytes, size_t count) {
  nodes_.clear();
  count_ = count;
  if (count > 0) nodes_.emplace_back(Node{bytes, static_cast<uint32_t>(count), false});
}

ListShape::Pos ListShape::locate(size_t index) const {
  if (index < count_ / 2) {
    size_t first = 0;
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (index < first + nodes_[n].count) return {n, index - first, first};
      first += nodes_[n].count;
    }
  } else {
    size_t end = count_;
    for (size_t n = nodes_.size(); n-- > 0;) {
      const size_t first = end - nodes_[n].count;
      if (index >= first) return {n, index - first, first};
      end = first;
    }
  }
  return {nodes_.size(), 0, count_};  // unreachable for a valid index
}

ListShape::ListShape(int64_t fill) : fill_(fill), limit_(lp_limit(fill)) {}



bool ListShape::allow_insert(size_t i, size_t len) const {
  if (i >= nodes_.size() || nodes_[i].plain || limit_.large(len)) return false;
  const Node& n = nodes_[i];
  return !limit_.exceeds(n.bytes + len + kSizeEstimateOverhead, size_t{n.count} + 1);
}

bool ListShape::allow_merge(size_t a, size_t b) const {
  if (a >= nodes_.size() || b >= nodes_.size() || nodes_[a].plain || nodes_[b].plain) return false;
  // Redis estimates the merged size in an unsigned int.
  const auto merged = static_cast<uint32_t>(nodes_[a].bytes + nodes_[b].bytes - kListpackEmptyBytes);
  return !limit_.exceeds(merged, size_t{nodes_[a].count} + nodes_[b].count);
}

void ListShape::merge(size_t a) {
  nodes_[a].bytes += nodes_[a + 1].bytes - kListpackEmptyBytes;
  nodes_[a].count += nodes_[a + 1].count;
  nodes_.erase(a + 1);
}

void ListShape::merge_around(size_t center) {
  // prev_prev with prev, then next with next_next, then center with
  // whatever precedes it now, then the result with what follows it.
  if (center >= 2 && allow_merge(center - 1, center - 2)) {
    merge(center - 2);
    --center;
  }
  if (allow_merge(center + 1, center + 2)) merge(center + 1);
  size_t target = center;
  if (center >= 1 && allow_merge(center, center - 1)) {
    merge(center - 1);
    target = center - 1;
  }
  if (allow_merge(target, target + 1)) merge(target);
}

void ListShape::insert_node(size_t at, std::string_view e) {
  const Node n = limit_.large(e.size()) ? Node{e.size(), 1, true}
                                 : Node{kListpackEmptyBytes + lp_entry_bytes(e), 1, false};
  insert_at(at, n);
}

void ListShape::insert_at(size_t at, const Node& n) { nodes_.insert(at, &n, &n + 1); }

ListShape::Node ListShape::split(size_t i, size_t first, size_t cut, bool keep_low,
                                 const EntrySizes& sizes) {
  const std::vector<uint32_t> s = sizes(first, nodes_[i].count);
  uint64_t low = kListpackEmptyBytes, high = kListpackEmptyBytes;
  for (size_t j = 0; j < s.size(); ++j) (j < cut ? low : high) += s[j];
  const Node low_part{low, static_cast<uint32_t>(cut), false};
  const Node high_part{high, static_cast<uint32_t>(s.size() - cut), false};
  nodes_[i] = keep_low ? low_part : high_part;
  return keep_low ? high_part : low_part;
}

void ListShape::push(bool front, std::string_view e) {
  const size_t len = e.size();
  ++count_;
  if (!nodes_.empty() && !limit_.large(len)) {
    Node& n = front ? nodes_.front() : nodes_.back();
    if (!n.plain && !limit_.exceeds(n.bytes + len + kSizeEstimateOverhead, size_t{n.count} + 1)) {
      n.bytes += lp_entry_bytes(e);
      ++n.count;
      return;
    }
  }
  insert_node(front ? 0 : nodes_.size(), e);
}

void ListShape::erase_at(size_t index, size_t entry_bytes) {
  const Pos p = locate(index);
  Node& n = nodes_[p.node];
  n.bytes -= entry_bytes;
  --count_;
  if (--n.count == 0) nodes_.erase(p.node);
}

void ListShape::erase_range(size_t index, std::span<const uint32_t> entry_bytes) {
  if (entry_bytes.empty()) return;
  Pos p = locate(index);
  size_t node = p.node, offset = p.offset, k = 0;
  while (k < entry_bytes.size()) {
    Node& n = nodes_[node];
    const size_t take = std::min<size_t>(n.count - offset, entry_bytes.size() - k);
    for (size_t j = 0; j < take; ++j) n.bytes -= entry_bytes[k + j];
    k += take;
    n.count -= static_cast<uint32_t>(take);
    count_ -= take;
    if (n.count == 0) {
      nodes_.erase(node);
    } else {
      ++node;
    }
    offset = 0;
  }
}

void ListShape::replace(size_t index, std::string_view old, std::string_view e,
                        const EntrySizes& sizes) {
  const Pos p = locate(index);
  const size_t i = p.node;
  if (!nodes_[i].plain && !limit_.large(e.size())) {  // in place
    nodes_[i].bytes = nodes_[i].bytes - lp_entry_bytes(old) + lp_entry_bytes(e);
    return;
  }
  if (nodes_[i].plain) {
    if (limit_.large(e.size())) {
      nodes_[i].bytes = e.size();
      return;
    }
    // Inserted after the plain node's element, which then goes.
    insert(index, /*after=*/true, e, sizes);
    erase_at(index, 0);
    return;
  }
  // A large element into a packed node: the node is cut after the element
  // (unless it is the last), the element gets a plain node between the
  // parts, the old element (now the first part's last) goes, and the nodes
  // around the plain one merge where they fit.
  size_t at = i + 1;
  if (p.offset + 1 != nodes_[i].count) {
    const Node rest = split(i, p.first, p.offset + 1, /*keep_low=*/true, sizes);
    insert_at(i + 1, rest);
  }
  insert_node(at, e);
  if (nodes_[i].count == 1) {
    nodes_.erase(i);
    at = i;
  } else {
    nodes_[i].bytes -= lp_entry_bytes(old);
    --nodes_[i].count;
    merge_around(at);
  }
}

void ListShape::insert(size_t pivot, bool after, std::string_view e, const EntrySizes& sizes) {
  const size_t bytes = lp_entry_bytes(e);
  const size_t len = e.size();
  const Pos p = locate(pivot);
  const size_t i = p.node;
  const bool full = !allow_insert(i, len);
  const bool at_tail = after && p.offset + 1 == nodes_[i].count;
  const bool at_head = !after && p.offset == 0;
  const bool next_room = at_tail && allow_insert(i + 1, len);
  const bool prev_room = at_head && i > 0 && allow_insert(i - 1, len);
  ++count_;
  if (limit_.large(len)) {
    // A plain node next to the pivot's node when the pivot is at its
    // edge (or plain), else between the two parts of its node.
    if (nodes_[i].plain || at_tail || at_head) return insert_node(after ? i + 1 : i, e);
    const Node other = split(i, p.first, after ? p.offset + 1 : p.offset, /*keep_low=*/after, sizes);
    if (after) {
      insert_node(i + 1, e);
      insert_at(i + 2, other);
    } else {
      insert_node(i, e);
      insert_at(i, other);
    }
    return;
  }
  if (!full) {
    nodes_[i].bytes += bytes;
    ++nodes_[i].count;
  } else if (at_tail && next_room) {  // the head of the next node
    nodes_[i + 1].bytes += bytes;
    ++nodes_[i + 1].count;
  } else if (at_head && prev_room) {  // the tail of the previous node
    nodes_[i - 1].bytes += bytes;
    ++nodes_[i - 1].count;
  } else if (at_tail || at_head) {  // a node of its own next to this one
    insert_node(after ? i + 1 : i, e);
  } else {
    // Split the node at the pivot: after, it keeps [0, offset] and a new
    // node after it takes the element and the rest; before, it keeps
    // [offset, end) and a new node before it takes the rest and the
    // element. Then neighbours merge where they fit.
    Node other = split(i, p.first, after ? p.offset + 1 : p.offset, /*keep_low=*/after, sizes);
    other.bytes += bytes;
    ++other.count;
    insert_at(after ? i + 1 : i, other);
    merge_around(after ? i : i + 1);
  }
}

}  // namespace peregrine::store
