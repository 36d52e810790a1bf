#include "models/set_model.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>

namespace peregrine::models {
namespace {

// ------------------------------------------------------------ replies

std::string integer(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string error(const std::string& msg) { return "-" + msg + "\r\n"; }
std::string array_header(size_t n) { return "*" + std::to_string(n) + "\r\n"; }
std::string bulk_array(const std::set<std::string>& members) {
  std::string out = array_header(members.size());
  for (const std::string& m : members) out += bulk(m);
  return out;
}

const std::string kWrongType =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kSyntax = error("ERR syntax error");

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ------------------------------------------------------------ parsing

// A decimal int64 in its one canonical spelling: optional '-', digits, no
// leading zeros, no "-0", in range.
std::optional<int64_t> strict_int(const std::string& s) {
  if (s == "0") return 0;
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return std::nullopt;
  // Accumulate the magnitude in unsigned 64 bits.
  uint64_t mag = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (mag > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    mag = mag * 10 + d;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (mag > limit) return std::nullopt;
  if (negative) return mag == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                                  : -static_cast<int64_t>(mag);
  return static_cast<int64_t>(mag);
}

// Whether a SCAN cursor argument is acceptable: as C's strtoull reads it in
// full (an optional sign, then decimal digits; an empty text is 0) but not
// starting with white space, and within 64 bits.
bool valid_cursor(const std::string& s) {
  if (s.empty()) return true;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  return true;
}

// Glob matching: * ? [set] [^set] [a-z] and \x. A plain recursive matcher;
// an empty string matches only an empty pattern (as servers do).
bool glob(const char* p, const char* pe, const char* s, const char* se) {
  while (p < pe) {
    if (*p == '*') {
      while (p < pe && *p == '*') ++p;
      if (p == pe) return true;
      for (const char* t = s; t <= se; ++t) {
        if (glob(p, pe, t, se)) return true;
      }
      return false;
    }
    if (s == se) return false;
    if (*p == '?') {
      ++p;
      ++s;
      continue;
    }
    if (*p == '[') {
      ++p;
      bool negate = p < pe && *p == '^';
      if (negate) ++p;
      bool hit = false;
      while (p < pe && *p != ']') {
        if (*p == '\\' && p + 1 < pe) {
          ++p;
          if (*p == *s) hit = true;
          ++p;
        } else if (p + 2 < pe && p[1] == '-') {
          unsigned char lo = static_cast<unsigned char>(p[0]);
          unsigned char hi = static_cast<unsigned char>(p[2]);
          if (lo > hi) std::swap(lo, hi);
          unsigned char c = static_cast<unsigned char>(*s);
          if (c >= lo && c <= hi) hit = true;
          p += 3;
        } else {
          if (*p == *s) hit = true;
          ++p;
        }
      }
      if (p < pe) ++p;  // the closing ']'
      if (hit == negate) return false;
      ++s;
      continue;
    }
    if (*p == '\\' && p + 1 < pe) ++p;
    if (*p != *s) return false;
    ++p;
    ++s;
  }
  return s == se;
}

bool glob_matches(const std::string& pattern, const std::string& s) {
  if (s.empty()) return pattern.empty();
  return glob(pattern.data(), pattern.data() + pattern.size(), s.data(), s.data() + s.size());
}

struct Arity {
  const char* name;
  int arity;  // -N: at least N
};

constexpr Arity kCommands[] = {
    {"sadd", -3},        {"srem", -3},        {"scard", 2},       {"sismember", 3},
    {"smismember", -3},  {"smembers", 2},     {"smove", 4},       {"sinter", -2},
    {"sintercard", -3},  {"sinterstore", -3}, {"sunion", -2},     {"sunionstore", -3},
    {"sdiff", -2},       {"sdiffstore", -3},  {"sscan", -3},      {"del", -2},
    {"exists", -2},      {"type", 2},         {"set", -3},
};

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

std::string SetModel::apply(const std::vector<std::string>& argv) {
  if (argv.empty()) return "";
  const std::string name = lower(argv[0]);
  const Arity* cmd = find_command(name);
  if (cmd == nullptr) {
    std::string args;
    for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
      std::string arg(argv[i].c_str());
      args += "'" + arg.substr(0, 128 - args.size()) + "' ";
    }
    std::string shown(argv[0].c_str());
    return error("ERR unknown command '" + shown.substr(0, 128) +
                 "', with args beginning with: " + args);
  }
  const int argc = static_cast<int>(argv.size());
  if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
    return error("ERR wrong number of arguments for '" + name + "' command");
  }

  // Looks a key up as a set: nullptr when missing; *wrong when it holds a
  // string.
  auto find_set = [&](const std::string& key, bool* wrong) -> Members* {
    *wrong = false;
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
  auto store = [&](const std::string& dst, Members result) {
    const size_t n = result.size();
    if (n == 0) keys_.erase(dst);
    else keys_[dst] = std::move(result);
    return integer(static_cast<int64_t>(n));
  };

  bool wrong = false;
  if (name == "set") {
    if (argc != 3) return kSyntax;  // only the plain form is modelled
    keys_[argv[1]] = argv[2];
    return "+OK\r\n";
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
    Members* src = find_set(src_key, &src_wrong);
    find_set(dst_key, &dst_wrong);
    if (src == nullptr && !src_wrong) return integer(0);
    if (src_wrong || dst_wrong) return kWrongType;
    if (src_key == dst_key) return integer(src->count(member) ? 1 : 0);
    if (src->erase(member) == 0) return integer(0);
    if (src->empty()) keys_.erase(src_key);
    bool unused = false;
    Members* dst = find_set(dst_key, &unused);
    if (dst == nullptr) dst = &std::get<Members>(keys_[dst_key] = Members{});
    dst->insert(member);
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
    if (name == "sinterstore") return store(argv[1], intersection(sets));
    if (name == "sunionstore") return store(argv[1], set_union(sets));
    return store(argv[1], difference(sets));
  }
  if (name == "sintercard") {
    std::optional<int64_t> numkeys = strict_int(argv[1]);
    if (!numkeys || *numkeys <= 0) return error("ERR numkeys should be greater than 0");
    if (*numkeys > argc - 2) {
      return error("ERR Number of keys can't be greater than number of args");
    }
    const size_t keys_end = 2 + static_cast<size_t>(*numkeys);
    int64_t limit = 0;
    for (size_t i = keys_end; i < argv.size(); ++i) {
      if (lower(argv[i]) == "limit" && i + 1 < argv.size()) {
        std::optional<int64_t> l = strict_int(argv[++i]);
        if (!l || *l < 0) return error("ERR LIMIT can't be negative");
        limit = *l;
      } else {
        return kSyntax;
      }
    }
    std::vector<Members> sets;
    if (!gather(2, keys_end, &sets)) return kWrongType;
    int64_t n = static_cast<int64_t>(intersection(sets).size());
    if (limit > 0) n = std::min(n, limit);
    return integer(n);
  }
  if (name == "sscan") {
    if (!valid_cursor(argv[2])) return error("ERR invalid cursor");
    Members* s = find_set(argv[1], &wrong);
    if (wrong) return kWrongType;
    const std::string empty_scan = array_header(2) + bulk("0") + array_header(0);
    if (s == nullptr) return empty_scan;
    std::optional<std::string> pattern;
    for (size_t i = 3; i < argv.size(); ++i) {
      const std::string opt = lower(argv[i]);
      const bool has_value = i + 1 < argv.size();
      if (opt == "count" && has_value) {
        std::optional<int64_t> c = strict_int(argv[++i]);
        if (!c) return error("ERR value is not an integer or out of range");
        if (*c < 1) return kSyntax;
      } else if (opt == "match" && has_value) {
        pattern = argv[++i];
        if (*pattern == "*") pattern.reset();
      } else {
        return kSyntax;
      }
    }
    Members found;
    for (const std::string& m : *s) {
      if (!pattern || glob_matches(*pattern, m)) found.insert(m);
    }
    return array_header(2) + bulk("0") + bulk_array(found);
  }
  return error("ERR model has no body for '" + name + "'");
}

}  // namespace peregrine::models
