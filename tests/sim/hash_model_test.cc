// The hash family of the engine against models/hash_model.h, in-process.
//
// Scripted tests pin down field expiry replies (HEXPIRE ... HGETDEL) byte
// for byte; the RapidCheck properties draw random hash command sequences
// with time passing between commands and require every engine reply to
// equal the model's. Replies the model cannot predict (HRANDFIELD samples)
// are checked against the model's fields instead; listings of hashes in
// the hashtable encoding are compared without regard to order.
#include "models/hash_model.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::models::HashModel;
using peregrine::sim::EngineHarness;
using V = std::vector<std::string>;

// ------------------------------------------------------------ RESP2 replies

struct Reply {
  char type = 0;  // + - : $ *  ($ with null = true for $-1)
  bool null = false;
  std::string text;
  std::vector<Reply> items;
  bool operator==(const Reply&) const = default;
  bool operator<(const Reply& o) const {
    return std::tie(type, null, text, items) < std::tie(o.type, o.null, o.text, o.items);
  }
};

// Parses one RESP2 reply starting at *pos. Returns false on malformed input.
bool parse(const std::string& s, size_t* pos, Reply* out) {
  if (*pos >= s.size()) return false;
  size_t eol = s.find("\r\n", *pos);
  if (eol == std::string::npos) return false;
  out->type = s[*pos];
  std::string line = s.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  switch (out->type) {
    case '+':
    case '-':
    case ':':
      out->text = line;
      return true;
    case '$': {
      long n = std::stol(line);
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (*pos + static_cast<size_t>(n) + 2 > s.size()) return false;
      out->text = s.substr(*pos, static_cast<size_t>(n));
      *pos += static_cast<size_t>(n) + 2;
      return true;
    }
    case '*': {
      long n = std::stol(line);
      if (n < 0) {
        out->null = true;
        return true;
      }
      out->items.resize(static_cast<size_t>(n));
      for (auto& item : out->items) {
        if (!parse(s, pos, &item)) return false;
      }
      return true;
    }
  }
  return false;
}

Reply parse_all(const std::string& s) {
  Reply r;
  size_t pos = 0;
  if (!parse(s, &pos, &r) || pos != s.size()) r = Reply{'?', false, s, {}};
  return r;
}

// Sorts a flat array in units of `unit` elements (2 for field/value pairs).
void sort_units(std::vector<Reply>* items, size_t unit) {
  std::vector<std::vector<Reply>> groups;
  for (size_t i = 0; i + unit <= items->size(); i += unit) {
    groups.emplace_back(items->begin() + static_cast<long>(i),
                        items->begin() + static_cast<long>(i + unit));
  }
  std::sort(groups.begin(), groups.end());
  items->clear();
  for (auto& g : groups) items->insert(items->end(), g.begin(), g.end());
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The listing order of a hash in the hashtable encoding is the table's: put
// the replies of listing commands in a canonical order.
Reply unordered_listing(const V& argv, Reply r) {
  const std::string name = lower(argv[0]);
  if (r.type != '*') return r;
  const bool withvalues = argv.size() >= 4 && lower(argv.back()) == "withvalues";
  if (name == "hgetall")
    sort_units(&r.items, 2);
  else if (name == "hkeys" || name == "hvals")
    sort_units(&r.items, 1);
  else if (name == "hrandfield")
    sort_units(&r.items, withvalues ? 2 : 1);
  else if (name == "hscan" && r.items.size() == 2) {
    bool novalues = false;
    for (const auto& a : argv) novalues |= lower(a) == "novalues";
    sort_units(&r.items[1].items, novalues ? 1 : 2);
  }
  return r;
}

// Checks an HRANDFIELD reply the model marked random against the hash's
// fields. Returns "" or what is wrong.
std::string check_random(const V& argv, const std::string& got,
                         const std::vector<std::pair<std::string, std::string>>& fields) {
  Reply r = parse_all(got);
  auto value_of = [&](const std::string& f) -> const std::string* {
    for (const auto& [name, value] : fields) {
      if (name == f) return &value;
    }
    return nullptr;
  };
  if (argv.size() == 2) {
    if (r.type != '$' || r.null || value_of(r.text) == nullptr) return "not one of the fields";
    return "";
  }
  const long long n = std::stoll(argv[2]);
  const bool withvalues = argv.size() == 4;
  const size_t unit = withvalues ? 2 : 1;
  const size_t want = static_cast<size_t>(n < 0 ? -n : n);
  if (r.type != '*' || r.items.size() != want * unit) return "wrong number of elements";
  std::set<std::string> seen;
  for (size_t i = 0; i < r.items.size(); i += unit) {
    const std::string* v = value_of(r.items[i].text);
    if (v == nullptr) return "unknown field " + r.items[i].text;
    if (withvalues && r.items[i + 1].text != *v) return "wrong value for " + r.items[i].text;
    if (n > 0 && !seen.insert(r.items[i].text).second) return "repeated field " + r.items[i].text;
  }
  return "";
}

// ------------------------------------------------------------ scripted tests

// Runs argv on the engine and on the model; both must give `want`.
class Both {
 public:
  explicit Both(peregrine::server::Config config = {}) : engine_(1, config) {}
  void expect(const V& argv, const std::string& want) {
    std::string got = engine_.run(argv);
    EXPECT_EQ(got, want) << "engine, command " << argv[0] << " "
                         << (argv.size() > 1 ? argv[1] : "");
    EXPECT_EQ(model_.apply(argv, engine_.now_ms()), want)
        << "model, command " << argv[0] << " " << (argv.size() > 1 ? argv[1] : "");
  }
  std::string run(const V& argv) {
    model_.apply(argv, engine_.now_ms());
    return engine_.run(argv);
  }
  void advance(int64_t ms) { engine_.advance_ms(ms); }
  int64_t now() { return engine_.now_ms(); }

 private:
  EngineHarness engine_;
  HashModel model_;
};

TEST(HashFieldExpiry, HexpireRepliesAndLazyExpiry) {
  Both t;
  t.expect({"HSET", "h", "a", "1", "b", "2", "c", "3"}, ":3\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "2", "a", "nofield"}, "*2\r\n:1\r\n:-2\r\n");
  t.expect({"HTTL", "h", "FIELDS", "3", "a", "b", "nofield"}, "*3\r\n:10\r\n:-1\r\n:-2\r\n");
  t.expect({"HPTTL", "h", "FIELDS", "1", "a"}, "*1\r\n:10000\r\n");
  t.advance(1);
  t.expect({"HTTL", "h", "FIELDS", "1", "a"}, "*1\r\n:10\r\n");  // rounded up
  t.expect({"HPTTL", "h", "FIELDS", "1", "a"}, "*1\r\n:9999\r\n");
  const int64_t deadline = t.now() + 9999;
  t.expect({"HPEXPIRETIME", "h", "FIELDS", "1", "a"},
           "*1\r\n:" + std::to_string(deadline) + "\r\n");
  t.expect({"HEXPIRETIME", "h", "FIELDS", "1", "a"},
           "*1\r\n:" + std::to_string((deadline + 999) / 1000) + "\r\n");
  // NX / XX / GT / LT.
  t.expect({"HEXPIRE", "h", "20", "NX", "FIELDS", "2", "a", "b"}, "*2\r\n:0\r\n:1\r\n");
  t.expect({"HEXPIRE", "h", "30", "XX", "FIELDS", "2", "a", "c"}, "*2\r\n:1\r\n:0\r\n");
  t.expect({"HEXPIRE", "h", "5", "GT", "FIELDS", "3", "a", "b", "c"}, "*3\r\n:0\r\n:0\r\n:0\r\n");
  t.expect({"HEXPIRE", "h", "5", "LT", "FIELDS", "3", "a", "b", "c"}, "*3\r\n:1\r\n:1\r\n:1\r\n");
  t.expect({"HTTL", "h", "FIELDS", "3", "a", "b", "c"}, "*3\r\n:5\r\n:5\r\n:5\r\n");
  // Expired fields vanish for every hash command; the last one takes the key.
  t.advance(5000);
  t.expect({"HGETALL", "h"}, "*0\r\n");
  t.expect({"EXISTS", "h"}, ":0\r\n");
}

TEST(HashFieldExpiry, DueDeadlinesDeleteAndKeyGoesWithLastField) {
  Both t;
  t.expect({"HSET", "h", "a", "1", "b", "2"}, ":2\r\n");
  t.expect({"HPEXPIRE", "h", "0", "FIELDS", "1", "a"}, "*1\r\n:2\r\n");
  t.expect({"HEXPIREAT", "h", "1", "FIELDS", "2", "a", "b"}, "*2\r\n:-2\r\n:2\r\n");
  t.expect({"EXISTS", "h"}, ":0\r\n");
  t.expect({"HEXPIRE", "nokey", "10", "FIELDS", "1", "a"}, "*1\r\n:-2\r\n");
  t.expect({"HTTL", "nokey", "FIELDS", "1", "a"}, "*1\r\n:-2\r\n");
  t.expect({"HPERSIST", "nokey", "FIELDS", "1", "a"}, "*1\r\n:-2\r\n");
}

TEST(HashFieldExpiry, WritesAndTtls) {
  Both t;
  t.expect({"HSET", "h", "a", "1", "n", "5", "x", "1.5"}, ":3\r\n");
  t.expect({"HEXPIRE", "h", "100", "FIELDS", "3", "a", "n", "x"}, "*3\r\n:1\r\n:1\r\n:1\r\n");
  // Counters keep the TTL; HSET drops it; HSETNX on an existing field does
  // nothing.
  t.expect({"HINCRBY", "h", "n", "1"}, ":6\r\n");
  t.expect({"HINCRBYFLOAT", "h", "x", "1"}, "$3\r\n2.5\r\n");
  t.expect({"HSETNX", "h", "a", "2"}, ":0\r\n");
  t.expect({"HTTL", "h", "FIELDS", "3", "a", "n", "x"}, "*3\r\n:100\r\n:100\r\n:100\r\n");
  t.expect({"HSET", "h", "a", "2"}, ":0\r\n");
  t.expect({"HTTL", "h", "FIELDS", "1", "a"}, "*1\r\n:-1\r\n");
  // HPERSIST.
  t.expect({"HPERSIST", "h", "FIELDS", "3", "a", "n", "nofield"}, "*3\r\n:-1\r\n:1\r\n:-2\r\n");
  t.expect({"HTTL", "h", "FIELDS", "1", "n"}, "*1\r\n:-1\r\n");
  // HDEL then re-adding a field starts it without a TTL.
  t.expect({"HDEL", "h", "x"}, ":1\r\n");
  t.expect({"HSET", "h", "x", "1"}, ":1\r\n");
  t.expect({"HTTL", "h", "FIELDS", "1", "x"}, "*1\r\n:-1\r\n");
}

TEST(HashFieldExpiry, HgetexHsetexHgetdel) {
  Both t;
  t.expect({"HSETEX", "h", "PX", "500", "FIELDS", "2", "a", "1", "b", "2"}, ":1\r\n");
  t.expect({"HPTTL", "h", "FIELDS", "2", "a", "b"}, "*2\r\n:500\r\n:500\r\n");
  t.expect({"HSETEX", "h", "FNX", "FIELDS", "2", "b", "20", "c", "3"}, ":0\r\n");
  t.expect({"HSETEX", "h", "FXX", "KEEPTTL", "FIELDS", "1", "b", "20"}, ":1\r\n");
  t.expect({"HPTTL", "h", "FIELDS", "1", "b"}, "*1\r\n:500\r\n");
  t.expect({"HSETEX", "h", "FIELDS", "1", "b", "21"}, ":1\r\n");  // drops the TTL
  t.expect({"HPTTL", "h", "FIELDS", "1", "b"}, "*1\r\n:-1\r\n");
  t.expect({"HSETEX", "h", "FXX", "FIELDS", "2", "b", "22", "nofield", "x"}, ":0\r\n");
  t.expect({"HSETEX", "nokey", "FXX", "FIELDS", "1", "a", "1"}, ":0\r\n");
  // Valkey 9's key conditions.
  t.expect({"HSETEX", "h", "NX", "FIELDS", "1", "z", "1"}, ":0\r\n");
  t.expect({"HSETEX", "nokey", "XX", "FIELDS", "1", "z", "1"}, ":0\r\n");
  t.expect({"EXISTS", "nokey"}, ":0\r\n");
  t.expect({"HSETEX", "h", "XX", "FNX", "FIELDS", "1", "z", "1"}, ":1\r\n");
  t.expect({"HSETEX", "nx", "nx", "FNX", "PX", "500", "FIELDS", "1", "z", "2"}, ":1\r\n");
  t.expect({"HGET", "nx", "z"}, "$1\r\n2\r\n");
  t.expect({"HSETEX", "h", "NX", "XX", "FIELDS", "1", "z", "1"}, "-ERR syntax error\r\n");
  t.expect({"HDEL", "h", "z"}, ":1\r\n");
  t.expect({"DEL", "nx"}, ":1\r\n");
  t.expect({"EXISTS", "nokey"}, ":0\r\n");
  t.expect({"HGETEX", "h", "EX", "2", "FIELDS", "3", "a", "b", "nofield"},
           "*3\r\n$1\r\n1\r\n$2\r\n21\r\n$-1\r\n");
  t.expect({"HTTL", "h", "FIELDS", "2", "a", "b"}, "*2\r\n:2\r\n:2\r\n");
  t.expect({"HGETEX", "h", "PERSIST", "FIELDS", "1", "a"}, "*1\r\n$1\r\n1\r\n");
  t.expect({"HTTL", "h", "FIELDS", "2", "a", "b"}, "*2\r\n:-1\r\n:2\r\n");
  t.expect({"HGETEX", "h", "FIELDS", "1", "a"}, "*1\r\n$1\r\n1\r\n");
  t.expect({"HGETEX", "h", "PXAT", "1", "FIELDS", "1", "a"}, "*1\r\n$1\r\n1\r\n");
  t.expect({"HEXISTS", "h", "a"}, ":0\r\n");
  t.expect({"HGETDEL", "h", "FIELDS", "2", "b", "b"}, "*2\r\n$2\r\n21\r\n$-1\r\n");
  t.expect({"EXISTS", "h"}, ":0\r\n");
  t.expect({"HSETEX", "h", "EX", "0", "FIELDS", "1", "a", "1"}, ":1\r\n");
  t.expect({"EXISTS", "h"}, ":0\r\n");
}

// A small hash with field TTLs lists its fields in Redis 7.4's listpackex
// order: the TTL'd ones first, by deadline; the rest in the order they were
// added or lost their TTL.
TEST(HashFieldExpiry, SmallHashListsFieldsByDeadline) {
  Both t;
  t.expect({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"}, ":4\r\n");
  t.expect({"HPEXPIRE", "h", "900", "FIELDS", "1", "c"}, "*1\r\n:1\r\n");
  t.expect({"HPEXPIRE", "h", "500", "FIELDS", "1", "d"}, "*1\r\n:1\r\n");
  t.expect({"HKEYS", "h"}, "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n");
  t.expect({"HSETEX", "h", "PX", "900", "FIELDS", "1", "e", "5"}, ":1\r\n");  // before c
  t.expect({"HPERSIST", "h", "FIELDS", "1", "d"}, "*1\r\n:1\r\n");         // to the end
  t.expect({"HSET", "h", "c", "33"}, ":0\r\n");                              // to the end
  t.expect({"HGETALL", "h"},
           "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
           "$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$2\r\n33\r\n");
}

TEST(HashFieldExpiry, Errors) {
  Both t;
  t.expect({"SET", "s", "v"}, "+OK\r\n");
  t.expect({"HEXPIRE", "s", "10", "FIELDS", "1", "a"},
           "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  t.expect({"HTTL", "s", "FIELDS", "1", "a"},
           "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  t.expect({"HSET", "h", "a", "1"}, ":1\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "1"},
           "-ERR wrong number of arguments for 'hexpire' command\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "0", "a"},
           "-ERR Parameter `numFields` should be greater than 0\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "x", "a"},
           "-ERR Parameter `numFields` should be greater than 0\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "2", "a"},
           "-ERR The `numfields` parameter must match the number of arguments\r\n");
  t.expect({"HEXPIRE", "h", "10", "FIELDS", "1", "a", "b"},
           "-ERR The `numfields` parameter must match the number of arguments\r\n");
  t.expect({"HEXPIRE", "h", "10", "BOGUS", "1", "a"},
           "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
  t.expect({"HEXPIRE", "h", "10", "NX", "XX", "FIELDS", "1", "a"},
           "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
  t.expect({"HEXPIRE", "h", "abc", "FIELDS", "1", "a"},
           "-ERR value is not an integer or out of range\r\n");
  t.expect({"HEXPIRE", "h", "-1", "FIELDS", "1", "a"},
           "-ERR invalid expire time, must be >= 0\r\n");
  t.expect({"HEXPIRE", "h", "70368744177664", "FIELDS", "1", "a"},
           "-ERR invalid expire time in 'hexpire' command\r\n");
  t.expect({"HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a"},
           "-ERR invalid expire time in 'hpexpireat' command\r\n");
  t.expect({"HPEXPIREAT", "h", "70368744177663", "FIELDS", "1", "a"}, "*1\r\n:1\r\n");
  t.expect({"HTTL", "h", "FIELDS", "0", "a"},
           "-ERR Number of fields must be a positive integer\r\n");
  t.expect({"HTTL", "h", "NOTFIELDS", "1", "a"},
           "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
  t.expect({"HPERSIST", "h", "FIELDS", "2", "a"},
           "-ERR The `numfields` parameter must match the number of arguments\r\n");
  t.expect({"HGETDEL", "h", "FIELDS", "-1", "a"},
           "-ERR Number of fields must be a positive integer\r\n");
  t.expect({"HGETEX", "h", "EX", "-5", "FIELDS", "1", "a"},
           "-ERR invalid expire time, must be >= 0\r\n");
  t.expect({"HGETEX", "h", "EX", "5", "FIELDS"},
           "-ERR wrong number of arguments for 'hgetex' command\r\n");
  t.expect({"HGETEX", "h", "BOGUS", "FIELDS", "1", "a"},
           "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n");
  t.expect({"HSETEX", "h", "FNX", "FXX", "FIELDS", "1", "a", "1"},
           "-ERR Only one of FXX or FNX arguments can be specified\r\n");
  t.expect({"HSETEX", "h", "EX", "1", "PX", "1", "FIELDS", "1", "a", "1"},
           "-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n");
  t.expect({"HSETEX", "h", "KEEPTTL", "EX", "1", "FIELDS", "1", "a", "1"},
           "-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n");
  t.expect({"HSETEX", "h", "BOGUS", "FIELDS", "1", "a", "1"}, "-ERR unknown argument: BOGUS\r\n");
  t.expect({"HSETEX", "h", "FIELDS", "0", "a", "1"}, "-ERR invalid number of fields\r\n");
  t.expect({"HSETEX", "h", "FIELDS", "2", "a", "1"},
           "-ERR wrong number of arguments for 'hsetex' command\r\n");
  t.expect({"HSETEX", "h", "FIELDS", "1", "a", "1", "b"},
           "-ERR wrong number of arguments for 'hsetex' command\r\n");
  t.expect({"HSETEX", "h", "FNX", "PX", "x", "FIELDS", "1", "a", "1"},
           "-ERR value is not an integer or out of range\r\n");
  t.expect({"HSETEX", "s", "FIELDS", "1", "a", "1"},
           "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  t.expect({"HSCAN", "h", "0", "NOVALUES"}, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
}

// ------------------------------------------------------------ properties

struct Step {
  V argv;
  int advance_ms = 0;
};

rc::Gen<std::string> gen_key() {
  return rc::gen::weightedElement<std::string>({{6, "h0"}, {3, "h1"}, {1, "s"}});
}

rc::Gen<std::string> gen_field() {
  return rc::gen::map(rc::gen::inRange(0, 7), [](int i) { return "f" + std::to_string(i); });
}

rc::Gen<std::string> gen_value() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("", "0", "1", "-1", "10", "2.5", "abc", "007", " 1",
                                    "9223372036854775807", "-9223372036854775808", "1e3"),
      rc::gen::map(rc::gen::inRange(-100, 100), [](int i) { return std::to_string(i); }),
      rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'e')));
}

// A TTL argument: mostly small (so fields expire while the test runs), a
// few invalid or boundary ones. "@ms:N" / "@s:N" stand for an absolute time
// N ms after the command's time, in ms / in seconds.
std::string draw_ttl(bool seconds, bool absolute) {
  if (*rc::gen::weightedElement<int>({{8, 0}, {1, 1}})) {
    return *rc::gen::element<std::string>("-1", "x", "70368744177664", "0");
  }
  // Round values half the time, so that equal deadlines (GT/LT edges) occur.
  const bool round = *rc::gen::arbitrary<bool>();
  if (absolute) {
    const int ms = round ? *rc::gen::element(-1000, 0, 1000, 2000) : *rc::gen::inRange(-500, 3000);
    return (seconds ? "@s:" : "@ms:") + std::to_string(ms);
  }
  if (seconds) return std::to_string(*rc::gen::inRange(0, 4));
  return std::to_string(round ? *rc::gen::element(0, 100, 1000, 2000) : *rc::gen::inRange(0, 3000));
}

// Fills a command template: $k a key, $f a field, $v a value, $n a small
// integer (counts, increments), $x an HINCRBYFLOAT increment, $F a FIELDS
// tail ("FIELDS n f1 .. fk", usually with n == k), $ex/$exs/$exat/$pxat an
// expiry time in ms / s / absolute s / absolute ms.
V fill(const V& tmpl) {
  V out;
  for (const std::string& t : tmpl) {
    if (t == "$k") out.push_back(*gen_key());
    else if (t == "$f") out.push_back(*gen_field());
    else if (t == "$v") out.push_back(*gen_value());
    else if (t == "$n") out.push_back(std::to_string(*rc::gen::inRange(-4, 9)));
    else if (t == "$x") {
      out.push_back(*rc::gen::element<std::string>("1", "-3", "0.1", "-2.5", "1e2", "inf", "x"));
    } else if (t == "$ms") out.push_back(draw_ttl(false, false));
    else if (t == "$s") out.push_back(draw_ttl(true, false));
    else if (t == "$exat") out.push_back(draw_ttl(true, true));
    else if (t == "$pxat") out.push_back(draw_ttl(false, true));
    else if (t == "$F") {
      const int k = *rc::gen::inRange(1, 4);
      const int n = *rc::gen::weightedElement<int>({{12, k}, {1, k + 1}, {1, k - 1}, {1, 0}});
      out.push_back("FIELDS");
      out.push_back(std::to_string(n));
      for (int i = 0; i < k; ++i) out.push_back(*gen_field());
    } else {
      out.push_back(t);
    }
  }
  return out;
}

const std::vector<V> kPlainCommands = {
    {"HSET", "$k", "$f", "$v"},
    {"HSET", "$k", "$f", "$v", "$f", "$v"},
    {"HMSET", "$k", "$f", "$v"},
    {"HSETNX", "$k", "$f", "$v"},
    {"HGET", "$k", "$f"},
    {"HMGET", "$k", "$f", "$f"},
    {"HDEL", "$k", "$f", "$f"},
    {"HLEN", "$k"},
    {"HEXISTS", "$k", "$f"},
    {"HSTRLEN", "$k", "$f"},
    {"HKEYS", "$k"},
    {"HVALS", "$k"},
    {"HGETALL", "$k"},
    {"HINCRBY", "$k", "$f", "$n"},
    {"HINCRBY", "$k", "$f", "$v"},
    {"HINCRBYFLOAT", "$k", "$f", "$x"},
    {"HRANDFIELD", "$k"},
    {"HRANDFIELD", "$k", "$n"},
    {"HRANDFIELD", "$k", "$n", "WITHVALUES"},
    {"HSCAN", "$k", "0"},
    {"HSCAN", "$k", "0", "COUNT", "1000"},
    {"HSCAN", "$k", "0", "MATCH", "f[1-3]"},
    {"HSCAN", "$k", "0", "MATCH", "*", "NOVALUES"},
    {"HSCAN", "$k", "0", "MATCH", "f?", "NOVALUES", "COUNT", "1000"},
    {"HSCAN", "$k", "0", "COUNT", "0"},
    {"DEL", "$k"},
    {"EXISTS", "$k"},
    {"TYPE", "$k"},
    {"SET", "s", "$v"},
    {"GET", "s"},
};

const std::vector<V> kTtlCommands = {
    {"HEXPIRE", "$k", "$s", "$F"},
    {"HEXPIRE", "$k", "$s", "NX", "$F"},
    {"HPEXPIRE", "$k", "$ms", "$F"},
    {"HPEXPIRE", "$k", "$ms", "XX", "$F"},
    {"HPEXPIRE", "$k", "$ms", "GT", "$F"},
    {"HPEXPIRE", "$k", "$ms", "LT", "$F"},
    {"HEXPIREAT", "$k", "$exat", "$F"},
    {"HPEXPIREAT", "$k", "$pxat", "LT", "$F"},
    {"HTTL", "$k", "$F"},
    {"HPTTL", "$k", "$F"},
    {"HEXPIRETIME", "$k", "$F"},
    {"HPEXPIRETIME", "$k", "$F"},
    {"HPERSIST", "$k", "$F"},
    {"HGETDEL", "$k", "$F"},
    {"HGETEX", "$k", "$F"},
    {"HGETEX", "$k", "PERSIST", "$F"},
    {"HGETEX", "$k", "PX", "$ms", "$F"},
    {"HGETEX", "$k", "EX", "$s", "$F"},
    {"HGETEX", "$k", "PXAT", "$pxat", "$F"},
    {"HSETEX", "$k", "FIELDS", "1", "$f", "$v"},
    {"HSETEX", "$k", "PX", "$ms", "FIELDS", "2", "$f", "$v", "$f", "$v"},
    {"HSETEX", "$k", "FNX", "EX", "$s", "FIELDS", "1", "$f", "$v"},
    {"HSETEX", "$k", "FXX", "KEEPTTL", "FIELDS", "2", "$f", "$v", "$f", "$v"},
    {"HSETEX", "$k", "FXX", "FIELDS", "1", "$f", "$v"},
    {"HSETEX", "$k", "EXAT", "$exat", "FIELDS", "1", "$f", "$v"},
};

// Plain hash commands three times in five, field-expiry ones otherwise.
rc::Gen<V> gen_command() {
  return rc::gen::exec([] {
    const auto& pool = *rc::gen::weightedElement<int>({{3, 0}, {2, 1}}) == 0 ? kPlainCommands
                                                                            : kTtlCommands;
    return fill(*rc::gen::elementOf(pool));
  });
}

// Replaces the "@ms:N" / "@s:N" placeholders with absolute times.
V resolve(V argv, int64_t now_ms) {
  for (auto& a : argv) {
    if (a.rfind("@ms:", 0) == 0)
      a = std::to_string(now_ms + std::stoll(a.substr(4)));
    else if (a.rfind("@s:", 0) == 0)
      a = std::to_string((now_ms + std::stoll(a.substr(3))) / 1000);
  }
  return argv;
}

// Runs random sequences on an engine with the given listpack limits and
// on the model, comparing every reply.
void check_sequences(size_t max_entries, size_t max_value) {
  auto steps = *rc::gen::container<std::vector<Step>>(rc::gen::build<Step>(
      rc::gen::set(&Step::argv, gen_command()),
      rc::gen::set(&Step::advance_ms,
                   rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)},
                                                {2, rc::gen::inRange(1, 400)},
                                                {1, rc::gen::inRange(400, 2500)}}))));
  peregrine::server::Config config;
  config.hash_max_listpack_entries = static_cast<int64_t>(max_entries);
  config.hash_max_listpack_value = static_cast<int64_t>(max_value);
  EngineHarness engine(*rc::gen::arbitrary<uint32_t>(), config);
  HashModel model(max_entries, max_value);
  for (const Step& s : steps) {
    engine.advance_ms(s.advance_ms);
    const int64_t now = engine.now_ms();
    const V argv = resolve(s.argv, now);
    const std::string got = engine.run(argv);
    bool random = false;
    const std::string want = model.apply(argv, now, &random);
    if (random) {
      auto fields = model.fields(argv[1], now);
      RC_ASSERT(fields.has_value());
      const std::string problem = check_random(argv, got, *fields);
      RC_LOG() << "command: " << argv[0] << " " << argv[1] << " reply " << got << "\n";
      RC_ASSERT(problem.empty());
      continue;
    }
    if (got == want) continue;
    // Listings of a hash in the hashtable encoding come in table order.
    const bool ordered = argv.size() < 2 || model.in_insertion_order(argv[1]);
    if (!ordered &&
        unordered_listing(argv, parse_all(got)) == unordered_listing(argv, parse_all(want))) {
      continue;
    }
    std::string line;
    for (const auto& a : argv) line += a + " ";
    RC_LOG() << "command: " << line << "\nengine: " << got << "\nmodel:  " << want << "\n";
    RC_FAIL("engine and model disagree");
  }
}

TEST(HashEngineVsModel, RandomSequencesCompactEncoding) {
  EXPECT_TRUE(
      rc::check("hash replies equal the model's (listpack)", [] { check_sequences(512, 64); }));
}

TEST(HashEngineVsModel, RandomSequencesSmallLimits) {
  // Tiny limits: hashes convert to the hashtable encoding all the time.
  EXPECT_TRUE(rc::check("hash replies equal the model's (conversions)", [] {
    check_sequences(*rc::gen::inRange<size_t>(0, 4), *rc::gen::inRange<size_t>(0, 4));
  }));
}

}  // namespace
