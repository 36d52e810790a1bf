#include "server/config.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>

#include "commands/util.h"

namespace peregrine::server {
namespace {

enum class Kind { kBool, kInt, kMemory, kString, kEnum };

struct Param {
  const char* name;
  Kind kind;
  std::function<std::string(const Config&)> get;
  std::function<Status(Config&, const std::string&)> set;
  bool is_mutable = true;
  // For an old name kept working (list-max-ziplist-size, ...): the name
  // CONFIG REWRITE writes instead.
  const char* alias_of = nullptr;
};

Param alias(Param p, const char* canonical) {
  p.alias_of = canonical;
  return p;
}

Error bad_value(std::string_view name, std::string_view why) {
  return Error{0, "argument couldn't be parsed into " + std::string(why) + " for '" +
                      std::string(name) + "'"};
}

// Redis memory units: k=1000, kb=1024, m, mb, g, gb (case-insensitive).
bool parse_memory(std::string_view s, int64_t* out) {
  std::string v = to_lower(s);
  int64_t mul = 1;
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"kb", 1024LL}, {"mb", 1024LL * 1024}, {"gb", 1024LL * 1024 * 1024},
      {"k", 1000LL},  {"m", 1000LL * 1000},  {"g", 1000LL * 1000 * 1000}, {"b", 1}};
  for (auto [suffix, m] : kUnits) {
    std::string_view sv(v);
    std::string_view suf(suffix);
    if (sv.size() > suf.size() && sv.substr(sv.size() - suf.size()) == suf) {
      v.resize(v.size() - suf.size());
      mul = m;
      break;
    }
  }
  int64_t n;
  if (!parse_int64(v, &n) || n < 0) return false;
  if (n > INT64_MAX / mul) return false;
  *out = n * mul;
  return true;
}

Param bool_param(const char* name, bool Config::*field) {
  return {name, Kind::kBool, [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); },
          [field, name](Config& c, const std::string& v) -> Status {
            std::string l = to_lower(v);
            if (l == "yes") c.*field = true;
            else if (l == "no") c.*field = false;
            else return Error{0, "argument must be 'yes' or 'no'"};
            (void)name;
            return Status::Ok();
          }};
}

template <typename T>
Param int_param(const char* name, T Config::*field, int64_t lo, int64_t hi, bool is_mutable = true) {
  return {name, Kind::kInt, [field](const Config& c) { return std::to_string(c.*field); },
          [field, name, lo, hi](Config& c, const std::string& v) -> Status {
            int64_t n;
            if (!parse_int64(v, &n)) return bad_value(name, "an integer");
            if (n < lo || n > hi)
              return Error{0, "argument must be between " + std::to_string(lo) + " and " +
                                  std::to_string(hi) + " inclusive"};
            c.*field = static_cast<T>(n);
            return Status::Ok();
          },
          is_mutable};
}

Param memory_param(const char* name, int64_t Config::*field, int64_t lo) {
  return {name, Kind::kMemory, [field](const Config& c) { return std::to_string(c.*field); },
          [field, lo](Config& c, const std::string& v) -> Status {
            int64_t n;
            if (!parse_memory(v, &n)) return Error{0, "argument must be a memory value"};
            if (n < lo) return Error{0, "argument must be a memory value"};
            c.*field = n;
            return Status::Ok();
          }};
}

Param string_param(const char* name, std::string Config::*field, bool is_mutable = true) {
  return {name, Kind::kString, [field](const Config& c) { return c.*field; },
          [field](Config& c, const std::string& v) -> Status {
            c.*field = v;
            return Status::Ok();
          },
          is_mutable};
}

Param enum_param(const char* name, std::string Config::*field, std::vector<std::string> values) {
  return {name, Kind::kEnum, [field](const Config& c) { return c.*field; },
          [field, values](Config& c, const std::string& v) -> Status {
            std::string l = to_lower(v);
            if (std::find(values.begin(), values.end(), l) == values.end())
              return Error{0, "argument(s) must be one of the following: " + [&] {
                std::string all;
                for (const auto& x : values) all += (all.empty() ? "" : ", ") + x;
                return all;
              }()};
            c.*field = l;
            return Status::Ok();
          }};
}

const std::vector<Param>& params() {
  // Built once; immutable afterwards.
  static const std::vector<Param> kParams = [] {
    std::vector<Param> p;
    p.push_back(string_param("bind", &Config::bind, false));
    p.push_back(int_param("port", &Config::port, 0, 65535, false));
    p.push_back(bool_param("protected-mode", &Config::protected_mode));
    p.push_back(int_param("tcp-backlog", &Config::tcp_backlog, 0, INT32_MAX, false));
    p.push_back(int_param("timeout", &Config::timeout_s, 0, INT32_MAX));
    p.push_back(int_param("tcp-keepalive", &Config::tcp_keepalive_s, 0, INT32_MAX));
    p.push_back(int_param("maxclients", &Config::maxclients, 1, INT32_MAX));
    p.push_back(int_param("databases", &Config::databases, 1, INT32_MAX, false));
    p.push_back(enum_param("loglevel", &Config::loglevel,
                           {"debug", "verbose", "notice", "warning", "nothing"}));
    p.push_back(string_param("logfile", &Config::logfile, false));
    p.push_back(string_param("dir", &Config::dir));
    p.push_back(string_param("dbfilename", &Config::dbfilename));
    p.push_back(string_param("requirepass", &Config::requirepass));
    p.push_back(int_param("hz", &Config::hz, 1, 500));
    p.push_back(bool_param("activerehashing", &Config::activerehashing));
    p.push_back(memory_param("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024));
    p.push_back(memory_param("client-query-buffer-limit", &Config::client_query_buffer_limit,
                             1024 * 1024));
    p.push_back(memory_param("maxmemory", &Config::maxmemory, 0));
    p.push_back(enum_param("maxmemory-policy", &Config::maxmemory_policy,
                           {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                            "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}));
    p.push_back(int_param("maxmemory-samples", &Config::maxmemory_samples, 1, 64));
    p.push_back(int_param("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1, INT64_MAX));
    p.push_back(int_param("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX));
    p.push_back(int_param("lfu-log-factor", &Config::lfu_log_factor, 0, INT32_MAX));
    p.push_back(int_param("lfu-decay-time", &Config::lfu_decay_time, 0, INT32_MAX));
    p.push_back(int_param("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN, INT32_MAX));
    p.push_back(int_param("list-compress-depth", &Config::list_compress_depth, 0, INT32_MAX));
    p.push_back(memory_param("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0));
    p.push_back(memory_param("hash-max-listpack-value", &Config::hash_max_listpack_value, 0));
    p.push_back(memory_param("set-max-intset-entries", &Config::set_max_intset_entries, 0));
    p.push_back(memory_param("set-max-listpack-entries", &Config::set_max_listpack_entries, 0));
    p.push_back(memory_param("set-max-listpack-value", &Config::set_max_listpack_value, 0));
    p.push_back(memory_param("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0));
    p.push_back(memory_param("zset-max-listpack-value", &Config::zset_max_listpack_value, 0));
    p.push_back(bool_param("lazyfree-lazy-eviction", &Config::lazyfree_lazy_eviction));
    p.push_back(bool_param("lazyfree-lazy-expire", &Config::lazyfree_lazy_expire));
    p.push_back(bool_param("lazyfree-lazy-server-del", &Config::lazyfree_lazy_server_del));
    p.push_back(bool_param("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del));
    p.push_back(bool_param("lazyfree-lazy-user-flush", &Config::lazyfree_lazy_user_flush));
    p.push_back(bool_param("replica-lazy-flush", &Config::replica_lazy_flush));
    p.push_back(bool_param("report-lists-as-quicklist", &Config::report_lists_as_quicklist));
    p.push_back(bool_param("legacy-double-replies", &Config::legacy_double_replies));
    p.push_back(bool_param("legacy-size-hints", &Config::legacy_size_hints));
    // The names these had before Redis 7 (ziplist) still work, as aliases.
    p.push_back(alias(int_param("list-max-ziplist-size", &Config::list_max_listpack_size, INT32_MIN, INT32_MAX),
                      "list-max-listpack-size"));
    p.push_back(alias(memory_param("hash-max-ziplist-entries", &Config::hash_max_listpack_entries, 0),
                      "hash-max-listpack-entries"));
    p.push_back(alias(memory_param("hash-max-ziplist-value", &Config::hash_max_listpack_value, 0),
                      "hash-max-listpack-value"));
    p.push_back(alias(memory_param("zset-max-ziplist-entries", &Config::zset_max_listpack_entries, 0),
                      "zset-max-listpack-entries"));
    p.push_back(alias(memory_param("zset-max-ziplist-value", &Config::zset_max_listpack_value, 0),
                      "zset-max-listpack-value"));
    p.push_back(alias(bool_param("slave-lazy-flush", &Config::replica_lazy_flush), "replica-lazy-flush"));
    // Accepted for compatibility with existing redis.conf files and tools
    // (redis-benchmark reads save and appendonly); persistence arrives later.
    p.push_back(string_param("save", &Config::save));
    p.push_back(string_param("appendonly", &Config::appendonly));
    p.push_back(string_param("daemonize", &Config::daemonize, false));
    p.push_back(string_param("pidfile", &Config::pidfile, false));
    return p;
  }();
  return kParams;
}

const Param* find_param(std::string_view name) {
  std::string l = to_lower(name);
  for (const auto& p : params())
    if (l == p.name) return &p;
  return nullptr;
}

// Splits a config line into arguments with redis.conf quoting ("..." and
// '...'). Returns false on unbalanced quotes.
bool split_line(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string arg;
    if (line[i] == '"' || line[i] == '\'') {
      char q = line[i++];
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '\\' && i < line.size()) {
          char n = line[i++];
          arg.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
        } else if (c == q) {
          closed = true;
          break;
        } else {
          arg.push_back(c);
        }
      }
      if (!closed) return false;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') arg.push_back(line[i++]);
    }
    out->push_back(std::move(arg));
  }
  return true;
}

std::string quote_if_needed(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\"'\\") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q + "\"";
}

}  // namespace

Status Config::set(std::string_view name, const std::vector<std::string>& args) {
  const Param* p = find_param(name);
  if (!p) return Error{0, "Bad directive or wrong number of arguments"};
  std::string value;
  for (size_t i = 0; i < args.size(); ++i) value += (i ? " " : "") + args[i];
  if (p->kind != Kind::kString && args.size() != 1)
    return Error{0, "wrong number of arguments"};
  return p->set(*this, value);
}

bool Config::is_mutable(std::string_view name) {
  const Param* p = find_param(name);
  return p && p->is_mutable;
}

bool Config::exists(std::string_view name) { return find_param(name) != nullptr; }

Status Config::load_text(std::string_view text) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    std::vector<std::string> args;
    if (!split_line(line, &args))
      return Error{0, "line " + std::to_string(line_no) + ": Unbalanced quotes in configuration line"};
    if (args.empty()) continue;
    std::string name = args[0];
    args.erase(args.begin());
    if (Status s = set(name, args); !s)
      return Error{0, "line " + std::to_string(line_no) + ": '" + std::string(line) + "': " +
                          s.error().message};
  }
  return Status::Ok();
}

Status Config::load_args(const std::vector<std::string>& args) {
  // "--name v1 v2 --other v" is the same as the lines "name v1 v2" and
  // "other v".
  std::string text;
  for (const auto& a : args) {
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      if (!text.empty()) text += '\n';
      text += a.substr(2);
    } else {
      text += ' ';
      text += quote_if_needed(a);
    }
  }
  return load_text(text);
}

std::vector<std::pair<std::string, std::string>> Config::get(std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : params())
    if (glob_match(pattern, p.name, true)) out.emplace_back(p.name, p.get(*this));
  return out;
}

std::string Config::rewrite(std::string_view original) const {
  std::map<std::string, std::string> current;
  std::map<std::string, std::string> canonical;  // every name -> the name written
  for (const auto& p : params()) {
    current[p.name] = p.get(*this);
    canonical[p.name] = p.alias_of != nullptr ? p.alias_of : p.name;
  }
  Config defaults;
  std::string out;
  std::map<std::string, bool> written;
  size_t pos = 0;
  while (pos < original.size()) {
    size_t nl = original.find('\n', pos);
    if (nl == std::string_view::npos) nl = original.size();
    std::string line(original.substr(pos, nl - pos));
    pos = nl + 1;
    std::vector<std::string> args;
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#' && split_line(line, &args) &&
        !args.empty()) {
      std::string name = to_lower(args[0]);
      if (current.count(name)) {
        name = canonical[name];
        if (written[name]) continue;  // later duplicates collapse into one
        written[name] = true;
        out += name + " " + quote_if_needed(current[name]) + "\n";
        continue;
      }
    }
    out += line + "\n";
  }
  bool header = false;
  for (const auto& p : params()) {
    if (written[p.name] || p.alias_of != nullptr) continue;
    std::string value = p.get(*this);
    if (value == p.get(defaults)) continue;
    if (!header) {
      out += "# Generated by CONFIG REWRITE\n";
      header = true;
    }
    out += std::string(p.name) + " " + quote_if_needed(value) + "\n";
  }
  return out;
}

}  // namespace peregrine::server
