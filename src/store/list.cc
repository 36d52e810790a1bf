#include "store/list.h"

#include <lzf.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

namespace peregrine::store {
namespace {

// A node under a positive (entry count) fill never passes this many bytes
// unless it holds a single element.
constexpr size_t kCountFillSafetyBytes = 8192;

// The header of a node's packed block (count and byte size, 4 bytes each).
constexpr size_t kBlockHeaderBytes = 8;

// Compression, with Redis's quicklist thresholds: nodes whose entries take
// fewer bytes are not compressed, and a compressed form must be at least
// this many bytes smaller than the raw one to be kept.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

// Bytes a value takes in a PackedList: its varint length header and itself.
size_t entry_bytes(std::string_view v) {
  size_t n = 1;
  for (size_t len = v.size(); len >= 0x80; len >>= 7) ++n;
  return n + v.size();
}

// The node's entries without those at [from, from + count).
PackedList without_range(const PackedList& node, size_t from, size_t count) {
  PackedList out;
  size_t i = 0;
  for (size_t off = node.begin(); off < node.end(); off = node.next(off), ++i) {
    if (i < from || i >= from + count) out.push_back(node.at(off));
  }
  return out;
}

void append_all(PackedList& to, const PackedList& from) {
  for (size_t off = from.begin(); off < from.end(); off = from.next(off)) to.push_back(from.at(off));
}

}  // namespace

std::vector<size_t> packed_offsets(const PackedList& p) {
  std::vector<size_t> offs;
  offs.reserve(p.size());
  for (size_t off = p.begin(); off < p.end(); off = p.next(off)) offs.push_back(off);
  return offs;
}

// ---------------------------------------------------------------- Node

const PackedList& ListValue::Node::read(PackedList& scratch) const {
  if (!compressed()) return raw_;
  const auto raw_bytes = static_cast<size_t>(lzf_.aux());
  char* out = scratch.assign_uninitialized(lzf_.count(), raw_bytes);
  const unsigned got = lzf_decompress(lzf_.data(), static_cast<unsigned>(lzf_.bytes()), out,
                                      static_cast<unsigned>(raw_bytes));
  // The bytes were compressed here from raw_bytes bytes: anything else is
  // memory corruption.
  if (got != raw_bytes) std::abort();
  return scratch;
}

PackedList& ListValue::Node::edit() {
  decompress();
  tried_ = false;
  return raw_;
}

void ListValue::Node::assign(PackedList raw) {
  raw_ = std::move(raw);
  lzf_ = PackedBlock<true>();
  tried_ = false;
}

bool ListValue::Node::compress() {
  if (compressed()) return true;
  if (tried_) return false;
  const size_t n = raw_.bytes();
  // lzf works on unsigned int lengths; a node past that stays raw.
  if (n < kMinCompressBytes || n > std::numeric_limits<unsigned>::max()) {
    tried_ = true;
    return false;
  }
  // Redis gives lzf room for as many bytes as the input, and keeps a result
  // only if it saves at least kMinCompressImprove bytes. One byte less room
  // compresses the same nodes: lzf fails (returns 0) once it is within about
  // 4 bytes of the end of its buffer, which a result of at most
  // n - kMinCompressImprove - 1 bytes never comes near. It keeps a full
  // 8 KB node's scratch block (8 header bytes and the room) inside the 8 KB
  // allocator class instead of the next one.
  static_assert(kMinCompressImprove >= 6, "lzf needs slack past a kept result");
  const size_t room = n - 1;
  PackedBlock<true> out;
  char* dst = out.assign_uninitialized(raw_.size(), room);
  const unsigned got =
      lzf_compress(raw_.data(), static_cast<unsigned>(n), dst, static_cast<unsigned>(room));
  if (got == 0 || got + kMinCompressImprove >= n) {
    tried_ = true;
    return false;
  }
  out.splice(got, room, {}, 0);  // down to the compressed size
  out.set_aux(n);
  lzf_ = std::move(out);
  raw_.clear();
  tried_ = false;
  return true;
}

void ListValue::Node::decompress() {
  if (!compressed()) return;
  PackedList raw;
  read(raw);
  raw_ = std::move(raw);
  lzf_ = PackedBlock<true>();
}

// ---------------------------------------------------------------- ListValue

ListValue::ListValue(const ListValue& other)
    : Collection(other),
      nodes_(other.nodes_),
      tail_marks_(other.tail_marks_),
      shape_(other.shape_ ? std::make_unique<ListShape>(*other.shape_) : nullptr),
      size_(other.size_),
      fill_(other.fill_),
      lp_bytes_(other.lp_bytes_),
      depth_(other.depth_),
      tail_marks_valid_(other.tail_marks_valid_),
      kind_(other.kind_) {}

std::unique_ptr<Collection> ListValue::clone() const { return std::make_unique<ListValue>(*this); }

// ---------------------------------------------------------------- Redis's view

void ListValue::prepare_growth(int64_t fill, size_t raw_bytes, size_t count) {
  if (shape_ || !lp_limit(fill).exceeds(size_t{lp_bytes_} + raw_bytes, size_ + count)) return;
  shape_ = std::make_unique<ListShape>(fill);
  shape_->adopt_listpack(lp_bytes_, size_);
}

void ListValue::settle_after_removal(int64_t fill, bool half) {
  if (!shape_) return;
  if (size_ == 0) {
    shape_.reset();
    lp_bytes_ = kListpackEmptyBytes;
    return;
  }
  if (shape_->node_count() != 1 || shape_->node(0).plain) return;
  const ListShape::Node n = shape_->node(0);
  if (!lp_limit(fill).within(n.bytes, size_, half)) return;
  lp_bytes_ = static_cast<uint32_t>(n.bytes);
  shape_.reset();
}

void ListValue::start_as_quicklist(int64_t fill) {
  if (shape_) return;
  shape_ = std::make_unique<ListShape>(fill);
  shape_->adopt_listpack(lp_bytes_, size_);
}

void ListValue::shape_add(bool front, std::string_view v) {
  if (!shape_) {
    const size_t bytes = lp_entry_bytes(v);
    // A listpack Redis keeps stays within a node limit (64 KB at most) and
    // the elements of one command; a list that no command checked before
    // adding (none does so) could only pass 2 GB by growing unchecked: it
    // is taken for a quicklist then, which keeps the count within 32 bits.
    if (size_t{lp_bytes_} + bytes <= INT32_MAX) {
      lp_bytes_ += static_cast<uint32_t>(bytes);
      return;
    }
    start_as_quicklist(fill_);
  }
  shape_->push(front, v);
}

void ListValue::shape_remove(size_t index, std::string_view v) {
  if (shape_) shape_->erase_at(index, lp_entry_bytes(v));
  else lp_bytes_ -= static_cast<uint32_t>(lp_entry_bytes(v));
}

std::vector<uint32_t> ListValue::entry_sizes(size_t first, size_t n) const {
  std::vector<uint32_t> out;
  if (n == 0) return out;
  out.reserve(n);
  visit(first, false, [&](size_t, std::string_view e) {
    out.push_back(static_cast<uint32_t>(lp_entry_bytes(e)));
    return out.size() < n;
  });
  return out;
}

size_t ListValue::memory_usage() const {
  size_t bytes = sizeof(ListValue) + (shape_ ? shape_->memory_usage() : 0);
  for (const Node& n : nodes_) bytes += sizeof(Node) + n.stored_bytes();
  return bytes;
}

size_t ListValue::compressed_node_count() const {
  size_t count = 0;
  for (const Node& n : nodes_) count += n.compressed() ? 1 : 0;
  return count;
}

bool ListValue::fits(size_t count, size_t bytes, bool half) const {
  if (count <= 1 && !half) return true;
  // Sizes are measured as a listpack of these entries would take (a 7-byte
  // header and terminator plus a back-length byte per entry on top of our
  // own bytes): whether the list is one packed block, and when it stops
  // being one, then switches where Redis's does, and with compression on,
  // nodes hold the entries Redis's would, so the same nodes compress.
  // Without compression a node of a chain is measured as the block it is
  // (its header and entries), so that at the byte limits it fills its
  // allocator class (8 KB of entries, not the ~7.7 KB that Redis's
  // per-entry byte leaves at 16-byte values: 5% less memory for long lists).
  const bool chain_node = kind_ == Kind::kNodes && !half && depth_ == 0;
  size_t est = chain_node ? bytes + kBlockHeaderBytes : bytes + count + 7;
  size_t max_count = std::numeric_limits<size_t>::max();
  size_t max_bytes;
  if (fill_ >= 0) {
    max_count = fill_ == 0 ? 1 : static_cast<size_t>(fill_);
    max_bytes = kCountFillSafetyBytes;
  } else {
    int level = fill_ < -5 ? 5 : static_cast<int>(-fill_);
    max_bytes = size_t{4096} << (level - 1);
  }
  if (half) {
    max_count /= 2;
    max_bytes /= 2;
  }
  return count <= max_count && est <= max_bytes;
}

bool ListValue::check_invariants() const {
  size_t total = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (n.empty()) return false;
    if (kind_ == Kind::kNodes && !node_fits(n)) return false;
    if (interior(i)) {
      // Raw only when compressing does not pay, which trying again shows.
      if (!n.compressed()) {
        PackedList scratch;
        Node fresh(n.read(scratch));  // the same entries, not tried yet
        if (!n.tried() || fresh.compress()) return false;
      }
    } else if (n.compressed()) {
      return false;
    }
    total += n.size();
  }
  if (kind_ == Kind::kPacked && nodes_.size() > 1) return false;
  // Redis's view agrees with the elements: as many, taking as many bytes
  // (a plain node the element's length, a packed one its entries').
  const std::vector<uint32_t> sizes = entry_sizes(0, size_);
  size_t entries = 0;
  for (uint32_t b : sizes) entries += b;
  if (shape_) {
    size_t index = 0;
    for (size_t i = 0; i < shape_->node_count(); ++i) {
      const ListShape::Node& n = shape_->node(i);
      if (n.count == 0 || (n.plain && n.count != 1) || index + n.count > size_) return false;
      size_t want = kListpackEmptyBytes;
      for (size_t k = index; k < index + n.count; ++k) want += sizes[k];
      if (n.plain) want = at(index).size();
      if (n.bytes != want) return false;
      index += n.count;
    }
    if (index != size_) return false;
  } else if (lp_bytes_ != kListpackEmptyBytes + entries) {
    return false;
  }
  return total == size_;
}

void ListValue::set_compress_depth(size_t depth) {
  if (depth == depth_) return;
  // Turning compression on or off changes how chain nodes are measured
  // (see fits): the nodes are cut again to the new measure.
  const bool remeasure = kind_ == Kind::kNodes && (depth_ == 0) != (clamp_depth(depth) == 0);
  depth_ = clamp_depth(depth);
  if (remeasure) relayout();
  settle_all();
}

template <typename Out>
void ListValue::cut_into(Out& out, PackedList& cur, const PackedList& src) const {
  for (size_t off = src.begin(); off < src.end(); off = src.next(off)) {
    std::string_view e = src.at(off);
    if (!cur.empty() && !fits(cur.size() + 1, cur.bytes() + entry_bytes(e))) {
      out.push_back(Node(std::move(cur)));
      cur = PackedList();
    }
    cur.push_back(e);
  }
}

void ListValue::relayout() {
  drop_tail_marks();
  Ring<Node> out;
  PackedList cur;
  PackedList scratch;
  for (Node& n : nodes_) {
    cut_into(out, cur, n.read(scratch));
    n = Node();  // free the old node's bytes as the new ones are made
  }
  if (!cur.empty()) out.push_back(Node(std::move(cur)));
  nodes_ = std::move(out);
}

void ListValue::settle(size_t i) {
  Node& n = nodes_[i];
  if (interior(i)) {
    n.compress();
  } else {
    n.decompress();
  }
}

void ListValue::settle_after(size_t lo, size_t hi, size_t moved) {
  // Without a depth every node is raw, and stays so.
  if (depth_ == 0 || nodes_.empty()) return;
  const auto count = static_cast<ptrdiff_t>(nodes_.size());
  auto settle_span = [&](ptrdiff_t from, ptrdiff_t to) {  // [from, to], clipped
    for (ptrdiff_t i = std::max<ptrdiff_t>(from, 0); i <= to && i < count; ++i)
      settle(static_cast<size_t>(i));
  };
  settle_span(static_cast<ptrdiff_t>(lo), static_cast<ptrdiff_t>(hi));
  // A node whose distance to an end changed by up to `moved` crossed the
  // depth only if it now lies within moved of index depth_ (head end) or
  // of index count - 1 - depth_ (tail end). One more on each side covers
  // the node an end push or pop moved without adding or removing a node
  // elsewhere.
  const auto reach = static_cast<ptrdiff_t>(moved) + 1;
  const auto head = static_cast<ptrdiff_t>(depth_);
  const ptrdiff_t tail = count - 1 - head;
  settle_span(head - reach, head + reach);
  settle_span(tail - reach, tail + reach);
}

void ListValue::settle_all() {
  for (size_t i = 0; i < nodes_.size(); ++i) settle(i);
}

ListValue::Pos ListValue::locate(size_t index) const {
  if (index < size_ / 2) {
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (index < nodes_[n].size()) return {n, index};
      index -= nodes_[n].size();
    }
  } else {
    size_t from_tail = size_ - 1 - index;
    for (size_t n = nodes_.size(); n-- > 0;) {
      size_t sz = nodes_[n].size();
      if (from_tail < sz) return {n, sz - 1 - from_tail};
      from_tail -= sz;
    }
  }
  return {nodes_.size(), 0};  // unreachable for a valid index
}

size_t ListValue::split_node(size_t i) {
  drop_tail_marks();
  PackedList src = std::move(nodes_[i].edit());
  std::vector<Node> parts;
  PackedList cur;
  cut_into(parts, cur, src);
  if (!cur.empty()) parts.emplace_back(std::move(cur));
  nodes_.erase(i);
  nodes_.insert(i, parts.begin(), parts.end());
  return parts.size();
}

void ListValue::merge_around(size_t i) {
  if (kind_ != Kind::kNodes) return;
  drop_tail_marks();
  auto try_merge = [this](size_t a) {  // a with a + 1
    if (a + 1 >= nodes_.size()) return false;
    Node& x = nodes_[a];
    Node& y = nodes_[a + 1];
    if (!fits(x.size() + y.size(), x.bytes() + y.bytes())) return false;
    PackedList scratch;
    append_all(x.edit(), y.read(scratch));
    nodes_.erase(a + 1);
    return true;
  };
  if (i >= nodes_.size()) return;
  try_merge(i);
  if (i > 0) try_merge(i - 1);
}

void ListValue::compact() {
  drop_tail_marks();
  Ring<Node> out;
  PackedList scratch;
  for (Node& n : nodes_) {
    if (n.empty()) continue;
    if (!out.empty() && kind_ == Kind::kNodes &&
        fits(out.back().size() + n.size(), out.back().bytes() + n.bytes())) {
      append_all(out.back().edit(), n.read(scratch));
    } else {
      out.push_back(std::move(n));
    }
  }
  nodes_ = std::move(out);
}

void ListValue::after_growth(size_t i) {
  if (i >= nodes_.size()) return;
  if (node_fits(nodes_[i])) return settle_after(i, i, 0);
  kind_ = Kind::kNodes;
  size_t parts = split_node(i);
  settle_after(i, i + parts - 1, parts - 1);
}

void ListValue::after_shrink() {
  if (kind_ != Kind::kNodes) return;
  if (nodes_.empty() || (nodes_.size() == 1 && fits(nodes_[0].size(), nodes_[0].bytes(), true)))
    kind_ = Kind::kPacked;
}

void ListValue::push_front(std::string_view v) {
  shape_add(true, v);
  raw_push_front(v);
}

void ListValue::push_back(std::string_view v) {
  shape_add(false, v);
  raw_push_back(v);
}

void ListValue::raw_push_front(std::string_view v) {
  if (nodes_.empty()) {
    nodes_.emplace_back();
  } else if (kind_ == Kind::kNodes) {
    const Node& h = nodes_.front();
    if (!fits(h.size() + 1, h.bytes() + entry_bytes(v))) nodes_.emplace_front();
  }
  if (nodes_.size() == 1) drop_tail_marks();  // the head node is the tail node
  nodes_.front().edit().push_front(v);
  ++size_;
  after_growth(0);
}

void ListValue::raw_push_back(std::string_view v) {
  bool new_node = nodes_.empty();
  if (!new_node && kind_ == Kind::kNodes) {
    const Node& t = nodes_.back();
    new_node = !fits(t.size() + 1, t.bytes() + entry_bytes(v));
  }
  if (new_node) {
    nodes_.emplace_back();
    drop_tail_marks();
  }
  PackedList& t = nodes_.back().edit();
  size_t off = t.end();
  t.push_back(v);
  if (tail_marks_valid_ && (t.size() - 1) % kMarkStride == 0) tail_marks_.push_back(off);
  ++size_;
  after_growth(nodes_.size() - 1);
}

std::string ListValue::pop_front() {
  if (nodes_.size() == 1) drop_tail_marks();
  PackedList& h = nodes_.front().edit();
  std::string out(h.at(h.begin()));
  shape_remove(0, out);
  h.erase(h.begin());
  --size_;
  bool gone = h.empty();
  if (gone) nodes_.pop_front();
  after_shrink();
  if (gone) settle_after(0, 0, 1);
  return out;
}

size_t ListValue::tail_last_offset() {
  PackedList& t = nodes_.back().edit();
  size_t last = t.size() - 1;
  if (!tail_marks_valid_ && t.size() > 2 * kMarkStride) {
    tail_marks_.clear();
    size_t i = 0;
    for (size_t off = t.begin(); off < t.end(); off = t.next(off), ++i)
      if (i % kMarkStride == 0) tail_marks_.push_back(off);
    tail_marks_valid_ = true;
  }
  size_t i = 0, off = t.begin();
  if (tail_marks_valid_) {
    i = last / kMarkStride * kMarkStride;
    off = tail_marks_[last / kMarkStride];
  }
  for (; i < last; ++i) off = t.next(off);
  return off;
}

std::string ListValue::pop_back() {
  PackedList& t = nodes_.back().edit();
  size_t last = t.size() - 1;
  size_t off = tail_last_offset();
  std::string out(t.at(off));
  shape_remove(size_ - 1, out);
  t.erase(off);
  --size_;
  if (tail_marks_valid_ && last % kMarkStride == 0) tail_marks_.pop_back();
  bool gone = t.empty();
  if (gone) {
    nodes_.pop_back();
    drop_tail_marks();
  }
  after_shrink();
  if (gone && !nodes_.empty()) settle_after(nodes_.size() - 1, nodes_.size() - 1, 1);
  return out;
}

std::string ListValue::at(size_t index) const {
  Pos p = locate(index);
  PackedList scratch;
  const PackedList& n = nodes_[p.node].read(scratch);
  return std::string(n.at(n.offset_of(p.within)));
}

void ListValue::set(size_t index, std::string_view v) {
  const std::string old = at(index);
  if (shape_) {
    shape_->replace(index, old, v, [this](size_t first, size_t n) { return entry_sizes(first, n); });
  } else {
    lp_bytes_ = static_cast<uint32_t>(lp_bytes_ - lp_entry_bytes(old) + lp_entry_bytes(v));
  }
  drop_tail_marks();
  Pos p = locate(index);
  PackedList& n = nodes_[p.node].edit();
  n.replace(n.offset_of(p.within), v);
  after_growth(p.node);
}

void ListValue::insert(size_t index, std::string_view v) {
  if (index >= size_) return push_back(v);
  insert_next_to(index, false, v);
}

void ListValue::insert_next_to(size_t pivot, bool after, std::string_view v) {
  if (shape_) {
    shape_->insert(pivot, after, v, [this](size_t first, size_t n) { return entry_sizes(first, n); });
  } else {
    lp_bytes_ += static_cast<uint32_t>(lp_entry_bytes(v));
  }
  const size_t index = pivot + (after ? 1 : 0);
  if (index >= size_) return raw_push_back(v);
  if (index == 0) return raw_push_front(v);
  drop_tail_marks();
  Pos p = locate(index);
  PackedList& n = nodes_[p.node].edit();
  n.insert(n.offset_of(p.within), v);
  ++size_;
  after_growth(p.node);
}

void ListValue::erase(size_t index, size_t count) {
  if (index >= size_) return;
  count = std::min(count, size_ - index);
  if (count == 0) return;
  const std::vector<uint32_t> sizes = entry_sizes(index, count);
  if (shape_) {
    shape_->erase_range(index, sizes);
  } else {
    for (uint32_t b : sizes) lp_bytes_ -= b;
  }
  drop_tail_marks();
  const size_t nodes_before = nodes_.size();
  Pos p = locate(index);
  size_t n = p.node;
  size_t left = count;
  // A first node that loses only some of its entries.
  if (p.within > 0 || left < nodes_[n].size()) {
    size_t take = std::min(left, nodes_[n].size() - p.within);
    PackedList& first = nodes_[n].edit();
    if (take == 1) {
      first.erase(first.offset_of(p.within));
    } else {
      first = without_range(first, p.within, take);
    }
    left -= take;
    ++n;
  }
  // Whole nodes.
  size_t k = n;
  while (k < nodes_.size() && left >= nodes_[k].size() && left > 0) {
    left -= nodes_[k].size();
    ++k;
  }
  nodes_.erase(n, k - n);
  // A last node that loses its first entries.
  if (left > 0) {
    PackedList scratch;
    nodes_[n].assign(without_range(nodes_[n].read(scratch), 0, left));
  }
  size_ -= count;
  // No node is left empty; merge the nodes on either side of the cut.
  size_t cut = std::min(p.node, nodes_.empty() ? 0 : nodes_.size() - 1);
  merge_around(cut);
  after_shrink();
  // The nodes changed are the ones either side of the cut.
  settle_after(cut > 0 ? cut - 1 : 0, cut + 1, nodes_before - nodes_.size());
}

size_t ListValue::remove(std::string_view v, int64_t count) {
  // How many to remove at most (|count|, or all).
  uint64_t limit = count == 0 ? std::numeric_limits<uint64_t>::max()
                   : count > 0 ? static_cast<uint64_t>(count)
                               : 0 - static_cast<uint64_t>(count);
  uint64_t removed = 0;
  PackedList scratch;
  // Node n without the entries marked in drop.
  auto rebuild = [this](size_t n, const PackedList& node, const std::vector<bool>& drop) {
    PackedList out;
    size_t i = 0;
    for (size_t off = node.begin(); off < node.end(); off = node.next(off), ++i)
      if (!drop[i]) out.push_back(node.at(off));
    nodes_[n].assign(std::move(out));
  };
  // Where each node starts, and the indices removed (for Redis's view).
  std::vector<size_t> starts, gone;
  if (shape_) {
    starts.reserve(nodes_.size());
    size_t first = 0;
    for (const Node& n : nodes_) {
      starts.push_back(first);
      first += n.size();
    }
  }
  if (count >= 0) {
    for (size_t n = 0; n < nodes_.size() && removed < limit; ++n) {
      const PackedList& node = nodes_[n].read(scratch);
      if (node.find(v) == node.end()) continue;
      std::vector<bool> drop(node.size(), false);
      size_t i = 0;
      for (size_t off = node.begin(); off < node.end() && removed < limit; off = node.next(off), ++i) {
        if (node.at(off) == v) {
          drop[i] = true;
          ++removed;
          if (shape_) gone.push_back(starts[n] + i);
        }
      }
      rebuild(n, node, drop);
    }
  } else {
    for (size_t n = nodes_.size(); n-- > 0 && removed < limit;) {
      const PackedList& node = nodes_[n].read(scratch);
      if (node.find(v) == node.end()) continue;
      std::vector<size_t> offs = packed_offsets(node);
      std::vector<bool> drop(node.size(), false);
      for (size_t i = offs.size(); i-- > 0 && removed < limit;) {
        if (node.at(offs[i]) == v) {
          drop[i] = true;
          ++removed;
          if (shape_) gone.push_back(starts[n] + i);
        }
      }
      rebuild(n, node, drop);
    }
  }
  if (removed > 0) {
    const size_t bytes = lp_entry_bytes(v);
    if (shape_) {
      std::sort(gone.begin(), gone.end());
      for (size_t k = gone.size(); k-- > 0;) shape_->erase_at(gone[k], bytes);
    } else {
      lp_bytes_ -= static_cast<uint32_t>(bytes * removed);
    }
    drop_tail_marks();
    size_ -= removed;
    compact();
    after_shrink();
    settle_all();
  }
  return removed;
}

std::vector<std::string> ListValue::range(size_t start, size_t stop) const {
  std::vector<std::string> out;
  if (start > stop || stop >= size_) return out;
  out.reserve(stop - start + 1);
  visit(start, false, [&](size_t i, std::string_view e) {
    out.emplace_back(e);
    return i < stop;
  });
  return out;
}

}  // namespace peregrine::store

namespace peregrine::store {
// A small list is this object in an 80-byte allocator class (list.h).
static_assert(sizeof(ListValue) <= 80);
}  // namespace peregrine::store
