// ZTree (the sorted set's "skiplist" encoding: B+ tree + member index):
// a model check against std::set/std::map under random adds, moves,
// removals, rank removals and queries, big enough for many splits, merges,
// rebalances and index resizes, with the structure's invariant checker run
// along the way; sorted loads packing nodes full; deep copies; long
// members; and ZSCAN's guarantee across index growth and shrinking.
#include "store/zset_tree.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/zset.h"
#include "test_random.h"

namespace peregrine::store {
namespace {

using Item = std::pair<std::string, double>;
using peregrine::testing::TestRandom;

// A failed check throws, which fails both a RapidCheck property (and gets
// shrunk) and, through run_or_fail, a plain test.
#define ZT_REQUIRE(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) throw std::runtime_error("line " + std::to_string(__LINE__) + ": " #cond); \
  } while (0)

struct ModelLess {
  bool operator()(const Item& a, const Item& b) const {
    return zset_less(a.second, a.first, b.second, b.first);
  }
};

bool same_double(double a, double b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

std::vector<Item> items_of(const ZTree& t) {
  std::vector<Item> out;
  t.for_each([&](std::string_view m, double s) { out.emplace_back(m, s); });
  return out;
}

// The model: members with their scores, and the same pairs in set order.
struct Model {
  std::set<Item, ModelLess> order;
  std::map<std::string, double> scores;

  void set(const std::string& m, double s) {
    auto it = scores.find(m);
    if (it != scores.end()) order.erase({m, it->second});
    scores[m] = s;
    order.insert({m, s});
  }
  bool erase(const std::string& m) {
    auto it = scores.find(m);
    if (it == scores.end()) return false;
    order.erase({m, it->second});
    scores.erase(it);
    return true;
  }
  size_t rank(const std::string& m) const {
    return static_cast<size_t>(std::distance(order.begin(), order.find({m, scores.at(m)})));
  }
};

std::string member_name(TestRandom& r, uint64_t universe) {
  switch (r.next_u64() % 64) {
    case 0:
      return "";
    case 1:  // long enough for the 9-byte length header
      return std::string(255 + r.next_u64() % 40, static_cast<char>('a' + r.next_u64() % 3));
    case 2:
      return std::string(1, '\xff') + std::to_string(r.next_u64() % 8);
    default:
      return "m" + std::to_string(r.next_u64() % universe);
  }
}

double score_value(TestRandom& r, uint64_t range) {
  switch (r.next_u64() % 32) {
    case 0:
      return -0.0;
    case 1:
      return 0.0;
    case 2:
      return std::numeric_limits<double>::infinity();
    case 3:
      return -std::numeric_limits<double>::infinity();
    case 4:
      return 0.5;
    default:
      return static_cast<double>(r.next_u64() % range);
  }
}

// Runs ops random operations on t and model. Phase weights: grow adds
// more than it removes, shrink the reverse, churn is balanced.
enum class Phase { kGrow, kChurn, kShrink };

void random_ops(TestRandom& r, ZTree& t, Model& model, int ops, Phase phase, uint64_t universe,
                uint64_t score_range) {
  for (int i = 0; i < ops; ++i) {
    uint64_t roll = r.next_u64() % 100;
    // The queries below cost O(n) in the model: keep them to a few per
    // thousand elements so that big trees stay affordable.
    if (roll >= 91 && r.next_u64() % (model.order.size() / 1000 + 1) != 0) roll %= 91;
    const uint64_t add_until = phase == Phase::kGrow ? 70 : phase == Phase::kChurn ? 45 : 20;
    if (roll < add_until) {
      const std::string m = member_name(r, universe);
      const double s = score_value(r, score_range);
      const bool fresh = model.scores.count(m) == 0;
      model.set(m, s);
      ZT_REQUIRE(t.set(m, s) == fresh);
      const ZElem* e = t.find(m);
      ZT_REQUIRE(e != nullptr);
      ZT_REQUIRE(same_double(e->score(), s));
    } else if (roll < 88) {
      // Mostly members that are there.
      std::string m;
      if (!model.scores.empty() && r.next_u64() % 4 != 0) {
        auto it = model.scores.lower_bound(member_name(r, universe));
        if (it == model.scores.end()) it = model.scores.begin();
        m = it->first;
      } else {
        m = member_name(r, universe);
      }
      ZT_REQUIRE(t.erase(m) == model.erase(m));
      ZT_REQUIRE(t.find(m) == nullptr);
    } else if (roll < 91 && !model.order.empty()) {
      // A rank range: pops from either end (cheap in the model too), or,
      // as often as the O(n) model walk is affordable, anywhere.
      const size_t n = model.order.size();
      const uint64_t where = r.next_u64() % 4;
      const bool anywhere = where >= 2 && r.next_u64() % (n / 1000 + 1) == 0;
      const bool long_range = anywhere && phase == Phase::kShrink && r.next_u64() % 16 == 0;
      size_t start = 0;
      size_t len = 0;
      std::set<Item, ModelLess>::iterator first;
      if (anywhere) {
        start = r.next_u64() % n;
        len = long_range ? r.next_u64() % (n - start + 1)
                         : std::min<size_t>(n - start, r.next_u64() % 4);
        first = std::next(model.order.begin(), static_cast<long>(start));
      } else {
        len = std::min<size_t>(n, r.next_u64() % 4);
        start = where == 1 ? n - len : 0;
        first = where == 1 ? std::prev(model.order.end(), static_cast<long>(len))
                           : model.order.begin();
      }
      auto last = std::next(first, static_cast<long>(len));
      for (auto it = first; it != last; ++it) model.scores.erase(it->first);
      model.order.erase(first, last);
      t.erase_ranks(start, start + len);
    } else if (roll < 93 && !model.scores.empty()) {
      auto it = model.scores.lower_bound(member_name(r, universe));
      if (it == model.scores.end()) it = model.scores.begin();
      const ZElem* e = t.find(it->first);
      ZT_REQUIRE(e != nullptr);
      ZT_REQUIRE(t.rank_of(e) == model.rank(it->first));
    } else if (roll < 95 && !model.order.empty()) {
      const size_t rank = r.next_u64() % model.order.size();
      const Item& want = *std::next(model.order.begin(), static_cast<long>(rank));
      const ZTree::Cursor c = t.at(rank);
      ZT_REQUIRE(c.elem()->member() == want.first);
      ZT_REQUIRE(same_double(c.score(), want.second));
    } else if (roll < 97) {
      const double x = score_value(r, score_range);
      const bool inclusive = r.next_u64() % 2 == 0;
      size_t want = 0;
      for (const Item& it : model.order) want += it.second < x || (inclusive && it.second == x);
      ZT_REQUIRE(t.count_below_score(x, inclusive) == want);
    } else if (roll < 98) {
      // Lex counting is meaningful when all scores are equal: check on
      // the model's run of the lowest score only when that is everything.
      const std::string v = member_name(r, universe);
      const bool inclusive = r.next_u64() % 2 == 0;
      bool one_score = true;
      for (const Item& it : model.order) one_score &= it.second == model.order.begin()->second;
      if (one_score) {
        size_t want = 0;
        for (const Item& it : model.order) want += it.first < v || (inclusive && it.first == v);
        ZT_REQUIRE(t.count_below_member(v, inclusive) == want);
      }
    } else if (!model.order.empty()) {
      const size_t n = model.order.size();
      const size_t first = r.next_u64() % n;
      const bool reverse = r.next_u64() % 2 == 0;
      const size_t avail = reverse ? first + 1 : n - first;
      const size_t count = 1 + r.next_u64() % std::min<size_t>(avail, 200);
      std::vector<Item> got;
      t.visit(first, count, reverse,
              [&](std::string_view m, double s) { got.emplace_back(m, s); });
      std::vector<Item> want;
      auto it = std::next(model.order.begin(), static_cast<long>(first));
      for (size_t k = 0; k < count; ++k) {
        want.push_back(*it);
        if (k + 1 < count) reverse ? --it : ++it;
      }
      ZT_REQUIRE(got == want);
    }
    ZT_REQUIRE(t.size() == model.scores.size());
    if (i % 512 == 0 && (model.order.size() < 4000 || i % 4096 == 0)) {
      const std::string err = t.check();
      ZT_REQUIRE(err == "");
    }
  }
  const std::string err = t.check();
  ZT_REQUIRE(err == "");
  const std::vector<Item> want(model.order.begin(), model.order.end());
  ZT_REQUIRE(items_of(t) == want);
}

// Grows a tree with random operations, churns it, shrinks it, then copies
// it and churns the copy, checking against the model throughout.
void scenario(uint64_t seed, uint64_t universe, uint64_t score_range, int grow) {
  TestRandom r(seed);
  ZTree t(seed);
  Model model;
  random_ops(r, t, model, grow, Phase::kGrow, universe, score_range);
  random_ops(r, t, model, grow / 2, Phase::kChurn, universe, score_range);
  random_ops(r, t, model, grow * 2, Phase::kShrink, universe, score_range);
  // A copy is deep and independent.
  ZTree copy(t);
  ZT_REQUIRE(copy.check() == "");
  ZT_REQUIRE(items_of(copy) == items_of(t));
  Model copy_model = model;
  random_ops(r, copy, copy_model, 300, Phase::kChurn, universe, score_range);
  ZT_REQUIRE(t.check() == "");
  const std::vector<Item> want(model.order.begin(), model.order.end());
  ZT_REQUIRE(items_of(t) == want);
}

TEST(ZTree, MatchesAModelUnderRandomOperations) {
  bool ok = rc::check("ZTree behaves as an ordered set of (score, member)", [] {
    // RapidCheck scales its generators by test size, which keeps most
    // cases small; the shape comes from a full-size seed instead.
    const uint64_t seed = *rc::gen::resize(100, rc::gen::arbitrary<uint64_t>());
    TestRandom r(seed);
    const uint64_t universes[] = {50, 5000, 100000};
    const uint64_t score_ranges[] = {1, 4, 100, 1000000};
    const int grows[] = {10, 300, 2000, 6000};
    scenario(seed, universes[r.next_u64() % 3], score_ranges[r.next_u64() % 4],
             grows[r.next_u64() % 4]);
  });
  EXPECT_TRUE(ok);
}

// The same, with trees of tens of thousands of elements (three and four
// levels), for a few fixed seeds.
TEST(ZTree, MatchesAModelWhenLarge) {
  const uint64_t score_ranges[] = {4, 1000000, 100};
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    try {
      scenario(seed * 7777, 100000, score_ranges[seed - 1], 30000);
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what();
    }
  }
}

// Adds, moves and removes through the full range of sizes one at a time,
// checking every invariant after every operation while the tree is small
// enough to afford it (index resizes in progress included).
TEST(ZTree, InvariantsHoldAfterEveryOperation) {
  TestRandom r(42);
  ZTree t(7);
  Model model;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 3000; ++i) {
      const std::string m = "k" + std::to_string(r.next_u64() % 2500);
      const double s = static_cast<double>(r.next_u64() % 7);
      model.set(m, s);
      t.set(m, s);
      if (i % 7 == 0) {
        ASSERT_EQ(t.check(), "") << "insert " << i;
      }
    }
    for (int i = 0; i < 4000 && !model.scores.empty(); ++i) {
      if (i % 3 == 0) {
        t.erase_ranks(0, 1);
        model.scores.erase(model.order.begin()->first);
        model.order.erase(model.order.begin());
      } else {
        auto it = model.scores.lower_bound("k" + std::to_string(r.next_u64() % 2500));
        if (it == model.scores.end()) it = model.scores.begin();
        const std::string m = it->first;
        ASSERT_TRUE(t.erase(m));
        model.erase(m);
      }
      if (i % 7 == 0) {
        ASSERT_EQ(t.check(), "") << "erase " << i;
      }
    }
    ASSERT_EQ(t.check(), "");
    ASSERT_EQ(items_of(t), std::vector<Item>(model.order.begin(), model.order.end()));
  }
}

// A tree four levels deep, grown and emptied in random order.
TEST(ZTree, DeepTreeGrowsAndEmpties) {
  TestRandom r(2024);
  ZTree t(11);
  std::vector<std::string> members;
  for (int i = 0; i < 150000; ++i) members.push_back("member:" + std::to_string(i));
  for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[r.next_u64() % i]);
  for (size_t i = 0; i < members.size(); ++i) {
    t.set(members[i], static_cast<double>(r.next_u64() % 1000));
    if (i % 30000 == 0) {
      ASSERT_EQ(t.check(), "");
    }
  }
  ASSERT_EQ(t.check(), "");
  for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[r.next_u64() % i]);
  for (size_t i = 0; i < members.size(); ++i) {
    ASSERT_TRUE(t.erase(members[i]));
    if (i % 30000 == 0) {
      ASSERT_EQ(t.check(), "");
    }
  }
  ASSERT_EQ(t.size(), 0u);
  ASSERT_EQ(t.check(), "");
}

TEST(ZTree, SortedLoadsPackNodesFull) {
  for (bool descending : {false, true}) {
    ZTree t(3);
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
      const int k = descending ? n - 1 - i : i;
      char buf[16];
      std::snprintf(buf, sizeof(buf), "member:%06d", k);
      t.set(buf, k);
    }
    ASSERT_EQ(t.check(), "");
    ASSERT_EQ(t.size(), static_cast<size_t>(n));
    // Full leaves: about n / 62 of them, 1 KiB each; elements of 24 bytes;
    // the index at 10 bytes a slot with 2^17 slots.
    const size_t leaf_bytes = static_cast<size_t>(n) / kZLeafCap * kZNodeBytes;
    const size_t budget = leaf_bytes * 105 / 100 + static_cast<size_t>(n) * 24 +
                          (size_t{1} << 17) * 10 + 64 * kZNodeBytes;
    EXPECT_LE(t.memory_usage(), budget) << "descending=" << descending;
    EXPECT_EQ(t.rank_of(t.find("member:050000")), 50000u);
    EXPECT_EQ(t.at(99999).elem()->member(), "member:099999");
  }
}

TEST(ZTree, UpdatesInPlaceAndByMoving) {
  ZTree t(5);
  for (int i = 0; i < 1000; ++i) t.set("m" + std::to_string(1000 + i), i);
  EXPECT_FALSE(t.set("m1500", 500.5));  // stays between its neighbours
  EXPECT_EQ(t.rank_of(t.find("m1500")), 500u);
  EXPECT_FALSE(t.set("m1500", -1));  // to the front
  EXPECT_EQ(t.rank_of(t.find("m1500")), 0u);
  EXPECT_FALSE(t.set("m1000", 5000));  // to the back
  EXPECT_EQ(t.rank_of(t.find("m1000")), 999u);
  EXPECT_FALSE(t.set("m1001", 1.0));  // same score, no change
  EXPECT_FALSE(t.set("m1500", -0.0));  // moves past nothing; keeps the sign
  EXPECT_TRUE(std::signbit(t.find("m1500")->score()));
  EXPECT_FALSE(t.set("m1500", 0.0));
  EXPECT_FALSE(std::signbit(t.find("m1500")->score()));
  EXPECT_EQ(t.check(), "");
}

TEST(ZTree, LongMembers) {
  ZTree t(9);
  const std::string big(100000, 'x');
  const std::string edge254(254, 'y');
  const std::string edge255(255, 'y');
  t.set(big, 1);
  t.set(edge254, 2);
  t.set(edge255, 3);
  t.set("", 0);
  EXPECT_EQ(t.find(big)->member(), big);
  EXPECT_EQ(t.find(edge254)->member(), edge254);
  EXPECT_EQ(t.find(edge255)->member(), edge255);
  EXPECT_EQ(t.find("")->member(), "");
  EXPECT_EQ(ZElem::bytes_for(254), 8u + 1 + 254);
  EXPECT_EQ(ZElem::bytes_for(255), 8u + 9 + 255);
  EXPECT_EQ(t.check(), "");
  EXPECT_TRUE(t.erase(big));
  EXPECT_EQ(t.check(), "");
}

// Elements present for the whole scan are reported, whatever is added and
// removed between steps (the index grows, then shrinks, mid-scan).
TEST(ZTree, ScanReportsStableMembersAcrossResizes) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    TestRandom r(seed);
    ZTree t(seed);
    std::set<std::string> stable;
    for (int i = 0; i < 300; ++i) {
      const std::string m = "s" + std::to_string(i);
      t.set(m, i);
      stable.insert(m);
    }
    std::set<std::string> seen;
    std::vector<std::string> extra;
    uint64_t cursor = 0;
    int steps = 0;
    do {
      cursor = t.scan(cursor, [&](std::string_view m, double) { seen.emplace(m); });
      ++steps;
      // First grow the set a lot (index doubling several times), then
      // remove what was added (index shrinking).
      if (steps < 200) {
        for (int k = 0; k < 40; ++k) {
          extra.push_back("x" + std::to_string(seed) + "_" + std::to_string(r.next_u64()));
          t.set(extra.back(), static_cast<double>(k));
        }
      } else {
        for (int k = 0; k < 60 && !extra.empty(); ++k) {
          t.erase(extra.back());
          extra.pop_back();
        }
      }
      if (steps % 50 == 0) {
        ASSERT_EQ(t.check(), "");
      }
    } while (cursor != 0 && steps < 1000000);
    ASSERT_EQ(cursor, 0u);
    for (const std::string& m : stable) EXPECT_TRUE(seen.count(m)) << m << " seed " << seed;
  }
}

// Removals shrink the index (down to the minimum for keep == 0), then adds
// grow it again, with the invariants checked around the turn.
TEST(ZTree, AddsDuringAnIndexShrink) {
  for (int keep : {0, 3, 60, 400}) {
    ZTree t(static_cast<uint64_t>(keep) + 1);
    for (int i = 0; i < 4000; ++i) t.set("a" + std::to_string(i), i);
    for (int i = keep; i < 4000; ++i) {
      t.erase("a" + std::to_string(i));
      if (i % 97 == 0) {
        ASSERT_EQ(t.check(), "") << "keep " << keep << " erase " << i;
      }
    }
    for (int i = 0; i < 3000; ++i) {
      t.set("b" + std::to_string(i), i);
      if (i < 300 || i % 53 == 0) {
        ASSERT_EQ(t.check(), "") << "keep " << keep << " add " << i;
      }
    }
    ASSERT_EQ(t.size(), static_cast<size_t>(keep) + 3000);
    ASSERT_EQ(t.check(), "");
  }
}

TEST(ZTree, ScanOfAnIdleSetReportsEachMemberOnce) {
  ZTree t(77);
  for (int i = 0; i < 5000; ++i) t.set("k" + std::to_string(i), i);
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.scan(cursor, [&](std::string_view m, double) { ++seen[std::string(m)]; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 5000u);
  for (const auto& [m, n] : seen) EXPECT_EQ(n, 1) << m;
}

TEST(ZTree, EmptyAfterRemovingEverything) {
  ZTree t(1);
  for (int i = 0; i < 20000; ++i) t.set("k" + std::to_string(i), i % 13);
  t.erase_ranks(0, 20000);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.check(), "");
  EXPECT_EQ(t.count_below_score(100, true), 0u);
  uint64_t calls = 0;
  EXPECT_EQ(t.scan(0, [&](std::string_view, double) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0u);
  EXPECT_LT(t.memory_usage(), 4096u);  // one empty leaf and a minimal index
  t.set("again", 1);
  EXPECT_EQ(t.rank_of(t.find("again")), 0u);
  EXPECT_EQ(t.check(), "");
}

}  // namespace
}  // namespace peregrine::store
