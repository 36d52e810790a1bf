// The set family: adding, removing and testing members (SADD SREM SISMEMBER
// SMISMEMBER SCARD SMEMBERS SMOVE), random members (SRANDMEMBER SPOP), the
// algebra over several sets with or without a destination (SINTER SINTERCARD
// SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE) and SSCAN.
//
// Encodings as Redis 7.2 and later (and Valkey): a set starts as an intset
// when its members are integers, as a listpack while it has at most
// set-max-listpack-entries members of at most set-max-listpack-value bytes,
// and as a hashtable otherwise; an intset becomes a listpack (or a
// hashtable, past the listpack limits) past set-max-intset-entries or on its
// first non-integer member, and a listpack becomes a hashtable past its
// limits. Redis 7.0 has no listpack sets: `set-max-listpack-entries 0`
// gives its encodings (the differential runner starts Peregrine so when it
// compares against a 7.0 server).
//
// An empty set never stays in the keyspace: the command that removes the
// last member deletes the key. The *STORE variants replace the destination
// whatever it held (dropping its TTL), or delete it when the result is
// empty.
//
// Member expiry (Redis 8.12: SADDEX, SEXPIRE and friends, STTL and friends,
// SPERSIST) is lazy here as for hash fields: every command removes the due
// members of each set it touches before looking at it (deleting the key
// when none are left), so an expired member is invisible to every command,
// SCARD included; the server cron removes the rest. A member keeps its TTL
// through SADD (a member that was due is added anew, without one) and SMOVE
// (which gives the destination's copy the source's TTL, or none); the
// *STORE commands give each stored member the nearest deadline it has in
// the inputs that hold it (SDIFFSTORE: its deadline in the first set).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/scan_args.h"
#include "commands/subkey_expiry.h"
#include "commands/util.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server.h"
#include "store/db.h"
#include "store/set.h"
#include "store/value.h"

namespace peregrine::server {
namespace {

using store::ObjType;
using store::SetLimits;
using store::SetValue;
using store::Obj;
using store::Value;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// ------------------------------------------------------------ shared pieces

SetLimits set_limits(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  SetLimits l;
  l.max_intset_entries = static_cast<size_t>(std::max<int64_t>(c.set_max_intset_entries, 0));
  l.max_listpack_entries = static_cast<size_t>(std::max<int64_t>(c.set_max_listpack_entries, 0));
  l.max_listpack_value = static_cast<size_t>(std::max<int64_t>(c.set_max_listpack_value, 0));
  return l;
}

// Hash tables of sets are seeded from the server's random source.
uint64_t new_seed(CommandContext& ctx) { return ctx.server.random().next_u64(); }

// An empty set value that starts as an intset: the result sets of the
// *STORE commands and the scratch sets of SUNION/SDIFF grow from it.
std::unique_ptr<SetValue> empty_result_set(CommandContext& ctx) {
  return std::make_unique<SetValue>(SetValue::Kind::kIntset, new_seed(ctx));
}

// Wraps a set payload into a keyspace value stamped with its creation time.
Value make_set_value(CommandContext& ctx, std::unique_ptr<SetValue> set) {
  Value v;
  v.type = ObjType::kSet;
  v.encoding = set->encoding();
  v.coll = std::move(set);
  v.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));
  return v;
}

// Looks key up (for writing: no hit/miss accounting) and removes its due
// members. *out is nullptr when the key is missing (or lost its last member
// to expiry). Returns false after replying WRONGTYPE when the key holds
// another type.
bool lookup_set(CommandContext& ctx, std::string_view key, bool for_write, Obj** out) {
  Obj* v = for_write ? ctx.lookup_write(key) : ctx.lookup_read(key);
  if (v != nullptr && v->type() != ObjType::kSet) {
    ctx.wrong_type();
    return false;
  }
  *out = remove_expired_subkeys(ctx, key, v);
  return true;
}

SetValue& set_of(Obj* v) { return v->as<SetValue>(); }

// Replies members as a set (RESP3 '~', RESP2 array).
void reply_members(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply.set(members.size());
  for (const std::string& m : members) ctx.reply.bulk(m);
}

void reply_set_members(CommandContext& ctx, const SetValue& set) {
  ctx.reply.set(set.size());
  set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

// count distinct members chosen at random (count < set size). For a large
// share of the set, a partial shuffle of all members; otherwise random
// draws until enough distinct ones came up.
std::vector<std::string> distinct_random_members(CommandContext& ctx, SetValue& set,
                                                 size_t count) {
  rt::Random& random = ctx.server.random();
  const size_t size = set.size();
  std::vector<std::string> picked;
  if (count * 3 > size) {
    std::vector<std::string> all = set.members();
    for (size_t i = 0; i < count; ++i) std::swap(all[i], all[i + random.uniform(size - i)]);
    all.resize(count);
    return all;
  }
  std::unordered_set<std::string> seen;
  picked.reserve(count);
  while (picked.size() < count) {
    std::string m = set.random_member(random);
    if (seen.insert(m).second) picked.push_back(std::move(m));
  }
  return picked;
}

// The sets named by argv[first, last) for SINTER/SUNION/SDIFF and their
// variants; nullptr stands for a missing key (an empty set). Every key is
// checked, so a key of another type is an error even after a missing one.
// Returns false after replying WRONGTYPE.
bool collect_sets(CommandContext& ctx, size_t first, size_t last, bool for_write,
                  std::vector<SetValue*>* out) {
  out->clear();
  for (size_t i = first; i < last; ++i) {
    Obj* v = nullptr;
    if (!lookup_set(ctx, ctx.arg(i), for_write, &v)) return false;
    out->push_back(v != nullptr ? &set_of(v) : nullptr);
  }
  return true;
}

// Members common to every set (none when one is missing), at most limit of
// them (0: no limit). Walks the smallest set and probes the others.
std::vector<std::string> intersect(std::vector<SetValue*> sets, size_t limit) {
  std::vector<std::string> out;
  for (SetValue* s : sets) {
    if (s == nullptr || s->empty()) return out;
  }
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  bool full = false;
  sets[0]->for_each([&](std::string_view m) {
    if (full) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != sets[0] && !sets[i]->contains(m)) return;
    }
    out.emplace_back(m);
    if (limit != 0 && out.size() >= limit) full = true;
  });
  return out;
}

// Calls fn(member) for each member of the first set that none of the
// others has (missing sets are empty), until fn returns false.
template <typename F>
void for_each_diff_member(const std::vector<SetValue*>& sets, F&& fn) {
  if (sets.empty() || sets[0] == nullptr) return;
  bool more = true;
  sets[0]->for_each([&](std::string_view m) {
    if (!more) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != nullptr && sets[i]->contains(m)) return;
    }
    more = fn(m);
  });
}

enum class SetOp { kUnion, kDiff };

// The union of the sets, or the members of the first that are in none of
// the others, as a new set grown from an intset.
std::unique_ptr<SetValue> union_or_diff(CommandContext& ctx, const std::vector<SetValue*>& sets,
                                        SetOp op) {
  auto result = empty_result_set(ctx);
  const SetLimits limits = set_limits(ctx);
  if (op == SetOp::kUnion) {
    for (SetValue* s : sets) {
      if (s != nullptr) s->for_each([&](std::string_view m) { result->add(m, limits); });
    }
    return result;
  }
  for_each_diff_member(sets, [&](std::string_view m) {
    result->add(m, limits);
    return true;
  });
  return result;
}

// Gives each member of a *STORE result the deadline it has in the inputs:
// the nearest among the sets that hold it (a set where it has none counts
// as never), or for a difference its deadline in the first set.
void carry_ttls(CommandContext& ctx, const std::vector<SetValue*>& sets, bool first_only,
                SetValue* result) {
  bool any = false;
  for (const SetValue* s : sets) any = any || (s != nullptr && s->volatile_count() > 0);
  if (!any) return;
  const SetLimits limits = set_limits(ctx);
  for (const std::string& m : result->members()) {
    int64_t nearest = -1;
    for (size_t i = 0; i < (first_only ? 1 : sets.size()); ++i) {
      const int64_t when = sets[i] != nullptr ? sets[i]->expire_at(m) : -1;
      if (when >= 0 && (nearest < 0 || when < nearest)) nearest = when;
    }
    if (nearest >= 0) result->set_expire(m, nearest, limits);
  }
}

// Stores result under dst for the *STORE commands (replacing any value and
// its TTL), or deletes dst when result is empty; replies the result size.
void store_result(CommandContext& ctx, std::string_view dst, std::unique_ptr<SetValue> result) {
  const size_t n = result->size();
  if (n == 0) {
    if (ctx.db.remove(dst)) ctx.key_modified(dst);
  } else {
    note_member_ttls(ctx.db, dst, ctx.db.set(dst, make_set_value(ctx, std::move(result))));
    ctx.key_modified(dst);
  }
  ctx.reply.integer(static_cast<int64_t>(n));
}

// ------------------------------------------------------------ single set

// SADD key member [member ...]
void cmd_sadd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  const SetLimits limits = set_limits(ctx);
  int64_t added = 0;
  if (v == nullptr) {
    auto set = SetValue::for_first_member(ctx.arg(2), ctx.argc() - 2, limits, new_seed(ctx));
    for (size_t i = 2; i < ctx.argc(); ++i) added += set->add(ctx.arg(i), limits) ? 1 : 0;
    ctx.db.set(key, make_set_value(ctx, std::move(set)));
  } else {
    SetValue& set = set_of(v);
    set.fit_hint(ctx.argc() - 2, limits);
    for (size_t i = 2; i < ctx.argc(); ++i) added += set.add(ctx.arg(i), limits) ? 1 : 0;
    v->set_encoding(set.encoding());
  }
  if (added > 0) ctx.key_modified(key);
  ctx.reply.integer(added);
}

// SREM key member [member ...]
void cmd_srem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  if (v == nullptr) return ctx.reply.integer(0);
  SetValue& set = set_of(v);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !set.empty(); ++i) {
    removed += set.remove(ctx.arg(i)) ? 1 : 0;
  }
  if (removed > 0) {
    if (set.empty()) ctx.db.remove(key);
    ctx.key_modified(key);
  }
  ctx.reply.integer(removed);
}

// SCARD key
void cmd_scard(CommandContext& ctx) {
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  ctx.reply.integer(v == nullptr ? 0 : static_cast<int64_t>(set_of(v).size()));
}

// SISMEMBER key member
void cmd_sismember(CommandContext& ctx) {
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  ctx.reply.integer(v != nullptr && set_of(v).contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void cmd_smismember(CommandContext& ctx) {
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.integer(v != nullptr && set_of(v).contains(ctx.arg(i)) ? 1 : 0);
  }
}

// SMEMBERS key
void cmd_smembers(CommandContext& ctx) {
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  if (v == nullptr) return ctx.reply.set(0);
  reply_set_members(ctx, set_of(v));
}

// SMOVE source destination member
void cmd_smove(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1);
  std::string_view dst_key = ctx.arg(2);
  std::string_view member = ctx.arg(3);
  Obj* src = ctx.lookup_write(src_key);
  Obj* dst = ctx.lookup_write(dst_key);
  // A missing source answers 0 before any type check.
  if (src == nullptr) return ctx.reply.integer(0);
  if (src->type() != ObjType::kSet || (dst != nullptr && dst->type() != ObjType::kSet)) {
    return ctx.wrong_type();
  }
  const bool same = src == dst;
  src = remove_expired_subkeys(ctx, src_key, src);
  dst = same ? src : remove_expired_subkeys(ctx, dst_key, dst);
  if (src == nullptr) return ctx.reply.integer(0);
  if (same) return ctx.reply.integer(set_of(src).contains(member) ? 1 : 0);
  const int64_t deadline = set_of(src).expire_at(member);
  if (!set_of(src).remove(member)) return ctx.reply.integer(0);
  if (set_of(src).empty()) ctx.db.remove(src_key);
  ctx.key_modified(src_key);

  // The member arrives with the TTL it had in the source, or none. The
  // destination counts as modified (for WATCH) only when the member or its
  // TTL changed there, as in Redis.
  const SetLimits limits = set_limits(ctx);
  bool changed = true;
  if (dst == nullptr) {
    auto set = SetValue::for_first_member(member, 1, limits, new_seed(ctx));
    set->add(member, limits);
    dst = ctx.db.set(dst_key, make_set_value(ctx, std::move(set)));
  } else {
    changed = set_of(dst).add(member, limits);
  }
  SetValue& to = set_of(dst);
  if (deadline >= 0) {
    changed = changed || to.expire_at(member) != deadline;
    to.set_expire(member, deadline, limits);
  } else if (to.persist(member)) {
    changed = true;
  }
  dst->set_encoding(to.encoding());
  note_member_ttls(ctx.db, dst_key, dst);
  if (changed) ctx.key_modified(dst_key);
  ctx.reply.integer(1);
}

// ------------------------------------------------------------ random members

// SRANDMEMBER key [count]
void cmd_srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.syntax_error();
  std::string_view key = ctx.arg(1);
  if (ctx.argc() == 2) {
    Obj* v = nullptr;
    if (!lookup_set(ctx, key, /*for_write=*/false, &v)) return;
    if (v == nullptr) return ctx.reply.null_bulk();
    return ctx.reply.bulk(set_of(v).random_member(ctx.server.random()));
  }

  int64_t count = 0;
  if (!ctx.parse_signed_count(ctx.arg(2), &count)) return;
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/false, &v)) return;
  if (v == nullptr || count == 0) return ctx.reply.array(0);
  SetValue& set = set_of(v);
  rt::Random& random = ctx.server.random();

  if (count < 0) {
    // Repetitions allowed: -count independent draws.
    const uint64_t n = static_cast<uint64_t>(-count);
    ctx.reply.array(n);
    for (uint64_t i = 0; i < n; ++i) ctx.reply.bulk(set.random_member(random));
    return;
  }
  if (static_cast<uint64_t>(count) >= set.size()) {
    ctx.reply.array(set.size());
    set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
    return;
  }
  std::vector<std::string> picked = distinct_random_members(ctx, set, static_cast<size_t>(count));
  ctx.reply.array(picked.size());
  for (const std::string& m : picked) ctx.reply.bulk(m);
}

// SPOP key [count]
void cmd_spop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.syntax_error();
  std::string_view key = ctx.arg(1);
  if (ctx.argc() == 2) {
    Obj* v = nullptr;
    if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
    if (v == nullptr) return ctx.reply.null_bulk();
    std::string m = set_of(v).pop_random(ctx.server.random());
    if (set_of(v).empty()) ctx.db.remove(key);
    ctx.key_modified(key);
    return ctx.reply.bulk(m);
  }

  int64_t count = 0;
  if (!parse_int64(ctx.arg(2), &count) || count < 0) {
    return ctx.reply.error("ERR value is out of range, must be positive");
  }
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  if (v == nullptr || count == 0) return ctx.reply.set(0);
  SetValue& set = set_of(v);

  if (static_cast<uint64_t>(count) >= set.size()) {
    // The whole set: reply it and drop the key.
    reply_set_members(ctx, set);
    ctx.db.remove(key);
    ctx.key_modified(key);
    return;
  }
  std::vector<std::string> popped = distinct_random_members(ctx, set, static_cast<size_t>(count));
  for (const std::string& m : popped) set.remove(m);
  // Popping all but a sixth or less of a hash table leaves the rest in a
  // listpack when it fits one: Redis 7.2 rebuilds the set then, starting
  // from a listpack.
  const SetLimits limits = set_limits(ctx);
  if (set.size() * 5 <= static_cast<uint64_t>(count) && set.kind() == SetValue::Kind::kHashtable &&
      set.size() <= limits.max_listpack_entries &&
      set.max_member_length() <= limits.max_listpack_value) {
    set.convert(SetValue::Kind::kListpack);
    v->set_encoding(set.encoding());
  }
  ctx.key_modified(key);
  reply_members(ctx, popped);
}

// ------------------------------------------------------------ set algebra

// SINTER key [key ...]
void cmd_sinter(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 1, ctx.argc(), /*for_write=*/false, &sets)) return;
  reply_members(ctx, intersect(sets, 0));
}

// SINTERSTORE destination key [key ...]
// The result's encoding as Redis 7.2 builds it: an intset when the smallest
// set is one, otherwise a listpack that becomes a hash table past the
// listpack limits; a result of integers only then becomes an intset when it
// fits one (so a table of integers can give an intset, and a listpack of
// more integers than set-max-intset-entries stays a listpack).
void cmd_sinterstore(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, ctx.argc(), /*for_write=*/true, &sets)) return;
  std::vector<std::string> common = intersect(sets, 0);
  const SetLimits limits = set_limits(ctx);
  const SetValue* smallest = nullptr;
  for (const SetValue* s : sets) {
    if (s != nullptr && (smallest == nullptr || s->size() < smallest->size())) smallest = s;
  }
  auto result = empty_result_set(ctx);
  if (smallest != nullptr && smallest->kind() != SetValue::Kind::kIntset) {
    result->convert(SetValue::Kind::kListpack);
  }
  bool only_integers = true;
  for (const std::string& m : common) {
    int64_t ignored;
    only_integers = only_integers && store::parse_set_integer(m, &ignored);
    result->add(m, limits);
  }
  if (only_integers && result->kind() != SetValue::Kind::kIntset &&
      result->size() <= limits.max_intset_entries) {
    result->convert(SetValue::Kind::kIntset);
  }
  carry_ttls(ctx, sets, /*first_only=*/false, result.get());
  store_result(ctx, ctx.arg(1), std::move(result));
}

// The arguments of SINTERCARD, SUNIONCARD and SDIFFCARD:
// numkeys key [key ...] [APPROX] [LIMIT limit] (APPROX only where
// allow_approx). Replies the error and returns false when they are not
// valid.
struct CardArgs {
  size_t keys_end = 0;
  size_t limit = 0;  // 0: none
};
bool parse_card_args(CommandContext& ctx, bool allow_approx, CardArgs* out) {
  int64_t numkeys = 0;
  if (!parse_int64(ctx.arg(1), &numkeys) || numkeys <= 0) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return false;
  }
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  out->keys_end = 2 + static_cast<size_t>(numkeys);
  for (size_t i = out->keys_end; i < ctx.argc(); ++i) {
    if (equals_nocase(ctx.arg(i), "limit") && i + 1 < ctx.argc()) {
      int64_t limit = 0;
      if (!parse_int64(ctx.arg(++i), &limit) || limit < 0) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return false;
      }
      out->limit = static_cast<size_t>(limit);
    } else if (allow_approx && equals_nocase(ctx.arg(i), "approx")) {
      // Redis estimates with a HyperLogLog; the exact count is a valid
      // answer to that (see docs/COMPATIBILITY.md).
    } else {
      ctx.syntax_error();
      return false;
    }
  }
  return true;
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void cmd_sintercard(CommandContext& ctx) {
  CardArgs a;
  if (!parse_card_args(ctx, /*allow_approx=*/false, &a)) return;
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, a.keys_end, /*for_write=*/false, &sets)) return;
  ctx.reply.integer(static_cast<int64_t>(intersect(sets, a.limit).size()));
}

// SUNIONCARD numkeys key [key ...] [APPROX] [LIMIT limit] (Redis 8.10):
// how many distinct members the sets have together, counting stopped at
// the limit.
void cmd_sunioncard(CommandContext& ctx) {
  CardArgs a;
  if (!parse_card_args(ctx, /*allow_approx=*/true, &a)) return;
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, a.keys_end, /*for_write=*/false, &sets)) return;
  std::erase(sets, nullptr);  // a missing key is an empty set
  // The largest set counts whole; the others add what it lacks.
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* x, const SetValue* y) { return x->size() > y->size(); });
  size_t n = sets.empty() ? 0 : sets[0]->size();
  std::unordered_set<std::string> extra;
  for (size_t i = 1; i < sets.size() && (a.limit == 0 || n < a.limit); ++i) {
    if (sets[i] == sets[0]) continue;
    sets[i]->for_each([&](std::string_view m) {
      if (a.limit != 0 && n >= a.limit) return;
      if (sets[0]->contains(m)) return;
      if (extra.emplace(m).second) ++n;
    });
  }
  if (a.limit != 0) n = std::min(n, a.limit);
  ctx.reply.integer(static_cast<int64_t>(n));
}

// SDIFFCARD numkeys key [key ...] [LIMIT limit] (Redis 8.10): how many
// members of the first set none of the others has, counting stopped at the
// limit.
void cmd_sdiffcard(CommandContext& ctx) {
  CardArgs a;
  if (!parse_card_args(ctx, /*allow_approx=*/false, &a)) return;
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, a.keys_end, /*for_write=*/false, &sets)) return;
  size_t n = 0;
  for_each_diff_member(sets, [&](std::string_view) { return ++n != a.limit; });
  ctx.reply.integer(static_cast<int64_t>(n));
}

// SUNION key [key ...]
void cmd_sunion(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 1, ctx.argc(), /*for_write=*/false, &sets)) return;
  reply_set_members(ctx, *union_or_diff(ctx, sets, SetOp::kUnion));
}

// SUNIONSTORE destination key [key ...]
void cmd_sunionstore(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, ctx.argc(), /*for_write=*/true, &sets)) return;
  auto result = union_or_diff(ctx, sets, SetOp::kUnion);
  carry_ttls(ctx, sets, /*first_only=*/false, result.get());
  store_result(ctx, ctx.arg(1), std::move(result));
}

// SDIFF key [key ...]
void cmd_sdiff(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 1, ctx.argc(), /*for_write=*/false, &sets)) return;
  reply_set_members(ctx, *union_or_diff(ctx, sets, SetOp::kDiff));
}

// SDIFFSTORE destination key [key ...]
void cmd_sdiffstore(CommandContext& ctx) {
  std::vector<SetValue*> sets;
  if (!collect_sets(ctx, 2, ctx.argc(), /*for_write=*/true, &sets)) return;
  auto result = union_or_diff(ctx, sets, SetOp::kDiff);
  carry_ttls(ctx, sets, /*first_only=*/true, result.get());
  store_result(ctx, ctx.arg(1), std::move(result));
}

// ------------------------------------------------------------ SSCAN

// SSCAN key cursor [MATCH pattern] [COUNT count]
void cmd_sscan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.arg(2), &cursor)) return ctx.reply.error("ERR invalid cursor");
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  if (v == nullptr) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    ctx.reply.array(0);
    return;
  }

  ScanArgs scan;
  if (!parse_scan_args(ctx, 3, kScanPlain, &scan)) return;
  int64_t count = scan.count;
  std::optional<std::string_view> pattern = scan.pattern;

  // Visit buckets until count members are gathered, the scan completes, or
  // ten visits per requested member were spent (a sparse table). The
  // compact encodings hand out everything in the first visit.
  SetValue& set = set_of(v);
  std::vector<std::string> found;
  int64_t visits_left = count > kInt64Max / 10 ? kInt64Max : count * 10;
  do {
    cursor = set.scan(cursor, [&](std::string_view m) { found.emplace_back(m); });
  } while (cursor != 0 && visits_left-- > 0 && found.size() < static_cast<uint64_t>(count));

  if (pattern) {
    std::erase_if(found, [&](const std::string& m) { return !glob_match(*pattern, m); });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(found.size());
  for (const std::string& m : found) ctx.reply.bulk(m);
}

// ------------------------------------------------------------ member expiry

// The "MEMBERS nummembers member ..." block of SADDEX and SEXPIRE and
// friends, which may stand anywhere after the fixed arguments, options
// before or after it: parses it at argv[*i] (the MEMBERS word), moving *i
// past it. SADDEX (saddex) only needs the count after the word (else an
// arity error); the SEXPIRE family needs a member too. Replies the error
// and returns false when it is malformed.
bool parse_members_block(CommandContext& ctx, size_t* i, bool saddex,
                         std::string_view count_error, SubkeyList* out) {
  if (out->count != 0) {
    ctx.reply.error("ERR MEMBERS keyword specified multiple times");
    return false;
  }
  int64_t n = 0;
  if (saddex && *i + 1 >= ctx.argc()) {
    ctx.wrong_arity();
    return false;
  }
  if (!saddex && *i + 2 >= ctx.argc()) {
    ctx.reply.error("ERR MEMBERS requires at least nummembers and one member argument");
    return false;
  }
  if (!parse_int64(ctx.arg(*i + 1), &n) || n < 1 || n > std::numeric_limits<int32_t>::max()) {
    ctx.reply.error(count_error);
    return false;
  }
  if (static_cast<uint64_t>(n) > ctx.argc() - *i - 2) {
    ctx.reply.error("ERR wrong number of arguments");
    return false;
  }
  out->first = *i + 2;
  out->count = static_cast<size_t>(n);
  *i += 2 + out->count;
  return true;
}

void unknown_argument(CommandContext& ctx, std::string_view arg) {
  ctx.reply.error("ERR unknown argument: " + std::string(arg));
}

// SADDEX key [MNX | MXX] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms |
//        KEEPTTL] MEMBERS nummembers member [member ...]
// (Redis 8.12.) Adds the members, giving each the deadline, or keeping an
// existing member's TTL (KEEPTTL), or clearing it (no expiry option). MNX:
// only when none of them is a member; MXX: only when all are. Replies 1,
// or 0 when the condition stopped it. A deadline already due removes the
// members that exist and adds none. The arguments are checked before the
// key's type.
void cmd_saddex(CommandContext& ctx) {
  enum class Cond { kNone, kMnx, kMxx } cond = Cond::kNone;
  bool expiry_given = false;
  bool keep_ttl = false;
  std::optional<int64_t> deadline;
  SubkeyList members;
  for (size_t i = 2; i < ctx.argc();) {
    std::string_view word = ctx.arg(i);
    const std::optional<FieldExpiry> expiry = field_expiry_keyword(word);
    if (equals_nocase(word, "members")) {
      if (!parse_members_block(ctx, &i, /*saddex=*/true, "ERR invalid number of members",
                               &members)) {
        return;
      }
    } else if (equals_nocase(word, "mnx") || equals_nocase(word, "mxx")) {
      if (cond != Cond::kNone) {
        return ctx.reply.error("ERR Only one of MXX or MNX arguments can be specified");
      }
      cond = equals_nocase(word, "mnx") ? Cond::kMnx : Cond::kMxx;
      ++i;
    } else if (expiry || equals_nocase(word, "keepttl")) {
      if (expiry_given) {
        return ctx.reply.error(
            "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
      }
      expiry_given = true;
      if (!expiry) {
        keep_ttl = true;
        ++i;
        continue;
      }
      if (i + 1 >= ctx.argc()) return ctx.reply.error("ERR missing expire time");
      deadline = field_expiry_deadline(ctx, *expiry, ctx.arg(i + 1));
      if (!deadline) return;
      i += 2;
    } else {
      return unknown_argument(ctx, word);
    }
  }
  if (members.count == 0) return ctx.reply.error("ERR missing MEMBERS argument");

  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  if (cond != Cond::kNone) {
    for (size_t j = 0; j < members.count; ++j) {
      const bool present = v != nullptr && set_of(v).contains(ctx.arg(members.first + j));
      if (present == (cond == Cond::kMnx)) return ctx.reply.integer(0);
    }
  }
  if (deadline && *deadline <= ctx.now_ms) {
    bool removed = false;
    for (size_t j = 0; j < members.count && v != nullptr; ++j) {
      removed = set_of(v).remove(ctx.arg(members.first + j)) || removed;
    }
    if (removed) {
      if (set_of(v).empty()) ctx.db.remove(key);
      ctx.key_modified(key);
    }
    return ctx.reply.integer(1);
  }
  const SetLimits limits = set_limits(ctx);
  if (v == nullptr) {
    v = ctx.db.set(key, make_set_value(ctx, SetValue::for_first_member(
                                                 ctx.arg(members.first), members.count,
                                                 limits, new_seed(ctx))));
  } else {
    set_of(v).fit_hint(members.count, limits);
  }
  // The key counts as modified (for WATCH) only when a member or a TTL
  // changed, as SADD's does only when it added a member.
  SetValue& set = set_of(v);
  bool changed = false;
  for (size_t j = 0; j < members.count; ++j) {
    std::string_view m = ctx.arg(members.first + j);
    changed = set.add(m, limits) || changed;
    if (deadline) {
      changed = changed || set.expire_at(m) != *deadline;
      set.set_expire(m, *deadline, limits);
    } else if (!keep_ttl) {
      changed = set.persist(m) || changed;
    }
  }
  v->set_encoding(set.encoding());
  note_member_ttls(ctx.db, key, v);
  if (changed) ctx.key_modified(key);
  ctx.reply.integer(1);
}

// Shared by SEXPIRE, SPEXPIRE, SEXPIREAT and SPEXPIREAT:
//   key time [NX | XX | GT | LT] MEMBERS nummembers member [member ...]
// with the condition before or after the MEMBERS block. The time is in
// seconds or milliseconds, relative to base_ms (now, or 0 for the *AT
// forms). Per member: -2 when missing, 0 when the condition stops it, 2
// when the deadline is already due (the member is removed), else 1.
void sexpire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  std::optional<int64_t> when = parse_subkey_deadline(ctx, ctx.arg(2), seconds, base_ms);
  if (!when) return;
  // The conditions given (one may be repeated; two different ones are an
  // error once the whole command has been read).
  ExpireCond cond = ExpireCond::kNone;
  bool several = false;
  SubkeyList members;
  for (size_t i = 3; i < ctx.argc();) {
    std::string_view word = ctx.arg(i);
    if (equals_nocase(word, "members")) {
      if (!parse_members_block(ctx, &i, /*saddex=*/false,
                               "ERR Parameter `numMembers` should be greater than 0", &members)) {
        return;
      }
    } else if (std::optional<ExpireCond> c = parse_expire_cond(word)) {
      several = several || (cond != ExpireCond::kNone && cond != *c);
      cond = *c;
      ++i;
    } else {
      return unknown_argument(ctx, word);
    }
  }
  if (members.count == 0) return ctx.reply.error("ERR missing MEMBERS argument");
  if (several) return ctx.reply.error("ERR Multiple condition flags specified");

  const SetLimits limits = set_limits(ctx);
  std::vector<int64_t> results;
  results.reserve(members.count);
  bool changed = false;
  for (size_t j = 0; j < members.count; ++j) {
    std::string_view m = ctx.arg(members.first + j);
    if (v == nullptr || !set_of(v).contains(m)) {
      results.push_back(kNoSubkey);
    } else if (!expire_condition_met(cond, set_of(v).expire_at(m), *when)) {
      results.push_back(kConditionNotMet);
    } else if (*when <= ctx.now_ms) {
      set_of(v).remove(m);
      results.push_back(kSubkeyDeleted);
      changed = true;
    } else {
      set_of(v).set_expire(m, *when, limits);
      results.push_back(kDeadlineSet);
      changed = true;
    }
  }
  if (changed) {
    if (set_of(v).empty()) {
      ctx.db.remove(key);
    } else {
      v->set_encoding(set_of(v).encoding());
      note_member_ttls(ctx.db, key, v);
    }
    ctx.key_modified(key);
  }
  reply_integers(ctx, results);
}

void cmd_sexpire(CommandContext& ctx) { sexpire_generic(ctx, ctx.now_ms, /*seconds=*/true); }
void cmd_spexpire(CommandContext& ctx) { sexpire_generic(ctx, ctx.now_ms, /*seconds=*/false); }
void cmd_sexpireat(CommandContext& ctx) { sexpire_generic(ctx, 0, /*seconds=*/true); }
void cmd_spexpireat(CommandContext& ctx) { sexpire_generic(ctx, 0, /*seconds=*/false); }

constexpr SubkeyListWords kMembersWords{"MEMBERS", "nummembers",
                                        "ERR Number of members must be a positive integer"};

// Shared by STTL, SPTTL, SEXPIRETIME and SPEXPIRETIME:
//   key MEMBERS nummembers member [member ...]
// Per member: -2 when missing, -1 without TTL, else the remaining time (or
// the absolute deadline), in milliseconds or rounded up to seconds.
void sttl_generic(CommandContext& ctx, bool in_ms, bool absolute) {
  Obj* v = nullptr;
  if (!lookup_set(ctx, ctx.arg(1), /*for_write=*/false, &v)) return;
  auto members = parse_subkey_list(ctx, 2, kMembersWords);
  if (!members) return;
  reply_subkey_ttls(ctx, v != nullptr ? &set_of(v) : nullptr, *members, in_ms, absolute);
}

void cmd_sttl(CommandContext& ctx) { sttl_generic(ctx, /*in_ms=*/false, /*absolute=*/false); }
void cmd_spttl(CommandContext& ctx) { sttl_generic(ctx, /*in_ms=*/true, /*absolute=*/false); }
void cmd_sexpiretime(CommandContext& ctx) {
  sttl_generic(ctx, /*in_ms=*/false, /*absolute=*/true);
}
void cmd_spexpiretime(CommandContext& ctx) {
  sttl_generic(ctx, /*in_ms=*/true, /*absolute=*/true);
}

// SPERSIST key MEMBERS nummembers member [member ...]
// Per member: -2 when missing, -1 without TTL, 1 when the TTL was removed.
void cmd_spersist(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = nullptr;
  if (!lookup_set(ctx, key, /*for_write=*/true, &v)) return;
  auto members = parse_subkey_list(ctx, 2, kMembersWords);
  if (!members) return;
  if (persist_subkeys(ctx, v != nullptr ? &set_of(v) : nullptr, *members)) {
    ctx.key_modified(key);
  }
}

}  // namespace

// ------------------------------------------------------------ registration

void register_set_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kAcl = kAclSet;

  t.add({.name = "sadd", .arity = -3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Adds members to a set, creating it when the key is missing.",
         .complexity = "O(1) per member given.", .handler = &cmd_sadd});
  t.add({.name = "srem", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Removes members from a set, deleting the key once it is empty.",
         .complexity = "O(1) per member given.", .handler = &cmd_srem});
  t.add({.name = "scard", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Counts the members of a set.", .complexity = "O(1)",
         .handler = &cmd_scard});
  t.add({.name = "sismember", .arity = 3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Tells whether a value is a member of a set.", .complexity = "O(1)",
         .handler = &cmd_sismember});
  t.add({.name = "smismember", .arity = -3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "6.2.0",
         .summary = "Tells, for each of several values, whether it is a member of a set.",
         .complexity = "O(N) for N values checked.", .handler = &cmd_smismember});
  t.add({.name = "smembers", .arity = 2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Lists every member of a set.",
         .complexity = "O(N) in the N members of the set.", .handler = &cmd_smembers});
  t.add({.name = "srandmember", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Returns random members of a set without removing them; a negative "
                    "count allows repeats.",
         .complexity = "O(1) without count, else O(N) in the number of members returned.",
         .handler = &cmd_srandmember});
  t.add({.name = "spop", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Removes random members from a set and returns them.",
         .complexity = "O(1) without count, else O(N) in the number of members removed.",
         .handler = &cmd_spop});
  t.add({.name = "smove", .arity = 4, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Moves a member from one set to another.", .complexity = "O(1)",
         .handler = &cmd_smove});
  t.add({.name = "sinter", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Returns the members common to every given set.",
         .complexity = "O(N*M) worst case: N the size of the smallest set, M the number "
                       "of sets.",
         .handler = &cmd_sinter});
  t.add({.name = "sintercard", .arity = -3, .flags = kRead, .acl = kAcl,
         .group = "set", .since = "7.0.0",
         .summary = "Counts the members common to every given set, optionally stopping at "
                    "a limit.",
         .complexity = "O(N*M) worst case: N the size of the smallest set, M the number "
                       "of sets.",
         .handler = &cmd_sintercard, .get_keys = &keys_after_count_at_1});
  t.add({.name = "sunioncard", .arity = -3, .flags = kRead, .acl = kAcl,
         .group = "set", .since = "8.10.0",
         .summary = "Counts the members of any of the given sets, optionally stopping at a "
                    "limit.",
         .complexity = "O(N) where N is the total number of elements in all given sets.",
         .handler = &cmd_sunioncard, .get_keys = &keys_after_count_at_1});
  t.add({.name = "sdiffcard", .arity = -3, .flags = kRead, .acl = kAcl,
         .group = "set", .since = "8.10.0",
         .summary = "Counts the members of the first set that none of the others has, "
                    "optionally stopping at a limit.",
         .complexity = "O(N*M) worst case: N the size of the first set, M the number of sets.",
         .handler = &cmd_sdiffcard, .get_keys = &keys_after_count_at_1});
  t.add({.name = "sinterstore", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Stores the members common to every given set under a key.",
         .complexity = "O(N*M) worst case: N the size of the smallest set, M the number "
                       "of sets.",
         .handler = &cmd_sinterstore});
  t.add({.name = "sunion", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Returns the members of any of the given sets.",
         .complexity = "O(N) in the N members of all the sets together.",
         .handler = &cmd_sunion});
  t.add({.name = "sunionstore", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Stores the members of any of the given sets under a key.",
         .complexity = "O(N) in the N members of all the sets together.",
         .handler = &cmd_sunionstore});
  t.add({.name = "sdiff", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Returns the members of the first set that are in none of the others.",
         .complexity = "O(N) in the N members of all the sets together.",
         .handler = &cmd_sdiff});
  t.add({.name = "sdiffstore", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "set", .since = "1.0.0",
         .summary = "Stores the members of the first set that are in none of the others "
                    "under a key.",
         .complexity = "O(N) in the N members of all the sets together.",
         .handler = &cmd_sdiffstore});
  t.add({.name = "sscan", .arity = -3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "2.8.0",
         .summary = "Walks the members of a set a batch per call, driven by a cursor.",
         .complexity = "O(1) per call; O(N) for a whole walk back to cursor 0, over N "
                       "members.",
         .handler = &cmd_sscan});
  t.add({.name = "saddex", .arity = -5, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "set", .since = "8.12.0",
         .summary = "Adds members to a set and optionally sets their expiration.",
         .complexity = "O(N) where N is the number of members being added.",
         .handler = &cmd_saddex});
  struct ExpiryCommand {
    const char* name;
    int arity;
    uint32_t flags;
    const char* summary;
    CommandHandler handler;
  };
  constexpr uint32_t kTtlWrite = kWrite | kFast;
  constexpr uint32_t kTtlRead = kRead | kFast;
  const ExpiryCommand expiry[] = {
      {"sexpire", -6, kTtlWrite, "Sets the expiration of set members, in seconds.",
       &cmd_sexpire},
      {"spexpire", -6, kTtlWrite, "Sets the expiration of set members, in milliseconds.",
       &cmd_spexpire},
      {"sexpireat", -6, kTtlWrite,
       "Sets the expiration of set members as a Unix time in seconds.", &cmd_sexpireat},
      {"spexpireat", -6, kTtlWrite,
       "Sets the expiration of set members as a Unix time in milliseconds.", &cmd_spexpireat},
      {"sttl", -5, kTtlRead, "Returns the remaining time to live of set members, in seconds.",
       &cmd_sttl},
      {"spttl", -5, kTtlRead,
       "Returns the remaining time to live of set members, in milliseconds.", &cmd_spttl},
      {"sexpiretime", -5, kTtlRead,
       "Returns the expiration of set members as a Unix time in seconds.", &cmd_sexpiretime},
      {"spexpiretime", -5, kTtlRead,
       "Returns the expiration of set members as a Unix time in milliseconds.",
       &cmd_spexpiretime},
      {"spersist", -5, kTtlWrite, "Removes the expiration of set members.", &cmd_spersist},
  };
  for (const ExpiryCommand& c : expiry) {
    t.add({.name = c.name, .arity = c.arity, .flags = c.flags, .acl = kAcl, .first_key = 1,
           .last_key = 1, .key_step = 1, .group = "set", .since = "8.12.0",
           .summary = c.summary,
           .complexity = "O(N) where N is the number of specified members.",
           .handler = c.handler});
  }
}

}  // namespace peregrine::server
