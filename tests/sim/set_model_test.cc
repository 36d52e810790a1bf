// The set commands of the engine against SetModel, in-process: RapidCheck
// draws sequences of set commands (with string keys mixed in for WRONGTYPE,
// and a small set-max-intset-entries now and then so sets change encoding
// mid-sequence), and every reply must equal the model's byte for byte once
// the members of the replies with unspecified order are sorted.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "models/set_model.h"
#include "sim/engine_harness.h"

namespace {

using peregrine::models::SetModel;
using peregrine::sim::EngineHarness;
using V = std::vector<std::string>;

// ------------------------------------------------------------ reply sorting

// Reads "<prefix><n>\r\n" at pos; returns n and moves pos past it.
std::optional<long> read_header(const std::string& s, size_t* pos, char prefix) {
  if (*pos >= s.size() || s[*pos] != prefix) return std::nullopt;
  size_t end = s.find("\r\n", *pos);
  if (end == std::string::npos) return std::nullopt;
  long n = std::stol(s.substr(*pos + 1, end - *pos - 1));
  *pos = end + 2;
  return n;
}

// Reads an array of bulk strings at pos.
std::optional<std::vector<std::string>> read_bulk_array(const std::string& s, size_t* pos) {
  auto n = read_header(s, pos, '*');
  if (!n || *n < 0) return std::nullopt;
  std::vector<std::string> out;
  for (long i = 0; i < *n; ++i) {
    auto len = read_header(s, pos, '$');
    if (!len || *len < 0 || *pos + static_cast<size_t>(*len) + 2 > s.size()) return std::nullopt;
    out.push_back(s.substr(*pos, static_cast<size_t>(*len)));
    *pos += static_cast<size_t>(*len) + 2;
  }
  return out;
}

std::string write_bulk_array(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& m : items) out += "$" + std::to_string(m.size()) + "\r\n" + m + "\r\n";
  return out;
}

// The engine's reply with the members of an unordered reply sorted (an
// array of bulks; for SSCAN the member array after the cursor). Anything
// else, errors included, comes back unchanged.
std::string sorted_reply(const std::string& name, const std::string& reply) {
  if (!SetModel::unordered_reply(name)) return reply;
  size_t pos = 0;
  if (name == "sscan") {
    if (reply.rfind("*2\r\n", 0) != 0) return reply;
    pos = 4;
    auto len = read_header(reply, &pos, '$');
    if (!len || *len < 0) return reply;
    std::string head = reply.substr(0, pos + static_cast<size_t>(*len) + 2);
    pos += static_cast<size_t>(*len) + 2;
    auto members = read_bulk_array(reply, &pos);
    if (!members || pos != reply.size()) return reply;
    return head + write_bulk_array(*members);
  }
  auto members = read_bulk_array(reply, &pos);
  if (!members || pos != reply.size()) return reply;
  return write_bulk_array(*members);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ------------------------------------------------------------ generators

rc::Gen<std::string> gen_key() {
  return rc::gen::element<std::string>("s0", "s1", "s2", "s3", "str");
}

rc::Gen<std::string> gen_member() {
  return rc::gen::weightedOneOf<std::string>({
      {4, rc::gen::element<std::string>("1", "2", "3", "10", "-5", "40000", "3000000000",
                                        "-9223372036854775808")},
      {3, rc::gen::element<std::string>("a", "b", "c", "ab", "", "01", "-0", "1.5",
                                        std::string("x\0y", 3))},
      {2, rc::gen::map(rc::gen::inRange(0, 30), [](int i) { return std::to_string(i); })},
  });
}

rc::Gen<V> gen_members(int min) {
  return rc::gen::mapcat(rc::gen::inRange(min, 5), [](int n) {
    return rc::gen::container<V>(static_cast<size_t>(n), gen_member());
  });
}

rc::Gen<V> gen_keys(int min) {
  return rc::gen::mapcat(rc::gen::inRange(min, 4), [](int n) {
    return rc::gen::container<V>(static_cast<size_t>(n), gen_key());
  });
}

V cat(V head, const V& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

rc::Gen<V> gen_command() {
  auto k = gen_key();
  auto m = gen_member();
  return rc::gen::oneOf(
      rc::gen::apply([](std::string a, V ms) { return cat({"SADD", a}, ms); }, k, gen_members(1)),
      rc::gen::apply([](std::string a, V ms) { return cat({"SREM", a}, ms); }, k, gen_members(1)),
      rc::gen::apply([](std::string a) { return V{"SCARD", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"SISMEMBER", a, b}; }, k, m),
      rc::gen::apply([](std::string a, V ms) { return cat({"SMISMEMBER", a}, ms); }, k,
                     gen_members(1)),
      rc::gen::apply([](std::string a) { return V{"SMEMBERS", a}; }, k),
      rc::gen::apply([](std::string a, std::string b, std::string c) { return V{"SMOVE", a, b, c}; },
                     k, k, m),
      rc::gen::apply(
          [](std::string op, V ks) { return cat({op}, ks); },
          rc::gen::element<std::string>("SINTER", "SUNION", "SDIFF"), gen_keys(1)),
      rc::gen::apply(
          [](std::string op, std::string d, V ks) { return cat({op, d}, ks); },
          rc::gen::element<std::string>("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), k,
          gen_keys(1)),
      rc::gen::apply(
          [](std::string op, V ks, int numkeys_delta, rc::Maybe<int> limit, bool approx) {
            V v{op, std::to_string(static_cast<int>(ks.size()) + numkeys_delta)};
            v = cat(v, ks);
            if (approx) v.push_back("APPROX");  // SUNIONCARD only: else a syntax error
            if (limit) {
              v.push_back("LIMIT");
              v.push_back(std::to_string(*limit));
            }
            return v;
          },
          rc::gen::element<std::string>("SINTERCARD", "SUNIONCARD", "SDIFFCARD"), gen_keys(1),
          rc::gen::weightedOneOf<int>({{6, rc::gen::just(0)}, {1, rc::gen::inRange(-2, 2)}}),
          rc::gen::maybe(rc::gen::inRange(-1, 4)),
          rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}})),
      rc::gen::apply(
          [](std::string a, rc::Maybe<std::string> pattern, std::string cursor) {
            V v{"SSCAN", a, cursor};
            if (pattern) {
              v.push_back("MATCH");
              v.push_back(*pattern);
            }
            v.push_back("COUNT");
            v.push_back("1000");
            return v;
          },
          k, rc::gen::maybe(rc::gen::element<std::string>("*", "1*", "*0", "?", "[ab]*", "a", "")),
          rc::gen::weightedOneOf<std::string>(
              {{8, rc::gen::just(std::string("0"))}, {1, rc::gen::just(std::string("x"))}})),
      rc::gen::apply([](std::string a) { return V{"DEL", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"EXISTS", a, b}; }, k, k),
      rc::gen::apply([](std::string a) { return V{"TYPE", a}; }, k),
      rc::gen::apply([](std::string a, std::string b) { return V{"SET", a, b}; },
                     rc::gen::element<std::string>("str", "s3"), m),
      rc::gen::element(V{"SADD", "s0"}, V{"SCARD"}, V{"SMOVE", "s0", "s1"}, V{"SINTERSTORE", "s0"}));
}

TEST(SetsVsModel, RandomCommandSequences) {
  bool ok = rc::check("engine set replies equal model replies", [] {
    peregrine::server::Config config;
    config.set_max_intset_entries = *rc::gen::element<int64_t>(512, 4, 2, 0);
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>(), config);
    SetModel model;
    auto commands = *rc::gen::container<std::vector<V>>(gen_command());
    for (const V& argv : commands) {
      const std::string name = lower(argv[0]);
      std::string got = sorted_reply(name, engine.run(argv));
      std::string want = model.apply(argv);
      RC_ASSERT(got == want);
    }
  });
  EXPECT_TRUE(ok);
}


// ------------------------------------------------------------ member expiry

// A few members, so TTL commands meet the members the others add.
rc::Gen<std::string> gen_ttl_member() {
  return rc::gen::element<std::string>("1", "2", "a", "b", "c", "300");
}

rc::Gen<V> gen_ttl_members() {
  return rc::gen::mapcat(rc::gen::inRange(1, 4), [](int n) {
    return rc::gen::container<V>(static_cast<size_t>(n), gen_ttl_member());
  });
}

// "MEMBERS n m..." with n usually right, now and then off by one.
V members_block(const V& ms, int delta) {
  V v{"MEMBERS", std::to_string(static_cast<int>(ms.size()) + delta)};
  return cat(v, ms);
}

// A TTL argument: relative seconds or ms, or an absolute time written as a
// placeholder ("@ms:N" / "@s:N", N ms from now) resolved when the step runs;
// sometimes in the past, zero, negative or not a number.
rc::Gen<std::string> gen_time(bool absolute, bool seconds) {
  if (absolute) {
    return rc::gen::weightedOneOf<std::string>({
        {6, rc::gen::map(rc::gen::inRange(-3000, 9000),
                         [seconds](int ms) {
                           return (seconds ? "@s:" : "@ms:") + std::to_string(ms);
                         })},
        {1, rc::gen::element<std::string>("0", "1", "-1", "x", "99999999999999999")},
    });
  }
  return rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::map(rc::gen::inRange(0, seconds ? 9 : 9000),
                       [](int t) { return std::to_string(t); })},
      {1, rc::gen::element<std::string>("-1", "x", "70368744177664")},
  });
}

rc::Gen<V> gen_ttl_command() {
  auto k = rc::gen::weightedOneOf<std::string>(
      {{8, rc::gen::element<std::string>("s0", "s1")}, {1, rc::gen::just(std::string("str"))}});
  // Weighted towards the TTL commands and the readers of TTLs.
  return rc::gen::weightedOneOf<V>({
      {3, rc::gen::apply(
          [](std::string key, std::string cond, std::string opt, std::string t, V ms,
             int delta) {
            V v{"SADDEX", key};
            if (!cond.empty()) v.push_back(cond);
            if (!opt.empty()) v.push_back(opt);
            if (opt != "" && opt != "KEEPTTL") v.push_back(t);
            return cat(v, members_block(ms, delta));
          },
          k, rc::gen::element<std::string>("", "", "MNX", "MXX"),
          rc::gen::element<std::string>("", "EX", "PX", "PXAT", "EXAT", "KEEPTTL"),
          rc::gen::oneOf(gen_time(false, false), gen_time(true, false)), gen_ttl_members(),
          rc::gen::weightedOneOf<int>({{8, rc::gen::just(0)}, {1, rc::gen::just(1)}}))},
      {4, rc::gen::apply(
          [](std::string key, int form, std::string rel, std::string abs, std::string cond,
             bool cond_last, V ms) {
            static const char* kNames[] = {"SEXPIRE", "SPEXPIRE", "SEXPIREAT", "SPEXPIREAT"};
            V v{kNames[form], key, form >= 2 ? abs : rel};
            if (!cond.empty() && !cond_last) v.push_back(cond);
            v = cat(v, members_block(ms, 0));
            if (!cond.empty() && cond_last) v.push_back(cond);
            return v;
          },
          k, rc::gen::inRange(0, 4), gen_time(false, true), gen_time(true, false),
          rc::gen::element<std::string>("", "", "NX", "XX", "GT", "LT"),
          rc::gen::arbitrary<bool>(), gen_ttl_members())},
      {4, rc::gen::apply(
          [](std::string name, std::string key, V ms, int delta) {
            return cat({name, key}, members_block(ms, delta));
          },
          rc::gen::element<std::string>("STTL", "SPTTL", "SEXPIRETIME", "SPEXPIRETIME",
                                        "SPERSIST"),
          k, gen_ttl_members(),
          rc::gen::weightedOneOf<int>({{8, rc::gen::just(0)}, {1, rc::gen::just(-1)}}))},
      {3, rc::gen::apply([](std::string key, V ms) { return cat({"SADD", key}, ms); }, k,
                     gen_ttl_members())},
      {1, rc::gen::apply([](std::string key, V ms) { return cat({"SREM", key}, ms); }, k,
                     gen_ttl_members())},
      {4, rc::gen::apply([](std::string a, std::string b, std::string m) { return V{"SMOVE", a, b, m}; },
                     k, k, gen_ttl_member())},
      {2, rc::gen::apply([](std::string op, std::string d, std::string a, std::string b) {
                       return V{op, d, a, b};
                     },
                     rc::gen::element<std::string>("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"),
                     rc::gen::element<std::string>("s0", "s1", "s2"), k, k)},
      {1, rc::gen::apply([](std::string key) { return V{"SMEMBERS", key}; },
                     rc::gen::element<std::string>("s0", "s1", "s2"))},
      {1, rc::gen::apply([](std::string key) { return V{"SCARD", key}; },
                     rc::gen::element<std::string>("s0", "s1", "s2"))},
      {1, rc::gen::apply([](std::string key) { return V{"EXISTS", key}; },
                     rc::gen::element<std::string>("s0", "s1", "s2"))},
      {3, rc::gen::apply([](std::string key) { return V{"STTL", key, "MEMBERS", "3", "1", "a", "c"}; },
                     rc::gen::element<std::string>("s0", "s1", "s2"))},
      {1, rc::gen::just(V{"SET", "str", "v"})},
  });
}

// Replaces the "@ms:N" / "@s:N" placeholders with absolute times.
V resolve_times(V argv, int64_t now_ms) {
  for (std::string& a : argv) {
    if (a.rfind("@ms:", 0) == 0) a = std::to_string(now_ms + std::stoll(a.substr(4)));
    else if (a.rfind("@s:", 0) == 0) a = std::to_string((now_ms + std::stoll(a.substr(3))) / 1000);
  }
  return argv;
}

// Sequences of member-expiry commands and the commands that must respect
// TTLs, with the clock moving between them, against the model.
TEST(SetsVsModel, MemberExpirySequences) {
  bool ok = rc::check("engine and model agree on set member TTLs", [] {
    peregrine::server::Config config;
    config.set_max_listpack_entries = *rc::gen::element<int64_t>(128, 2);
    EngineHarness engine(*rc::gen::arbitrary<uint32_t>(), config);
    SetModel model;
    const int n = *rc::gen::inRange(10, 120);
    for (int i = 0; i < n; ++i) {
      engine.advance_ms(*rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)},
                                                       {2, rc::gen::inRange(1, 1500)},
                                                       {1, rc::gen::inRange(1500, 6000)}}));
      const V argv = resolve_times(*gen_ttl_command(), engine.now_ms());
      const std::string name = lower(argv[0]);
      const std::string got = sorted_reply(name, engine.run(argv));
      const std::string want = model.apply(argv, engine.now_ms());
      if (got != want) {
        std::string shown;
        for (const std::string& a : argv) shown += "[" + a + "]";
        RC_FAIL(shown + "\n  engine: " + got + "\n  model:  " + want);
      }
    }
  });
  EXPECT_TRUE(ok);
}

// The documented examples of STTL, SPTTL, SEXPIRETIME, SPEXPIRETIME and
// SPERSIST (the absolute times there depend on the day they were taken:
// here the clock reads 1792684127589 ms).
TEST(SetsVsModel, MemberExpiryDocumentedExamples) {
  EngineHarness engine(1);
  engine.advance_ms(1792684127589 - engine.now_ms());
  SetModel model;
  auto both = [&](const V& argv, const std::string& want) {
    EXPECT_EQ(engine.run(argv), want) << argv[0];
    EXPECT_EQ(model.apply(argv, engine.now_ms()), want) << argv[0];
  };
  both({"STTL", "no-key", "MEMBERS", "2", "member1", "member2"}, "*2\r\n:-2\r\n:-2\r\n");
  both({"SADD", "myset", "member1", "member2"}, ":2\r\n");
  both({"SEXPIRE", "myset", "300", "MEMBERS", "2", "member1", "member3"}, "*2\r\n:1\r\n:-2\r\n");
  both({"STTL", "myset", "MEMBERS", "3", "member1", "member2", "member3"},
       "*3\r\n:300\r\n:-1\r\n:-2\r\n");
  both({"SEXPIRETIME", "myset", "MEMBERS", "3", "member1", "member2", "member3"},
       "*3\r\n:1792684428\r\n:-1\r\n:-2\r\n");
  both({"SPEXPIRETIME", "myset", "MEMBERS", "1", "member1"}, "*1\r\n:1792684427589\r\n");
  engine.advance_ms(7);
  both({"SPTTL", "myset", "MEMBERS", "3", "member1", "member2", "member3"},
       "*3\r\n:299993\r\n:-1\r\n:-2\r\n");
  both({"SEXPIRE", "myset", "300", "MEMBERS", "2", "member1", "member2"}, "*2\r\n:1\r\n:1\r\n");
  both({"SPERSIST", "myset", "MEMBERS", "1", "member2"}, "*1\r\n:1\r\n");
  both({"STTL", "myset", "MEMBERS", "2", "member1", "member2"}, "*2\r\n:300\r\n:-1\r\n");
  both({"SPERSIST", "myset", "MEMBERS", "2", "member2", "member3"}, "*2\r\n:-1\r\n:-2\r\n");
  // SADDEX: all-or-nothing conditions; a past time removes and adds none.
  both({"SADDEX", "s", "EX", "1000", "MEMBERS", "3", "a", "b", "c"}, ":1\r\n");
  both({"SADDEX", "s", "MNX", "EX", "1000", "MEMBERS", "2", "a", "x"}, ":0\r\n");
  both({"SADDEX", "s", "MXX", "MEMBERS", "2", "a", "x"}, ":0\r\n");
  both({"SADDEX", "s", "PXAT", "1", "MEMBERS", "2", "a", "new"}, ":1\r\n");
  both({"SMEMBERS", "s"}, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  both({"SADDEX", "s", "MEMBERS", "1", "b"}, ":1\r\n");
  both({"STTL", "s", "MEMBERS", "2", "b", "c"}, "*2\r\n:-1\r\n:1000\r\n");
  both({"SEXPIREAT", "s", "1", "MEMBERS", "2", "c", "nosuch"}, "*2\r\n:2\r\n:-2\r\n");
  both({"SEXPIRE", "s", "10", "MEMBERS", "1", "b", "NX"}, "*1\r\n:1\r\n");
  both({"SEXPIRE", "s", "5", "GT", "MEMBERS", "1", "b"}, "*1\r\n:0\r\n");
  // SMOVE carries the member's TTL, or clears the destination's; the
  // *STORE commands give each member its nearest deadline.
  both({"SADDEX", "t", "EX", "50", "MEMBERS", "2", "b", "z"}, ":1\r\n");
  both({"SMOVE", "s", "t", "b"}, ":1\r\n");
  both({"STTL", "t", "MEMBERS", "1", "b"}, "*1\r\n:10\r\n");
  both({"SADD", "s", "z"}, ":1\r\n");
  both({"SMOVE", "s", "t", "z"}, ":1\r\n");
  both({"STTL", "t", "MEMBERS", "1", "z"}, "*1\r\n:-1\r\n");
  both({"SADDEX", "u", "EX", "20", "MEMBERS", "2", "b", "y"}, ":1\r\n");
  both({"SUNIONSTORE", "d", "t", "u"}, ":3\r\n");
  both({"STTL", "d", "MEMBERS", "3", "b", "y", "z"}, "*3\r\n:10\r\n:20\r\n:-1\r\n");
  both({"SINTERSTORE", "d", "u", "t"}, ":1\r\n");
  both({"STTL", "d", "MEMBERS", "1", "b"}, "*1\r\n:10\r\n");
  both({"SDIFFSTORE", "d", "u", "t"}, ":1\r\n");
  both({"STTL", "d", "MEMBERS", "1", "y"}, "*1\r\n:20\r\n");
  both({"SADD", "s", "b"}, ":1\r\n");
  engine.advance_ms(10000);
  both({"EXISTS", "s"}, ":1\r\n");  // not looked inside yet
  both({"SCARD", "s"}, ":1\r\n");
  both({"SMEMBERS", "t"}, "*1\r\n$1\r\nz\r\n");
  both({"SREM", "s", "b"}, ":1\r\n");
  both({"EXISTS", "s"}, ":0\r\n");
  // Argument errors, in the order the commands find them: an unknown word
  // as it is met, then a missing MEMBERS block, then two different
  // conditions (one repeated is fine).
  both({"SEXPIRE", "t", "10", "NX", "XX", "BAD", "MEMBERS", "1", "z"},
       "-ERR unknown argument: BAD\r\n");
  both({"SEXPIRE", "t", "100", "NX", "NX", "NX"}, "-ERR missing MEMBERS argument\r\n");
  both({"SEXPIRE", "t", "10", "NX", "XX", "MEMBERS", "1", "z"},
       "-ERR Multiple condition flags specified\r\n");
  both({"SEXPIRE", "t", "10", "NX", "MEMBERS", "1", "z", "NX"}, "*1\r\n:1\r\n");
  both({"SEXPIRE", "t", "10", "NX", "MEMBERS", "1"},
       "-ERR MEMBERS requires at least nummembers and one member argument\r\n");
  both({"SEXPIRE", "t", "10", "MEMBERS", "2", "z"}, "-ERR wrong number of arguments\r\n");
  both({"SADDEX", "t", "EX", "1", "MEMBERS"},
       "-ERR wrong number of arguments for 'saddex' command\r\n");
  both({"SADDEX", "t", "MEMBERS", "1", "a", "c"}, "-ERR unknown argument: c\r\n");
}
}  // namespace

namespace {

// The cron removes due members of sets no command touches (EXISTS, DBSIZE
// and MEMORY USAGE do not look inside a set), in rounds of bounded size,
// and deletes the keys it empties; hash fields go the same way.
TEST(SetMemberExpiry, CronRemovesMembersNobodyReads) {
  EngineHarness engine(7);
  for (int k = 0; k < 20; ++k) {
    V argv{"SADDEX", "gone:" + std::to_string(k), "PX", "100", "MEMBERS", "3", "a", "b", "c"};
    ASSERT_EQ(engine.run(argv), ":1\r\n");
  }
  V big{"SADDEX", "big", "PX", "100", "MEMBERS", "1000"};
  for (int i = 0; i < 1000; ++i) big.push_back("member:" + std::to_string(i));
  ASSERT_EQ(engine.run(big), ":1\r\n");
  ASSERT_EQ(engine.run({"SADD", "big", "stays"}), ":1\r\n");
  ASSERT_EQ(engine.run({"HSET", "h", "f", "v", "g", "w"}), ":2\r\n");
  ASSERT_EQ(engine.run({"HPEXPIRE", "h", "100", "FIELDS", "1", "f"}), "*1\r\n:1\r\n");
  auto usage = [&] {
    const std::string r = engine.run({"MEMORY", "USAGE", "big"});
    return std::stol(r.substr(1));
  };
  const long before = usage();
  EXPECT_EQ(engine.run({"DBSIZE"}), ":22\r\n");
  engine.advance_ms(200);
  // A round removes at most 200 members, and a tick runs rounds while they
  // find that much to do, within a quarter of the cron period of time: the
  // simulated clock stands still during a tick, so one tick takes all
  // 1,060 due members in six rounds.
  engine.server().cron_tick();
  EXPECT_EQ(engine.run({"DBSIZE"}), ":2\r\n");
  EXPECT_LT(usage(), before / 5);  // the empty table keeps its buckets
  EXPECT_EQ(engine.run({"SCARD", "big"}), ":1\r\n");
  EXPECT_EQ(engine.run({"HLEN", "h"}), ":1\r\n");
}

}  // namespace

namespace {

// In a large keyspace the cron still finds the collections with member TTLs
// at once: the commands that set TTLs (and RENAME, COPY, MOVE) note their
// keys, so it need not walk 50,000 other keys first.
TEST(SetMemberExpiry, CronFindsNotedKeysInALargeKeyspace) {
  EngineHarness engine(9);
  for (int i = 0; i < 50000; ++i) {
    ASSERT_EQ(engine.run({"SET", "string:" + std::to_string(i), "v"}), "+OK\r\n");
  }
  V big{"SADDEX", "big", "PX", "100", "MEMBERS", "500"};
  for (int i = 0; i < 500; ++i) big.push_back("member:" + std::to_string(i));
  ASSERT_EQ(engine.run(big), ":1\r\n");
  ASSERT_EQ(engine.run({"SADD", "big", "stays"}), ":1\r\n");
  ASSERT_EQ(engine.run({"HSET", "h", "f", "v", "g", "w"}), ":2\r\n");
  ASSERT_EQ(engine.run({"HPEXPIRE", "h", "100", "FIELDS", "2", "f", "g"}), "*2\r\n:1\r\n:1\r\n");
  // RENAME and COPY note their destinations too.
  ASSERT_EQ(engine.run({"SADDEX", "r1", "PX", "100", "MEMBERS", "2", "a", "b"}), ":1\r\n");
  ASSERT_EQ(engine.run({"RENAME", "r1", "r2"}), "+OK\r\n");
  ASSERT_EQ(engine.run({"COPY", "r2", "r3"}), ":1\r\n");
  auto usage = [&] {
    const std::string r = engine.run({"MEMORY", "USAGE", "big"});
    return std::stol(r.substr(1));
  };
  const long before = usage();
  engine.advance_ms(200);
  for (int tick = 0; tick < 4; ++tick) engine.server().cron_tick();
  EXPECT_LT(usage(), before / 3);
  // Emptied by the cron, not by a command.
  EXPECT_EQ(engine.run({"EXISTS", "h", "r2", "r3"}), ":0\r\n");
  EXPECT_EQ(engine.run({"DBSIZE"}), ":50001\r\n");
}

}  // namespace
