// Dict: basic operations, incremental rehash, a model check against
// std::unordered_map, the SCAN cursor guarantee across resizes, and
// random_entry.
#include "tests/unit/test_random.h"
#include "store/dict.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace peregrine::store {
namespace {

using peregrine::testing::TestRandom;

std::string key_of(int i) { return "key:" + std::to_string(i); }

// Runs scan steps until the cursor returns to 0, collecting the keys visited.
// Fails the test if it takes more than max_steps calls.
std::multiset<std::string> full_scan(Dict<int>& d, size_t max_steps = 1 << 20) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  size_t steps = 0;
  do {
    cursor = d.scan(cursor, [&](std::string_view k, int&) { seen.emplace(k); });
    ++steps;
  } while (cursor != 0 && steps < max_steps);
  EXPECT_EQ(cursor, 0u) << "scan did not terminate";
  return seen;
}

void finish_rehash(Dict<int>& d) {
  while (d.rehash_steps(100)) {
  }
}

TEST(Dict, EmptyBehaviour) {
  Dict<int> d(7);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.find("x"), nullptr);
  EXPECT_FALSE(d.erase("x"));
  EXPECT_FALSE(d.extract("x").has_value());
  EXPECT_FALSE(d.find_key("x").has_value());
  EXPECT_EQ(d.bucket_count(), 0u);
  TestRandom r(1);
  EXPECT_FALSE(d.random_entry(r).has_value());
  int calls = 0;
  EXPECT_EQ(d.scan(0, [&](std::string_view, int&) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
}

TEST(Dict, InsertFindUpsertErase) {
  Dict<int> d(42);
  auto [v, inserted] = d.insert("a", 1);
  ASSERT_TRUE(inserted);
  EXPECT_EQ(*v, 1);
  auto [v2, inserted2] = d.insert("a", 2);
  EXPECT_FALSE(inserted2);
  EXPECT_EQ(v2, v);
  EXPECT_EQ(*v2, 1) << "insert must not overwrite";
  EXPECT_EQ(d.upsert("a", 3), 3);
  EXPECT_EQ(*d.find("a"), 3);
  EXPECT_EQ(d.upsert("b", 4), 4);
  EXPECT_EQ(d.size(), 2u);
  ASSERT_TRUE(d.find_key("b").has_value());
  EXPECT_EQ(*d.find_key("b"), "b");
  EXPECT_TRUE(d.contains("b"));
  EXPECT_TRUE(d.erase("a"));
  EXPECT_FALSE(d.erase("a"));
  EXPECT_EQ(d.find("a"), nullptr);
  auto taken = d.extract("b");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(*taken, 4);
  EXPECT_TRUE(d.empty());
}

TEST(Dict, BinaryKeys) {
  Dict<int> d(1);
  std::string with_nul("a\0b", 3);
  std::string other("a\0c", 3);
  d.insert(with_nul, 1);
  d.insert(other, 2);
  d.insert("", 3);
  EXPECT_EQ(*d.find(with_nul), 1);
  EXPECT_EQ(*d.find(other), 2);
  EXPECT_EQ(*d.find(""), 3);
  EXPECT_EQ(d.find(std::string_view("a", 1)), nullptr);
}

// Every key length on both sides of the long-key threshold (8 here, so the
// long form is reached without 4 GiB keys), through insert, grow, scan,
// random sampling, extract and erase; values that own memory so that a
// leak or double free shows under the sanitizers.
TEST(Dict, KeysOfEveryLengthAroundTheLongForm) {
  using LongFormDict = Dict<std::string, 8>;
  LongFormDict d(5);
  std::map<std::string, std::string> model;
  std::string key;
  for (int len = 0; len < 40; ++len) {
    key.assign(static_cast<size_t>(len), '\0');
    for (int i = 0; i < len; ++i) key[static_cast<size_t>(i)] = static_cast<char>('a' + (len * 7 + i) % 26);
    std::string value(static_cast<size_t>(len) * 3, 'v');
    ASSERT_TRUE(d.insert(key, value).second) << len;
    model[key] = value;
    EXPECT_EQ(LongFormDict::node_bytes(key),
              LongFormDict::kNodeHeaderSize + key.size() + (key.size() >= 8 ? 8 : 0));
  }
  EXPECT_EQ(d.size(), model.size());
  for (const auto& [k, v] : model) {
    ASSERT_NE(d.find(k), nullptr) << k.size();
    EXPECT_EQ(*d.find(k), v);
    ASSERT_TRUE(d.find_key(k).has_value());
    EXPECT_EQ(*d.find_key(k), k);
  }
  std::map<std::string, std::string> seen;
  d.for_each([&](std::string_view k, std::string& v) { seen.emplace(std::string(k), v); });
  EXPECT_EQ(seen, model);
  TestRandom r(3);
  for (int i = 0; i < 100; ++i) {
    auto e = d.random_entry(r);
    ASSERT_TRUE(e.has_value());
    ASSERT_TRUE(model.count(std::string(e->first)));
    EXPECT_EQ(*e->second, model[std::string(e->first)]);
  }
  int n = 0;
  for (const auto& [k, v] : model) {
    if (n++ % 2 == 0) {
      auto taken = d.extract(k);
      ASSERT_TRUE(taken.has_value());
      EXPECT_EQ(*taken, v);
    } else {
      EXPECT_TRUE(d.erase(k));
    }
    EXPECT_EQ(d.find(k), nullptr);
  }
  EXPECT_TRUE(d.empty());
}

TEST(Dict, ConstFind) {
  Dict<int> d(3);
  d.insert("k", 5);
  const Dict<int>& cd = d;
  ASSERT_NE(cd.find("k"), nullptr);
  EXPECT_EQ(*cd.find("k"), 5);
  EXPECT_EQ(cd.find("nope"), nullptr);
  int sum = 0;
  cd.for_each([&](std::string_view, const int& v) { sum += v; });
  EXPECT_EQ(sum, 5);
}

TEST(Dict, GrowsIncrementallyAndShrinks) {
  Dict<int> d(99);
  for (int i = 0; i < 4; ++i) d.insert(key_of(i), i);
  EXPECT_EQ(d.bucket_count(), 4u);
  EXPECT_FALSE(d.is_rehashing());
  d.insert(key_of(4), 4);  // load factor 1 reached: a rehash to 8 begins
  EXPECT_TRUE(d.is_rehashing());
  EXPECT_EQ(d.bucket_count(), 4u + 8u);
  for (int i = 0; i <= 4; ++i) {
    ASSERT_NE(d.find(key_of(i)), nullptr) << i;
    EXPECT_EQ(*d.find(key_of(i)), i);
  }
  // A handful of operations finishes the rehash of a 4-bucket table.
  EXPECT_FALSE(d.is_rehashing());
  EXPECT_EQ(d.bucket_count(), 8u);

  for (int i = 5; i < 5000; ++i) d.insert(key_of(i), i);
  finish_rehash(d);
  EXPECT_EQ(d.size(), 5000u);
  EXPECT_EQ(d.bucket_count(), 8192u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(*d.find(key_of(i)), i);

  for (int i = 0; i < 4990; ++i) ASSERT_TRUE(d.erase(key_of(i)));
  finish_rehash(d);
  EXPECT_EQ(d.size(), 10u);
  EXPECT_LE(d.bucket_count(), 128u);
  for (int i = 4990; i < 5000; ++i) ASSERT_EQ(*d.find(key_of(i)), i);
  for (int i = 4990; i < 5000; ++i) ASSERT_TRUE(d.erase(key_of(i)));
  finish_rehash(d);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.bucket_count(), 4u);
}

TEST(Dict, ValuePointersStableAcrossRehash) {
  Dict<int> d(5);
  int* first = d.insert("first", 1).first;
  for (int i = 0; i < 10000; ++i) d.insert(key_of(i), i);
  EXPECT_EQ(d.find("first"), first);
  EXPECT_EQ(*first, 1);
}

TEST(Dict, ClearSwapMove) {
  Dict<int> a(1), b(2);
  for (int i = 0; i < 100; ++i) a.insert(key_of(i), i);
  b.insert("only", 7);
  a.swap(b);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 100u);
  EXPECT_EQ(a.seed(), 2u);
  EXPECT_EQ(*a.find("only"), 7);
  EXPECT_EQ(*b.find(key_of(50)), 50);
  Dict<int> c(std::move(b));
  EXPECT_EQ(c.size(), 100u);
  EXPECT_EQ(*c.find(key_of(99)), 99);
  c.clear();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.find(key_of(99)), nullptr);
  c.insert("again", 1);
  EXPECT_EQ(*c.find("again"), 1);
  a = std::move(c);
  EXPECT_EQ(*a.find("again"), 1);
  EXPECT_EQ(a.find("only"), nullptr);
}

TEST(Dict, NonTrivialValues) {
  Dict<std::string> d(11);
  for (int i = 0; i < 1000; ++i) d.upsert(key_of(i), std::string(100, 'x') + key_of(i));
  for (int i = 0; i < 1000; i += 2) d.erase(key_of(i));
  for (int i = 1; i < 1000; i += 2) ASSERT_EQ(*d.find(key_of(i)), std::string(100, 'x') + key_of(i));
  auto s = d.extract(key_of(1));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, std::string(100, 'x') + key_of(1));
}

// Model check: random insert/upsert/erase/find sequences (with bulk erases
// that force shrinking) agree with std::unordered_map at every step.
TEST(Dict, MatchesUnorderedMapModel) {
  const bool ok = rc::check("Dict behaves like std::unordered_map", [] {
    const auto seed = *rc::gen::arbitrary<uint64_t>();
    const int key_space = *rc::gen::inRange(1, 3000);
    const int n_ops = *rc::gen::inRange(0, 4000);
    const auto ops = *rc::gen::container<std::vector<std::tuple<uint8_t, uint16_t, int>>>(
        static_cast<size_t>(n_ops),
        rc::gen::tuple(rc::gen::inRange<uint8_t>(0, 20), rc::gen::arbitrary<uint16_t>(),
                       rc::gen::arbitrary<int>()));
    Dict<int> d(seed);
    std::unordered_map<std::string, int> model;
    for (const auto& [kind, k, value] : ops) {
      const std::string key = key_of(k % key_space);
      if (kind < 8) {  // insert
        auto [p, inserted] = d.insert(key, value);
        auto [it, model_inserted] = model.emplace(key, value);
        RC_ASSERT(inserted == model_inserted);
        RC_ASSERT(*p == it->second);
      } else if (kind < 11) {  // upsert
        RC_ASSERT(d.upsert(key, value) == value);
        model[key] = value;
      } else if (kind < 15) {  // erase
        RC_ASSERT(d.erase(key) == (model.erase(key) == 1));
      } else if (kind < 19) {  // find
        const int* p = d.find(key);
        auto it = model.find(key);
        RC_ASSERT((p != nullptr) == (it != model.end()));
        if (p != nullptr) RC_ASSERT(*p == it->second);
      } else {  // bulk erase of most keys: drives the table to shrink
        std::vector<std::string> victims;
        for (const auto& [mk, mv] : model) {
          if (std::hash<std::string>{}(mk) % 8 != static_cast<size_t>(value & 7)) {
            victims.push_back(mk);
          }
        }
        for (const auto& vk : victims) {
          RC_ASSERT(d.erase(vk));
          model.erase(vk);
        }
      }
      RC_ASSERT(d.size() == model.size());
    }
    std::unordered_map<std::string, int> contents;
    size_t bytes = 0;
    d.for_each([&](std::string_view k, int& v) {
      RC_ASSERT(contents.emplace(std::string(k), v).second);
      bytes += Dict<int>::node_bytes(k);
    });
    RC_ASSERT(contents == model);
    RC_ASSERT(d.entry_bytes() == bytes);
  });
  EXPECT_TRUE(ok);
}

// Inline string values: set/get against a model, with values whose length
// changes (the entry moves to a new node) or stays (rewritten in place),
// values that are views of the entry's own current value, keys in the long
// form (threshold 8 here), grows, shrinks, a scan that must see every key,
// and the node size MEMORY USAGE counts.
TEST(Dict, InlineStringValuesMatchModel) {
  using InlineDict = Dict<InlineString, 8>;
  const bool ok = rc::check("Dict<InlineString> behaves like std::unordered_map", [] {
    const auto seed = *rc::gen::arbitrary<uint64_t>();
    const int key_space = *rc::gen::inRange(1, 2000);
    const int n_ops = *rc::gen::inRange(0, 3000);
    const auto ops = *rc::gen::container<std::vector<std::tuple<uint8_t, uint16_t, uint8_t>>>(
        static_cast<size_t>(n_ops),
        rc::gen::tuple(rc::gen::inRange<uint8_t>(0, 20), rc::gen::arbitrary<uint16_t>(),
                       rc::gen::arbitrary<uint8_t>()));
    InlineDict d(seed);
    std::unordered_map<std::string, std::string> model;
    for (const auto& [kind, k, len] : ops) {
      // Keys of 3 to 12 bytes: both sides of the long-form threshold.
      std::string key = key_of(k % key_space);
      key.resize(3 + k % 10, '#');
      // Values up to 200 bytes (two-byte varint lengths from 128 on).
      const std::string value(len % 201, static_cast<char>('a' + k % 26));
      if (kind < 9) {  // set
        RC_ASSERT(d.set(key, value) == (model.count(key) == 0));
        model[key] = value;
      } else if (kind < 11) {  // set from a view of the entry's own value
        auto cur = d.get(key);
        RC_ASSERT(cur.has_value() == (model.count(key) == 1));
        if (cur) {
          const std::string_view part = cur->substr(cur->size() / 2);
          const std::string expect(part);
          RC_ASSERT(!d.set(key, part));
          model[key] = expect;
        }
      } else if (kind < 15) {  // erase
        RC_ASSERT(d.erase(key) == (model.erase(key) == 1));
      } else if (kind < 19) {  // get
        auto v = d.get(key);
        auto it = model.find(key);
        RC_ASSERT(v.has_value() == (it != model.end()));
        if (v) RC_ASSERT(*v == it->second);
      } else {  // erase most keys: drives the table to shrink
        std::vector<std::string> victims;
        for (const auto& [mk, mv] : model) {
          if (std::hash<std::string>{}(mk) % 8 != static_cast<size_t>(len & 7)) victims.push_back(mk);
        }
        for (const auto& vk : victims) {
          RC_ASSERT(d.erase(vk));
          model.erase(vk);
        }
      }
      RC_ASSERT(d.size() == model.size());
    }
    std::unordered_map<std::string, std::string> contents;
    size_t bytes = 0;
    d.for_each([&](std::string_view k, std::string_view v) {
      RC_ASSERT(contents.emplace(std::string(k), std::string(v)).second);
      bytes += InlineDict::node_bytes(k, v);
    });
    RC_ASSERT(contents == model);
    size_t expect_bytes = 0;
    for (const auto& [mk, mv] : model) {
      expect_bytes += InlineDict::kNodeHeaderSize + mk.size() + (mk.size() >= 8 ? 8 : 0) +
                      (mv.size() < 128 ? 1 : 2) + mv.size();
    }
    RC_ASSERT(bytes == expect_bytes);
    RC_ASSERT(d.entry_bytes() == expect_bytes);  // kept as entries come, change and go
    std::unordered_map<std::string, std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = d.scan(cursor, [&](std::string_view k, std::string_view v) {
        scanned.emplace(std::string(k), std::string(v));
      });
    } while (cursor != 0);
    RC_ASSERT(scanned == model);
  });
  EXPECT_TRUE(ok);
  static_assert(InlineDict::kNodeHeaderSize == 16, "an inline-string node header is 16 bytes");
}

// With no changes between calls, a scan visits every key exactly once, both
// in the steady state and with a rehash in progress.
TEST(Dict, ScanExactlyOnceWithoutChanges) {
  for (int n : {0, 1, 3, 4, 5, 17, 1000, 1025}) {
    Dict<int> d(static_cast<uint64_t>(n) * 31 + 1);
    for (int i = 0; i < n; ++i) d.insert(key_of(i), i);
    auto seen = full_scan(d);
    ASSERT_EQ(seen.size(), static_cast<size_t>(n)) << "n=" << n << " rehashing=" << d.is_rehashing();
    for (int i = 0; i < n; ++i) ASSERT_EQ(seen.count(key_of(i)), 1u) << "n=" << n;
  }
  // Shrinking rehash in progress.
  Dict<int> d(3);
  for (int i = 0; i < 4096; ++i) d.insert(key_of(i), i);
  finish_rehash(d);
  for (int i = 0; i < 4096 - 50; ++i) d.erase(key_of(i));
  // Erase until a shrink is in progress.
  int next = 4096 - 50;
  while (!d.is_rehashing() && next < 4090) d.erase(key_of(next++));
  ASSERT_TRUE(d.is_rehashing());
  auto seen = full_scan(d);
  EXPECT_EQ(seen.size(), d.size());
  for (int i = next; i < 4096; ++i) EXPECT_EQ(seen.count(key_of(i)), 1u);
}

// Grow several times in the middle of a scan, then shrink in the middle of
// another: keys present throughout are still all visited.
TEST(Dict, ScanSurvivesGrowAndShrinkMidScan) {
  Dict<int> d(77);
  for (int i = 0; i < 100; ++i) d.insert(key_of(i), i);
  finish_rehash(d);
  std::set<std::string> seen;
  auto collect = [&](std::string_view k, int&) { seen.emplace(k); };
  uint64_t cursor = 0;
  for (int step = 0; step < 20; ++step) cursor = d.scan(cursor, collect);
  ASSERT_NE(cursor, 0u);
  const size_t before = d.bucket_count();
  for (int i = 100; i < 20000; ++i) d.insert(key_of(i), i);
  EXPECT_GT(d.bucket_count(), before * 4);
  int steps = 0;
  while (cursor != 0) {
    cursor = d.scan(cursor, collect);
    ASSERT_LT(++steps, 1 << 20);
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count(key_of(i)), 1u) << i;

  // Shrink mid-scan: start over the big table, then drop most of it.
  finish_rehash(d);
  seen.clear();
  cursor = 0;
  for (int step = 0; step < 5000; ++step) cursor = d.scan(cursor, collect);
  ASSERT_NE(cursor, 0u);
  const size_t big = d.bucket_count();
  for (int i = 100; i < 20000; ++i) d.erase(key_of(i));
  EXPECT_TRUE(d.is_rehashing() || d.bucket_count() < big);
  steps = 0;
  while (cursor != 0) {
    cursor = d.scan(cursor, collect);
    ASSERT_LT(++steps, 1 << 20);
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count(key_of(i)), 1u) << i;
}

// The SCAN guarantee under random churn between cursor steps, with bursts
// large enough to grow and shrink the table (several times) mid-scan.
TEST(Dict, ScanGuaranteeUnderRandomChurn) {
  size_t scans_while_rehashing = 0;
  size_t resizes_mid_scan = 0;
  const bool ok = rc::check("every key present for the whole scan is visited", [&] {
    const auto seed = *rc::gen::arbitrary<uint64_t>();
    const int initial = *rc::gen::inRange(0, 1000);
    const uint64_t burst_odds = *rc::gen::inRange<uint64_t>(2, 60);  // 1 in burst_odds steps
    const uint64_t burst_max = *rc::gen::inRange<uint64_t>(1, 3000);
    Dict<int> d(seed);
    TestRandom rnd(seed ^ 0x5eedULL);
    std::vector<int> live;  // ids of present keys, unordered
    std::vector<bool> stable;  // by id: present since the start, never removed
    auto add = [&](bool from_start) {
      const int id = static_cast<int>(stable.size());
      d.insert(key_of(id), id);
      live.push_back(id);
      stable.push_back(from_start);
    };
    for (int i = 0; i < initial; ++i) add(true);
    std::set<int> seen;
    uint64_t cursor = 0;
    size_t steps = 0;
    size_t last_buckets = d.bucket_count();
    do {
      if (d.is_rehashing()) ++scans_while_rehashing;
      cursor = d.scan(cursor, [&](std::string_view k, int& v) {
        RC_ASSERT(std::string(k) == key_of(v));
        seen.insert(v);
      });
      RC_ASSERT(++steps < (size_t{1} << 22));
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
        RC_ASSERT(d.erase(key_of(id)));
        stable[id] = false;
        live[at] = live.back();
        live.pop_back();
      }
      RC_ASSERT(d.size() == live.size());
      if (d.bucket_count() != last_buckets && cursor != 0) ++resizes_mid_scan;
      last_buckets = d.bucket_count();
    } while (cursor != 0);
    for (size_t id = 0; id < stable.size(); ++id) {
      if (stable[id]) RC_ASSERT(seen.count(static_cast<int>(id)) == 1u);
    }
  });
  EXPECT_TRUE(ok);
  EXPECT_GT(scans_while_rehashing, 0u) << "the property never scanned a rehashing table";
  EXPECT_GT(resizes_mid_scan, 0u) << "the property never resized mid-scan";
}

TEST(Dict, ScanCursorReverseBinaryOrder) {
  // Steady 8-bucket table: the cursor sequence is 0,4,2,6,1,5,3,7 then 0.
  Dict<int> d(1);
  for (int i = 0; i < 8; ++i) d.insert(key_of(i), i);
  finish_rehash(d);
  ASSERT_EQ(d.bucket_count(), 8u);
  std::vector<uint64_t> cursors;
  uint64_t c = 0;
  do {
    c = d.scan(c, [](std::string_view, int&) {});
    cursors.push_back(c);
  } while (c != 0);
  EXPECT_EQ(cursors, (std::vector<uint64_t>{4, 2, 6, 1, 5, 3, 7, 0}));
}

TEST(Dict, RandomEntryCoversAllKeys) {
  for (bool rehashing : {false, true}) {
    Dict<int> d(9);
    TestRandom r(123);
    const int n = rehashing ? 129 : 100;  // 129 = a grow from 128 buckets in progress
    for (int i = 0; i < n; ++i) d.insert(key_of(i), i);
    if (!rehashing) finish_rehash(d);
    std::map<std::string, int> hits;
    for (int i = 0; i < 20000; ++i) {
      auto e = d.random_entry(r);
      ASSERT_TRUE(e.has_value());
      ASSERT_EQ(std::string(e->first), key_of(*e->second));
      ++hits[std::string(e->first)];
    }
    EXPECT_EQ(hits.size(), static_cast<size_t>(n)) << "rehashing=" << rehashing;
  }
}

// A random source that always answers 0 must not hang random_entry.
class ZeroRandom : public rt::Random {
 public:
  uint64_t next_u64() override { return 0; }
};

TEST(Dict, RandomEntryTerminatesWithDegenerateRandom) {
  Dict<int> d(4);
  for (int i = 0; i < 3000; ++i) d.insert(key_of(i), i);
  finish_rehash(d);
  for (int i = 0; i < 2990; ++i) d.erase(key_of(i));
  ZeroRandom z;
  for (int i = 0; i < 10; ++i) {
    auto e = d.random_entry(z);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(std::string(e->first), key_of(*e->second));
  }
}

TEST(Dict, ReserveAvoidsGrowth) {
  Dict<int> d(8);
  d.reserve(1000);
  EXPECT_EQ(d.bucket_count(), 1024u);
  for (int i = 0; i < 1000; ++i) d.insert(key_of(i), i);
  EXPECT_FALSE(d.is_rehashing());
  EXPECT_EQ(d.bucket_count(), 1024u);
}

TEST(Dict, SeedChangesPlacementNotContents) {
  Dict<int> a(1), b(2);
  EXPECT_NE(a.hash_of("hello"), b.hash_of("hello"));
  for (int i = 0; i < 50; ++i) {
    a.insert(key_of(i), i);
    b.insert(key_of(i), i);
  }
  auto sa = full_scan(a);
  auto sb = full_scan(b);
  EXPECT_EQ(sa, sb);
}

}  // namespace
}  // namespace peregrine::store
