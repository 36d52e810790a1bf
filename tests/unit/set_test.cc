// SetValue and IntSet: the integer test intsets use, intset widths and
// order, each encoding's operations, the conversions between encodings at
// the configured limits, copies, random members, SSCAN steps, and a model
// check against std::set under random limits.
#include "tests/unit/test_random.h"
#include "store/set.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace peregrine::store {
namespace {

using Kind = SetValue::Kind;

using peregrine::testing::TestRandom;

// Limits as Redis 7.0 behaves: no listpack sets.
SetLimits no_listpack() {
  SetLimits l;
  l.max_listpack_entries = 0;
  return l;
}

std::set<std::string> as_set(const SetValue& s) {
  std::set<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace(m); });
  return out;
}

std::vector<std::string> in_order(const SetValue& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

// ------------------------------------------------------------ integers

TEST(SetInteger, AcceptsCanonicalInt64Only) {
  int64_t v = 0;
  EXPECT_TRUE(parse_set_integer("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(parse_set_integer("-1", &v));
  EXPECT_EQ(v, -1);
  EXPECT_TRUE(parse_set_integer("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(parse_set_integer("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  for (const char* bad : {"", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "1e3", "abc",
                          "9223372036854775808", "-9223372036854775809",
                          "12345678901234567890", "00", "0x10", "1a"}) {
    EXPECT_FALSE(parse_set_integer(bad, &v)) << bad;
  }
}

// ------------------------------------------------------------ IntSet

TEST(IntSet, KeepsSortedAndWidens) {
  IntSet s;
  EXPECT_TRUE(s.insert(5));
  EXPECT_TRUE(s.insert(-3));
  EXPECT_TRUE(s.insert(100));
  EXPECT_FALSE(s.insert(5));
  EXPECT_EQ(s.width(), 2u);
  EXPECT_EQ(s.bytes(), 6u);
  EXPECT_TRUE(s.insert(40000));  // needs 4 bytes
  EXPECT_EQ(s.width(), 4u);
  EXPECT_TRUE(s.insert(-5000000000LL));  // needs 8 bytes
  EXPECT_EQ(s.width(), 8u);
  std::vector<int64_t> got;
  for (size_t i = 0; i < s.size(); ++i) got.push_back(s.at(i));
  EXPECT_EQ(got, (std::vector<int64_t>{-5000000000LL, -3, 5, 100, 40000}));
  EXPECT_TRUE(s.contains(40000));
  EXPECT_FALSE(s.contains(40001));
  EXPECT_TRUE(s.erase(-5000000000LL));
  EXPECT_FALSE(s.erase(-5000000000LL));
  EXPECT_EQ(s.width(), 8u);  // never narrows
  EXPECT_EQ(s.min(), -3);
  EXPECT_EQ(s.max(), 40000);
}

TEST(IntSet, WideValueNotFoundInNarrowSet) {
  IntSet s;
  s.insert(1);
  EXPECT_FALSE(s.contains(std::numeric_limits<int64_t>::max()));
  EXPECT_FALSE(s.erase(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(s.width(), 2u);
}

TEST(IntSet, ExtremesAtEveryWidth) {
  IntSet s;
  std::vector<int64_t> vals = {0,      -32768,      32767,      -32769,
                               32768,  INT32_MIN,   INT32_MAX,  int64_t{INT32_MIN} - 1,
                               int64_t{INT32_MAX} + 1, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max()};
  for (int64_t v : vals) EXPECT_TRUE(s.insert(v));
  std::sort(vals.begin(), vals.end());
  ASSERT_EQ(s.size(), vals.size());
  for (size_t i = 0; i < vals.size(); ++i) EXPECT_EQ(s.at(i), vals[i]);
  for (int64_t v : vals) EXPECT_TRUE(s.contains(v));
}

// ------------------------------------------------------------ encodings

TEST(SetValue, FirstMemberPicksEncoding) {
  SetLimits l;  // listpack enabled (128 entries, 64 bytes)
  EXPECT_EQ(SetValue::for_first_member("12", 1, l, 1)->kind(), Kind::kIntset);
  EXPECT_EQ(SetValue::for_first_member("x", 1, l, 1)->kind(), Kind::kListpack);
  EXPECT_EQ(SetValue::for_first_member("x", 129, l, 1)->kind(), Kind::kHashtable);
  // As Redis 7.2's setTypeCreate: the member's length is not looked at
  // (adding it converts); the hint is, for integers too.
  auto long_first = SetValue::for_first_member(std::string(65, 'x'), 1, l, 1);
  EXPECT_EQ(long_first->kind(), Kind::kListpack);
  long_first->add(std::string(65, 'x'), l);
  EXPECT_EQ(long_first->kind(), Kind::kHashtable);
  EXPECT_EQ(SetValue::for_first_member("12", 512, l, 1)->kind(), Kind::kIntset);
  EXPECT_EQ(SetValue::for_first_member("12", 513, l, 1)->kind(), Kind::kHashtable);
  SetLimits few_ints = l;
  few_ints.max_intset_entries = 100;
  EXPECT_EQ(SetValue::for_first_member("12", 120, few_ints, 1)->kind(), Kind::kListpack);
  EXPECT_EQ(SetValue::for_first_member("x", 1, no_listpack(), 1)->kind(), Kind::kHashtable);
  EXPECT_EQ(SetValue::for_first_member("7", 1, no_listpack(), 1)->kind(), Kind::kIntset);
  EXPECT_EQ(SetValue::for_first_member("07", 1, no_listpack(), 1)->kind(), Kind::kHashtable);
}

TEST(SetValue, EncodingNames) {
  EXPECT_EQ(SetValue(Kind::kIntset, 1).encoding(), Encoding::kIntset);
  EXPECT_EQ(SetValue(Kind::kListpack, 1).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetValue(Kind::kHashtable, 1).encoding(), Encoding::kHashtable);
}

TEST(SetValue, IntsetToHashtableOnNonIntegerWithoutListpack) {
  SetValue s(Kind::kIntset, 7);
  const SetLimits l = no_listpack();
  EXPECT_TRUE(s.add("3", l));
  EXPECT_TRUE(s.add("1", l));
  EXPECT_FALSE(s.add("3", l));
  EXPECT_EQ(s.kind(), Kind::kIntset);
  EXPECT_EQ(in_order(s), (std::vector<std::string>{"1", "3"}));
  EXPECT_TRUE(s.add("a", l));
  EXPECT_EQ(s.kind(), Kind::kHashtable);
  EXPECT_EQ(as_set(s), (std::set<std::string>{"1", "3", "a"}));
  EXPECT_TRUE(s.remove("a"));
  EXPECT_EQ(s.kind(), Kind::kHashtable);  // no way back
  EXPECT_TRUE(s.contains("1"));
}

TEST(SetValue, IntsetLimit) {
  SetLimits l = no_listpack();
  l.max_intset_entries = 3;
  SetValue s(Kind::kIntset, 7);
  for (const char* m : {"1", "2", "3"}) EXPECT_TRUE(s.add(m, l));
  EXPECT_EQ(s.kind(), Kind::kIntset);
  EXPECT_FALSE(s.add("3", l));
  EXPECT_EQ(s.kind(), Kind::kIntset);
  EXPECT_TRUE(s.add("4", l));
  EXPECT_EQ(s.kind(), Kind::kHashtable);
  EXPECT_EQ(s.size(), 4u);

  l.max_intset_entries = 0;  // every integer set leaves intset at once
  SetValue z(Kind::kIntset, 7);
  EXPECT_TRUE(z.add("1", l));
  EXPECT_EQ(z.kind(), Kind::kHashtable);
}

// Past set-max-intset-entries an intset becomes a hash table even when a
// listpack would hold it (Redis's maybeConvertIntset).
TEST(SetValue, IntsetOverflowGoesToHashtable) {
  SetLimits l;
  l.max_intset_entries = 2;
  l.max_listpack_entries = 4;
  SetValue s(Kind::kIntset, 7);
  s.add("1", l);
  s.add("2", l);
  EXPECT_EQ(s.kind(), Kind::kIntset);
  s.add("3", l);
  EXPECT_EQ(s.kind(), Kind::kHashtable);
  EXPECT_EQ(as_set(s), (std::set<std::string>{"1", "2", "3"}));
}

// SADD's size hint: a compact set the hint alone would overflow converts
// before the members go in, even if they are all there already.
TEST(SetValue, FitHintConvertsCompactSetsTheHintOverflows) {
  SetLimits l;
  l.max_intset_entries = 3;
  l.max_listpack_entries = 4;
  SetValue i(Kind::kIntset, 7);
  i.add("1", l);
  i.fit_hint(3, l);
  EXPECT_EQ(i.kind(), Kind::kIntset);
  i.fit_hint(4, l);
  EXPECT_EQ(i.kind(), Kind::kHashtable);
  SetValue p(Kind::kListpack, 7);
  p.add("a", l);
  p.fit_hint(4, l);
  EXPECT_EQ(p.kind(), Kind::kListpack);
  p.fit_hint(5, l);
  EXPECT_EQ(p.kind(), Kind::kHashtable);
  EXPECT_EQ(as_set(p), (std::set<std::string>{"a"}));
  SetValue h(Kind::kHashtable, 7);
  h.fit_hint(0, l);
  EXPECT_EQ(h.kind(), Kind::kHashtable);  // never back
}

TEST(SetValue, IntsetToListpackOnNonInteger) {
  SetLimits l;
  l.max_listpack_entries = 3;
  SetValue s(Kind::kIntset, 7);
  s.add("10", l);
  s.add("x", l);
  EXPECT_EQ(s.kind(), Kind::kListpack);
  s.add("y", l);
  EXPECT_EQ(s.kind(), Kind::kListpack);
  EXPECT_FALSE(s.add("10", l));
  EXPECT_TRUE(s.add("z", l));  // a fourth member passes the limit
  EXPECT_EQ(s.kind(), Kind::kHashtable);
  EXPECT_EQ(as_set(s), (std::set<std::string>{"10", "x", "y", "z"}));

  SetValue full(Kind::kIntset, 7);
  full.add("1", l);
  full.add("2", l);
  full.add("3", l);
  full.add("w", l);  // 4 members do not fit a listpack of 3
  EXPECT_EQ(full.kind(), Kind::kHashtable);

  SetValue long_member(Kind::kIntset, 7);
  long_member.add("1", l);
  long_member.add(std::string(65, 'q'), l);
  EXPECT_EQ(long_member.kind(), Kind::kHashtable);
}

TEST(SetValue, ListpackValueLimit) {
  SetLimits l;
  l.max_listpack_value = 4;
  SetValue s(Kind::kListpack, 7);
  EXPECT_TRUE(s.add("abcd", l));
  EXPECT_EQ(s.kind(), Kind::kListpack);
  EXPECT_TRUE(s.add("abcde", l));
  EXPECT_EQ(s.kind(), Kind::kHashtable);
  EXPECT_TRUE(s.contains("abcd"));
  EXPECT_TRUE(s.contains("abcde"));
}

TEST(SetValue, ListpackOperations) {
  SetLimits l;
  SetValue s(Kind::kListpack, 7);
  EXPECT_TRUE(s.add("", l));
  EXPECT_TRUE(s.add(std::string("a\0b", 3), l));
  EXPECT_TRUE(s.add("5", l));  // integers are plain members here
  EXPECT_FALSE(s.add("", l));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.contains(std::string("a\0b", 3)));
  EXPECT_FALSE(s.contains("a"));
  EXPECT_TRUE(s.remove("5"));
  EXPECT_FALSE(s.remove("5"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.kind(), Kind::kListpack);
}

TEST(SetValue, ConvertPreservesMembers) {
  SetLimits l;
  SetValue s(Kind::kIntset, 7);
  for (int i = -20; i <= 20; i += 3) s.add(std::to_string(i), l);
  const auto before = as_set(s);
  s.convert(Kind::kListpack);
  EXPECT_EQ(as_set(s), before);
  s.convert(Kind::kHashtable);
  EXPECT_EQ(as_set(s), before);
  s.convert(Kind::kIntset);  // all integers: allowed
  EXPECT_EQ(as_set(s), before);
  EXPECT_EQ(s.kind(), Kind::kIntset);
}

TEST(SetValue, MaxMemberLength) {
  SetLimits l;
  SetValue s(Kind::kIntset, 7);
  EXPECT_EQ(s.max_member_length(), 0u);
  s.add("5", l);
  s.add("-100", l);
  EXPECT_EQ(s.max_member_length(), 4u);
  s.add("abcdefgh", l);
  EXPECT_EQ(s.max_member_length(), 8u);
}

TEST(SetValue, CloneIsDeepAndKeepsEncoding) {
  SetLimits l = no_listpack();
  for (Kind k : {Kind::kIntset, Kind::kListpack, Kind::kHashtable}) {
    SetValue s(k, 9);
    SetLimits lim = k == Kind::kListpack ? SetLimits{} : l;
    s.add("1", lim);
    s.add("2", lim);
    auto copy = s.clone();
    auto& c = static_cast<SetValue&>(*copy);
    EXPECT_EQ(c.kind(), s.kind());
    EXPECT_EQ(as_set(c), as_set(s));
    c.remove("1");
    EXPECT_TRUE(s.contains("1"));
    EXPECT_EQ(c.size(), 1u);
  }
}

TEST(SetValue, RandomMembersCoverTheSet) {
  for (Kind k : {Kind::kIntset, Kind::kListpack, Kind::kHashtable}) {
    SetValue s(k, 3);
    SetLimits lim;
    lim.max_intset_entries = 1000;
    lim.max_listpack_entries = 1000;
    for (int i = 0; i < 20; ++i) s.add(std::to_string(i), lim);
    ASSERT_EQ(s.kind(), k);
    TestRandom r(42);
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
      std::string m = s.random_member(r);
      EXPECT_TRUE(s.contains(m));
      seen.insert(m);
    }
    EXPECT_EQ(seen, as_set(s)) << static_cast<int>(k);
  }
}

TEST(SetValue, PopRandomEmptiesTheSet) {
  for (Kind k : {Kind::kIntset, Kind::kListpack, Kind::kHashtable}) {
    SetValue s(k, 3);
    SetLimits lim;
    for (int i = 0; i < 50; ++i) s.add(std::to_string(i * 7), lim);
    auto all = as_set(s);
    TestRandom r(5);
    std::set<std::string> popped;
    while (!s.empty()) {
      std::string m = s.pop_random(r);
      EXPECT_FALSE(s.contains(m));
      EXPECT_TRUE(popped.insert(m).second);
    }
    EXPECT_EQ(popped, all);
  }
}

TEST(SetValue, ScanCompactEncodingsInOneStep) {
  SetValue s(Kind::kIntset, 3);
  SetLimits lim;
  s.add("2", lim);
  s.add("1", lim);
  std::vector<std::string> seen;
  EXPECT_EQ(s.scan(12345, [&](std::string_view m) { seen.emplace_back(m); }), 0u);
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2"}));
}

TEST(SetValue, ScanHashtableVisitsEverything) {
  SetValue s(Kind::kHashtable, 3);
  SetLimits lim;
  for (int i = 0; i < 1000; ++i) s.add("m" + std::to_string(i), lim);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = s.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    ++steps;
  } while (cursor != 0 && steps < 100000);
  EXPECT_EQ(cursor, 0u);
  EXPECT_EQ(seen, as_set(s));
  EXPECT_GT(steps, 1);
}

TEST(SetValue, MemoryUsageGrowsWithMembers) {
  SetLimits lim;
  for (Kind k : {Kind::kIntset, Kind::kListpack, Kind::kHashtable}) {
    SetValue s(k, 3);
    const size_t empty = s.memory_usage();
    EXPECT_GE(empty, sizeof(SetValue));
    for (int i = 0; i < 100; ++i) s.add(std::to_string(i), lim);
    EXPECT_GT(s.memory_usage(), empty + 100) << static_cast<int>(k);
  }
  // An intset of small values takes two bytes a member.
  SetValue small(Kind::kIntset, 3);
  for (int i = 0; i < 100; ++i) small.add(std::to_string(i), lim);
  EXPECT_EQ(small.memory_usage(), sizeof(SetValue) + 200);
}

// ------------------------------------------------------------ model check

TEST(SetValue, MatchesStdSetUnderRandomLimits) {
  bool ok = rc::check("SetValue behaves as std::set", [] {
    SetLimits lim;
    lim.max_intset_entries = *rc::gen::inRange<size_t>(0, 12);
    lim.max_listpack_entries = *rc::gen::inRange<size_t>(0, 12);
    lim.max_listpack_value = *rc::gen::inRange<size_t>(0, 8);
    auto member = rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange(-40000, 40000), [](int i) { return std::to_string(i); }),
        rc::gen::element<std::string>("", "a", "b", "01", "-0", "9223372036854775807",
                                      "-9223372036854775808", "abcdefghij", "3000000000"),
        rc::gen::map(rc::gen::inRange(0, 20), [](int i) { return std::to_string(i); }));
    auto first = *member;
    auto set = SetValue::for_first_member(first, 1, lim, 11);
    std::set<std::string> model;
    const int ops = *rc::gen::inRange(1, 200);
    for (int i = 0; i < ops; ++i) {
      std::string m = *member;
      const int op = *rc::gen::inRange(0, 4);
      if (op < 2) {
        const Kind before = set->kind();
        RC_ASSERT(set->add(m, lim) == model.insert(m).second);
        // Encodings only move towards hashtable.
        RC_ASSERT(static_cast<int>(set->kind()) >= static_cast<int>(before));
      } else if (op == 2) {
        RC_ASSERT(set->remove(m) == (model.erase(m) == 1));
      } else {
        RC_ASSERT(set->contains(m) == (model.count(m) == 1));
      }
      RC_ASSERT(set->size() == model.size());
      if (set->kind() == Kind::kIntset) RC_ASSERT(set->size() <= lim.max_intset_entries);
      if (set->kind() == Kind::kListpack) {
        RC_ASSERT(set->size() <= lim.max_listpack_entries);
        RC_ASSERT(set->max_member_length() <= lim.max_listpack_value);
      }
    }
    RC_ASSERT(as_set(*set) == model);
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace peregrine::store
