// Reference model of the keyspace; see kv_model.h. Nothing from src/ may be
// used here: what the models share is in models/common.h.
#include "models/kv_model.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "models/common.h"

namespace peregrine::models {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxStringLength = 512LL * 1024 * 1024;  // default proto-max-bulk-len

// Option flags shared by SET and GETEX.
constexpr unsigned kNx = 1u << 0;
constexpr unsigned kXx = 1u << 1;
constexpr unsigned kGet = 1u << 2;
constexpr unsigned kKeepTtl = 1u << 3;
constexpr unsigned kPersist = 1u << 4;
constexpr unsigned kEx = 1u << 5;
constexpr unsigned kPx = 1u << 6;
constexpr unsigned kExAt = 1u << 7;
constexpr unsigned kPxAt = 1u << 8;

const std::string kZero = ":0\r\n";
const std::string kOne = ":1\r\n";

const std::string kErrDbRange = error("ERR DB index is out of range");
const std::string kErrSameObject = error("ERR source and destination objects are the same");
const std::string kErrNoSuchKey = error("ERR no such key");
const std::string kErrTooBig =
    error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

// ------------------------------------------------------------------- parsing

// An integer that must also fit a C int (database indexes). Returns an error
// reply, or an empty string on success. A non-empty `msg` replaces both the
// parse error and the range error.
std::string parse_int(std::string_view s, int64_t* out, std::string_view msg = {}) {
  if (!parse_int64(s, out)) return msg.empty() ? kNotInteger : error("ERR " + std::string(msg));
  constexpr int64_t lo = std::numeric_limits<int>::min();
  constexpr int64_t hi = std::numeric_limits<int>::max();
  if (*out < lo || *out > hi) {
    return msg.empty() ? range_error(lo, hi) : error("ERR " + std::string(msg));
  }
  return "";
}

int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// Would a string of size + append bytes exceed the maximum string length?
bool too_long(int64_t size, int64_t append) {
  int64_t total = wrapping_add(size, append);
  return total > kMaxStringLength || total < size || total < append;
}

// Parses the options of SET (is_set) or GETEX from a[3..]. On success stores
// the flags and, when an expiry option was given, a pointer to its argument.
bool parse_string_options(const std::vector<std::string>& a, bool is_set, unsigned* flags,
                          bool* unit_seconds, const std::string** expire) {
  for (size_t j = (is_set ? 3 : 2); j < a.size(); j++) {
    const std::string& opt = a[j];
    bool has_next = j + 1 < a.size();
    unsigned f = *flags;
    if (iequals(opt, "nx") && !(f & kXx) && is_set) {
      *flags |= kNx;
    } else if (iequals(opt, "xx") && !(f & kNx) && is_set) {
      *flags |= kXx;
    } else if (iequals(opt, "get") && is_set) {
      *flags |= kGet;
    } else if (iequals(opt, "keepttl") && !(f & (kPersist | kEx | kExAt | kPx | kPxAt)) &&
               is_set) {
      *flags |= kKeepTtl;
    } else if (iequals(opt, "persist") && !is_set &&
               !(f & (kEx | kExAt | kPx | kPxAt | kKeepTtl))) {
      *flags |= kPersist;
    } else if (iequals(opt, "ex") && !(f & (kKeepTtl | kPersist | kExAt | kPx | kPxAt)) &&
               has_next) {
      *flags |= kEx;
      *unit_seconds = true;
      *expire = &a[++j];
    } else if (iequals(opt, "px") && !(f & (kKeepTtl | kPersist | kEx | kExAt | kPxAt)) &&
               has_next) {
      *flags |= kPx;
      *unit_seconds = false;
      *expire = &a[++j];
    } else if (iequals(opt, "exat") && !(f & (kKeepTtl | kPersist | kEx | kPx | kPxAt)) &&
               has_next) {
      *flags |= kExAt;
      *unit_seconds = true;
      *expire = &a[++j];
    } else if (iequals(opt, "pxat") && !(f & (kKeepTtl | kPersist | kEx | kExAt | kPx)) &&
               has_next) {
      *flags |= kPxAt;
      *unit_seconds = false;
      *expire = &a[++j];
    } else {
      return false;
    }
  }
  return true;
}

// Converts the expiry argument of SET/SETEX/PSETEX/GETEX to an absolute time.
// Returns an error reply, or an empty string on success.
std::string string_expire_ms(const std::string& arg, unsigned flags, bool unit_seconds,
                             int64_t now, const char* cmd, int64_t* out) {
  int64_t ms = 0;
  if (!parse_int64(arg, &ms)) return kNotInteger;
  if (ms <= 0 || (unit_seconds && ms > kInt64Max / 1000)) return expire_time_error(cmd);
  if (unit_seconds) ms *= 1000;
  if (flags & (kEx | kPx)) ms = wrapping_add(ms, now);
  if (ms <= 0) return expire_time_error(cmd);
  *out = ms;
  return "";
}

Entry make_string(const std::string& s) {
  Entry e;
  e.value.type = ValueType::kString;
  e.value.str = s;
  return e;
}

}  // namespace

// ------------------------------------------------------------------- plumbing

KvModel::KvModel(int databases) : dbs_(static_cast<size_t>(databases < 1 ? 1 : databases)) {}

const std::map<std::string, KvModel::Spec, std::less<>>& KvModel::table() {
  static const std::map<std::string, Spec, std::less<>> t = {
      {"ping", {-1, &KvModel::cmd_ping}},
      {"echo", {2, &KvModel::cmd_echo}},
      {"select", {2, &KvModel::cmd_select}},
      {"get", {2, &KvModel::cmd_get}},
      {"set", {-3, &KvModel::cmd_set}},
      {"setnx", {3, &KvModel::cmd_setnx}},
      {"setex", {4, &KvModel::cmd_setex}},
      {"psetex", {4, &KvModel::cmd_psetex}},
      {"getset", {3, &KvModel::cmd_getset}},
      {"getdel", {2, &KvModel::cmd_getdel}},
      {"getex", {-2, &KvModel::cmd_getex}},
      {"mget", {-2, &KvModel::cmd_mget}},
      {"mset", {-3, &KvModel::cmd_mset}},
      {"msetnx", {-3, &KvModel::cmd_msetnx}},
      {"append", {3, &KvModel::cmd_append}},
      {"strlen", {2, &KvModel::cmd_strlen}},
      {"incr", {2, &KvModel::cmd_incr}},
      {"decr", {2, &KvModel::cmd_decr}},
      {"incrby", {3, &KvModel::cmd_incrby}},
      {"decrby", {3, &KvModel::cmd_decrby}},
      {"incrbyfloat", {3, &KvModel::cmd_incrbyfloat}},
      {"getrange", {4, &KvModel::cmd_getrange}},
      {"substr", {4, &KvModel::cmd_getrange}},
      {"setrange", {4, &KvModel::cmd_setrange}},
      {"del", {-2, &KvModel::cmd_del}},
      {"unlink", {-2, &KvModel::cmd_del}},
      {"exists", {-2, &KvModel::cmd_exists}},
      {"type", {2, &KvModel::cmd_type}},
      {"rename", {3, &KvModel::cmd_rename}},
      {"renamenx", {3, &KvModel::cmd_renamenx}},
      {"copy", {-3, &KvModel::cmd_copy}},
      {"move", {3, &KvModel::cmd_move}},
      {"touch", {-2, &KvModel::cmd_touch}},
      {"expire", {-3, &KvModel::cmd_expire}},
      {"pexpire", {-3, &KvModel::cmd_pexpire}},
      {"expireat", {-3, &KvModel::cmd_expireat}},
      {"pexpireat", {-3, &KvModel::cmd_pexpireat}},
      {"ttl", {2, &KvModel::cmd_ttl}},
      {"pttl", {2, &KvModel::cmd_pttl}},
      {"expiretime", {2, &KvModel::cmd_expiretime}},
      {"pexpiretime", {2, &KvModel::cmd_pexpiretime}},
      {"persist", {2, &KvModel::cmd_persist}},
      {"dbsize", {1, &KvModel::cmd_dbsize}},
      {"flushdb", {-1, &KvModel::cmd_flushdb}},
      {"flushall", {-1, &KvModel::cmd_flushall}},
      {"swapdb", {3, &KvModel::cmd_swapdb}},
  };
  return t;
}

bool KvModel::supports(std::string_view lower_name) {
  return table().find(lower_name) != table().end();
}

size_t KvModel::live_keys(int db, int64_t now_ms) const {
  if (db < 0 || db >= databases()) return 0;
  size_t n = 0;
  for (const auto& [key, entry] : dbs_[static_cast<size_t>(db)]) {
    if (!entry.expire_at_ms || *entry.expire_at_ms > now_ms) n++;
  }
  return n;
}

Entry* KvModel::find(int db, const std::string& key) {
  Db& d = dbs_[static_cast<size_t>(db)];
  auto it = d.find(key);
  if (it == d.end()) return nullptr;
  if (it->second.expire_at_ms && *it->second.expire_at_ms <= now_) {
    d.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::string KvModel::apply(const std::vector<std::string>& argv, int64_t now_ms, int* db) {
  if (argv.empty()) return "";
  if (*db < 0 || *db >= databases()) throw std::out_of_range("selected database out of range");
  now_ = now_ms;
  std::string name = lower(argv[0]);
  auto it = table().find(name);
  if (it == table().end()) return unknown_command(argv);
  const Spec& spec = it->second;
  int argc = static_cast<int>(argv.size());
  if ((spec.arity > 0 && argc != spec.arity) || (spec.arity < 0 && argc < -spec.arity)) {
    return arity_error(name);
  }
  int selected = *db;
  std::string reply = (this->*spec.handler)(argv, selected);
  *db = selected;
  return reply;
}

// ------------------------------------------------------------- connection

std::string KvModel::cmd_ping(const Argv& a, int&) {
  if (a.size() > 2) return arity_error("ping");
  return a.size() == 1 ? simple("PONG") : bulk(a[1]);
}

std::string KvModel::cmd_echo(const Argv& a, int&) { return bulk(a[1]); }

std::string KvModel::cmd_select(const Argv& a, int& db) {
  int64_t id = 0;
  if (std::string err = parse_int(a[1], &id); !err.empty()) return err;
  if (!db_index_valid(id)) return kErrDbRange;
  db = static_cast<int>(id);
  return kOk;
}

// ----------------------------------------------------------------- strings

std::string KvModel::cmd_get(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e) return kNullBulk;
  if (e->value.type != ValueType::kString) return kWrongType;
  return bulk(e->value.str);
}

std::string KvModel::set_generic(int db, unsigned flags, const std::string& key,
                                 const std::string& val, const std::string* expire_arg,
                                 bool unit_seconds, const std::string& ok_reply,
                                 const std::string& abort_reply, const char* cmd) {
  int64_t when = 0;
  if (expire_arg) {
    std::string err = string_expire_ms(*expire_arg, flags, unit_seconds, now_, cmd, &when);
    if (!err.empty()) return err;
  }
  std::string get_reply;
  if (flags & kGet) {
    Entry* old = find(db, key);
    if (old && old->value.type != ValueType::kString) return kWrongType;
    get_reply = old ? bulk(old->value.str) : kNullBulk;
  }
  Entry* existing = find(db, key);
  if (((flags & kNx) && existing) || ((flags & kXx) && !existing)) {
    return (flags & kGet) ? get_reply : abort_reply;
  }
  std::optional<int64_t> keep;
  if ((flags & kKeepTtl) && existing) keep = existing->expire_at_ms;
  Entry fresh = make_string(val);
  fresh.expire_at_ms = expire_arg ? std::optional<int64_t>(when) : keep;
  dbs_[static_cast<size_t>(db)][key] = std::move(fresh);
  return (flags & kGet) ? get_reply : ok_reply;
}

std::string KvModel::cmd_set(const Argv& a, int& db) {
  unsigned flags = 0;
  bool unit_seconds = true;
  const std::string* expire = nullptr;
  if (!parse_string_options(a, true, &flags, &unit_seconds, &expire)) return kSyntaxError;
  return set_generic(db, flags, a[1], a[2], expire, unit_seconds, kOk, kNullBulk, "set");
}

std::string KvModel::cmd_setnx(const Argv& a, int& db) {
  return set_generic(db, kNx, a[1], a[2], nullptr, true, kOne, kZero, "setnx");
}

std::string KvModel::cmd_setex(const Argv& a, int& db) {
  return set_generic(db, kEx, a[1], a[3], &a[2], true, kOk, kNullBulk, "setex");
}

std::string KvModel::cmd_psetex(const Argv& a, int& db) {
  return set_generic(db, kPx, a[1], a[3], &a[2], false, kOk, kNullBulk, "psetex");
}

std::string KvModel::cmd_getset(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (e && e->value.type != ValueType::kString) return kWrongType;
  std::string reply = e ? bulk(e->value.str) : kNullBulk;
  dbs_[static_cast<size_t>(db)][a[1]] = make_string(a[2]);  // drops any TTL
  return reply;
}

std::string KvModel::cmd_getdel(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e) return kNullBulk;
  if (e->value.type != ValueType::kString) return kWrongType;
  std::string reply = bulk(e->value.str);
  dbs_[static_cast<size_t>(db)].erase(a[1]);
  return reply;
}

std::string KvModel::cmd_getex(const Argv& a, int& db) {
  unsigned flags = 0;
  bool unit_seconds = true;
  const std::string* expire = nullptr;
  if (!parse_string_options(a, false, &flags, &unit_seconds, &expire)) return kSyntaxError;
  Entry* e = find(db, a[1]);
  if (!e) return kNullBulk;
  if (e->value.type != ValueType::kString) return kWrongType;
  int64_t when = 0;
  if (expire) {
    std::string err = string_expire_ms(*expire, flags, unit_seconds, now_, "getex", &when);
    if (!err.empty()) return err;
  }
  std::string reply = bulk(e->value.str);
  if ((flags & (kExAt | kPxAt)) && when <= now_) {
    dbs_[static_cast<size_t>(db)].erase(a[1]);
  } else if (expire) {
    e->expire_at_ms = when;
  } else if (flags & kPersist) {
    e->expire_at_ms.reset();
  }
  return reply;
}

std::string KvModel::cmd_mget(const Argv& a, int& db) {
  std::string reply = array_header(a.size() - 1);
  for (size_t i = 1; i < a.size(); i++) {
    Entry* e = find(db, a[i]);
    reply += (e && e->value.type == ValueType::kString) ? bulk(e->value.str) : kNullBulk;
  }
  return reply;
}

std::string KvModel::cmd_mset(const Argv& a, int& db) {
  if (a.size() % 2 == 0) return arity_error("mset");
  for (size_t i = 1; i < a.size(); i += 2) {
    dbs_[static_cast<size_t>(db)][a[i]] = make_string(a[i + 1]);  // drops any TTL
  }
  return kOk;
}

std::string KvModel::cmd_msetnx(const Argv& a, int& db) {
  if (a.size() % 2 == 0) return arity_error("msetnx");
  for (size_t i = 1; i < a.size(); i += 2) {
    if (find(db, a[i])) return kZero;
  }
  for (size_t i = 1; i < a.size(); i += 2) {
    dbs_[static_cast<size_t>(db)][a[i]] = make_string(a[i + 1]);  // drops any TTL
  }
  return kOne;
}

std::string KvModel::cmd_append(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e) {
    dbs_[static_cast<size_t>(db)][a[1]] = make_string(a[2]);
    return integer(static_cast<int64_t>(a[2].size()));
  }
  if (e->value.type != ValueType::kString) return kWrongType;
  if (too_long(static_cast<int64_t>(e->value.str.size()), static_cast<int64_t>(a[2].size()))) {
    return kErrTooBig;
  }
  e->value.str += a[2];
  return integer(static_cast<int64_t>(e->value.str.size()));
}

std::string KvModel::cmd_strlen(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e) return kZero;
  if (e->value.type != ValueType::kString) return kWrongType;
  return integer(static_cast<int64_t>(e->value.str.size()));
}

std::string KvModel::incr_decr(int db, const std::string& key, int64_t by) {
  Entry* e = find(db, key);
  if (e && e->value.type != ValueType::kString) return kWrongType;
  int64_t value = 0;
  if (e && !parse_int64(e->value.str, &value)) return kNotInteger;
  if ((by < 0 && value < 0 && by < kInt64Min - value) ||
      (by > 0 && value > 0 && by > kInt64Max - value)) {
    return error("ERR increment or decrement would overflow");
  }
  value += by;
  if (e) {
    e->value.str = std::to_string(value);  // keeps the TTL
  } else {
    dbs_[static_cast<size_t>(db)][key] = make_string(std::to_string(value));
  }
  return integer(value);
}

std::string KvModel::cmd_incr(const Argv& a, int& db) { return incr_decr(db, a[1], 1); }

std::string KvModel::cmd_decr(const Argv& a, int& db) { return incr_decr(db, a[1], -1); }

std::string KvModel::cmd_incrby(const Argv& a, int& db) {
  int64_t by = 0;
  if (!parse_int64(a[2], &by)) return kNotInteger;
  return incr_decr(db, a[1], by);
}

std::string KvModel::cmd_decrby(const Argv& a, int& db) {
  int64_t by = 0;
  if (!parse_int64(a[2], &by)) return kNotInteger;
  if (by == kInt64Min) return error("ERR decrement would overflow");
  return incr_decr(db, a[1], -by);
}

std::string KvModel::cmd_incrbyfloat(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (e && e->value.type != ValueType::kString) return kWrongType;
  long double value = 0;
  long double by = 0;
  if ((e && !parse_long_double(e->value.str, &value)) || !parse_long_double(a[2], &by)) {
    return kNotFloat;
  }
  value += by;
  if (std::isnan(value) || std::isinf(value)) {
    return error("ERR increment would produce NaN or Infinity");
  }
  std::string text = format_long_double(value);
  if (e) {
    e->value.str = text;  // keeps the TTL
  } else {
    dbs_[static_cast<size_t>(db)][a[1]] = make_string(text);
  }
  return bulk(text);
}

std::string KvModel::cmd_getrange(const Argv& a, int& db) {
  int64_t start = 0;
  int64_t end = 0;
  if (!parse_int64(a[2], &start) || !parse_int64(a[3], &end)) return kNotInteger;
  Entry* e = find(db, a[1]);
  if (!e) return bulk("");
  if (e->value.type != ValueType::kString) return kWrongType;
  const std::string& s = e->value.str;
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return bulk("");
  return bulk(std::string_view(s).substr(static_cast<size_t>(start),
                                         static_cast<size_t>(end - start + 1)));
}

std::string KvModel::cmd_setrange(const Argv& a, int& db) {
  int64_t offset = 0;
  if (!parse_int64(a[2], &offset)) return kNotInteger;
  if (offset < 0) return error("ERR offset is out of range");
  const std::string& piece = a[3];
  int64_t piece_len = static_cast<int64_t>(piece.size());
  Entry* e = find(db, a[1]);
  if (!e) {
    if (piece.empty()) return kZero;
    if (too_long(offset, piece_len)) return kErrTooBig;
    e = &(dbs_[static_cast<size_t>(db)][a[1]] = make_string(""));
  } else {
    if (e->value.type != ValueType::kString) return kWrongType;
    if (piece.empty()) return integer(static_cast<int64_t>(e->value.str.size()));
    if (too_long(offset, piece_len)) return kErrTooBig;
  }
  std::string& s = e->value.str;
  size_t need = static_cast<size_t>(offset + piece_len);
  if (s.size() < need) s.resize(need, '\0');
  s.replace(static_cast<size_t>(offset), piece.size(), piece);
  return integer(static_cast<int64_t>(s.size()));
}

// -------------------------------------------------------------- generic keys

std::string KvModel::cmd_del(const Argv& a, int& db) {
  int64_t n = 0;
  for (size_t i = 1; i < a.size(); i++) {
    if (find(db, a[i])) {
      dbs_[static_cast<size_t>(db)].erase(a[i]);
      n++;
    }
  }
  return integer(n);
}

std::string KvModel::cmd_exists(const Argv& a, int& db) {
  int64_t n = 0;
  for (size_t i = 1; i < a.size(); i++) {
    if (find(db, a[i])) n++;
  }
  return integer(n);
}

std::string KvModel::cmd_touch(const Argv& a, int& db) { return cmd_exists(a, db); }

std::string KvModel::cmd_type(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e) return simple("none");
  switch (e->value.type) {
    case ValueType::kString:
      return simple("string");
  }
  return simple("none");
}

std::string KvModel::rename_generic(const Argv& a, int db, bool nx) {
  Entry* src = find(db, a[1]);
  if (!src) return kErrNoSuchKey;
  if (a[1] == a[2]) return nx ? kZero : kOk;
  if (find(db, a[2]) && nx) return kZero;
  Db& d = dbs_[static_cast<size_t>(db)];
  Entry moved = std::move(*src);
  d.erase(a[1]);
  d[a[2]] = std::move(moved);  // replaces the destination, TTL included
  return nx ? kOne : kOk;
}

std::string KvModel::cmd_rename(const Argv& a, int& db) { return rename_generic(a, db, false); }

std::string KvModel::cmd_renamenx(const Argv& a, int& db) { return rename_generic(a, db, true); }

std::string KvModel::cmd_copy(const Argv& a, int& db) {
  int64_t dst_db = db;
  bool replace = false;
  for (size_t j = 3; j < a.size(); j++) {
    if (iequals(a[j], "replace")) {
      replace = true;
    } else if (iequals(a[j], "db") && j + 1 < a.size()) {
      if (std::string err = parse_int(a[j + 1], &dst_db); !err.empty()) return err;
      if (!db_index_valid(dst_db)) return kErrDbRange;
      j++;
    } else {
      return kSyntaxError;
    }
  }
  int dst = static_cast<int>(dst_db);
  if (dst == db && a[1] == a[2]) return kErrSameObject;
  Entry* src = find(db, a[1]);
  if (!src) return kZero;
  Entry copy = *src;
  if (find(dst, a[2]) && !replace) return kZero;
  dbs_[static_cast<size_t>(dst)][a[2]] = std::move(copy);
  return kOne;
}

std::string KvModel::cmd_move(const Argv& a, int& db) {
  int64_t dst_db = 0;
  if (std::string err = parse_int(a[2], &dst_db); !err.empty()) return err;
  if (!db_index_valid(dst_db)) return kErrDbRange;
  int dst = static_cast<int>(dst_db);
  if (dst == db) return kErrSameObject;
  Entry* src = find(db, a[1]);
  if (!src) return kZero;
  if (find(dst, a[1])) return kZero;
  dbs_[static_cast<size_t>(dst)][a[1]] = std::move(*src);
  dbs_[static_cast<size_t>(db)].erase(a[1]);
  return kOne;
}

// ------------------------------------------------------------------- expiry

std::string KvModel::expire_generic(const Argv& a, int db, int64_t basetime, bool unit_seconds,
                                    const char* cmd) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t j = 3; j < a.size(); j++) {
    if (iequals(a[j], "nx")) {
      nx = true;
    } else if (iequals(a[j], "xx")) {
      xx = true;
    } else if (iequals(a[j], "gt")) {
      gt = true;
    } else if (iequals(a[j], "lt")) {
      lt = true;
    } else {
      return formatted_error("ERR Unsupported option " + std::string(c_string(a[j])));
    }
  }
  if (nx && (xx || gt || lt)) {
    return error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return error("ERR GT and LT options at the same time are not compatible");

  int64_t when = 0;
  if (!parse_int64(a[2], &when)) return kNotInteger;
  if (unit_seconds) {
    if (when > kInt64Max / 1000 || when < kInt64Min / 1000) return expire_time_error(cmd);
    when *= 1000;
  }
  if (when > kInt64Max - basetime) return expire_time_error(cmd);
  when += basetime;

  Entry* e = find(db, a[1]);
  if (!e) return kZero;
  const std::optional<int64_t>& current = e->expire_at_ms;
  if (nx && current) return kZero;
  if (xx && !current) return kZero;
  if (gt && (!current || when <= *current)) return kZero;
  if (lt && current && when >= *current) return kZero;

  if (when <= now_) {
    dbs_[static_cast<size_t>(db)].erase(a[1]);
  } else {
    e->expire_at_ms = when;
  }
  return kOne;
}

std::string KvModel::cmd_expire(const Argv& a, int& db) {
  return expire_generic(a, db, now_, true, "expire");
}

std::string KvModel::cmd_pexpire(const Argv& a, int& db) {
  return expire_generic(a, db, now_, false, "pexpire");
}

std::string KvModel::cmd_expireat(const Argv& a, int& db) {
  return expire_generic(a, db, 0, true, "expireat");
}

std::string KvModel::cmd_pexpireat(const Argv& a, int& db) {
  return expire_generic(a, db, 0, false, "pexpireat");
}

std::string KvModel::ttl_generic(const Argv& a, int db, bool output_ms, bool output_abs) {
  Entry* e = find(db, a[1]);
  if (!e) return integer(-2);
  if (!e->expire_at_ms) return integer(-1);
  int64_t t = output_abs ? *e->expire_at_ms : *e->expire_at_ms - now_;
  if (t < 0) t = 0;
  // Seconds are rounded to the nearest; t >= 0, so unsigned arithmetic keeps
  // the rounding exact even next to the int64 limit.
  return integer(output_ms ? t : static_cast<int64_t>((static_cast<uint64_t>(t) + 500) / 1000));
}

std::string KvModel::cmd_ttl(const Argv& a, int& db) { return ttl_generic(a, db, false, false); }

std::string KvModel::cmd_pttl(const Argv& a, int& db) { return ttl_generic(a, db, true, false); }

std::string KvModel::cmd_expiretime(const Argv& a, int& db) {
  return ttl_generic(a, db, false, true);
}

std::string KvModel::cmd_pexpiretime(const Argv& a, int& db) {
  return ttl_generic(a, db, true, true);
}

std::string KvModel::cmd_persist(const Argv& a, int& db) {
  Entry* e = find(db, a[1]);
  if (!e || !e->expire_at_ms) return kZero;
  e->expire_at_ms.reset();
  return kOne;
}

// ------------------------------------------------------------------ keyspace

std::string KvModel::cmd_dbsize(const Argv&, int& db) {
  return integer(static_cast<int64_t>(live_keys(db, now_)));
}

std::string KvModel::flush_generic(const Argv& a, int db, bool all) {
  if (a.size() == 2) {
    if (!iequals(a[1], "sync") && !iequals(a[1], "async")) return kSyntaxError;
  } else if (a.size() != 1) {
    return kSyntaxError;
  }
  if (all) {
    for (Db& d : dbs_) d.clear();
  } else {
    dbs_[static_cast<size_t>(db)].clear();
  }
  return kOk;
}

std::string KvModel::cmd_flushdb(const Argv& a, int& db) { return flush_generic(a, db, false); }

std::string KvModel::cmd_flushall(const Argv& a, int& db) { return flush_generic(a, db, true); }

std::string KvModel::cmd_swapdb(const Argv& a, int&) {
  int64_t id1 = 0;
  int64_t id2 = 0;
  if (std::string err = parse_int(a[1], &id1, "invalid first DB index"); !err.empty()) return err;
  if (std::string err = parse_int(a[2], &id2, "invalid second DB index"); !err.empty()) {
    return err;
  }
  if (!db_index_valid(id1) || !db_index_valid(id2)) return kErrDbRange;
  std::swap(dbs_[static_cast<size_t>(id1)], dbs_[static_cast<size_t>(id2)]);
  return kOk;
}

}  // namespace peregrine::models
