// Reference model of the sorted-set commands; see zset_model.h. Nothing from
// src/ may be used here: what the models share is in models/common.h.
#include "models/zset_model.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "models/common.h"

namespace peregrine::models {
namespace {

constexpr size_t kListpackEntries = 128;  // zset-max-listpack-entries default
constexpr size_t kListpackValue = 64;     // zset-max-listpack-value default

// Range kinds, directions, set operations and pop reply shapes, as ints.
constexpr int kAuto = 0, kRank = 1, kScore = 2, kLex = 3;
constexpr int kForward = 1, kReverse = 2;
constexpr int kUnion = 0, kInter = 1, kDiff = 2;
constexpr int kShapeFlat = 0, kShapeKeyPairs = 1;

// ------------------------------------------------------------ replies

const std::string kScoreRangeError = error("ERR min or max is not a float");
const std::string kLexRangeError = error("ERR min or max not valid string range item");

// Scores as Redis 7.2+ replies show them (common.h's format_double).
std::string score_text(double d) { return format_double(d); }
std::string score_bulk(double d) { return bulk(score_text(d)); }

// ------------------------------------------------------------ parsing

// A score or weight argument: read in full by strtod, no leading space, no
// NaN, no overflow to infinity or underflow to zero while reading.
bool parse_score(const std::string& s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

struct ScoreBound {
  double value = 0;
  bool exclusive = false;
};

// One end of a score interval: "(" for exclusive, then whatever strtod reads
// up to the end of the text (leading spaces and "" included), not NaN.
bool parse_score_bound(const std::string& s, ScoreBound* b) {
  std::string text = s;
  b->exclusive = !text.empty() && text[0] == '(';
  if (b->exclusive) text.erase(0, 1);
  char* end = nullptr;
  b->value = std::strtod(text.c_str(), &end);
  return *end == '\0' && !std::isnan(b->value);
}

struct LexEnd {
  int kind = 0;  // -1: "-", +1: "+", 0: text
  std::string text;
  bool exclusive = false;
};

bool parse_lex_end(const std::string& s, LexEnd* e) {
  if (s.empty()) return false;
  if (s == "-") {
    e->kind = -1;
    return true;
  }
  if (s == "+") {
    e->kind = 1;
    return true;
  }
  if (s[0] != '(' && s[0] != '[') return false;
  e->kind = 0;
  e->exclusive = s[0] == '(';
  e->text = s.substr(1);
  return true;
}

bool above_min(double v, const ScoreBound& min) {
  return min.exclusive ? v > min.value : v >= min.value;
}
bool below_max(double v, const ScoreBound& max) {
  return max.exclusive ? v < max.value : v <= max.value;
}
bool above_min(const std::string& m, const LexEnd& min) {
  if (min.kind != 0) return min.kind < 0;
  return min.exclusive ? m > min.text : m >= min.text;
}
bool below_max(const std::string& m, const LexEnd& max) {
  if (max.kind != 0) return max.kind > 0;
  return max.exclusive ? m < max.text : m <= max.text;
}

// Reply of members (and scores), flat, as RESP2 shows it.
std::string items_reply(const std::vector<std::pair<std::string, double>>& items, bool withscores) {
  std::string out = array_header(withscores ? items.size() * 2 : items.size());
  for (const auto& [m, s] : items) {
    out += bulk(m);
    if (withscores) out += score_bulk(s);
  }
  return out;
}

// The arity of each command (Redis convention: -N means at least N).
const std::map<std::string, int>& arities() {
  static const std::map<std::string, int> t = {{"zadd", -4},
                                               {"zincrby", 4},
                                               {"zrem", -3},
                                               {"zcard", 2},
                                               {"zscore", 3},
                                               {"zmscore", -3},
                                               {"zrank", -3},
                                               {"zrevrank", -3},
                                               {"zcount", 4},
                                               {"zlexcount", 4},
                                               {"zrange", -4},
                                               {"zrangestore", -5},
                                               {"zrevrange", -4},
                                               {"zrangebyscore", -4},
                                               {"zrevrangebyscore", -4},
                                               {"zrangebylex", -4},
                                               {"zrevrangebylex", -4},
                                               {"zremrangebyrank", 4},
                                               {"zremrangebyscore", 4},
                                               {"zremrangebylex", 4},
                                               {"zpopmin", -2},
                                               {"zpopmax", -2},
                                               {"zmpop", -4},
                                               {"zmove", -4},
                                               {"zmovemember", -6},
                                               {"zunion", -3},
                                               {"zinter", -3},
                                               {"zdiff", -3},
                                               {"zunionstore", -4},
                                               {"zinterstore", -4},
                                               {"zdiffstore", -4},
                                               {"zintercard", -3},
                                               {"del", -2},
                                               {"exists", -2},
                                               {"type", 2},
                                               {"set", -3},
                                               {"object", -2}};
  return t;
}

}  // namespace

bool ZSetModel::supports(std::string_view lower_name) {
  return arities().count(std::string(lower_name)) != 0;
}

// ------------------------------------------------------------ storage

void ZSetModel::remove(const std::string& key) {
  zsets_.erase(key);
  strings_.erase(key);
}

void ZSetModel::put(ZEntry& e, const std::string& member, double score) {
  const bool fresh = e.members.count(member) == 0;
  if (!e.skiplist && fresh &&
      (e.members.size() + 1 > kListpackEntries || member.size() > kListpackValue)) {
    e.skiplist = true;
  }
  // A listpack keeps scores as text, where -0 comes back as 0.
  if (!e.skiplist && score == 0) score = 0;
  e.members[member] = score;
}

std::vector<ZSetModel::Item> ZSetModel::sorted(const Members& m) {
  std::vector<Item> v(m.begin(), m.end());
  std::sort(v.begin(), v.end(), [](const Item& a, const Item& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return v;
}

void ZSetModel::store(const std::string& dst, const std::vector<Item>& items) {
  remove(dst);
  if (items.empty()) return;
  ZEntry e;
  size_t longest = 0;
  for (const auto& it : items) longest = std::max(longest, it.first.size());
  e.skiplist = items.size() > kListpackEntries || longest > kListpackValue;
  for (const auto& [m, s] : items) e.members[m] = (!e.skiplist && s == 0) ? 0.0 : s;
  zsets_[dst] = std::move(e);
}

// ------------------------------------------------------------ ZADD

std::string ZSetModel::zadd_generic(const Argv& a, size_t first, bool nx, bool xx, bool gt, bool lt,
                                    bool ch, bool incr) {
  const std::string& key = a[1];
  const size_t rest = a.size() - first;
  if (rest == 0 || rest % 2 != 0) return kSyntaxError;
  if (nx && xx) return error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && rest > 2) return error("ERR INCR option supports a single increment-element pair");
  std::vector<double> scores;
  for (size_t i = first; i < a.size(); i += 2) {
    double s;
    if (!parse_score(a[i], &s)) return kNotFloat;
    scores.push_back(s);
  }
  if (is_string(key)) return kWrongType;
  if (!is_zset(key)) {
    if (xx) return incr ? kNullBulk : integer(0);
    zsets_[key] = ZEntry{};
  }
  ZEntry& e = zsets_[key];
  // Redis 7.2 reads the pair count and the longest member as a size hint:
  // a listpack that could not hold them becomes a skiplist before any
  // member is looked at.
  size_t longest = 0;
  for (size_t i = first + 1; i < a.size(); i += 2) longest = std::max(longest, a[i].size());
  if (scores.size() > kListpackEntries || longest > kListpackValue) e.skiplist = true;
  int64_t added = 0, updated = 0, processed = 0;
  double last = 0;
  std::string result;
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::string& m = a[first + 2 * i + 1];
    double s = scores[i];
    auto it = e.members.find(m);
    if (it != e.members.end()) {
      if (nx) continue;
      double cur = it->second;
      if (incr) {
        s += cur;
        if (std::isnan(s)) {
          result = error("ERR resulting score is not a number (NaN)");
          break;
        }
      }
      if ((gt && s <= cur) || (lt && s >= cur)) continue;
      ++processed;
      last = s;
      if (s != cur) {
        put(e, m, s);
        ++updated;
      }
    } else {
      if (xx) continue;
      put(e, m, s);
      ++added;
      ++processed;
      last = s;
    }
  }
  if (e.members.empty()) zsets_.erase(key);
  if (!result.empty()) return result;
  if (incr) return processed ? score_bulk(last) : kNullBulk;
  return integer(ch ? added + updated : added);
}

// ------------------------------------------------------------ ranges

std::string ZSetModel::zrange_generic(const Argv& a, size_t src, bool store_mode, int kind,
                                      int dir) {
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t i = src + 3; i < a.size(); ++i) {
    const size_t left = a.size() - i - 1;
    if (!store_mode && iequals(a[i], "withscores")) {
      withscores = true;
    } else if (iequals(a[i], "limit") && left >= 2) {
      if (!parse_int64(a[i + 1], &offset) || !parse_int64(a[i + 2], &limit)) return kNotInteger;
      i += 2;
    } else if (dir == kAuto && iequals(a[i], "rev")) {
      dir = kReverse;
    } else if (kind == kAuto && iequals(a[i], "bylex")) {
      kind = kLex;
    } else if (kind == kAuto && iequals(a[i], "byscore")) {
      kind = kScore;
    } else {
      return kSyntaxError;
    }
  }
  if (dir == kAuto) dir = kForward;
  if (kind == kAuto) kind = kRank;
  const bool rev = dir == kReverse;
  if (limit != -1 && kind == kRank) {
    return error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withscores && kind == kLex) {
    return error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  std::string lo_arg = a[src + 1], hi_arg = a[src + 2];
  if (rev && kind != kRank) std::swap(lo_arg, hi_arg);
  int64_t start = 0, end = 0;
  ScoreBound smin, smax;
  LexEnd lmin, lmax;
  if (kind == kRank) {
    if (!parse_int64(lo_arg, &start) || !parse_int64(hi_arg, &end)) return kNotInteger;
  } else if (kind == kScore) {
    if (!parse_score_bound(lo_arg, &smin) || !parse_score_bound(hi_arg, &smax)) {
      return kScoreRangeError;
    }
  } else {
    if (!parse_lex_end(lo_arg, &lmin) || !parse_lex_end(hi_arg, &lmax)) return kLexRangeError;
  }
  const std::string& key = a[src];
  if (is_string(key)) return kWrongType;
  std::vector<Item> out;
  if (is_zset(key)) {
    std::vector<Item> all = sorted(zsets_[key].members);
    if (rev) std::reverse(all.begin(), all.end());
    const int64_t len = static_cast<int64_t>(all.size());
    if (kind == kRank) {
      if (start < 0) start += len;
      if (end < 0) end += len;
      if (start < 0) start = 0;
      if (start <= end && start < len) {
        if (end >= len) end = len - 1;
        out.assign(all.begin() + start, all.begin() + end + 1);
      }
    } else {
      std::vector<Item> in;
      for (const Item& it : all) {
        bool inside = kind == kScore ? above_min(it.second, smin) && below_max(it.second, smax)
                                     : above_min(it.first, lmin) && below_max(it.first, lmax);
        if (inside) in.push_back(it);
      }
      // A negative offset -k finds nothing in a listpack; in a skiplist
      // (Redis 7.2+) it starts k members before the end of the range as
      // walked: forwards the last k, in reverse the k lowest.
      int64_t first = offset;
      if (offset < 0) first = zsets_[key].skiplist ? static_cast<int64_t>(in.size()) + offset : -1;
      if (first >= 0) {
        for (int64_t i = first; i < static_cast<int64_t>(in.size()); ++i) {
          if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
          out.push_back(in[static_cast<size_t>(i)]);
        }
      }
    }
  }
  if (store_mode) {
    // Redis adds the members to the destination one at a time, in the
    // order the range yields them, to a set that starts as a listpack
    // unless a rank range is longer than the listpack limit (the length of
    // a score or lex range is not known ahead); put() converts it when a
    // member passes a limit, and drops -0 signs while it is a listpack.
    remove(a[1]);
    if (!out.empty()) {
      ZEntry e;
      e.skiplist = kind == kRank && out.size() > kListpackEntries;
      for (const auto& [m, s] : out) put(e, m, s);
      zsets_[a[1]] = std::move(e);
    }
    return integer(static_cast<int64_t>(out.size()));
  }
  return items_reply(out, withscores);
}

// ------------------------------------------------------------ algebra

std::string ZSetModel::zsetop(const Argv& a, bool store_mode, size_t numkeys_idx, int op,
                              bool card) {
  int64_t numkeys = 0;
  if (!parse_int64(a[numkeys_idx], &numkeys)) return kNotInteger;
  if (numkeys < 1) {
    return error("ERR at least 1 input key is needed for '" + lower(a[0]) + "' command");
  }
  if (numkeys > static_cast<int64_t>(a.size() - numkeys_idx - 1)) return kSyntaxError;
  struct Src {
    const Members* m = nullptr;
    double weight = 1;
  };
  std::vector<Src> srcs(static_cast<size_t>(numkeys));
  size_t i = numkeys_idx + 1;
  for (Src& s : srcs) {
    const std::string& key = a[i++];
    if (is_string(key)) return kWrongType;
    if (is_zset(key)) s.m = &zsets_[key].members;
  }
  int agg = 0;  // 0 sum, 1 min, 2 max, 3 count (each holder adds its weight)
  bool withscores = false;
  int64_t limit = 0;
  const bool weighted = op != kDiff && !card;
  while (i < a.size()) {
    const size_t remaining = a.size() - i;
    if (weighted && remaining >= srcs.size() + 1 && iequals(a[i], "weights")) {
      ++i;
      for (Src& s : srcs) {
        if (!parse_score(a[i++], &s.weight)) return error("ERR weight value is not a float");
      }
    } else if (weighted && remaining >= 2 && iequals(a[i], "aggregate")) {
      if (iequals(a[i + 1], "sum"))
        agg = 0;
      else if (iequals(a[i + 1], "min"))
        agg = 1;
      else if (iequals(a[i + 1], "max"))
        agg = 2;
      else if (iequals(a[i + 1], "count"))
        agg = 3;
      else
        return kSyntaxError;
      i += 2;
    } else if (!store_mode && !card && iequals(a[i], "withscores")) {
      withscores = true;
      ++i;
    } else if (card && remaining >= 2 && iequals(a[i], "limit")) {
      if (!parse_int64(a[i + 1], &limit) || limit < 0) return error("ERR LIMIT can't be negative");
      i += 2;
    } else {
      return kSyntaxError;
    }
  }
  auto size_of = [](const Src& s) { return s.m ? s.m->size() : 0; };
  auto combine = [agg](double* t, double v) {
    if (agg == 0 || agg == 3) {
      *t += v;
      if (std::isnan(*t)) *t = 0;
    } else if (agg == 1) {
      if (v < *t) *t = v;
    } else {
      if (v > *t) *t = v;
    }
  };
  // The value an input of weight w adds for a member it scores s. A NaN
  // (inf * 0) counts as 0 in a union, and for the first input of an
  // intersection; the later inputs of an intersection add it as it is.
  auto weigh = [agg](double w, double s) { return agg == 3 ? w : w * s; };
  auto weigh_first = [&weigh](double w, double s) {
    const double v = weigh(w, s);
    return std::isnan(v) ? 0.0 : v;
  };
  Members result;
  if (op == kDiff) {
    if (srcs[0].m) {
      for (const auto& [m, s] : *srcs[0].m) {
        bool elsewhere = false;
        for (size_t j = 1; j < srcs.size(); ++j) {
          if (srcs[j].m && srcs[j].m->count(m)) elsewhere = true;
        }
        if (!elsewhere) result[m] = s;
      }
    }
  } else {
    std::stable_sort(srcs.begin(), srcs.end(),
                     [&](const Src& x, const Src& y) { return size_of(x) < size_of(y); });
    if (op == kInter) {
      int64_t count = 0;
      if (size_of(srcs[0]) > 0) {
        for (const Item& it : sorted(*srcs[0].m)) {
          double total = weigh_first(srcs[0].weight, it.second);
          bool everywhere = true;
          for (size_t j = 1; j < srcs.size() && everywhere; ++j) {
            auto f = srcs[j].m ? srcs[j].m->find(it.first) : Members::const_iterator();
            if (!srcs[j].m || f == srcs[j].m->end()) {
              everywhere = false;
            } else {
              combine(&total, weigh(srcs[j].weight, f->second));
            }
          }
          if (!everywhere) continue;
          ++count;
          result[it.first] = total;
          if (card && limit > 0 && count >= limit) break;
        }
      }
      if (card) return integer(count);
    } else {
      for (const Src& s : srcs) {
        if (!s.m) continue;
        for (const Item& it : sorted(*s.m)) {
          const double v = weigh_first(s.weight, it.second);
          auto f = result.find(it.first);
          if (f == result.end())
            result[it.first] = v;
          else
            combine(&f->second, v);
        }
      }
    }
  }
  std::vector<Item> items = sorted(result);
  if (store_mode) {
    store(a[1], items);
    return integer(static_cast<int64_t>(items.size()));
  }
  return items_reply(items, withscores);
}

// ------------------------------------------------------------ popping

std::string ZSetModel::pop(const std::string& key, bool max, int64_t count, int shape) {
  ZEntry& e = zsets_[key];
  std::vector<Item> all = sorted(e.members);
  if (max) std::reverse(all.begin(), all.end());
  const size_t n =
      static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(all.size())));
  std::string out;
  if (shape == kShapeFlat) {
    out = array_header(2 * n);
  } else {
    out = array_header(2) + bulk(key) + array_header(n);
  }
  for (size_t i = 0; i < n; ++i) {
    if (shape == kShapeKeyPairs) out += array_header(2);
    out += bulk(all[i].first) + score_bulk(all[i].second);
    e.members.erase(all[i].first);
  }
  if (e.members.empty()) zsets_.erase(key);
  return out;
}

// ------------------------------------------------------------ ZMOVE / ZMOVEMEMBER

// ZMOVE src dst MIN | MAX | BYSCORE min max [COUNT n] and
// ZMOVEMEMBER src dst [NX | XX] MEMBERS n member...: the chosen members of
// src, with their scores, go to dst (created when missing; src deleted when
// empty); the reply lists them in the order moved, or is a null array when
// none moved. Arguments first, then: same key -> null (WRONGTYPE if it is a
// string), missing src -> null, a string at src or dst -> WRONGTYPE.
std::string ZSetModel::move(const Argv& a, bool named) {
  std::vector<Item> chosen;  // filled once the keys are checked
  bool nx = false, xx = false, max = false, byscore = false;
  int64_t count = 1;
  bool count_given = false;
  ScoreBound lo, hi;
  size_t first = 0, n = 0;
  if (named) {
    size_t pos = 3;
    if (iequals(a[3], "nx")) nx = true;
    if (iequals(a[3], "xx")) xx = true;
    if (nx || xx) ++pos;
    if (!iequals(a[pos], "members")) {
      return error("ERR Mandatory argument MEMBERS is missing or not at the right position");
    }
    if (pos + 1 >= a.size()) return arity_error("zmovemember");
    int64_t k = 0;
    if (!parse_int64(a[pos + 1], &k) || k < 1) {
      return error("ERR Number of members must be a positive integer");
    }
    if (static_cast<uint64_t>(k) != a.size() - pos - 2) {
      return error("ERR The `nummembers` parameter must match the number of arguments");
    }
    first = pos + 2;
    n = static_cast<size_t>(k);
  } else {
    size_t i = 4;
    if (iequals(a[3], "min")) {
      max = false;
    } else if (iequals(a[3], "max")) {
      max = true;
    } else if (iequals(a[3], "byscore") && a.size() >= 6) {
      byscore = true;
      if (!parse_score_bound(a[4], &lo) || !parse_score_bound(a[5], &hi)) return kScoreRangeError;
      i = 6;
    } else {
      return kSyntaxError;
    }
    if (i != a.size()) {
      if (i + 2 != a.size() || !iequals(a[i], "count")) return kSyntaxError;
      if (!parse_int64(a[i + 1], &count) || count <= 0) {
        return error("ERR count should be greater than 0");
      }
      count_given = true;
    }
  }
  const std::string& src = a[1];
  const std::string& dst = a[2];
  if (is_string(src)) return kWrongType;
  if (src == dst || !is_zset(src)) return kNullArray;
  if (is_string(dst)) return kWrongType;

  const Members& from = zsets_[src].members;
  if (named) {
    std::set<std::string> seen;
    for (size_t j = first; j < first + n; ++j) {
      const std::string& m = a[j];
      if (!seen.insert(m).second) continue;
      auto it = from.find(m);
      if (it == from.end()) continue;
      const bool in_dst = is_zset(dst) && zsets_[dst].members.count(m) != 0;
      if ((nx && in_dst) || (xx && !in_dst)) continue;
      chosen.emplace_back(m, it->second);
    }
  } else {
    std::vector<Item> all = sorted(from);
    if (max) std::reverse(all.begin(), all.end());
    for (const Item& it : all) {
      if (byscore && !(above_min(it.second, lo) && below_max(it.second, hi))) continue;
      if ((!byscore || count_given) && static_cast<int64_t>(chosen.size()) == count) break;
      chosen.push_back(it);
    }
  }
  if (chosen.empty()) return kNullArray;
  for (const Item& it : chosen) zsets_[src].members.erase(it.first);
  if (zsets_[src].members.empty()) zsets_.erase(src);
  ZEntry& to = zsets_[dst];
  std::string out = array_header(chosen.size());
  for (const auto& [m, score] : chosen) {
    put(to, m, score);
    out += bulk(m);
  }
  return out;
}

// ------------------------------------------------------------ dispatch

std::string ZSetModel::apply(const std::vector<std::string>& a) {
  if (a.empty()) return "";
  const std::string name = lower(a[0]);
  auto ar = arities().find(name);
  if (ar == arities().end()) return unknown_command(a);
  const int arity = ar->second;
  const auto argc = static_cast<int>(a.size());
  if ((arity > 0 && argc != arity) || (arity < 0 && argc < -arity)) return arity_error(name);

  // ---- keys
  if (name == "del" || name == "exists") {
    int64_t n = 0;
    for (size_t i = 1; i < a.size(); ++i) {
      if (exists(a[i])) {
        ++n;
        if (name == "del") remove(a[i]);
      }
    }
    return integer(n);
  }
  if (name == "type") {
    if (is_zset(a[1])) return "+zset\r\n";
    if (is_string(a[1])) return "+string\r\n";
    return "+none\r\n";
  }
  if (name == "set") {
    if (a.size() != 3) return kSyntaxError;  // options are not modelled
    remove(a[1]);
    strings_[a[1]] = a[2];
    return kOk;
  }
  if (name == "object") {
    if (!iequals(a[1], "encoding") || a.size() != 3) return kSyntaxError;
    if (is_zset(a[2])) return bulk(zsets_[a[2]].skiplist ? "skiplist" : "listpack");
    if (is_string(a[2])) return kSyntaxError;  // string encodings are not modelled
    return kNullBulk;
  }

  // ---- adding
  if (name == "zadd") {
    bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
    size_t i = 2;
    for (; i < a.size(); ++i) {
      if (iequals(a[i], "nx"))
        nx = true;
      else if (iequals(a[i], "xx"))
        xx = true;
      else if (iequals(a[i], "gt"))
        gt = true;
      else if (iequals(a[i], "lt"))
        lt = true;
      else if (iequals(a[i], "ch"))
        ch = true;
      else if (iequals(a[i], "incr"))
        incr = true;
      else
        break;
    }
    return zadd_generic(a, i, nx, xx, gt, lt, ch, incr);
  }
  if (name == "zincrby") return zadd_generic(a, 2, false, false, false, false, false, true);

  // ---- single-key reads and removals
  const std::string& key = a[1];
  if (name == "zrem") {
    if (is_string(key)) return kWrongType;
    if (!is_zset(key)) return integer(0);
    int64_t n = 0;
    for (size_t i = 2; i < a.size(); ++i)
      n += static_cast<int64_t>(zsets_[key].members.erase(a[i]));
    if (zsets_[key].members.empty()) zsets_.erase(key);
    return integer(n);
  }
  if (name == "zcard") {
    if (is_string(key)) return kWrongType;
    return integer(is_zset(key) ? static_cast<int64_t>(zsets_[key].members.size()) : 0);
  }
  if (name == "zscore" || name == "zmscore") {
    if (is_string(key)) return kWrongType;
    std::string out = name == "zmscore" ? array_header(a.size() - 2) : "";
    for (size_t i = 2; i < a.size(); ++i) {
      const Members* m = is_zset(key) ? &zsets_[key].members : nullptr;
      auto f = m ? m->find(a[i]) : Members::const_iterator();
      out += (m && f != m->end()) ? score_bulk(f->second) : kNullBulk;
    }
    return out;
  }
  if (name == "zrank" || name == "zrevrank") {
    if (a.size() > 4) return arity_error(name);
    bool withscore = false;
    if (a.size() == 4) {
      if (!iequals(a[3], "withscore")) return kSyntaxError;
      withscore = true;
    }
    if (is_string(key)) return kWrongType;
    const std::string missing = withscore ? kNullArray : kNullBulk;
    if (!is_zset(key)) return missing;
    std::vector<Item> all = sorted(zsets_[key].members);
    if (name == "zrevrank") std::reverse(all.begin(), all.end());
    for (size_t r = 0; r < all.size(); ++r) {
      if (all[r].first != a[2]) continue;
      if (!withscore) return integer(static_cast<int64_t>(r));
      return array_header(2) + integer(static_cast<int64_t>(r)) + score_bulk(all[r].second);
    }
    return missing;
  }
  if (name == "zcount" || name == "zlexcount" || name == "zremrangebyscore" ||
      name == "zremrangebylex") {
    const bool by_score = name == "zcount" || name == "zremrangebyscore";
    ScoreBound smin, smax;
    LexEnd lmin, lmax;
    if (by_score) {
      if (!parse_score_bound(a[2], &smin) || !parse_score_bound(a[3], &smax)) {
        return kScoreRangeError;
      }
    } else if (!parse_lex_end(a[2], &lmin) || !parse_lex_end(a[3], &lmax)) {
      return kLexRangeError;
    }
    if (is_string(key)) return kWrongType;
    if (!is_zset(key)) return integer(0);
    std::vector<std::string> inside;
    for (const Item& it : sorted(zsets_[key].members)) {
      bool in = by_score ? above_min(it.second, smin) && below_max(it.second, smax)
                         : above_min(it.first, lmin) && below_max(it.first, lmax);
      if (in) inside.push_back(it.first);
    }
    if (name == "zremrangebyscore" || name == "zremrangebylex") {
      for (const std::string& m : inside) zsets_[key].members.erase(m);
      if (zsets_[key].members.empty()) zsets_.erase(key);
    }
    return integer(static_cast<int64_t>(inside.size()));
  }
  if (name == "zremrangebyrank") {
    int64_t start, end;
    if (!parse_int64(a[2], &start) || !parse_int64(a[3], &end)) return kNotInteger;
    if (is_string(key)) return kWrongType;
    if (!is_zset(key)) return integer(0);
    std::vector<Item> all = sorted(zsets_[key].members);
    const int64_t len = static_cast<int64_t>(all.size());
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return integer(0);
    if (end >= len) end = len - 1;
    for (int64_t r = start; r <= end; ++r)
      zsets_[key].members.erase(all[static_cast<size_t>(r)].first);
    if (zsets_[key].members.empty()) zsets_.erase(key);
    return integer(end - start + 1);
  }

  // ---- ranges
  if (name == "zrange") return zrange_generic(a, 1, false, kAuto, kAuto);
  if (name == "zrangestore") return zrange_generic(a, 2, true, kAuto, kAuto);
  if (name == "zrevrange") return zrange_generic(a, 1, false, kRank, kReverse);
  if (name == "zrangebyscore") return zrange_generic(a, 1, false, kScore, kForward);
  if (name == "zrevrangebyscore") return zrange_generic(a, 1, false, kScore, kReverse);
  if (name == "zrangebylex") return zrange_generic(a, 1, false, kLex, kForward);
  if (name == "zrevrangebylex") return zrange_generic(a, 1, false, kLex, kReverse);

  // ---- popping
  if (name == "zpopmin" || name == "zpopmax") {
    if (a.size() > 3) return kSyntaxError;
    int64_t count = 1;
    if (a.size() == 3 && (!parse_int64(a[2], &count) || count < 0)) {
      return error("ERR value is out of range, must be positive");
    }
    if (is_string(key)) return kWrongType;
    if (!is_zset(key) || count == 0) return array_header(0);
    return pop(key, name == "zpopmax", count, kShapeFlat);
  }
  if (name == "zmpop") {
    int64_t numkeys;
    if (!parse_int64(a[1], &numkeys) || numkeys <= 0) {
      return error("ERR numkeys should be greater than 0");
    }
    if (numkeys >= static_cast<int64_t>(a.size()) - 2) return kSyntaxError;
    const size_t where = 2 + static_cast<size_t>(numkeys);
    bool max;
    if (iequals(a[where], "min"))
      max = false;
    else if (iequals(a[where], "max"))
      max = true;
    else
      return kSyntaxError;
    int64_t count = 1;
    bool has_count = false;
    for (size_t i = where + 1; i < a.size(); ++i) {
      if (!has_count && iequals(a[i], "count") && i + 1 < a.size()) {
        has_count = true;
        if (!parse_int64(a[++i], &count) || count <= 0) {
          return error("ERR count should be greater than 0");
        }
      } else {
        return kSyntaxError;
      }
    }
    for (size_t i = 2; i < where; ++i) {
      if (is_string(a[i])) return kWrongType;
      if (is_zset(a[i])) return pop(a[i], max, count, kShapeKeyPairs);
    }
    return kNullArray;
  }

  // ---- moving to another set
  if (name == "zmove" || name == "zmovemember") return move(a, name == "zmovemember");

  // ---- algebra
  if (name == "zunion") return zsetop(a, false, 1, kUnion, false);
  if (name == "zinter") return zsetop(a, false, 1, kInter, false);
  if (name == "zdiff") return zsetop(a, false, 1, kDiff, false);
  if (name == "zunionstore") return zsetop(a, true, 2, kUnion, false);
  if (name == "zinterstore") return zsetop(a, true, 2, kInter, false);
  if (name == "zdiffstore") return zsetop(a, true, 2, kDiff, false);
  if (name == "zintercard") return zsetop(a, false, 1, kInter, true);
  return error("ERR unknown command '" + a[0] + "'");
}


bool ZSetModel::scores_equal(const std::string& key) const {
  auto it = zsets_.find(key);
  if (it == zsets_.end() || it->second.members.empty()) return true;
  const double first = it->second.members.begin()->second;
  for (const auto& [member, score] : it->second.members) {
    if (score != first) return false;
  }
  return true;
}

}  // namespace peregrine::models
