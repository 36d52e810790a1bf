// KeyTable<T, KeyOf>: the open-addressing hash table behind the keyspace
// (the key index and the expires index of a Db). It stores pointers to
// entries the caller owns; KeyOf(const T*) gives an entry's key bytes.
//
// Layout
//   The table is an array of 64-byte buckets (one cache line when the array
//   is line-aligned; the allocator page-aligns arrays of a page or more).
//   Each bucket holds up to 7 entry pointers and one 8-byte metadata word:
//
//     byte:   0         1      2      3      4      5      6      7
//          +---------+------+------+------+------+------+------+------+
//   meta   |E|present| fp0  | fp1  | fp2  | fp3  | fp4  | fp5  | fp6  |
//          +---------+------+------+------+------+------+------+------+
//   slots  | T* slot0 | T* slot1 | ... | T* slot6 |      (7 x 8 bytes)
//
//     present  bits 0-6: slot i holds an entry
//     E        bit 7, "ever full": the bucket was full when an insert
//              passed it, so entries whose home is here or earlier may sit
//              in later buckets
//     fp_i     the top 8 bits of slot i's hash (a fingerprint)
//
//   A key with hash h has home bucket h & mask. Insertion puts it in the
//   first bucket with a free slot at or after home (wrapping), marking every
//   full bucket it passes as ever full. A lookup compares the fingerprint
//   against all 7 slots of a bucket at once (SWAR: one XOR and a zero-byte
//   test on the metadata word), checks the key bytes of the candidates, and
//   moves to the next bucket only while the current one is ever full.
//   Deleting clears the present bit; ever-full bits stay until the table is
//   rebuilt, which happens when too many buckets carry one.
//
// Resizing
//   Two arrays, as in Redis's dict: while resizing, t_[0] is the old array
//   and t_[1] the new one; new entries go to t_[1]; every lookup or write
//   moves one more non-empty bucket of t_[0] (skipping at most 10 empty ones),
//   and the server cron moves more while idle. A resize therefore costs O(1)
//   per operation: no pause at any size. Buckets of t_[0] that were moved
//   keep their ever-full bit, so entries placed past a moved home bucket are
//   still found until they move too.
//
//   Growth starts when an insert would pass 13/16 of the slots; the table
//   shrinks when under 1/16 full; a same-size rebuild runs when more than
//   3/4 of the buckets are ever full. Sizes are powers of two.
//
// Where arrays come from
//   Without an arena, arrays are calloc'd and freed inline: a large calloc
//   that reuses pages must clear them (~1 ms for 32 MB) and a large free
//   may return the pages to the kernel at once (~4 ms for 128 MB). With a
//   BucketArena (store/bucket_arena.h), the table asks for its next
//   array once it passes 12/16 of the slots, one sixteenth before it grows
//   (at 2^19 buckets, 229k inserts ahead), takes it at the grow if it
//   arrived (else callocs as without), and hands every array it drops to
//   the arena. A request it no longer needs (it fell under 10/16, shrank,
//   was cleared) is ended with take() and whatever arrived is given back.
//
// SCAN
//   The cursor is Redis's reverse-binary bucket counter, so it stays
//   meaningful when the bucket count doubles or halves between calls. A scan
//   step visits the home bucket(s) of the cursor and walks each one's
//   ever-full chain, reporting only entries whose home bucket is the one
//   visited. An entry present for the whole scan is reported at least once:
//   entries never move except from t_[0] to t_[1], and the home bucket of
//   every hash is covered in the array that holds it, as with chaining.
//
// The table does not own its entries: clear() and the destructor forget the
// pointers; the owner frees them (for_each first).
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // header-only XXH3, inlined into the probe path
#endif
#include <xxhash.h>

#include "runtime/runtime.h"
#include "store/bucket_arena.h"
#include "store/scan_cursor.h"

namespace peregrine::store {

static_assert(std::endian::native == std::endian::little,
              "the bucket metadata word is read as bytes in little-endian order");

struct TableBucket {
  static constexpr int kSlots = 7;
  static constexpr uint64_t kPresentMask = 0x7f;
  static constexpr uint64_t kEverFull = 0x80;
  uint64_t meta;  // see the layout comment: present bits, ever-full bit, fingerprints
  void* slots[kSlots];

  uint64_t present() const { return meta & kPresentMask; }
  bool full() const { return present() == kPresentMask; }
  bool ever_full() const { return (meta & kEverFull) != 0; }
  uint8_t fingerprint(int slot) const { return static_cast<uint8_t>(meta >> (8 * (slot + 1))); }

  // Bit i set when slot i is present and its fingerprint may equal fp. May
  // report slots whose fingerprint differs (the callers compare keys), never
  // misses one that matches.
  uint64_t candidates(uint8_t fp) const {
    constexpr uint64_t kLow = 0x0101010101010100ULL;   // 0x01 in bytes 1..7
    constexpr uint64_t kHigh = 0x8080808080808000ULL;  // 0x80 in bytes 1..7
    const uint64_t x = meta ^ (kLow * fp);             // bytes 1..7: zero where equal
    uint64_t zero = (x - kLow) & ~x & kHigh;            // high bit of each zero byte
    uint64_t bits = 0;
    while (zero != 0) {
      const int byte = std::countr_zero(zero) / 8;      // 1..7
      bits |= uint64_t{1} << (byte - 1);
      zero &= zero - 1;
    }
    return bits & present();
  }
};
static_assert(sizeof(TableBucket) == 64, "a bucket is one 64-byte cache line");
static_assert(TableBucket::kSlots * 8 + 8 == 64, "7 pointers and one metadata word");

template <typename T, typename KeyOf>
class KeyTable {
  struct Array {
    TableBucket* b = nullptr;
    uint64_t mask = 0;      // bucket count - 1
    size_t used = 0;        // entries held
    size_t ever_full = 0;   // buckets with the ever-full bit
    size_t buckets() const { return b ? static_cast<size_t>(mask) + 1 : 0; }
    size_t slots() const { return buckets() * TableBucket::kSlots; }
  };
  static constexpr size_t kNotRehashing = SIZE_MAX;
  static constexpr size_t kEmptyVisitsPerStep = 10;
  // Sixteenths of the slots: the next array is asked of the arena past
  // kPrepareAt, the request ended under kUnprepareAt, the table grows past
  // kGrowAt.
  static constexpr size_t kPrepareAt = 12;
  static constexpr size_t kUnprepareAt = 10;
  static constexpr size_t kGrowAt = 13;

 public:
  static constexpr size_t kMinBuckets = 2;

  // arena: where large bucket arrays come from and go (nullptr: calloc and
  // free inline); it must outlive the table.
  explicit KeyTable(uint64_t seed = 0, BucketArena* arena = nullptr)
      : arena_(arena), seed_(seed) {}
  ~KeyTable() { clear(); }
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  uint64_t seed() const { return seed_; }
  bool is_rehashing() const { return rehash_idx_ != kNotRehashing; }
  size_t bucket_count() const { return t_[0].buckets() + t_[1].buckets(); }
  // Bytes of bucket arrays (MEMORY STATS overhead).
  size_t memory_bytes() const { return bucket_count() * sizeof(TableBucket); }
  // Bytes of the array asked of the arena and not yet taken (0: none).
  size_t prepared_bytes() const { return prepared_; }

  uint64_t hash_of(std::string_view key) const {
    return XXH3_64bits_withSeed(key.data(), key.size(), seed_);
  }

  // ---------------------------------------------------------------- lookup
  // h must be hash_of(key). The non-const lookup does a step of rehash work.
  T* find(std::string_view key, uint64_t h) {
    if (empty()) return nullptr;
    if (is_rehashing()) rehash_step(1);
    return static_cast<const KeyTable*>(this)->find(key, h);
  }
  T* find(std::string_view key, uint64_t h) const {
    if (empty()) return nullptr;
    for (int t = 0; t < 2; ++t) {
      if (t_[t].b != nullptr) {
        if (void** slot = locate(t_[t], key, h)) return static_cast<T*>(*slot);
      }
      if (!is_rehashing()) break;
    }
    return nullptr;
  }

  // Prefetch hints for a batch of lookups (a pipeline): first the home
  // buckets of every key, then, once those lines are likely in cache, the
  // entries whose fingerprints match. Both only read; they never change the
  // table.
  void prefetch_bucket(uint64_t h) const {
    for (const Array& a : t_) {
      if (a.b != nullptr) __builtin_prefetch(&a.b[h & a.mask]);
    }
  }
  void prefetch_entry(uint64_t h) const {
    for (const Array& a : t_) {
      if (a.b == nullptr) continue;
      const TableBucket& bk = a.b[h & a.mask];
      for (uint64_t c = bk.candidates(fingerprint(h)); c != 0; c &= c - 1) {
        __builtin_prefetch(bk.slots[std::countr_zero(c)]);
      }
    }
  }

  // ---------------------------------------------------------------- writes
  // Adds e, whose key (hash h) must not be in the table.
  void insert(T* e, uint64_t h) {
    prepare_insert();
    place(is_rehashing() ? t_[1] : t_[0], e, h);
  }
  // Removes and returns the entry with key, or nullptr.
  T* erase(std::string_view key, uint64_t h) {
    if (empty()) return nullptr;
    if (is_rehashing()) rehash_step(1);
    for (int t = 0; t < 2; ++t) {
      Array& a = t_[t];
      if (a.b != nullptr) {
        TableBucket* bucket = nullptr;
        if (void** slot = locate(a, key, h, &bucket)) {
          T* e = static_cast<T*>(*slot);
          const int i = static_cast<int>(slot - bucket->slots);
          bucket->meta &= ~(uint64_t{1} << i);
          --a.used;
          shrink_if_needed();
          return e;
        }
      }
      if (!is_rehashing()) break;
    }
    return nullptr;
  }
  // Points the slot of key (hash h) at fresh instead of its current entry
  // (an entry reallocated by its owner; fresh has the same key). Returns
  // whether key was found.
  bool replace(std::string_view key, uint64_t h, T* fresh) {
    for (int t = 0; t < 2; ++t) {
      if (t_[t].b != nullptr) {
        if (void** slot = locate(t_[t], key, h)) {
          *slot = fresh;
          return true;
        }
      }
      if (!is_rehashing()) break;
    }
    return false;
  }

  // Points the slot holding old (whose key has hash h) at fresh, matching
  // the slot by pointer: old is never read, so it may already be freed (an
  // entry its owner moved). Returns whether old was found.
  bool replace_entry(uint64_t h, const T* old, T* fresh) {
    const uint8_t fp = fingerprint(h);
    for (int t = 0; t < 2; ++t) {
      const Array& a = t_[t];
      if (a.b != nullptr) {
        uint64_t i = h & a.mask;
        for (size_t n = 0; n <= a.mask; ++n) {
          TableBucket& bk = a.b[i];
          for (uint64_t c = bk.candidates(fp); c != 0; c &= c - 1) {
            void*& slot = bk.slots[std::countr_zero(c)];
            if (slot == old) {
              slot = fresh;
              return true;
            }
          }
          if (!bk.ever_full()) break;
          i = (i + 1) & a.mask;
        }
      }
      if (!is_rehashing()) break;
    }
    return false;
  }

  // Forgets every entry (the owner frees them) and the arrays.
  void clear() {
    release_array(t_[0]);
    release_array(t_[1]);
    if (prepared_ != 0) end_prepared();
    t_[0] = Array{};
    t_[1] = Array{};
    rehash_idx_ = kNotRehashing;
  }
  // Hands every entry and both arrays to out, which must have no arena,
  // and leaves this table empty, keeping its seed and its arena (a request
  // for a prepared array ends here, on the owner's side). out can then be
  // walked and freed anywhere: its arrays go back with std::free.
  void move_contents_to(KeyTable& out) {
    assert(out.arena_ == nullptr);
    if (prepared_ != 0) end_prepared();
    out.clear();
    std::swap(out.t_, t_);
    std::swap(out.rehash_idx_, rehash_idx_);
    out.seed_ = seed_;
  }
  void swap(KeyTable& other) noexcept {
    std::swap(t_, other.t_);
    std::swap(rehash_idx_, other.rehash_idx_);
    std::swap(seed_, other.seed_);
    std::swap(arena_, other.arena_);
    std::swap(prepared_, other.prepared_);
  }

  // Up to n steps of rehash work (the server cron calls this while idle).
  // Returns whether a rehash is still in progress.
  bool rehash_steps(size_t n) {
    if (is_rehashing()) rehash_step(n);
    return is_rehashing();
  }

  // ---------------------------------------------------------------- walks
  // One SCAN step: calls fn(T*) for the entries homed at the cursor's
  // bucket(s) and returns the next cursor, 0 when the scan is complete. fn
  // may modify entries but not insert into or erase from the table.
  template <typename F>
  uint64_t scan(uint64_t cursor, F&& fn) {
    if (empty()) return 0;
    if (!is_rehashing()) {
      visit_home(t_[0], cursor & t_[0].mask, fn);
      return next_cursor(cursor, t_[0].mask);
    }
    const Array* small = &t_[0];
    const Array* large = &t_[1];
    if (small->mask > large->mask) std::swap(small, large);
    visit_home(*small, cursor & small->mask, fn);
    // Every bucket of the larger array that expands the small one's index.
    do {
      visit_home(*large, cursor & large->mask, fn);
      cursor = next_cursor(cursor, large->mask);
    } while ((cursor & (small->mask ^ large->mask)) != 0);
    return cursor;
  }

  // Calls fn(T*) for every entry; fn must not insert or erase.
  template <typename F>
  void for_each(F&& fn) const {
    for (const Array& a : t_) {
      for (size_t i = 0; i < a.buckets(); ++i) {
        const TableBucket& bk = a.b[i];
        for (uint64_t p = bk.present(); p != 0; p &= p - 1) {
          fn(static_cast<T*>(bk.slots[std::countr_zero(p)]));
        }
      }
    }
  }

  // A random entry (nullptr when empty): a random non-empty bucket, then a
  // random entry in it.
  T* random_entry(rt::Random& random) {
    if (empty()) return nullptr;
    if (is_rehashing()) rehash_step(1);
    const size_t total = t_[0].buckets() + t_[1].buckets();
    for (int tries = 0; tries < 1000; ++tries) {
      if (T* e = pick_in_bucket(random, random.uniform(total))) return e;
    }
    // Very sparse: walk from a random bucket to the first entry.
    const size_t start = random.uniform(total);
    for (size_t k = 0; k < total; ++k) {
      if (T* e = pick_in_bucket(random, (start + k) % total)) return e;
    }
    return nullptr;
  }

  // Up to count entries from consecutive buckets after a random start (what
  // eviction sampling needs: cheap, roughly random; entries may repeat only
  // if the table is smaller than count). Calls fn(T*) for each.
  template <typename F>
  void sample(size_t count, rt::Random& random, F&& fn) {
    if (empty() || count == 0) return;
    const size_t total = t_[0].buckets() + t_[1].buckets();
    size_t idx = random.uniform(total);
    size_t found = 0;
    for (size_t visits = 0; visits < total && visits < count * 10 + 16 && found < count;
         ++visits, idx = (idx + 1) % total) {
      const TableBucket& bk = bucket_at(idx);
      for (uint64_t p = bk.present(); p != 0 && found < count; p &= p - 1) {
        fn(static_cast<T*>(bk.slots[std::countr_zero(p)]));
        ++found;
      }
    }
  }

  // Reverse-binary increment of the masked bits of v (the SCAN cursor).
  static uint64_t next_cursor(uint64_t v, uint64_t mask) { return next_scan_cursor(v, mask); }

 private:
  static uint8_t fingerprint(uint64_t h) { return static_cast<uint8_t>(h >> 56); }

  const TableBucket& bucket_at(size_t idx) const {
    return idx < t_[0].buckets() ? t_[0].b[idx] : t_[1].b[idx - t_[0].buckets()];
  }

  T* pick_in_bucket(rt::Random& random, size_t idx) {
    const TableBucket& bk = bucket_at(idx);
    uint64_t p = bk.present();
    if (p == 0) return nullptr;
    for (uint64_t skip = random.uniform(static_cast<uint64_t>(std::popcount(p))); skip > 0;
         --skip) {
      p &= p - 1;
    }
    return static_cast<T*>(bk.slots[std::countr_zero(p)]);
  }

  // The slot holding key in a, or nullptr; *bucket_out gets its bucket.
  void** locate(const Array& a, std::string_view key, uint64_t h,
                TableBucket** bucket_out = nullptr) const {
    const uint8_t fp = fingerprint(h);
    uint64_t i = h & a.mask;
    for (size_t n = 0; n <= a.mask; ++n) {
      TableBucket& bk = a.b[i];
      for (uint64_t c = bk.candidates(fp); c != 0; c &= c - 1) {
        const int s = std::countr_zero(c);
        const std::string_view k = KeyOf{}(static_cast<const T*>(bk.slots[s]));
        if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
          if (bucket_out != nullptr) *bucket_out = &bk;
          return &bk.slots[s];
        }
      }
      if (!bk.ever_full()) break;
      i = (i + 1) & a.mask;
    }
    return nullptr;
  }

  // Puts e in the first free slot at or after its home bucket. a must have
  // a free slot.
  static void place(Array& a, T* e, uint64_t h) {
    uint64_t i = h & a.mask;
    for (;;) {
      TableBucket& bk = a.b[i];
      if (!bk.full()) {
        const int s = std::countr_zero(~bk.present() & TableBucket::kPresentMask);
        bk.slots[s] = e;
        const int shift = 8 * (s + 1);
        bk.meta = (bk.meta & ~(uint64_t{0xff} << shift)) |
                  (uint64_t{fingerprint(h)} << shift) | (uint64_t{1} << s);
        ++a.used;
        return;
      }
      if (!bk.ever_full()) {
        bk.meta |= TableBucket::kEverFull;
        ++a.ever_full;
      }
      i = (i + 1) & a.mask;
    }
  }

  // Visits the chain that starts at bucket `home` of a, reporting the
  // entries homed there.
  template <typename F>
  void visit_home(const Array& a, uint64_t home, F& fn) const {
    if (a.b == nullptr) return;
    uint64_t i = home;
    for (size_t n = 0; n <= a.mask; ++n) {
      const TableBucket& bk = a.b[i];
      for (uint64_t p = bk.present(); p != 0; p &= p - 1) {
        T* e = static_cast<T*>(bk.slots[std::countr_zero(p)]);
        // Entries displaced here from an earlier home are reported with
        // their own home bucket, not this one.
        if ((hash_of(KeyOf{}(e)) & a.mask) == home) fn(e);
      }
      if (!bk.ever_full()) break;
      i = (i + 1) & a.mask;
    }
  }

  static size_t buckets_for(size_t n) {
    // At most half the slots used after a resize.
    const size_t need = (n * 2 + TableBucket::kSlots - 1) / TableBucket::kSlots;
    return std::bit_ceil(need < kMinBuckets ? kMinBuckets : need);
  }
  static bool over_full(const Array& a, size_t n) { return n * 16 > a.slots() * kGrowAt; }
  // The bucket count a grows to: the count for the first insert past kGrowAt.
  static size_t grow_buckets(const Array& a) {
    return buckets_for(a.slots() * kGrowAt / 16 + 1);
  }

  // A zeroed array of `buckets`: for a grow, the one prepared by the arena
  // if it is ready and of that size, else calloc'd.
  Array alloc_array(size_t buckets) {
    const size_t bytes = buckets * sizeof(TableBucket);
    void* p = nullptr;
    if (prepared_ != 0 && buckets > t_[0].buckets()) {
      // A grow ends the request whether or not its array is used.
      if (prepared_ == bytes) {
        p = arena_->take(bytes);
        prepared_ = 0;
      } else {
        end_prepared();
      }
    }
    if (p == nullptr) p = std::calloc(buckets, sizeof(TableBucket));
    if (p == nullptr) throw std::bad_alloc();
    Array a;
    a.b = static_cast<TableBucket*>(p);
    a.mask = buckets - 1;
    return a;
  }

  void release_array(const Array& a) {
    if (a.b == nullptr) return;
    if (arena_ != nullptr) {
      arena_->give_back(a.b, a.buckets() * sizeof(TableBucket));
    } else {
      std::free(a.b);
    }
  }

  // Ends the request for a prepared array the table will not use.
  void end_prepared() {
    if (void* p = arena_->take(prepared_)) arena_->give_back(p, prepared_);
    prepared_ = 0;
  }

  void prepare_insert() {
    if (is_rehashing()) {
      rehash_step(1);
      // The new array fills faster than the old one drains only when
      // shrinking a sparse array under heavy inserts: finish the move, then
      // size for the load.
      if (is_rehashing() && over_full(t_[1], t_[1].used + 1)) {
        while (is_rehashing()) rehash_step(64);
      }
      if (is_rehashing()) return;
    }
    Array& a = t_[0];
    if (a.b == nullptr) {
      a = alloc_array(kMinBuckets);
    } else if (over_full(a, a.used + 1)) {
      start_resize(buckets_for(a.used + 1));
    } else if (a.ever_full * 4 > a.buckets() * 3) {
      start_resize(a.buckets());  // rebuild: clears the ever-full bits
    } else if (arena_ != nullptr && prepared_ == 0 && (a.used + 1) * 16 > a.slots() * kPrepareAt) {
      prepared_ = grow_buckets(a) * sizeof(TableBucket);
      arena_->prepare(prepared_);
    }
  }

  void shrink_if_needed() {
    if (is_rehashing()) return;
    const Array& a = t_[0];
    if (prepared_ != 0 && a.used * 16 < a.slots() * kUnprepareAt) end_prepared();
    if (a.buckets() > kMinBuckets && a.used * 16 < a.slots()) {
      start_resize(buckets_for(a.used * 2));
    }
  }

  void start_resize(size_t buckets) {
    Array fresh = alloc_array(buckets);
    if (t_[0].used == 0) {
      release_array(t_[0]);
      t_[0] = fresh;
      return;
    }
    t_[1] = fresh;
    rehash_idx_ = 0;
  }

  // Moves up to n non-empty buckets of t_[0] into t_[1], visiting at most
  // n * kEmptyVisitsPerStep empty ones; finishes when t_[0] is empty.
  void rehash_step(size_t n) {
    size_t empty_visits = n * kEmptyVisitsPerStep;
    Array& from = t_[0];
    Array& to = t_[1];
    while (n-- > 0 && from.used != 0) {
      while (from.b[rehash_idx_].present() == 0) {
        ++rehash_idx_;
        if (--empty_visits == 0) return;
      }
      TableBucket& bk = from.b[rehash_idx_];
      for (uint64_t p = bk.present(); p != 0; p &= p - 1) {
        T* e = static_cast<T*>(bk.slots[std::countr_zero(p)]);
        place(to, e, hash_of(KeyOf{}(e)));
        --from.used;
      }
      bk.meta &= TableBucket::kEverFull;  // keep the chain marker for lookups
      ++rehash_idx_;
    }
    if (from.used == 0) {
      release_array(from);
      from = to;
      to = Array{};
      rehash_idx_ = kNotRehashing;
    }
  }

  Array t_[2];
  size_t rehash_idx_ = kNotRehashing;  // next bucket of t_[0] to move
  BucketArena* arena_;
  size_t prepared_ = 0;  // bytes asked of arena_ by prepare() and not yet taken
  uint64_t seed_;
};

}  // namespace peregrine::store
