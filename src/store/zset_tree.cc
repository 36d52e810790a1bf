// ZTree, ZMemberIndex and ZElem; see zset_tree.h for the layout.
#include "store/zset_tree.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>
#include <utility>

namespace peregrine::store {

// ---------------------------------------------------------------- ZElem

ZElem* ZElem::make(std::string_view member, double score) {
  void* mem = ::operator new(bytes_for(member.size()));
  ZElem* e = new (mem) ZElem(score);
  unsigned char* t = e->tail();
  if (member.size() < kLongLength) {
    t[0] = static_cast<unsigned char>(member.size());
    ++t;
  } else {
    t[0] = kLongLength;
    const uint64_t len = member.size();
    std::memcpy(t + 1, &len, sizeof(len));
    t += 1 + sizeof(len);
  }
  if (!member.empty()) std::memcpy(t, member.data(), member.size());
  return e;
}

void ZElem::destroy(ZElem* e) noexcept { ::operator delete(static_cast<void*>(e)); }

// ---------------------------------------------------------------- index

ZMemberIndex::~ZMemberIndex() {
  free_table(cur_);
  free_table(old_);
}

ZMemberIndex::Table ZMemberIndex::alloc_table(size_t cap) {
  Table t;
  t.meta = static_cast<uint16_t*>(std::calloc(cap, sizeof(uint16_t)));
  t.slots = static_cast<ZElem**>(std::malloc(cap * sizeof(ZElem*)));
  if (t.meta == nullptr || t.slots == nullptr) {
    std::free(t.meta);
    std::free(t.slots);
    throw std::bad_alloc();
  }
  t.mask = cap - 1;
  return t;
}

void ZMemberIndex::free_table(Table& t) noexcept {
  std::free(t.meta);
  std::free(t.slots);
  t = Table{};
}

uint64_t ZMemberIndex::find_pos(const Table& t, std::string_view m, uint64_t h) {
  uint64_t pos = h & t.mask;
  uint32_t want = meta_for(h);
  for (unsigned d = 1; d <= kMaxDist1; ++d, ++want, pos = (pos + 1) & t.mask) {
    const uint16_t meta = t.meta[pos];
    if (meta == want && t.slots[pos]->member() == m) return pos;
    if ((meta & 0xffu) < d) break;
  }
  return ~uint64_t{0};
}

uint64_t ZMemberIndex::find_ptr(const Table& t, const ZElem* e, uint64_t h) {
  uint64_t pos = h & t.mask;
  uint32_t want = meta_for(h);
  for (unsigned d = 1; d <= kMaxDist1; ++d, ++want, pos = (pos + 1) & t.mask) {
    const uint16_t meta = t.meta[pos];
    if (meta == want && t.slots[pos] == e) return pos;
    if ((meta & 0xffu) < d) break;
  }
  return ~uint64_t{0};
}

ZElem* ZMemberIndex::find(std::string_view m, uint64_t h) const {
  if (cur_.used != 0) {
    const uint64_t pos = find_pos(cur_, m, h);
    if (pos != ~uint64_t{0}) return cur_.slots[pos];
  }
  if (old_.used != 0 && (h & old_.mask) >= drain_) {
    const uint64_t pos = find_pos(old_, m, h);
    if (pos != ~uint64_t{0}) return old_.slots[pos];
  }
  return nullptr;
}

ZElem* ZMemberIndex::place(Table& t, ZElem* e, uint64_t h) {
  uint64_t pos = h & t.mask;
  uint16_t meta = meta_for(h);
  for (;;) {
    const uint16_t here = t.meta[pos];
    if (here == 0) {
      t.meta[pos] = meta;
      t.slots[pos] = e;
      ++t.used;
      return nullptr;
    }
    if ((here & 0xffu) < (meta & 0xffu)) {  // the richer one moves on
      std::swap(t.meta[pos], meta);
      std::swap(t.slots[pos], e);
    }
    if ((meta & 0xffu) == kMaxDist1) return e;
    ++meta;
    pos = (pos + 1) & t.mask;
  }
}

void ZMemberIndex::remove_at(Table& t, uint64_t pos) {
  uint64_t next = (pos + 1) & t.mask;
  while ((t.meta[next] & 0xffu) > 1) {  // occupied and away from home: shift back
    t.meta[pos] = static_cast<uint16_t>(t.meta[next] - 1);
    t.slots[pos] = t.slots[next];
    pos = next;
    next = (next + 1) & t.mask;
  }
  t.meta[pos] = 0;
  --t.used;
}

void ZMemberIndex::place_or_rebuild(ZElem* e, uint64_t h) {
  if (ZElem* left = place(cur_, e, h)) {
    rebuild(2 * std::max(cur_.capacity(), old_.capacity()), left);
  }
}

void ZMemberIndex::rebuild(size_t cap, ZElem* extra) {
  std::vector<ZElem*> all;
  all.reserve(size() + 1);
  for (const Table* t : {&cur_, &old_}) {
    for (size_t i = 0; i < t->capacity(); ++i) {
      if (t->meta[i] != 0) all.push_back(t->slots[i]);
    }
  }
  if (extra != nullptr) all.push_back(extra);
  free_table(cur_);
  free_table(old_);
  drain_ = 0;
  for (;; cap *= 2) {
    cur_ = alloc_table(cap);
    bool placed = true;
    for (ZElem* e : all) {
      if (place(cur_, e, hash(e->member())) != nullptr) {
        placed = false;
        break;
      }
    }
    if (placed) return;
    free_table(cur_);
  }
}

void ZMemberIndex::start_resize(size_t cap) {
  old_ = cur_;
  drain_ = 0;
  try {
    cur_ = alloc_table(cap);
  } catch (...) {
    cur_ = old_;
    old_ = Table{};
    throw;
  }
}

void ZMemberIndex::drain_home(uint64_t home, bool* moved) {
  uint64_t pos = home;
  for (unsigned d = 1; d <= kMaxDist1;) {
    const unsigned dist1 = old_.meta[pos] & 0xffu;
    if (dist1 < d) return;
    if (dist1 > d) {  // an earlier home's element
      ++d;
      pos = (pos + 1) & old_.mask;
      continue;
    }
    // Ours: the removal shifts the next one into pos, one step closer.
    ZElem* e = old_.slots[pos];
    remove_at(old_, pos);
    *moved = true;
    place_or_rebuild(e, hash(e->member()));
    if (!rehashing()) return;  // rebuilt: nothing left to drain
  }
}

void ZMemberIndex::drain_step(size_t homes, size_t visits) {
  size_t moved_homes = 0;
  for (size_t v = 0; rehashing() && moved_homes < homes && v < visits; ++v) {
    if (old_.used == 0 || drain_ > old_.mask) {
      free_table(old_);
      drain_ = 0;
      return;
    }
    bool moved = false;
    drain_home(drain_, &moved);
    if (!rehashing()) return;
    ++drain_;
    moved_homes += moved;
  }
  if (rehashing() && (old_.used == 0 || drain_ > old_.mask)) {
    free_table(old_);
    drain_ = 0;
  }
}

void ZMemberIndex::insert(ZElem* e, uint64_t h) {
  if (rehashing()) {
    drain_step(kDrainHomes, kDrainVisits);
    // Everything ends up in cur_: when it cannot take it all within its
    // load limit (a shrink followed by many adds), finish now, then grow.
    if (rehashing() && size() + 1 > max_load(cur_.capacity())) finish_drain();
  }
  if (!rehashing()) {
    if (cur_.meta == nullptr) {
      cur_ = alloc_table(kMinCapacity);
    } else if (cur_.used + 1 > max_load(cur_.capacity())) {
      start_resize(2 * cur_.capacity());
      drain_step(kDrainHomes, kDrainVisits);
    }
  }
  place_or_rebuild(e, h);
}

void ZMemberIndex::remove(const ZElem* e, uint64_t h) {
  if (rehashing()) drain_step(kDrainHomes, kDrainVisits);
  uint64_t pos = cur_.used ? find_ptr(cur_, e, h) : ~uint64_t{0};
  if (pos != ~uint64_t{0}) {
    remove_at(cur_, pos);
  } else {
    if (!rehashing()) return;  // not ours (a caller bug)
    pos = find_ptr(old_, e, h);
    if (pos == ~uint64_t{0}) return;
    remove_at(old_, pos);
    if (old_.used == 0) {
      free_table(old_);
      drain_ = 0;
    }
  }
  if (!rehashing() && cur_.capacity() > kMinCapacity && cur_.used < cur_.capacity() / 8) {
    start_resize(std::max(kMinCapacity, std::bit_ceil(2 * cur_.used)));
    drain_step(kDrainHomes, kDrainVisits);
  }
}

void ZMemberIndex::reserve(size_t n) {
  if (size() != 0 || rehashing()) return;
  size_t cap = kMinCapacity;
  while (max_load(cap) < n) cap *= 2;
  if (cap <= cur_.capacity()) return;
  Table t = alloc_table(cap);
  free_table(cur_);
  cur_ = t;
}

std::string ZMemberIndex::check() const {
  size_t seen = 0;
  for (const Table* t : {&cur_, &old_}) {
    if (t->meta == nullptr) {
      if (t->used != 0) return "index: used without a table";
      continue;
    }
    const size_t cap = t->capacity();
    if (!std::has_single_bit(cap) || cap < kMinCapacity) return "index: bad capacity";
    size_t used = 0;
    for (uint64_t pos = 0; pos < cap; ++pos) {
      const uint16_t meta = t->meta[pos];
      if (meta == 0) continue;
      ++used;
      const ZElem* e = t->slots[pos];
      const uint64_t h = hash(e->member());
      const uint64_t dist = (pos - (h & t->mask)) & t->mask;
      if (meta != meta_for(h) + dist) return "index: slot metadata does not match the hash";
      if (find_pos(*t, e->member(), h) != pos) return "index: element not found where it is";
      const uint16_t next = t->meta[(pos + 1) & t->mask];
      if (next != 0 && (next & 0xffu) > (meta & 0xffu) + 1) return "index: Robin Hood order";
      if (t == &old_ && (h & t->mask) < drain_) return "index: drained home still in old table";
      if (t == &old_ && find_pos(cur_, e->member(), h) != ~uint64_t{0}) {
        return "index: element in both tables";
      }
    }
    if (used != t->used) return "index: used count";
    seen += used;
    if (t == &cur_ && used > max_load(cap)) return "index: over the load limit";
  }
  if (seen != size()) return "index: size";
  return {};
}

// ---------------------------------------------------------------- tree nodes

ZLeaf* ZTree::new_leaf() {
  auto* l = static_cast<ZLeaf*>(::operator new(sizeof(ZLeaf)));
  l->count = 0;
  l->leaf = true;
  l->prev = l->next = nullptr;
  ++leaves_;
  return l;
}

ZInner* ZTree::new_inner() {
  auto* n = static_cast<ZInner*>(::operator new(sizeof(ZInner)));
  n->count = 0;
  n->leaf = false;
  ++inners_;
  return n;
}

void ZTree::free_node(ZNode* n) noexcept {
  if (n->leaf) {
    --leaves_;
  } else {
    --inners_;
  }
  ::operator delete(static_cast<void*>(n));
}

void ZTree::free_subtree(ZNode* n) noexcept {
  if (n->leaf) {
    auto* l = static_cast<ZLeaf*>(n);
    for (int i = 0; i < l->count; ++i) ZElem::destroy(l->elems[i]);
  } else {
    auto* in = static_cast<ZInner*>(n);
    for (int i = 0; i < in->count; ++i) free_subtree(in->kids[i]);
  }
  free_node(n);
}

static_assert(std::is_trivially_copyable_v<ZLeaf> && std::is_trivially_copyable_v<ZInner>,
              "nodes are raw blocks: created with operator new, moved with memmove");

ZTree::ZTree(uint64_t seed) : index_(seed) { root_ = new_leaf(); }

ZTree::~ZTree() { free_subtree(root_); }

ZNode* ZTree::copy_subtree(const ZNode* n, ZLeaf** last_leaf) {
  // On failure, what this call built is freed (subtrees are linked into
  // their parent as soon as they are whole) and the exception goes on.
  if (n->leaf) {
    const auto* src = static_cast<const ZLeaf*>(n);
    ZLeaf* l = new_leaf();
    try {
      for (int i = 0; i < src->count; ++i) {
        ZElem* e = ZElem::make(src->elems[i]->member(), src->scores[i]);
        l->scores[i] = src->scores[i];
        l->elems[i] = e;
        l->count = static_cast<uint16_t>(i + 1);
        elem_bytes_ += e->alloc_bytes();
        index_.insert(e, index_.hash(e->member()));
      }
    } catch (...) {
      free_subtree(l);
      throw;
    }
    size_ += l->count;
    l->prev = *last_leaf;
    if (*last_leaf != nullptr) (*last_leaf)->next = l;
    *last_leaf = l;
    return l;
  }
  const auto* src = static_cast<const ZInner*>(n);
  ZInner* in = new_inner();
  try {
    for (int i = 0; i < src->count; ++i) {
      in->kids[i] = copy_subtree(src->kids[i], last_leaf);
      in->sizes[i] = src->sizes[i];
      in->count = static_cast<uint16_t>(i + 1);
      refresh_key(in, i);
    }
  } catch (...) {
    free_subtree(in);
    throw;
  }
  return in;
}

ZTree::ZTree(const ZTree& other) : index_(other.seed()) {
  index_.reserve(other.size_);
  ZLeaf* last = nullptr;
  root_ = copy_subtree(other.root_, &last);
}

// ---------------------------------------------------------------- searching

namespace {

// Number of the n scores (ascending) that are below x, or at or below x
// when or_equal. Branch-free: the loop's trip count depends on n only.
template <bool kOrEqual>
int count_scores(const double* a, int n, double x) {
  if (n == 0) return 0;
  const double* base = a;
  while (n > 1) {
    const int half = n / 2;
    base = (kOrEqual ? base[half] <= x : base[half] < x) ? base + half : base;
    n -= half;
  }
  return static_cast<int>(base - a) + (kOrEqual ? *base <= x : *base < x);
}

}  // namespace

template <bool kOrEqual>
int ZTree::count_before(const double* scores, ZElem* const* elems, int from, int n,
                        const Probe& p) {
  // Scores decide, except in the run of scores equal to p's, where members
  // do (a run that is often empty, and the whole node in a ZRANGEBYLEX set).
  int lo = from + count_scores<false>(scores + from, n - from, p.score);
  if (lo == n || scores[lo] != p.score) return lo;
  int hi = lo + count_scores<true>(scores + lo, n - lo, p.score);
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    const bool before = kOrEqual ? !probe_less(p, scores[mid], elems[mid])
                                 : key_less(scores[mid], elems[mid], p);
    if (before) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

int ZTree::leaf_lower_bound(const ZLeaf* l, const Probe& p) {
  return count_before<false>(l->scores, l->elems, 0, l->count, p);
}

int ZTree::inner_child(const ZInner* n, const Probe& p) {
  // The last child whose key is at or below p (child 0 when none is).
  return count_before<true>(n->scores, n->elems, 1, n->count, p) - 1;
}

size_t ZTree::subtree_size(const ZNode* n) {
  if (n->leaf) return n->count;
  const auto* in = static_cast<const ZInner*>(n);
  size_t total = 0;
  for (int i = 0; i < in->count; ++i) total += in->sizes[i];
  return total;
}

void ZTree::refresh_key(ZInner* n, int i) {
  const ZNode* c = n->kids[i];
  if (c->leaf) {
    const auto* l = static_cast<const ZLeaf*>(c);
    n->scores[i] = l->scores[0];
    n->elems[i] = l->elems[0];
  } else {
    const auto* in = static_cast<const ZInner*>(c);
    n->scores[i] = in->scores[0];
    n->elems[i] = in->elems[0];
  }
}

size_t ZTree::rank_of(const ZElem* e) const {
  const Probe p{e->score(), e->member(), e};
  size_t rank = 0;
  const ZNode* n = root_;
  while (!n->leaf) {
    const auto* in = static_cast<const ZInner*>(n);
    const int i = inner_child(in, p);
    for (int j = 0; j < i; ++j) rank += in->sizes[j];
    n = in->kids[i];
  }
  return rank + static_cast<size_t>(leaf_lower_bound(static_cast<const ZLeaf*>(n), p));
}

ZTree::Cursor ZTree::at(size_t rank) const {
  const ZNode* n = root_;
  while (!n->leaf) {
    const auto* in = static_cast<const ZInner*>(n);
    int i = 0;
    while (i + 1 < in->count && rank >= in->sizes[i]) rank -= in->sizes[i++];
    n = in->kids[i];
  }
  return Cursor{static_cast<const ZLeaf*>(n), static_cast<int>(rank)};
}

template <typename Below>
size_t ZTree::count_below(Below below) const {
  size_t count = 0;
  const ZNode* n = root_;
  while (!n->leaf) {
    const auto* in = static_cast<const ZInner*>(n);
    if (!below(in->scores[0], in->elems[0])) return count;
    // The last child whose first element is below: everything before it is.
    int lo = 1;
    int hi = in->count;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (below(in->scores[mid], in->elems[mid])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int j = 0; j < lo - 1; ++j) count += in->sizes[j];
    n = in->kids[lo - 1];
  }
  const auto* l = static_cast<const ZLeaf*>(n);
  int lo = 0;
  int hi = l->count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (below(l->scores[mid], l->elems[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return count + static_cast<size_t>(lo);
}

size_t ZTree::count_below_score(double x, bool inclusive) const {
  return count_below(
      [&](double s, const ZElem*) { return s < x || (inclusive && s == x); });
}

size_t ZTree::count_below_member(std::string_view v, bool inclusive) const {
  return count_below([&](double, const ZElem* e) {
    const std::string_view m = e->member();
    return m < v || (inclusive && m == v);
  });
}

// ---------------------------------------------------------------- inserting

namespace {

// Inserts v at pos into a full array of count entries, splitting it: the
// first left_n of the count + 1 entries stay in left, the rest go to right.
template <typename T>
void split_insert(T* left, T* right, int count, int pos, int left_n, const T& v) {
  if (pos < left_n) {
    std::copy(left + left_n - 1, left + count, right);
    std::copy_backward(left + pos, left + left_n - 1, left + left_n);
    left[pos] = v;
  } else {
    std::copy(left + left_n, left + pos, right);
    right[pos - left_n] = v;
    std::copy(left + pos, left + count, right + (pos - left_n) + 1);
  }
}

template <typename T>
void array_insert(T* a, int count, int pos, const T& v) {
  std::copy_backward(a + pos, a + count, a + count + 1);
  a[pos] = v;
}

template <typename T>
void array_erase(T* a, int count, int pos) {
  std::copy(a + pos + 1, a + count, a + pos);
}

// How many of the cap + 1 entries of a full node that gets one more at pos
// stay on the left. A node at the right (left) edge of the tree that grows
// at its end (start) splits off just the new entry, so that ascending
// (descending) loads leave full nodes behind; anything else splits evenly.
int split_point(int cap, int pos, bool leftmost, bool rightmost) {
  if (rightmost && pos == cap) return cap;
  if (leftmost && pos <= 1) return pos + 1;
  return (cap + 1) / 2;
}

}  // namespace

ZNode* ZTree::insert_into(ZNode* n, const Probe& p, ZElem* e, bool leftmost, bool rightmost) {
  if (n->leaf) {
    auto* l = static_cast<ZLeaf*>(n);
    const int pos = leaf_lower_bound(l, p);
    if (l->count < kZLeafCap) {
      array_insert(l->scores, l->count, pos, p.score);
      array_insert(l->elems, l->count, pos, e);
      ++l->count;
      return nullptr;
    }
    ZLeaf* r = new_leaf();
    // A leaf's pos 0 split (leftmost) keeps only the new entry on the left.
    const int left_n = split_point(kZLeafCap, pos, leftmost && pos == 0, rightmost);
    split_insert(l->scores, r->scores, kZLeafCap, pos, left_n, p.score);
    split_insert(l->elems, r->elems, kZLeafCap, pos, left_n, e);
    l->count = static_cast<uint16_t>(left_n);
    r->count = static_cast<uint16_t>(kZLeafCap + 1 - left_n);
    r->prev = l;
    r->next = l->next;
    if (l->next != nullptr) l->next->prev = r;
    l->next = r;
    return r;
  }
  auto* in = static_cast<ZInner*>(n);
  const int i = inner_child(in, p);
  ZNode* sib = insert_into(in->kids[i], p, e, leftmost && i == 0, rightmost && i == in->count - 1);
  refresh_key(in, i);
  if (sib == nullptr) {
    ++in->sizes[i];
    return nullptr;
  }
  const size_t sib_size = subtree_size(sib);
  in->sizes[i] = in->sizes[i] + 1 - sib_size;
  const int pos = i + 1;
  if (in->count < kZInnerCap) {
    array_insert(in->kids, in->count, pos, sib);
    array_insert(in->sizes, in->count, pos, sib_size);
    array_insert(in->scores, in->count, pos, 0.0);
    array_insert(in->elems, in->count, pos, static_cast<ZElem*>(nullptr));
    ++in->count;
    refresh_key(in, pos);
    return nullptr;
  }
  ZInner* r = new_inner();
  const int left_n = split_point(kZInnerCap, pos, leftmost, rightmost);
  split_insert(in->kids, r->kids, kZInnerCap, pos, left_n, sib);
  split_insert(in->sizes, r->sizes, kZInnerCap, pos, left_n, sib_size);
  split_insert(in->scores, r->scores, kZInnerCap, pos, left_n, 0.0);
  split_insert(in->elems, r->elems, kZInnerCap, pos, left_n, static_cast<ZElem*>(nullptr));
  in->count = static_cast<uint16_t>(left_n);
  r->count = static_cast<uint16_t>(kZInnerCap + 1 - left_n);
  if (pos < left_n) {
    refresh_key(in, pos);
  } else {
    refresh_key(r, pos - left_n);
  }
  return r;
}

void ZTree::tree_insert(ZElem* e) {
  const Probe p{e->score(), e->member(), nullptr};
  ZNode* sib = insert_into(root_, p, e, true, true);
  ++size_;
  if (sib == nullptr) return;
  ZInner* root = new_inner();
  root->count = 2;
  root->kids[0] = root_;
  root->kids[1] = sib;
  root->sizes[1] = subtree_size(sib);
  root->sizes[0] = size_ - root->sizes[1];
  refresh_key(root, 0);
  refresh_key(root, 1);
  root_ = root;
}

// ---------------------------------------------------------------- erasing

namespace {

// Leads erase_from to an element by its key.
struct KeyLocator {
  const ZElem* e;
  double score;
  std::string_view member;
};

// Leads erase_from to the element at a rank.
struct RankLocator {
  size_t rank;
};

}  // namespace

template <typename Locator>
ZElem* ZTree::erase_from(ZNode* n, Locator& loc) {
  if (n->leaf) {
    auto* l = static_cast<ZLeaf*>(n);
    int pos;
    if constexpr (std::is_same_v<Locator, RankLocator>) {
      pos = static_cast<int>(loc.rank);
    } else {
      pos = leaf_lower_bound(l, Probe{loc.score, loc.member, loc.e});
    }
    ZElem* e = l->elems[pos];
    array_erase(l->scores, l->count, pos);
    array_erase(l->elems, l->count, pos);
    --l->count;
    return e;
  }
  auto* in = static_cast<ZInner*>(n);
  int i;
  if constexpr (std::is_same_v<Locator, RankLocator>) {
    i = 0;
    while (i + 1 < in->count && loc.rank >= in->sizes[i]) loc.rank -= in->sizes[i++];
  } else {
    i = inner_child(in, Probe{loc.score, loc.member, loc.e});
  }
  ZElem* e = erase_from(in->kids[i], loc);
  --in->sizes[i];
  const ZNode* c = in->kids[i];
  const int min = c->leaf ? kZLeafCap / 3 : kZInnerCap / 3;
  if (c->count < min) {
    fix_child(in, i);
  } else {
    refresh_key(in, i);
  }
  return e;
}

void ZTree::fix_child(ZInner* n, int i) {
  ZNode* c = n->kids[i];
  if (c->count == 0) {  // only under a parent with no other child to lean on
    if (c->leaf) {
      auto* l = static_cast<ZLeaf*>(c);
      if (l->prev != nullptr) l->prev->next = l->next;
      if (l->next != nullptr) l->next->prev = l->prev;
    }
    free_node(c);
    array_erase(n->kids, n->count, i);
    array_erase(n->sizes, n->count, i);
    array_erase(n->scores, n->count, i);
    array_erase(n->elems, n->count, i);
    --n->count;
    return;
  }
  if (n->count < 2) {  // no sibling: the parent's own fix will deal with it
    refresh_key(n, i);
    return;
  }
  const int li = i + 1 < n->count ? i : i - 1;  // the pair (li, li + 1)
  const int ri = li + 1;
  ZNode* a = n->kids[li];
  ZNode* b = n->kids[ri];
  const int total = a->count + b->count;
  const int cap = a->leaf ? kZLeafCap : kZInnerCap;
  if (total <= cap) {  // merge b into a
    if (a->leaf) {
      auto* la = static_cast<ZLeaf*>(a);
      auto* lb = static_cast<ZLeaf*>(b);
      std::copy(lb->scores, lb->scores + lb->count, la->scores + la->count);
      std::copy(lb->elems, lb->elems + lb->count, la->elems + la->count);
      la->next = lb->next;
      if (lb->next != nullptr) lb->next->prev = la;
    } else {
      auto* ia = static_cast<ZInner*>(a);
      auto* ib = static_cast<ZInner*>(b);
      std::copy(ib->kids, ib->kids + ib->count, ia->kids + ia->count);
      std::copy(ib->sizes, ib->sizes + ib->count, ia->sizes + ia->count);
      std::copy(ib->scores, ib->scores + ib->count, ia->scores + ia->count);
      std::copy(ib->elems, ib->elems + ib->count, ia->elems + ia->count);
    }
    a->count = static_cast<uint16_t>(total);
    free_node(b);
    n->sizes[li] += n->sizes[ri];
    array_erase(n->kids, n->count, ri);
    array_erase(n->sizes, n->count, ri);
    array_erase(n->scores, n->count, ri);
    array_erase(n->elems, n->count, ri);
    --n->count;
    refresh_key(n, li);
    return;
  }
  // Even the pair out: a keeps total / 2.
  const int want = total / 2;
  if (a->leaf) {
    auto* la = static_cast<ZLeaf*>(a);
    auto* lb = static_cast<ZLeaf*>(b);
    if (la->count < want) {  // b's first entries move to a's end
      const int k = want - la->count;
      std::copy(lb->scores, lb->scores + k, la->scores + la->count);
      std::copy(lb->elems, lb->elems + k, la->elems + la->count);
      std::copy(lb->scores + k, lb->scores + lb->count, lb->scores);
      std::copy(lb->elems + k, lb->elems + lb->count, lb->elems);
      la->count = static_cast<uint16_t>(want);
      lb->count = static_cast<uint16_t>(total - want);
    } else {  // a's last entries move to b's start
      const int k = la->count - want;
      std::copy_backward(lb->scores, lb->scores + lb->count, lb->scores + lb->count + k);
      std::copy_backward(lb->elems, lb->elems + lb->count, lb->elems + lb->count + k);
      std::copy(la->scores + want, la->scores + la->count, lb->scores);
      std::copy(la->elems + want, la->elems + la->count, lb->elems);
      la->count = static_cast<uint16_t>(want);
      lb->count = static_cast<uint16_t>(total - want);
    }
    n->sizes[li] = la->count;
    n->sizes[ri] = lb->count;
  } else {
    auto* ia = static_cast<ZInner*>(a);
    auto* ib = static_cast<ZInner*>(b);
    size_t moved = 0;
    if (ia->count < want) {
      const int k = want - ia->count;
      for (int j = 0; j < k; ++j) moved += ib->sizes[j];
      std::copy(ib->kids, ib->kids + k, ia->kids + ia->count);
      std::copy(ib->sizes, ib->sizes + k, ia->sizes + ia->count);
      std::copy(ib->scores, ib->scores + k, ia->scores + ia->count);
      std::copy(ib->elems, ib->elems + k, ia->elems + ia->count);
      std::copy(ib->kids + k, ib->kids + ib->count, ib->kids);
      std::copy(ib->sizes + k, ib->sizes + ib->count, ib->sizes);
      std::copy(ib->scores + k, ib->scores + ib->count, ib->scores);
      std::copy(ib->elems + k, ib->elems + ib->count, ib->elems);
      n->sizes[li] += moved;
      n->sizes[ri] -= moved;
    } else {
      const int k = ia->count - want;
      for (int j = want; j < ia->count; ++j) moved += ia->sizes[j];
      std::copy_backward(ib->kids, ib->kids + ib->count, ib->kids + ib->count + k);
      std::copy_backward(ib->sizes, ib->sizes + ib->count, ib->sizes + ib->count + k);
      std::copy_backward(ib->scores, ib->scores + ib->count, ib->scores + ib->count + k);
      std::copy_backward(ib->elems, ib->elems + ib->count, ib->elems + ib->count + k);
      std::copy(ia->kids + want, ia->kids + ia->count, ib->kids);
      std::copy(ia->sizes + want, ia->sizes + ia->count, ib->sizes);
      std::copy(ia->scores + want, ia->scores + ia->count, ib->scores);
      std::copy(ia->elems + want, ia->elems + ia->count, ib->elems);
      n->sizes[li] -= moved;
      n->sizes[ri] += moved;
    }
    ia->count = static_cast<uint16_t>(want);
    ib->count = static_cast<uint16_t>(total - want);
  }
  refresh_key(n, li);
  refresh_key(n, ri);
}

template <typename Locator>
ZElem* ZTree::tree_erase(Locator& loc) {
  ZElem* e = erase_from(root_, loc);
  --size_;
  // Drop roots with a single child (or none: the set became empty).
  while (!root_->leaf && root_->count <= 1) {
    auto* in = static_cast<ZInner*>(root_);
    ZNode* child = in->count == 1 ? in->kids[0] : new_leaf();
    free_node(in);
    root_ = child;
  }
  return e;
}

// ---------------------------------------------------------------- ZTree API

bool ZTree::set(std::string_view member, double score) {
  const uint64_t h = index_.hash(member);
  if (ZElem* e = index_.find(member, h)) {
    update_score(e, score);
    return false;
  }
  ZElem* e = ZElem::make(member, score);
  try {
    index_.insert(e, h);
  } catch (...) {
    ZElem::destroy(e);
    throw;
  }
  tree_insert(e);
  elem_bytes_ += e->alloc_bytes();
  return true;
}

void ZTree::update_score(ZElem* e, double score) {
  const double old = e->score();
  if (std::memcmp(&old, &score, sizeof(old)) == 0) return;
  const Probe at_old{old, e->member(), e};
  const Probe at_new{score, e->member(), e};
  // Find the leaf entry (no changes on the way down).
  ZNode* n = root_;
  while (!n->leaf) {
    auto* in = static_cast<ZInner*>(n);
    n = in->kids[inner_child(in, at_old)];
  }
  auto* l = static_cast<ZLeaf*>(n);
  const int pos = leaf_lower_bound(l, at_old);
  // In place when the order stays and no inner key is this entry (a leaf's
  // first entry is some inner node's key, unless the score compares equal).
  bool in_place = old == score;
  if (!in_place && pos > 0 && key_less(l->scores[pos - 1], l->elems[pos - 1], at_new)) {
    if (pos + 1 < l->count) {
      in_place = probe_less(at_new, l->scores[pos + 1], l->elems[pos + 1]);
    } else {
      in_place = l->next == nullptr ||
                 probe_less(at_new, l->next->scores[0], l->next->elems[0]);
    }
  }
  if (in_place) {
    l->scores[pos] = score;
    e->set_score(score);
    return;
  }
  KeyLocator loc{e, old, e->member()};
  tree_erase(loc);
  e->set_score(score);
  tree_insert(e);
}

bool ZTree::erase(std::string_view member) {
  const uint64_t h = index_.hash(member);
  ZElem* e = index_.find(member, h);
  if (e == nullptr) return false;
  index_.remove(e, h);
  KeyLocator loc{e, e->score(), e->member()};
  tree_erase(loc);
  elem_bytes_ -= e->alloc_bytes();
  ZElem::destroy(e);
  return true;
}

void ZTree::erase_ranks(size_t start, size_t end) {
  for (size_t i = start; i < end; ++i) {
    RankLocator loc{start};
    ZElem* e = tree_erase(loc);
    index_.remove(e, index_.hash(e->member()));
    elem_bytes_ -= e->alloc_bytes();
    ZElem::destroy(e);
  }
}

size_t ZTree::memory_usage() const {
  return sizeof(ZTree) + leaves_ * sizeof(ZLeaf) + inners_ * sizeof(ZInner) + index_.bytes() +
         elem_bytes_;
}

// ---------------------------------------------------------------- checking

std::string ZTree::check_subtree(const ZNode* n, int depth, int leaf_depth, const ZLeaf** prev,
                                 size_t* count) const {
  if (n->leaf) {
    if (depth != leaf_depth) return "tree: leaves at different depths";
    const auto* l = static_cast<const ZLeaf*>(n);
    if (l->prev != *prev) return "tree: broken prev link";
    if (*prev != nullptr && (*prev)->next != l) return "tree: broken next link";
    if (l->count == 0 && n != root_) return "tree: empty leaf below the root";
    if (l->count > kZLeafCap) return "tree: leaf over capacity";
    for (int i = 0; i < l->count; ++i) {
      const ZElem* e = l->elems[i];
      const double es = e->score();
      if (std::memcmp(&l->scores[i], &es, sizeof(double)) != 0) {
        return "tree: leaf score differs from the element's";
      }
      const ZElem* before = i > 0 ? l->elems[i - 1]
                                  : (*prev != nullptr && (*prev)->count > 0
                                         ? (*prev)->elems[(*prev)->count - 1]
                                         : nullptr);
      if (before != nullptr) {
        const double bs = i > 0 ? l->scores[i - 1] : (*prev)->scores[(*prev)->count - 1];
        if (!key_less(bs, before, Probe{l->scores[i], e->member(), nullptr})) {
          return "tree: entries out of order";
        }
      }
      if (index_.find(e->member(), index_.hash(e->member())) != e) {
        return "tree: element missing from the index";
      }
    }
    *count += l->count;
    *prev = l;
    return {};
  }
  const auto* in = static_cast<const ZInner*>(n);
  if (in->count == 0 || in->count > kZInnerCap) return "tree: inner node child count";
  for (int i = 0; i < in->count; ++i) {
    size_t below = 0;
    std::string err = check_subtree(in->kids[i], depth + 1, leaf_depth, prev, &below);
    if (!err.empty()) return err;
    if (below != in->sizes[i]) return "tree: wrong subtree size";
    const ZNode* c = in->kids[i];
    const double s = c->leaf ? static_cast<const ZLeaf*>(c)->scores[0]
                             : static_cast<const ZInner*>(c)->scores[0];
    const ZElem* e = c->leaf ? static_cast<const ZLeaf*>(c)->elems[0]
                             : static_cast<const ZInner*>(c)->elems[0];
    if (in->elems[i] != e || !(in->scores[i] == s)) return "tree: stale inner key";
    *count += below;
  }
  return {};
}

std::string ZTree::check() const {
  int leaf_depth = 0;
  for (const ZNode* n = root_; !n->leaf; n = static_cast<const ZInner*>(n)->kids[0]) {
    ++leaf_depth;
  }
  if (!root_->leaf && root_->count < 2) return "tree: root with a single child";
  const ZLeaf* prev = nullptr;
  size_t count = 0;
  std::string err = check_subtree(root_, 0, leaf_depth, &prev, &count);
  if (!err.empty()) return err;
  if (prev == nullptr || prev->next != nullptr) return "tree: leaf chain does not end";
  if (count != size_) return "tree: size";
  if (index_.size() != size_) return "tree: index size differs";
  size_t bytes = 0;
  for_each([&](std::string_view m, double) { bytes += ZElem::bytes_for(m.size()); });
  if (bytes != elem_bytes_) return "tree: element byte count";
  return index_.check();
}

}  // namespace peregrine::store
