// The list commands of the engine against models/list_model, in-process:
// RapidCheck draws sequences of list commands (and DEL/EXISTS/TYPE/SET/GET
// on the same keys) and every reply of the engine must equal the model's,
// byte for byte. Each case runs under a node limit drawn from small entry
// counts and byte sizes, so the lists keep crossing between one packed node
// and many nodes, and under a compress depth of 0 (off) to 3, so interior
// nodes are compressed and decompressed as the lists change.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "models/list_model.h"
#include "server/config.h"
#include "sim/engine_harness.h"

namespace {

using peregrine::models::ListModel;
using peregrine::sim::EngineHarness;
using V = std::vector<std::string>;

rc::Gen<std::string> gen_key() {
  // l0..l3 are list keys, s0 mostly holds a string.
  return rc::gen::weightedOneOf<std::string>(
      {{6, rc::gen::map(rc::gen::inRange(0, 4), [](int i) { return "l" + std::to_string(i); })},
       {1, rc::gen::just(std::string("s0"))}});
}

rc::Gen<std::string> gen_value() {
  return rc::gen::weightedOneOf<std::string>(
      {{8, rc::gen::element<std::string>("a", "b", "c", "", "1", "-2")},
       {2, rc::gen::map(rc::gen::inRange(0, 50), [](int i) { return "v" + std::to_string(i); })},
       {1, rc::gen::map(rc::gen::inRange(0, 100),
                        [](int n) { return "item:" + std::string(static_cast<size_t>(n), '-'); })},
       {1, rc::gen::map(rc::gen::inRange(0, 3000),
                        [](int n) { return std::string(static_cast<size_t>(n), 'x'); })}});
}

// Indexes and counts, mostly small, sometimes extreme or malformed.
rc::Gen<std::string> gen_number() {
  return rc::gen::weightedOneOf<std::string>(
      {{10, rc::gen::map(rc::gen::inRange(-12, 13), [](int i) { return std::to_string(i); })},
       {1, rc::gen::element<std::string>("9223372036854775807", "-9223372036854775808", "x",
                                         "1.5", "-0", "", "100")}});
}

rc::Gen<std::string> gen_end() { return rc::gen::element<std::string>("LEFT", "RIGHT", "left"); }

rc::Gen<V> gen_values() {
  return rc::gen::map(rc::gen::pair(gen_value(), rc::gen::container<V>(gen_value())),
                      [](std::pair<std::string, V> p) {
                        if (p.second.size() > 6) p.second.resize(6);
                        p.second.insert(p.second.begin(), p.first);
                        return p.second;
                      });
}

V concat(V head, const V& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

rc::Gen<V> gen_lpos() {
  return rc::gen::apply(
      [](std::string k, std::string e, std::vector<std::pair<std::string, std::string>> opts) {
        V argv{"LPOS", k, e};
        for (size_t i = 0; i < opts.size() && i < 3; ++i) {
          argv.push_back(opts[i].first);
          argv.push_back(opts[i].second);
        }
        return argv;
      },
      gen_key(), gen_value(),
      rc::gen::container<std::vector<std::pair<std::string, std::string>>>(
          rc::gen::pair(rc::gen::element<std::string>("RANK", "COUNT", "MAXLEN", "rank"),
                        gen_number())));
}

rc::Gen<V> gen_lmpop() {
  return rc::gen::apply(
      [](int numkeys, V keys, std::string end, bool with_count, std::string count) {
        if (keys.size() > 3) keys.resize(3);
        if (keys.empty()) keys.push_back("l0");
        V argv{"LMPOP", std::to_string(numkeys)};
        argv.insert(argv.end(), keys.begin(), keys.end());
        argv.push_back(end);
        if (with_count) {
          argv.push_back("COUNT");
          argv.push_back(count);
        }
        return argv;
      },
      rc::gen::inRange(0, 4), rc::gen::container<V>(gen_key()), gen_end(),
      rc::gen::arbitrary<bool>(), gen_number());
}

rc::Gen<V> gen_command() {
  auto k = gen_key();
  auto v = gen_value();
  auto n = gen_number();
  return rc::gen::weightedOneOf<V>({
      {6, rc::gen::apply([](std::string key, V vals) { return concat({"RPUSH", key}, vals); }, k,
                         gen_values())},
      {6, rc::gen::apply([](std::string key, V vals) { return concat({"LPUSH", key}, vals); }, k,
                         gen_values())},
      {1, rc::gen::apply([](std::string key, V vals) { return concat({"LPUSHX", key}, vals); }, k,
                         gen_values())},
      {1, rc::gen::apply([](std::string key, V vals) { return concat({"RPUSHX", key}, vals); }, k,
                         gen_values())},
      {2, rc::gen::apply([](std::string key) { return V{"LPOP", key}; }, k)},
      {2, rc::gen::apply([](std::string key) { return V{"RPOP", key}; }, k)},
      {2, rc::gen::apply([](std::string key, std::string c) { return V{"LPOP", key, c}; }, k, n)},
      {2, rc::gen::apply([](std::string key, std::string c) { return V{"RPOP", key, c}; }, k, n)},
      {2, rc::gen::apply([](std::string key) { return V{"LLEN", key}; }, k)},
      {3, rc::gen::apply([](std::string key, std::string a, std::string b) { return V{"LRANGE", key, a, b}; },
                         k, n, n)},
      {2, rc::gen::apply([](std::string key, std::string i) { return V{"LINDEX", key, i}; }, k, n)},
      {2, rc::gen::apply([](std::string key, std::string i, std::string val) { return V{"LSET", key, i, val}; },
                         k, n, v)},
      {2, rc::gen::apply(
              [](std::string key, std::string w, std::string p, std::string val) {
                return V{"LINSERT", key, w, p, val};
              },
              k, rc::gen::element<std::string>("BEFORE", "AFTER", "after", "MIDDLE"), v, v)},
      {2, rc::gen::apply([](std::string key, std::string c, std::string val) { return V{"LREM", key, c, val}; },
                         k, n, v)},
      {2, rc::gen::apply([](std::string key, std::string a, std::string b) { return V{"LTRIM", key, a, b}; },
                         k, n, n)},
      {2, gen_lpos()},
      {2, rc::gen::apply(
              [](std::string s, std::string d, std::string a, std::string b) {
                return V{"LMOVE", s, d, a, b};
              },
              k, k, gen_end(), gen_end())},
      {1, rc::gen::apply([](std::string s, std::string d) { return V{"RPOPLPUSH", s, d}; }, k, k)},
      {1, rc::gen::apply(
              [](std::string s, std::string d, std::string a, std::string b) {
                return V{"LMOVEM", s, d, a, b};
              },
              k, k, gen_end(), gen_end())},
      {3, rc::gen::apply(
              [](std::string s, std::string d, std::string a, std::string b, std::string sel,
                 int n, std::string order) {
                return V{"LMOVEM", s, d, a, b, sel, std::to_string(n), order};
              },
              k, k, gen_end(), gen_end(),
              rc::gen::element<std::string>("COUNT", "EXACTLY", "exactly", "ALL"),
              rc::gen::inRange(-1, 6), rc::gen::element<std::string>("OBO", "BULK", "bulk", "X"))},
      {2, gen_lmpop()},
      {1, rc::gen::apply([](std::string key) { return V{"DEL", key}; }, k)},
      {1, rc::gen::apply([](std::string a, std::string b) { return V{"EXISTS", a, b}; }, k, k)},
      {1, rc::gen::apply([](std::string key) { return V{"TYPE", key}; }, k)},
      {1, rc::gen::apply([](std::string val) { return V{"SET", "s0", val}; }, v)},
      {1, rc::gen::just(V{"GET", "s0"})},
  });
}

TEST(ListEngineVsModel, RandomListCommandSequences) {
  bool ok = rc::check("engine list replies equal model replies", [] {
    auto fill = *rc::gen::element<int64_t>(1, 2, 3, 4, 7, 128, -1, -2);
    auto depth = *rc::gen::element<int64_t>(0, 1, 2, 3);
    auto steps = *rc::gen::container<std::vector<V>>(gen_command());
    peregrine::server::Config config;
    config.list_max_listpack_size = fill;
    config.list_compress_depth = depth;
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>(), config);
    ListModel model;
    for (const V& argv : steps) {
      std::string got = engine.run(argv);
      std::string want = model.apply(argv);
      RC_ASSERT(got == want);
    }
    // The final contents agree too.
    for (const char* key : {"l0", "l1", "l2", "l3"}) {
      RC_ASSERT(engine.run({"LRANGE", key, "0", "-1"}) == model.apply({"LRANGE", key, "0", "-1"}));
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace

namespace {

// LMOVEM's documented examples (Redis 8.10), through the engine and the
// model alike.
TEST(ListEngineVsModel, LmovemDocumentedExamples) {
  EngineHarness engine(1);
  ListModel model;
  auto both = [&](const V& argv, const std::string& want) {
    EXPECT_EQ(engine.run(argv), want) << argv[0];
    EXPECT_EQ(model.apply(argv), want) << argv[0];
  };
  both({"RPUSH", "mylist", "1", "2", "3", "4"}, ":4\r\n");
  both({"LMOVEM", "mylist", "myotherlist", "LEFT", "LEFT", "COUNT", "2", "OBO"},
       "*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
  both({"LRANGE", "mylist", "0", "-1"}, "*2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  both({"LRANGE", "myotherlist", "0", "-1"}, "*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
  both({"LMOVEM", "mylist", "myotherlist", "LEFT", "LEFT", "EXACTLY", "5", "BULK"}, "$-1\r\n");
  both({"RPUSH", "somelist", "a", "b", "c"}, ":3\r\n");
  both({"LMOVEM", "somelist", "somelist", "LEFT", "LEFT", "EXACTLY", "2", "OBO"},
       "*2\r\n$1\r\nb\r\n$1\r\na\r\n");
  both({"LRANGE", "somelist", "0", "-1"}, "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
  // BULK keeps the batch's order at either end; without the block, one
  // element as an array; a missing source, an empty array.
  both({"LMOVEM", "somelist", "t", "RIGHT", "LEFT", "COUNT", "2", "BULK"},
       "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
  both({"LMOVEM", "somelist", "t", "LEFT", "RIGHT"}, "*1\r\n$1\r\nb\r\n");
  both({"LRANGE", "t", "0", "-1"}, "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n");
  both({"LMOVEM", "somelist", "t", "LEFT", "RIGHT"}, "*0\r\n");
  both({"LMOVEM", "t", "u", "LEFT", "RIGHT", "COUNT", "0", "OBO"},
       "-ERR count should be greater than 0\r\n");
  both({"LMOVEM", "t", "u", "LEFT", "RIGHT", "COUNT", "1"}, "-ERR syntax error\r\n");
}

// LPOS's RANK (Redis 7.2) and LREM's count (Redis 8.0) range over
// -(2^63-1) .. 2^63-1: the most negative value has no positive twin and is
// refused before the key is looked at (Redis 7.0 negated it, an overflow
// that made LPOS return the last match, or every match with COUNT, and
// LREM remove nothing).
TEST(ListEngineVsModel, LposAndLremRefuseTheMostNegativeCount) {
  EngineHarness engine(1);
  ListModel model;
  auto both = [&](const V& argv, const std::string& want) {
    EXPECT_EQ(engine.run(argv), want) << argv[3] << " " << argv[4];
    EXPECT_EQ(model.apply(argv), want) << argv[3] << " " << argv[4];
  };
  const std::string refused =
      "-ERR value is out of range, value must between -9223372036854775807 and "
      "9223372036854775807\r\n";
  both({"RPUSH", "l", "a", "b", "a", "a"}, ":4\r\n");
  both({"LPOS", "l", "a", "RANK", "-9223372036854775808"}, refused);
  both({"LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"}, refused);
  both({"LPOS", "nokey", "a", "RANK", "-9223372036854775808"}, refused);
  both({"LPOS", "l", "a", "RANK", "-9223372036854775807"}, "$-1\r\n");
  both({"LPOS", "l", "a", "RANK", "-9223372036854775807", "COUNT", "0"}, "*0\r\n");
  both({"LPOS", "l", "a", "RANK", "-1", "COUNT", "2"}, "*2\r\n:3\r\n:2\r\n");
  both({"LPOS", "l", "a", "RANK", "9223372036854775807"}, "$-1\r\n");
  both({"LREM", "l", "-9223372036854775808", "a"}, refused);
  both({"LREM", "nokey", "-9223372036854775808", "a"}, refused);
  both({"LREM", "l", "-9223372036854775807", "a"}, ":3\r\n");
}

// Blocking timeouts as Redis 7.2 reads them (replies checked against
// valkey-server 8.0.1): milliseconds or a deadline past 2^63-1 are "out of
// range" (7.0 overflowed them into "negative"); inside MULTI an accepted
// timeout answers at once.
TEST(ListEngine, BlockingTimeoutErrors) {
  EngineHarness engine(1);
  const std::string out_of_range = "-ERR timeout is out of range\r\n";
  EXPECT_EQ(engine.run({"BLPOP", "k", "inf"}), out_of_range);
  EXPECT_EQ(engine.run({"BLPOP", "k", "1e300"}), out_of_range);
  EXPECT_EQ(engine.run({"BRPOP", "k", "9223372036854775807"}), out_of_range);
  // 9223372036854775 s is below 2^63-1 ms, but not once now is added.
  EXPECT_EQ(engine.run({"BLMOVE", "k", "d", "LEFT", "LEFT", "9223372036854775"}), out_of_range);
  EXPECT_EQ(engine.run({"BZPOPMIN", "k", "inf"}), out_of_range);
  EXPECT_EQ(engine.run({"BLMPOP", "1e400", "1", "k", "LEFT"}), out_of_range);
  EXPECT_EQ(engine.run({"BLPOP", "k", "-inf"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(engine.run({"BLPOP", "k", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(engine.run({"BLPOP", "k", "1e5000"}),
            "-ERR timeout is not a float or out of range\r\n");
  engine.run({"MULTI"});
  engine.run({"BLPOP", "k", "9223372036854"});
  EXPECT_EQ(engine.run({"EXEC"}), "*1\r\n*-1\r\n");
}

}  // namespace
