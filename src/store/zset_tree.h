// ZTree: the large-set ("skiplist", as OBJECT ENCODING calls it) encoding of
// a sorted set. Private to store/zset.cc and its unit tests; commands use
// ZSetValue (store/zset.h).
//
// What it is
//   Three parts, each element stored once:
//
//   * ZElem: one allocation per member holding its score and its bytes.
//     Elements never move while they belong to the set, so the other two
//     parts point at them.
//
//       +-----------+-----+--------------------+
//       | score (8) | len | member bytes (len) |   len: 1 byte when < 255,
//       +-----------+-----+--------------------+   else 0xff + 8 bytes
//
//   * An order-statistic B+ tree of (score, ZElem*) pairs. Leaves hold the
//     pairs in sorted order in two parallel arrays and are linked both ways;
//     inner nodes hold, for every child, the number of elements below it
//     and the smallest (score, ZElem*) of its subtree (its "key").
//
//                           inner [ 7 | 5 | 6 ]  (sizes)
//                                 [k0 |k1 |k2 ]  (key i = min of child i)
//                               /       |       \   (children)
//       leaves      [a b c d e f g] <-> [h i j k l] <-> [m n o p q r]
//                    scores[] + elems[] per leaf, prev/next links
//
//     Descending by key finds an element's leaf; adding up the sizes of the
//     children left of the path gives its rank; descending by sizes finds
//     the element at a rank. Both are O(log n) with nodes of ~1 KiB.
//
//   * ZMemberIndex: member bytes -> ZElem*, an open-addressing table with
//     Robin Hood linear probing. Each slot is a pointer plus 16 bits of
//     metadata, (fingerprint << 8) | (probe distance + 1), 0 when empty.
//     The fingerprint is the hash's top byte, so a probe dereferences an
//     element only when 8 more bits of the hash match. ZSCORE is one probe.
//
//       meta  [ 0 |a7:1|3c:2|91:1| 0 | ...]    slots [ - | e1 | e2 | e3 | - ]
//
// Invariants
//   Tree
//   * All leaves are at the same depth. Leaf entries, read along the leaf
//     chain, are strictly increasing by (score, member bytes); the chain
//     holds every element exactly once. Only an empty set has an empty
//     leaf (the root).
//   * In an inner node, sizes[i] is the element count of child i's
//     subtree, and (scores[i], elems[i]) compares equal to that subtree's
//     first element (scores compare with ==, so a key may hold 0.0 where
//     the element holds -0.0). An inner node has at least one child.
//   * A leaf's scores[i] and elems[i]->score are the same double, bits too.
//   * Nodes may be underfull (splits of the rightmost/leftmost node are
//     lopsided so that sorted loads pack nodes full); deletions merge or
//     rebalance a node that falls under a third full with a sibling.
//   Index
//   * Capacities are powers of two; an element with hash h has home slot
//     h & mask and sits at home + distance (mod capacity) with every slot
//     between occupied; along a run the distance grows by at most one per
//     slot (Robin Hood order: elements of one home are contiguous, homes in
//     cyclic order). Deletion shifts the run back, so there are no
//     tombstones. The load stays at or under 7/8.
//   * Resizing is incremental, as in Dict: while `old_` exists, new
//     elements go to `cur_`, and each write moves the elements of a few
//     home slots of `old_` (in home order, `drain_` is the next one), so
//     `old_` holds exactly the not yet moved elements, all with home >=
//     drain_. A probe distance that would pass 254 (practically never at
//     this load with a random seed) rebuilds the table at once, larger.
//   * ZSCAN walks home slots in reverse-binary cursor order exactly as
//     Dict::scan walks buckets, visiting the elements whose home is the
//     cursor's slot, so it keeps Dict's guarantee (every element present
//     throughout is reported at least once) across resizes.
//
// Why
//   The skip list this replaced spent a node with a level array per member
//   plus a chained hash node with its own std::string copy of the member:
//   ~145 bytes per member. Here a member costs its ZElem (22 bytes for a
//   13-byte member, which jemalloc serves from its 32-byte class), 16 bytes
//   of a leaf (divided by how full leaves are: ~70% after random inserts,
//   100% after sorted ones), and 10 bytes per index slot (1.1 to 2.3 slots
//   per member); ~70-80 bytes in all. Keeping scores in the leaves as well
//   as in the elements costs 8 bytes per member and saves a pointer
//   dereference per comparison while searching by score.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // header-only XXH3, as in store/dict.h
#endif
#include <xxhash.h>

#include "store/scan_cursor.h"

namespace peregrine::store {

// ---------------------------------------------------------------- ZElem

// The element of one member. Never constructed directly: make() allocates
// the header and the member bytes in one block.
class ZElem {
 public:
  static ZElem* make(std::string_view member, double score);
  static void destroy(ZElem* e) noexcept;

  double score() const { return score_; }
  void set_score(double s) { score_ = s; }
  std::string_view member() const {
    const unsigned char* t = tail();
    if (t[0] != kLongLength) return {reinterpret_cast<const char*>(t + 1), t[0]};
    uint64_t len;
    std::memcpy(&len, t + 1, sizeof(len));
    return {reinterpret_cast<const char*>(t + 1 + sizeof(len)), static_cast<size_t>(len)};
  }
  // The bytes make() requested for this element.
  size_t alloc_bytes() const { return bytes_for(member().size()); }
  static size_t bytes_for(size_t member_len) {
    return sizeof(ZElem) + (member_len < kLongLength ? 1 : 1 + sizeof(uint64_t)) + member_len;
  }

 private:
  static constexpr unsigned char kLongLength = 0xff;
  explicit ZElem(double score) : score_(score) {}
  const unsigned char* tail() const { return reinterpret_cast<const unsigned char*>(this + 1); }
  unsigned char* tail() { return reinterpret_cast<unsigned char*>(this + 1); }

  double score_;
  // Followed by the length byte(s) and the member bytes.
};

static_assert(sizeof(ZElem) == 8 && alignof(ZElem) == 8,
              "a ZElem header is just its score; the length byte follows at offset 8");
static_assert(std::is_trivially_destructible_v<ZElem>, "destroy() only frees the block");

// ---------------------------------------------------------------- index

class ZMemberIndex {
 public:
  static constexpr size_t kMinCapacity = 8;

  explicit ZMemberIndex(uint64_t seed) : seed_(seed) {}
  ~ZMemberIndex();
  ZMemberIndex(const ZMemberIndex&) = delete;
  ZMemberIndex& operator=(const ZMemberIndex&) = delete;

  uint64_t seed() const { return seed_; }
  uint64_t hash(std::string_view m) const { return XXH3_64bits_withSeed(m.data(), m.size(), seed_); }
  size_t size() const { return cur_.used + old_.used; }
  size_t capacity() const { return cur_.capacity() + old_.capacity(); }
  size_t bytes() const { return capacity() * (sizeof(uint16_t) + sizeof(ZElem*)); }
  bool rehashing() const { return old_.meta != nullptr; }

  // The element of member m (h = hash(m)), or nullptr.
  ZElem* find(std::string_view m, uint64_t h) const;
  // Adds e, whose member must be absent; h = hash(e->member()).
  void insert(ZElem* e, uint64_t h);
  // Removes e, which must be present; h = hash(e->member()).
  void remove(const ZElem* e, uint64_t h);
  // Sizes an empty, idle index for n elements.
  void reserve(size_t n);

  // One ZSCAN step; see the header comment. fn(const ZElem*) must not
  // modify the index.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) const {
    if (size() == 0) return 0;
    uint64_t v = cursor;
    if (!rehashing()) {
      visit_home(cur_, v & cur_.mask, fn);
      return next_cursor(v, cur_.mask);
    }
    const Table* small = &cur_;
    const Table* large = &old_;
    if (small->mask > large->mask) std::swap(small, large);
    const uint64_t m0 = small->mask;
    const uint64_t m1 = large->mask;
    visit_home(*small, v & m0, fn);
    do {  // every home of the large table whose low bits are v & m0
      visit_home(*large, v & m1, fn);
      v = next_cursor(v, m1);
    } while ((v & (m0 ^ m1)) != 0);
    return v;
  }

  // Checks the invariants (tests); an empty string when they hold.
  std::string check() const;

 private:
  struct Table {
    uint16_t* meta = nullptr;  // (fingerprint << 8) | (distance + 1); 0 = empty
    ZElem** slots = nullptr;   // read only where meta is non-zero
    uint64_t mask = 0;
    size_t used = 0;
    size_t capacity() const { return meta ? static_cast<size_t>(mask) + 1 : 0; }
  };
  static constexpr unsigned kMaxDist1 = 0xff;  // largest distance + 1 a slot can hold
  static constexpr size_t kDrainHomes = 16;    // non-empty homes moved per write
  static constexpr size_t kDrainVisits = 128;  // homes looked at per write

  static size_t max_load(size_t cap) { return cap - cap / 8; }
  static uint16_t meta_for(uint64_t h) { return static_cast<uint16_t>(((h >> 56) << 8) | 1); }
  static uint64_t next_cursor(uint64_t v, uint64_t mask) { return next_scan_cursor(v, mask); }
  template <typename F>
  static void visit_home(const Table& t, uint64_t home, F& fn) {
    uint64_t pos = home;
    for (unsigned d = 1; d <= kMaxDist1; ++d, pos = (pos + 1) & t.mask) {
      const unsigned dist1 = t.meta[pos] & 0xffu;
      if (dist1 < d) return;
      if (dist1 == d) fn(static_cast<const ZElem*>(t.slots[pos]));
    }
  }

  static Table alloc_table(size_t cap);
  static void free_table(Table& t) noexcept;
  // Position of the matching slot, or ~0.
  static uint64_t find_pos(const Table& t, std::string_view m, uint64_t h);
  static uint64_t find_ptr(const Table& t, const ZElem* e, uint64_t h);
  // Robin Hood insertion. Returns nullptr, or the element left without a
  // slot when a distance would overflow (the table is consistent without it).
  static ZElem* place(Table& t, ZElem* e, uint64_t h);
  static void remove_at(Table& t, uint64_t pos);

  void place_or_rebuild(ZElem* e, uint64_t h);
  void start_resize(size_t cap);
  void drain_step(size_t homes, size_t visits);
  void finish_drain() { drain_step(~size_t{0}, ~size_t{0}); }
  // Moves the elements of home `home` of old_ to cur_.
  void drain_home(uint64_t home, bool* moved);
  void rebuild(size_t cap, ZElem* extra);

  uint64_t seed_;
  Table cur_;          // receives new elements
  Table old_;          // being drained into cur_ (meta == nullptr when not resizing)
  uint64_t drain_ = 0; // next home of old_ to move
};

// ---------------------------------------------------------------- tree nodes

struct ZNode {
  uint16_t count;  // entries (leaf) or children (inner)
  bool leaf;
};

inline constexpr size_t kZNodeBytes = 1024;  // a jemalloc size class
inline constexpr int kZLeafCap =
    static_cast<int>((kZNodeBytes - 8 - 2 * sizeof(void*)) / (sizeof(double) + sizeof(void*)));
inline constexpr int kZInnerCap = static_cast<int>(
    (kZNodeBytes - 8) / (sizeof(size_t) + sizeof(double) + sizeof(void*) + sizeof(void*)));

struct ZLeaf : ZNode {
  ZLeaf* prev;
  ZLeaf* next;
  double scores[kZLeafCap];
  ZElem* elems[kZLeafCap];
};

struct ZInner : ZNode {
  size_t sizes[kZInnerCap];   // elements under child i
  double scores[kZInnerCap];  // key i: the first element of child i
  ZElem* elems[kZInnerCap];
  ZNode* kids[kZInnerCap];
};

static_assert(kZLeafCap == 62 && kZInnerCap == 31, "node capacities fill a 1 KiB block");
static_assert(sizeof(ZLeaf) <= kZNodeBytes && sizeof(ZInner) <= kZNodeBytes,
              "nodes fit their size class");
static_assert(kZLeafCap < 65536 && kZInnerCap < 65536, "counts are 16-bit");

// ---------------------------------------------------------------- ZTree

class ZTree {
 public:
  explicit ZTree(uint64_t seed);
  ZTree(const ZTree& other);  // deep: new elements, same shape
  ZTree& operator=(const ZTree&) = delete;
  ~ZTree();

  size_t size() const { return size_; }
  uint64_t seed() const { return index_.seed(); }

  const ZElem* find(std::string_view member) const {
    return index_.find(member, index_.hash(member));
  }
  // Adds member or moves it to score (not NaN). Returns whether it is new.
  bool set(std::string_view member, double score);
  // Returns whether member was present.
  bool erase(std::string_view member);
  // 0-based rank of an element of this tree.
  size_t rank_of(const ZElem* e) const;
  // Removes ranks [start, end).
  void erase_ranks(size_t start, size_t end);

  // Elements with a score below x (or equal, when inclusive).
  size_t count_below_score(double x, bool inclusive) const;
  // Elements whose member sorts before v (or equals it, when inclusive);
  // meaningful when all scores are equal.
  size_t count_below_member(std::string_view v, bool inclusive) const;

  // A position in the leaf chain.
  struct Cursor {
    const ZLeaf* leaf;
    int pos;
    const ZElem* elem() const { return leaf->elems[pos]; }
    double score() const { return leaf->scores[pos]; }
  };
  // The element at rank (< size()).
  Cursor at(size_t rank) const;
  // Calls fn(std::string_view member, double score) for n elements from
  // rank first, forwards or backwards; the range must lie in the set.
  template <typename F>
  void visit(size_t first, size_t n, bool reverse, F&& fn) const {
    if (n == 0) return;
    Cursor c = at(first);
    for (size_t i = 0;;) {
      fn(c.elem()->member(), c.score());
      if (++i == n) return;
      if (reverse) {
        if (--c.pos < 0) {
          c.leaf = c.leaf->prev;
          c.pos = c.leaf->count - 1;
        }
      } else if (++c.pos == c.leaf->count) {
        c.leaf = c.leaf->next;
        c.pos = 0;
      }
    }
  }
  // Calls fn(member, score) for every element in order.
  template <typename F>
  void for_each(F&& fn) const {
    visit(0, size_, false, fn);
  }

  // One ZSCAN step: fn(std::string_view member, double score).
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) const {
    return index_.scan(cursor, [&](const ZElem* e) { fn(e->member(), e->score()); });
  }

  // Bytes held: nodes, index table and elements (as requested).
  size_t memory_usage() const;
  // Makes the index room for n elements (an empty tree only).
  void reserve(size_t n) { index_.reserve(n); }
  // Checks every invariant (tests, O(n)); an empty string when they hold.
  std::string check() const;

 private:
  // What to compare against while descending: a (score, member) pair, and
  // the element itself when it is in the tree (equality by pointer).
  struct Probe {
    double score;
    std::string_view member;
    const ZElem* self;
  };
  static bool key_less(double s, const ZElem* e, const Probe& p) {
    if (s != p.score) return s < p.score;
    if (e == p.self) return false;
    return e->member() < p.member;
  }
  static bool probe_less(const Probe& p, double s, const ZElem* e) {
    if (p.score != s) return p.score < s;
    if (e == p.self) return false;
    return p.member < e->member();
  }
  // Entries of [from, n) that sort before p (or_equal: at or before it).
  template <bool kOrEqual>
  static int count_before(const double* scores, ZElem* const* elems, int from, int n,
                          const Probe& p);
  static int leaf_lower_bound(const ZLeaf* l, const Probe& p);
  static int inner_child(const ZInner* n, const Probe& p);
  static size_t subtree_size(const ZNode* n);
  static void refresh_key(ZInner* n, int i);

  ZLeaf* new_leaf();
  ZInner* new_inner();
  void free_node(ZNode* n) noexcept;
  void free_subtree(ZNode* n) noexcept;  // elements included
  ZNode* copy_subtree(const ZNode* n, ZLeaf** last_leaf);

  void tree_insert(ZElem* e);
  // The new right sibling when n split, else nullptr.
  ZNode* insert_into(ZNode* n, const Probe& p, ZElem* e, bool leftmost, bool rightmost);
  // Removes the element the locator leads to from the subtree; returns it.
  template <typename Locator>
  ZElem* erase_from(ZNode* n, Locator& loc);
  template <typename Locator>
  ZElem* tree_erase(Locator& loc);
  // Child i of n fell under a third full: merge or rebalance it with a
  // sibling. Removes child i when it is empty.
  void fix_child(ZInner* n, int i);
  void update_score(ZElem* e, double score);

  template <typename Below>
  size_t count_below(Below below) const;

  std::string check_subtree(const ZNode* n, int depth, int leaf_depth, const ZLeaf** prev,
                            size_t* count) const;

  ZMemberIndex index_;
  ZNode* root_;
  size_t size_ = 0;
  size_t leaves_ = 0;
  size_t inners_ = 0;
  size_t elem_bytes_ = 0;
};

}  // namespace peregrine::store
