#include "models/hash_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "models/common.h"

namespace peregrine::models {
namespace {

// Field deadlines are limited to 2^46 - 1 ms.
constexpr int64_t kMaxDeadline = 70368744177663;

struct CommandInfo {
  int arity;
};

const std::map<std::string, CommandInfo>& commands() {
  static const std::map<std::string, CommandInfo> table = {
      {"hset", {-4}},        {"hmset", {-4}},        {"hsetnx", {4}},       {"hget", {3}},
      {"hmget", {-3}},       {"hdel", {-3}},         {"hlen", {2}},         {"hexists", {3}},
      {"hstrlen", {3}},      {"hkeys", {2}},         {"hvals", {2}},        {"hgetall", {2}},
      {"hincrby", {4}},      {"hincrbyfloat", {4}},  {"hrandfield", {-2}},  {"hscan", {-3}},
      {"hexpire", {-6}},     {"hpexpire", {-6}},     {"hexpireat", {-6}},   {"hpexpireat", {-6}},
      {"httl", {-5}},        {"hpttl", {-5}},        {"hexpiretime", {-5}}, {"hpexpiretime", {-5}},
      {"hpersist", {-5}},    {"hgetex", {-5}},       {"hsetex", {-6}},      {"hgetdel", {-5}},
      {"del", {-2}},         {"exists", {-2}},       {"type", {2}},         {"set", {3}},
      {"get", {2}},
  };
  return table;
}

// The "FIELDS numfields field ..." tail at a[pos]: returns an error reply,
// or "" with *first set to the first field's index.
std::string fields_tail(const std::vector<std::string>& a, size_t pos, const std::string& name,
                        const std::string& count_error, size_t* first) {
  if (pos >= a.size() || !iequals(a[pos], "fields")) {
    return error("ERR Mandatory argument FIELDS is missing or not at the right position");
  }
  if (pos + 1 >= a.size()) return arity_error(name);
  int64_t n = 0;
  if (!parse_int64(a[pos + 1], &n) || n <= 0) return error(count_error);
  if (static_cast<uint64_t>(n) != a.size() - pos - 2) {
    return error("ERR The `numfields` parameter must match the number of arguments");
  }
  *first = pos + 2;
  return "";
}

const std::string kPositiveFields = "ERR Number of fields must be a positive integer";

// A field expiry argument made absolute; "" or an error reply.
std::string deadline_arg(const std::string& arg, bool seconds, int64_t base,
                         const std::string& name, int64_t* out) {
  int64_t t = 0;
  if (!parse_int64(arg, &t)) return kNotInteger;
  if (t < 0) return error("ERR invalid expire time, must be >= 0");
  const std::string invalid = expire_time_error(name);
  if (seconds) {
    if (t > kMaxDeadline / 1000) return invalid;
    t *= 1000;
  }
  if (t > kMaxDeadline - base) return invalid;
  *out = t + base;
  return "";
}

}  // namespace

bool HashModel::supports(std::string_view lower_name) {
  return commands().count(std::string(lower_name)) != 0;
}

// ------------------------------------------------------------ state

HashModel::Key* HashModel::hash(const std::string& key, bool* wrong) {
  *wrong = false;
  auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  if (!it->second.is_hash) {
    *wrong = true;
    return nullptr;
  }
  auto& fields = it->second.fields;
  for (auto f = fields.begin(); f != fields.end();) {
    if (f->second.deadline != -1 && f->second.deadline <= now_) f = fields.erase(f);
    else ++f;
  }
  if (fields.empty()) {
    keys_.erase(it);
    return nullptr;
  }
  return &it->second;
}

HashModel::Key& HashModel::create(const std::string& key) {
  Key& k = keys_[key];
  k = Key{};
  return k;
}

void HashModel::store(Key& k, const std::string& field, const std::string& value, bool keep_ttl) {
  if (field.size() > max_value_ || value.size() > max_value_) k.compact = false;
  auto it = k.fields.find(field);
  if (it == k.fields.end()) {
    k.fields[field] = Field{value, -1, k.next_order++};
    if (k.fields.size() > max_entries_) k.compact = false;
    return;
  }
  it->second.value = value;
  if (!keep_ttl) set_deadline(k, it->second, -1);
}

void HashModel::set_deadline(Key& k, Field& f, int64_t when) {
  if (when >= 0) {
    f.deadline = when;
    f.ttl_order = k.next_order++;
  } else if (f.deadline != -1) {
    f.deadline = -1;
    f.order = k.next_order++;
  }
}

void HashModel::erase_if_empty(const std::string& key) {
  auto it = keys_.find(key);
  if (it != keys_.end() && it->second.is_hash && it->second.fields.empty()) keys_.erase(it);
}

std::vector<std::pair<std::string, const HashModel::Field*>> HashModel::ordered(
    const Key& k) const {
  std::vector<std::pair<std::string, const Field*>> out;
  for (const auto& [name, f] : k.fields) out.emplace_back(name, &f);
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    const Field& a = *x.second;
    const Field& b = *y.second;
    if ((a.deadline == -1) != (b.deadline == -1)) return b.deadline == -1;
    if (a.deadline == -1) return a.order < b.order;
    if (a.deadline != b.deadline) return a.deadline < b.deadline;
    return a.ttl_order > b.ttl_order;
  });
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> HashModel::fields(
    const std::string& key, int64_t now_ms) {
  now_ = now_ms;
  bool wrong = false;
  Key* k = hash(key, &wrong);
  if (k == nullptr) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, f] : ordered(*k)) out.emplace_back(name, f->value);
  return out;
}

bool HashModel::in_insertion_order(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() || !it->second.is_hash || it->second.compact;
}

// ------------------------------------------------------------ dispatch

std::string HashModel::apply(const std::vector<std::string>& argv, int64_t now_ms, bool* random) {
  bool unused = false;
  if (random == nullptr) random = &unused;
  *random = false;
  if (argv.empty()) return "";
  now_ = now_ms;
  const std::string name = lower(argv[0]);
  auto it = commands().find(name);
  if (it == commands().end()) return unknown_command(argv);
  const int arity = it->second.arity;
  const int argc = static_cast<int>(argv.size());
  if ((arity > 0 && argc != arity) || (arity < 0 && argc < -arity)) return arity_error(name);
  return dispatch(argv, random);
}

std::string HashModel::dispatch(const Argv& a, bool* random) {
  const std::string name = lower(a[0]);
  if (name == "hset") return hset(a, false);
  if (name == "hmset") return hset(a, true);
  if (name == "hsetnx") return hsetnx(a);
  if (name == "hget") return hget(a);
  if (name == "hmget") return hmget(a);
  if (name == "hdel") return hdel(a);
  if (name == "hlen") return hlen(a);
  if (name == "hexists") return hexists(a);
  if (name == "hstrlen") return hstrlen(a);
  if (name == "hkeys") return hgetall(a, true, false);
  if (name == "hvals") return hgetall(a, false, true);
  if (name == "hgetall") return hgetall(a, true, true);
  if (name == "hincrby") return hincrby(a);
  if (name == "hincrbyfloat") return hincrbyfloat(a);
  if (name == "hrandfield") return hrandfield(a, random);
  if (name == "hscan") return hscan(a);
  if (name == "hexpire") return hexpire(a, true, false);
  if (name == "hpexpire") return hexpire(a, false, false);
  if (name == "hexpireat") return hexpire(a, true, true);
  if (name == "hpexpireat") return hexpire(a, false, true);
  if (name == "httl") return httl(a, false, false);
  if (name == "hpttl") return httl(a, true, false);
  if (name == "hexpiretime") return httl(a, false, true);
  if (name == "hpexpiretime") return httl(a, true, true);
  if (name == "hpersist") return hpersist(a);
  if (name == "hgetex") return hgetex(a);
  if (name == "hsetex") return hsetex(a);
  if (name == "hgetdel") return hgetdel(a);
  if (name == "del") return del(a);
  if (name == "exists") return exists(a);
  if (name == "type") return type(a);
  if (name == "set") return set(a);
  return get(a);
}

// ------------------------------------------------------------ commands

std::string HashModel::hset(const Argv& a, bool hmset) {
  if (a.size() % 2 != 0) return arity_error(hmset ? "hmset" : "hset");
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr) k = &create(a[1]);
  int64_t added = 0;
  for (size_t i = 2; i + 1 < a.size(); i += 2) {
    if (k->fields.count(a[i]) == 0) ++added;
    store(*k, a[i], a[i + 1], false);
  }
  return hmset ? kOk : integer(added);
}

std::string HashModel::hsetnx(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k != nullptr && k->fields.count(a[2]) != 0) return integer(0);
  if (k == nullptr) k = &create(a[1]);
  store(*k, a[2], a[3], false);
  return integer(1);
}

std::string HashModel::hget(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr) return kNullBulk;
  auto f = k->fields.find(a[2]);
  return f == k->fields.end() ? kNullBulk : bulk(f->second.value);
}

std::string HashModel::hmget(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  std::string out = array_header(a.size() - 2);
  for (size_t i = 2; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) out += kNullBulk;
    else out += bulk(k->fields.at(a[i]).value);
  }
  return out;
}

std::string HashModel::hdel(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr) return integer(0);
  int64_t n = 0;
  for (size_t i = 2; i < a.size(); ++i) n += static_cast<int64_t>(k->fields.erase(a[i]));
  erase_if_empty(a[1]);
  return integer(n);
}

std::string HashModel::hlen(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  return integer(k == nullptr ? 0 : static_cast<int64_t>(k->fields.size()));
}

std::string HashModel::hexists(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  return integer(k != nullptr && k->fields.count(a[2]) != 0 ? 1 : 0);
}

std::string HashModel::hstrlen(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr || k->fields.count(a[2]) == 0) return integer(0);
  return integer(static_cast<int64_t>(k->fields.at(a[2]).value.size()));
}

std::string HashModel::hgetall(const Argv& a, bool fields, bool values) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr) return array_header(0);
  std::string out = array_header(k->fields.size() * ((fields && values) ? 2 : 1));
  for (const auto& [name, f] : ordered(*k)) {
    if (fields) out += bulk(name);
    if (values) out += bulk(f->value);
  }
  return out;
}

std::string HashModel::hincrby(const Argv& a) {
  int64_t by = 0;
  if (!parse_int64(a[3], &by)) return kNotInteger;
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  int64_t cur = 0;
  if (k != nullptr && k->fields.count(a[2]) != 0 && !parse_int64(k->fields.at(a[2]).value, &cur)) {
    return error("ERR hash value is not an integer");
  }
  // Overflow check in a wider type.
  const __int128 sum = static_cast<__int128>(cur) + by;
  if (sum > std::numeric_limits<int64_t>::max() || sum < std::numeric_limits<int64_t>::min()) {
    return error("ERR increment or decrement would overflow");
  }
  if (k == nullptr) k = &create(a[1]);
  store(*k, a[2], std::to_string(static_cast<int64_t>(sum)), true);
  return integer(static_cast<int64_t>(sum));
}

std::string HashModel::hincrbyfloat(const Argv& a) {
  long double by = 0;
  if (!parse_long_double(a[3], &by)) return kNotFloat;
  if (std::isinf(by)) return error("ERR value is NaN or Infinity");
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  long double cur = 0;
  if (k != nullptr && k->fields.count(a[2]) != 0 &&
      !parse_long_double(k->fields.at(a[2]).value, &cur)) {
    return error("ERR hash value is not a float");
  }
  const long double sum = cur + by;
  if (std::isnan(sum) || std::isinf(sum)) {
    return error("ERR increment would produce NaN or Infinity");
  }
  const std::string text = format_long_double(sum);
  if (k == nullptr) k = &create(a[1]);
  store(*k, a[2], text, true);
  return bulk(text);
}

std::string HashModel::hrandfield(const Argv& a, bool* random) {
  bool wrong = false;
  if (a.size() == 2) {
    Key* k = hash(a[1], &wrong);
    if (wrong) return kWrongType;
    if (k == nullptr) return kNullBulk;
    *random = k->fields.size() > 1;
    return bulk(ordered(*k).front().first);
  }
  int64_t n = 0;
  if (!parse_int64(a[2], &n)) return kNotInteger;
  if (n == std::numeric_limits<int64_t>::min()) {
    return range_error(-std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max());
  }
  if (a.size() > 4 || (a.size() == 4 && !iequals(a[3], "withvalues"))) return kSyntaxError;
  const bool withvalues = a.size() == 4;
  const int64_t half = std::numeric_limits<int64_t>::max() / 2;
  if (withvalues && (n < -half || n > half)) return error("ERR value is out of range");
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr || n == 0) return array_header(0);
  const auto all = ordered(*k);
  std::vector<const std::pair<std::string, const Field*>*> picked;
  if (n < 0) {
    // Drawn with repeats: the model answers with the first field each time.
    *random = all.size() > 1;
    for (int64_t i = 0; i < -n; ++i) picked.push_back(&all.front());
  } else if (static_cast<uint64_t>(n) >= all.size()) {
    for (const auto& e : all) picked.push_back(&e);
  } else {
    *random = true;
    for (int64_t i = 0; i < n; ++i) picked.push_back(&all[static_cast<size_t>(i)]);
  }
  std::string out = array_header(picked.size() * (withvalues ? 2 : 1));
  for (const auto* e : picked) {
    out += bulk(e->first);
    if (withvalues) out += bulk(e->second->value);
  }
  return out;
}

std::string HashModel::hscan(const Argv& a) {
  if (!valid_scan_cursor(a[2])) return error("ERR invalid cursor");
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if (k == nullptr) return array_header(2) + bulk("0") + array_header(0);
  std::optional<std::string> pattern;
  bool novalues = false;
  for (size_t i = 3; i < a.size(); ++i) {
    const bool more = i + 1 < a.size();
    if (iequals(a[i], "count") && more) {
      int64_t count = 0;
      if (!parse_int64(a[i + 1], &count)) return kNotInteger;
      if (count < 1) return kSyntaxError;
      ++i;
    } else if (iequals(a[i], "match") && more) {
      pattern = a[i + 1];
      if (*pattern == "*") pattern.reset();
      ++i;
    } else if (iequals(a[i], "novalues")) {
      novalues = true;
    } else if (iequals(a[i], "noscores")) {
      return error("ERR NOSCORES option can only be used in ZSCAN");
    } else {
      return kSyntaxError;
    }
  }
  std::vector<std::pair<std::string, std::string>> hits;
  for (const auto& [name, f] : ordered(*k)) {
    if (!pattern || glob_match(*pattern, name)) hits.emplace_back(name, f->value);
  }
  std::string out = array_header(2) + bulk("0") + array_header(hits.size() * (novalues ? 1 : 2));
  for (const auto& [f, v] : hits) {
    out += bulk(f);
    if (!novalues) out += bulk(v);
  }
  return out;
}

std::string HashModel::hexpire(const Argv& a, bool seconds, bool absolute) {
  const std::string name = lower(a[0]);
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  int64_t when = 0;
  if (std::string e = deadline_arg(a[2], seconds, absolute ? 0 : now_, name, &when); !e.empty()) {
    return e;
  }
  const std::string cond = lower(a[3]);
  const bool has_cond = cond == "nx" || cond == "xx" || cond == "gt" || cond == "lt";
  size_t first = 0;
  if (std::string e = fields_tail(a, has_cond ? 4 : 3, name,
                                  "ERR Parameter `numFields` should be greater than 0", &first);
      !e.empty()) {
    return e;
  }
  std::string out = array_header(a.size() - first);
  for (size_t i = first; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) {
      out += integer(-2);
      continue;
    }
    Field& f = k->fields.at(a[i]);
    bool ok;
    if (f.deadline == -1) ok = cond != "xx" && cond != "gt";
    else if (cond == "nx") ok = false;
    else if (cond == "gt") ok = when > f.deadline;
    else if (cond == "lt") ok = when < f.deadline;
    else ok = true;
    if (!ok) {
      out += integer(0);
    } else if (when <= now_) {
      k->fields.erase(a[i]);
      out += integer(2);
      if (k->fields.empty()) {
        keys_.erase(a[1]);
        k = nullptr;
      }
    } else {
      set_deadline(*k, f, when);
      out += integer(1);
    }
  }
  return out;
}

std::string HashModel::httl(const Argv& a, bool ms, bool absolute) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  size_t first = 0;
  if (std::string e = fields_tail(a, 2, lower(a[0]), kPositiveFields, &first); !e.empty()) {
    return e;
  }
  const int64_t base = absolute ? 0 : now_;
  std::string out = array_header(a.size() - first);
  for (size_t i = first; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) {
      out += integer(-2);
    } else if (k->fields.at(a[i]).deadline == -1) {
      out += integer(-1);
    } else {
      const int64_t left = k->fields.at(a[i]).deadline - base;
      // Seconds are rounded up.
      out += integer(ms ? left : (left + 999) / 1000);
    }
  }
  return out;
}

std::string HashModel::hpersist(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  size_t first = 0;
  if (std::string e = fields_tail(a, 2, "hpersist", kPositiveFields, &first); !e.empty()) {
    return e;
  }
  std::string out = array_header(a.size() - first);
  for (size_t i = first; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) {
      out += integer(-2);
    } else if (k->fields.at(a[i]).deadline == -1) {
      out += integer(-1);
    } else {
      set_deadline(*k, k->fields.at(a[i]), -1);
      out += integer(1);
    }
  }
  return out;
}

std::string HashModel::hgetex(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  const std::string opt = lower(a[2]);
  size_t pos = 2;
  bool persist = false;
  std::optional<int64_t> when;
  if (opt == "ex" || opt == "px" || opt == "exat" || opt == "pxat") {
    int64_t w = 0;
    const bool seconds = opt == "ex" || opt == "exat";
    const bool relative = opt == "ex" || opt == "px";
    if (std::string e = deadline_arg(a[3], seconds, relative ? now_ : 0, "hgetex", &w);
        !e.empty()) {
      return e;
    }
    when = w;
    pos = 4;
  } else if (opt == "persist") {
    persist = true;
    pos = 3;
  }
  size_t first = 0;
  if (std::string e = fields_tail(a, pos, "hgetex", kPositiveFields, &first); !e.empty()) {
    return e;
  }
  std::string out = array_header(a.size() - first);
  for (size_t i = first; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) {
      out += kNullBulk;
      continue;
    }
    Field& f = k->fields.at(a[i]);
    out += bulk(f.value);
    if (persist) {
      set_deadline(*k, f, -1);
    } else if (when && *when <= now_) {
      k->fields.erase(a[i]);
      if (k->fields.empty()) {
        keys_.erase(a[1]);
        k = nullptr;
      }
    } else if (when) {
      set_deadline(*k, f, *when);
    }
  }
  return out;
}

std::string HashModel::hsetex(const Argv& a) {
  int key_cond = 0;  // 1: NX (key missing), 2: XX (key present), as Valkey 9
  int cond = 0;  // 1: FNX, 2: FXX
  std::string expiry;  // "", "ex", "px", "exat", "pxat", "keepttl"
  std::optional<int64_t> when;
  size_t first = 0;
  size_t count = 0;
  for (size_t i = 2;; ++i) {
    if (i >= a.size()) return arity_error("hsetex");
    const std::string w = lower(a[i]);
    if (w == "fields") {
      if (i + 3 >= a.size()) return arity_error("hsetex");
      int64_t n = 0;
      if (!parse_int64(a[i + 1], &n) || n < 1 || n > 2147483647) {
        return error("ERR invalid number of fields");
      }
      const size_t rest = a.size() - i - 2;
      if (rest % 2 != 0 || static_cast<uint64_t>(n) != rest / 2) return arity_error("hsetex");
      first = i + 2;
      count = static_cast<size_t>(n);
      break;
    }
    if (w == "ex" || w == "px" || w == "exat" || w == "pxat" || w == "keepttl") {
      if (!expiry.empty()) {
        return error("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
      }
      expiry = w;
      if (w == "keepttl") continue;
      if (i + 1 >= a.size()) return error("ERR missing expire time");
      int64_t t = 0;
      const bool seconds = w == "ex" || w == "exat";
      const bool relative = w == "ex" || w == "px";
      if (std::string e = deadline_arg(a[++i], seconds, relative ? now_ : 0, "hsetex", &t);
          !e.empty()) {
        return e;
      }
      when = t;
    } else if (w == "fnx" || w == "fxx") {
      if (cond != 0) return error("ERR Only one of FXX or FNX arguments can be specified");
      cond = w == "fnx" ? 1 : 2;
    } else if (w == "nx" || w == "xx") {
      if (key_cond != 0) return error("ERR syntax error");
      key_cond = w == "nx" ? 1 : 2;
    } else {
      return formatted_error("ERR unknown argument: " + std::string(c_string(a[i])));
    }
  }
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  if ((key_cond == 1 && k != nullptr) || (key_cond == 2 && k == nullptr)) return integer(0);
  if (cond != 0) {
    size_t present = 0;
    for (size_t i = 0; i < count && k != nullptr; ++i) present += k->fields.count(a[first + 2 * i]);
    if ((cond == 1 && present != 0) || (cond == 2 && present != count)) return integer(0);
  }
  if (k == nullptr) k = &create(a[1]);
  for (size_t i = 0; i < count; ++i) {
    const std::string& field = a[first + 2 * i];
    store(*k, field, a[first + 2 * i + 1], !expiry.empty());
    if (!when) continue;
    if (*when <= now_) k->fields.erase(field);
    else set_deadline(*k, k->fields.at(field), *when);
  }
  erase_if_empty(a[1]);
  return integer(1);
}

std::string HashModel::hgetdel(const Argv& a) {
  bool wrong = false;
  Key* k = hash(a[1], &wrong);
  if (wrong) return kWrongType;
  size_t first = 0;
  if (std::string e = fields_tail(a, 2, "hgetdel", kPositiveFields, &first); !e.empty()) {
    return e;
  }
  std::string out = array_header(a.size() - first);
  for (size_t i = first; i < a.size(); ++i) {
    if (k == nullptr || k->fields.count(a[i]) == 0) {
      out += kNullBulk;
      continue;
    }
    out += bulk(k->fields.at(a[i]).value);
    k->fields.erase(a[i]);
    if (k->fields.empty()) {
      keys_.erase(a[1]);
      k = nullptr;
    }
  }
  return out;
}

// Generic commands: they see keys, not fields (no lazy field expiry).

std::string HashModel::del(const Argv& a) {
  int64_t n = 0;
  for (size_t i = 1; i < a.size(); ++i) n += static_cast<int64_t>(keys_.erase(a[i]));
  return integer(n);
}

std::string HashModel::exists(const Argv& a) {
  int64_t n = 0;
  for (size_t i = 1; i < a.size(); ++i) n += static_cast<int64_t>(keys_.count(a[i]));
  return integer(n);
}

std::string HashModel::type(const Argv& a) {
  auto it = keys_.find(a[1]);
  if (it == keys_.end()) return simple("none");
  return simple(it->second.is_hash ? "hash" : "string");
}

std::string HashModel::set(const Argv& a) {
  Key& k = keys_[a[1]];
  k = Key{};
  k.is_hash = false;
  k.str = a[2];
  return kOk;
}

std::string HashModel::get(const Argv& a) {
  auto it = keys_.find(a[1]);
  if (it == keys_.end()) return kNullBulk;
  if (it->second.is_hash) return kWrongType;
  return bulk(it->second.str);
}

}  // namespace peregrine::models
