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

}  // namespace
