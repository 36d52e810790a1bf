// Dict<V>: the hash table behind large hashes (fields) and large sets
// (members).
//
// What it is
//   A map from byte-string keys to V. Each entry is one heap allocation: a
//   node header (chain link, the low 32 bits of the key's hash, the key's
//   length, the value) followed by the key's bytes; buckets are singly
//   linked chains. Lookups take std::string_view so callers never build a
//   std::string to probe. The hash is XXH3-64 with a per-Dict seed (the
//   owner draws it from rt::Random), so there is no global state and bucket
//   placement is not predictable from outside.
//
// Node (one allocation; V = an empty struct takes no bytes)
//
//     0        8        12        16              16 + sizeof(V)
//     +--------+--------+---------+---------------+------------------+
//     | next   | hash32 | key_len | value (V)     | key bytes ...    |
//     +--------+--------+---------+---------------+------------------+
//
//   With V = InlineString (a hash's fields) the key bytes are followed by
//   the value's varint length and bytes. A set member of 8-20 bytes takes
//   one 32- or 48-byte allocation
//   (a separate std::string key would add 32 bytes, and a heap block for
//   keys over 15 bytes). A key of 4 GiB or more stores key_len 0xFFFFFFFF
//   and its 64-bit length in the first 8 key bytes.
//
// Layout (while rehashing; otherwise only t_[0] is in use)
//
//      t_[0]  (old, 2^k buckets)        t_[1]  (new, 2^j buckets)
//     +------+                          +------+
//   0 | null |  <- already moved        | ---->[next|hash|len|value|key]->null
//   1 | null |  <- already moved        | null |
//     |  ... |                          |  ... |
//   r | ---->[node]->[node]->null       | ---->[node]->null
//     |  ... |  <- r = rehash_idx_      +------+
//     +------+
//
// Invariants
//   * Table sizes are powers of two (>= kMinSize, <= kMaxSize = 2^32, so a
//     bucket index needs only the 32 hash bits a node keeps); a key with
//     hash h lives in bucket h & mask of exactly one table.
//   * Not rehashing: t_[1] is empty (no bucket array), rehash_idx_ is
//     kNotRehashing.
//   * Rehashing: every bucket of t_[0] below rehash_idx_ is empty; new
//     entries go to t_[1]. Each find/insert/upsert/erase/random_entry moves
//     one more bucket (visiting at most 10 empty ones), so a resize costs
//     O(1) per operation instead of one long stall. When t_[0] is empty,
//     t_[1] becomes t_[0].
//   * Growth starts when an insert finds size() >= buckets (load factor 1);
//     shrinking starts when an erase leaves the table under 10% full (never
//     below kMinSize). No resize starts while one is in progress.
//   * Nodes never move in memory: a V* stays valid until its entry is erased
//     (rehashing relinks nodes, it does not copy them). The one exception:
//     InlineString's set() with a value of another length replaces the
//     entry's node, in the same place of its chain.
//
// Why
//   Chained buckets with stable nodes give stable value pointers and make
//   the Redis SCAN cursor guarantee possible: the cursor
//   walks bucket indexes in reverse-binary order, which stays meaningful
//   across any number of doublings and halvings of a power-of-two table.
//   Caching 32 hash bits in the node keeps rehashing free of rehash
//   computations and lets a probe reject all but one in 2^32 non-matching
//   nodes without a memcmp. The key in the node's own allocation saves a
//   pointer chase and a cache miss on every probe that matches.
//
// Callbacks given to scan() and for_each() may modify the values they are
// handed but must not insert into or erase from the Dict.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // header-only XXH3: inlined into the probe path, no link dependency
#endif
#include <xxhash.h>

#include "runtime/runtime.h"
#include "store/packed_list.h"
#include "store/scan_cursor.h"

namespace peregrine::store {

static_assert(sizeof(size_t) == 8 && sizeof(uint64_t) == 8,
              "bucket indexes are the low bits of a 64-bit hash and the SCAN cursor is "
              "64 bits wide; both assume a 64-bit size_t");

// The value type of a Dict whose values are byte strings kept in the node
// itself, after the key: [key bytes][varint value length][value bytes].
// Such a Dict is read and written through get() and set() (string views in,
// string views out) instead of find() and insert(); a view of a value lives
// until that entry changes.
struct InlineString {};

// LongKey: the smallest key length stored in the long form (a parameter
// only so that tests can reach that form without 4 GiB keys).
template <typename V, uint32_t LongKey = std::numeric_limits<uint32_t>::max()>
class Dict {
  static constexpr bool kInline = std::is_same_v<V, InlineString>;

  struct Node {
    Node* next;         // first: the chain walk touches it on every probe
    uint32_t hash;      // low 32 bits of the key's hash
    uint32_t key_len;   // kLongKey: the length is the first 8 key bytes
    [[no_unique_address]] V value;
    // The key's bytes follow the header.

    std::string_view key() const {
      const char* p = reinterpret_cast<const char*>(this + 1);
      if (key_len != kLongKey) return {p, key_len};
      uint64_t n;
      std::memcpy(&n, p, sizeof(n));
      return {p + sizeof(n), static_cast<size_t>(n)};
    }
  };
  static constexpr uint32_t kLongKey = LongKey;

  // What visitors and random_entry hand out for a value: V& (V* from
  // random_entry), or a view of the bytes of an inline string.
  using ValueRef = std::conditional_t<kInline, std::string_view, V&>;
  using ConstValueRef = std::conditional_t<kInline, std::string_view, const V&>;
  using ValueHandle = std::conditional_t<kInline, std::string_view, V*>;

  static std::string_view inline_value(const Node* n) {
    const std::string_view k = n->key();
    uint64_t len;
    const size_t hdr = packed_detail::get_varint(k.data() + k.size(), &len);
    return {k.data() + k.size() + hdr, static_cast<size_t>(len)};
  }
  static ValueRef value_ref(Node* n) {
    if constexpr (kInline) return inline_value(n);
    else return n->value;
  }
  static ConstValueRef value_ref(const Node* n) {
    if constexpr (kInline) return inline_value(n);
    else return n->value;
  }
  static ValueHandle value_handle(Node* n) {
    if constexpr (kInline) return inline_value(n);
    else return &n->value;
  }

  struct Table {
    Node** buckets = nullptr;  // calloc'd array of mask + 1 heads, or null
    uint64_t mask = 0;         // size - 1 (size is a power of two)
    size_t used = 0;           // entries in this table
    size_t size() const { return buckets ? static_cast<size_t>(mask) + 1 : 0; }
  };

 public:
  static constexpr size_t kMinSize = 4;
  static constexpr size_t kMaxSize = size_t{1} << 32;
  static constexpr size_t kNodeHeaderSize = sizeof(Node);
  // The bytes of the one allocation that holds an entry with this key.
  static size_t node_bytes(std::string_view key) {
    return sizeof(Node) + key.size() + (key.size() >= kLongKey ? sizeof(uint64_t) : 0);
  }
  // The same for an entry of an InlineString Dict with this value.
  static size_t node_bytes(std::string_view key, std::string_view value) {
    return node_bytes(key) + varint_size(value.size()) + value.size();
  }
  // Heap bytes of a std::string (a string value) holding s: none while s
  // fits the string's inline storage (15 bytes in libstdc++).
  static size_t string_heap_bytes(std::string_view s) { return s.size() > 15 ? s.size() + 1 : 0; }
  static_assert(std::has_single_bit(kMinSize), "table sizes must be powers of two");

  explicit Dict(uint64_t seed = 0) : seed_(seed) {}
  ~Dict() { clear(); }
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  Dict(Dict&& other) noexcept : seed_(other.seed_) { swap(other); }
  Dict& operator=(Dict&& other) noexcept {
    if (this != &other) {
      clear();
      swap(other);
    }
    return *this;
  }

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  uint64_t seed() const { return seed_; }
  // Buckets allocated over both tables (for tests and memory reporting).
  size_t bucket_count() const { return t_[0].size() + t_[1].size(); }
  // The bytes of every entry's allocation (node_bytes summed over the
  // entries), kept as entries come and go: MEMORY USAGE in O(1).
  size_t entry_bytes() const { return entry_bytes_; }
  bool is_rehashing() const { return rehash_idx_ != kNotRehashing; }

  uint64_t hash_of(std::string_view key) const {
    return XXH3_64bits_withSeed(key.data(), key.size(), seed_);
  }

  // ---------------------------------------------------------------- lookup
  V* find(std::string_view key) {
    if (empty()) return nullptr;
    return find_hashed(key, hash_of(key));
  }
  const V* find(std::string_view key) const {
    if (empty()) return nullptr;
    return find_hashed(key, hash_of(key));
  }
  // h must be hash_of(key) (or the hash_of of a Dict with the same seed).
  V* find_hashed(std::string_view key, uint64_t h) {
    if (empty()) return nullptr;
    if (is_rehashing()) rehash_step(1);
    Node* n = lookup_node(key, h);
    return n ? &n->value : nullptr;
  }
  // The const probes do no rehash work.
  const V* find_hashed(std::string_view key, uint64_t h) const {
    if (empty()) return nullptr;
    const Node* n = lookup_node(key, h);
    return n ? &n->value : nullptr;
  }
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // The key of the entry that holds *value, a pointer find() or insert()
  // returned (nodes do not move, so it stays valid while the entry lives).
  static std::string_view key_of(const V* value)
    requires(!kInline)
  {
    const char* node = reinterpret_cast<const char*>(value) - offsetof(Node, value);
    return reinterpret_cast<const Node*>(node)->key();
  }
  // The stored key equal to key (stable while the entry lives), or nullptr.
  std::optional<std::string_view> find_key(std::string_view key) const {
    if (empty()) return std::nullopt;
    const Node* n = lookup_node(key, hash_of(key));
    if (n == nullptr) return std::nullopt;
    return n->key();
  }

  // The value stored for key (InlineString Dicts); the view lives until the
  // entry changes.
  std::optional<std::string_view> get(std::string_view key) const
    requires kInline
  {
    if (empty()) return std::nullopt;
    const Node* n = lookup_node(key, hash_of(key));
    if (n == nullptr) return std::nullopt;
    return inline_value(n);
  }

  // ---------------------------------------------------------------- writes
  // Stores key -> value (InlineString Dicts), replacing any existing value;
  // returns whether key is new. A value of another length moves the entry
  // to a new node in the same place of its chain; value may be a view of
  // the entry's current value.
  bool set(std::string_view key, std::string_view value)
    requires kInline
  {
    const uint64_t h = hash_of(key);
    prepare_write();
    Node** link = find_link(key, h);
    if (link == nullptr) {
      link_front(h, [&](Node* head) { return make_inline_node(head, h, key, value); });
      return true;
    }
    Node* old = *link;
    const std::string_view current = inline_value(old);
    if (current.size() == value.size()) {
      if (!value.empty()) std::memmove(const_cast<char*>(current.data()), value.data(), value.size());
      return false;
    }
    *link = make_inline_node(old->next, old->hash, old->key(), value);
    free_node(old);
    return false;
  }

  // Adds key -> value unless key is present. Returns the stored value and
  // whether it was inserted (false: the existing value, value is dropped).
  std::pair<V*, bool> insert(std::string_view key, V value)
    requires(!kInline)
  {
    return insert_hashed(key, hash_of(key), std::move(value));
  }
  std::pair<V*, bool> insert_hashed(std::string_view key, uint64_t h, V value)
    requires(!kInline)
  {
    prepare_write();
    if (Node* n = lookup_node(key, h)) return {&n->value, false};
    return {&link_new(key, h, std::move(value))->value, true};
  }
  // Stores key -> value, replacing any existing value.
  V& upsert(std::string_view key, V value)
    requires(!kInline)
  {
    return upsert_hashed(key, hash_of(key), std::move(value));
  }
  V& upsert_hashed(std::string_view key, uint64_t h, V value)
    requires(!kInline)
  {
    prepare_write();
    if (Node* n = lookup_node(key, h)) {
      n->value = std::move(value);
      return n->value;
    }
    return link_new(key, h, std::move(value))->value;
  }
  // Removes key. Returns whether it was present.
  bool erase(std::string_view key) {
    if (empty()) return false;
    return erase_hashed(key, hash_of(key));
  }
  bool erase_hashed(std::string_view key, uint64_t h) {
    Node* n = unlink(key, h);
    if (!n) return false;
    free_node(n);
    shrink_if_needed();
    return true;
  }
  // Removes key and hands back its value (nullopt when absent).
  std::optional<V> extract(std::string_view key) {
    if (empty()) return std::nullopt;
    return extract_hashed(key, hash_of(key));
  }
  std::optional<V> extract_hashed(std::string_view key, uint64_t h) {
    Node* n = unlink(key, h);
    if (!n) return std::nullopt;
    std::optional<V> out(std::move(n->value));
    free_node(n);
    shrink_if_needed();
    return out;
  }

  // Frees every entry and both bucket arrays. The seed is kept.
  void clear() {
    for (Table& t : t_) {
      for (size_t i = 0; i < t.size(); ++i) {
        for (Node* n = t.buckets[i]; n != nullptr;) {
          Node* next = n->next;
          free_node(n);
          n = next;
        }
      }
      std::free(t.buckets);
      t = Table{};
    }
    rehash_idx_ = kNotRehashing;
  }

  // Swaps everything, seeds included (cached hashes belong to their seed).
  void swap(Dict& other) noexcept {
    std::swap(t_[0], other.t_[0]);
    std::swap(t_[1], other.t_[1]);
    std::swap(rehash_idx_, other.rehash_idx_);
    std::swap(seed_, other.seed_);
    std::swap(entry_bytes_, other.entry_bytes_);
  }

  // Makes room for n entries without further growth (e.g. before loading a
  // snapshot). Does nothing while rehashing or when already big enough.
  void reserve(size_t n) {
    if (is_rehashing() || n <= t_[0].size()) return;
    resize(n);
  }

  // Moves up to n buckets of an in-progress rehash (idle-time work for the
  // server cron). Returns whether a rehash is still in progress.
  bool rehash_steps(size_t n) {
    if (is_rehashing()) rehash_step(n);
    return is_rehashing();
  }

  // ---------------------------------------------------------------- visiting
  // One step of a SCAN: calls fn(std::string_view key, V& value) for the
  // entries of one bucket (and, while rehashing, of every bucket of the
  // larger table that the smaller table's bucket expands to) and returns the
  // next cursor; 0 once the whole cursor space was covered. Start with 0.
  //
  // Guarantee: an entry present from the first call to the last is visited
  // at least once, whatever inserts, erases, grows and shrinks happen
  // between calls. Entries may be visited more than once.
  //
  // The cursor counts in reverse-binary order: the bits covered by the
  // table's mask are incremented from the most significant one down. A
  // bucket of a table with mask m splits, in a table with mask 2m+1, into
  // the two buckets that share its low bits, and those come next to each
  // other in reverse order; so the buckets visited so far at one size are
  // exactly those with low-bit prefixes below the cursor at any other size.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) {
    if (empty()) return 0;
    uint64_t v = cursor;
    if (!is_rehashing()) {
      const Table& t = t_[0];
      visit_chain(t.buckets[v & t.mask], fn);
      v = next_cursor(v, t.mask);
      return v;
    }
    const Table* small = &t_[0];
    const Table* large = &t_[1];
    if (small->mask > large->mask) std::swap(small, large);
    const uint64_t m0 = small->mask;
    const uint64_t m1 = large->mask;
    visit_chain(small->buckets[v & m0], fn);
    // Every bucket of the large table whose low bits equal v & m0.
    do {
      visit_chain(large->buckets[v & m1], fn);
      v = next_cursor(v, m1);
    } while ((v & (m0 ^ m1)) != 0);
    return v;
  }

  // Calls fn(std::string_view key, V& value) for every entry.
  template <typename F>
  void for_each(F&& fn) {
    for (Table& t : t_) {
      for (size_t i = 0; i < t.size(); ++i) visit_chain(t.buckets[i], fn);
    }
  }
  template <typename F>
  void for_each(F&& fn) const {
    for (const Table& t : t_) {
      for (size_t i = 0; i < t.size(); ++i) {
        for (const Node* n = t.buckets[i]; n != nullptr; n = n->next) {
          fn(n->key(), value_ref(n));
        }
      }
    }
  }

  // A random entry: a uniformly chosen non-empty bucket, then a uniformly
  // chosen node of its chain (so entries in long chains are slightly less
  // likely, as in Redis). nullopt when empty.
  std::optional<std::pair<std::string_view, ValueHandle>> random_entry(rt::Random& random) {
    if (empty()) return std::nullopt;
    if (is_rehashing()) rehash_step(1);
    Node* head = nullptr;
    // The load factor is kept above ~1/10 (about 1/20 mid-shrink), so a
    // random probe hits a non-empty bucket quickly; the cap only guards
    // against a degenerate random source.
    for (int tries = 0; tries < 1000 && head == nullptr; ++tries) {
      if (is_rehashing()) {
        // Buckets of t_[0] below rehash_idx_ are empty: skip them.
        const size_t s0 = t_[0].size();
        const size_t span = s0 + t_[1].size() - rehash_idx_;
        const size_t i = rehash_idx_ + random.uniform(span);
        head = i >= s0 ? t_[1].buckets[i - s0] : t_[0].buckets[i];
      } else {
        head = t_[0].buckets[random.next_u64() & t_[0].mask];
      }
    }
    if (head == nullptr) {
      for (Table& t : t_) {
        for (size_t i = 0; i < t.size() && head == nullptr; ++i) head = t.buckets[i];
        if (head != nullptr) break;
      }
    }
    size_t len = 0;
    for (Node* n = head; n != nullptr; n = n->next) ++len;
    Node* pick = head;
    for (uint64_t k = random.uniform(len); k > 0; --k) pick = pick->next;
    return std::make_pair(pick->key(), value_handle(pick));
  }

 private:
  static constexpr size_t kNotRehashing = ~size_t{0};
  static constexpr size_t kEmptyVisitsPerStep = 10;

  static uint64_t next_cursor(uint64_t v, uint64_t mask) { return next_scan_cursor(v, mask); }

  template <typename F>
  static void visit_chain(Node* n, F& fn) {
    while (n != nullptr) {
      Node* next = n->next;
      fn(n->key(), value_ref(n));
      n = next;
    }
  }

  Node* lookup_node(std::string_view key, uint64_t h) const {
    Node** link = find_link(key, h);
    return link != nullptr ? *link : nullptr;
  }

  // Rehash work and growth check done before every insertion attempt.
  void prepare_write() {
    if (is_rehashing()) {
      rehash_step(1);
    }
    if (is_rehashing()) return;  // no new resize while one is in progress
    if (t_[0].buckets == nullptr) {
      t_[0] = alloc_table(kMinSize);
    } else if (t_[0].used >= t_[0].size()) {
      resize(t_[0].used + 1);
    }
  }

  Node* link_new(std::string_view key, uint64_t h, V value) {
    return link_front(h, [&](Node* head) { return make_node(head, h, key, std::move(value)); });
  }

  // Puts the node make(head) returns at the head of hash h's bucket in the
  // table that takes new entries.
  template <typename Make>
  Node* link_front(uint64_t h, Make&& make) {
    Table& t = is_rehashing() ? t_[1] : t_[0];
    Node*& head = t.buckets[h & t.mask];
    head = make(head);
    ++t.used;
    return head;
  }

  // The link (bucket head or a node's next) that points at key's node, or
  // nullptr; *table is set to the index of the table holding it. Does no
  // rehash work (the const probes use it too).
  Node** find_link(std::string_view key, uint64_t h, int* table = nullptr) const {
    for (int t = 0; t < 2; ++t) {
      const Table& tb = t_[t];
      if (tb.buckets != nullptr) {
        for (Node** link = &tb.buckets[h & tb.mask]; *link != nullptr; link = &(*link)->next) {
          const Node* n = *link;
          if (n->hash == static_cast<uint32_t>(h) && n->key() == key) {
            if (table != nullptr) *table = t;
            return link;
          }
        }
      }
      if (!is_rehashing()) break;
    }
    return nullptr;
  }

  // Detaches key's node (doing a rehash step first), or returns nullptr.
  Node* unlink(std::string_view key, uint64_t h) {
    if (empty()) return nullptr;
    if (is_rehashing()) rehash_step(1);
    int table = 0;
    Node** link = find_link(key, h, &table);
    if (link == nullptr) return nullptr;
    Node* n = *link;
    *link = n->next;
    --t_[table].used;
    return n;
  }

  void shrink_if_needed() {
    if (is_rehashing()) return;
    const size_t buckets = t_[0].size();
    if (buckets > kMinSize && t_[0].used * 10 < buckets) resize(t_[0].used);
  }

  // Allocates `bytes` for a node and writes its header and key; returns the
  // node and the end of the key's bytes.
  std::pair<Node*, char*> new_node(size_t bytes, Node* next, uint64_t h, std::string_view key,
                                   V value) {
    const bool long_key = key.size() >= kLongKey;
    void* mem = ::operator new(bytes);
    entry_bytes_ += bytes;
    Node* n = new (mem) Node{next, static_cast<uint32_t>(h),
                             long_key ? kLongKey : static_cast<uint32_t>(key.size()),
                             std::move(value)};
    char* p = reinterpret_cast<char*>(n + 1);
    if (long_key) {
      const uint64_t len = key.size();
      std::memcpy(p, &len, sizeof(len));
      p += sizeof(len);
    }
    if (!key.empty()) std::memcpy(p, key.data(), key.size());
    return {n, p + key.size()};
  }

  Node* make_node(Node* next, uint64_t h, std::string_view key, V value) {
    return new_node(node_bytes(key), next, h, key, std::move(value)).first;
  }

  Node* make_inline_node(Node* next, uint64_t h, std::string_view key, std::string_view value) {
    auto [n, p] = new_node(node_bytes(key, value), next, h, key, V{});
    p += packed_detail::put_varint(value.size(), p);
    if (!value.empty()) std::memcpy(p, value.data(), value.size());
    return n;
  }

  static size_t varint_size(uint64_t v) {
    size_t n = 1;
    for (; v >= 0x80; v >>= 7) ++n;
    return n;
  }

  void free_node(Node* n) {
    size_t bytes;
    if constexpr (kInline) bytes = node_bytes(n->key(), inline_value(n));
    else bytes = node_bytes(n->key());
    entry_bytes_ -= bytes;
    n->~Node();
#if defined(__cpp_sized_deallocation)
    ::operator delete(static_cast<void*>(n), bytes);  // jemalloc skips the size lookup
#else
    (void)bytes;
    ::operator delete(static_cast<void*>(n));
#endif
  }

  static Table alloc_table(size_t size) {
    Table t;
    t.buckets = static_cast<Node**>(std::calloc(size, sizeof(Node*)));
    if (t.buckets == nullptr) throw std::bad_alloc();
    t.mask = size - 1;
    return t;
  }

  // Starts moving to a table of the smallest power of two >= n (>= kMinSize).
  void resize(size_t n) {
    const size_t size = n >= kMaxSize ? kMaxSize : std::bit_ceil(n < kMinSize ? kMinSize : n);
    if (size == t_[0].size()) return;
    Table fresh = alloc_table(size);
    if (t_[0].used == 0) {  // nothing to move: switch at once
      std::free(t_[0].buckets);
      t_[0] = fresh;
      return;
    }
    t_[1] = fresh;
    rehash_idx_ = 0;
  }

  // Moves up to n non-empty buckets from t_[0] to t_[1], visiting at most
  // n * kEmptyVisitsPerStep empty ones. Finishes the rehash when t_[0] runs
  // out of entries.
  void rehash_step(size_t n) {
    size_t empty_visits = n * kEmptyVisitsPerStep;
    Table& from = t_[0];
    Table& to = t_[1];
    while (n-- > 0 && from.used != 0) {
      // Entries remain, so a non-empty bucket exists at or after rehash_idx_.
      while (from.buckets[rehash_idx_] == nullptr) {
        ++rehash_idx_;
        if (--empty_visits == 0) return;
      }
      Node* e = from.buckets[rehash_idx_];
      while (e != nullptr) {
        Node* next = e->next;
        Node*& head = to.buckets[e->hash & to.mask];
        e->next = head;
        head = e;
        --from.used;
        ++to.used;
        e = next;
      }
      from.buckets[rehash_idx_] = nullptr;
      ++rehash_idx_;
    }
    if (from.used == 0) {
      std::free(from.buckets);
      from = to;
      to = Table{};
      rehash_idx_ = kNotRehashing;
    }
  }

  Table t_[2];
  size_t rehash_idx_ = kNotRehashing;  // next bucket of t_[0] to move
  uint64_t seed_;
  size_t entry_bytes_ = 0;  // see entry_bytes()
};

// A set member's node is a 16-byte header and the member's bytes.
namespace dict_layout_check {
struct Empty {};
static_assert(Dict<Empty>::kNodeHeaderSize == 16, "an empty value takes no bytes in a node");
static_assert(Dict<std::string>::kNodeHeaderSize == 16 + sizeof(std::string));
}  // namespace dict_layout_check

}  // namespace peregrine::store
