// KeyTable (store/key_table.h): a model check against std::unordered_map
// across grow, shrink and rebuild resizes, the SCAN guarantee under churn,
// ever-full cleanup, fingerprint collisions, random_entry and sample.
// Obj (store/obj.h): the single-allocation entry's layout round trips
// (varint boundaries), tags, the TTL slot, heap strings and collections.
#include "tests/unit/test_random.h"
#include "store/key_table.h"
#include "store/list.h"
#include "store/obj.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace peregrine::store {
namespace {

using peregrine::testing::TestRandom;

// ======================================================================
// KeyTable helpers
// ======================================================================

struct E {
  std::string key;
  int value;
};
struct EKey {
  std::string_view operator()(const E* e) const { return e->key; }
};
using Table = KeyTable<E, EKey>;

// A KeyOf that counts its calls: the table reads an entry's key only for a
// fingerprint candidate (lookups) or an entry past the visited home bucket
// (SCAN), so the count measures probe work.
struct CountingKey {
  static inline size_t calls = 0;
  std::string_view operator()(const E* e) const {
    ++calls;
    return e->key;
  }
};
using CountingTable = KeyTable<E, CountingKey>;

std::string key_of(int i) { return "k" + std::to_string(i); }

template <typename T>
void finish_rehash(T& t) {
  for (int i = 0; t.rehash_steps(100); ++i) {
    ASSERT_LT(i, 1 << 20) << "rehash does not finish";
  }
}

// A BucketArena that checks the table keeps the protocol and delivers
// prepared arrays only when told (deliver), or at once (eager). Arrays given
// back are kept until the arena dies, so an address is never reused while
// it watches and an array given back twice is caught.
class TestArena final : public BucketArena {
 public:
  explicit TestArena(bool eager = false) : eager_(eager) {}
  ~TestArena() override {
    for (auto& [bytes, p] : ready_) std::free(p);
    for (auto& [p, bytes] : given_back_) std::free(p);
  }

  void prepare(size_t bytes) override {
    ++prepares;
    if (bytes == 0 || bytes % sizeof(TableBucket) != 0) ++violations;
    ++wanted_[bytes];
    if (eager_) {
      arrive(bytes);
    } else {
      pending_.push_back(bytes);
    }
  }
  void* take(size_t bytes) override {
    ++takes;
    if (wanted_[bytes] == 0) {  // no request of this size to end
      ++violations;
      return nullptr;
    }
    --wanted_[bytes];
    auto it = ready_.find(bytes);
    if (it == ready_.end()) {
      ++late;
      return nullptr;
    }
    void* p = it->second;
    ready_.erase(it);
    taken.push_back(p);
    ++used;
    return p;
  }
  void give_back(void* p, size_t bytes) override {
    if (p == nullptr || !given_back_.emplace(p, bytes).second) ++violations;
  }

  // Delivers each pending array with probability 1/odds (1: all of them).
  void deliver(TestRandom& r, uint64_t odds = 1) {
    std::vector<size_t> still;
    for (size_t bytes : pending_) {
      if (r.uniform(odds) == 0) {
        arrive(bytes);
      } else {
        still.push_back(bytes);
      }
    }
    pending_.swap(still);
  }
  // Requests not yet ended by take().
  size_t open_requests() const {
    size_t n = 0;
    for (const auto& [bytes, w] : wanted_) n += w;
    return n;
  }
  size_t wanted(size_t bytes) const {
    auto it = wanted_.find(bytes);
    return it == wanted_.end() ? 0 : it->second;
  }
  bool was_given_back(void* p) const { return given_back_.count(p) != 0; }
  size_t given_back_bytes(void* p) const {
    auto it = given_back_.find(p);
    return it == given_back_.end() ? 0 : it->second;
  }
  size_t given_back_count() const { return given_back_.size(); }

  size_t prepares = 0, takes = 0, used = 0, late = 0, violations = 0;
  std::vector<void*> taken;

 private:
  // A prepared array arrives: kept while a request of its size is open and
  // not yet served, else the arena's to free.
  void arrive(size_t bytes) {
    void* p = std::calloc(1, bytes);
    if (ready_.count(bytes) < wanted(bytes)) {
      ready_.emplace(bytes, p);
    } else {
      std::free(p);
    }
  }

  bool eager_;
  std::map<size_t, size_t> wanted_;
  std::multimap<size_t, void*> ready_;
  std::vector<size_t> pending_;
  std::map<void*, size_t> given_back_;
};

// The table and the entries it points at, with the expected contents.
struct Owned {
  explicit Owned(uint64_t seed, BucketArena* arena = nullptr) : t(seed, arena) {}
  Table t;
  std::unordered_map<std::string, std::unique_ptr<E>> model;

  uint64_t h(std::string_view k) const { return t.hash_of(k); }
  E* add(const std::string& k, int v) {
    auto e = std::make_unique<E>(E{k, v});
    E* p = e.get();
    t.insert(p, h(k));
    model.emplace(k, std::move(e));
    return p;
  }
  E* model_find(const std::string& k) const {
    auto it = model.find(k);
    return it == model.end() ? nullptr : it->second.get();
  }
  bool remove(const std::string& k) {
    E* got = t.erase(k, h(k));
    E* want = model_find(k);
    if (got != want) return false;
    model.erase(k);
    return true;
  }
};

// Whether for_each visits exactly the model's entries, each once.
template <typename M>
bool for_each_matches(const Table& t, const M& model) {
  std::unordered_set<const E*> seen;
  bool ok = true;
  t.for_each([&](E* e) {
    if (!seen.insert(e).second) ok = false;
  });
  if (!ok || seen.size() != model.size()) return false;
  for (const auto& [k, e] : model) {
    if (seen.count(e.get()) == 0) return false;
  }
  return true;
}

// Runs scan steps until the cursor returns to 0; counts visits per entry.
template <typename T>
std::map<const E*, int> full_scan(T& t, size_t max_steps = size_t{1} << 22) {
  std::map<const E*, int> seen;
  uint64_t cursor = 0;
  size_t steps = 0;
  do {
    cursor = t.scan(cursor, [&](E* e) { ++seen[e]; });
    ++steps;
  } while (cursor != 0 && steps < max_steps);
  EXPECT_EQ(cursor, 0u) << "scan did not terminate";
  return seen;
}

// ======================================================================
// KeyTable: basics
// ======================================================================

TEST(KeyTable, EmptyBehaviour) {
  Table t(5);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.bucket_count(), 0u);
  EXPECT_EQ(t.memory_bytes(), 0u);
  EXPECT_FALSE(t.is_rehashing());
  EXPECT_EQ(t.find("x", t.hash_of("x")), nullptr);
  EXPECT_EQ(static_cast<const Table&>(t).find("x", t.hash_of("x")), nullptr);
  EXPECT_EQ(t.erase("x", t.hash_of("x")), nullptr);
  E fresh{"x", 1};
  EXPECT_FALSE(t.replace("x", t.hash_of("x"), &fresh));
  EXPECT_FALSE(t.rehash_steps(10));
  TestRandom r(1);
  EXPECT_EQ(t.random_entry(r), nullptr);
  int calls = 0;
  t.sample(10, r, [&](E*) { ++calls; });
  EXPECT_EQ(t.scan(0, [&](E*) { ++calls; }), 0u);
  t.for_each([&](E*) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(KeyTable, InsertFindReplaceEraseBinaryKeys) {
  Owned o(42);
  const std::string nul("a\0b", 3);
  const std::string other("a\0c", 3);
  E* a = o.add(nul, 1);
  E* b = o.add(other, 2);
  E* c = o.add("", 3);
  EXPECT_EQ(o.t.size(), 3u);
  EXPECT_EQ(o.t.bucket_count(), Table::kMinBuckets);
  EXPECT_EQ(o.t.memory_bytes(), Table::kMinBuckets * 64);
  EXPECT_EQ(o.t.find(nul, o.h(nul)), a);
  EXPECT_EQ(o.t.find(other, o.h(other)), b);
  EXPECT_EQ(o.t.find("", o.h("")), c);
  EXPECT_EQ(o.t.find("a", o.h("a")), nullptr);
  // A replaced entry is what lookups return afterwards.
  auto fresh = std::make_unique<E>(E{nul, 10});
  ASSERT_TRUE(o.t.replace(nul, o.h(nul), fresh.get()));
  EXPECT_EQ(o.t.find(nul, o.h(nul)), fresh.get());
  o.model[nul] = std::move(fresh);
  EXPECT_EQ(o.t.size(), 3u);
  ASSERT_TRUE(o.remove(nul));
  EXPECT_EQ(o.t.find(nul, o.h(nul)), nullptr);
  EXPECT_EQ(o.t.erase(nul, o.h(nul)), nullptr);
  EXPECT_EQ(o.t.size(), 2u);
  EXPECT_TRUE(for_each_matches(o.t, o.model));
}

TEST(KeyTable, SeedChangesHash) {
  Table a(1), b(2);
  EXPECT_EQ(a.seed(), 1u);
  EXPECT_NE(a.hash_of("hello"), b.hash_of("hello"));
  EXPECT_EQ(a.hash_of("hello"), Table(1).hash_of("hello"));
}

TEST(KeyTable, GrowsIncrementallyAndShrinks) {
  Owned o(7);
  size_t max_buckets = 0;
  bool saw_rehash = false;
  for (int i = 0; i < 20000; ++i) {
    o.add(key_of(i), i);
    saw_rehash |= o.t.is_rehashing();
    max_buckets = std::max(max_buckets, o.t.bucket_count());
  }
  EXPECT_TRUE(saw_rehash) << "growth was not incremental";
  finish_rehash(o.t);
  // At most 13/16 of the slots are used: 20000 entries need >= 3517 buckets.
  EXPECT_GE(o.t.bucket_count(), 4096u);
  EXPECT_LE(o.t.bucket_count(), 8192u);
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(o.t.find(key_of(i), o.h(key_of(i))), o.model_find(key_of(i))) << i;
  for (int i = 0; i < 19990; ++i) ASSERT_TRUE(o.remove(key_of(i))) << i;
  finish_rehash(o.t);
  EXPECT_EQ(o.t.size(), 10u);
  EXPECT_LE(o.t.bucket_count(), 16u) << "the table did not shrink";
  EXPECT_TRUE(for_each_matches(o.t, o.model));
  for (int i = 19990; i < 20000; ++i) ASSERT_TRUE(o.remove(key_of(i)));
  finish_rehash(o.t);
  EXPECT_EQ(o.t.size(), 0u);
  EXPECT_LE(o.t.bucket_count(), Table::kMinBuckets);
}

TEST(KeyTable, ClearAndSwap) {
  Owned a(1), b(2);
  for (int i = 0; i < 300; ++i) a.add(key_of(i), i);  // rehash likely in progress
  b.add("only", 1);
  a.t.swap(b.t);
  std::swap(a.model, b.model);
  EXPECT_EQ(a.t.seed(), 2u);
  EXPECT_EQ(b.t.seed(), 1u);
  EXPECT_TRUE(for_each_matches(a.t, a.model));
  EXPECT_TRUE(for_each_matches(b.t, b.model));
  for (int i = 0; i < 300; ++i) ASSERT_EQ(b.t.find(key_of(i), b.h(key_of(i))), b.model_find(key_of(i))) << i;
  EXPECT_EQ(a.t.find("only", a.h("only")), a.model_find("only"));
  b.t.clear();
  b.model.clear();
  EXPECT_TRUE(b.t.empty());
  EXPECT_EQ(b.t.bucket_count(), 0u);
  EXPECT_FALSE(b.t.is_rehashing());
  EXPECT_EQ(b.t.find(key_of(1), b.h(key_of(1))), nullptr);
  b.add("again", 2);  // usable after clear
  EXPECT_EQ(b.t.find("again", b.h("again")), b.model_find("again"));
}

// Prefetch hints only read: on an empty table, mid-rehash, and for absent
// keys they change nothing.
TEST(KeyTable, PrefetchHintsChangeNothing) {
  Owned o(13);
  o.t.prefetch_bucket(o.h("x"));
  o.t.prefetch_entry(o.h("x"));
  int n = 0;
  while (n < 500 || !o.t.is_rehashing()) {
    o.add(key_of(n), n);
    ++n;
    ASSERT_LT(n, 100000);
  }
  const size_t buckets = o.t.bucket_count();
  for (int i = 0; i < 2 * n; ++i) {
    o.t.prefetch_bucket(o.h(key_of(i)));
    o.t.prefetch_entry(o.h(key_of(i)));
  }
  EXPECT_TRUE(o.t.is_rehashing()) << "a prefetch must not do rehash work";
  EXPECT_EQ(o.t.bucket_count(), buckets);
  EXPECT_EQ(o.t.size(), static_cast<size_t>(n));
  EXPECT_TRUE(for_each_matches(o.t, o.model));
}

TEST(KeyTable, CursorIsReverseBinary) {
  std::vector<uint64_t> cursors;
  uint64_t c = 0;
  do {
    c = Table::next_cursor(c, 7);
    cursors.push_back(c);
  } while (c != 0);
  EXPECT_EQ(cursors, (std::vector<uint64_t>{4, 2, 6, 1, 5, 3, 7, 0}));
}

// The SWAR fingerprint match never misses a present slot whose fingerprint
// equals the probe, and never reports an absent slot.
TEST(KeyTable, BucketCandidatesNeverMiss) {
  TestRandom r(99);
  for (int iter = 0; iter < 200000; ++iter) {
    TableBucket b{};
    b.meta = r.next_u64();
    if (iter % 4 == 0) {  // many equal fingerprints, including 0 and 0xff
      const uint8_t f = static_cast<uint8_t>(r.uniform(3) == 0 ? 0 : r.uniform(2) == 0 ? 0xff : r.next_u64());
      for (int s = 0; s < TableBucket::kSlots; ++s) {
        if (r.uniform(2) == 0) {
          b.meta = (b.meta & ~(uint64_t{0xff} << (8 * (s + 1)))) | (uint64_t{f} << (8 * (s + 1)));
        }
      }
    }
    const uint8_t fp = iter % 2 == 0 ? b.fingerprint(static_cast<int>(r.uniform(7)))
                                     : static_cast<uint8_t>(r.next_u64());
    const uint64_t c = b.candidates(fp);
    ASSERT_EQ(c & ~b.present(), 0u);
    for (int s = 0; s < TableBucket::kSlots; ++s) {
      if ((b.present() >> s & 1) && b.fingerprint(s) == fp) {
        ASSERT_TRUE(c >> s & 1) << std::hex << "meta=" << b.meta << " fp=" << int{fp} << " slot=" << s;
      }
    }
  }
}

// ======================================================================
// 1. Model check against std::unordered_map
// ======================================================================

// with_arena: the table gets a TestArena that delivers prepared arrays at
// random times (often after the grow that wanted them), and the arena's
// protocol checks must hold too.
void check_against_model(const char* name, bool with_arena) {
  size_t runs_with_many_resizes = 0;
  size_t total_grows = 0, total_shrinks = 0;
  size_t arena_used = 0, arena_late = 0;
  const bool ok = rc::check(name, [&] {
    const auto seed = *rc::gen::arbitrary<uint64_t>();
    const uint64_t delivery_odds = *rc::gen::inRange<uint64_t>(1, 200);
    TestRandom delivery(seed ^ 0x5bd1e995);
    std::unique_ptr<TestArena> arena;
    if (with_arena) arena = std::make_unique<TestArena>();
    const int key_space = *rc::gen::inRange(1, 4000);
    const int n_ops = *rc::gen::inRange(0, 5000);
    const auto ops = *rc::gen::container<std::vector<std::tuple<uint8_t, uint16_t, uint16_t>>>(
        static_cast<size_t>(n_ops),
        rc::gen::tuple(rc::gen::inRange<uint8_t>(0, 100), rc::gen::inRange<uint16_t>(0, 65535),
                       rc::gen::inRange<uint16_t>(0, 65535)));
    // Declared after the arena: the table gives its arrays back when it dies.
    Owned o(seed, arena.get());
    int next_value = 0;
    size_t stable_buckets = 0;  // bucket count when last seen not rehashing
    int grows = 0, shrinks = 0;
    size_t op_index = 0;
    for (const auto& [kind, k, arg] : ops) {
      const std::string key = key_of(k % key_space);
      E* want = o.model_find(key);
      if (kind < 30) {  // insert (find first: insert requires an absent key)
        if (want == nullptr) {
          RC_ASSERT(o.t.find(key, o.h(key)) == nullptr);
          o.add(key, next_value++);
        } else {
          RC_ASSERT(o.t.find(key, o.h(key)) == want);
        }
      } else if (kind < 50) {  // erase
        RC_ASSERT(o.remove(key));
      } else if (kind < 70) {  // find, mutating and const
        const Table& ct = o.t;
        RC_ASSERT(((kind & 1) ? ct.find(key, o.h(key)) : o.t.find(key, o.h(key))) == want);
      } else if (kind < 82) {  // replace: the owner reallocated the entry
        auto fresh = std::make_unique<E>(E{key, next_value++});
        RC_ASSERT(o.t.replace(key, o.h(key), fresh.get()) == (want != nullptr));
        if (want != nullptr) o.model[key] = std::move(fresh);  // frees the old one
        RC_ASSERT(o.t.find(key, o.h(key)) == o.model_find(key));
      } else if (kind < 92) {  // idle rehash work
        const bool more = o.t.rehash_steps(1 + arg % 64);
        RC_ASSERT(more == o.t.is_rehashing());
      } else if (kind < 96) {  // bulk insert: drives growth
        const int n = arg % 2500;
        for (int i = 0; i < n && i < key_space; ++i) {
          const std::string bk = key_of((k + i) % key_space);
          if (o.model_find(bk) == nullptr) o.add(bk, next_value++);
          RC_ASSERT(o.t.size() == o.model.size());
        }
      } else {  // bulk erase of most keys: drives shrinking
        std::vector<std::string> victims;
        for (const auto& [mk, mv] : o.model) {
          if (std::hash<std::string>{}(mk) % 16 != arg % 16) victims.push_back(mk);
        }
        for (const auto& vk : victims) {
          RC_ASSERT(o.remove(vk));
          RC_ASSERT(o.t.size() == o.model.size());
        }
      }
      RC_ASSERT(o.t.size() == o.model.size());
      RC_ASSERT(o.t.empty() == o.model.empty());
      if (!o.t.is_rehashing()) {
        const size_t b = o.t.bucket_count();
        if (stable_buckets != 0 && b > stable_buckets) ++grows;
        if (stable_buckets != 0 && b != 0 && b < stable_buckets) ++shrinks;
        if (b != 0) stable_buckets = b;
      }
      if (++op_index % 128 == 0) RC_ASSERT(for_each_matches(o.t, o.model));
      if (arena) {
        arena->deliver(delivery, delivery_odds);
        RC_ASSERT(arena->violations == 0u);
        // At most the table's one request is open, and it is the one the
        // table says it made.
        const size_t prepared = o.t.prepared_bytes();
        RC_ASSERT(arena->open_requests() == (prepared != 0 ? 1u : 0u));
        if (prepared != 0) RC_ASSERT(arena->wanted(prepared) == 1u);
      }
    }
    RC_ASSERT(for_each_matches(o.t, o.model));
    const Table& ct = o.t;
    for (const auto& [mk, e] : o.model) RC_ASSERT(ct.find(mk, o.h(mk)) == e.get());
    total_grows += static_cast<size_t>(grows);
    total_shrinks += static_cast<size_t>(shrinks);
    if (grows >= 3 && shrinks >= 2) ++runs_with_many_resizes;
    if (arena) {
      o.t.clear();
      RC_ASSERT(arena->violations == 0u);
      RC_ASSERT(arena->open_requests() == 0u);
      // Every array the arena handed over came back.
      for (void* p : arena->taken) RC_ASSERT(arena->was_given_back(p));
      arena_used += arena->used;
      arena_late += arena->late;
    }
  });
  EXPECT_TRUE(ok);
  EXPECT_GT(runs_with_many_resizes, 0u) << "no run crossed several grows and shrinks";
  EXPECT_GT(total_grows, 0u);
  EXPECT_GT(total_shrinks, 0u);
  if (with_arena) {
    EXPECT_GT(arena_used, 0u) << "no grow used a prepared array";
    EXPECT_GT(arena_late, 0u) << "no grow came before its prepared array";
  }
}

TEST(KeyTable, MatchesUnorderedMapModel) {
  check_against_model("KeyTable behaves like std::unordered_map", false);
}

TEST(KeyTable, MatchesUnorderedMapModelWithAsynchronousArena) {
  check_against_model("KeyTable with an arena delivering at random times behaves the same", true);
}

// ======================================================================
// 2. SCAN
// ======================================================================

// The SCAN guarantee under random churn between cursor steps, with bursts
// large enough to grow and shrink the table (several times) mid-scan.
TEST(KeyTable, ScanGuaranteeUnderRandomChurn) {
  size_t steps_while_rehashing = 0;
  size_t scans_with_grow = 0, scans_with_shrink = 0;
  const bool ok = rc::check("every key present for the whole scan is visited", [&] {
    const auto seed = *rc::gen::arbitrary<uint64_t>();
    const int initial = *rc::gen::inRange(0, 2000);
    const uint64_t burst_odds = *rc::gen::inRange<uint64_t>(2, 40);  // 1 in burst_odds steps
    const uint64_t burst_max = *rc::gen::inRange<uint64_t>(1, 3000);
    Table t(seed);
    TestRandom rnd(seed ^ 0x5eedULL);
    std::vector<std::unique_ptr<E>> ents;  // by id; reset when erased
    std::vector<bool> stable;              // by id: present since the start, never removed
    std::vector<int> live;                 // ids of present entries, unordered
    std::unordered_set<const E*> live_ptrs;
    auto add = [&](bool from_start) {
      const int id = static_cast<int>(ents.size());
      ents.push_back(std::make_unique<E>(E{key_of(id), id}));
      t.insert(ents.back().get(), t.hash_of(ents.back()->key));
      live.push_back(id);
      live_ptrs.insert(ents.back().get());
      stable.push_back(from_start);
    };
    for (int i = 0; i < initial; ++i) add(true);
    if (rnd.uniform(2) == 0) finish_rehash(t);
    std::set<int> seen;
    uint64_t cursor = 0;
    size_t steps = 0;
    size_t last_buckets = t.bucket_count();
    bool grew = false, shrank = false;
    do {
      if (cursor != 0 && t.is_rehashing()) ++steps_while_rehashing;
      cursor = t.scan(cursor, [&](E* e) {
        // Only entries present now: never a freed or foreign pointer.
        RC_ASSERT(live_ptrs.count(e) == 1u);
        RC_ASSERT(e->key == key_of(e->value));
        seen.insert(e->value);
      });
      RC_ASSERT(++steps < (size_t{1} << 22));
      if (cursor == 0) break;
      // Churn: mostly a few changes, sometimes a burst of inserts or erases.
      uint64_t n_inserts = rnd.uniform(3);
      uint64_t n_erases = rnd.uniform(3);
      if (rnd.uniform(burst_odds) == 0) {
        if (rnd.uniform(2) == 0) {
          n_inserts = rnd.uniform(burst_max);
        } else {
          n_erases = rnd.uniform(burst_max);
        }
      }
      for (uint64_t i = 0; i < n_inserts; ++i) add(false);
      for (uint64_t i = 0; i < n_erases && !live.empty(); ++i) {
        const size_t at = rnd.uniform(live.size());
        const int id = live[at];
        E* e = ents[id].get();
        RC_ASSERT(t.erase(e->key, t.hash_of(e->key)) == e);
        live_ptrs.erase(e);
        ents[id].reset();
        stable[id] = false;
        live[at] = live.back();
        live.pop_back();
      }
      if (rnd.uniform(4) == 0) t.rehash_steps(1 + rnd.uniform(8));
      RC_ASSERT(t.size() == live.size());
      if (t.bucket_count() > last_buckets) grew = true;
      if (t.bucket_count() < last_buckets) shrank = true;
      last_buckets = t.bucket_count();
    } while (true);
    for (size_t id = 0; id < stable.size(); ++id) {
      if (stable[id]) RC_ASSERT(seen.count(static_cast<int>(id)) == 1u);
    }
    scans_with_grow += grew;
    scans_with_shrink += shrank;
  });
  EXPECT_TRUE(ok);
  EXPECT_GT(steps_while_rehashing, 0u) << "the property never scanned a rehashing table mid-scan";
  EXPECT_GT(scans_with_grow, 0u) << "the property never grew the table mid-scan";
  EXPECT_GT(scans_with_shrink, 0u) << "the property never shrank the table mid-scan";
}

// With no changes between calls and no rehash in progress, a scan reports
// every entry exactly once (the header: a step reports only the entries
// homed at the visited bucket). Sizes include loads just under the growth
// threshold, where entries overflow into later buckets.
TEST(KeyTable, ScanExactlyOnceWithoutChanges) {
  std::vector<int> sizes = {0, 1, 2, 7, 11, 12, 22, 45, 91, 92, 100, 364, 500, 728, 729, 1456, 2912, 3000};
  TestRandom r(5);
  for (int i = 0; i < 10; ++i) sizes.push_back(static_cast<int>(r.uniform(4000)));
  for (int n : sizes) {
    for (uint64_t seed : {uint64_t{1}, uint64_t{0xabcdef}}) {
      Owned o(seed * 1000 + static_cast<uint64_t>(n));
      for (int i = 0; i < n; ++i) o.add(key_of(i), i);
      finish_rehash(o.t);
      ASSERT_FALSE(o.t.is_rehashing());
      const auto seen = full_scan(o.t);
      ASSERT_EQ(seen.size(), static_cast<size_t>(n)) << "n=" << n;
      for (const auto& [e, count] : seen) {
        ASSERT_NE(o.model_find(e->key), nullptr);
        ASSERT_EQ(count, 1) << "n=" << n << " seed=" << seed << " key " << e->key
                            << " reported " << count << " times (buckets=" << o.t.bucket_count()
                            << ", home=" << (o.h(e->key) & (o.t.bucket_count() - 1)) << ")";
      }
    }
  }
}

// The same with a grow or a shrink in progress: each entry is in exactly
// one of the two arrays, and each home is visited once.
TEST(KeyTable, ScanExactlyOnceWhileRehashing) {
  for (bool shrinking : {false, true}) {
    Owned o(shrinking ? 3 : 4);
    int n = 0;
    if (!shrinking) {
      while (n < 1000 || !o.t.is_rehashing()) {
        o.add(key_of(n), n);
        ++n;
        ASSERT_LT(n, 100000);
      }
    } else {
      for (; n < 5000; ++n) o.add(key_of(n), n);
      finish_rehash(o.t);
      int next = 0;
      while (!o.t.is_rehashing()) {
        ASSERT_TRUE(o.remove(key_of(next++)));
        ASSERT_LT(next, 5000);
      }
    }
    ASSERT_TRUE(o.t.is_rehashing());
    const auto seen = full_scan(o.t);
    ASSERT_TRUE(o.t.is_rehashing()) << "scan must not do rehash work";
    EXPECT_EQ(seen.size(), o.model.size()) << "shrinking=" << shrinking;
    for (const auto& [k, e] : o.model) {
      auto it = seen.find(e.get());
      ASSERT_NE(it, seen.end()) << k;
      EXPECT_EQ(it->second, 1) << "shrinking=" << shrinking << " key " << k;
    }
  }
}

// Scan over entries that all share one home bucket: their chain wraps past
// other buckets' homes; each entry is still reported exactly once.
TEST(KeyTable, ScanExactlyOnceWithSharedHome) {
  Owned o(11);
  // 40 keys with home bucket 0 in any table of up to 8 buckets (<= 45 entries).
  int found = 0;
  for (int i = 0; found < 40; ++i) {
    const std::string k = key_of(i);
    if ((o.h(k) & 7) == 0) {
      o.add(k, i);
      ++found;
    }
  }
  finish_rehash(o.t);
  ASSERT_EQ(o.t.bucket_count(), 8u);
  const auto seen = full_scan(o.t);
  EXPECT_EQ(seen.size(), 40u);
  std::string repeated;
  for (const auto& [e, count] : seen) {
    if (count != 1) repeated += " " + e->key + "x" + std::to_string(count);
  }
  EXPECT_EQ(repeated, "") << "entries reported more than once";
}

// ======================================================================
// 3. Ever-full cleanup under churn
// ======================================================================

// A long insert/erase churn of distinct keys at a steady size: ever-full
// bits (never cleared by deletes) must be cleaned up by rebuilds, so absent
// lookups stay short and the table does not grow.
TEST(KeyTable, ChurnKeepsProbesShortAndSizeBounded) {
  for (int steady : {40, 2500}) {
    CountingTable t(21);
    std::unordered_map<std::string, std::unique_ptr<E>> model;
    std::vector<std::string> live;
    TestRandom r(77);
    int next = 0;
    auto add = [&] {
      auto e = std::make_unique<E>(E{key_of(next), next});
      ++next;
      t.insert(e.get(), t.hash_of(e->key));
      live.push_back(e->key);
      model.emplace(e->key, std::move(e));
    };
    for (int i = 0; i < steady; ++i) add();
    finish_rehash(t);
    const size_t base_buckets = t.bucket_count();
    size_t max_buckets = base_buckets;
    size_t rebuilds = 0;
    bool was_rehashing = false;
    const int rounds = 150000;
    for (int i = 0; i < rounds; ++i) {
      add();
      const size_t at = r.uniform(live.size());
      const std::string victim = live[at];
      live[at] = live.back();
      live.pop_back();
      ASSERT_EQ(t.erase(victim, t.hash_of(victim)), model[victim].get());
      model.erase(victim);
      ASSERT_EQ(t.size(), static_cast<size_t>(steady));
      max_buckets = std::max(max_buckets, t.bucket_count());
      if (t.is_rehashing() && !was_rehashing) ++rebuilds;
      was_rehashing = t.is_rehashing();
      if (i % 50000 == 0) {
        const std::string& k = live[r.uniform(live.size())];
        ASSERT_EQ(t.find(k, t.hash_of(k)), model[k].get());
      }
    }
    EXPECT_GT(rebuilds, 0u) << "steady=" << steady << ": no same-size rebuild in " << rounds
                            << " churn rounds";
    EXPECT_LE(max_buckets, 2 * base_buckets) << "steady=" << steady;
    finish_rehash(t);
    EXPECT_EQ(t.bucket_count(), base_buckets) << "steady=" << steady;
    // Every present key is found.
    for (const auto& [k, e] : model) ASSERT_EQ(t.find(k, t.hash_of(k)), e.get()) << k;
    // Absent lookups terminate and compare few keys (a fingerprint match
    // happens once per 256 slots probed, so this bounds the probe length).
    CountingKey::calls = 0;
    const int absent = 20000;
    for (int i = 0; i < absent; ++i) {
      const std::string k = "absent:" + std::to_string(i);
      ASSERT_EQ(t.find(k, t.hash_of(k)), nullptr);
    }
    EXPECT_LT(CountingKey::calls, static_cast<size_t>(absent) / 4)
        << "steady=" << steady << ": absent lookups probe long chains";
    // A full scan walks each home's chain: bounded work per entry.
    CountingKey::calls = 0;
    uint64_t cursor = 0;
    size_t reported = 0;
    do {
      cursor = t.scan(cursor, [&](E*) { ++reported; });
    } while (cursor != 0);
    EXPECT_GE(reported, static_cast<size_t>(steady));
    EXPECT_LT(CountingKey::calls, static_cast<size_t>(steady) * 16)
        << "steady=" << steady << ": scan walks long ever-full chains";
    t.clear();
  }
}

// ======================================================================
// 4. Fingerprint collisions
// ======================================================================

// Keys whose hashes share the top byte (the fingerprint) and the low bits
// (the home bucket in every table of up to 16 buckets): every lookup sees
// fingerprint matches that are not its key, and the chain wraps the table.
TEST(KeyTable, FingerprintAndHomeCollisions) {
  for (uint64_t seed : {uint64_t{3}, uint64_t{1234567}}) {
    Owned o(seed);
    const uint64_t target = o.h("anchor");
    auto same_fp_and_home = [&](const std::string& k) {
      const uint64_t h = o.h(k);
      return (h >> 56) == (target >> 56) && (h & 15) == (target & 15);
    };
    std::vector<std::string> keys;  // all of the same length and prefix
    std::vector<std::string> absent;
    for (uint64_t i = 0; keys.size() < 85 || absent.size() < 40; ++i) {
      std::string k = "c" + std::to_string(1000000000 + i);
      if (!same_fp_and_home(k)) continue;
      if (keys.size() < 85) {
        keys.push_back(std::move(k));
      } else {
        absent.push_back(std::move(k));
      }
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      ASSERT_EQ(o.t.find(keys[i], o.h(keys[i])), nullptr);
      o.add(keys[i], static_cast<int>(i));
      for (size_t j = 0; j <= i; ++j) {
        ASSERT_EQ(o.t.find(keys[j], o.h(keys[j])), o.model_find(keys[j])) << "seed=" << seed << " i=" << i << " j=" << j;
      }
    }
    ASSERT_LE(o.t.bucket_count(), 32u);
    for (const auto& k : absent) ASSERT_EQ(o.t.find(k, o.h(k)), nullptr) << k;
    EXPECT_TRUE(for_each_matches(o.t, o.model));
    // Erase every other key; the rest stay reachable past the gaps.
    for (size_t i = 0; i < keys.size(); i += 2) ASSERT_TRUE(o.remove(keys[i])) << keys[i];
    for (size_t i = 0; i < keys.size(); ++i) {
      ASSERT_EQ(o.t.find(keys[i], o.h(keys[i])), o.model_find(keys[i])) << keys[i];
      ASSERT_EQ(static_cast<const Table&>(o.t).find(keys[i], o.h(keys[i])), o.model_find(keys[i]));
    }
    // Replace within the collision chain.
    for (size_t i = 1; i < keys.size(); i += 4) {
      auto fresh = std::make_unique<E>(E{keys[i], -1});
      ASSERT_TRUE(o.t.replace(keys[i], o.h(keys[i]), fresh.get()));
      o.model[keys[i]] = std::move(fresh);
    }
    for (const auto& k : absent) ASSERT_EQ(o.t.erase(k, o.h(k)), nullptr) << k;
    // Reinsert, then erase everything.
    for (size_t i = 0; i < keys.size(); i += 2) o.add(keys[i], static_cast<int>(i));
    EXPECT_TRUE(for_each_matches(o.t, o.model));
    for (size_t i = keys.size(); i-- > 0;) {
      ASSERT_TRUE(o.remove(keys[i])) << keys[i];
      for (size_t j = 0; j < keys.size(); ++j) {
        ASSERT_EQ(o.t.find(keys[j], o.h(keys[j])), o.model_find(keys[j])) << "after erasing " << i;
      }
    }
    EXPECT_TRUE(o.t.empty());
  }
}

// ======================================================================
// 5. random_entry and sample
// ======================================================================

TEST(KeyTable, RandomEntryCoversAllKeys) {
  for (bool rehashing : {false, true}) {
    Owned o(9);
    TestRandom r(123);
    int n = 0;
    // 100 entries, or a table caught in the middle of a grow near 100.
    while (n < 100 || (rehashing && !o.t.is_rehashing())) {
      o.add(key_of(n), n);
      ++n;
      ASSERT_LT(n, 2000);
    }
    if (!rehashing) finish_rehash(o.t);
    std::map<const E*, int> hits;
    for (int i = 0; i < 20000; ++i) {
      E* e = o.t.random_entry(r);
      ASSERT_NE(e, nullptr);
      ASSERT_EQ(o.model_find(e->key), e);
      ++hits[e];
    }
    EXPECT_EQ(hits.size(), static_cast<size_t>(n)) << "rehashing=" << rehashing;
  }
}

// Mid-grow, random_entry draws from both arrays: entries already moved to
// the new array (those homed in the first old buckets, which move first)
// are returned too.
TEST(KeyTable, RandomEntryReachesBothArraysMidRehash) {
  Owned o(31);
  size_t old_buckets = 0;
  int n = 0;
  while (n < 8000 || !o.t.is_rehashing()) {
    old_buckets = o.t.bucket_count();
    o.add(key_of(n), n);
    ++n;
    ASSERT_LT(n, 100000);
  }
  ASSERT_GE(old_buckets, 2048u);
  // Move about the first half of the old buckets.
  o.t.rehash_steps(old_buckets / 2);
  ASSERT_TRUE(o.t.is_rehashing());
  TestRandom r(3);
  const int draws = 400;
  int moved = 0;
  for (int i = 0; i < draws; ++i) {
    E* e = o.t.random_entry(r);
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(o.model_find(e->key), e);
    // Homed in the first 40% of the old array: certainly moved by now.
    if ((o.h(e->key) & (old_buckets - 1)) < old_buckets * 2 / 5) ++moved;
  }
  EXPECT_GT(moved, draws / 5) << "random_entry ignores the new array";
}

TEST(KeyTable, RandomEntryOnSparseTable) {
  Owned o(4);
  for (int i = 0; i < 5000; ++i) o.add(key_of(i), i);
  finish_rehash(o.t);
  // Erase down to a few entries without letting the table shrink first.
  for (int i = 0; i < 4997; ++i) ASSERT_TRUE(o.remove(key_of(i)));
  TestRandom r(8);
  std::set<const E*> hits;
  for (int i = 0; i < 3000; ++i) {
    E* e = o.t.random_entry(r);
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(o.model_find(e->key), e);
    hits.insert(e);
  }
  EXPECT_EQ(hits.size(), 3u);
}

TEST(KeyTable, SampleReturnsPresentEntries) {
  for (int n : {1, 5, 100, 1000, 1001}) {
    Owned o(static_cast<uint64_t>(n));
    for (int i = 0; i < n; ++i) o.add(key_of(i), i);
    TestRandom r(static_cast<uint64_t>(n) + 1);
    std::set<const E*> ever;
    for (size_t count : {size_t{0}, size_t{1}, size_t{5}, size_t{16}, size_t{200}}) {
      for (int iter = 0; iter < 300; ++iter) {
        std::vector<const E*> got;
        o.t.sample(count, r, [&](E* e) { got.push_back(e); });
        ASSERT_LE(got.size(), count) << "n=" << n;
        if (count > 0) {
          ASSERT_FALSE(got.empty()) << "n=" << n << " count=" << count;
        }
        for (const E* e : got) ASSERT_EQ(o.model_find(e->key), e);
        std::set<const E*> distinct(got.begin(), got.end());
        if (static_cast<size_t>(n) >= count) {
          ASSERT_EQ(distinct.size(), got.size()) << "repeats in a sample: n=" << n << " count=" << count;
        }
        ever.insert(got.begin(), got.end());
      }
    }
    if (n <= 100) {
      EXPECT_EQ(ever.size(), static_cast<size_t>(n)) << "n=" << n;
    }
  }
}

// ======================================================================
// KeyTable of Obj entries
// ======================================================================

// ======================================================================
// KeyTable with a BucketArena
// ======================================================================

// The next array is asked for once an insert passes 12/16 of the slots, is
// twice the current size, and is the array the grow uses when it is ready.
TEST(KeyTable, ArenaPreparedArrayIsUsedForTheGrow) {
  TestArena arena(/*eager=*/true);
  Owned o(3, &arena);
  size_t grows = 0;
  for (int n = 0; grows < 6; ++n) {
    ASSERT_LT(n, 1 << 20);
    const size_t buckets = o.t.bucket_count();
    const bool was_rehashing = o.t.is_rehashing();
    const size_t prepared_before = o.t.prepared_bytes();
    o.add(key_of(n), n);
    if (!was_rehashing && prepared_before == 0 && o.t.prepared_bytes() != 0) {
      // Just asked: the size passed 12/16 of the slots with this insert.
      const size_t slots = buckets * TableBucket::kSlots;
      EXPECT_GT(o.t.size() * 16, slots * 12) << n;
      EXPECT_LE((o.t.size() - 1) * 16, slots * 12) << n;
      EXPECT_EQ(o.t.prepared_bytes(), 2 * buckets * sizeof(TableBucket)) << n;
      EXPECT_FALSE(o.t.is_rehashing());
    }
    if (!was_rehashing && o.t.is_rehashing()) {
      ++grows;
      EXPECT_EQ(o.t.prepared_bytes(), 0u) << "the grow ended the request";
      EXPECT_EQ(arena.used, grows) << "the grow did not take the prepared array";
      finish_rehash(o.t);
      // The taken array is the table's array now: the old one was given
      // back, and clearing would give back exactly the taken one.
      EXPECT_EQ(o.t.bucket_count(), 2 * buckets);
      EXPECT_EQ(arena.given_back_bytes(arena.taken.back()), 0u);
    }
  }
  EXPECT_EQ(arena.late, 0u);
  EXPECT_EQ(arena.violations, 0u);
  void* current = arena.taken.back();
  const size_t bytes = o.t.memory_bytes();
  o.t.clear();
  EXPECT_EQ(arena.given_back_bytes(current), bytes);
  EXPECT_EQ(arena.open_requests(), 0u);
  for (int i = 0; i < 100; ++i) o.t.insert(o.model.at(key_of(i)).get(), o.h(key_of(i)));
  EXPECT_EQ(o.t.find(key_of(7), o.h(key_of(7))), o.model_find(key_of(7))) << "usable after clear";
}

// An array that has not arrived by the grow is not waited for: the table
// callocs its own, and the late one is the arena's to release.
TEST(KeyTable, ArenaLateArrayFallsBackToCalloc) {
  TestArena arena;  // delivers only when told
  Owned o(4, &arena);
  for (int n = 0; n < 20000; ++n) o.add(key_of(n), n);
  finish_rehash(o.t);
  EXPECT_GE(arena.late, 10u);
  EXPECT_EQ(arena.used, 0u);
  EXPECT_EQ(arena.violations, 0u);
  for (int n = 0; n < 20000; ++n) ASSERT_EQ(o.t.find(key_of(n), o.h(key_of(n))), o.model_find(key_of(n)));
  TestRandom r(1);
  arena.deliver(r);  // all late: none is kept
  EXPECT_EQ(arena.open_requests(), o.t.prepared_bytes() != 0 ? 1u : 0u);
  // A request still open is served by an array delivered now.
  while (o.t.prepared_bytes() == 0) o.add(key_of(static_cast<int>(o.model.size())), 0);
  arena.deliver(r);
  const size_t used = arena.used;
  while (!o.t.is_rehashing()) o.add(key_of(static_cast<int>(o.model.size())), 0);
  EXPECT_EQ(arena.used, used + 1);
  EXPECT_TRUE(for_each_matches(o.t, o.model));
}

// Every array the table drops goes back to the arena, once: the old array
// of each finished resize (grow, shrink, rebuild), the arrays of clear()
// and of the destructor; a request the table no longer needs is ended.
TEST(KeyTable, ArenaGetsEveryDroppedArray) {
  TestArena arena(/*eager=*/true);
  size_t resizes = 0;
  {
    Owned o(5, &arena);
    auto watch = [&](bool was_rehashing) {
      if (!was_rehashing && o.t.is_rehashing()) ++resizes;
    };
    // 45000 entries: 8192 buckets, past 12/16 of their slots.
    for (int n = 0; n < 45000; ++n) {
      const bool r = o.t.is_rehashing();
      o.add(key_of(n), n);
      watch(r);
    }
    finish_rehash(o.t);
    EXPECT_EQ(arena.given_back_count(), resizes) << "each finished grow gives its old array back";
    // Back under 10/16 of the slots: the open request is ended.
    ASSERT_NE(o.t.prepared_bytes(), 0u);
    for (int n = 0; n < 45000 && o.t.prepared_bytes() != 0; ++n) {
      const bool r = o.t.is_rehashing();
      ASSERT_TRUE(o.remove(key_of(n)));
      watch(r);
    }
    EXPECT_EQ(arena.open_requests(), 0u);
    EXPECT_EQ(arena.given_back_count(), resizes + 1) << "the ended request's array came back";
    const size_t extra = 1;
    // Shrinks.
    for (int n = 0; n < 44990; ++n) {
      const bool r = o.t.is_rehashing();
      if (o.model_find(key_of(n)) != nullptr) {
        ASSERT_TRUE(o.remove(key_of(n)));
      }
      watch(r);
    }
    finish_rehash(o.t);
    EXPECT_LE(o.t.bucket_count(), 16u);
    EXPECT_EQ(arena.given_back_count(), resizes + extra);
    // The destructor gives back the last array.
  }
  EXPECT_EQ(arena.given_back_count(), resizes + 2);
  for (void* p : arena.taken) EXPECT_TRUE(arena.was_given_back(p));
  EXPECT_EQ(arena.open_requests(), 0u);
  EXPECT_EQ(arena.violations, 0u);
}

TEST(KeyTable, HoldsObjEntriesAcrossReallocation) {
  KeyTable<Obj, ObjKey> t(17);
  std::map<std::string, Obj*> objs;
  for (int i = 0; i < 500; ++i) {
    const std::string k = key_of(i);
    Obj* o = Obj::create_string(k, "v" + std::to_string(i), Encoding::kEmbStr, false);
    t.insert(o, t.hash_of(k));
    objs[k] = o;
  }
  // Give every third key a TTL slot: a new allocation replaces the old one.
  for (int i = 0; i < 500; i += 3) {
    const std::string k = key_of(i);
    Obj* old = objs[k];
    Obj* fresh = Obj::with_ttl_slot(old);  // frees old: match its slot by pointer
    ASSERT_TRUE(t.replace_entry(t.hash_of(k), old, fresh));
    fresh->set_expire_at(1000 + i);
    objs[k] = fresh;
  }
  for (int i = 0; i < 500; ++i) {
    const std::string k = key_of(i);
    Obj* o = t.find(k, t.hash_of(k));
    ASSERT_EQ(o, objs[k]);
    EXPECT_EQ(o->key(), k);
    EXPECT_EQ(o->str(), "v" + std::to_string(i));
    EXPECT_EQ(o->expire_at(), i % 3 == 0 ? 1000 + i : -1);
  }
  t.for_each([](Obj* o) { Obj::destroy(o); });
  t.clear();
}

// ======================================================================
// 6. Obj
// ======================================================================

// Bytes with a position-dependent pattern (NULs included), so offset
// mistakes show up as content mismatches.
std::string pattern(size_t n, int salt) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + static_cast<size_t>(salt)) % 251);
  return s;
}

size_t varint_len(size_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

const size_t kBoundarySizes[] = {0, 1, 127, 128, 16383, 16384, 100000};

TEST(Obj, InlineStringRoundTripsAtVarintBoundaries) {
  for (size_t klen : kBoundarySizes) {
    for (size_t vlen : kBoundarySizes) {
      for (bool ttl : {false, true}) {
        const std::string k = pattern(klen, 1);
        const std::string v = pattern(vlen, 2);
        Obj* o = Obj::create_string(k, v, Encoding::kEmbStr, ttl);
        ASSERT_EQ(o->key(), k) << klen << "/" << vlen << "/" << ttl;
        ASSERT_EQ(o->str(), v) << klen << "/" << vlen << "/" << ttl;
        EXPECT_EQ(o->type(), ObjType::kString);
        EXPECT_EQ(o->encoding(), Encoding::kEmbStr);
        EXPECT_FALSE(o->heap_str());
        EXPECT_FALSE(o->has_ttl());
        EXPECT_EQ(o->has_ttl_slot(), ttl);
        EXPECT_EQ(o->expire_at(), -1);
        EXPECT_EQ(o->lru(), 0u);
        EXPECT_EQ(o->alloc_bytes(),
                  8 + (ttl ? 8u : 0u) + varint_len(klen) + klen + varint_len(vlen) + vlen)
            << klen << "/" << vlen << "/" << ttl;
        EXPECT_EQ(ObjKey{}(o), k);
        Obj::destroy(o);
      }
    }
  }
}

TEST(Obj, CreateFromValueRoundTrips) {
  for (size_t klen : kBoundarySizes) {
    for (size_t vlen : kBoundarySizes) {
      for (bool ttl : {false, true}) {
        const std::string k = pattern(klen, 3);
        const std::string v = pattern(vlen, 4);
        Value val = Value::make_string(v);
        const Encoding enc = val.encoding;
        val.lru = 4242;
        Obj* o = Obj::create(k, std::move(val), ttl);
        ASSERT_EQ(o->key(), k);
        ASSERT_EQ(o->str(), v);
        EXPECT_EQ(o->encoding(), enc);
        EXPECT_EQ(o->type(), ObjType::kString);
        EXPECT_FALSE(o->heap_str());
        EXPECT_EQ(o->lru(), 4242u);
        EXPECT_EQ(o->has_ttl_slot(), ttl);
        Value copy = o->to_value();
        EXPECT_EQ(copy.str, v);
        EXPECT_EQ(copy.encoding, enc);
        EXPECT_EQ(copy.lru, 4242u);
        EXPECT_FALSE(copy.appendable);
        Value back = Obj::release(o);
        EXPECT_EQ(back.str, v);
        EXPECT_EQ(back.lru, 4242u);
        EXPECT_FALSE(back.appendable);

        // The appendable (heap) form.
        Obj* h = Obj::create(k, Value::make_raw_string(v), ttl);
        ASSERT_EQ(h->key(), k);
        ASSERT_EQ(h->str(), v);
        EXPECT_TRUE(h->heap_str());
        EXPECT_EQ(h->encoding(), Encoding::kRaw);
        EXPECT_EQ(h->has_ttl_slot(), ttl);
        EXPECT_EQ(h->alloc_bytes(), 8 + (ttl ? 8u : 0u) + 8 + varint_len(klen) + klen);
        EXPECT_FALSE(h->overwrite_inline(v)) << "a heap string is not inline";
        Obj::destroy(h);
      }
    }
  }
}

TEST(Obj, EmptyKeyAndValue) {
  Obj* o = Obj::create_string("", "", Encoding::kEmbStr, false);
  EXPECT_EQ(o->key(), "");
  EXPECT_EQ(o->str(), "");
  EXPECT_EQ(o->alloc_bytes(), 10u);
  Obj::destroy(o);
  Obj* h = Obj::create("", Value::make_raw_string(""), true);
  EXPECT_EQ(h->key(), "");
  EXPECT_EQ(h->str(), "");
  h->mutable_str() += "grown";
  EXPECT_EQ(h->str(), "grown");
  EXPECT_EQ(h->key(), "");
  Obj::destroy(h);
  Obj::destroy(nullptr);  // a no-op
}

TEST(Obj, TypeAndEncodingTags) {
  const ObjType types[] = {ObjType::kString, ObjType::kList, ObjType::kSet,
                           ObjType::kZSet,   ObjType::kHash, ObjType::kStream};
  for (ObjType type : types) {
    for (int e = 0; e <= static_cast<int>(Encoding::kListpackEx); ++e) {
      const Encoding enc = static_cast<Encoding>(e);
      Obj* o;
      if (type == ObjType::kString) {
        o = Obj::create_string("key", "val", enc, e % 2 == 0);
      } else {
        Value v;
        v.type = type;
        v.encoding = enc;
        v.coll = std::make_unique<ListValue>();  // any Collection will do
        o = Obj::create("key", std::move(v), e % 2 == 0);
      }
      EXPECT_EQ(o->type(), type);
      EXPECT_EQ(o->encoding(), enc);
      const Encoding other = static_cast<Encoding>((e + 3) % 10);
      o->set_encoding(other);
      EXPECT_EQ(o->encoding(), other);
      EXPECT_EQ(o->type(), type) << "set_encoding must keep the type";
      EXPECT_EQ(o->key(), "key");
      Obj::destroy(o);
    }
  }
}

TEST(Obj, TtlSlot) {
  constexpr int64_t kNow = 1'700'000'000'000;
  for (bool heap : {false, true}) {
    const std::string k = pattern(300, 5);
    const std::string v = pattern(200, 6);
    Obj* o = heap ? Obj::create(k, Value::make_raw_string(v), true)
                  : Obj::create_string(k, v, Encoding::kRaw, true);
    o->set_lru(77);
    ASSERT_TRUE(o->has_ttl_slot());
    EXPECT_FALSE(o->has_ttl());
    EXPECT_EQ(o->expire_at(), -1);
    for (int64_t when : {kNow, int64_t{0}, int64_t{1}, std::numeric_limits<int64_t>::max(),
                         int64_t{-5}, kNow + 1}) {
      o->set_expire_at(when);
      EXPECT_TRUE(o->has_ttl());
      EXPECT_EQ(o->expire_at(), when);
      EXPECT_EQ(o->key(), k) << "the expire field must not overlap the key";
      EXPECT_EQ(o->str(), v) << "the expire field must not overlap the value";
    }
    o->clear_ttl();
    EXPECT_FALSE(o->has_ttl());
    ASSERT_TRUE(o->has_ttl_slot()) << "the slot stays after PERSIST";
    EXPECT_EQ(o->expire_at(), -1);
    o->set_expire_at(kNow);
    EXPECT_EQ(o->expire_at(), kNow);
    EXPECT_EQ(o->lru(), 77u);
    EXPECT_EQ(o->key(), k);
    EXPECT_EQ(o->str(), v);
    Obj::destroy(o);
  }
}

TEST(Obj, WithTtlSlotKeepsEverything) {
  for (size_t klen : kBoundarySizes) {
    // Inline string.
    const std::string k = pattern(klen, 7);
    const std::string v = pattern(klen / 2 + 3, 8);
    Obj* o = Obj::create_string(k, v, Encoding::kInt, false);
    o->set_lru(123456);
    ASSERT_FALSE(o->has_ttl_slot());
    o = Obj::with_ttl_slot(o);
    ASSERT_TRUE(o->has_ttl_slot());
    EXPECT_FALSE(o->has_ttl());
    EXPECT_EQ(o->expire_at(), -1);
    EXPECT_EQ(o->key(), k);
    EXPECT_EQ(o->str(), v);
    EXPECT_EQ(o->encoding(), Encoding::kInt);
    EXPECT_EQ(o->type(), ObjType::kString);
    EXPECT_EQ(o->lru(), 123456u);
    EXPECT_FALSE(o->heap_str());
    o->set_expire_at(99);
    EXPECT_EQ(o->expire_at(), 99);
    EXPECT_EQ(o->key(), k);
    EXPECT_EQ(o->str(), v);
    EXPECT_TRUE(o->overwrite_inline(pattern(v.size(), 9)));
    EXPECT_EQ(o->str(), pattern(v.size(), 9));
    EXPECT_EQ(o->expire_at(), 99);
    Obj::destroy(o);

    // Heap string: the same std::string moves over.
    Obj* h = Obj::create(k, Value::make_raw_string(v), false);
    h->set_lru(5);
    std::string* buf = &h->mutable_str();
    h = Obj::with_ttl_slot(h);
    ASSERT_TRUE(h->heap_str());
    EXPECT_EQ(&h->mutable_str(), buf) << "the payload must move, not be copied";
    EXPECT_EQ(h->key(), k);
    EXPECT_EQ(h->str(), v);
    EXPECT_EQ(h->lru(), 5u);
    EXPECT_EQ(h->encoding(), Encoding::kRaw);
    h->set_expire_at(7);
    h->mutable_str() += "tail";
    EXPECT_EQ(h->str(), v + "tail");
    EXPECT_EQ(h->expire_at(), 7);
    Obj::destroy(h);

    // Collection: the same payload moves over.
    Value lv;
    lv.type = ObjType::kList;
    lv.encoding = Encoding::kQuicklist;
    auto list = std::make_unique<ListValue>();
    list->push_back("a");
    list->push_back(v);
    const Collection* payload = list.get();
    lv.coll = std::move(list);
    lv.lru = 9;
    Obj* c = Obj::create(k, std::move(lv), false);
    c = Obj::with_ttl_slot(c);
    EXPECT_EQ(c->coll(), payload);
    EXPECT_EQ(c->type(), ObjType::kList);
    EXPECT_EQ(c->encoding(), Encoding::kQuicklist);
    EXPECT_EQ(c->lru(), 9u);
    EXPECT_EQ(c->key(), k);
    c->set_expire_at(1);
    EXPECT_EQ(c->as<ListValue>().size(), 2u);
    EXPECT_EQ(c->as<ListValue>().at(1), v);
    Obj::destroy(c);
  }
}

TEST(Obj, HeapStringGrowsInPlace) {
  Obj* o = Obj::create("counter", Value::make_raw_string("ab"), false);
  ASSERT_TRUE(o->heap_str());
  EXPECT_EQ(o->encoding(), Encoding::kRaw);
  std::string expect = "ab";
  for (int i = 0; i < 2000; ++i) {
    const std::string piece = pattern(static_cast<size_t>(i % 50), i);
    o->mutable_str().append(piece);
    expect += piece;
  }
  EXPECT_EQ(o->str(), expect);
  EXPECT_EQ(o->key(), "counter");
  EXPECT_EQ(o->alloc_bytes(), 8u + 8 + 1 + 7) << "the allocation does not grow with the string";
  o->mutable_str() = "12";
  o->set_encoding(Encoding::kInt);
  Value copy = o->to_value();
  EXPECT_EQ(copy.str, "12");
  EXPECT_TRUE(copy.appendable);
  EXPECT_EQ(copy.encoding, Encoding::kInt);
  // The copy is independent.
  o->mutable_str() += "3";
  EXPECT_EQ(copy.str, "12");
  Value back = Obj::release(o);
  EXPECT_EQ(back.str, "123");
  EXPECT_TRUE(back.appendable);
  EXPECT_EQ(back.encoding, Encoding::kInt);
  EXPECT_EQ(back.type, ObjType::kString);
  // Round trip through create again keeps it on the heap.
  Obj* again = Obj::create("counter", std::move(back), true);
  EXPECT_TRUE(again->heap_str());
  EXPECT_EQ(again->str(), "123");
  Obj::destroy(again);
}

TEST(Obj, CollectionPayloadCopyAndRelease) {
  Value v;
  v.type = ObjType::kList;
  v.encoding = Encoding::kQuicklist;
  v.lru = 31;
  auto list = std::make_unique<ListValue>();
  for (int i = 0; i < 1000; ++i) list->push_back(key_of(i));  // past one node
  const Collection* payload = list.get();
  v.coll = std::move(list);
  Obj* o = Obj::create("mylist", std::move(v), true);
  EXPECT_EQ(v.coll, nullptr) << "the entry takes the collection over";
  EXPECT_EQ(o->type(), ObjType::kList);
  EXPECT_EQ(o->encoding(), Encoding::kQuicklist);
  EXPECT_EQ(o->coll(), payload);
  EXPECT_EQ(o->key(), "mylist");
  EXPECT_EQ(o->lru(), 31u);
  EXPECT_FALSE(o->heap_str());
  EXPECT_EQ(o->alloc_bytes(), 8u + 8 + 8 + 1 + 6);
  EXPECT_FALSE(o->overwrite_inline("x"));
  o->as<ListValue>().push_front("head");
  const Obj* co = o;
  EXPECT_EQ(co->as<ListValue>().size(), 1001u);
  EXPECT_EQ(co->as<ListValue>().at(0), "head");

  Value copy = o->to_value();  // deep copy
  ASSERT_NE(copy.coll, nullptr);
  EXPECT_NE(copy.coll.get(), payload);
  EXPECT_EQ(copy.type, ObjType::kList);
  EXPECT_EQ(copy.encoding, Encoding::kQuicklist);
  EXPECT_EQ(copy.lru, 31u);
  EXPECT_EQ(copy.as<ListValue>().size(), 1001u);
  o->as<ListValue>().pop_back();
  EXPECT_EQ(copy.as<ListValue>().size(), 1001u) << "the copy is independent";
  EXPECT_EQ(copy.as<ListValue>().at(1000), key_of(999));

  Value back = Obj::release(o);  // payload moved, not copied
  EXPECT_EQ(back.coll.get(), payload);
  EXPECT_EQ(back.type, ObjType::kList);
  EXPECT_EQ(back.lru, 31u);
  EXPECT_EQ(back.as<ListValue>().size(), 1000u);

  // Destroying a collection entry frees the payload (the ASan build checks).
  Obj* again = Obj::create("x", std::move(back), false);
  Obj::destroy(again);
}

TEST(Obj, OverwriteInlineSameLengthOnly) {
  for (bool ttl : {false, true}) {
    Obj* o = Obj::create_string("n", "100", Encoding::kInt, ttl);
    if (ttl) o->set_expire_at(5);
    EXPECT_TRUE(o->overwrite_inline("101"));
    EXPECT_EQ(o->str(), "101");
    EXPECT_FALSE(o->overwrite_inline("99"));
    EXPECT_EQ(o->str(), "101") << "a failed overwrite changes nothing";
    EXPECT_FALSE(o->overwrite_inline("1000"));
    EXPECT_EQ(o->str(), "101");
    EXPECT_EQ(o->key(), "n");
    EXPECT_EQ(o->expire_at(), ttl ? 5 : -1);
    Obj::destroy(o);
  }
  // Across a varint boundary of the value length.
  Obj* big = Obj::create_string(pattern(128, 1), pattern(128, 2), Encoding::kRaw, false);
  EXPECT_TRUE(big->overwrite_inline(pattern(128, 3)));
  EXPECT_EQ(big->str(), pattern(128, 3));
  EXPECT_EQ(big->key(), pattern(128, 1));
  EXPECT_FALSE(big->overwrite_inline(pattern(127, 3)));
  EXPECT_FALSE(big->overwrite_inline(pattern(129, 3)));
  EXPECT_EQ(big->str(), pattern(128, 3));
  Obj::destroy(big);
}

TEST(Obj, LruAndInlineRelease) {
  Obj* o = Obj::create_string("k", "hello", Encoding::kEmbStr, false);
  EXPECT_EQ(o->lru(), 0u);
  o->set_lru(0xffffffffu);
  EXPECT_EQ(o->lru(), 0xffffffffu);
  EXPECT_EQ(o->key(), "k");
  EXPECT_EQ(o->str(), "hello");
  Value v = Obj::release(o);
  EXPECT_EQ(v.str, "hello");
  EXPECT_EQ(v.lru, 0xffffffffu);
  EXPECT_EQ(v.encoding, Encoding::kEmbStr);
  EXPECT_FALSE(v.appendable);
}

}  // namespace
}  // namespace peregrine::store
