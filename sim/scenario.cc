#include "sim/scenario.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <sstream>

#include "models/hash_model.h"
#include "models/kv_model.h"
#include "models/list_model.h"
#include "models/set_model.h"
#include "server/client.h"
#include "server/server.h"
#include "sim/disk.h"
#include "sim/network.h"
#include "sim/resp_reader.h"
#include "sim/sim_runtime.h"
#include "sim/world.h"

namespace peregrine::sim {
namespace {

constexpr int kServerPort = 6379;

// What the engine did, in the order it did it.
struct EngineRecord {
  int incarnation;
  int expired_db;      // >= 0: not a command but the deletion of argv[0] by expiry
  bool queued;         // answered +QUEUED inside MULTI (not executed yet)
  bool in_exec;        // executed by EXEC; its reply went inside EXEC's array
  std::string client;  // client name (set by each workload connection)
  std::vector<std::string> argv;
  int64_t now_ms;
  std::string reply;
};

// What one workload connection received.
struct ConnectionLog {
  int incarnation = -1;
  std::string name;
  std::vector<std::string> replies;
  bool broken = false;  // ended by an error rather than a clean finish
};

// The knobs a seed draws (swarm testing).
struct Knobs {
  int clients = 4;
  int commands_per_client = 200;
  int keys = 8;
  int max_pipeline = 4;
  int hz = 10;
  bool buggify = true;
  NetworkFaults net;
  bool crashes = false;
  int64_t crash_every_us = 0;
  bool transactions = true;
  bool lists = false;  // the blocking-lists workload instead of strings/keys
  // The member-expiry workload (sets and hashes whose members have TTLs)
  // instead of strings/keys; the wall clock never jumps back, as the cron
  // removes members the models only drop when a command looks.
  bool subkeys = false;
  // Lists workload only: list-max-listpack-size and list-compress-depth of
  // the server, and long lists: elements padded with `list_pad` compressible
  // bytes, four per push, LTRIM instead of DEL, so lists span several
  // nodes and interior ones get compressed.
  int64_t list_fill = -2;
  int64_t list_depth = 0;
  int list_pad = 0;
  // Connection chaos: partitions, swizzle-clogging, wall-clock jumps.
  bool chaos = false;
  int64_t chaos_every_us = 0;
  int64_t drift_ppm = 0;
  // lazyfree-lazy-expire, -server-del, -user-del and -user-flush on: every
  // collection a deletion of those kinds drops (and every flush) is freed
  // by the background worker (the simulator sets the effort threshold to 0).
  bool lazy_free = false;

  std::string describe() const {
    std::ostringstream o;
    o << "clients=" << clients << " commands=" << commands_per_client << " keys=" << keys
      << " pipeline=" << max_pipeline << " hz=" << hz << " buggify=" << buggify
      << " latency=" << net.latency_min_us << ".." << net.latency_max_us << "us"
      << " spike_p=" << net.spike_p << " reset_p=" << net.reset_p << " split_p=" << net.split_p
      << " transactions=" << transactions
      << " crashes=" << crashes << " chaos=" << chaos << " drift_ppm=" << drift_ppm
      << " lazy_free=" << lazy_free;
    if (subkeys) o << " subkeys=1";
    if (lists) {
      o << " list_fill=" << list_fill << " list_depth=" << list_depth
        << " list_pad=" << list_pad;
    }
    return o.str();
  }
};

Knobs draw_knobs(Prng& p, const std::string& scenario) {
  Knobs k;
  k.clients = static_cast<int>(p.range(1, 8));
  k.commands_per_client = static_cast<int>(p.range(50, 400));
  k.keys = static_cast<int>(p.range(2, 16));
  k.max_pipeline = static_cast<int>(p.range(1, 8));
  k.hz = p.chance(0.5) ? 10 : static_cast<int>(p.range(1, 100));
  k.buggify = p.chance(0.7);
  k.net.latency_min_us = p.range(10, 200);
  k.net.latency_max_us = k.net.latency_min_us + p.range(0, 2000);
  k.net.spike_p = p.chance(0.3) ? p.unit() * 0.02 : 0.0;
  k.net.reset_p = p.chance(0.4) ? p.unit() * 0.01 : 0.0;
  k.net.split_p = p.chance(0.5) ? p.unit() * 0.5 : 0.0;
  k.net.max_chunk = p.chance(0.3) ? static_cast<size_t>(p.range(1, 16)) : 1 << 16;
  k.transactions = p.chance(0.7);
  k.chaos = p.chance(0.5);
  k.chaos_every_us = p.range(1000, 100000);
  k.drift_ppm = p.chance(0.3) ? p.range(-500, 500) : 0;
  k.lazy_free = p.chance(0.5);
  if (scenario == "blocking_lists") {
    k.lists = true;
    k.keys = static_cast<int>(p.range(1, 4));
    k.clients = static_cast<int>(p.range(2, 10));
    k.list_fill = p.chance(0.5) ? -2 : static_cast<int64_t>(p.range(2, 12));
    k.list_depth = p.chance(0.5) ? 0 : static_cast<int64_t>(p.range(1, 2));
    k.list_pad = p.chance(0.5) ? 0 : static_cast<int>(p.range(8, 40));
  }
  if (scenario == "subkey_expiry") {
    k.subkeys = true;
    k.keys = static_cast<int>(p.range(1, 4));
    k.hz = static_cast<int>(p.range(1, 100));
    k.crashes = p.chance(0.3);
    k.crash_every_us = p.range(50000, 500000);
  }
  if (scenario == "crash_restart") {
    k.crashes = true;
    k.crash_every_us = p.range(20000, 500000);
  }
  return k;
}

// A server process on a simulated machine. The disk outlives crashes.
class SimNode {
 public:
  SimNode(SimWorld& world, SimNetwork& net, std::string host, const Knobs& knobs,
          std::string bug, std::vector<EngineRecord>* log)
      : world_(world), net_(net), host_(std::move(host)), knobs_(knobs), bug_(std::move(bug)),
        log_(log), disk_(world.prng().fork()) {}
  ~SimNode() { crash(); }

  void start() {
    ++incarnation_;
    rt_ = std::make_unique<SimRuntime>(world_, net_, &disk_, host_);
    rt_->set_drift_ppm(knobs_.drift_ppm);
    server::Config config;
    config.port = kServerPort;
    config.hz = knobs_.hz;
    config.list_max_listpack_size = knobs_.list_fill;
    config.list_compress_depth = knobs_.list_depth;
    config.test_bug = bug_;
    // Every key-table array through the background executor, however small.
    config.bucket_arena_min_bytes = 0;
    // Every collection UNLINK drops through the lazyfree worker, however
    // small; with the knob, the other deletions too.
    config.lazyfree_threshold = 0;
    config.lazyfree_lazy_expire = knobs_.lazy_free;
    config.lazyfree_lazy_server_del = knobs_.lazy_free;
    config.lazyfree_lazy_user_del = knobs_.lazy_free;
    config.lazyfree_lazy_user_flush = knobs_.lazy_free;
    server_ = std::make_unique<server::Server>(*rt_, config);
    int inc = incarnation_;
    server_->set_command_observer([this, inc](const server::Client& c,
                                              std::span<const std::string_view> argv,
                                              int64_t now_ms, std::string_view reply) {
      bool queued = c.in_multi && reply == "+QUEUED\r\n";
      log_->push_back(EngineRecord{inc, -1, queued, c.in_exec, c.name,
                                   {argv.begin(), argv.end()}, now_ms, std::string(reply)});
    });
    server_->set_expiry_observer([this, inc](int db, std::string_view key) {
      log_->push_back(EngineRecord{inc, db, false, false, "", {std::string(key)}, 0, ""});
    });
    rt_->main_loop().spawn("boot", [this] {
      if (Status s = server_->start(); !s) boot_error_ = s.error().message;
    });
    up_ = true;
  }

  // Power loss: every fiber ends, sockets reset, un-fsynced data is lost.
  void crash() {
    if (!up_) return;
    up_ = false;
    ++crashes_;
    rt_->kill_all_fibers();
    net_.reset_host(host_);
    server_.reset();
    rt_.reset();
    disk_.crash();
  }

  bool up() const { return up_; }
  SimRuntime* runtime() { return rt_.get(); }
  int crashes() const { return crashes_; }
  int incarnation() const { return incarnation_; }
  const std::string& host() const { return host_; }
  const std::string& boot_error() const { return boot_error_; }

 private:
  SimWorld& world_;
  SimNetwork& net_;
  std::string host_;
  Knobs knobs_;
  std::string bug_;
  std::vector<EngineRecord>* log_;
  SimDisk disk_;
  std::unique_ptr<SimRuntime> rt_;
  std::unique_ptr<server::Server> server_;
  int incarnation_ = 0;
  int crashes_ = 0;
  bool up_ = false;
  std::string boot_error_;
};

// Random commands over a small key space, drawn from what the model knows.
class CommandGenerator {
 public:
  CommandGenerator(Prng prng, int keys) : p_(prng), keys_(keys) {}

  std::vector<std::string> next() {
    switch (p_.below(30)) {
      case 0: case 1: case 2: return {"GET", key()};
      case 3: case 4: return set_command();
      case 5: return {"SETNX", key(), value()};
      case 6: return {"SETEX", key(), std::to_string(p_.range(1, 3)), value()};
      case 7: return {"PSETEX", key(), std::to_string(p_.range(1, 40)), value()};
      case 8: return {"GETSET", key(), value()};
      case 9: return {"GETDEL", key()};
      case 10: return p_.chance(0.5) ? std::vector<std::string>{"GETEX", key(), "PX", std::to_string(p_.range(1, 40))}
                                     : std::vector<std::string>{"GETEX", key(), "PERSIST"};
      case 11: return {"MGET", key(), key(), key()};
      case 12: return {"MSET", key(), value(), key(), value()};
      case 13: return {"APPEND", key(), value()};
      case 14: return {"STRLEN", key()};
      case 15: return {p_.chance(0.5) ? "INCR" : "DECR", key()};
      case 16: return {p_.chance(0.5) ? "INCRBY" : "DECRBY", key(), number()};
      case 17: return {"INCRBYFLOAT", key(), p_.chance(0.5) ? "1.5" : "-0.25"};
      case 18: return {"GETRANGE", key(), std::to_string(p_.range(-5, 5)), std::to_string(p_.range(-5, 10))};
      case 19: return {"SETRANGE", key(), std::to_string(p_.range(0, 8)), value()};
      case 20: return {p_.chance(0.5) ? "DEL" : "UNLINK", key(), key()};
      case 21: return {"EXISTS", key(), key()};
      case 22: return {"TYPE", key()};
      case 23: return {p_.chance(0.5) ? "RENAME" : "RENAMENX", key(), key()};
      case 24: return expire_command();
      case 25: return {p_.chance(0.5) ? "TTL" : "PTTL", key()};
      case 26: return {"PERSIST", key()};
      case 27: return p_.chance(0.5) ? std::vector<std::string>{"COPY", key(), key()}
                                     : std::vector<std::string>{"COPY", key(), key(), "REPLACE"};
      case 28: return {"SELECT", std::to_string(p_.chance(0.8) ? 0 : 1)};
      default:
        switch (p_.below(5)) {
          case 0: return {"MOVE", key(), "1"};
          case 1:
            switch (p_.below(4)) {
              case 0: return {"FLUSHDB"};
              case 1: return {"FLUSHDB", "ASYNC"};
              case 2: return {"FLUSHDB", "SYNC"};
              default: return {"FLUSHALL", "ASYNC"};
            }
          case 2: return {"SWAPDB", "0", "1"};
          case 3: return {"PING"};
          default: return {"ECHO", value()};
        }
    }
  }

 private:
  std::string key() { return "k" + std::to_string(p_.below(static_cast<uint64_t>(keys_))); }
  std::string number() {
    static const char* kEdge[] = {"0", "1", "-1", "9223372036854775807", "-9223372036854775808", "x"};
    return p_.chance(0.2) ? kEdge[p_.below(6)] : std::to_string(p_.range(-100, 100));
  }
  std::string value() {
    static const char* kValues[] = {"", "0", "1", "-1", "42", "3.5", "abc", "hello world",
                                    "9223372036854775807", "-9223372036854775808", "007"};
    if (p_.chance(0.3)) return std::to_string(p_.range(0, 1000));
    return kValues[p_.below(std::size(kValues))];
  }
  std::vector<std::string> set_command() {
    std::vector<std::string> c = {"SET", key(), value()};
    switch (p_.below(8)) {
      case 0: c.insert(c.end(), {"PX", std::to_string(p_.range(1, 40))}); break;
      case 1: c.insert(c.end(), {"EX", std::to_string(p_.range(1, 3))}); break;
      case 2: c.push_back("KEEPTTL"); break;
      case 3: c.push_back("NX"); break;
      case 4: c.push_back("XX"); break;
      case 5: c.push_back("GET"); break;
      default: break;
    }
    return c;
  }
  std::vector<std::string> expire_command() {
    std::vector<std::string> c;
    if (p_.chance(0.5)) {
      c = {"PEXPIRE", key(), std::to_string(p_.range(-5, 40))};
    } else {
      c = {"EXPIRE", key(), std::to_string(p_.range(0, 3))};
    }
    static const char* kFlags[] = {"NX", "XX", "GT", "LT"};
    if (p_.chance(0.3)) c.push_back(kFlags[p_.below(4)]);
    return c;
  }

  Prng p_;
  int keys_;
};

// Producers and consumers of a few lists: pushes, pops, ranges, and the
// blocking pops and moves with short timeouts, so clients block, get served
// in FIFO order, time out, and are reset while blocked.
class ListCommandGenerator {
 public:
  ListCommandGenerator(Prng prng, int keys, int pad) : p_(prng), keys_(keys), pad_(pad) {}

  std::vector<std::string> next() {
    switch (p_.below(18)) {
      case 16: return {"LMOVEM", key(), key(), side(), side(), p_.chance(0.5) ? "COUNT" : "EXACTLY",
                       std::to_string(p_.range(1, 4)), p_.chance(0.5) ? "OBO" : "BULK"};
      case 17: return {"BLMOVEM", key(), key(), side(), side(), timeout(),
                       p_.chance(0.5) ? "COUNT" : "EXACTLY", std::to_string(p_.range(1, 6)),
                       p_.chance(0.5) ? "OBO" : "BULK"};
      case 0: case 1:
        if (pad_ > 0) return {"LPUSH", key(), value(), value(), value(), value()};
        return {"LPUSH", key(), value(), value()};
      case 2: case 3:
        if (pad_ > 0) return {"RPUSH", key(), value(), value(), value(), value()};
        return {"RPUSH", key(), value()};
      case 4: return {"LPOP", key()};
      case 5: return {"RPOP", key(), std::to_string(p_.range(1, 3))};
      case 6: return {"LLEN", key()};
      case 7: return {"LRANGE", key(), "0", "-1"};
      case 8: return {"LMOVE", key(), key(), side(), side()};
      case 9:
        if (pad_ > 0) return {"LTRIM", key(), "0", std::to_string(p_.range(10, 60))};
        return {p_.chance(0.5) ? "DEL" : "UNLINK", key()};
      case 10: case 11: return {"BLPOP", key(), key(), timeout()};
      case 12: return {"BRPOP", key(), timeout()};
      case 13: return {"BLMOVE", key(), key(), side(), side(), timeout()};
      case 14: return {"BRPOPLPUSH", key(), key(), timeout()};
      default:
        // Now and then a key made under another name wakes its waiters too.
        if (p_.chance(0.1)) return {p_.chance(0.5) ? "RENAME" : "RENAMENX", key(), key()};
        if (p_.chance(0.1)) {
          if (p_.chance(0.5)) return {"COPY", key(), key(), "REPLACE"};
          return {"COPY", key(), key()};
        }
        return {"LINDEX", key(), std::to_string(p_.range(-2, 2))};
    }
  }

 private:
  std::string key() { return "l" + std::to_string(p_.below(static_cast<uint64_t>(keys_))); }
  std::string value() {
    const uint64_t n = p_.range(0, 99);
    std::string v = std::to_string(n);
    if (pad_ > 0) v.append(static_cast<size_t>(pad_), static_cast<char>('a' + n % 3));
    return v;
  }
  std::string side() { return p_.chance(0.5) ? "LEFT" : "RIGHT"; }
  std::string timeout() {
    static const char* kTimeouts[] = {"0.001", "0.01", "0.05", "0.2"};
    return kTimeouts[p_.below(std::size(kTimeouts))];
  }

  Prng p_;
  int keys_;
  int pad_;
};

// Sets and hashes whose members get millisecond TTLs (SADDEX, SPEXPIRE,
// HPEXPIRE, HSETEX), with the commands that read, move and store them, so
// members expire lazily under commands and actively under the cron while
// clients race. Only replies a model can state exactly: no DEL, EXISTS or
// TYPE (the cron may delete a key the models keep until a command looks
// inside it) and no listings in table order.
class SubkeyCommandGenerator {
 public:
  SubkeyCommandGenerator(Prng prng, int keys) : p_(prng), keys_(keys) {}

  std::vector<std::string> next() {
    const std::string s = set_key();
    const std::string h = hash_key();
    switch (p_.below(20)) {
      case 0: case 1: return {"SADD", s, member(), member()};
      case 2: return {"SADDEX", s, "PX", ttl(), "MEMBERS", "2", member(), member()};
      case 3: return {"SADDEX", s, p_.chance(0.5) ? "MNX" : "KEEPTTL", "MEMBERS", "1", member()};
      case 4: return {"SPEXPIRE", s, ttl(), cond(), "MEMBERS", "2", member(), member()};
      case 5: return {"SPTTL", s, "MEMBERS", "2", member(), member()};
      case 6: return {"SMISMEMBER", s, member(), member()};
      case 7: return {"SCARD", s};
      case 8: return {"SMOVE", s, set_key(), member()};
      case 9: return {p_.chance(0.5) ? "SUNIONSTORE" : "SINTERSTORE", set_key(), s, set_key()};
      case 10:
        if (p_.chance(0.5)) return {"SREM", s, member()};
        return {"SPERSIST", s, "MEMBERS", "1", member()};
      case 11: case 12: return {"HSET", h, member(), value()};
      case 13: return {"HPEXPIRE", h, ttl(), "FIELDS", "2", member(), member()};
      case 14: return {"HSETEX", h, "PX", ttl(), "FIELDS", "1", member(), value()};
      case 15: return {"HPTTL", h, "FIELDS", "2", member(), member()};
      case 16: return {"HMGET", h, member(), member()};
      case 17: return {"HLEN", h};
      case 18: return {p_.chance(0.5) ? "HDEL" : "HEXISTS", h, member()};
      default: return {"HPERSIST", h, "FIELDS", "1", member()};
    }
  }

 private:
  std::string set_key() { return "s" + std::to_string(p_.below(static_cast<uint64_t>(keys_))); }
  std::string hash_key() { return "h" + std::to_string(p_.below(static_cast<uint64_t>(keys_))); }
  std::string member() {
    static const char* kMembers[] = {"1", "2", "a", "b", "c", "dd"};
    return kMembers[p_.below(std::size(kMembers))];
  }
  std::string value() { return std::to_string(p_.range(0, 99)); }
  std::string ttl() { return std::to_string(p_.range(0, 60)); }
  std::string cond() {
    static const char* kConds[] = {"NX", "XX", "GT", "LT"};
    return kConds[p_.below(std::size(kConds))];
  }

  Prng p_;
  int keys_;
};

// One workload client: connects, names its connection, sends pipelined
// batches of random commands, records every reply; reconnects after errors.
class WorkloadClient {
 public:
  WorkloadClient(SimWorld& world, SimNetwork& net, int index, const Knobs& knobs,
                 const std::string& server_host, std::function<int()> incarnation)
      : world_(world), index_(index), knobs_(knobs), server_host_(server_host),
        incarnation_(std::move(incarnation)),
        rt_(std::make_unique<SimRuntime>(world, net, &disk_, "client" + std::to_string(index))),
        gen_(world.prng().fork(), knobs.keys), list_gen_(world.prng().fork(), knobs.keys, knobs.list_pad),
        // Forked only for its own workload, so the other workloads' seeds
        // replay as they did before it existed.
        subkey_gen_(knobs.subkeys ? world.prng().fork() : Prng(0), knobs.keys) {}

  void start() {
    rt_->main_loop().spawn("workload", [this] { run(); });
  }
  bool done() const { return done_; }
  const std::vector<ConnectionLog>& logs() const { return logs_; }

 private:
  void run() {
    int sent = 0;
    int attempts = 0;
    while (sent < knobs_.commands_per_client && attempts < 10000) {
      ++attempts;
      auto conn = rt_->connect(server_host_, kServerPort);
      if (!conn) {
        rt_->main_loop().sleep_for_us(10000);
        continue;
      }
      logs_.push_back(ConnectionLog{incarnation_(), "c" + std::to_string(index_) + "-" +
                                                        std::to_string(logs_.size())});
      ConnectionLog& log = logs_.back();
      std::vector<std::vector<std::string>> batch;
      batch.push_back({"CLIENT", "SETNAME", log.name});
      bool ok = true;
      while (ok && sent < knobs_.commands_per_client) {
        int n = static_cast<int>(world_.prng().range(1, knobs_.max_pipeline));
        for (int i = 0; i < n && sent < knobs_.commands_per_client; ++i, ++sent) {
          if (knobs_.lists) {
            batch.push_back(list_gen_.next());
          } else if (knobs_.transactions && world_.prng().chance(0.1)) {
            append_transaction(&batch);
          } else {
            batch.push_back(knobs_.subkeys ? subkey_gen_.next() : gen_.next());
          }
        }
        ok = exchange(**conn, batch, &log);
        batch.clear();
      }
      log.broken = !ok;
      (*conn)->close();
    }
    done_ = true;
  }

  // MULTI, a few commands, EXEC; sometimes WATCH first, so that another
  // client's write makes EXEC fail, and sometimes DISCARD instead of EXEC.
  void append_transaction(std::vector<std::vector<std::string>>* batch) {
    if (world_.prng().chance(0.5)) batch->push_back({"WATCH", "k0", "k1"});
    batch->push_back({"MULTI"});
    for (int i = static_cast<int>(world_.prng().range(0, 4)); i > 0; --i) {
      batch->push_back(knobs_.subkeys ? subkey_gen_.next() : gen_.next());
    }
    batch->push_back({world_.prng().chance(0.9) ? "EXEC" : "DISCARD"});
  }

  // Sends a batch in one write and reads one reply per command.
  bool exchange(rt::Connection& conn, const std::vector<std::vector<std::string>>& batch,
                ConnectionLog* log) {
    std::string out;
    for (const auto& cmd : batch) {
      out += "*" + std::to_string(cmd.size()) + "\r\n";
      for (const auto& a : cmd) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    }
    if (!conn.write_all(out).ok()) return false;
    for (size_t i = 0; i < batch.size(); ++i) {
      for (;;) {
        size_t len = resp_reply_length(in_);
        if (len == SIZE_MAX) return false;
        if (len > 0) {
          log->replies.push_back(in_.substr(0, len));
          in_.erase(0, len);
          break;
        }
        char buf[4096];
        auto n = conn.read_some(buf, sizeof(buf));
        if (!n || *n == 0) {
          in_.clear();
          return false;
        }
        in_.append(buf, *n);
      }
    }
    return true;
  }

  SimWorld& world_;
  int index_;
  Knobs knobs_;
  std::string server_host_;
  std::function<int()> incarnation_;
  SimDisk disk_{Prng(0)};
  std::unique_ptr<SimRuntime> rt_;
  CommandGenerator gen_;
  ListCommandGenerator list_gen_;
  SubkeyCommandGenerator subkey_gen_;
  std::vector<ConnectionLog> logs_;
  std::string in_;
  bool done_ = false;
};

std::string show(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Checker 1: every reply the engine gave equals the model's, replaying the
// engine's own execution order. Commands the model does not know are not
// compared (connection set-up).
bool check_engine_against_model(const std::vector<EngineRecord>& log, std::string* failure) {
  std::unique_ptr<models::KvModel> model;
  std::map<std::string, int> db_of;
  int incarnation = -1;
  for (size_t i = 0; i < log.size(); ++i) {
    const EngineRecord& r = log[i];
    if (r.incarnation != incarnation) {
      // A restarted process without persistence starts empty.
      model = std::make_unique<models::KvModel>();
      db_of.clear();
      incarnation = r.incarnation;
    }
    if (r.expired_db >= 0) {
      // The engine deleted an expired key; if the wall clock jumped back
      // since, the model would otherwise still see it.
      int db = r.expired_db;
      model->apply({"DEL", r.argv[0]}, 0, &db);
      continue;
    }
    if (r.queued) continue;  // runs later, inside EXEC, and is checked then
    if (r.reply.empty()) continue;  // it blocked; its reply comes when it is re-run
    std::string name = r.argv.empty() ? "" : r.argv[0];
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (!models::KvModel::supports(name)) continue;
    int& db = db_of[r.client];
    std::string expected = model->apply(r.argv, r.now_ms, &db);
    if (expected != r.reply) {
      *failure = "engine reply differs from the model at command #" + std::to_string(i) +
                 " (client " + r.client + ", now_ms " + std::to_string(r.now_ms) + "): " +
                 show(r.argv) + "\n  engine: " + escape(r.reply) + "\n  model:  " + escape(expected);
      return false;
    }
  }
  return true;
}

// Checker 1 for the list workload: the list model replays the engine's
// order. A blocking command the engine ran (served, or re-run at its
// timeout) is what its non-blocking twin does at that moment: pop from the
// first non-empty key, or the timeout reply when all are empty.
std::string expect_list_reply(models::ListModel& m, const std::vector<std::string>& argv,
                              const std::string& lower_name) {
  if (lower_name == "blpop" || lower_name == "brpop") {
    std::string pop = lower_name == "blpop" ? "LPOP" : "RPOP";
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      std::string v = m.apply({pop, argv[i]});
      if (v != "$-1\r\n") {
        return "*2\r\n$" + std::to_string(argv[i].size()) + "\r\n" + argv[i] + "\r\n" + v;
      }
    }
    return "*-1\r\n";
  }
  if (lower_name == "blmovem") {
    // The twin without the timeout; "nothing to move" (an empty array, or a
    // null for EXACTLY) is what timed out.
    std::vector<std::string> twin(argv.begin(), argv.end());
    twin[0] = "LMOVEM";
    twin.erase(twin.begin() + 5);
    std::string v = m.apply(twin);
    return v == "$-1\r\n" || v == "*0\r\n" ? "*-1\r\n" : v;
  }
  if (lower_name == "blmove" || lower_name == "brpoplpush") {
    std::vector<std::string> twin =
        lower_name == "blmove"
            ? std::vector<std::string>{"LMOVE", argv[1], argv[2], argv[3], argv[4]}
            : std::vector<std::string>{"RPOPLPUSH", argv[1], argv[2]};
    std::string v = m.apply(twin);
    return v == "$-1\r\n" ? "*-1\r\n" : v;
  }
  return m.apply(argv);
}

bool check_lists_against_model(const std::vector<EngineRecord>& log, std::string* failure) {
  std::unique_ptr<models::ListModel> model;
  int incarnation = -1;
  for (size_t i = 0; i < log.size(); ++i) {
    const EngineRecord& r = log[i];
    if (r.incarnation != incarnation) {
      model = std::make_unique<models::ListModel>();
      incarnation = r.incarnation;
    }
    if (r.expired_db >= 0 || r.queued || r.reply.empty() || r.argv.empty()) continue;
    std::string name = r.argv[0];
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    bool blocking = name == "blpop" || name == "brpop" || name == "blmove" ||
                    name == "brpoplpush" || name == "blmovem";
    if (!blocking && !models::ListModel::supports(name)) continue;
    std::string expected = expect_list_reply(*model, r.argv, name);
    if (expected != r.reply) {
      *failure = "engine reply differs from the list model at command #" + std::to_string(i) +
                 " (client " + r.client + "): " + show(r.argv) + "\n  engine: " + escape(r.reply) +
                 "\n  model:  " + escape(expected);
      return false;
    }
  }
  return true;
}

// Checker 1 for the member-expiry workload: the set and hash models replay
// the engine's order, each at the time the engine ran the command.
bool check_subkeys_against_models(const std::vector<EngineRecord>& log, std::string* failure) {
  std::unique_ptr<models::SetModel> sets;
  std::unique_ptr<models::HashModel> hashes;
  int incarnation = -1;
  for (size_t i = 0; i < log.size(); ++i) {
    const EngineRecord& r = log[i];
    if (r.incarnation != incarnation) {
      sets = std::make_unique<models::SetModel>();
      hashes = std::make_unique<models::HashModel>();
      incarnation = r.incarnation;
    }
    if (r.expired_db >= 0 || r.queued || r.reply.empty() || r.argv.size() < 2) continue;
    std::string name = r.argv[0];
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string expected;
    if (r.argv[1][0] == 's' && models::SetModel::supports(name)) {
      expected = sets->apply(r.argv, r.now_ms);
    } else if (r.argv[1][0] == 'h' && models::HashModel::supports(name)) {
      expected = hashes->apply(r.argv, r.now_ms);
    } else {
      continue;
    }
    if (expected != r.reply) {
      *failure = "engine reply differs from the set/hash models at command #" +
                 std::to_string(i) + " (client " + r.client + ", now_ms " +
                 std::to_string(r.now_ms) + "): " + show(r.argv) + "\n  engine: " +
                 escape(r.reply) + "\n  model:  " + escape(expected);
      return false;
    }
  }
  return true;
}

// Checker 2: what each connection received is exactly what the engine sent
// it, in order (a prefix when the connection broke).
bool check_clients_against_engine(const std::vector<EngineRecord>& log,
                                  const std::vector<const ConnectionLog*>& conns,
                                  std::string* failure) {
  std::map<std::pair<int, std::string>, std::vector<const std::string*>> sent;
  for (const EngineRecord& r : log)
    if (!r.client.empty() && r.expired_db < 0 && !r.in_exec && !r.reply.empty())
      sent[{r.incarnation, r.client}].push_back(&r.reply);
  for (const ConnectionLog* c : conns) {
    if (c->replies.empty()) continue;
    // The first reply answers CLIENT SETNAME, which the engine logs after
    // the name is set.
    const auto& engine = sent[{c->incarnation, c->name}];
    bool prefix_ok = c->replies.size() <= engine.size();
    for (size_t i = 0; prefix_ok && i < c->replies.size(); ++i)
      prefix_ok = c->replies[i] == *engine[i];
    if (!prefix_ok || (!c->broken && c->replies.size() != engine.size())) {
      *failure = "connection " + c->name + " received " + std::to_string(c->replies.size()) +
                 " replies that are not the engine's " + std::to_string(engine.size());
      return false;
    }
  }
  return true;
}

RunResult run_workload_scenario(const RunOptions& opt) {
  RunResult result;
  SimWorld world(opt.seed);
  Prng knob_prng = world.prng().fork();
  Knobs knobs = draw_knobs(knob_prng, opt.scenario);
  result.knobs = knobs.describe();
  world.set_buggify(knobs.buggify);
  SimNetwork net(world);
  net.faults() = knobs.net;
  std::vector<EngineRecord> log;
  auto node = std::make_unique<SimNode>(world, net, "node0", knobs, opt.bug, &log);
  node->start();
  std::vector<std::unique_ptr<WorkloadClient>> clients;
  for (int i = 0; i < knobs.clients; ++i) {
    clients.push_back(std::make_unique<WorkloadClient>(world, net, i, knobs, "node0",
                                                       [&node] { return node->incarnation(); }));
    clients.back()->start();
  }
  // Crash/restart chaos, from a world event chain.
  Prng chaos = world.prng().fork();
  std::function<void()> crash_later;
  if (knobs.crashes) {
    crash_later = [&] {
      world.schedule(world.now_us() + chaos.range(knobs.crash_every_us / 2, knobs.crash_every_us),
                     [&] {
                       if (!node->up()) return;
                       node->crash();
                       world.schedule(world.now_us() + chaos.range(1000, 50000), [&] {
                         node->start();
                         crash_later();
                       });
                     });
    };
    crash_later();
  }
  // Network and clock chaos: each tick does one thing, then schedules the
  // next. Partitions always heal and clogs always clear within the tick
  // after, so the workload can finish (liveness is checked too).
  Prng chaos_prng = world.prng().fork();
  std::vector<std::string> clogged;
  std::function<void()> chaos_tick;
  int chaos_actions = 0;
  if (knobs.chaos) {
    chaos_tick = [&] {
      if (std::all_of(clients.begin(), clients.end(), [](const auto& c) { return c->done(); })) {
        net.heal_all();
        for (const auto& h : clogged) net.unclog(h);
        return;
      }
      ++chaos_actions;
      std::string client_host = "client" + std::to_string(chaos_prng.below(knobs.clients));
      switch (chaos_prng.below(5)) {
        case 0:  // swizzle: clog one more host
          clogged.push_back(chaos_prng.chance(0.3) ? std::string("node0") : client_host);
          net.clog(clogged.back(), chaos_prng.range(1000, 50000));
          break;
        case 1:  // unclog in random order
          if (!clogged.empty()) {
            size_t i = chaos_prng.below(clogged.size());
            net.unclog(clogged[i]);
            clogged.erase(clogged.begin() + static_cast<std::ptrdiff_t>(i));
          }
          break;
        case 2: {  // partition a client from the node for a while
          bool both = chaos_prng.chance(0.5);
          net.partition(client_host, "node0", both);
          world.schedule(world.now_us() + chaos_prng.range(1000, knobs.chaos_every_us),
                         [&net, client_host] { net.heal(client_host, "node0"); });
          break;
        }
        case 3:  // the node's wall clock jumps (forward only under member TTLs)
          if (node->up()) {
            const int64_t low = knobs.subkeys ? 0 : -2000000;
            node->runtime()->jump_wall_clock(chaos_prng.range(low, 2000000));
          }
          break;
        default:
          break;
      }
      world.schedule(world.now_us() + chaos_prng.range(knobs.chaos_every_us / 2, knobs.chaos_every_us),
                     chaos_tick);
    };
    chaos_tick();
  }
  auto all_done = [&] {
    return std::all_of(clients.begin(), clients.end(), [](const auto& c) { return c->done(); });
  };
  const int64_t deadline = world.now_us() + 3600LL * 1000000;  // one virtual hour
  bool finished = world.run_until(all_done, deadline, 50'000'000);
  if (opt.dump) {
    for (size_t i = 0; i < log.size(); ++i) {
      const EngineRecord& r = log[i];
      if (r.expired_db >= 0) {
        std::printf("#%zu inc=%d EXPIRED db=%d %s\n", i, r.incarnation, r.expired_db, r.argv[0].c_str());
      } else {
        std::printf("#%zu inc=%d %s t=%lld %s -> %s\n", i, r.incarnation, r.client.c_str(),
                    static_cast<long long>(r.now_ms), show(r.argv).c_str(), escape(r.reply).c_str());
      }
    }
  }
  result.commands = log.size();
  result.steps = world.steps();
  result.virtual_us = world.now_us() - (deadline - 3600LL * 1000000);
  result.trace_hash = world.trace_hash();
  result.knobs += " | crashes_done=" + std::to_string(node->crashes()) +
                  " chaos_actions=" + std::to_string(chaos_actions) +
                  " resets=" + std::to_string(net.resets());
  result.probes = world.probes();
  result.buggify_sites = world.buggify_sites();
  if (!node->boot_error().empty()) {
    result.ok = false;
    result.failure = "node failed to start: " + node->boot_error();
  } else if (!finished) {
    result.ok = false;
    result.failure = "liveness: the clients did not finish their workload within one virtual hour";
  } else if (knobs.lists      ? !check_lists_against_model(log, &result.failure)
             : knobs.subkeys ? !check_subkeys_against_models(log, &result.failure)
                             : !check_engine_against_model(log, &result.failure)) {
    result.ok = false;
  } else {
    std::vector<const ConnectionLog*> conns;
    for (const auto& c : clients)
      for (const auto& l : c->logs()) conns.push_back(&l);
    if (!check_clients_against_engine(log, conns, &result.failure)) result.ok = false;
  }
  // Tear down in order: clients, then the node, while the world exists.
  clients.clear();
  node.reset();
  return result;
}

// An idle node for an hour of virtual time: measures how fast virtual time
// runs when nothing happens but the server's own timers.
RunResult run_idle_scenario(const RunOptions& opt) {
  RunResult result;
  SimWorld world(opt.seed);
  SimNetwork net(world);
  Knobs knobs;
  std::vector<EngineRecord> log;
  SimNode node(world, net, "node0", knobs, opt.bug, &log);
  node.start();
  int64_t start = world.now_us();
  int64_t end = start + 3600LL * 1000000;
  world.run_until([&] { return world.now_us() >= end; }, end, 100'000'000);
  result.virtual_us = world.now_us() - start;
  result.steps = world.steps();
  result.trace_hash = world.trace_hash();
  if (!node.boot_error().empty()) {
    result.ok = false;
    result.failure = "node failed to start: " + node.boot_error();
  } else if (result.virtual_us < 3600LL * 1000000) {
    result.ok = false;
    result.failure = "virtual time stopped before one hour";
  }
  return result;
}

}  // namespace

std::vector<std::string> expected_probes(const std::string& scenario) {
  if (scenario == "subkey_expiry")
    return {"active expiry removed set members", "active expiry removed hash fields",
            "command executed inside EXEC"};
  if (scenario == "blocking_lists")
    return {"client blocked on keys", "blocked client served by a producer",
            "blocked client timed out", "blocked client disconnected",
            "blocked client re-run and blocked again",
            "list push with compressed interior nodes", "value freed in the background"};
  return {"client: several commands in one read", "client: partial command waits for more bytes",
          "active expiry deleted keys", "key expired", "command executed inside EXEC",
          "key table used a prepared bucket array",
          "key table request ended before its bucket array arrived",
          "keyspace freed in the background"};
}

std::vector<std::string> scenario_names() {
  return {"single_node", "crash_restart", "blocking_lists", "subkey_expiry", "idle_node"};
}

bool scenario_exists(const std::string& name) {
  auto names = scenario_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

RunResult run_scenario(const RunOptions& options) {
  if (options.scenario == "idle_node") return run_idle_scenario(options);
  return run_workload_scenario(options);
}

}  // namespace peregrine::sim
