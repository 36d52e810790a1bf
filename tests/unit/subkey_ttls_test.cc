// SubkeyTtls: the deadline table of hash fields and set members, against a
// std::map from name to deadline. RapidCheck draws sets, moves and drops
// over a few names (so deadlines tie and entries move inside the heap);
// after every step the table must answer every name as the map does, put
// an earliest deadline first, and a copy must answer the same.
#include "store/subkey_ttls.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace peregrine::store {
namespace {

// Checks t against want; also empties a copy of t in deadline order.
void expect_same(const SubkeyTtls& t, const std::map<std::string, int64_t>& want) {
  RC_ASSERT(t.size() == want.size());
  RC_ASSERT(t.empty() == want.empty());
  for (const auto& [name, when] : want) RC_ASSERT(t.get(name) == when);
  RC_ASSERT(t.get("never-set") == -1);
  if (want.empty()) return;
  int64_t earliest = want.begin()->second;
  for (const auto& [name, when] : want) earliest = std::min(earliest, when);
  RC_ASSERT(t.next() == earliest);
  RC_ASSERT(want.at(std::string(t.next_name())) == earliest);
  RC_ASSERT(t.due(earliest));
  RC_ASSERT(!t.due(earliest - 1));

  SubkeyTtls copy(t);
  int64_t last = INT64_MIN;
  size_t popped = 0;
  while (!copy.empty()) {
    const std::string name(copy.next_name());
    RC_ASSERT(copy.next() >= last);
    RC_ASSERT(copy.next() == want.at(name));
    last = copy.next();
    RC_ASSERT(copy.drop(name));
    RC_ASSERT(!copy.drop(name));
    ++popped;
  }
  RC_ASSERT(popped == want.size());
  RC_ASSERT(t.size() == want.size());  // the copy is independent
}

TEST(SubkeyTtls, BehavesLikeAMapOfDeadlines) {
  bool ok = rc::check("SubkeyTtls behaves like a map of deadlines", [] {
    SubkeyTtls t(*rc::gen::arbitrary<uint64_t>());
    std::map<std::string, int64_t> want;
    const int steps = *rc::gen::inRange(0, 300);
    for (int i = 0; i < steps; ++i) {
      const std::string name = "m" + std::to_string(*rc::gen::inRange(0, 40));
      if (*rc::gen::inRange(0, 3) == 0) {
        RC_ASSERT(t.drop(name) == (want.erase(name) == 1));
      } else {
        const int64_t when = *rc::gen::inRange(0, 50);
        t.set(name, when);
        want[name] = when;
      }
      expect_same(t, want);
    }
  });
  EXPECT_TRUE(ok);
}

// A large table: memory grows with the entries and the heap stays ordered.
TEST(SubkeyTtls, ManyEntries) {
  SubkeyTtls t(7);
  const size_t empty_bytes = t.memory_usage();
  for (int i = 0; i < 10000; ++i) t.set("member:" + std::to_string(i), 10000 - i);
  EXPECT_EQ(t.size(), 10000u);
  EXPECT_EQ(t.next(), 1);
  EXPECT_EQ(t.next_name(), "member:9999");
  EXPECT_GT(t.memory_usage(), empty_bytes + 10000 * 16);
  for (int i = 0; i < 10000; i += 2) t.set("member:" + std::to_string(i), 0);
  EXPECT_EQ(t.next(), 0);
  int64_t last = -1;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_GE(t.next(), last);
    last = t.next();
    ASSERT_TRUE(t.drop(std::string(t.next_name())));
  }
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace peregrine::store
