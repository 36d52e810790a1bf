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
  if (cmd == nullptr) return unknown_command(argv);
  const int argc = static_cast<int>(argv.size());
  if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
    return arity_error(name);
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
  return error("ERR model has no body for '" + name + "'");
}

}  // namespace peregrine::models
