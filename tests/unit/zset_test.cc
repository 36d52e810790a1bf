// ZSetValue: order (score, then member bytes), both encodings' operations,
// the listpack -> skiplist conversions at the configured limits (and never
// back), results built with from_sorted, ranks and rank intervals of score
// and lex bounds, copies, ZSCAN steps, and a model check of both encodings
// against a std::set of (score, member). Also ZRANK/ZREVRANK WITHSCORE
// (newer than the differential reference) against a running server.
#include "store/zset.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/posix/posix_runtime.h"
#include "server/server.h"

namespace peregrine::store {
namespace {

using Item = std::pair<std::string, double>;

ZSetLimits limits(size_t entries, size_t value) {
  ZSetLimits l;
  l.max_entries = entries;
  l.max_value = value;
  return l;
}

std::vector<Item> items_of(const ZSetValue& z) {
  std::vector<Item> out;
  z.for_each([&](std::string_view m, double s) { out.emplace_back(m, s); });
  return out;
}

std::vector<Item> visit_all(const ZSetValue& z, size_t first, size_t n, bool reverse) {
  std::vector<Item> out;
  z.visit(first, n, reverse, [&](std::string_view m, double s) { out.emplace_back(m, s); });
  return out;
}

LexBound lex(std::string v) {
  LexBound b;
  b.kind = LexBound::Kind::kValue;
  b.value = std::move(v);
  return b;
}

LexBound minus_inf() {
  LexBound b;
  b.kind = LexBound::Kind::kMinusInf;
  return b;
}

LexBound plus_inf() {
  LexBound b;
  b.kind = LexBound::Kind::kPlusInf;
  return b;
}

// Builds a set of both encodings with the same content.
std::pair<ZSetValue, ZSetValue> both(const std::vector<Item>& items) {
  ZSetValue lp(1), sl(2);
  sl.convert_to_skiplist();
  for (const auto& [m, s] : items) {
    lp.set(m, s, limits(1000, 1000));
    sl.set(m, s, limits(1000, 1000));
  }
  return {std::move(lp), std::move(sl)};
}

// ------------------------------------------------------------ basics

TEST(ZSetValue, StartsEmptyAsListpack) {
  ZSetValue z(7);
  EXPECT_TRUE(z.empty());
  EXPECT_EQ(z.size(), 0u);
  EXPECT_EQ(z.encoding(), Encoding::kListpack);
  EXPECT_FALSE(z.score("a"));
  EXPECT_FALSE(z.rank("a"));
  EXPECT_FALSE(z.erase("a"));
}

TEST(ZSetValue, OrdersByScoreThenMemberBytes) {
  for (bool skiplist : {false, true}) {
    ZSetValue z(3);
    if (skiplist) z.convert_to_skiplist();
    const ZSetLimits l = limits(128, 64);
    EXPECT_TRUE(z.set("b", 1, l));
    EXPECT_TRUE(z.set("a", 1, l));
    EXPECT_TRUE(z.set("", 1, l));
    EXPECT_TRUE(z.set("c", 0.5, l));
    EXPECT_TRUE(z.set("\xff", 1, l));  // bytes compare unsigned
    EXPECT_TRUE(z.set("ab", 1, l));
    EXPECT_TRUE(z.set("z", -std::numeric_limits<double>::infinity(), l));
    EXPECT_TRUE(z.set("y", std::numeric_limits<double>::infinity(), l));
    std::vector<Item> want = {{"z", -INFINITY}, {"c", 0.5}, {"", 1},   {"a", 1},
                              {"ab", 1},        {"b", 1},   {"\xff", 1}, {"y", INFINITY}};
    EXPECT_EQ(items_of(z), want) << "skiplist=" << skiplist;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(z.rank(want[i].first), i);
      EXPECT_EQ(z.at(i), want[i]);
      EXPECT_EQ(z.score(want[i].first), want[i].second);
    }
    EXPECT_EQ(z.encoding(), skiplist ? Encoding::kSkiplist : Encoding::kListpack);
  }
}

TEST(ZSetValue, UpdateMovesTheMember) {
  for (bool skiplist : {false, true}) {
    ZSetValue z(3);
    if (skiplist) z.convert_to_skiplist();
    const ZSetLimits l = limits(128, 64);
    for (int i = 0; i < 10; ++i) z.set("m" + std::to_string(i), i, l);
    EXPECT_FALSE(z.set("m0", 100, l));  // not new
    EXPECT_EQ(z.rank("m0"), 9u);
    EXPECT_FALSE(z.set("m9", -1, l));
    EXPECT_EQ(z.rank("m9"), 0u);
    EXPECT_FALSE(z.set("m5", 5.5, l));  // stays in place
    EXPECT_EQ(z.rank("m5"), 5u);
    EXPECT_EQ(z.score("m5"), 5.5);
    EXPECT_EQ(z.size(), 10u);
    EXPECT_TRUE(z.erase("m5"));
    EXPECT_FALSE(z.erase("m5"));
    EXPECT_EQ(z.rank("m6"), 5u);
    EXPECT_EQ(z.size(), 9u);
  }
}

TEST(ZSetValue, ListpackDropsNegativeZero) {
  ZSetValue lp(1);
  lp.set("a", -0.0, limits(128, 64));
  EXPECT_FALSE(std::signbit(*lp.score("a")));
  ZSetValue sl(1);
  sl.convert_to_skiplist();
  sl.set("a", -0.0, limits(128, 64));
  EXPECT_TRUE(std::signbit(*sl.score("a")));
}

// ------------------------------------------------------------ conversions

TEST(ZSetValue, ConvertsPastTheEntryLimit) {
  ZSetValue z(5);
  const ZSetLimits l = limits(3, 64);
  z.set("a", 1, l);
  z.set("b", 2, l);
  z.set("c", 3, l);
  EXPECT_EQ(z.encoding(), Encoding::kListpack);
  z.set("c", 4, l);  // an update does not count
  EXPECT_EQ(z.encoding(), Encoding::kListpack);
  z.set("d", 5, l);
  EXPECT_EQ(z.encoding(), Encoding::kSkiplist);
  EXPECT_EQ(items_of(z), (std::vector<Item>{{"a", 1}, {"b", 2}, {"c", 4}, {"d", 5}}));
  // Never back, however small it gets.
  z.erase("a");
  z.erase("b");
  z.erase("c");
  EXPECT_EQ(z.encoding(), Encoding::kSkiplist);
  EXPECT_EQ(items_of(z), (std::vector<Item>{{"d", 5}}));
}

TEST(ZSetValue, ConvertsOnALongMember) {
  ZSetValue z(5);
  const ZSetLimits l = limits(128, 4);
  z.set("abcd", 1, l);
  EXPECT_EQ(z.encoding(), Encoding::kListpack);
  z.set("abcde", 2, l);
  EXPECT_EQ(z.encoding(), Encoding::kSkiplist);
  EXPECT_EQ(z.rank("abcde"), 1u);
}

TEST(ZSetValue, ZeroEntriesMeansNoListpack) {
  ZSetValue z(5);
  z.set("a", 1, limits(0, 64));
  EXPECT_EQ(z.encoding(), Encoding::kSkiplist);
}

TEST(ZSetValue, FromSortedPicksTheEncoding) {
  std::vector<Item> items = {{"a", 1}, {"b", 2}, {"ccc", 3}};
  EXPECT_EQ(ZSetValue::from_sorted(items, limits(3, 3), 1)->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetValue::from_sorted(items, limits(2, 3), 1)->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(ZSetValue::from_sorted(items, limits(3, 2), 1)->encoding(), Encoding::kSkiplist);
  auto z = ZSetValue::from_sorted(items, limits(2, 3), 1);
  EXPECT_EQ(items_of(*z), items);
  EXPECT_EQ(z->rank("ccc"), 2u);
}

TEST(ZSetValue, CloneIsDeepAndKeepsEncoding) {
  for (bool skiplist : {false, true}) {
    ZSetValue z(9);
    if (skiplist) z.convert_to_skiplist();
    for (int i = 0; i < 50; ++i) z.set("m" + std::to_string(i), i % 7, limits(128, 64));
    auto copy = z.clone();
    auto& c = static_cast<ZSetValue&>(*copy);
    EXPECT_EQ(c.encoding(), z.encoding());
    EXPECT_EQ(items_of(c), items_of(z));
    c.erase("m1");
    c.set("new", 3, limits(128, 64));
    EXPECT_TRUE(z.score("m1"));
    EXPECT_FALSE(z.score("new"));
    EXPECT_EQ(c.size(), z.size());
  }
}

// ------------------------------------------------------------ ranks and bounds

TEST(ZSetValue, VisitForwardAndBackward) {
  auto [lp, sl] = both({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}});
  for (const ZSetValue* z : {&lp, &sl}) {
    EXPECT_EQ(visit_all(*z, 1, 3, false), (std::vector<Item>{{"b", 2}, {"c", 3}, {"d", 4}}));
    EXPECT_EQ(visit_all(*z, 3, 3, true), (std::vector<Item>{{"d", 4}, {"c", 3}, {"b", 2}}));
    EXPECT_EQ(visit_all(*z, 4, 5, true).size(), 5u);
    EXPECT_TRUE(visit_all(*z, 0, 0, false).empty());
  }
}

TEST(ZSetValue, ScoreBoundsCount) {
  auto [lp, sl] = both({{"a", 1}, {"b", 2}, {"c", 2}, {"d", 3}, {"e", INFINITY}});
  for (const ZSetValue* z : {&lp, &sl}) {
    EXPECT_EQ(z->count_below_score(2, false), 1u);
    EXPECT_EQ(z->count_below_score(2, true), 3u);
    EXPECT_EQ(z->count_below_score(-INFINITY, true), 0u);
    EXPECT_EQ(z->count_below_score(INFINITY, false), 4u);
    EXPECT_EQ(z->count_below_score(INFINITY, true), 5u);
    EXPECT_EQ(z->count_below_score(100, true), 4u);
  }
}

TEST(ZSetValue, LexBoundsCount) {
  auto [lp, sl] = both({{"", 0}, {"a", 0}, {"ab", 0}, {"b", 0}, {"c", 0}});
  for (const ZSetValue* z : {&lp, &sl}) {
    EXPECT_EQ(z->count_below_lex(minus_inf(), true), 0u);
    EXPECT_EQ(z->count_below_lex(plus_inf(), false), 5u);
    EXPECT_EQ(z->count_below_lex(lex(""), false), 0u);
    EXPECT_EQ(z->count_below_lex(lex(""), true), 1u);
    EXPECT_EQ(z->count_below_lex(lex("ab"), false), 2u);
    EXPECT_EQ(z->count_below_lex(lex("ab"), true), 3u);
    EXPECT_EQ(z->count_below_lex(lex("aa"), true), 2u);
    EXPECT_EQ(z->count_below_lex(lex("zz"), false), 5u);
  }
}

TEST(ZSetValue, EraseRanks) {
  for (bool skiplist : {false, true}) {
    ZSetValue z(4);
    if (skiplist) z.convert_to_skiplist();
    for (int i = 0; i < 20; ++i) z.set("m" + std::to_string(100 + i), i, limits(128, 64));
    z.erase_ranks(5, 10);
    EXPECT_EQ(z.size(), 15u);
    EXPECT_EQ(z.at(5).first, "m110");
    z.erase_ranks(0, 1);
    EXPECT_EQ(z.at(0).first, "m101");
    z.erase_ranks(13, 14);
    EXPECT_EQ(z.at(12).first, "m118");
    EXPECT_EQ(z.size(), 13u);
    z.erase_ranks(3, 3);
    EXPECT_EQ(z.size(), 13u);
    z.erase_ranks(0, 13);
    EXPECT_TRUE(z.empty());
    EXPECT_FALSE(z.score("m101"));
  }
}

// ------------------------------------------------------------ scan

TEST(ZSetValue, ScanListpackInOneStep) {
  auto [lp, sl] = both({{"a", 1}, {"b", 2}});
  std::vector<Item> got;
  EXPECT_EQ(lp.scan(0, [&](std::string_view m, double s) { got.emplace_back(m, s); }), 0u);
  EXPECT_EQ(got, (std::vector<Item>{{"a", 1}, {"b", 2}}));
}

TEST(ZSetValue, ScanSkiplistVisitsEverything) {
  ZSetValue z(11);
  z.convert_to_skiplist();
  std::map<std::string, double> want;
  for (int i = 0; i < 1000; ++i) {
    z.set("k" + std::to_string(i), i * 0.5, limits(128, 64));
    want["k" + std::to_string(i)] = i * 0.5;
  }
  std::map<std::string, double> got;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = z.scan(cursor, [&](std::string_view m, double s) { got[std::string(m)] = s; });
    ++steps;
  } while (cursor != 0 && steps < 100000);
  EXPECT_EQ(got, want);
  EXPECT_GT(steps, 1);
}

TEST(ZSetValue, MemoryUsageGrows) {
  for (bool skiplist : {false, true}) {
    ZSetValue z(1);
    if (skiplist) z.convert_to_skiplist();
    const size_t before = z.memory_usage();
    for (int i = 0; i < 100; ++i) z.set("member" + std::to_string(i), i, limits(1000, 64));
    EXPECT_GT(z.memory_usage(), before + 100 * 8);
  }
}

// ------------------------------------------------------------ model check

// The model: (score, member) pairs in a std::set, ordered as the zset is.
struct ModelLess {
  bool operator()(const Item& a, const Item& b) const {
    return zset_less(a.second, a.first, b.second, b.first);
  }
};

TEST(ZSetValue, MatchesAnOrderedSetModel) {
  bool ok = rc::check("ZSetValue behaves as an ordered set of (score, member)", [] {
    const ZSetLimits lim =
        limits(*rc::gen::inRange<size_t>(0, 20), *rc::gen::inRange<size_t>(0, 4));
    ZSetValue z(*rc::gen::arbitrary<uint64_t>());
    std::set<Item, ModelLess> model;
    std::map<std::string, double> scores;
    auto member_gen = rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange(0, 60), [](int i) { return std::to_string(i); }),
        rc::gen::element<std::string>("", "a", "ab", "abcdef", "\xff"));
    auto score_gen = rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange(-5, 5), [](int i) { return static_cast<double>(i); }),
        rc::gen::element(0.5, -0.25, INFINITY, -INFINITY, 1e300));
    const int ops = *rc::gen::inRange(1, 300);
    for (int i = 0; i < ops; ++i) {
      const int op = *rc::gen::inRange(0, 10);
      if (op < 5) {
        std::string m = *member_gen;
        double s = *score_gen;
        const Encoding before = z.encoding();
        bool fresh = !scores.count(m);
        if (!fresh) model.erase({m, scores[m]});
        model.insert({m, s});
        scores[m] = s;
        RC_ASSERT(z.set(m, s, lim) == fresh);
        if (before == Encoding::kSkiplist) RC_ASSERT(z.encoding() == Encoding::kSkiplist);
      } else if (op < 7) {
        std::string m = *member_gen;
        bool present = scores.count(m) == 1;
        if (present) {
          model.erase({m, scores[m]});
          scores.erase(m);
        }
        RC_ASSERT(z.erase(m) == present);
      } else if (op == 7 && !model.empty()) {
        size_t a = *rc::gen::inRange<size_t>(0, model.size());
        size_t b = *rc::gen::inRange<size_t>(a, model.size() + 1);
        auto first = std::next(model.begin(), static_cast<long>(a));
        auto last = std::next(model.begin(), static_cast<long>(b));
        for (auto it = first; it != last; ++it) scores.erase(it->first);
        model.erase(first, last);
        z.erase_ranks(a, b);
      } else {
        double x = *score_gen;
        bool inclusive = *rc::gen::arbitrary<bool>();
        size_t want = 0;
        for (const Item& it : model) want += (it.second < x || (inclusive && it.second == x));
        RC_ASSERT(z.count_below_score(x, inclusive) == want);
      }
      RC_ASSERT(z.size() == model.size());
      if (z.encoding() == Encoding::kListpack) {
        RC_ASSERT(z.size() <= lim.max_entries);
      }
    }
    std::vector<Item> want(model.begin(), model.end());
    RC_ASSERT(items_of(z) == want);
    for (size_t r = 0; r < want.size(); ++r) {
      RC_ASSERT(z.rank(want[r].first) == std::optional<size_t>(r));
      RC_ASSERT(z.at(r) == want[r]);
    }
    if (!want.empty()) {
      std::vector<Item> rev(want.rbegin(), want.rend());
      RC_ASSERT(visit_all(z, want.size() - 1, want.size(), true) == rev);
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace peregrine::store

// ------------------------------------------------------------ WITHSCORE

namespace {

using peregrine::rt::posix::PosixRuntime;
using peregrine::server::Config;
using peregrine::server::Server;

// Length of the first whole RESP value in s from pos, or npos while it is
// incomplete.
size_t resp_end(const std::string& s, size_t pos) {
  size_t eol = s.find("\r\n", pos);
  if (eol == std::string::npos) return std::string::npos;
  const char type = s[pos];
  const std::string head = s.substr(pos + 1, eol - pos - 1);
  size_t next = eol + 2;
  if (type == '$' || type == '=' || type == '!') {
    long len = std::stol(head);
    if (len < 0) return next;
    return s.size() >= next + static_cast<size_t>(len) + 2 ? next + static_cast<size_t>(len) + 2
                                                           : std::string::npos;
  }
  if (type == '*' || type == '~' || type == '>' || type == '%') {
    long n = std::stol(head);
    if (type == '%') n *= 2;
    for (long i = 0; i < n; ++i) {
      next = resp_end(s, next);
      if (next == std::string::npos) return next;
    }
    return next;
  }
  return next;
}

std::string encode(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Runs commands on one connection; returns each reply. Suspends.
std::vector<std::string> session(PosixRuntime& rt, int port,
                                 const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::string> replies;
  auto conn = rt.connect("127.0.0.1", port);
  if (!conn) return {"connect failed"};
  std::string buf;
  char chunk[512];
  for (const auto& argv : commands) {
    if (!(*conn)->write_all(encode(argv)).ok()) return replies;
    size_t end;
    while (buf.empty() || (end = resp_end(buf, 0)) == std::string::npos) {
      auto n = (*conn)->read_some(chunk, sizeof(chunk));
      if (!n || *n == 0) return replies;
      buf.append(chunk, *n);
    }
    replies.push_back(buf.substr(0, end));
    buf.erase(0, end);
  }
  return replies;
}

TEST(ZRankWithScore, Replies) {
  PosixRuntime rt;
  Config config;
  config.port = 0;
  config.loglevel = "warning";
  Server server(rt, config);
  std::vector<std::string> r;
  rt.main().post([&] {
    ASSERT_TRUE(server.start().ok());
    r = session(rt, server.port(),
                {{"ZADD", "z", "1", "a", "2.5", "b", "3", "c"},
                 {"ZRANK", "z", "b", "WITHSCORE"},
                 {"ZREVRANK", "z", "b", "withscore"},
                 {"ZRANK", "z", "a", "WITHSCORE"},
                 {"ZREVRANK", "z", "a", "WITHSCORE"},
                 {"ZRANK", "z", "nosuch", "WITHSCORE"},
                 {"ZRANK", "nokey", "a", "WITHSCORE"},
                 {"ZRANK", "z", "nosuch"},
                 {"ZRANK", "z", "a", "WITHSCORES"},
                 {"ZRANK", "z", "a", "WITHSCORE", "extra"},
                 {"SET", "s", "v"},
                 {"ZRANK", "s", "a", "WITHSCORE"},
                 {"HELLO", "3"},
                 {"ZRANK", "z", "c", "WITHSCORE"},
                 {"ZREVRANK", "z", "nosuch", "WITHSCORE"},
                 {"ZRANK", "z", "nosuch"}});
    server.stop();
  });
  rt.run();
  ASSERT_EQ(r.size(), 16u);
  EXPECT_EQ(r[0], ":3\r\n");
  EXPECT_EQ(r[1], "*2\r\n:1\r\n$3\r\n2.5\r\n");
  EXPECT_EQ(r[2], "*2\r\n:1\r\n$3\r\n2.5\r\n");
  EXPECT_EQ(r[3], "*2\r\n:0\r\n$1\r\n1\r\n");
  EXPECT_EQ(r[4], "*2\r\n:2\r\n$1\r\n1\r\n");
  EXPECT_EQ(r[5], "*-1\r\n");
  EXPECT_EQ(r[6], "*-1\r\n");
  EXPECT_EQ(r[7], "$-1\r\n");
  EXPECT_EQ(r[8], "-ERR syntax error\r\n");
  EXPECT_EQ(r[9], "-ERR wrong number of arguments for 'zrank' command\r\n");
  EXPECT_EQ(r[11], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(r[13], "*2\r\n:2\r\n,3\r\n");
  EXPECT_EQ(r[14], "_\r\n");
  EXPECT_EQ(r[15], "_\r\n");
}

}  // namespace
