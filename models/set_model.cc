#include "models/set_model.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "models/common.h"

namespace peregrine::models {
namespace {

struct Arity {
  const char* name;
  int arity;  // -N: at least N
};

constexpr Arity kCommands[] = {
    {"sadd", -3},        {"srem", -3},        {"scard", 2},       {"sismember", 3},
    {"smismember", -3},  {"smembers", 2},     {"smove", 4},       {"sinter", -2},
    {"sintercard", -3},  {"sunioncard", -3},  {"sdiffcard", -3},  {"sinterstore", -3}, {"sunion", -2},     {"sunionstore", -3},
    {"sdiff", -2},       {"sdiffstore", -3},  {"sscan", -3},      {"del", -2},
    {"exists", -2},      {"type", 2},         {"set", -3},
    {"saddex", -5},      {"sexpire", -6},     {"spexpire", -6},   {"sexpireat", -6},
    {"spexpireat", -6},  {"sttl", -5},        {"spttl", -5},      {"sexpiretime", -5},
    {"spexpiretime", -5}, {"spersist", -5},
};

// The latest deadline a member may have: 2^46 - 1 ms after the epoch.
constexpr int64_t kLatestDeadline = 70368744177663;

// Reads a TTL argument (seconds or ms, added to base) into *deadline, or
// returns the error reply.
std::optional<std::string> read_deadline(const std::string& arg, bool seconds, int64_t base,
                                         const std::string& name, int64_t* deadline) {
  int64_t t = 0;
  if (!parse_int64(arg, &t)) return std::string(kNotInteger);
  if (t < 0) return error("ERR invalid expire time, must be >= 0");
  const std::string too_far = error("ERR invalid expire time in '" + name + "' command");
  if (seconds && t > kLatestDeadline / 1000) return too_far;
  if (seconds) t *= 1000;
  if (t > kLatestDeadline - base) return too_far;
  *deadline = t + base;
  return std::nullopt;
}

const Arity* find_command(const std::string& lower_name) {
  for (const Arity& a : kCommands) {
    if (lower_name == a.name) return &a;
  }
  return nullptr;
}

}  // namespace

bool SetModel::supports(std::string_view lower_name) {
  return find_command(std::string(lower_name)) != nullptr;
}

bool SetModel::unordered_reply(std::string_view lower_name) {
  return lower_name == "smembers" || lower_name == "sinter" || lower_name == "sunion" ||
         lower_name == "sdiff" || lower_name == "sscan";
}

std::string SetModel::apply(const std::vector<std::string>& argv) { return apply(argv, now_); }

std::string SetModel::apply(const std::vector<std::string>& argv, int64_t now_ms) {
  now_ = now_ms;
  std::string reply = run(argv);
  // Deadlines of members that are no longer there go with them.
  for (auto it = deadlines_.begin(); it != deadlines_.end();) {
    auto key = keys_.find(it->first);
    const Members* members = key == keys_.end() ? nullptr : std::get_if<Members>(&key->second);
    for (auto d = it->second.begin(); d != it->second.end();) {
      d = members != nullptr && members->count(d->first) ? std::next(d) : it->second.erase(d);
    }
    it = it->second.empty() ? deadlines_.erase(it) : std::next(it);
  }
  return reply;
}

void SetModel::expire_members(const std::string& key) {
  auto d = deadlines_.find(key);
  auto k = keys_.find(key);
  if (d == deadlines_.end() || k == keys_.end()) return;
  Members* members = std::get_if<Members>(&k->second);
  if (members == nullptr) return;
  for (auto it = d->second.begin(); it != d->second.end();) {
    if (it->second > now_) {
      ++it;
      continue;
    }
    members->erase(it->first);
    it = d->second.erase(it);
  }
  if (members->empty()) keys_.erase(k);
}

int64_t SetModel::deadline(const std::string& key, const std::string& member) const {
  auto d = deadlines_.find(key);
  if (d == deadlines_.end()) return -1;
  auto it = d->second.find(member);
  return it == d->second.end() ? -1 : it->second;
}

std::string SetModel::run(const std::vector<std::string>& argv) {
  if (argv.empty()) return "";
  const std::string name = lower(argv[0]);
  const Arity* cmd = find_command(name);
  if (cmd == nullptr) return unknown_command(argv);
  const int argc = static_cast<int>(argv.size());
  if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
    return arity_error(name);
  }

  // Looks a key up as a set, first removing its expired members (unless
  // expire is false): nullptr when missing; *wrong when it holds a string.
  auto find_set = [&](const std::string& key, bool* wrong, bool expire = true) -> Members* {
    *wrong = false;
    if (expire) expire_members(key);
    auto it = keys_.find(key);
    if (it == keys_.end()) return nullptr;
    if (auto* m = std::get_if<Members>(&it->second)) return m;
    *wrong = true;
    return nullptr;
  };
  // Every key of argv[first, last) as a set (missing ones empty); false
  // when one is a string.
  auto gather = [&](size_t first, size_t last, std::vector<Members>* out) {
    for (size_t i = first; i < last; ++i) {
      bool wrong = false;
      Members* m = find_set(argv[i], &wrong);
      if (wrong) return false;
      out->push_back(m != nullptr ? *m : Members{});
    }
    return true;
  };
  auto intersection = [](const std::vector<Members>& sets) {
    Members out = sets[0];
    for (size_t i = 1; i < sets.size(); ++i) {
      Members next;
      for (const std::string& m : out) {
        if (sets[i].count(m)) next.insert(m);
      }
      out = std::move(next);
    }
    return out;
  };
  auto set_union = [](const std::vector<Members>& sets) {
    Members out;
    for (const Members& s : sets) out.insert(s.begin(), s.end());
    return out;
  };
  auto difference = [](const std::vector<Members>& sets) {
    Members out = sets[0];
    for (size_t i = 1; i < sets.size(); ++i) {
      for (const std::string& m : sets[i]) out.erase(m);
    }
    return out;
  };
  // Stores result under dst (replacing whatever was there), or deletes dst
  // when it is empty.
  // Each stored member's deadline: the nearest it has among the sets at
  // argv[first, last) (computed before the store replaces any of them).
  auto carried = [&](const Members& result, size_t first, size_t last) {
    Deadlines out;
    for (const std::string& m : result) {
      for (size_t i = first; i < last; ++i) {
        const int64_t when = deadline(argv[i], m);
        if (when >= 0 && (!out.count(m) || when < out[m])) out[m] = when;
      }
    }
    return out;
  };
  auto store = [&](const std::string& dst, Members result, Deadlines ttls) {
    const size_t n = result.size();
    if (n == 0) keys_.erase(dst);
    else keys_[dst] = std::move(result);
    deadlines_.erase(dst);
    if (n != 0 && !ttls.empty()) deadlines_[dst] = std::move(ttls);
    return integer(static_cast<int64_t>(n));
  };
  // Parses "MEMBERS n m..." at argv[*i] (SADDEX, SEXPIRE*): sets *first and
  // *count and moves *i past it, or returns the error reply. SADDEX needs
  // the count after the word, the SEXPIRE family a member as well.
  auto members_block = [&](size_t* i, const std::string& bad_count, size_t* first,
                           size_t* count) -> std::optional<std::string> {
    if (*count != 0) return error("ERR MEMBERS keyword specified multiple times");
    if (name == "saddex" && *i + 1 >= argv.size()) return arity_error(name);
    if (name != "saddex" && *i + 2 >= argv.size()) {
      return error("ERR MEMBERS requires at least nummembers and one member argument");
    }
    int64_t n = 0;
    if (!parse_int64(argv[*i + 1], &n) || n <= 0 || n > 2147483647) return error(bad_count);
    if (static_cast<size_t>(n) > argv.size() - *i - 2) {
      return error("ERR wrong number of arguments");
    }
    *first = *i + 2;
    *count = static_cast<size_t>(n);
    *i = *first + *count;
    return std::nullopt;
  };
  // Parses the "MEMBERS n m..." tail of STTL and friends and SPERSIST.
  auto members_tail = [&](size_t* first, size_t* count) -> std::optional<std::string> {
    if (!iequals(argv[2], "members")) {
      return error("ERR Mandatory argument MEMBERS is missing or not at the right position");
    }
    int64_t n = 0;
    if (!parse_int64(argv[3], &n) || n <= 0) {
      return error("ERR Number of members must be a positive integer");
    }
    if (static_cast<size_t>(n) != argv.size() - 4) {
      return error("ERR The `nummembers` parameter must match the number of arguments");
    }
    *first = 4;
    *count = static_cast<size_t>(n);
    return std::nullopt;
  };

  bool wrong = false;
  if (name == "set") {
    if (argc != 3) return kSyntaxError;  // only the plain form is modelled
    keys_[argv[1]] = argv[2];
    return kOk;
  }
  if (name == "del" || name == "exists") {
    int64_t n = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
      if (name == "del") n += static_cast<int64_t>(keys_.erase(argv[i]));
      else n += keys_.count(argv[i]) ? 1 : 0;
    }
    return integer(n);
  }
  if (name == "type") {
    auto it = keys_.find(argv[1]);
    if (it == keys_.end()) return "+none\r\n";
    return std::holds_alternative<Members>(it->second) ? "+set\r\n" : "+string\r\n";
  }
  if (name == "sadd") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    if (s == nullptr) s = &std::get<Members>(keys_[argv[1]] = Members{});
    int64_t added = 0;
    for (size_t i = 2; i < argv.size(); ++i) added += s->insert(argv[i]).second ? 1 : 0;
    return integer(added);
  }
  if (name == "srem") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    if (s == nullptr) return integer(0);
    int64_t removed = 0;
    for (size_t i = 2; i < argv.size(); ++i) removed += static_cast<int64_t>(s->erase(argv[i]));
    if (s->empty()) keys_.erase(argv[1]);
    return integer(removed);
  }
  if (name == "scard") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    return integer(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
  }
  if (name == "sismember") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    return integer(s != nullptr && s->count(argv[2]) ? 1 : 0);
  }
  if (name == "smismember") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    std::string out = array_header(argv.size() - 2);
    for (size_t i = 2; i < argv.size(); ++i) out += integer(s != nullptr && s->count(argv[i]) ? 1 : 0);
    return out;
  }
  if (name == "smembers") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    return bulk_array(s != nullptr ? *s : Members{});
  }
  if (name == "smove") {
    const std::string& src_key = argv[1];
    const std::string& dst_key = argv[2];
    const std::string& member = argv[3];
    bool src_wrong = false, dst_wrong = false;
    Members* src = find_set(src_key, &src_wrong, false);
    find_set(dst_key, &dst_wrong, false);
    if (src == nullptr && !src_wrong) return integer(0);
    if (src_wrong || dst_wrong) return kWrongType;
    src = find_set(src_key, &src_wrong);
    find_set(dst_key, &dst_wrong);
    if (src == nullptr) return integer(0);
    if (src_key == dst_key) return integer(src->count(member) ? 1 : 0);
    const int64_t when = deadline(src_key, member);
    if (src->erase(member) == 0) return integer(0);
    if (src->empty()) keys_.erase(src_key);
    bool unused = false;
    Members* dst = find_set(dst_key, &unused);
    if (dst == nullptr) dst = &std::get<Members>(keys_[dst_key] = Members{});
    dst->insert(member);
    if (when >= 0) deadlines_[dst_key][member] = when;
    else if (deadlines_.count(dst_key)) deadlines_[dst_key].erase(member);
    return integer(1);
  }
  if (name == "sinter" || name == "sunion" || name == "sdiff") {
    std::vector<Members> sets;
    if (!gather(1, argv.size(), &sets)) return kWrongType;
    if (name == "sinter") return bulk_array(intersection(sets));
    if (name == "sunion") return bulk_array(set_union(sets));
    return bulk_array(difference(sets));
  }
  if (name == "sinterstore" || name == "sunionstore" || name == "sdiffstore") {
    std::vector<Members> sets;
    if (!gather(2, argv.size(), &sets)) return kWrongType;
    const Members result = name == "sinterstore"   ? intersection(sets)
                           : name == "sunionstore" ? set_union(sets)
                                                   : difference(sets);
    Deadlines ttls = carried(result, 2, name == "sdiffstore" ? 3 : argv.size());
    return store(argv[1], result, std::move(ttls));
  }
  if (name == "sintercard" || name == "sunioncard" || name == "sdiffcard") {
    int64_t numkeys = 0;
    if (!parse_int64(argv[1], &numkeys) || numkeys <= 0) {
      return error("ERR numkeys should be greater than 0");
    }
    if (numkeys > argc - 2) {
      return error("ERR Number of keys can't be greater than number of args");
    }
    const size_t keys_end = 2 + static_cast<size_t>(numkeys);
    int64_t limit = 0;
    for (size_t i = keys_end; i < argv.size(); ++i) {
      if (iequals(argv[i], "limit") && i + 1 < argv.size()) {
        if (!parse_int64(argv[++i], &limit) || limit < 0) {
          return error("ERR LIMIT can't be negative");
        }
      } else if (!(name == "sunioncard" && iequals(argv[i], "approx"))) {
        return kSyntaxError;
      }
    }
    std::vector<Members> sets;
    if (!gather(2, keys_end, &sets)) return kWrongType;
    const Members result = name == "sintercard"   ? intersection(sets)
                           : name == "sunioncard" ? set_union(sets)
                                                  : difference(sets);
    int64_t n = static_cast<int64_t>(result.size());
    if (limit > 0) n = std::min(n, limit);
    return integer(n);
  }
  if (name == "sscan") {
    if (!valid_scan_cursor(argv[2])) return error("ERR invalid cursor");
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    const std::string empty_scan = array_header(2) + bulk("0") + array_header(0);
    if (s == nullptr) return empty_scan;
    std::optional<std::string> pattern;
    for (size_t i = 3; i < argv.size(); ++i) {
      const std::string opt = lower(argv[i]);
      const bool has_value = i + 1 < argv.size();
      if (opt == "count" && has_value) {
        int64_t count = 0;
        if (!parse_int64(argv[++i], &count)) return kNotInteger;
        if (count < 1) return kSyntaxError;
      } else if (opt == "match" && has_value) {
        pattern = argv[++i];
        if (*pattern == "*") pattern.reset();
      } else {
        return kSyntaxError;
      }
    }
    Members found;
    for (const std::string& m : *s) {
      if (!pattern || glob_match(*pattern, m)) found.insert(m);
    }
    return array_header(2) + bulk("0") + bulk_array(found);
  }
  if (name == "saddex") {
    int cond = 0;  // 1 MNX, 2 MXX
    bool have_expiry = false, keep = false;
    std::optional<int64_t> when;
    size_t first = 0, count = 0;
    for (size_t i = 2; i < argv.size();) {
      const std::string w = lower(argv[i]);
      if (w == "members") {
        if (auto e = members_block(&i, "ERR invalid number of members", &first, &count)) return *e;
      } else if (w == "mnx" || w == "mxx") {
        if (cond != 0) return error("ERR Only one of MXX or MNX arguments can be specified");
        cond = w == "mnx" ? 1 : 2;
        ++i;
      } else if (w == "ex" || w == "px" || w == "exat" || w == "pxat" || w == "keepttl") {
        if (have_expiry) {
          return error("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
        }
        have_expiry = true;
        if (w == "keepttl") {
          keep = true;
          ++i;
          continue;
        }
        if (i + 1 >= argv.size()) return error("ERR missing expire time");
        int64_t t = 0;
        const bool relative = w == "ex" || w == "px";
        if (auto e = read_deadline(argv[i + 1], w == "ex" || w == "exat", relative ? now_ : 0,
                                   name, &t)) {
          return *e;
        }
        when = t;
        i += 2;
      } else {
        return error("ERR unknown argument: " + argv[i]);
      }
    }
    if (count == 0) return error("ERR missing MEMBERS argument");
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    for (size_t j = first; j < first + count && cond != 0; ++j) {
      const bool there = s != nullptr && s->count(argv[j]);
      if ((cond == 1 && there) || (cond == 2 && !there)) return integer(0);
    }
    if (when && *when <= now_) {
      if (s == nullptr) return integer(1);
      for (size_t j = first; j < first + count; ++j) s->erase(argv[j]);
      if (s->empty()) keys_.erase(argv[1]);
      return integer(1);
    }
    if (s == nullptr) s = &std::get<Members>(keys_[argv[1]] = Members{});
    for (size_t j = first; j < first + count; ++j) {
      const bool is_new = s->insert(argv[j]).second;
      if (when) deadlines_[argv[1]][argv[j]] = *when;
      else if ((!keep || is_new) && deadlines_.count(argv[1])) deadlines_[argv[1]].erase(argv[j]);
    }
    return integer(1);
  }
  if (name == "sexpire" || name == "spexpire" || name == "sexpireat" || name == "spexpireat") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    const bool at = name.size() > 2 && name.substr(name.size() - 2) == "at";
    int64_t when = 0;
    if (auto e = read_deadline(argv[2], name[1] == 'e', at ? 0 : now_, name, &when)) return *e;
    std::string cond;
    bool mixed = false;
    size_t first = 0, count = 0;
    for (size_t i = 3; i < argv.size();) {
      const std::string w = lower(argv[i]);
      if (w == "members") {
        if (auto e = members_block(&i, "ERR Parameter `numMembers` should be greater than 0",
                                   &first, &count)) {
          return *e;
        }
      } else if (w == "nx" || w == "xx" || w == "gt" || w == "lt") {
        mixed = mixed || (!cond.empty() && cond != w);
        cond = w;
        ++i;
      } else {
        return error("ERR unknown argument: " + argv[i]);
      }
    }
    if (count == 0) return error("ERR missing MEMBERS argument");
    if (mixed) return error("ERR Multiple condition flags specified");
    std::string out = array_header(count);
    for (size_t j = first; j < first + count; ++j) {
      if (s == nullptr || !s->count(argv[j])) {
        out += integer(-2);
        continue;
      }
      const int64_t cur = deadline(argv[1], argv[j]);
      bool ok = true;
      if (cond == "nx") ok = cur < 0;
      if (cond == "xx") ok = cur >= 0;
      if (cond == "gt") ok = cur >= 0 && when > cur;
      if (cond == "lt") ok = cur < 0 || when < cur;
      if (!ok) {
        out += integer(0);
      } else if (when <= now_) {
        s->erase(argv[j]);
        out += integer(2);
      } else {
        deadlines_[argv[1]][argv[j]] = when;
        out += integer(1);
      }
    }
    if (s != nullptr && s->empty()) keys_.erase(argv[1]);
    return out;
  }
  if (name == "sttl" || name == "spttl" || name == "sexpiretime" || name == "spexpiretime" ||
      name == "spersist") {
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    size_t first = 0, count = 0;
    if (auto e = members_tail(&first, &count)) return *e;
    std::string out = array_header(count);
    for (size_t j = first; j < first + count; ++j) {
      const int64_t d = deadline(argv[1], argv[j]);
      if (s == nullptr || !s->count(argv[j])) {
        out += integer(-2);
      } else if (d < 0) {
        out += integer(-1);
      } else if (name == "spersist") {
        deadlines_[argv[1]].erase(argv[j]);
        out += integer(1);
      } else if (name == "sttl") {
        out += integer((d - now_ + 999) / 1000);
      } else if (name == "spttl") {
        out += integer(d - now_);
      } else {
        out += integer(name == "sexpiretime" ? (d + 999) / 1000 : d);
      }
    }
    return out;
  }
  return error("ERR model has no body for '" + name + "'");
}

}  // namespace peregrine::models
