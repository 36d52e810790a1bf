#include "models/list_model.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "models/common.h"

namespace peregrine::models {
namespace {

bool end_word(const std::string& s, bool* left) {
  if (iequals(s, "left")) *left = true;
  else if (iequals(s, "right")) *left = false;
  else return false;
  return true;
}

struct Spec {
  int arity;  // > 0 exact, < 0 at least -arity
};

const std::map<std::string, Spec, std::less<>>& specs() {
  static const std::map<std::string, Spec, std::less<>> table = {
      {"lpush", {-3}},   {"rpush", {-3}},  {"lpushx", {-3}},    {"rpushx", {-3}},
      {"lpop", {-2}},    {"rpop", {-2}},   {"llen", {2}},       {"lrange", {4}},
      {"lindex", {3}},   {"lset", {4}},    {"linsert", {5}},    {"lrem", {4}},
      {"ltrim", {4}},    {"lpos", {-3}},   {"lmove", {5}},      {"lmovem", {-5}},     {"rpoplpush", {3}},
      {"lmpop", {-4}},   {"del", {-2}},    {"unlink", {-2}}, {"exists", {-2}},    {"type", {2}},
      {"set", {3}},      {"get", {2}},    {"rename", {3}},    {"renamenx", {3}},
      {"copy", {-3}},
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
  if (spec == specs().end()) return unknown_command(a);
  int argc = static_cast<int>(a.size());
  int arity = spec->second.arity;
  if ((arity > 0 && argc != arity) || argc < -arity) return arity_error(name);

  if (name == "lpush") return push(a, true, false);
  if (name == "rpush") return push(a, false, false);
  if (name == "lpushx") return push(a, true, true);
  if (name == "rpushx") return push(a, false, true);
  if (name == "lpop") return pop(a, true);
  if (name == "rpop") return pop(a, false);
  if (name == "llen") {
    if (is_string(a[1])) return kWrongType;
    List* l = find_list(a[1]);
    return integer(l ? static_cast<int64_t>(l->size()) : 0);
  }
  if (name == "lrange") return lrange(a);
  if (name == "lindex") return lindex(a);
  if (name == "lset") return lset(a);
  if (name == "linsert") return linsert(a);
  if (name == "lrem") return lrem(a);
  if (name == "ltrim") return ltrim(a);
  if (name == "lpos") return lpos(a);
  if (name == "lmove") return lmove(a);
  if (name == "lmovem") return lmovem(a);
  if (name == "rpoplpush") return move(a[1], a[2], false, true);
  if (name == "lmpop") return lmpop(a);
  if (name == "del" || name == "unlink") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) n += static_cast<int64_t>(lists_.erase(a[i]) + strings_.erase(a[i]));
    return integer(n);
  }
  if (name == "exists") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) n += (lists_.count(a[i]) || strings_.count(a[i])) ? 1 : 0;
    return integer(n);
  }
  if (name == "type") {
    if (lists_.count(a[1])) return "+list\r\n";
    if (strings_.count(a[1])) return "+string\r\n";
    return "+none\r\n";
  }
  if (name == "rename" || name == "renamenx") {
    const bool nx = name == "renamenx";
    if (!lists_.count(a[1]) && !strings_.count(a[1])) return "-ERR no such key\r\n";
    if (a[1] == a[2]) return nx ? integer(0) : kOk;
    if (nx && (lists_.count(a[2]) || strings_.count(a[2]))) return integer(0);
    lists_.erase(a[2]);
    strings_.erase(a[2]);
    if (auto l = lists_.find(a[1]); l != lists_.end()) {
      lists_[a[2]] = std::move(l->second);
      lists_.erase(a[1]);
    } else {
      strings_[a[2]] = std::move(strings_[a[1]]);
      strings_.erase(a[1]);
    }
    return nx ? integer(1) : kOk;
  }
  if (name == "copy") {
    // COPY source destination [REPLACE] (no DB option in this model).
    bool replace = false;
    for (size_t i = 3; i < a.size(); ++i) {
      if (lower(a[i]) != "replace") return "-ERR syntax error\r\n";
      replace = true;
    }
    if (a[1] == a[2]) return "-ERR source and destination objects are the same\r\n";
    if (!lists_.count(a[1]) && !strings_.count(a[1])) return integer(0);
    if (lists_.count(a[2]) || strings_.count(a[2])) {
      if (!replace) return integer(0);
      lists_.erase(a[2]);
      strings_.erase(a[2]);
    }
    if (lists_.count(a[1])) {
      lists_[a[2]] = lists_[a[1]];
    } else {
      strings_[a[2]] = strings_[a[1]];
    }
    return integer(1);
  }
  if (name == "set") {
    lists_.erase(a[1]);
    strings_[a[1]] = a[2];
    return kOk;
  }
  // get
  if (lists_.count(a[1])) return kWrongType;
  auto it = strings_.find(a[1]);
  return it == strings_.end() ? kNullBulk : bulk(it->second);
}

std::string ListModel::push(const Argv& a, bool left, bool only_existing) {
  if (is_string(a[1])) return kWrongType;
  if (only_existing && !lists_.count(a[1])) return integer(0);
  List& l = lists_[a[1]];
  for (size_t i = 2; i < a.size(); ++i) {
    if (left) l.push_front(a[i]);
    else l.push_back(a[i]);
  }
  return integer(static_cast<int64_t>(l.size()));
}

std::string ListModel::pop(const Argv& a, bool left) {
  if (a.size() > 3) return arity_error(lower(a[0]));
  bool has_count = a.size() == 3;
  int64_t count = 1;
  if (has_count && (!parse_int64(a[2], &count) || count < 0))
    return error("ERR value is out of range, must be positive");
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
  if (!has_count) return bulk(out[0]);
  return bulk_array(out);
}

std::string ListModel::lrange(const Argv& a) {
  int64_t start, stop;
  if (!parse_int64(a[2], &start) || !parse_int64(a[3], &stop)) return kNotInteger;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return array_header(0);
  int64_t n = static_cast<int64_t>(l->size());
  if (start < 0) start = std::max<int64_t>(0, start + n);
  if (stop < 0) stop += n;
  std::vector<std::string> out;
  for (int64_t i = start; i <= stop && i < n; ++i) out.push_back((*l)[static_cast<size_t>(i)]);
  return bulk_array(out);
}

std::string ListModel::lindex(const Argv& a) {
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return kNullBulk;
  int64_t i;
  if (!parse_int64(a[2], &i)) return kNotInteger;
  int64_t n = static_cast<int64_t>(l->size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return kNullBulk;
  return bulk((*l)[static_cast<size_t>(i)]);
}

std::string ListModel::lset(const Argv& a) {
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return error("ERR no such key");
  int64_t i;
  if (!parse_int64(a[2], &i)) return kNotInteger;
  int64_t n = static_cast<int64_t>(l->size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return error("ERR index out of range");
  (*l)[static_cast<size_t>(i)] = a[3];
  return kOk;
}

std::string ListModel::linsert(const Argv& a) {
  bool after;
  if (iequals(a[2], "after")) after = true;
  else if (iequals(a[2], "before")) after = false;
  else return kSyntaxError;
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return integer(0);
  auto it = std::find(l->begin(), l->end(), a[3]);
  if (it == l->end()) return integer(-1);
  if (after) ++it;
  l->insert(it, a[4]);
  return integer(static_cast<int64_t>(l->size()));
}

std::string ListModel::lrem(const Argv& a) {
  int64_t count;
  if (!parse_int64(a[2], &count)) return kNotInteger;
  if (count == std::numeric_limits<int64_t>::min())
    return range_error(-std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max());
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return integer(0);
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
  return integer(removed);
}

std::string ListModel::ltrim(const Argv& a) {
  int64_t start, stop;
  if (!parse_int64(a[2], &start) || !parse_int64(a[3], &stop)) return kNotInteger;
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
    if (iequals(a[i], "rank") && more) {
      if (!parse_int64(a[++i], &rank)) return kNotInteger;
      if (rank == std::numeric_limits<int64_t>::min())
        return range_error(-std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max());
      if (rank == 0)
        return error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
    } else if (iequals(a[i], "count") && more) {
      if (!parse_int64(a[++i], &count) || count < 0) return error("ERR COUNT can't be negative");
    } else if (iequals(a[i], "maxlen") && more) {
      if (!parse_int64(a[++i], &maxlen) || maxlen < 0) return error("ERR MAXLEN can't be negative");
    } else {
      return kSyntaxError;
    }
  }
  if (is_string(a[1])) return kWrongType;
  List* l = find_list(a[1]);
  if (!l) return count == -1 ? kNullBulk : array_header(0);

  // Walk in the search direction, counting matches; the |rank|-th match
  // and those after it are results.
  int64_t n = static_cast<int64_t>(l->size());
  bool backwards = rank < 0;
  auto first = static_cast<uint64_t>(backwards ? -rank : rank);
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
  if (count == -1) return hits.empty() ? kNullBulk : integer(hits[0]);
  std::string out = array_header(hits.size());
  for (int64_t h : hits) out += integer(h);
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
  return bulk(e);
}

std::string ListModel::lmove(const Argv& a) {
  bool from_left, to_left;
  if (!end_word(a[3], &from_left) || !end_word(a[4], &to_left)) return kSyntaxError;
  return move(a[1], a[2], from_left, to_left);
}

// LMOVEM, written as its definition reads: OBO pops the elements one by one
// and then pushes them one by one; BULK cuts the run of elements at the
// source end out and splices it in at the destination end. The reply is read
// back from the destination: the moved run, head to tail.
std::string ListModel::lmovem(const Argv& a) {
  bool from_left, to_left;
  if (!end_word(a[3], &from_left) || !end_word(a[4], &to_left)) return kSyntaxError;
  size_t count = 1;
  bool exactly = false, bulk_order = false;
  if (a.size() != 5) {
    if (a.size() != 8) return kSyntaxError;
    const bool by_count = iequals(a[5], "count");
    exactly = iequals(a[5], "exactly");
    bulk_order = iequals(a[7], "bulk");
    if ((!by_count && !exactly) || (!bulk_order && !iequals(a[7], "obo"))) return kSyntaxError;
    int64_t n;
    if (!parse_int64(a[6], &n) || n <= 0) return error("ERR count should be greater than 0");
    count = static_cast<size_t>(n);
  }
  if (is_string(a[1])) return kWrongType;
  List* s = find_list(a[1]);
  if (!s || (exactly && s->size() < count)) return exactly ? kNullBulk : array_header(0);
  if (is_string(a[2])) return kWrongType;
  const size_t k = std::min(count, s->size());
  List& d = lists_[a[2]];  // may be the same list as the source
  if (bulk_order) {
    auto first = from_left ? s->begin() : s->end() - static_cast<std::ptrdiff_t>(k);
    List run(first, first + static_cast<std::ptrdiff_t>(k));
    s->erase(first, first + static_cast<std::ptrdiff_t>(k));
    d.insert(to_left ? d.begin() : d.end(), run.begin(), run.end());
  } else {
    std::vector<std::string> popped;
    for (size_t i = 0; i < k; ++i) {
      popped.push_back(from_left ? s->front() : s->back());
      if (from_left) s->pop_front();
      else s->pop_back();
    }
    for (const std::string& e : popped) {
      if (to_left) d.push_front(e);
      else d.push_back(e);
    }
  }
  auto run = to_left ? d.begin() : d.end() - static_cast<std::ptrdiff_t>(k);
  std::string out = array_header(k);
  for (size_t i = 0; i < k; ++i) out += bulk(run[static_cast<std::ptrdiff_t>(i)]);
  drop_if_empty(a[1]);
  return out;
}

std::string ListModel::lmpop(const Argv& a) {
  int64_t numkeys;
  if (!parse_int64(a[1], &numkeys) || numkeys <= 0) {
    return error("ERR numkeys should be greater than 0");
  }
  // The keys, then LEFT|RIGHT, must fit in the arguments.
  if (static_cast<uint64_t>(numkeys) > a.size() - 3) return kSyntaxError;
  size_t where_at = 2 + static_cast<size_t>(numkeys);
  bool left;
  if (!end_word(a[where_at], &left)) return kSyntaxError;
  int64_t count = 1;
  bool have_count = false;
  for (size_t i = where_at + 1; i < a.size(); ++i) {
    if (iequals(a[i], "count") && i + 1 < a.size() && !have_count) {
      if (!parse_int64(a[++i], &count) || count <= 0) {
        return error("ERR count should be greater than 0");
      }
      have_count = true;
    } else {
      return kSyntaxError;
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
    std::string reply = array_header(2) + bulk(a[k]) + bulk_array(out);
    drop_if_empty(a[k]);
    return reply;
  }
  return kNullArray;
}

}  // namespace peregrine::models
