// The sorted-set family: adding and scoring members (ZADD ZINCRBY ZREM
// ZSCORE ZMSCORE ZCARD ZRANK ZREVRANK), ranges by rank, score and lex order
// (ZRANGE and its older forms, ZRANGESTORE, ZCOUNT ZLEXCOUNT, the
// ZREMRANGEBY* removals), popping from either end (ZPOPMIN ZPOPMAX ZMPOP and
// the blocking BZPOPMIN BZPOPMAX BZMPOP), moving members to another set
// (ZMOVE BZMOVE ZMOVEMEMBER), random members (ZRANDMEMBER), the
// algebra over several sets (ZUNION ZINTER ZDIFF, their *STORE forms,
// ZINTERCARD) and ZSCAN.
//
// Intervals:
//   score   "1.5" inclusive, "(1.5" exclusive, "-inf" / "+inf"; anything
//           strtod reads in full except NaN ("" reads as 0).
//   lex     "[a" inclusive, "(a" exclusive, "-" and "+" for the ends.
// Both are turned into rank intervals by store::ZSetValue, so every range
// command works on ranks [lo, hi).
//
// An empty sorted set never stays in the keyspace: the command that removes
// the last member deletes the key. Plain (non-set) sets are accepted as
// inputs of the algebra commands, every member scoring 1.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/scan_args.h"
#include "commands/subkey_expiry.h"
#include "commands/util.h"
#include "protocol/double_format.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server.h"
#include "store/db.h"
#include "store/set.h"
#include "store/value.h"
#include "store/zset.h"

namespace peregrine::server {
namespace {

using store::LexBound;
using store::ObjType;
using store::SetValue;
using store::Obj;
using store::Value;
using store::ZSetLimits;
using store::ZSetValue;

using Item = std::pair<std::string, double>;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// ------------------------------------------------------------ shared pieces

ZSetLimits zset_limits(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  ZSetLimits l;
  l.max_entries = static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_entries, 0));
  l.max_value = static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_value, 0));
  return l;
}

// Hash tables and skip lists of sorted sets are seeded from the server's
// random source.
uint64_t new_seed(CommandContext& ctx) { return ctx.server.random().next_u64(); }

// Wraps a sorted-set payload into a keyspace value stamped with its
// creation time.
Value make_zset_value(CommandContext& ctx, std::unique_ptr<ZSetValue> z) {
  Value v;
  v.type = ObjType::kZSet;
  v.encoding = z->encoding();
  v.coll = std::move(z);
  v.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));
  return v;
}

// Looks key up for reading. Returns false, with WRONGTYPE replied, when it
// holds another type; *z is null when the key does not exist.
bool read_zset(CommandContext& ctx, std::string_view key, ZSetValue** z) {
  Obj* v = ctx.lookup_read(key);
  *z = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ObjType::kZSet) {
    ctx.wrong_type();
    return false;
  }
  *z = &v->as<ZSetValue>();
  return true;
}

// The same for a command about to modify the set (*v is the value).
bool write_zset(CommandContext& ctx, std::string_view key, Obj** v) {
  *v = ctx.lookup_write(key);
  if (*v != nullptr && (*v)->type() != ObjType::kZSet) {
    ctx.wrong_type();
    return false;
  }
  return true;
}

// After removing members from the set under key: deletes the key when the
// set is empty, keeps OBJECT ENCODING current, reports the change.
void finish_removal(CommandContext& ctx, std::string_view key, Obj* v) {
  if (v->as<ZSetValue>().empty()) {
    ctx.db.remove(key);
  } else {
    v->set_encoding(v->as<ZSetValue>().encoding());
  }
  ctx.key_modified(key);
}

// Redis fills ZRANGESTORE's destination one member at a time, in the order
// the range yields them (items), starting as a listpack when the size it
// is told (size_hint: the rank range's length; 0 for score and lex ranges,
// whose length it does not know ahead) is within zset-max-listpack-entries,
// and converting to a skiplist when the next member would pass a listpack
// limit. A listpack keeps scores as text, where -0 reads back as 0, so the
// members added before the conversion lose the sign of a -0 score and the
// later ones keep it. The set here is built whole, so the same signs are
// dropped first.
void drop_listpack_phase_signs(std::vector<Item>& items, size_t size_hint,
                               const ZSetLimits& limits) {
  if (size_hint > limits.max_entries) return;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 > limits.max_entries || items[i].first.size() > limits.max_value) return;
    if (items[i].second == 0) items[i].second = 0.0;
  }
}

// Replaces dst with a set of the sorted items (deleting dst when there are
// none), as the *STORE commands do; the stored set is listpack when it fits
// the limits.
void store_result(CommandContext& ctx, std::string_view dst, const std::vector<Item>& items) {
  if (items.empty()) {
    if (ctx.db.remove(dst)) ctx.key_modified(dst);
    return;
  }
  // Clients blocked on dst wake only when it is a new key, as in Redis
  // (replacing a key of another type leaves them blocked).
  const bool existed = ctx.lookup_write(dst) != nullptr;
  ctx.db.set(dst, make_zset_value(ctx, ZSetValue::from_sorted(items, zset_limits(ctx),
                                                              new_seed(ctx))));
  ctx.key_modified(dst);
  if (!existed) ctx.signal_key_ready(dst);
}

// Replies members, with their scores when withscores: a flat array in
// RESP2, an array of [member, score] pairs in RESP3.
void reply_items(CommandContext& ctx, const std::vector<Item>& items, bool withscores) {
  if (!withscores) {
    ctx.reply.array(items.size());
    for (const auto& [member, score] : items) ctx.reply.bulk(member);
    return;
  }
  const bool pairs = ctx.reply.resp() > 2;
  ctx.reply.array(pairs ? items.size() : items.size() * 2);
  for (const auto& [member, score] : items) {
    if (pairs) ctx.reply.array(2);
    ctx.reply.bulk(member);
    ctx.reply.double_value(score);
  }
}

// Collects n elements starting at rank first (downwards when reverse).
std::vector<Item> collect(const ZSetValue& z, size_t first, size_t n, bool reverse) {
  std::vector<Item> items;
  items.reserve(n);
  z.visit(first, n, reverse,
          [&](std::string_view member, double score) { items.emplace_back(member, score); });
  return items;
}

// ------------------------------------------------------------ intervals

struct ScoreRange {
  double min = 0, max = 0;
  bool min_exclusive = false, max_exclusive = false;
};

struct LexRange {
  LexBound min, max;
  bool min_exclusive = false, max_exclusive = false;
};

// One end of a score interval: a number strtod reads up to the end of the
// text (leading spaces and "" included), not NaN; "(" makes it exclusive.
bool parse_score_bound(std::string_view arg, double* value, bool* exclusive) {
  *exclusive = !arg.empty() && arg[0] == '(';
  if (*exclusive) arg.remove_prefix(1);
  std::string text(arg);
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return *end == '\0' && !std::isnan(*value);
}

bool parse_score_range(std::string_view min, std::string_view max, ScoreRange* r) {
  return parse_score_bound(min, &r->min, &r->min_exclusive) &&
         parse_score_bound(max, &r->max, &r->max_exclusive);
}

// One end of a lex interval: "-", "+", "[text" or "(text".
bool parse_lex_bound(std::string_view arg, LexBound* b, bool* exclusive) {
  if (arg.empty()) return false;
  *exclusive = false;
  switch (arg[0]) {
    case '-':
    case '+':
      if (arg.size() != 1) return false;
      b->kind = arg[0] == '-' ? LexBound::Kind::kMinusInf : LexBound::Kind::kPlusInf;
      return true;
    case '(':
    case '[':
      *exclusive = arg[0] == '(';
      b->kind = LexBound::Kind::kValue;
      b->value.assign(arg.substr(1));
      return true;
    default:
      return false;
  }
}

bool parse_lex_range(std::string_view min, std::string_view max, LexRange* r) {
  return parse_lex_bound(min, &r->min, &r->min_exclusive) &&
         parse_lex_bound(max, &r->max, &r->max_exclusive);
}

// The ranks [lo, hi) of the elements inside an interval.
std::pair<size_t, size_t> score_ranks(const ZSetValue& z, const ScoreRange& r) {
  size_t lo = z.count_below_score(r.min, r.min_exclusive);
  size_t hi = z.count_below_score(r.max, !r.max_exclusive);
  return {lo, std::max(lo, hi)};
}

std::pair<size_t, size_t> lex_ranks(const ZSetValue& z, const LexRange& r) {
  size_t lo = z.count_below_lex(r.min, r.min_exclusive);
  size_t hi = z.count_below_lex(r.max, !r.max_exclusive);
  return {lo, std::max(lo, hi)};
}

// The elements a lex range query visits: `count` of them from rank `first`,
// upwards (forward) or downwards (reverse), after `offset` skipped; offset
// < 0 or limit == 0 visit none, limit < 0 has no limit.
//
// Redis defines lex ranges for sets whose scores are all equal, where the
// members are in order and binary search by member (lex_ranks) is exact;
// that serves the skiplist encoding. With mixed scores Redis answers
// nothing unless the last member is >= min and the first <= max, in both
// encodings, and so does this. Past that check its skiplist answer depends
// on the skiplist's random node levels, but a small (listpack) set still
// gets a deterministic answer, which this reproduces: forward, from the
// first member >= min (which must be <= max), skip `offset` elements, then
// visit while members are <= max; reverse, from the last member <= max
// (which must be >= min), skip `offset`, then visit while members are >=
// min.
struct LexWalk {
  size_t first = 0;
  size_t count = 0;
};

// Redis 7.2+ finds where a skiplist's score or lex range query starts by
// rank, and reads a negative LIMIT offset -k as the k-th member from the
// range's far end: forwards the range's last k members, in reverse its k
// lowest, from the k-th lowest down. (A listpack is walked, and a negative
// offset finds nothing, as in every version.) The range holds ranks
// [lo, hi); sets the first rank visited and how many, false for none.
bool skiplist_negative_offset(size_t lo, size_t hi, bool reverse, int64_t offset, int64_t limit,
                              size_t* first, size_t* count) {
  const uint64_t k = offset == std::numeric_limits<int64_t>::min()
                         ? uint64_t{1} << 63
                         : static_cast<uint64_t>(-offset);
  if (k > hi - lo || limit == 0) return false;
  *count = static_cast<size_t>(limit >= 0 ? std::min<uint64_t>(k, static_cast<uint64_t>(limit)) : k);
  *first = reverse ? lo + static_cast<size_t>(k) - 1 : hi - static_cast<size_t>(k);
  return true;
}

LexWalk lex_walk(const ZSetValue& z, const LexRange& r, bool reverse, int64_t offset,
                 int64_t limit) {
  LexWalk w;
  if (limit == 0 || (offset < 0 && z.is_listpack())) return w;
  const auto in_limit = [&](size_t n) { return limit < 0 || n < static_cast<size_t>(limit); };
  using Kind = LexBound::Kind;
  const auto gte_min = [&](std::string_view m) {
    if (r.min.kind != Kind::kValue) return r.min.kind == Kind::kMinusInf;
    return r.min_exclusive ? m > r.min.value : m >= r.min.value;
  };
  const auto lte_max = [&](std::string_view m) {
    if (r.max.kind != Kind::kValue) return r.max.kind == Kind::kPlusInf;
    return r.max_exclusive ? m < r.max.value : m <= r.max.value;
  };
  if (!z.is_listpack()) {
    if (z.empty() || !gte_min(z.at(z.size() - 1).first) || !lte_max(z.at(0).first)) return w;
    auto [lo, hi] = lex_ranks(z, r);
    if (offset < 0) {
      skiplist_negative_offset(lo, hi, reverse, offset, limit, &w.first, &w.count);
      return w;
    }
    const size_t skip = static_cast<size_t>(offset);
    if (skip >= hi - lo) return w;
    w.count = hi - lo - skip;
    if (limit >= 0) w.count = std::min(w.count, static_cast<size_t>(limit));
    w.first = reverse ? hi - 1 - skip : lo + skip;
    return w;
  }
  // A range that holds nothing whatever the members: min above max.
  if (r.min.kind == Kind::kPlusInf || r.max.kind == Kind::kMinusInf) return w;
  if (r.min.kind == Kind::kValue && r.max.kind == Kind::kValue) {
    const int cmp = r.min.value.compare(r.max.value);
    if (cmp > 0 || (cmp == 0 && (r.min_exclusive || r.max_exclusive))) return w;
  }
  std::vector<std::string> members;
  members.reserve(z.size());
  z.for_each([&](std::string_view m, double) { members.emplace_back(m); });
  const size_t len = members.size();
  if (len == 0 || !gte_min(members[len - 1]) || !lte_max(members[0])) return w;
  if (!reverse) {
    size_t i = 0;
    while (i < len && !gte_min(members[i])) ++i;
    if (i == len || !lte_max(members[i])) return w;
    if (static_cast<uint64_t>(offset) >= len - i) return w;
    i += static_cast<size_t>(offset);
    w.first = i;
    while (i < len && in_limit(w.count) && lte_max(members[i])) ++i, ++w.count;
  } else {
    size_t i = len;  // one past the element looked at
    while (i > 0 && !lte_max(members[i - 1])) --i;
    if (i == 0 || !gte_min(members[i - 1])) return w;
    if (static_cast<uint64_t>(offset) >= i) return w;
    i -= static_cast<size_t>(offset);
    w.first = i - 1;
    while (i > 0 && in_limit(w.count) && gte_min(members[i - 1])) --i, ++w.count;
  }
  return w;
}

// Clamps a rank interval given as start/end (negative counting from the
// end, end inclusive) to a set of len elements. Returns false when empty.
bool clamp_rank_range(int64_t start, int64_t end, int64_t len, int64_t* first, int64_t* last) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  *first = start;
  *last = end;
  return true;
}

// ------------------------------------------------------------ ZADD / ZINCRBY

constexpr unsigned kZaddNx = 1u << 0;
constexpr unsigned kZaddXx = 1u << 1;
constexpr unsigned kZaddCh = 1u << 2;
constexpr unsigned kZaddIncr = 1u << 3;
constexpr unsigned kZaddGt = 1u << 4;
constexpr unsigned kZaddLt = 1u << 5;

// The body of ZADD and ZINCRBY: score/member pairs from argv[first] on.
void zadd_generic(CommandContext& ctx, unsigned flags, size_t first) {
  std::string_view key = ctx.arg(1);
  const size_t remaining = ctx.argc() - first;
  if (remaining == 0 || remaining % 2 != 0) return ctx.syntax_error();
  const size_t pairs = remaining / 2;
  const bool nx = flags & kZaddNx, xx = flags & kZaddXx, gt = flags & kZaddGt,
             lt = flags & kZaddLt, incr = flags & kZaddIncr, ch = flags & kZaddCh;
  if (nx && xx) {
    return ctx.reply.error("ERR XX and NX options at the same time are not compatible");
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && pairs > 1) {
    return ctx.reply.error("ERR INCR option supports a single increment-element pair");
  }
  std::vector<double> scores(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    if (!parse_double(ctx.arg(first + 2 * i), &scores[i])) return ctx.not_float();
  }

  Obj* v = nullptr;
  if (!write_zset(ctx, key, &v)) return;
  // Clients blocked on the key wake when this creates it, as in Redis
  // (ones that blocked while it held another type stay blocked).
  bool created = false;
  if (v == nullptr) {
    if (xx) {  // nothing may be added to a missing key
      if (incr) return ctx.reply.null_bulk();
      return ctx.reply.integer(0);
    }
    v = ctx.db.set(key, make_zset_value(ctx, std::make_unique<ZSetValue>(new_seed(ctx))));
    created = true;
  }
  auto& z = v->as<ZSetValue>();
  const ZSetLimits limits = zset_limits(ctx);
  // As Redis 7.2, a listpack set takes the command's size as a hint: more
  // pairs than the listpack holds, or a member longer than it allows,
  // converts it first, whether or not those members end up added (repeats,
  // NX, XX, GT, LT). A -0 score then keeps its sign.
  if (z.is_listpack() && !ctx.server.config().legacy_size_hints) {
    size_t longest = 0;
    for (size_t i = 0; i < pairs; ++i) longest = std::max(longest, ctx.arg(first + 2 * i + 1).size());
    if (pairs > limits.max_entries || longest > limits.max_value)
      z.convert_to_skiplist();
  }

  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  bool nan_error = false;
  for (size_t i = 0; i < pairs; ++i) {
    std::string_view member = ctx.arg(first + 2 * i + 1);
    double score = scores[i];
    std::optional<double> cur = z.score(member);
    if (cur) {
      if (nx) continue;
      if (incr) {
        score += *cur;
        if (std::isnan(score)) {
          nan_error = true;
          break;
        }
      }
      if ((gt && score <= *cur) || (lt && score >= *cur)) continue;
      ++processed;
      last_score = score;
      if (score != *cur) {
        z.set(member, score, limits);
        ++updated;
      }
    } else {
      if (xx) continue;
      z.set(member, score, limits);
      ++added;
      ++processed;
      last_score = score;
    }
  }

  if (z.empty()) {
    ctx.db.remove(key);  // only a just-created key can be empty here
  } else {
    v->set_encoding(z.encoding());
  }
  if (added + updated > 0) ctx.key_modified(key);
  if (created && added > 0) ctx.signal_key_ready(key);
  if (nan_error) return ctx.reply.error("ERR resulting score is not a number (NaN)");
  if (incr) {
    if (processed > 0) return ctx.reply.double_value(last_score);
    return ctx.reply.null_bulk();
  }
  ctx.reply.integer(ch ? added + updated : added);
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
void cmd_zadd(CommandContext& ctx) {
  unsigned flags = 0;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_nocase(opt, "nx")) flags |= kZaddNx;
    else if (equals_nocase(opt, "xx")) flags |= kZaddXx;
    else if (equals_nocase(opt, "ch")) flags |= kZaddCh;
    else if (equals_nocase(opt, "incr")) flags |= kZaddIncr;
    else if (equals_nocase(opt, "gt")) flags |= kZaddGt;
    else if (equals_nocase(opt, "lt")) flags |= kZaddLt;
    else break;
  }
  zadd_generic(ctx, flags, i);
}

// ZINCRBY key increment member
void cmd_zincrby(CommandContext& ctx) { zadd_generic(ctx, kZaddIncr, 2); }

// ------------------------------------------------------------ ZREM / lookups

// ZREM key member [member ...]
void cmd_zrem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!write_zset(ctx, key, &v)) return;
  if (v == nullptr) return ctx.reply.integer(0);
  auto& z = v->as<ZSetValue>();
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !z.empty(); ++i) removed += z.erase(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) finish_removal(ctx, key, v);
  ctx.reply.integer(removed);
}

// ZCARD key
void cmd_zcard(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  ctx.reply.integer(z ? static_cast<int64_t>(z->size()) : 0);
}

// ZSCORE key member
void cmd_zscore(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  std::optional<double> s = z ? z->score(ctx.arg(2)) : std::nullopt;
  if (!s) return ctx.reply.null_bulk();
  ctx.reply.double_value(*s);
}

// ZMSCORE key member [member ...]
void cmd_zmscore(CommandContext& ctx) {
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<double> s = z ? z->score(ctx.arg(i)) : std::nullopt;
    if (s) ctx.reply.double_value(*s);
    else ctx.reply.null_bulk();
  }
}

// ZRANK key member [WITHSCORE]   /   ZREVRANK key member [WITHSCORE]
void rank_generic(CommandContext& ctx, bool reverse) {
  if (ctx.argc() > 4) return ctx.wrong_arity();
  bool withscore = false;
  if (ctx.argc() == 4) {
    if (!equals_nocase(ctx.arg(3), "withscore")) return ctx.syntax_error();
    withscore = true;
  }
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  std::optional<size_t> rank = z ? z->rank(ctx.arg(2)) : std::nullopt;
  if (!rank) return withscore ? ctx.reply.null_array() : ctx.reply.null_bulk();
  const auto r = static_cast<int64_t>(reverse ? z->size() - 1 - *rank : *rank);
  if (!withscore) return ctx.reply.integer(r);
  ctx.reply.array(2);
  ctx.reply.integer(r);
  ctx.reply.double_value(*z->score(ctx.arg(2)));
}

void cmd_zrank(CommandContext& ctx) { rank_generic(ctx, false); }
void cmd_zrevrank(CommandContext& ctx) { rank_generic(ctx, true); }

// ZCOUNT key min max
void cmd_zcount(CommandContext& ctx) {
  ScoreRange r;
  if (!parse_score_range(ctx.arg(2), ctx.arg(3), &r)) {
    return ctx.reply.error("ERR min or max is not a float");
  }
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  if (z == nullptr) return ctx.reply.integer(0);
  auto [lo, hi] = score_ranks(*z, r);
  ctx.reply.integer(static_cast<int64_t>(hi - lo));
}

// ZLEXCOUNT key min max
void cmd_zlexcount(CommandContext& ctx) {
  LexRange r;
  if (!parse_lex_range(ctx.arg(2), ctx.arg(3), &r)) {
    return ctx.reply.error("ERR min or max not valid string range item");
  }
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  if (z == nullptr) return ctx.reply.integer(0);
  ctx.reply.integer(static_cast<int64_t>(lex_walk(*z, r, false, 0, -1).count));
}

// ------------------------------------------------------------ ZRANGE family

enum class RangeKind { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// The body of ZRANGE, ZRANGESTORE and the older range commands. The source
// key is argv[src], its two bounds follow, options after them. dst is set
// for ZRANGESTORE. kind/dir are fixed by the older commands and kAuto for
// ZRANGE and ZRANGESTORE, whose options choose them.
void zrange_generic(CommandContext& ctx, size_t src, std::optional<std::string_view> dst,
                    RangeKind kind, Direction dir) {
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;
  for (size_t i = src + 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    const size_t left = ctx.argc() - i - 1;
    if (!dst && equals_nocase(opt, "withscores")) {
      withscores = true;
    } else if (equals_nocase(opt, "limit") && left >= 2) {
      if (!parse_int64(ctx.arg(i + 1), &offset) || !parse_int64(ctx.arg(i + 2), &limit)) {
        return ctx.not_integer();
      }
      i += 2;
    } else if (dir == Direction::kAuto && equals_nocase(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (kind == RangeKind::kAuto && equals_nocase(opt, "bylex")) {
      kind = RangeKind::kLex;
    } else if (kind == RangeKind::kAuto && equals_nocase(opt, "byscore")) {
      kind = RangeKind::kScore;
    } else {
      return ctx.syntax_error();
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (kind == RangeKind::kAuto) kind = RangeKind::kRank;
  const bool reverse = dir == Direction::kReverse;

  if (limit != -1 && kind == RangeKind::kRank) {
    return ctx.reply.error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withscores && kind == RangeKind::kLex) {
    return ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }

  // Score and lex ranges of the reverse forms are written max first.
  std::string_view min_arg = ctx.arg(src + 1);
  std::string_view max_arg = ctx.arg(src + 2);
  if (reverse && kind != RangeKind::kRank) std::swap(min_arg, max_arg);

  int64_t start = 0, end = 0;
  ScoreRange score_range;
  LexRange lex_range;
  switch (kind) {
    case RangeKind::kRank:
      if (!parse_int64(min_arg, &start) || !parse_int64(max_arg, &end)) return ctx.not_integer();
      break;
    case RangeKind::kScore:
      if (!parse_score_range(min_arg, max_arg, &score_range)) {
        return ctx.reply.error("ERR min or max is not a float");
      }
      break;
    case RangeKind::kLex:
      if (!parse_lex_range(min_arg, max_arg, &lex_range)) {
        return ctx.reply.error("ERR min or max not valid string range item");
      }
      break;
    case RangeKind::kAuto:
      break;
  }

  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(src), &z)) return;
  std::vector<Item> items;
  if (z != nullptr) {
    const auto len = static_cast<int64_t>(z->size());
    if (kind == RangeKind::kRank) {
      int64_t first = 0, last = 0;
      if (clamp_rank_range(start, end, len, &first, &last)) {
        const auto n = static_cast<size_t>(last - first + 1);
        items = reverse ? collect(*z, static_cast<size_t>(len - 1 - first), n, true)
                        : collect(*z, static_cast<size_t>(first), n, false);
      }
    } else if (kind == RangeKind::kLex) {
      const LexWalk w = lex_walk(*z, lex_range, reverse, offset, limit);
      if (w.count > 0) items = collect(*z, w.first, w.count, reverse);
    } else {
      auto [lo, hi] = score_ranks(*z, score_range);
      const auto avail = static_cast<int64_t>(hi - lo);
      if (offset >= 0 && offset < avail) {
        int64_t n = avail - offset;
        if (limit >= 0) n = std::min(n, limit);
        if (n > 0) {
          items = reverse ? collect(*z, hi - 1 - static_cast<size_t>(offset),
                                    static_cast<size_t>(n), true)
                          : collect(*z, lo + static_cast<size_t>(offset),
                                    static_cast<size_t>(n), false);
        }
      } else if (offset < 0 && !z->is_listpack()) {
        size_t first = 0, n = 0;
        if (skiplist_negative_offset(lo, hi, reverse, offset, limit, &first, &n))
          items = collect(*z, first, n, reverse);
      }
    }
  }

  if (dst) {
    drop_listpack_phase_signs(items, kind == RangeKind::kRank ? items.size() : 0,
                              zset_limits(ctx));
    if (reverse) std::reverse(items.begin(), items.end());
    store_result(ctx, *dst, items);
    return ctx.reply.integer(static_cast<int64_t>(items.size()));
  }
  reply_items(ctx, items, withscores);
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
void cmd_zrange(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kAuto, Direction::kAuto);
}

// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
void cmd_zrangestore(CommandContext& ctx) {
  zrange_generic(ctx, 2, ctx.arg(1), RangeKind::kAuto, Direction::kAuto);
}

// ZREVRANGE key start stop [WITHSCORES]
void cmd_zrevrange(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kRank, Direction::kReverse);
}

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
void cmd_zrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kScore, Direction::kForward);
}

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
void cmd_zrevrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kScore, Direction::kReverse);
}

// ZRANGEBYLEX key min max [LIMIT offset count]
void cmd_zrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kLex, Direction::kForward);
}

// ZREVRANGEBYLEX key max min [LIMIT offset count]
void cmd_zrevrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, 1, std::nullopt, RangeKind::kLex, Direction::kReverse);
}

// ------------------------------------------------------------ ZREMRANGEBY*

// Removes the elements of ranks [lo, hi) from the set under key (already
// known to be a sorted set) and replies how many went.
void remove_ranks(CommandContext& ctx, std::string_view key, Obj* v, size_t lo, size_t hi) {
  if (hi > lo) {
    v->as<ZSetValue>().erase_ranks(lo, hi);
    finish_removal(ctx, key, v);
  }
  ctx.reply.integer(static_cast<int64_t>(hi > lo ? hi - lo : 0));
}

// ZREMRANGEBYRANK key start stop
void cmd_zremrangebyrank(CommandContext& ctx) {
  int64_t start = 0, end = 0;
  if (!parse_int64(ctx.arg(2), &start) || !parse_int64(ctx.arg(3), &end)) {
    return ctx.not_integer();
  }
  Obj* v = nullptr;
  if (!write_zset(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) return ctx.reply.integer(0);
  int64_t first = 0, last = 0;
  if (!clamp_rank_range(start, end, static_cast<int64_t>(v->as<ZSetValue>().size()), &first,
                        &last)) {
    return ctx.reply.integer(0);
  }
  remove_ranks(ctx, ctx.arg(1), v, static_cast<size_t>(first), static_cast<size_t>(last + 1));
}

// ZREMRANGEBYSCORE key min max
void cmd_zremrangebyscore(CommandContext& ctx) {
  ScoreRange r;
  if (!parse_score_range(ctx.arg(2), ctx.arg(3), &r)) {
    return ctx.reply.error("ERR min or max is not a float");
  }
  Obj* v = nullptr;
  if (!write_zset(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) return ctx.reply.integer(0);
  auto [lo, hi] = score_ranks(v->as<ZSetValue>(), r);
  remove_ranks(ctx, ctx.arg(1), v, lo, hi);
}

// ZREMRANGEBYLEX key min max
void cmd_zremrangebylex(CommandContext& ctx) {
  LexRange r;
  if (!parse_lex_range(ctx.arg(2), ctx.arg(3), &r)) {
    return ctx.reply.error("ERR min or max not valid string range item");
  }
  Obj* v = nullptr;
  if (!write_zset(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) return ctx.reply.integer(0);
  const LexWalk w = lex_walk(v->as<ZSetValue>(), r, false, 0, -1);
  remove_ranks(ctx, ctx.arg(1), v, w.first, w.first + w.count);
}

// ------------------------------------------------------------ popping

// How a pop replies.
enum class PopShape {
  kFlat,        // member, score, ...            (ZPOPMIN; RESP2, or no count)
  kPairs,       // [member, score], ...          (ZPOPMIN with a count in RESP3)
  kKeyFlat,     // key, member, score            (BZPOPMIN/BZPOPMAX)
  kKeyPairs,    // key, [[member, score], ...]   (ZMPOP/BZMPOP)
};

// Pops up to count elements from the min (or max) end of the non-empty set
// under key and replies them in the given shape.
void pop_and_reply(CommandContext& ctx, std::string_view key, Obj* v, bool max,
                   int64_t count, PopShape shape) {
  auto& z = v->as<ZSetValue>();
  const size_t size = z.size();
  const size_t n = static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(size)));
  std::vector<Item> items = max ? collect(z, size - 1, n, true) : collect(z, 0, n, false);
  if (max) z.erase_ranks(size - n, size);
  else z.erase_ranks(0, n);

  switch (shape) {
    case PopShape::kFlat:
      ctx.reply.array(2 * n);
      break;
    case PopShape::kPairs:
      ctx.reply.array(n);
      break;
    case PopShape::kKeyFlat:
      ctx.reply.array(2 * n + 1);
      ctx.reply.bulk(key);
      break;
    case PopShape::kKeyPairs:
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(n);
      break;
  }
  const bool pairs = shape == PopShape::kPairs || shape == PopShape::kKeyPairs;
  for (const auto& [member, score] : items) {
    if (pairs) ctx.reply.array(2);
    ctx.reply.bulk(member);
    ctx.reply.double_value(score);
  }
  finish_removal(ctx, key, v);
}

// The first of keys holding a non-empty sorted set. Returns false, with
// WRONGTYPE replied, when a key before it holds another type; *found is
// the index of the key in keys, or -1 when none has elements.
bool first_nonempty(CommandContext& ctx, std::span<const std::string_view> keys, Obj** v,
                    int64_t* found) {
  *found = -1;
  for (size_t i = 0; i < keys.size(); ++i) {
    Obj* cand = ctx.lookup_write(keys[i]);
    if (cand == nullptr) continue;
    if (cand->type() != ObjType::kZSet) {
      ctx.wrong_type();
      return false;
    }
    if (cand->as<ZSetValue>().empty()) continue;
    *v = cand;
    *found = static_cast<int64_t>(i);
    return true;
  }
  return true;
}

// ZPOPMIN key [count]   /   ZPOPMAX key [count]
void zpop_generic(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.syntax_error();
  int64_t count = 1;
  const bool has_count = ctx.argc() == 3;
  if (has_count && (!parse_int64(ctx.arg(2), &count) || count < 0)) {
    return ctx.reply.error("ERR value is out of range, must be positive");
  }
  Obj* v = nullptr;
  if (!write_zset(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr || count == 0) return ctx.reply.array(0);
  const PopShape shape = has_count && ctx.reply.resp() > 2 ? PopShape::kPairs : PopShape::kFlat;
  pop_and_reply(ctx, ctx.arg(1), v, max, count, shape);
}

void cmd_zpopmin(CommandContext& ctx) { zpop_generic(ctx, false); }
void cmd_zpopmax(CommandContext& ctx) { zpop_generic(ctx, true); }

// Serves a blocking pop from the first non-empty set of keys, or replies
// the timeout reply (null array) / blocks when there is none.
void blocking_pop(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                  int64_t count, PopShape shape, int64_t timeout_ms) {
  Obj* v = nullptr;
  int64_t found = -1;
  if (!first_nonempty(ctx, keys, &v, &found)) return;
  if (found >= 0) {
    return pop_and_reply(ctx, keys[static_cast<size_t>(found)], v, max, count, shape);
  }
  if (!ctx.can_block()) return ctx.reply.null_array();
  ctx.block_on(keys, timeout_ms, ObjType::kZSet);
}

// BZPOPMIN key [key ...] timeout   /   BZPOPMAX key [key ...] timeout
void bzpop_generic(CommandContext& ctx, bool max) {
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(ctx.argc() - 1), &timeout_ms)) return;
  blocking_pop(ctx, ctx.argv.subspan(1, ctx.argc() - 2), max, 1, PopShape::kKeyFlat, timeout_ms);
}

void cmd_bzpopmin(CommandContext& ctx) { bzpop_generic(ctx, false); }
void cmd_bzpopmax(CommandContext& ctx) { bzpop_generic(ctx, true); }

// The arguments of ZMPOP and BZMPOP from numkeys (argv[idx]) on.
struct MPopArgs {
  std::span<const std::string_view> keys;
  bool max = false;
  int64_t count = 1;
};

bool parse_mpop(CommandContext& ctx, size_t idx, MPopArgs* out) {
  int64_t numkeys = 0;
  if (!parse_int64(ctx.arg(idx), &numkeys) || numkeys <= 0) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return false;
  }
  if (numkeys > static_cast<int64_t>(ctx.argc() - idx - 1) - 1) {  // no room for MIN|MAX
    ctx.syntax_error();
    return false;
  }
  out->keys = ctx.argv.subspan(idx + 1, static_cast<size_t>(numkeys));
  size_t i = idx + 1 + static_cast<size_t>(numkeys);
  if (equals_nocase(ctx.arg(i), "min")) {
    out->max = false;
  } else if (equals_nocase(ctx.arg(i), "max")) {
    out->max = true;
  } else {
    ctx.syntax_error();
    return false;
  }
  bool has_count = false;
  for (++i; i < ctx.argc(); ++i) {
    if (!has_count && equals_nocase(ctx.arg(i), "count") && i + 1 < ctx.argc()) {
      has_count = true;
      if (!parse_int64(ctx.arg(++i), &out->count) || out->count <= 0) {
        ctx.reply.error("ERR count should be greater than 0");
        return false;
      }
    } else {
      ctx.syntax_error();
      return false;
    }
  }
  return true;
}

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void cmd_zmpop(CommandContext& ctx) {
  MPopArgs a;
  if (!parse_mpop(ctx, 1, &a)) return;
  Obj* v = nullptr;
  int64_t found = -1;
  if (!first_nonempty(ctx, a.keys, &v, &found)) return;
  if (found < 0) return ctx.reply.null_array();
  pop_and_reply(ctx, a.keys[static_cast<size_t>(found)], v, a.max, a.count, PopShape::kKeyPairs);
}

// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
void cmd_bzmpop(CommandContext& ctx) {
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(1), &timeout_ms)) return;
  MPopArgs a;
  if (!parse_mpop(ctx, 2, &a)) return;
  blocking_pop(ctx, a.keys, a.max, a.count, PopShape::kKeyPairs, timeout_ms);
}

// ------------------------------------------------------------ moving members

// ZMOVE, BZMOVE and ZMOVEMEMBER (Redis 8.12) move members with their scores
// from one sorted set to another: a member already in the destination takes
// the source's score; the destination is created when missing and the
// source deleted when it empties. The reply is the moved members in the
// order they moved, or a null array when none did. When both keys are the
// same the command moves nothing and replies null (a key of another type
// still answers WRONGTYPE). A missing source answers null whatever the
// destination holds; otherwise a destination of another type answers
// WRONGTYPE before anything moves.

// Looks up the source and destination of a move. Returns false once it has
// replied: WRONGTYPE, or null when there is nothing to move (same key,
// missing source; *blockable then tells that the source is missing and the
// keys differ, so a blocking form may wait).
bool move_endpoints(CommandContext& ctx, Obj** src, Obj** dst, bool* blockable = nullptr) {
  if (blockable != nullptr) *blockable = false;
  if (!write_zset(ctx, ctx.arg(1), src)) return false;
  const bool same = ctx.arg(1) == ctx.arg(2);
  if (*src == nullptr || same) {
    if (blockable != nullptr && *src == nullptr && !same) {
      *blockable = true;
      return false;
    }
    ctx.reply.null_array();
    return false;
  }
  return write_zset(ctx, ctx.arg(2), dst);
}

// Moves items (members of the source, with their scores) from the set src
// under argv[1] to dst under argv[2] (created when null) and replies them.
void move_items(CommandContext& ctx, Obj* src, Obj* dst, const std::vector<Item>& items) {
  if (items.empty()) return ctx.reply.null_array();
  std::string_view src_key = ctx.arg(1), dst_key = ctx.arg(2);
  auto& from = src->as<ZSetValue>();
  for (const auto& item : items) from.erase(item.first);
  const bool created = dst == nullptr;
  if (created) {
    dst = ctx.db.set(dst_key, make_zset_value(ctx, std::make_unique<ZSetValue>(new_seed(ctx))));
  }
  auto& to = dst->as<ZSetValue>();
  const ZSetLimits limits = zset_limits(ctx);
  for (const auto& [member, score] : items) to.set(member, score, limits);
  dst->set_encoding(to.encoding());
  finish_removal(ctx, src_key, src);
  ctx.key_modified(dst_key);
  if (created) ctx.signal_key_ready(dst_key);
  ctx.reply.array(items.size());
  for (const auto& item : items) ctx.reply.bulk(item.first);
}

// The members MIN (lowest first) or MAX (highest first) selects.
std::vector<Item> end_members(const ZSetValue& z, bool max, int64_t count) {
  const size_t size = z.size();
  const size_t n = static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(size)));
  return max ? collect(z, size - 1, n, true) : collect(z, 0, n, false);
}

// The optional "COUNT count" tail at argv[i] (a positive count). Replies the
// error and returns false when it is malformed.
bool parse_move_count(CommandContext& ctx, size_t i, int64_t* count, bool* given) {
  *given = false;
  if (i == ctx.argc()) return true;
  if (i + 2 != ctx.argc() || !equals_nocase(ctx.arg(i), "count")) {
    ctx.syntax_error();
    return false;
  }
  if (!parse_int64(ctx.arg(i + 1), count) || *count <= 0) {
    ctx.reply.error("ERR count should be greater than 0");
    return false;
  }
  *given = true;
  return true;
}

// ZMOVE source destination MIN | MAX | BYSCORE min max [COUNT count]
// MIN and MAX move one member without COUNT; BYSCORE moves every member of
// the interval (lowest first) without it, at most count with it.
void cmd_zmove(CommandContext& ctx) {
  enum class Sel { kMin, kMax, kByScore } sel;
  ScoreRange range;
  size_t i = 4;
  if (equals_nocase(ctx.arg(3), "min")) {
    sel = Sel::kMin;
  } else if (equals_nocase(ctx.arg(3), "max")) {
    sel = Sel::kMax;
  } else if (equals_nocase(ctx.arg(3), "byscore") && ctx.argc() >= 6) {
    sel = Sel::kByScore;
    if (!parse_score_range(ctx.arg(4), ctx.arg(5), &range)) {
      return ctx.reply.error("ERR min or max is not a float");
    }
    i = 6;
  } else {
    return ctx.syntax_error();
  }
  int64_t count = 1;
  bool count_given = false;
  if (!parse_move_count(ctx, i, &count, &count_given)) return;
  Obj* src = nullptr;
  Obj* dst = nullptr;
  if (!move_endpoints(ctx, &src, &dst)) return;
  const auto& z = src->as<ZSetValue>();
  if (sel != Sel::kByScore) return move_items(ctx, src, dst, end_members(z, sel == Sel::kMax, count));
  const auto [lo, hi] = score_ranks(z, range);
  size_t n = hi - lo;
  if (count_given) n = static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(n)));
  move_items(ctx, src, dst, collect(z, lo, n, false));
}

// BZMOVE source destination MIN | MAX timeout [COUNT count]
// ZMOVE with MIN or MAX when the source exists; waits for it otherwise
// (only the source wakes it). Same key: null at once, without waiting.
void cmd_bzmove(CommandContext& ctx) {
  bool max = false;
  if (equals_nocase(ctx.arg(3), "max")) max = true;
  else if (!equals_nocase(ctx.arg(3), "min")) return ctx.syntax_error();
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(4), &timeout_ms)) return;
  int64_t count = 1;
  bool count_given = false;
  if (!parse_move_count(ctx, 5, &count, &count_given)) return;
  Obj* src = nullptr;
  Obj* dst = nullptr;
  bool blockable = false;
  if (move_endpoints(ctx, &src, &dst, &blockable)) {
    return move_items(ctx, src, dst, end_members(src->as<ZSetValue>(), max, count));
  }
  if (!blockable) return;
  if (!ctx.can_block()) return ctx.reply.null_array();  // inside MULTI/EXEC
  ctx.block_on(ctx.argv.subspan(1, 1), timeout_ms, ObjType::kZSet);
}

// ZMOVEMEMBER source destination [NX | XX] MEMBERS nummembers member [member ...]
// Moves the named members of the source, in the order named, each once;
// NX: only those the destination lacks, XX: only those it has.
void cmd_zmovemember(CommandContext& ctx) {
  bool nx = false, xx = false;
  size_t pos = 3;
  if (equals_nocase(ctx.arg(3), "nx")) nx = true;
  else if (equals_nocase(ctx.arg(3), "xx")) xx = true;
  if (nx || xx) ++pos;
  const std::optional<SubkeyList> members = parse_subkey_list(
      ctx, pos, {"MEMBERS", "nummembers", "ERR Number of members must be a positive integer"});
  if (!members) return;
  Obj* src = nullptr;
  Obj* dst = nullptr;
  if (!move_endpoints(ctx, &src, &dst)) return;
  const auto& from = src->as<ZSetValue>();
  const ZSetValue* to = dst != nullptr ? &dst->as<ZSetValue>() : nullptr;
  std::vector<Item> items;
  std::unordered_set<std::string_view> seen;
  for (size_t j = 0; j < members->count; ++j) {
    std::string_view member = ctx.arg(members->first + j);
    if (!seen.insert(member).second) continue;
    const std::optional<double> score = from.score(member);
    if (!score) continue;
    const bool in_dst = to != nullptr && to->score(member).has_value();
    if ((nx && in_dst) || (xx && !in_dst)) continue;
    items.emplace_back(member, *score);
  }
  move_items(ctx, src, dst, items);
}

// ------------------------------------------------------------ ZRANDMEMBER

// ZRANDMEMBER key [count [WITHSCORES]]
void cmd_zrandmember(CommandContext& ctx) {
  rt::Random& random = ctx.server.random();
  if (ctx.argc() == 2) {
    ZSetValue* z = nullptr;
    if (!read_zset(ctx, ctx.arg(1), &z)) return;
    if (z == nullptr) return ctx.reply.null_bulk();
    return ctx.reply.bulk(z->at(random.uniform(z->size())).first);
  }
  int64_t count = 0;
  if (!ctx.parse_signed_count(ctx.arg(2), &count)) return;
  bool withscores = false;
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !equals_nocase(ctx.arg(3), "withscores"))) {
    return ctx.syntax_error();
  }
  if (ctx.argc() == 4) {
    withscores = true;
    if (count < -kInt64Max / 2 || count > kInt64Max / 2) {
      return ctx.reply.error("ERR value is out of range");
    }
  }
  ZSetValue* z = nullptr;
  if (!read_zset(ctx, ctx.arg(1), &z)) return;
  if (z == nullptr || count == 0) return ctx.reply.array(0);
  const size_t size = z->size();

  std::vector<Item> items;
  if (count < 0) {  // repetitions allowed
    const auto n = static_cast<uint64_t>(-count);
    items.reserve(static_cast<size_t>(std::min<uint64_t>(n, 1u << 20)));
    for (uint64_t i = 0; i < n; ++i) items.push_back(z->at(random.uniform(size)));
  } else if (static_cast<uint64_t>(count) >= size) {
    items = collect(*z, 0, size, false);
  } else if (static_cast<uint64_t>(count) * 3 > size) {
    // Many of them: draw a random selection of ranks (partial shuffle).
    std::vector<size_t> ranks(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < static_cast<size_t>(count); ++i) {
      std::swap(ranks[i], ranks[i + random.uniform(size - i)]);
      items.push_back(z->at(ranks[i]));
    }
  } else {
    std::unordered_set<size_t> seen;
    while (items.size() < static_cast<size_t>(count)) {
      size_t r = random.uniform(size);
      if (seen.insert(r).second) items.push_back(z->at(r));
    }
  }
  reply_items(ctx, items, withscores);
}

// ------------------------------------------------------------ set algebra

enum class SetOp { kUnion, kInter, kDiff };
// kCount (Redis 8.8) ignores the scores: each input holding a member adds
// its weight, so unweighted it counts the inputs that hold the member.
enum class Aggregate { kSum, kMin, kMax, kCount };

// One input of the algebra: a sorted set, a plain set (scores 1) or nothing.
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> score(std::string_view member) const {
    if (zset) return zset->score(member);
    if (set && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  template <typename F>
  void for_each(F&& fn) const {
    if (zset) zset->for_each(fn);
    else if (set) set->for_each([&](std::string_view m) { fn(m, 1.0); });
  }
};

// What one input adds for a member it holds with this score: its weighted
// score (inf * 0 is NaN), or under COUNT its weight alone.
double contribution(double weight, double score, Aggregate agg) {
  return agg == Aggregate::kCount ? weight : weight * score;
}

// The same with a NaN taken as 0, as the reference server takes every
// contribution to a union and the first one to an intersection (the later
// ones go to the aggregate as they are).
double contribution_or_zero(double weight, double score, Aggregate agg) {
  const double value = contribution(weight, score, agg);
  return std::isnan(value) ? 0 : value;
}

void aggregate_into(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
    case Aggregate::kCount:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

// The body of ZUNION ZINTER ZDIFF ZINTERCARD and the *STORE forms: numkeys
// is argv[numkeys_idx], the keys follow, options after them.
void zsetop_generic(CommandContext& ctx, std::optional<std::string_view> dst, size_t numkeys_idx,
                    SetOp op, bool card_only) {
  int64_t numkeys = 0;
  if (!parse_int64(ctx.arg(numkeys_idx), &numkeys)) return ctx.not_integer();
  if (numkeys < 1) {
    return ctx.reply.error("ERR at least 1 input key is needed for '" + ctx.spec.name +
                           "' command");
  }
  if (numkeys > static_cast<int64_t>(ctx.argc() - numkeys_idx - 1)) return ctx.syntax_error();

  std::vector<Source> srcs(static_cast<size_t>(numkeys));
  size_t i = numkeys_idx + 1;
  for (Source& s : srcs) {
    std::string_view key = ctx.arg(i++);
    // A set input loses its due members first, as in the set commands.
    Obj* v = dst ? ctx.lookup_write(key) : ctx.lookup_read(key);
    v = remove_expired_subkeys(ctx, key, v);
    if (v == nullptr) continue;
    if (v->type() == ObjType::kZSet) s.zset = &v->as<ZSetValue>();
    else if (v->type() == ObjType::kSet) s.set = &v->as<SetValue>();
    else return ctx.wrong_type();
  }

  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  const bool weighted = op != SetOp::kDiff && !card_only;
  while (i < ctx.argc()) {
    std::string_view opt = ctx.arg(i);
    const size_t remaining = ctx.argc() - i;
    if (weighted && remaining >= srcs.size() + 1 && equals_nocase(opt, "weights")) {
      ++i;
      for (Source& s : srcs) {
        if (!parse_double(ctx.arg(i++), &s.weight)) {
          return ctx.reply.error("ERR weight value is not a float");
        }
      }
    } else if (weighted && remaining >= 2 && equals_nocase(opt, "aggregate")) {
      std::string_view how = ctx.arg(i + 1);
      if (equals_nocase(how, "sum")) agg = Aggregate::kSum;
      else if (equals_nocase(how, "min")) agg = Aggregate::kMin;
      else if (equals_nocase(how, "max")) agg = Aggregate::kMax;
      else if (equals_nocase(how, "count")) agg = Aggregate::kCount;
      else return ctx.syntax_error();
      i += 2;
    } else if (!dst && !card_only && equals_nocase(opt, "withscores")) {
      withscores = true;
      ++i;
    } else if (card_only && remaining >= 2 && equals_nocase(opt, "limit")) {
      if (!parse_int64(ctx.arg(i + 1), &limit) || limit < 0) {
        return ctx.reply.error("ERR LIMIT can't be negative");
      }
      i += 2;
    } else {
      return ctx.syntax_error();
    }
  }

  // The result, member -> score.
  std::unordered_map<std::string, double> acc;
  if (op == SetOp::kDiff) {
    const Source& first = srcs[0];
    first.for_each([&](std::string_view member, double score) {
      for (size_t j = 1; j < srcs.size(); ++j) {
        if (srcs[j].score(member)) return;
      }
      acc.emplace(member, score);
    });
  } else {
    // Smallest inputs first, as the reference server orders them (this
    // fixes the order in which sums are rounded).
    std::stable_sort(srcs.begin(), srcs.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
    if (op == SetOp::kInter) {
      if (srcs[0].size() > 0) {
        int64_t found = 0;
        bool done = false;
        srcs[0].for_each([&](std::string_view member, double score) {
          if (done) return;
          double total = contribution_or_zero(srcs[0].weight, score, agg);
          for (size_t j = 1; j < srcs.size(); ++j) {
            std::optional<double> other = srcs[j].score(member);
            if (!other) return;
            aggregate_into(&total, contribution(srcs[j].weight, *other, agg), agg);
          }
          ++found;
          if (card_only) {
            if (limit > 0 && found >= limit) done = true;
            return;
          }
          acc.emplace(member, total);
        });
        if (card_only) return ctx.reply.integer(found);
      }
      if (card_only) return ctx.reply.integer(0);
    } else {
      for (const Source& s : srcs) {
        s.for_each([&](std::string_view member, double score) {
          const double value = contribution_or_zero(s.weight, score, agg);
          auto [it, inserted] = acc.emplace(member, value);
          if (!inserted) aggregate_into(&it->second, value, agg);
        });
      }
    }
  }

  std::vector<Item> items(acc.begin(), acc.end());
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return store::zset_less(a.second, a.first, b.second, b.first);
  });
  if (dst) {
    store_result(ctx, *dst, items);
    return ctx.reply.integer(static_cast<int64_t>(items.size()));
  }
  reply_items(ctx, items, withscores);
}

// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM | MIN | MAX | COUNT] [WITHSCORES]
void cmd_zunion(CommandContext& ctx) {
  zsetop_generic(ctx, std::nullopt, 1, SetOp::kUnion, false);
}

// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM | MIN | MAX | COUNT] [WITHSCORES]
void cmd_zinter(CommandContext& ctx) {
  zsetop_generic(ctx, std::nullopt, 1, SetOp::kInter, false);
}

// ZDIFF numkeys key [key ...] [WITHSCORES]
void cmd_zdiff(CommandContext& ctx) { zsetop_generic(ctx, std::nullopt, 1, SetOp::kDiff, false); }

// ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM | MIN | MAX | COUNT]
void cmd_zunionstore(CommandContext& ctx) {
  zsetop_generic(ctx, ctx.arg(1), 2, SetOp::kUnion, false);
}

// ZINTERSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM | MIN | MAX | COUNT]
void cmd_zinterstore(CommandContext& ctx) {
  zsetop_generic(ctx, ctx.arg(1), 2, SetOp::kInter, false);
}

// ZDIFFSTORE dst numkeys key [key ...]
void cmd_zdiffstore(CommandContext& ctx) {
  zsetop_generic(ctx, ctx.arg(1), 2, SetOp::kDiff, false);
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void cmd_zintercard(CommandContext& ctx) {
  zsetop_generic(ctx, std::nullopt, 1, SetOp::kInter, true);
}

// ------------------------------------------------------------ ZSCAN

// A score as ZSCAN shows it. A skiplist set's scores are printed with
// "%.17g" in every Redis version ("1e+17", "0.10000000000000001"). A
// listpack set shows the text the score was stored as, which is how replies
// render it in Redis 7.2+ ("100000000000000000", "0.1"); before 7.2 (the
// legacy mode) that text was "%.17g" except for integral scores within
// +-2^62, written as integers.
std::string scan_score_text(double score, bool listpack, bool legacy) {
  if (!listpack) return protocol::format_double(score, true);
  if (!legacy) return protocol::format_double(score);
  char text[protocol::kDoubleTextMax];
  if (const size_t n = protocol::render_integral(text, score)) return std::string(text, n);
  return protocol::format_double(score, true);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void cmd_zscan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.arg(2), &cursor)) return ctx.reply.error("ERR invalid cursor");
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  if (v->type() != ObjType::kZSet) return ctx.wrong_type();

  ScanArgs scan;
  if (!parse_scan_args(ctx, 3, kScanNoScores, &scan)) return;
  int64_t count = scan.count;
  std::optional<std::string_view> pattern = scan.pattern;

  auto& z = v->as<ZSetValue>();
  std::vector<Item> found;
  auto gather = [&](std::string_view member, double score) {
    if (!pattern || glob_match(*pattern, member)) found.emplace_back(member, score);
  };
  if (z.is_listpack()) {
    cursor = z.scan(0, gather);
  } else {
    // Visit buckets until count elements are gathered, the scan completes,
    // or ten visits per requested element were spent.
    int64_t visits_left = count > kInt64Max / 10 ? kInt64Max : count * 10;
    size_t seen = 0;
    do {
      cursor = z.scan(cursor, [&](std::string_view member, double score) {
        ++seen;
        gather(member, score);
      });
    } while (cursor != 0 && visits_left-- > 0 && seen < static_cast<uint64_t>(count));
  }
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(scan.noscores ? found.size() : found.size() * 2);
  const bool listpack = z.is_listpack();
  for (const auto& [member, score] : found) {
    ctx.reply.bulk(member);
    if (!scan.noscores) ctx.reply.bulk(scan_score_text(score, listpack, ctx.reply.legacy_doubles()));
  }
}

}  // namespace

// ------------------------------------------------------------ registration

void register_zset_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kMovable = kCmdMovableKeys;
  constexpr uint32_t kBlocking = kCmdBlocking;
  constexpr uint32_t kAcl = kAclSortedSet;

  t.add({.name = "zadd", .arity = -4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Adds members with scores to a sorted set, or updates their scores.",
         .complexity = "O(log(N)) for each member added, N being the size of the set.",
         .handler = &cmd_zadd});
  t.add({.name = "zincrby", .arity = 4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Adds an amount to the score of a member of a sorted set.",
         .complexity = "O(log(N)) where N is the size of the set.", .handler = &cmd_zincrby});
  t.add({.name = "zrem", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Removes members from a sorted set; deletes the key when it empties.",
         .complexity = "O(M*log(N)) for M members removed from a set of N.",
         .handler = &cmd_zrem});
  t.add({.name = "zcard", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Returns the number of members of a sorted set.", .complexity = "O(1)",
         .handler = &cmd_zcard});
  t.add({.name = "zscore", .arity = 3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Returns the score of a member of a sorted set.", .complexity = "O(1)",
         .handler = &cmd_zscore});
  t.add({.name = "zmscore", .arity = -3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "6.2.0",
         .summary = "Returns the scores of several members of a sorted set.",
         .complexity = "O(N) where N is the number of members asked for.",
         .handler = &cmd_zmscore});
  t.add({.name = "zrank", .arity = -3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Returns the position of a member in a sorted set, lowest score first.",
         .complexity = "O(log(N))", .handler = &cmd_zrank});
  t.add({.name = "zrevrank", .arity = -3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Returns the position of a member in a sorted set, highest score first.",
         .complexity = "O(log(N))", .handler = &cmd_zrevrank});
  t.add({.name = "zcount", .arity = 4, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Counts the members of a sorted set within a score interval.",
         .complexity = "O(log(N))", .handler = &cmd_zcount});
  t.add({.name = "zlexcount", .arity = 4, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.8.9",
         .summary = "Counts the members of a sorted set within a lexicographic interval.",
         .complexity = "O(log(N))", .handler = &cmd_zlexcount});
  t.add({.name = "zrange", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Returns members of a sorted set by rank, score or lexicographic interval.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrange});
  t.add({.name = "zrangestore", .arity = -5, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "sorted_set", .since = "6.2.0",
         .summary = "Stores a range of a sorted set under another key.",
         .complexity = "O(log(N)+M) with M the number of members stored.",
         .handler = &cmd_zrangestore});
  t.add({.name = "zrevrange", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Returns members of a sorted set by rank, highest score first.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrevrange});
  t.add({.name = "zrangebyscore", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.0.5",
         .summary = "Returns members of a sorted set within a score interval.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrangebyscore});
  t.add({.name = "zrevrangebyscore", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.2.0",
         .summary = "Returns members of a sorted set within a score interval, highest first.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrevrangebyscore});
  t.add({.name = "zrangebylex", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.8.9",
         .summary = "Returns members of a sorted set within a lexicographic interval.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrangebylex});
  t.add({.name = "zrevrangebylex", .arity = -4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.8.9",
         .summary = "Returns members of a sorted set within a lexicographic interval, last first.",
         .complexity = "O(log(N)+M) with M the number of members returned.",
         .handler = &cmd_zrevrangebylex});
  t.add({.name = "zremrangebyrank", .arity = 4, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Removes the members of a sorted set within a rank interval.",
         .complexity = "O(log(N)+M) with M the number of members removed.",
         .handler = &cmd_zremrangebyrank});
  t.add({.name = "zremrangebyscore", .arity = 4, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "1.2.0",
         .summary = "Removes the members of a sorted set within a score interval.",
         .complexity = "O(log(N)+M) with M the number of members removed.",
         .handler = &cmd_zremrangebyscore});
  t.add({.name = "zremrangebylex", .arity = 4, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.8.9",
         .summary = "Removes the members of a sorted set within a lexicographic interval.",
         .complexity = "O(log(N)+M) with M the number of members removed.",
         .handler = &cmd_zremrangebylex});
  t.add({.name = "zpopmin", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "5.0.0",
         .summary = "Removes and returns the members with the lowest scores.",
         .complexity = "O(log(N)*M) with M the number of members popped.",
         .handler = &cmd_zpopmin});
  t.add({.name = "zpopmax", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "5.0.0",
         .summary = "Removes and returns the members with the highest scores.",
         .complexity = "O(log(N)*M) with M the number of members popped.",
         .handler = &cmd_zpopmax});
  t.add({.name = "zmpop", .arity = -4, .flags = kWrite | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "7.0.0",
         .summary = "Pops members from the first non-empty sorted set of several keys.",
         .complexity = "O(K) + O(M*log(N)) for K keys and M members popped.",
         .handler = &cmd_zmpop, .get_keys = &keys_after_count_at_1});
  t.add({.name = "bzpopmin", .arity = -3, .flags = kWrite | kCmdNoscript | kBlocking | kFast,
         .acl = kAcl, .first_key = 1, .last_key = -2, .key_step = 1, .group = "sorted_set",
         .since = "5.0.0",
         .summary = "Pops the lowest-scored member of the first non-empty set, or waits for one.",
         .complexity = "O(log(N)) with N the size of the set.", .handler = &cmd_bzpopmin});
  t.add({.name = "bzpopmax", .arity = -3, .flags = kWrite | kCmdNoscript | kBlocking | kFast,
         .acl = kAcl, .first_key = 1, .last_key = -2, .key_step = 1, .group = "sorted_set",
         .since = "5.0.0",
         .summary = "Pops the highest-scored member of the first non-empty set, or waits for one.",
         .complexity = "O(log(N)) with N the size of the set.", .handler = &cmd_bzpopmax});
  t.add({.name = "bzmpop", .arity = -5, .flags = kWrite | kBlocking | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "7.0.0",
         .summary = "Pops members from the first non-empty sorted set of several keys, or waits.",
         .complexity = "O(K) + O(M*log(N)) for K keys and M members popped.",
         .handler = &cmd_bzmpop, .get_keys = &keys_after_count_at_2});
  t.add({.name = "zmove", .arity = -4, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "sorted_set", .since = "8.12.0",
         .summary = "Moves the lowest- or highest-scored members, or a score range, to another "
                    "sorted set, keeping their scores.",
         .complexity = "O(log(N) + K*(log(N)+log(M))) for K members moved between sets of N and M.",
         .handler = &cmd_zmove});
  t.add({.name = "bzmove", .arity = -5, .flags = kWrite | kOom | kBlocking, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "sorted_set", .since = "8.12.0",
         .summary = "Moves the lowest- or highest-scored members to another sorted set, or waits "
                    "for the source to have some.",
         .complexity = "O(K*(log(N)+log(M))) for K members moved between sets of N and M.",
         .handler = &cmd_bzmove});
  t.add({.name = "zmovemember", .arity = -6, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "sorted_set", .since = "8.12.0",
         .summary = "Moves named members to another sorted set, keeping their scores.",
         .complexity = "O(K*(log(N)+log(M))) for K members named, sets of N and M.",
         .handler = &cmd_zmovemember});
  t.add({.name = "zrandmember", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "6.2.0",
         .summary = "Returns random members of a sorted set.",
         .complexity = "O(N) where N is the number of members returned.",
         .handler = &cmd_zrandmember});
  t.add({.name = "zunion", .arity = -3, .flags = kRead | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "6.2.0",
         .summary = "Returns the union of sorted sets.",
         .complexity = "O(N)+O(M*log(M)) for N input members and M result members.",
         .handler = &cmd_zunion, .get_keys = &keys_after_count_at_1});
  t.add({.name = "zinter", .arity = -3, .flags = kRead | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "6.2.0",
         .summary = "Returns the intersection of sorted sets.",
         .complexity = "O(N*K)+O(M*log(M)) for the smallest input N, K inputs, M results.",
         .handler = &cmd_zinter, .get_keys = &keys_after_count_at_1});
  t.add({.name = "zdiff", .arity = -3, .flags = kRead | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "6.2.0",
         .summary = "Returns the members of the first sorted set missing from the others.",
         .complexity = "O(L + (N-K)log(N)) worst case, L input members in all.",
         .handler = &cmd_zdiff, .get_keys = &keys_after_count_at_1});
  t.add({.name = "zunionstore", .arity = -4, .flags = kWrite | kOom | kMovable, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Stores the union of sorted sets under a key.",
         .complexity = "O(N)+O(M*log(M)) for N input members and M result members.",
         .handler = &cmd_zunionstore, .get_keys = &dest_then_keys_after_count_at_2});
  t.add({.name = "zinterstore", .arity = -4, .flags = kWrite | kOom | kMovable, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.0.0",
         .summary = "Stores the intersection of sorted sets under a key.",
         .complexity = "O(N*K)+O(M*log(M)) for the smallest input N, K inputs, M results.",
         .handler = &cmd_zinterstore, .get_keys = &dest_then_keys_after_count_at_2});
  t.add({.name = "zdiffstore", .arity = -4, .flags = kWrite | kOom | kMovable, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "6.2.0",
         .summary = "Stores the difference of sorted sets under a key.",
         .complexity = "O(L + (N-K)log(N)) worst case, L input members in all.",
         .handler = &cmd_zdiffstore, .get_keys = &dest_then_keys_after_count_at_2});
  t.add({.name = "zintercard", .arity = -3, .flags = kRead | kMovable, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "sorted_set", .since = "7.0.0",
         .summary = "Counts the members of the intersection of sorted sets.",
         .complexity = "O(N*K) for the smallest input N and K inputs.",
         .handler = &cmd_zintercard, .get_keys = &keys_after_count_at_1});
  t.add({.name = "zscan", .arity = -3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "sorted_set", .since = "2.8.0",
         .summary = "Walks the members and scores of a sorted set with a cursor.",
         .complexity = "O(1) per call; O(N) for a whole walk.", .handler = &cmd_zscan});
}

}  // namespace peregrine::server
