// model_vs_redis: differential checker of the keyspace model (models/kv_model.h)
// against a running Redis-compatible server.
//
// It generates random command sequences over a small key space, sends each
// command to the server over a plain TCP connection, applies it to the model
// at the time of sending, and compares the raw reply bytes.
//
// Build and run (server on 127.0.0.1:7799, any data in it is flushed):
//   g++ -std=c++20 -O1 -I. models/kv_model.cc models/common.cc tests/tools/model_vs_redis.cc -o /tmp/mvr
//   /tmp/mvr --port 7799 --seed 1 --sequences 1000 --length 40
//   /tmp/mvr --port 7799 --script < cmds.txt   # one command per line, prints both replies
//
// Timing: every expiry the generator uses is far from any boundary (relative
// expiries of 100 s and more, absolute ones far in the past or future), so a
// few milliseconds between the model's clock and the server's cannot change a
// reply -- except the replies of TTL, PTTL, EXPIRETIME and PEXPIRETIME, which
// report the clock itself. For those four, -1 and -2 must match exactly and
// other values may differ by up to 1 (seconds) or 250 (milliseconds).
//
// DBSIZE: the server counts keys that are logically expired but not yet
// removed, the model does not. Before each DBSIZE the checker therefore sends
// the server (only) an EXISTS of every key of the key space, which removes
// them, and then compares exactly.
//
// Exit status: 0 when no difference was found, 1 otherwise.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/kv_model.h"

namespace {

using peregrine::models::KvModel;
using Argv = std::vector<std::string>;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------ tiny RESP client

class Connection {
 public:
  Connection(const std::string& host, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
      throw std::runtime_error("bad host address " + host);
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + " failed");
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const Argv& argv) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::write(fd_, out.data() + done, out.size() - done);
      if (n <= 0) throw std::runtime_error("write failed");
      done += static_cast<size_t>(n);
    }
  }

  // Reads exactly one reply and returns its raw bytes.
  std::string read_reply() {
    size_t pos = 0;
    skip_one(&pos);
    std::string reply = buf_.substr(0, pos);
    buf_.erase(0, pos);
    return reply;
  }

 private:
  void fill() {
    char tmp[65536];
    ssize_t n = ::read(fd_, tmp, sizeof tmp);
    if (n <= 0) throw std::runtime_error("connection closed by server");
    buf_.append(tmp, static_cast<size_t>(n));
  }

  // Returns the line starting at *pos (without CRLF) and moves past it.
  std::string line(size_t* pos) {
    for (;;) {
      size_t crlf = buf_.find("\r\n", *pos);
      if (crlf != std::string::npos) {
        std::string l = buf_.substr(*pos, crlf - *pos);
        *pos = crlf + 2;
        return l;
      }
      fill();
    }
  }

  void skip_one(size_t* pos) {
    while (buf_.size() <= *pos) fill();
    char type = buf_[*pos];
    (*pos)++;
    std::string head = line(pos);
    switch (type) {
      case '+':
      case '-':
      case ':':
        return;
      case '$': {
        long long len = std::stoll(head);
        if (len < 0) return;
        while (buf_.size() < *pos + static_cast<size_t>(len) + 2) fill();
        *pos += static_cast<size_t>(len) + 2;
        return;
      }
      case '*': {
        long long n = std::stoll(head);
        for (long long i = 0; i < n; i++) skip_one(pos);
        return;
      }
      default:
        throw std::runtime_error("unexpected reply type byte");
    }
  }

  int fd_ = -1;
  std::string buf_;
};

// ------------------------------------------------------------------ helpers

std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 32 || c >= 127) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string show(const Argv& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += '"' + printable(a) + '"';
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_integer_reply(const std::string& r, long long* v) {
  if (r.size() < 4 || r[0] != ':') return false;
  *v = std::stoll(r.substr(1, r.size() - 3));
  return true;
}

// Equal, or for the clock-reporting commands within tolerance (see top).
bool replies_match(const Argv& argv, const std::string& server, const std::string& model) {
  if (server == model) return true;
  std::string name = lower(argv[0]);
  bool seconds = name == "ttl" || name == "expiretime";
  bool millis = name == "pttl" || name == "pexpiretime";
  if (!seconds && !millis) return false;
  long long a = 0;
  long long b = 0;
  if (!parse_integer_reply(server, &a) || !parse_integer_reply(model, &b)) return false;
  if (a < 0 || b < 0) return false;
  long long diff = a > b ? a - b : b - a;
  return diff <= (seconds ? 1 : 250);
}

// ---------------------------------------------------------------- generator

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Argv next() {
    Argv a = body();
    // Occasionally damage the arity or the case of the name.
    int r = pick(0, 99);
    if (r < 3 && a.size() > 1) {
      a.pop_back();
    } else if (r < 6) {
      a.push_back(any_value());
    } else if (r < 16) {
      for (char& c : a[0]) {
        if (pick(0, 1)) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    return a;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  int64_t pick64(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  template <typename T>
  const T& one_of(const std::vector<T>& v) {
    return v[static_cast<size_t>(pick(0, static_cast<int>(v.size()) - 1))];
  }

  std::string key() { return "k" + std::to_string(pick(0, 5)); }

  std::string int_value() {
    static const std::vector<std::string> v = {
        "0", "1", "-1", "7", "42", "-100", "1000000",
        "9223372036854775807", "-9223372036854775808", "9223372036854775806",
        "-9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "4611686018427387904", "-4611686018427387904", "01", "-0", "+5", " 5", "5 ",
        "12345678901234567890", "123456789012345678901", "00", "1.0", "0x10"};
    return one_of(v);
  }

  std::string float_value() {
    static const std::vector<std::string> v = {
        "1.5", "-2.25", "0.1", "3", "-3", "1e10", "1e-5", "inf", "-inf", "+inf", "nan", "1e4000",
        "0x1p-3", " 1", "1 ", "5e", ".5", "5.", "+3", "-0", "1e308", "1.7976931348623157e308",
        "4.9e-324", "1e-4950", "1e-4940", "10.50", "0.0", "-0.0", "3.0000", "1.23456789012345678",
        "100", "-1e-20", "123456789012345678901234567890", "2.5e-3", "1e", "e1", "infinity",
        "0x", "12abc"};
    return one_of(v);
  }

  std::string any_value() {
    static const std::vector<std::string> v = {"", "a", "hello", "bar", "a\r\nb",
                                               std::string("nu\0l", 4), "xyz123", "  "};
    int r = pick(0, 9);
    if (r < 3) return int_value();
    if (r < 5) return float_value();
    if (r < 6) return std::to_string(pick(-50, 50));
    return one_of(v);
  }

  std::string db_index() {
    static const std::vector<std::string> bad = {"16", "-1", "abc", "2147483648", "100", "",
                                                 "01", "15"};
    if (pick(0, 9) < 8) return std::to_string(pick(0, 3));
    return one_of(bad);
  }

  // A relative expiry in seconds, never close to now.
  std::string rel_seconds() { return std::to_string(pick64(100, 1000000)); }

  // Expiry argument for SET/GETEX style options.
  Argv string_expiry(bool allow_persist) {
    int64_t now_s = now_ms() / 1000;
    int r = pick(0, allow_persist ? 12 : 11);
    switch (r) {
      case 0:
        return {"EX", rel_seconds()};
      case 1:
        return {"PX", std::to_string(pick64(100, 1000000) * 1000)};
      case 2:
        return {"EXAT", std::to_string(now_s + pick64(2000, 1000000))};
      case 3:
        return {"PXAT", std::to_string((now_s + pick64(2000, 1000000)) * 1000 + pick(0, 999))};
      case 4:
        return {"EXAT", std::to_string(pick64(1, now_s - 1000))};
      case 5:
        return {"PXAT", std::to_string(pick64(1, now_s * 1000 - 1000000))};
      case 6:
        return {one_of<std::string>({"EX", "PX", "EXAT", "PXAT"}),
                one_of<std::string>({"0", "-1", "abc", "", "1.5"})};
      case 7:
        return {one_of<std::string>({"EX", "EXAT"}),
                one_of<std::string>({"9223372036854775807", "9223372036854775",
                                     "9223372036854776", "9223372036854"})};
      case 8:
        return {one_of<std::string>({"PX", "PXAT"}),
                one_of<std::string>({"9223372036854775807", "9223370000000000000"})};
      case 9:
        return {"ex", rel_seconds()};
      case 10:
        return {"px"};  // missing value
      case 11:
        return {"EX", rel_seconds(), "PX", "100000000"};
      default:
        return {"PERSIST"};
    }
  }

  std::string expire_amount(bool seconds, bool absolute) {
    int64_t now = now_ms();
    int r = pick(0, 9);
    if (r < 4) {
      int64_t s = pick64(100, 1000000);
      if (absolute) s += now / 1000 + 2000;
      return std::to_string(seconds ? s : s * 1000);
    }
    if (r < 6) {
      // Immediately expiring: zero, negative, or far in the past.
      int64_t past = absolute ? pick64(1, now / 1000 - 1000) : -pick64(0, 1000);
      return std::to_string(seconds ? past : past * (absolute ? 1000 : 1));
    }
    if (r < 7) return one_of<std::string>({"0", "-1"});
    if (r < 9) {
      return one_of<std::string>({"9223372036854775807", "-9223372036854775808",
                                  "9223372036854775", "9223372036854776", "-9223372036854775",
                                  "-9223372036854776", "9223372036854", "92233720368547758"});
    }
    return one_of<std::string>({"abc", "", "1.5", "+1"});
  }

  Argv expire_options() {
    static const std::vector<std::string> opts = {"NX", "XX", "GT", "LT", "nx", "gt", "lt", "xx"};
    Argv out;
    int r = pick(0, 19);
    if (r < 10) return out;
    if (r < 17) return {one_of(opts)};
    if (r < 19) return {one_of(opts), one_of(opts)};
    return {"FOO"};
  }

  std::string offset() {
    int r = pick(0, 9);
    if (r < 7) return std::to_string(pick(-12, 30));
    return one_of<std::string>({"536870912", "536870913", "9223372036854775807",
                                "-9223372036854775808", "9223372036854775806", "abc", "-1",
                                "4294967296", "1.5", ""});
  }

  std::string range_index() {
    int r = pick(0, 9);
    if (r < 8) return std::to_string(pick(-12, 12));
    return one_of<std::string>({"9223372036854775807", "-9223372036854775808", "abc", "-0"});
  }

  Argv body() {
    static const std::vector<std::string> names = {
        "ping", "echo", "select", "get", "set", "set", "set", "set", "setnx", "setex", "psetex",
        "getset", "getdel", "getex", "getex", "mget", "mset", "msetnx", "append", "strlen",
        "incr", "decr", "incrby", "decrby", "incrbyfloat", "incrbyfloat", "getrange", "setrange",
        "substr", "del", "unlink", "exists", "type", "rename", "renamenx", "copy", "move",
        "touch", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime",
        "pexpiretime", "persist", "dbsize", "flushdb", "swapdb", "expire", "ttl", "set", "flushall",
        "incr", "incrby", "setex", "pexpire", "pexpireat", "persist", "pttl", "getex"};
    const std::string& n = one_of(names);
    if (n == "ping") {
      if (pick(0, 1)) return {"ping"};
      return {"ping", any_value()};
    }
    if (n == "echo") return {"echo", any_value()};
    if (n == "select") return {"select", db_index()};
    if (n == "get" || n == "getdel" || n == "strlen" || n == "incr" || n == "decr" ||
        n == "type" || n == "ttl" || n == "pttl" || n == "expiretime" ||
        n == "pexpiretime" || n == "persist") {
      return {n, key()};
    }
    if (n == "set") {
      Argv a = {"set", key(), any_value()};
      int extra = pick(0, 3);
      for (int i = 0; i < extra; i++) {
        int r = pick(0, 5);
        if (r == 0) {
          a.push_back(one_of<std::string>({"NX", "XX", "nx", "xx"}));
        } else if (r == 1) {
          a.push_back(one_of<std::string>({"GET", "get"}));
        } else if (r == 2) {
          a.push_back(one_of<std::string>({"KEEPTTL", "keepttl"}));
        } else if (r == 3 && pick(0, 5) == 0) {
          a.push_back(one_of<std::string>({"PERSIST", "FOO", "EXX"}));
        } else {
          for (const std::string& s : string_expiry(false)) a.push_back(s);
        }
      }
      return a;
    }
    if (n == "setnx" || n == "getset" || n == "append") return {n, key(), any_value()};
    if (n == "setex") return {n, key(), pick(0, 4) ? rel_seconds() : expire_amount(true, false),
                              any_value()};
    if (n == "psetex") {
      return {n, key(),
              pick(0, 4) ? std::to_string(pick64(100, 1000000) * 1000)
                         : expire_amount(false, false),
              any_value()};
    }
    if (n == "getex") {
      Argv a = {"getex", key()};
      int extra = pick(0, 2);
      for (int i = 0; i < extra; i++) {
        if (pick(0, 9) == 0) {
          a.push_back(one_of<std::string>({"NX", "KEEPTTL", "GET", "persist"}));
        } else {
          for (const std::string& s : string_expiry(true)) a.push_back(s);
        }
      }
      return a;
    }
    if (n == "mget" || n == "del" || n == "unlink" || n == "exists" || n == "touch") {
      Argv a = {n};
      int k = pick(1, 4);
      for (int i = 0; i < k; i++) a.push_back(key());
      return a;
    }
    if (n == "mset" || n == "msetnx") {
      Argv a = {n};
      int k = pick(1, 3);
      for (int i = 0; i < k; i++) {
        a.push_back(key());
        a.push_back(any_value());
      }
      return a;
    }
    if (n == "incrby" || n == "decrby") {
      return {n, key(), pick(0, 2) ? std::to_string(pick(-100, 100)) : int_value()};
    }
    if (n == "incrbyfloat") {
      return {n, key(), pick(0, 2) ? float_value() : std::to_string(pick(-100, 100))};
    }
    if (n == "getrange" || n == "substr") return {n, key(), range_index(), range_index()};
    if (n == "setrange") return {n, key(), offset(), any_value()};
    if (n == "rename" || n == "renamenx") return {n, key(), key()};
    if (n == "copy") {
      Argv a = {"copy", key(), key()};
      int r = pick(0, 9);
      if (r < 3) {
        a.push_back("REPLACE");
      } else if (r < 6) {
        a.push_back("DB");
        a.push_back(db_index());
      } else if (r < 7) {
        a.push_back("db");
        a.push_back(db_index());
        a.push_back("replace");
      } else if (r < 8) {
        a.push_back(one_of<std::string>({"DB", "FOO"}));
      }
      return a;
    }
    if (n == "move") return {n, key(), db_index()};
    if (n == "expire" || n == "pexpire" || n == "expireat" || n == "pexpireat") {
      bool seconds = n == "expire" || n == "expireat";
      bool absolute = n == "expireat" || n == "pexpireat";
      Argv a = {n, key(), expire_amount(seconds, absolute)};
      for (const std::string& s : expire_options()) a.push_back(s);
      return a;
    }
    if (n == "dbsize") return {"dbsize"};
    if (n == "flushdb") {
      if (pick(0, 3) == 0) return {"flushdb", one_of<std::string>({"ASYNC", "sync", "foo"})};
      return {"flushdb"};
    }
    if (n == "swapdb") return {"swapdb", db_index(), db_index()};
    if (n == "flushall") {
      if (pick(0, 3) == 0) return {"flushall", one_of<std::string>({"async", "SYNC", "bar"})};
      return {"flushall"};
    }
    return {"ping"};
  }

  std::mt19937_64 rng_;
};

// ------------------------------------------------------------------- modes

std::vector<std::string> split_line(const std::string& line) {
  // Words separated by spaces; "double quotes" group, with \r \n \\ \" \xHH escapes.
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') i++;
    if (i >= line.size()) break;
    std::string word;
    if (line[i] == '"') {
      i++;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          char c = line[++i];
          if (c == 'r') {
            word += '\r';
          } else if (c == 'n') {
            word += '\n';
          } else if (c == 'x' && i + 2 < line.size()) {
            word += static_cast<char>(std::stoi(line.substr(i + 1, 2), nullptr, 16));
            i += 2;
          } else {
            word += c;
          }
        } else {
          word += line[i];
        }
        i++;
      }
      i++;
    } else {
      while (i < line.size() && line[i] != ' ') word += line[i++];
    }
    out.push_back(word);
  }
  return out;
}

int run_script(Connection& conn) {
  KvModel model;
  int db = 0;
  int diffs = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    Argv argv = split_line(line);
    if (argv.empty()) continue;
    int64_t t = now_ms();
    conn.send(argv);
    std::string server = conn.read_reply();
    std::string mine = model.apply(argv, t, &db);
    bool ok = replies_match(argv, server, mine);
    if (!ok) diffs++;
    std::printf("%s %s\n  server: %s\n  model:  %s\n", ok ? "  " : "!!", show(argv).c_str(),
                printable(server).c_str(), printable(mine).c_str());
  }
  return diffs == 0 ? 0 : 1;
}

int run_random(Connection& conn, uint64_t seed, int sequences, int length, bool verbose) {
  Generator gen(seed);
  long long compared = 0;
  long long skipped = 0;
  int diffs = 0;
  for (int s = 0; s < sequences && diffs < 5; s++) {
    KvModel model;
    int db = 0;
    std::vector<std::string> history;
    Argv reset = {"flushall"};
    conn.send(reset);
    std::string r1 = conn.read_reply();
    conn.send({"select", "0"});
    std::string r2 = conn.read_reply();
    if (r1 != "+OK\r\n" || r2 != "+OK\r\n") {
      std::fprintf(stderr, "reset failed\n");
      return 2;
    }
    for (int i = 0; i < length; i++) {
      Argv argv = gen.next();
      if (lower(argv[0]) == "dbsize") {
        // The server's DBSIZE also counts keys that are logically expired but
        // not yet removed; the model counts live keys only. Touching every
        // key of the selected database first (server side only) removes
        // those, so the two counts become comparable.
        conn.send({"exists", "k0", "k1", "k2", "k3", "k4", "k5"});
        conn.read_reply();
      }
      int64_t t = now_ms();
      conn.send(argv);
      std::string server = conn.read_reply();
      std::string mine = model.apply(argv, t, &db);
      history.push_back(show(argv) + "  ->  " + printable(server));
      if (verbose) std::printf("%s\n", history.back().c_str());
      if (!KvModel::supports(lower(argv[0]))) {
        skipped++;
        continue;
      }
      compared++;
      if (!replies_match(argv, server, mine)) {
        diffs++;
        std::printf("DIFFERENCE in sequence %d (seed %llu), command %d:\n", s,
                    static_cast<unsigned long long>(seed), i);
        for (const std::string& h : history) std::printf("    %s\n", h.c_str());
        std::printf("  server: %s\n  model:  %s\n\n", printable(server).c_str(),
                    printable(mine).c_str());
        break;
      }
    }
  }
  std::printf("seed %llu: %lld commands compared, %lld skipped, %d differences\n",
              static_cast<unsigned long long>(seed), compared, skipped, diffs);
  return diffs == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 7799;
  uint64_t seed = 1;
  int sequences = 500;
  int length = 40;
  bool script = false;
  bool verbose = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--host") {
      host = value();
    } else if (a == "--port") {
      port = std::stoi(value());
    } else if (a == "--seed") {
      seed = std::stoull(value());
    } else if (a == "--sequences") {
      sequences = std::stoi(value());
    } else if (a == "--length") {
      length = std::stoi(value());
    } else if (a == "--script") {
      script = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--host H] [--port P] [--seed S] [--sequences N] [--length L] "
                   "[--verbose] [--script]\n",
                   argv[0]);
      return 2;
    }
  }
  try {
    Connection conn(host, port);
    return script ? run_script(conn) : run_random(conn, seed, sequences, length, verbose);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
