// The engine against the sorted-set reference model, in-process: RapidCheck
// draws sequences of sorted-set commands (with their options, bad
// arguments, wrong types and arity errors) and every reply of the engine
// must equal the model's, byte for byte.
//
// Keys: z0..z3 take any scores; lx0/lx1 only ever hold score 0, so the lex
// interval commands (whose result is unspecified on mixed scores) are sent
// to them only; s0 is a string key for WRONGTYPE replies.
#include "models/zset_model.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <set>
#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::models::ZSetModel;
using peregrine::sim::EngineHarness;
using V = std::vector<std::string>;

rc::Gen<std::string> gen_key() {
  return rc::gen::element<std::string>("z0", "z1", "z2", "z3", "s0", "nokey");
}
rc::Gen<std::string> gen_store_key() {
  return rc::gen::element<std::string>("z0", "z1", "z2", "z3", "s0");
}
rc::Gen<std::string> gen_lex_key() { return rc::gen::element<std::string>("lx0", "lx1"); }

rc::Gen<std::string> gen_member() {
  return rc::gen::weightedOneOf<std::string>(
      {{12, rc::gen::element<std::string>("a", "b", "c", "d", "e", "f", "ab", "")},
       {1, rc::gen::just(std::string(65, 'x'))},
       {1, rc::gen::map(rc::gen::inRange(0, 200), [](int i) { return "m" + std::to_string(i); })}});
}

rc::Gen<std::string> gen_score() {
  return rc::gen::weightedOneOf<std::string>(
      {{6, rc::gen::map(rc::gen::inRange(-5, 6), [](int i) { return std::to_string(i); })},
       {3, rc::gen::element<std::string>("0.5", "-2.5", "0.1", "0.2", "1e300", "-1e300")},
       {1, rc::gen::element<std::string>("inf", "-inf", "+inf", "abc", "", "nan", "(1")}});
}

rc::Gen<std::string> gen_score_bound() {
  return rc::gen::weightedOneOf<std::string>(
      {{6, rc::gen::map(rc::gen::inRange(-5, 6), [](int i) { return std::to_string(i); })},
       {3, rc::gen::map(rc::gen::inRange(-5, 6), [](int i) { return "(" + std::to_string(i); })},
       {2, rc::gen::element<std::string>("-inf", "+inf", "(-inf", "0.5", "(2.5")},
       {1, rc::gen::element<std::string>("abc", "", "(", "nan", "((1")}});
}

rc::Gen<std::string> gen_lex_bound() {
  return rc::gen::weightedOneOf<std::string>(
      {{2, rc::gen::element<std::string>("-", "+")},
       {6, rc::gen::element<std::string>("[a", "(a", "[b", "(c", "[ab", "[f", "(", "[")},
       {1, rc::gen::element<std::string>("a", "", "+a", "--")}});
}

rc::Gen<std::string> gen_index() {
  return rc::gen::weightedOneOf<std::string>(
      {{8, rc::gen::map(rc::gen::inRange(-6, 7), [](int i) { return std::to_string(i); })},
       {1,
        rc::gen::element<std::string>("x", "1.5", "-9223372036854775808", "9223372036854775807")}});
}

rc::Gen<std::string> gen_count() {
  return rc::gen::weightedOneOf<std::string>(
      {{8, rc::gen::map(rc::gen::inRange(-1, 6), [](int i) { return std::to_string(i); })},
       {1, rc::gen::element<std::string>("x", "9223372036854775807")}});
}

// A vector of lo to hi-1 elements.
template <typename T>
rc::Gen<std::vector<T>> vec_of(size_t lo, size_t hi, rc::Gen<T> g) {
  return rc::gen::mapcat(rc::gen::inRange<size_t>(lo, hi),
                         [g](size_t n) { return rc::gen::container<std::vector<T>>(n, g); });
}

// Optional trailing words, each present or not.
V maybe(bool on, V words) { return on ? words : V{}; }
V concat(V a, const V& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

rc::Gen<V> gen_zadd() {
  return rc::gen::apply(
      [](std::string k, std::vector<std::string> opts,
         std::vector<std::pair<std::string, std::string>> pairs, bool odd) {
        V argv{"ZADD", k};
        argv.insert(argv.end(), opts.begin(), opts.end());
        for (auto& [s, m] : pairs) {
          argv.push_back(s);
          argv.push_back(m);
        }
        if (odd) argv.push_back("1");
        return argv;
      },
      gen_key(),
      vec_of<std::string>(
          0, 3, rc::gen::element<std::string>("NX", "XX", "GT", "LT", "CH", "INCR", "ch")),
      vec_of<std::pair<std::string, std::string>>(1, 4, rc::gen::pair(gen_score(), gen_member())),
      rc::gen::weightedOneOf<bool>({{15, rc::gen::just(false)}, {1, rc::gen::just(true)}}));
}

rc::Gen<V> gen_range() {
  return rc::gen::oneOf(
      // by rank
      rc::gen::apply(
          [](std::string cmd, std::string k, std::string a, std::string b, bool ws, bool rev) {
            V argv{cmd, k, a, b};
            if (cmd == "ZRANGE") argv = concat(argv, maybe(rev, {"REV"}));
            return concat(argv, maybe(ws, {"WITHSCORES"}));
          },
          rc::gen::element<std::string>("ZRANGE", "ZREVRANGE"), gen_key(), gen_index(), gen_index(),
          rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>()),
      // by score
      rc::gen::apply(
          [](std::string cmd, std::string k, std::string a, std::string b, bool ws, bool lim,
             std::string off, std::string cnt) {
            V argv{cmd, k, a, b};
            if (cmd == "ZRANGE") argv.push_back("BYSCORE");
            if (cmd == "ZRANGE REV") argv = {"ZRANGE", k, a, b, "BYSCORE", "REV"};
            argv = concat(argv, maybe(lim, {"LIMIT", off, cnt}));
            return concat(argv, maybe(ws, {"WITHSCORES"}));
          },
          rc::gen::element<std::string>("ZRANGE", "ZRANGE REV", "ZRANGEBYSCORE",
                                        "ZREVRANGEBYSCORE"),
          gen_key(), gen_score_bound(), gen_score_bound(), rc::gen::arbitrary<bool>(),
          rc::gen::arbitrary<bool>(), gen_count(), gen_count()),
      // by lex, on the lex keys
      rc::gen::apply(
          [](std::string cmd, std::string k, std::string a, std::string b, bool lim,
             std::string off, std::string cnt, bool ws) {
            V argv{cmd, k, a, b};
            if (cmd == "ZRANGE") argv.push_back("BYLEX");
            if (cmd == "ZRANGE REV") argv = {"ZRANGE", k, a, b, "BYLEX", "REV"};
            argv = concat(argv, maybe(lim, {"LIMIT", off, cnt}));
            return concat(argv, maybe(ws, {"WITHSCORES"}));
          },
          rc::gen::element<std::string>("ZRANGE", "ZRANGE REV", "ZRANGEBYLEX", "ZREVRANGEBYLEX"),
          gen_lex_key(), gen_lex_bound(), gen_lex_bound(), rc::gen::arbitrary<bool>(), gen_count(),
          gen_count(),
          rc::gen::weightedOneOf<bool>({{10, rc::gen::just(false)}, {1, rc::gen::just(true)}})),
      // stores
      rc::gen::apply(
          [](std::string dst, std::string src, std::string a, std::string b, int form) {
            if (form == 0) return V{"ZRANGESTORE", dst, src, a, b};
            if (form == 1) return V{"ZRANGESTORE", dst, src, a, b, "REV"};
            return V{"ZRANGESTORE", dst, src, "-inf", "+inf", "BYSCORE", "LIMIT", a, b};
          },
          gen_store_key(), gen_key(), gen_index(), gen_index(), rc::gen::inRange(0, 3)));
}

rc::Gen<V> gen_algebra() {
  return rc::gen::apply(
      [](std::string cmd, std::vector<std::string> keys, std::string dst, bool weights,
         std::vector<std::string> ws, std::string agg, bool withscores, std::string limit) {
        V argv{cmd};
        const bool store = cmd.size() > 5 && cmd.substr(cmd.size() - 5) == "STORE";
        if (store) argv.push_back(dst);
        argv.push_back(std::to_string(keys.size()));
        argv.insert(argv.end(), keys.begin(), keys.end());
        if (cmd == "ZINTERCARD") return concat(argv, maybe(!limit.empty(), {"LIMIT", limit}));
        if (cmd != "ZDIFF" && cmd != "ZDIFFSTORE") {
          if (weights) {
            argv.push_back("WEIGHTS");
            for (size_t i = 0; i < keys.size(); ++i) argv.push_back(ws[i % ws.size()]);
          }
          argv = concat(argv, maybe(!agg.empty(), {"AGGREGATE", agg}));
        }
        return store ? argv : concat(argv, maybe(withscores, {"WITHSCORES"}));
      },
      rc::gen::element<std::string>("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE",
                                    "ZDIFFSTORE", "ZINTERCARD"),
      vec_of<std::string>(1, 4, gen_key()), gen_store_key(), rc::gen::arbitrary<bool>(),
      vec_of<std::string>(1, 4, rc::gen::element<std::string>("1", "2", "0", "-1", "0.5", "x")),
      rc::gen::element<std::string>("", "", "SUM", "MIN", "MAX", "COUNT", "avg"), rc::gen::arbitrary<bool>(),
      rc::gen::element<std::string>("", "0", "1", "2", "-1"));
}

rc::Gen<V> gen_command() {
  auto k = gen_key();
  auto m = gen_member();
  return rc::gen::weightedOneOf<V>({
      {6, gen_zadd()},
      {2, rc::gen::apply(
              [](std::string k, std::string m) {
                return V{"ZADD", k, "0", m};
              },
              gen_lex_key(), m)},
      {2, rc::gen::apply(
              [](std::string k, std::string s, std::string m) {
                return V{"ZINCRBY", k, s, m};
              },
              k, gen_score(), m)},
      {2, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZREM", k, a, b};
              },
              rc::gen::oneOf(k, gen_lex_key()), m, m)},
      {1, rc::gen::apply(
              [](std::string k) {
                return V{"ZCARD", k};
              },
              rc::gen::oneOf(k, gen_lex_key()))},
      {2, rc::gen::apply(
              [](std::string k, std::string m) {
                return V{"ZSCORE", k, m};
              },
              k, m)},
      {1, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZMSCORE", k, a, b};
              },
              k, m, m)},
      {2, rc::gen::apply(
              [](std::string cmd, std::string k, std::string m, bool ws) {
                return concat(V{cmd, k, m}, maybe(ws, {"WITHSCORE"}));
              },
              rc::gen::element<std::string>("ZRANK", "ZREVRANK"), k, m,
              rc::gen::arbitrary<bool>())},
      {2, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZCOUNT", k, a, b};
              },
              k, gen_score_bound(), gen_score_bound())},
      {1, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZLEXCOUNT", k, a, b};
              },
              gen_lex_key(), gen_lex_bound(), gen_lex_bound())},
      {6, gen_range()},
      {1, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZREMRANGEBYRANK", k, a, b};
              },
              k, gen_index(), gen_index())},
      {1, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZREMRANGEBYSCORE", k, a, b};
              },
              k, gen_score_bound(), gen_score_bound())},
      {1, rc::gen::apply(
              [](std::string k, std::string a, std::string b) {
                return V{"ZREMRANGEBYLEX", k, a, b};
              },
              gen_lex_key(), gen_lex_bound(), gen_lex_bound())},
      {2, rc::gen::apply(
              [](std::string cmd, std::string k, bool has, std::string c) {
                return concat(V{cmd, k}, maybe(has, {c}));
              },
              rc::gen::element<std::string>("ZPOPMIN", "ZPOPMAX"), rc::gen::oneOf(k, gen_lex_key()),
              rc::gen::arbitrary<bool>(), gen_count())},
      {2, rc::gen::apply(
              [](std::vector<std::string> keys, std::string where, bool has, std::string c) {
                V argv{"ZMPOP", std::to_string(keys.size())};
                argv.insert(argv.end(), keys.begin(), keys.end());
                argv.push_back(where);
                return concat(argv, maybe(has, {"COUNT", c}));
              },
              vec_of<std::string>(1, 3, k),
              rc::gen::element<std::string>("MIN", "MAX", "max", "LEFT"),
              rc::gen::arbitrary<bool>(), gen_count())},
      {2, rc::gen::apply(
              [](std::string src, std::string dst, int sel, std::string lo, std::string hi,
                 bool has, std::string c) {
                V argv{"ZMOVE", src, dst};
                if (sel == 0) argv.push_back("MIN");
                if (sel == 1) argv.push_back("max");
                if (sel == 2) argv.insert(argv.end(), {"BYSCORE", lo, hi});
                if (sel == 3) argv.push_back("LEFT");
                return concat(argv, maybe(has, {"COUNT", c}));
              },
              k, k, rc::gen::inRange(0, 4), gen_score_bound(), gen_score_bound(),
              rc::gen::arbitrary<bool>(), gen_count())},
      {2, rc::gen::apply(
              [](std::string src, std::string dst, std::string cond, std::vector<std::string> ms,
                 int skew) {
                V argv{"ZMOVEMEMBER", src, dst};
                if (!cond.empty()) argv.push_back(cond);
                argv.insert(argv.end(), {"MEMBERS", std::to_string(ms.size() + skew)});
                argv.insert(argv.end(), ms.begin(), ms.end());
                return argv;
              },
              k, k, rc::gen::element<std::string>("", "", "NX", "xx", "GT"),
              vec_of<std::string>(1, 5, m),
              rc::gen::weightedOneOf<int>({{12, rc::gen::just(0)}, {1, rc::gen::just(1)},
                                           {1, rc::gen::just(-1)}}))},
      {4, gen_algebra()},
      {1, rc::gen::apply(
              [](std::string a, std::string b) {
                return V{"DEL", a, b};
              },
              k, k)},
      {1, rc::gen::apply(
              [](std::string a) {
                return V{"EXISTS", a};
              },
              k)},
      {1, rc::gen::apply(
              [](std::string a) {
                return V{"TYPE", a};
              },
              k)},
      {1, rc::gen::apply(
              [](std::string a) {
                return V{"OBJECT", "ENCODING", a};
              },
              rc::gen::element<std::string>("z0", "z1", "z2", "z3", "lx0", "nokey"))},
      {1, rc::gen::just(V{"SET", "s0", "v"})},
      {1, rc::gen::element(V{"ZADD", "z0"}, V{"ZCARD"}, V{"ZRANGE", "z0", "0"},
                           V{"ZINCRBY", "z0", "1"}, V{"ZRANGESTORE", "z0", "z1", "0"},
                           V{"ZMPOP", "1", "z0"}, V{"ZUNIONSTORE", "z0", "1"}, V{"ZINTERCARD", "1"},
                           V{"ZPOPMIN", "z0", "1", "2"}, V{"ZMOVE", "z0", "z1"},
                           V{"ZMOVE", "z0", "z1", "BYSCORE", "1"},
                           V{"ZMOVEMEMBER", "z0", "z1", "MEMBERS", "1"},
                           V{"ZMOVEMEMBER", "z0", "z1", "NX", "MEMBERS"})},
  });
}

TEST(ZSetEngineVsModel, RandomCommandSequences) {
  bool ok = rc::check("engine replies equal the zset model's replies", [] {
    auto steps = *rc::gen::container<std::vector<V>>(gen_command());
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>());
    ZSetModel model;
    for (const V& argv : steps) {
      std::string got = engine.run(argv);
      std::string want = model.apply(argv);
      if (got != want) {
        std::string shown;
        for (const std::string& a : argv) shown += "[" + a + "]";
        RC_FAIL(shown + "\n  engine: " + got + "\n  model:  " + want);
      }
    }
  });
  EXPECT_TRUE(ok);
}

// Long runs over few keys reach the skiplist encoding and large sets.
TEST(ZSetEngineVsModel, GrowingSets) {
  bool ok = rc::check("engine and model agree on growing sets", [] {
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>());
    ZSetModel model;
    const int n = *rc::gen::inRange(100, 400);
    for (int i = 0; i < n; ++i) {
      V argv = *rc::gen::weightedOneOf<V>({
          {6, rc::gen::apply(
                  [](int s, int m) {
                    return V{"ZADD", "big", std::to_string(s), "m" + std::to_string(m)};
                  },
                  rc::gen::inRange(-50, 50), rc::gen::inRange(0, 300))},
          {1, rc::gen::apply(
                  [](int m) {
                    return V{"ZREM", "big", "m" + std::to_string(m)};
                  },
                  rc::gen::inRange(0, 300))},
          {1, rc::gen::apply(
                  [](int m, bool rev) {
                    return V{rev ? "ZREVRANK" : "ZRANK", "big", "m" + std::to_string(m)};
                  },
                  rc::gen::inRange(0, 300), rc::gen::arbitrary<bool>())},
          {1, rc::gen::apply(
                  [](int a, int b) {
                    return V{"ZRANGE", "big", std::to_string(a), std::to_string(b), "WITHSCORES"};
                  },
                  rc::gen::inRange(-20, 20), rc::gen::inRange(-20, 20))},
          {1, rc::gen::apply(
                  [](int a, int b, int off) {
                    return V{"ZREVRANGEBYSCORE",
                             "big",
                             std::to_string(b),
                             "(" + std::to_string(a),
                             "LIMIT",
                             std::to_string(off),
                             "5"};
                  },
                  rc::gen::inRange(-50, 50), rc::gen::inRange(-50, 50), rc::gen::inRange(0, 10))},
          {1, rc::gen::apply(
                  [](int a, int b) {
                    return V{"ZCOUNT", "big", std::to_string(a), std::to_string(b)};
                  },
                  rc::gen::inRange(-50, 50), rc::gen::inRange(-50, 50))},
          {1, rc::gen::element(
                  V{"ZPOPMIN", "big", "3"}, V{"ZPOPMAX", "big"}, V{"ZCARD", "big"},
                  V{"OBJECT", "ENCODING", "big"},
                  V{"ZUNIONSTORE", "u", "2", "big", "u", "WEIGHTS", "1", "-1"},
                  V{"ZRANGE", "u", "0", "9", "WITHSCORES"}, V{"ZREMRANGEBYRANK", "big", "5", "8"},
                  V{"ZREMRANGEBYSCORE", "big", "(10", "12"}, V{"ZINTERCARD", "2", "big", "u"})},
      });
      std::string got = engine.run(argv);
      std::string want = model.apply(argv);
      if (got != want) {
        std::string shown;
        for (const std::string& a : argv) shown += "[" + a + "]";
        RC_FAIL(shown + "\n  engine: " + got + "\n  model:  " + want);
      }
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace

namespace {

// An engine and the model side by side: each command must get the reply
// want from both (engine is reachable for replies a test computes).
struct EngineAndModel {
  EngineHarness engine{1};
  ZSetModel model;
  void operator()(const V& argv, const std::string& want) {
    EXPECT_EQ(engine.run(argv), want) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "");
    EXPECT_EQ(model.apply(argv), want) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "");
  }
};

// AGGREGATE COUNT (Redis 8.8): the published examples, and WEIGHTS, which
// make each input holding a member add its weight instead of one.
TEST(ZSetEngineVsModel, AggregateCountExamples) {
  EngineAndModel both;
  both({"ZADD", "s1", "1", "foo", "1", "bar"}, ":2\r\n");
  both({"ZADD", "s2", "2", "foo", "2", "bar"}, ":2\r\n");
  both({"ZADD", "s3", "3", "foo"}, ":1\r\n");
  both({"ZUNIONSTORE", "out", "3", "s1", "s2", "s3", "AGGREGATE", "COUNT"}, ":2\r\n");
  both({"ZRANGE", "out", "0", "-1", "WITHSCORES"},
       "*4\r\n$3\r\nbar\r\n$1\r\n2\r\n$3\r\nfoo\r\n$1\r\n3\r\n");
  both({"ZUNION", "3", "s1", "s2", "s3", "WEIGHTS", "2", "3", "5", "AGGREGATE", "count",
        "WITHSCORES"},
       "*4\r\n$3\r\nbar\r\n$1\r\n5\r\n$3\r\nfoo\r\n$2\r\n10\r\n");
  both({"ZINTER", "2", "s1", "s3", "AGGREGATE", "COUNT", "WITHSCORES"},
       "*2\r\n$3\r\nfoo\r\n$1\r\n2\r\n");
  both({"ZADD", "set1", "1", "one", "2", "two"}, ":2\r\n");
  both({"ZADD", "set2", "99", "one", "50", "three"}, ":2\r\n");
  both({"ZUNIONSTORE", "out", "2", "set1", "set2", "AGGREGATE", "COUNT"}, ":3\r\n");
  both({"ZRANGE", "out", "0", "-1", "WITHSCORES"},
       "*6\r\n$5\r\nthree\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n1\r\n$3\r\none\r\n$1\r\n2\r\n");
  // Infinite weights of opposite signs sum to NaN, taken as 0 as under SUM.
  both({"ZINTERSTORE", "out", "2", "s1", "s2", "WEIGHTS", "inf", "-inf", "AGGREGATE", "COUNT"},
       ":2\r\n");
  both({"ZSCORE", "out", "foo"}, "$1\r\n0\r\n");
  both({"ZDIFF", "2", "s1", "s2", "AGGREGATE", "COUNT"}, "-ERR syntax error\r\n");
}

}  // namespace

namespace {

// ZRANGESTORE fills its destination as Redis does: one member at a time in
// range order, from a listpack (always for score and lex ranges, for rank
// ranges within the listpack limit) that converts past the limit, so only
// the members added after the conversion keep a -0 score's sign.
TEST(ZSetEngineVsModel, RangeStoreNegativeZeroAcrossTheConversion) {
  EngineHarness engine(1);
  ZSetModel model;
  auto both = [&](const V& argv) {
    const std::string e = engine.run(argv);
    EXPECT_EQ(e, model.apply(argv)) << argv[0] << " " << argv[1];
    return e;
  };
  // 128 members scored -0 in one ZADD (a listpack holds them all, so they
  // are stored as 0), then two more scored -0 and one scored 1: the set
  // converts before m128 goes in, and only m128 and m129 keep -0. (One ZADD
  // of all 131 pairs would make a skiplist first, its size hint past the
  // limit, and every -0 would keep its sign.)
  V add = {"ZADD", "src"};
  for (int i = 0; i < 128; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "m%03d", i);
    add.insert(add.end(), {"-0", name});
  }
  both(add);
  both({"ZADD", "src", "-0", "m128", "-0", "m129", "1", "top"});
  EXPECT_EQ(both({"ZSCORE", "src", "m127"}), "$1\r\n0\r\n");
  EXPECT_EQ(both({"ZSCORE", "src", "m128"}), "$2\r\n-0\r\n");
  const auto score_of = [&](const std::string& member) { return both({"ZSCORE", "dst", member}); };
  // A score range yields m000..m129, top: m128 comes after the conversion.
  both({"ZRANGESTORE", "dst", "src", "-1", "1", "BYSCORE"});
  EXPECT_EQ(score_of("m128"), "$2\r\n-0\r\n");
  // Reversed it yields top, m129, m128, ...: both go in while listpack.
  both({"ZRANGESTORE", "dst", "src", "1", "-1", "BYSCORE", "REV"});
  EXPECT_EQ(score_of("m128"), "$1\r\n0\r\n");
  EXPECT_EQ(score_of("m129"), "$1\r\n0\r\n");
  // A rank range longer than the limit starts as a skiplist: no sign lost.
  both({"ZRANGESTORE", "dst", "src", "0", "-1"});
  EXPECT_EQ(score_of("m129"), "$2\r\n-0\r\n");
  // A short rank range stays a listpack: the sign is lost.
  both({"ZRANGESTORE", "dst", "src", "128", "129"});
  EXPECT_EQ(score_of("m129"), "$1\r\n0\r\n");
  both({"OBJECT", "ENCODING", "dst"});
}

}  // namespace

namespace {

// ZSCAN ... NOSCORES (Valkey 8.0): the members alone, in both encodings;
// the other SCAN commands do not take it.
TEST(ZSetEngine, ZscanNoScores) {
  EngineHarness engine(1);
  engine.run({"ZADD", "small", "1", "a", "2", "b"});
  EXPECT_EQ(engine.run({"ZSCAN", "small", "0", "NOSCORES"}),
            "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(engine.run({"ZSCAN", "small", "0", "MATCH", "b", "noscores"}),
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n");
  EXPECT_EQ(engine.run({"ZSCAN", "small", "0"}),
            "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  // A skiplist: a whole walk returns every member once, and no score.
  V add = {"ZADD", "big"};
  for (int i = 0; i < 300; ++i) add.insert(add.end(), {std::to_string(i), "m" + std::to_string(i)});
  engine.run(add);
  std::set<std::string> seen;
  std::string cursor = "0";
  for (int round = 0; round < 1000; ++round) {
    const std::string reply = engine.run({"ZSCAN", "big", cursor, "COUNT", "37", "NOSCORES"});
    // *2 $N cursor *M then M bulk members.
    size_t pos = reply.find("\r\n", 4);       // end of "$N"
    size_t end = reply.find("\r\n", pos + 2);  // end of the cursor
    cursor = reply.substr(pos + 2, end - pos - 2);
    size_t p = reply.find("\r\n", end + 2) + 2;  // past "*M"
    while (p < reply.size()) {
      size_t len_end = reply.find("\r\n", p);
      const size_t len = std::stoul(reply.substr(p + 1, len_end - p - 1));
      const std::string member = reply.substr(len_end + 2, len);
      EXPECT_EQ(member[0], 'm') << "a score in the reply: " << member;
      seen.insert(member);
      p = len_end + 2 + len + 2;
    }
    if (cursor == "0") break;
  }
  EXPECT_EQ(seen.size(), 300u);
  // (On a missing key the SCAN commands answer an empty scan before they
  // read their options, as in Redis.)
  // The other commands name the one an option belongs to, as Valkey (and
  // Redis 7.4 for NOVALUES) do.
  engine.run({"HSET", "h", "f", "v"});
  const std::string noscores = "-ERR NOSCORES option can only be used in ZSCAN\r\n";
  const std::string novalues = "-ERR NOVALUES option can only be used in HSCAN\r\n";
  EXPECT_EQ(engine.run({"HSCAN", "h", "0", "NOSCORES"}), noscores);
  EXPECT_EQ(engine.run({"ZSCAN", "small", "0", "NOVALUES"}), novalues);
  EXPECT_EQ(engine.run({"SCAN", "0", "NOSCORES"}), noscores);
  EXPECT_EQ(engine.run({"SSCAN", "s", "0", "NOVALUES"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  engine.run({"SADD", "s", "m"});
  EXPECT_EQ(engine.run({"SSCAN", "s", "0", "NOVALUES"}), novalues);
  EXPECT_EQ(engine.run({"SSCAN", "s", "0", "COUNT", "0", "NOSCORES"}), "-ERR syntax error\r\n");
}

// Redis 7.2+ starts a skiplist's score or lex range at a rank found by
// search, and reads a negative LIMIT offset -k from the range's far end:
// forwards its last k members, in reverse its k lowest. A listpack finds
// nothing. Every reply below is valkey-server 8.0.1's.
TEST(ZSetEngineVsModel, NegativeLimitOffsetOnASkiplist) {
  EngineAndModel both;
  const std::string longest(70, 'z');  // makes both sets skiplists at once
  both({"ZADD", "s", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "9", longest}, ":6\r\n");
  both({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", longest}, ":6\r\n");
  both({"ZADD", "small", "1", "a", "2", "b", "3", "c"}, ":3\r\n");
  both({"OBJECT", "ENCODING", "s"}, "$8\r\nskiplist\r\n");
  const std::string e = "*1\r\n$1\r\ne\r\n", de = "*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
                    ba = "*2\r\n$1\r\nb\r\n$1\r\na\r\n", none = "*0\r\n";
  both({"ZRANGEBYSCORE", "s", "1", "5", "LIMIT", "-1", "2"}, e);
  both({"ZRANGEBYSCORE", "s", "1", "5", "LIMIT", "-2", "5"}, de);
  both({"ZREVRANGEBYSCORE", "s", "5", "1", "LIMIT", "-2", "5"}, ba);
  both({"ZREVRANGEBYSCORE", "s", "5", "1", "LIMIT", "-3", "-1"},
       "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  both({"ZRANGEBYSCORE", "s", "1", "5", "LIMIT", "-6", "1"}, none);
  both({"ZRANGEBYSCORE", "s", "1", "5", "LIMIT", "-9223372036854775808", "1"}, none);
  both({"ZRANGE", "s", "1", "5", "BYSCORE", "LIMIT", "-1", "1"}, e);
  both({"ZRANGEBYLEX", "l", "[a", "[e", "LIMIT", "-2", "10"}, de);
  both({"ZREVRANGEBYLEX", "l", "[e", "[a", "LIMIT", "-2", "10"}, ba);
  both({"ZRANGEBYSCORE", "small", "1", "3", "LIMIT", "-1", "1"}, none);
  both({"ZRANGESTORE", "dst", "s", "1", "5", "BYSCORE", "LIMIT", "-2", "5"}, ":2\r\n");
  both({"ZRANGE", "dst", "0", "-1"}, de);
}

// ZMOVE and ZMOVEMEMBER (Redis 8.12) as their documentation states them:
// scores kept, a destination member's score replaced, the destination
// created and the source deleted as needed, the moved members replied in
// the order moved, null (a null array) when nothing moves or both keys are
// the same, WRONGTYPE only once the source exists.
TEST(ZSetEngineVsModel, MoveCommands) {
  EngineAndModel both;
  auto members = [](std::initializer_list<std::string> ms) {
    std::string out = "*" + std::to_string(ms.size()) + "\r\n";
    for (const std::string& m : ms) out += "$" + std::to_string(m.size()) + "\r\n" + m + "\r\n";
    return out;
  };
  const std::string null = "*-1\r\n", wrongtype =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  both({"ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, ":5\r\n");
  both({"ZADD", "dst", "9", "c"}, ":1\r\n");
  both({"ZMOVE", "src", "dst", "MIN"}, members({"a"}));
  both({"ZMOVE", "src", "dst", "max", "COUNT", "2"}, members({"e", "d"}));
  both({"ZMOVE", "src", "dst", "BYSCORE", "(2", "+inf"}, members({"c"}));  // replaces 9
  both({"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
       "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
       "$1\r\ne\r\n$1\r\n5\r\n");
  both({"ZMOVE", "src", "dst", "BYSCORE", "3", "4"}, null);  // nothing in range
  both({"ZMOVE", "src", "new", "MIN", "COUNT", "5"}, members({"b"}));  // creates, deletes
  both({"EXISTS", "src"}, ":0\r\n");
  both({"ZMOVE", "src", "dst", "MIN"}, null);  // missing source
  both({"ZMOVE", "dst", "dst", "MIN"}, null);  // same key
  both({"ZMOVE", "dst", "new", "BYSCORE", "-inf", "+inf", "COUNT", "2"}, members({"a", "c"}));
  both({"SET", "str", "x"}, "+OK\r\n");
  both({"ZMOVE", "dst", "str", "MIN"}, wrongtype);
  both({"ZMOVE", "str", "dst", "MIN"}, wrongtype);
  both({"ZMOVE", "str", "str", "MIN"}, wrongtype);
  both({"ZMOVE", "nokey", "str", "MIN"}, null);
  both({"ZMOVE", "dst", "new", "BYSCORE", "x", "1"}, "-ERR min or max is not a float\r\n");
  both({"ZMOVE", "dst", "new", "MIN", "COUNT", "0"}, "-ERR count should be greater than 0\r\n");
  both({"ZMOVE", "dst", "new", "MIN", "COUNT"}, "-ERR syntax error\r\n");
  both({"ZMOVE", "dst", "new", "BYSCORE", "1"}, "-ERR syntax error\r\n");
  both({"ZMOVE", "dst", "new", "LEFT"}, "-ERR syntax error\r\n");

  // ZMOVEMEMBER: request order, duplicates once, missing members skipped.
  both({"ZADD", "s2", "1", "x", "2", "y", "3", "z"}, ":3\r\n");
  both({"ZADD", "d2", "7", "y"}, ":1\r\n");
  both({"ZMOVEMEMBER", "s2", "d2", "NX", "MEMBERS", "3", "y", "z", "nope"}, members({"z"}));
  both({"ZMOVEMEMBER", "s2", "d2", "XX", "MEMBERS", "2", "x", "y"}, members({"y"}));
  both({"ZSCORE", "d2", "y"}, "$1\r\n2\r\n");
  both({"ZMOVEMEMBER", "s2", "d2", "xx", "MEMBERS", "1", "x"}, null);
  both({"ZMOVEMEMBER", "s2", "d3", "MEMBERS", "3", "x", "x", "q"}, members({"x"}));
  both({"EXISTS", "s2"}, ":0\r\n");
  both({"ZMOVEMEMBER", "d2", "d2", "MEMBERS", "1", "y"}, null);
  both({"ZMOVEMEMBER", "d2", "str", "MEMBERS", "1", "y"}, wrongtype);
  both({"ZMOVEMEMBER", "d2", "d3", "MEMBERS", "2", "y"},
       "-ERR The `nummembers` parameter must match the number of arguments\r\n");
  both({"ZMOVEMEMBER", "d2", "d3", "MEMBERS", "0", "y"},
       "-ERR Number of members must be a positive integer\r\n");
  both({"ZMOVEMEMBER", "d2", "d3", "GT", "MEMBERS", "1", "y"},
       "-ERR Mandatory argument MEMBERS is missing or not at the right position\r\n");

  // Encodings: the destination is converted as members arrive, the source
  // stays what it was.
  V big{"ZADD", "big"};
  for (int i = 0; i < 200; ++i) big.insert(big.end(), {std::to_string(i), "m" + std::to_string(i)});
  both(big, ":200\r\n");
  both({"ZMOVE", "big", "lp", "MIN", "COUNT", "128"},
       both.engine.run({"ZRANGE", "big", "0", "127"}));
  both({"OBJECT", "ENCODING", "lp"}, "$8\r\nlistpack\r\n");
  both({"ZMOVE", "big", "lp", "MIN"}, members({"m128"}));
  both({"OBJECT", "ENCODING", "lp"}, "$8\r\nskiplist\r\n");
  both({"OBJECT", "ENCODING", "big"}, "$8\r\nskiplist\r\n");
}

}  // namespace
