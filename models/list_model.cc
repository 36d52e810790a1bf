#include "models/list_model.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>

namespace peregrine::models {
namespace {

// ---------------------------------------------------------------- replies

std::string r_int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string r_bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string r_array(size_t n) { return "*" + std::to_string(n) + "\r\n"; }
std::string r_err(const std::string& msg) { return "-" + msg + "\r\n"; }
const std::string kOk = "+OK\r\n";
const std::string kNullBulk = "$-1\r\n";
const std::string kNullArray = "*-1\r\n";
const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool same_word(const std::string& a, const char* word) { return lower(a) == word; }

// A strict signed 64-bit decimal: optional '-', digits, no leading zeros
// (except "0" itself), no "-0", no spaces or '+', in range.
bool to_int(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] == '0' && (s.size() > i + 1 || neg)) return false;
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  const unsigned __int128 max_pos = std::numeric_limits<int64_t>::max();
  if (neg) {
    if (v > max_pos + 1) return false;
    *out = v == max_pos + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(v);
  } else {
    if (v > max_pos) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool end_word(const std::string& s, bool* left) {
  if (same_word(s, "left")) *left = true;
  else if (same_word(s, "right")) *left = false;
  else return false;
  return true;
}

// Element replies for a run of list entries.
std::string r_elements(const std::vector<std::string>& v) {
  std::string out = r_array(v.size());
  for (const auto& e : v) out += r_bulk(e);
  return out;
}

struct Spec {
  int arity;  // > 0 exact, < 0 at least -arity
};

const std::map<std::string, Spec, std::less<>>& specs() {
  static const std::map<std::string, Spec, std::less<>> table = {
      {"lpush", {-3}},   {"rpush", {-3}},  {"lpushx", {-3}},    {"rpushx", {-3}},
      {"lpop", {-2}},    {"rpop", {-2}},   {"llen", {2}},       {"lrange", {4}},
      {"lindex", {3}},   {"lset", {4}},    {"linsert", {5}},    {"lrem", {4}},
      {"ltrim", {4}},    {"lpos", {-3}},   {"lmove", {5}},      {"rpoplpush", {3}},
      {"lmpop", {-4}},   {"del", {-2}},    {"exists", {-2}},    {"type", {2}},
      {"set", {3}},      {"get", {2}},
  };
  return table;
}

}  // namespace

bool ListModel::supports(std::string_view lower_name) { return specs().count(lower_name) > 0; }

std::vector<std::string> ListModel::list(const std::string& key) const {
  auto it = lists_.find(key);
  if (it == lists_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

ListModel::List* ListModel::find_list(const std::string& key) {
  auto it = lists_.find(key);
  return it == lists_.end() ? nullptr : &it->second;
}

void ListModel::drop_if_empty(const std::string& key) {
  auto it = lists_.find(key);
  if (it != lists_.end() && it->second.empty()) lists_.erase(it);
}

std::string ListModel::apply(const Argv& a) {
  if (a.empty()) return "";
  std::string name = lower(a[0]);
  auto spec = specs().find(name);
  if (spec == specs().end()) {
    std::string msg = "ERR unknown command '" + a[0] + "', with args beginning with: ";
    for (size_t i = 1; i < a.size(); ++i) msg += "'" + a[i] + "' ";
    return r_err(msg);
  }
  int argc = static_cast<int>(a.size());
  int arity = spec->second.arity;
  if ((arity > 0 && argc != arity) || argc < -arity)
    return r_err("ERR wrong number of arguments for '" + name + "' command");

  if (name == "lpush") return push(a, true, false);
  if (name == "rpush") return push(a, false, false);
  if (name == "lpushx") return push(a, true, true);
  if (name == "rpushx") return push(a, false, true);
  if (name == "lpop") return pop(a, true);
  if (name == "rpop") return pop(a, false);
  if (name == "llen") {
    if (is_string(a[1])) return kWrongType;
    List* l = find_list(a[1]);
    return r_int(l ? static_cast<int64_t>(l->size()) : 0);
  }
  if (name == "lrange") return lrange(a);
  if (name == "lindex") return lindex(a);
  if (name == "lset") return lset(a);
  if (name == "linsert") return linsert(a);
  if (name == "lrem") return lrem(a);
  if (name == "ltrim") return ltrim(a);
  if (name == "lpos") return lpos(a);
  if (name == "lmove") return lmove(a);
  if (name == "rpoplpush") return move(a[1], a[2], false, true);
  if (name == "lmpop") return lmpop(a);
  if (name == "del") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) n += static_cast<int64_t>(lists_.erase(a[i]) + strings_.erase(a[i]));
    return r_int(n);
  }
  if (name == "exists") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) n += (lists_.count(a[i]) || strings_.count(a[i])) ? 1 : 0;
    return r_int(n);
  }
  if (name == "type") {
    if (lists_.count(a[1])) return "+list\r\n";
    if (strings_.count(a[1])) return "+string\r\n";
    return "+none\r\n";
  }
  if (name == "set") {
    lists_.erase(a[1]);
    strings_[a[1]] = a[2];
    return kOk;
  }
  // get
  if (lists_.count(a[1])) return kWrongType;
  auto it = strings_.find(a[1]);
  return it == strings_.end() ? kNullBulk : r_bulk(it->second);
}

std::string ListModel::push(const Argv& a, bool left, bool only_existing) {
  if (is_string(a[1])) return kWrongType;
  if (only_existing && !lists_.count(a[1])) return r_int(0);
  List& l = lists_[a[1]];
  for (size_t i = 2; i < a.size(); ++i) {
    if (left) l.push_front(a[i]);
    else l.push_back(a[i]);
  }
  return r_int(static_cast<int64_t>(l.size()));
}

std::string ListModel::pop(const Argv& a, bool left) {
  if (a.size() > 3) return r_err("ERR wrong number of arguments for '" + lower(a[0]) + "' command");
  bool has_count = a.size() == 3;
  int64_t count = 1;
  if (has_count && (!to_int(a[2], &count) || count < 0))
    return r_err("ERR value is out of range, must be positive");
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return has_count ? kNullArray : kNullBulk;
  std::vector<std::string> out;
  while (!l->empty() && static_cast<int64_t>(out.size()) < count) {
    if (left) {
      out.push_back(l->front());
      l->pop_front();
    } else {
      out.push_back(l->back());
      l->pop_back();
    }
  }
  drop_if_empty(a[1]);
  if (!has_count) return r_bulk(out[0]);
  return r_elements(out);
}

std::string ListModel::lrange(const Argv& a) {
  int64_t start, stop;
  if (!to_int(a[2], &start) || !to_int(a[3], &stop)) return kNotInt;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return r_array(0);
  int64_t n = static_cast<int64_t>(l->size());
  if (start < 0) start = std::max<int64_t>(0, start + n);
  if (stop < 0) stop += n;
  std::vector<std::string> out;
  for (int64_t i = start; i <= stop && i < n; ++i) out.push_back((*l)[static_cast<size_t>(i)]);
  return r_elements(out);
}

std::string ListModel::lindex(const Argv& a) {
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return kNullBulk;
  int64_t i;
  if (!to_int(a[2], &i)) return kNotInt;
  int64_t n = static_cast<int64_t>(l->size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return kNullBulk;
  return r_bulk((*l)[static_cast<size_t>(i)]);
}

std::string ListModel::lset(const Argv& a) {
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return r_err("ERR no such key");
  int64_t i;
  if (!to_int(a[2], &i)) return kNotInt;
  int64_t n = static_cast<int64_t>(l->size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return r_err("ERR index out of range");
  (*l)[static_cast<size_t>(i)] = a[3];
  return kOk;
}

std::string ListModel::linsert(const Argv& a) {
  bool after;
  if (same_word(a[2], "after")) after = true;
  else if (same_word(a[2], "before")) after = false;
  else return kSyntax;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return r_int(0);
  auto it = std::find(l->begin(), l->end(), a[3]);
  if (it == l->end()) return r_int(-1);
  if (after) ++it;
  l->insert(it, a[4]);
  return r_int(static_cast<int64_t>(l->size()));
}

std::string ListModel::lrem(const Argv& a) {
  int64_t count;
  if (!to_int(a[2], &count)) return kNotInt;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return r_int(0);
  int64_t removed = 0;
  if (count >= 0) {
    for (size_t i = 0; i < l->size();) {
      if ((*l)[i] == a[3] && (count == 0 || removed < count)) {
        l->erase(l->begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      } else {
        ++i;
      }
    }
  } else {
    // -count may not fit in int64 (count = INT64_MIN); compare as unsigned.
    uint64_t limit = 0 - static_cast<uint64_t>(count);
    for (size_t i = l->size(); i-- > 0;) {
      if ((*l)[i] == a[3] && static_cast<uint64_t>(removed) < limit) {
        l->erase(l->begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      }
    }
  }
  drop_if_empty(a[1]);
  return r_int(removed);
}

std::string ListModel::ltrim(const Argv& a) {
  int64_t start, stop;
  if (!to_int(a[2], &start) || !to_int(a[3], &stop)) return kNotInt;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return kOk;
  int64_t n = static_cast<int64_t>(l->size());
  if (start < 0) start = std::max<int64_t>(0, start + n);
  if (stop < 0) stop += n;
  List kept;
  for (int64_t i = start; i <= stop && i < n; ++i) kept.push_back((*l)[static_cast<size_t>(i)]);
  *l = std::move(kept);
  drop_if_empty(a[1]);
  return kOk;
}

std::string ListModel::lpos(const Argv& a) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < a.size(); ++i) {
    bool more = i + 1 < a.size();
    if (same_word(a[i], "rank") && more) {
      if (!to_int(a[++i], &rank)) return kNotInt;
      if (rank == 0)
        return r_err(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
    } else if (same_word(a[i], "count") && more) {
      if (!to_int(a[++i], &count) || count < 0) return r_err("ERR COUNT can't be negative");
    } else if (same_word(a[i], "maxlen") && more) {
      if (!to_int(a[++i], &maxlen) || maxlen < 0) return r_err("ERR MAXLEN can't be negative");
    } else {
      return kSyntax;
    }
  }
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return count == -1 ? kNullBulk : r_array(0);

  // Walk in the search direction, counting matches; the |rank|-th match
  // and those after it are results (INT64_MIN behaves as -1).
  int64_t n = static_cast<int64_t>(l->size());
  bool backwards = rank < 0;
  uint64_t first = rank == std::numeric_limits<int64_t>::min()
                       ? 1
                       : static_cast<uint64_t>(backwards ? -rank : rank);
  std::vector<int64_t> hits;
  uint64_t seen = 0;
  for (int64_t step = 0; step < n; ++step) {
    if (maxlen > 0 && step >= maxlen) break;
    int64_t i = backwards ? n - 1 - step : step;
    if ((*l)[static_cast<size_t>(i)] != a[2]) continue;
    if (++seen < first) continue;
    hits.push_back(i);
    if (count == -1 || (count > 0 && static_cast<int64_t>(hits.size()) == count)) break;
  }
  if (count == -1) return hits.empty() ? kNullBulk : r_int(hits[0]);
  std::string out = r_array(hits.size());
  for (int64_t h : hits) out += r_int(h);
  return out;
}

std::string ListModel::move(const std::string& src, const std::string& dst, bool from_left,
                            bool to_left) {
  if (is_string(src)) return kWrongType;
  List* s = find_list(src);
  if (!s) return kNullBulk;
  if (is_string(dst)) return kWrongType;
  std::string e;
  if (from_left) {
    e = s->front();
    s->pop_front();
  } else {
    e = s->back();
    s->pop_back();
  }
  List& d = lists_[dst];  // may be the same list as src
  if (to_left) d.push_front(e);
  else d.push_back(e);
  drop_if_empty(src);
  return r_bulk(e);
}

std::string ListModel::lmove(const Argv& a) {
  bool from_left, to_left;
  if (!end_word(a[3], &from_left) || !end_word(a[4], &to_left)) return kSyntax;
  return move(a[1], a[2], from_left, to_left);
}

std::string ListModel::lmpop(const Argv& a) {
  int64_t numkeys;
  if (!to_int(a[1], &numkeys) || numkeys <= 0) return r_err("ERR numkeys should be greater than 0");
  // The keys, then LEFT|RIGHT, must fit in the arguments.
  if (static_cast<uint64_t>(numkeys) > a.size() - 3) return kSyntax;
  size_t where_at = 2 + static_cast<size_t>(numkeys);
  bool left;
  if (!end_word(a[where_at], &left)) return kSyntax;
  int64_t count = 1;
  bool have_count = false;
  for (size_t i = where_at + 1; i < a.size(); ++i) {
    if (same_word(a[i], "count") && i + 1 < a.size() && !have_count) {
      if (!to_int(a[++i], &count) || count <= 0) return r_err("ERR count should be greater than 0");
      have_count = true;
    } else {
      return kSyntax;
    }
  }
  for (size_t k = 2; k < where_at; ++k) {
    if (is_string(a[k])) return kWrongType;
    List* l = find_list(a[k]);
    if (!l) continue;
    std::vector<std::string> out;
    while (!l->empty() && static_cast<int64_t>(out.size()) < count) {
      if (left) {
        out.push_back(l->front());
        l->pop_front();
      } else {
        out.push_back(l->back());
        l->pop_back();
      }
    }
    std::string reply = r_array(2) + r_bulk(a[k]) + r_elements(out);
    drop_if_empty(a[k]);
    return reply;
  }
  return kNullArray;
}

}  // namespace peregrine::models
