// The hash family: field reads and writes (HSET ... HSTRLEN), whole-hash
// reads (HKEYS, HVALS, HGETALL), counters (HINCRBY, HINCRBYFLOAT), sampling
// and walking (HRANDFIELD, HSCAN), and per-field expiry (HEXPIRE and
// friends, HTTL and friends, HPERSIST, HGETEX, HSETEX, HGETDEL).
//
// The payload is store::HashValue (store/hash.h); Value::encoding mirrors
// its encoding after every write. Field expiry is lazy here: every command
// removes the due fields of the hash it touches before looking at it (and
// deletes the key when none are left), so an expired field is invisible to
// every command; the server cron removes the rest (expire_hash_fields).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/scan_args.h"
#include "commands/subkey_expiry.h"
#include "commands/util.h"
#include "server/client.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server.h"
#include "store/db.h"
#include "store/hash.h"
#include "store/value.h"

namespace peregrine::server {
namespace {

using store::Encoding;
using store::HashValue;
using store::ObjType;
using store::Obj;
using store::Value;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// ------------------------------------------------------------ shared pieces

store::HashLimits hash_limits(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  // A field table's seed: derived from the Db's key seed, so that no hash
  // stores one of its own (the odd constant keeps the two functions apart).
  return {static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_entries, 0)),
          static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_value, 0)),
          ctx.db.hash_seed() ^ 0x9e3779b97f4a7c15ULL};
}

// The result of looking a hash up: value/hash are null when the key is
// missing (or lost its last field to expiry); error is set when the key
// holds another type (the WRONGTYPE error has been replied).
struct HashRef {
  Obj* value = nullptr;
  HashValue* hash = nullptr;
  bool error = false;
  explicit operator bool() const { return hash != nullptr; }
};

// Looks key up for a read or a write, checks its type, and removes the due
// fields. A hash left without fields is deleted.
HashRef lookup_hash(CommandContext& ctx, std::string_view key, bool for_write) {
  HashRef ref;
  Obj* v = for_write ? ctx.lookup_write(key) : ctx.lookup_read(key);
  if (v == nullptr) return ref;
  if (v->type() != ObjType::kHash) {
    ctx.wrong_type();
    ref.error = true;
    return ref;
  }
  v = remove_expired_subkeys(ctx, key, v);
  if (v == nullptr) return ref;
  ref.value = v;
  ref.hash = &v->as<HashValue>();
  return ref;
}

HashRef lookup_read(CommandContext& ctx, std::string_view key) {
  return lookup_hash(ctx, key, /*for_write=*/false);
}
HashRef lookup_write(CommandContext& ctx, std::string_view key) {
  return lookup_hash(ctx, key, /*for_write=*/true);
}

// Stores a new empty hash under key (the caller fills it at once).
HashRef create_hash(CommandContext& ctx, std::string_view key) {
  Value v;
  v.type = ObjType::kHash;
  v.encoding = Encoding::kListpack;
  v.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));
  v.coll = std::make_unique<HashValue>();
  Obj* stored = ctx.db.set(key, std::move(v));
  HashRef ref;
  ref.value = stored;
  ref.hash = &stored->as<HashValue>();
  return ref;
}

// The hash under key for a write that adds fields, created when missing.
// Returns an empty ref when the key holds another type (error replied).
HashRef lookup_or_create(CommandContext& ctx, std::string_view key) {
  HashRef ref = lookup_write(ctx, key);
  if (ref || ref.error) return ref;
  return create_hash(ctx, key);
}

// After a write: deletes the key when the hash has no fields left, else
// records the hash's encoding; reports the key as modified.
void finish_write(CommandContext& ctx, std::string_view key, HashRef& ref) {
  if (ref.hash->empty()) {
    ctx.db.remove(key);
    ref = HashRef{};
  } else {
    ref.value->set_encoding(ref.hash->encoding());
    note_member_ttls(ctx.db, key, ref.value);
  }
  ctx.key_modified(key);
}

constexpr SubkeyListWords kFieldsWords{"FIELDS", "numfields",
                                       "ERR Number of fields must be a positive integer"};

// ------------------------------------------------------------ field writes

// Shared by HSET and HMSET: key field value [field value ...].
bool set_fields(CommandContext& ctx, int64_t* added) {
  if (ctx.argc() % 2 == 1) {
    ctx.wrong_arity();
    return false;
  }
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_or_create(ctx, key);
  if (!ref) return false;
  const store::HashLimits limits = hash_limits(ctx);
  // As Redis 7.2, more pairs than a listpack holds convert the hash before
  // any is written, repeated fields included.
  if (!ctx.server.config().legacy_size_hints) ref.hash->fit_count((ctx.argc() - 2) / 2, limits);
  *added = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (ref.hash->set(ctx.arg(i), ctx.arg(i + 1), limits)) ++*added;
  }
  finish_write(ctx, key, ref);
  return true;
}

// HSET key field value [field value ...]
void cmd_hset(CommandContext& ctx) {
  int64_t added = 0;
  if (set_fields(ctx, &added)) ctx.reply.integer(added);
}

// HMSET key field value [field value ...]
void cmd_hmset(CommandContext& ctx) {
  int64_t added = 0;
  if (set_fields(ctx, &added)) ctx.reply.ok();
}

// HSETNX key field value
void cmd_hsetnx(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_or_create(ctx, key);
  if (!ref) return;
  if (ref.hash->contains(ctx.arg(2))) return ctx.reply.integer(0);
  ref.hash->set(ctx.arg(2), ctx.arg(3), hash_limits(ctx));
  finish_write(ctx, key, ref);
  ctx.reply.integer(1);
}

// HDEL key field [field ...]
void cmd_hdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_write(ctx, key);
  if (!ref) {
    if (!ref.error) ctx.reply.integer(0);
    return;
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && !ref.hash->empty(); ++i) {
    if (ref.hash->erase(ctx.arg(i))) ++deleted;
  }
  if (deleted > 0) finish_write(ctx, key, ref);
  ctx.reply.integer(deleted);
}

// ------------------------------------------------------------ field reads

// HGET key field
void cmd_hget(CommandContext& ctx) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  std::optional<std::string_view> v;
  if (ref) v = ref.hash->get(ctx.arg(2));
  if (v) ctx.reply.bulk(*v);
  else ctx.reply.null_bulk();
}

// HMGET key field [field ...]   (a missing key reads as an empty hash)
void cmd_hmget(CommandContext& ctx) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<std::string_view> v;
    if (ref) v = ref.hash->get(ctx.arg(i));
    if (v) ctx.reply.bulk(*v);
    else ctx.reply.null_bulk();
  }
}

// HLEN key
void cmd_hlen(CommandContext& ctx) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  ctx.reply.integer(ref ? static_cast<int64_t>(ref.hash->size()) : 0);
}

// HEXISTS key field
void cmd_hexists(CommandContext& ctx) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  ctx.reply.integer(ref && ref.hash->contains(ctx.arg(2)) ? 1 : 0);
}

// HSTRLEN key field
void cmd_hstrlen(CommandContext& ctx) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  std::optional<std::string_view> v;
  if (ref) v = ref.hash->get(ctx.arg(2));
  ctx.reply.integer(v ? static_cast<int64_t>(v->size()) : 0);
}

// Shared by HKEYS, HVALS and HGETALL. HGETALL replies a map (a flat array
// in RESP2), the others an array.
void get_all(CommandContext& ctx, bool fields, bool values) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  const size_t n = ref ? ref.hash->size() : 0;
  if (fields && values) ctx.reply.map(n);
  else ctx.reply.array(n);
  if (!ref) return;
  ref.hash->for_each([&](std::string_view f, std::string_view v) {
    if (fields) ctx.reply.bulk(f);
    if (values) ctx.reply.bulk(v);
  });
}

// HKEYS key
void cmd_hkeys(CommandContext& ctx) { get_all(ctx, true, false); }

// HVALS key
void cmd_hvals(CommandContext& ctx) { get_all(ctx, false, true); }

// HGETALL key
void cmd_hgetall(CommandContext& ctx) { get_all(ctx, true, true); }

// ------------------------------------------------------------ counters

// HINCRBY key field increment   (a field's TTL is kept)
void cmd_hincrby(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view field = ctx.arg(2);
  int64_t incr = 0;
  if (!parse_int64(ctx.arg(3), &incr)) return ctx.not_integer();
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  int64_t cur = 0;
  if (ref) {
    if (auto v = ref.hash->get(field); v && !parse_int64(*v, &cur)) {
      return ctx.reply.error("ERR hash value is not an integer");
    }
  }
  if ((incr < 0 && cur < 0 && incr < kInt64Min - cur) ||
      (incr > 0 && cur > 0 && incr > kInt64Max - cur)) {
    return ctx.reply.error("ERR increment or decrement would overflow");
  }
  const int64_t result = cur + incr;
  if (!ref) ref = create_hash(ctx, key);
  ref.hash->set(field, std::to_string(result), hash_limits(ctx), /*keep_ttl=*/true);
  finish_write(ctx, key, ref);
  ctx.reply.integer(result);
}

// HINCRBYFLOAT key field increment   (a field's TTL is kept)
void cmd_hincrbyfloat(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view field = ctx.arg(2);
  long double incr = 0;
  if (!parse_long_double(ctx.arg(3), &incr)) return ctx.not_float();
  if (std::isnan(incr) || std::isinf(incr)) return ctx.reply.error("ERR value is NaN or Infinity");
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  long double cur = 0;
  if (ref) {
    if (auto v = ref.hash->get(field); v && !parse_long_double(*v, &cur)) {
      return ctx.reply.error("ERR hash value is not a float");
    }
  }
  const long double result = cur + incr;
  if (std::isnan(result) || std::isinf(result)) {
    return ctx.reply.error("ERR increment would produce NaN or Infinity");
  }
  std::string text = format_long_double(result);
  if (!ref) ref = create_hash(ctx, key);
  ref.hash->set(field, text, hash_limits(ctx), /*keep_ttl=*/true);
  finish_write(ctx, key, ref);
  ctx.reply.bulk(text);
}

// ------------------------------------------------------------ HRANDFIELD

// Replies one sampled pair: the field, then (WITHVALUES) the value; in
// RESP3 a pair is a two-element array.
void reply_pair(CommandContext& ctx, std::string_view f, std::string_view v, bool withvalues) {
  if (withvalues && ctx.reply.resp() > 2) ctx.reply.array(2);
  ctx.reply.bulk(f);
  if (withvalues) ctx.reply.bulk(v);
}

// The reply header for n sampled pairs.
void reply_sample_header(CommandContext& ctx, uint64_t n, bool withvalues) {
  ctx.reply.array(withvalues && ctx.reply.resp() == 2 ? n * 2 : n);
}

// HRANDFIELD key [count [WITHVALUES]]
//   no count: one random field (null when the key is missing)
//   count >= 0: up to count distinct fields; all of them (in the hash's
//     order) when count >= the size
//   count < 0: -count fields drawn independently (repeats possible)
void cmd_hrandfield(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (ctx.argc() == 2) {
    HashRef ref = lookup_read(ctx, key);
    if (ref.error) return;
    if (!ref) return ctx.reply.null_bulk();
    ctx.reply.bulk(ref.hash->random_entry(ctx.server.random()).first);
    return;
  }

  int64_t l = 0;
  if (!ctx.parse_signed_count(ctx.arg(2), &l)) return;
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !equals_nocase(ctx.arg(3), "withvalues"))) {
    return ctx.syntax_error();
  }
  const bool withvalues = ctx.argc() == 4;
  if (withvalues && (l < -(kInt64Max / 2) || l > kInt64Max / 2)) {
    return ctx.reply.error("ERR value is out of range");
  }

  HashRef ref = lookup_read(ctx, key);
  if (ref.error) return;
  if (!ref || l == 0) return ctx.reply.array(0);
  HashValue& h = *ref.hash;
  rt::Random& random = ctx.server.random();
  const uint64_t size = h.size();

  // Independent draws.
  if (l < 0 || l == 1) {
    const uint64_t count = l < 0 ? static_cast<uint64_t>(-l) : 1;
    reply_sample_header(ctx, count, withvalues);
    for (uint64_t i = 0; i < count; ++i) {
      auto [f, v] = h.random_entry(random);
      reply_pair(ctx, f, v, withvalues);
    }
    return;
  }

  const uint64_t count = static_cast<uint64_t>(l);
  // The whole hash.
  if (count >= size) {
    reply_sample_header(ctx, size, withvalues);
    h.for_each([&](std::string_view f, std::string_view v) { reply_pair(ctx, f, v, withvalues); });
    return;
  }

  reply_sample_header(ctx, count, withvalues);
  if (h.is_listpack()) {
    // A small hash: choose count distinct positions, kept in order
    // (selection sampling: each entry is taken with probability
    // needed / remaining).
    uint64_t needed = count;
    uint64_t remaining = size;
    h.for_each([&](std::string_view f, std::string_view v) {
      if (needed > 0 && random.uniform(remaining) < needed) {
        reply_pair(ctx, f, v, withvalues);
        --needed;
      }
      --remaining;
    });
    return;
  }
  // A large hash: a partial shuffle of its entries picks count of them in
  // random order.
  auto all = h.entries();
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t j = i + random.uniform(all.size() - i);
    std::swap(all[i], all[j]);
    reply_pair(ctx, all[i].first, all[i].second, withvalues);
  }
}

// ------------------------------------------------------------ HSCAN

// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
// A listpack-encoded hash is returned whole, with cursor 0. A missing key
// replies an empty scan without looking at the options.
void cmd_hscan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.arg(2), &cursor)) return ctx.reply.error("ERR invalid cursor");
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  if (!ref) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    ctx.reply.array(0);
    return;
  }

  ScanArgs scan;
  if (!parse_scan_args(ctx, 3, kScanNoValues, &scan)) return;
  int64_t count = scan.count;
  std::optional<std::string_view> pattern = scan.pattern;
  bool novalues = scan.novalues;

  std::vector<std::pair<std::string, std::string>> found;
  HashValue& h = *ref.hash;
  if (h.is_listpack()) {
    found = h.entries();
    cursor = 0;
  } else {
    // Visit buckets until count fields are gathered, the walk completes, or
    // ten visits per requested field were spent (a sparse table).
    int64_t visits_left = count > kInt64Max / 10 ? kInt64Max : count * 10;
    do {
      cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) {
        found.emplace_back(f, v);
      });
    } while (cursor != 0 && visits_left-- > 0 && found.size() < static_cast<uint64_t>(count));
  }

  size_t kept = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    if (pattern && !glob_match(*pattern, found[i].first)) continue;
    if (kept != i) found[kept] = std::move(found[i]);
    ++kept;
  }
  found.resize(kept);

  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(novalues ? kept : kept * 2);
  for (const auto& [f, v] : found) {
    ctx.reply.bulk(f);
    if (!novalues) ctx.reply.bulk(v);
  }
}

// ------------------------------------------------------------ field expiry

// Shared by HEXPIRE, HPEXPIRE, HEXPIREAT and HPEXPIREAT:
//   key time [NX | XX | GT | LT] FIELDS numfields field [field ...]
// The time is in seconds or milliseconds, relative to base_ms (now, or 0
// for the *AT forms). A field without a TTL counts as expiring never for
// GT and LT. A deadline that is already due deletes the field.
void hexpire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  std::optional<int64_t> when = parse_subkey_deadline(ctx, ctx.arg(2), seconds, base_ms);
  if (!when) return;

  const ExpireCond cond = parse_expire_cond(ctx.arg(3)).value_or(ExpireCond::kNone);
  auto fields = parse_subkey_list(
      ctx, cond == ExpireCond::kNone ? 3 : 4,
      {"FIELDS", "numfields", "ERR Parameter `numFields` should be greater than 0"});
  if (!fields) return;

  std::vector<int64_t> results;
  results.reserve(fields->count);
  bool changed = false;
  for (size_t i = 0; i < fields->count; ++i) {
    std::string_view field = ctx.arg(fields->first + i);
    if (!ref || !ref.hash->contains(field)) {
      results.push_back(kNoSubkey);
      continue;
    }
    if (!expire_condition_met(cond, ref.hash->expire_at(field), *when)) {
      results.push_back(kConditionNotMet);
      continue;
    }
    changed = true;
    if (*when <= ctx.now_ms) {
      ref.hash->erase(field);
      results.push_back(kSubkeyDeleted);
      if (ref.hash->empty()) {
        finish_write(ctx, key, ref);  // deletes the key; ref is now empty
        changed = false;
      }
    } else {
      ref.hash->set_expire(field, *when, hash_limits(ctx).seed);
      results.push_back(kDeadlineSet);
    }
  }
  if (changed) finish_write(ctx, key, ref);
  reply_integers(ctx, results);
}

// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
void cmd_hexpire(CommandContext& ctx) { hexpire_generic(ctx, ctx.now_ms, /*seconds=*/true); }

// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
void cmd_hpexpire(CommandContext& ctx) { hexpire_generic(ctx, ctx.now_ms, /*seconds=*/false); }

// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
void cmd_hexpireat(CommandContext& ctx) { hexpire_generic(ctx, 0, /*seconds=*/true); }

// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
void cmd_hpexpireat(CommandContext& ctx) { hexpire_generic(ctx, 0, /*seconds=*/false); }

// Shared by HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME:
//   key FIELDS numfields field [field ...]
// Per field: -2 when missing, -1 without TTL, else the remaining time (or
// the absolute deadline), in milliseconds or rounded up to seconds.
void httl_generic(CommandContext& ctx, bool in_ms, bool absolute) {
  HashRef ref = lookup_read(ctx, ctx.arg(1));
  if (ref.error) return;
  auto fields = parse_subkey_list(ctx, 2, kFieldsWords);
  if (!fields) return;
  reply_subkey_ttls(ctx, ref.hash, *fields, in_ms, absolute);
}

// HTTL key FIELDS numfields field [field ...]
void cmd_httl(CommandContext& ctx) { httl_generic(ctx, /*in_ms=*/false, /*absolute=*/false); }

// HPTTL key FIELDS numfields field [field ...]
void cmd_hpttl(CommandContext& ctx) { httl_generic(ctx, /*in_ms=*/true, /*absolute=*/false); }

// HEXPIRETIME key FIELDS numfields field [field ...]
void cmd_hexpiretime(CommandContext& ctx) {
  httl_generic(ctx, /*in_ms=*/false, /*absolute=*/true);
}

// HPEXPIRETIME key FIELDS numfields field [field ...]
void cmd_hpexpiretime(CommandContext& ctx) {
  httl_generic(ctx, /*in_ms=*/true, /*absolute=*/true);
}

// HPERSIST key FIELDS numfields field [field ...]
// Per field: -2 when missing, -1 without TTL, 1 when the TTL was removed.
void cmd_hpersist(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  auto fields = parse_subkey_list(ctx, 2, kFieldsWords);
  if (!fields) return;
  if (persist_subkeys(ctx, ref.hash, *fields)) finish_write(ctx, key, ref);
}

// HGETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
//        FIELDS numfields field [field ...]
// Replies the values (null for missing fields) and then sets or removes
// the TTL of the fields found; a deadline already due deletes them.
void cmd_hgetex(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;

  FieldExpiry kind = FieldExpiry::kNone;
  std::optional<int64_t> when;
  size_t fields_pos = 2;
  if (auto k = field_expiry_keyword(ctx.arg(2))) {
    kind = *k;
    when = field_expiry_deadline(ctx, kind, ctx.arg(3));
    if (!when) return;
    fields_pos = 4;
  } else if (equals_nocase(ctx.arg(2), "persist")) {
    kind = FieldExpiry::kPersist;
    fields_pos = 3;
  }
  auto fields = parse_subkey_list(ctx, fields_pos, kFieldsWords);
  if (!fields) return;

  ctx.reply.array(fields->count);
  bool changed = false;
  for (size_t i = 0; i < fields->count; ++i) {
    std::string_view field = ctx.arg(fields->first + i);
    std::optional<std::string_view> v;
    if (ref) v = ref.hash->get(field);
    if (!v) {
      ctx.reply.null_bulk();
      continue;
    }
    ctx.reply.bulk(*v);
    if (kind == FieldExpiry::kPersist) {
      changed |= ref.hash->persist(field);
    } else if (when && *when <= ctx.now_ms) {
      ref.hash->erase(field);
      changed = true;
      if (ref.hash->empty()) {
        finish_write(ctx, key, ref);  // deletes the key; ref is now empty
        changed = false;
      }
    } else if (when) {
      ref.hash->set_expire(field, *when, hash_limits(ctx).seed);
      changed = true;
    }
  }
  if (changed) finish_write(ctx, key, ref);
}

// HSETEX key [NX | XX] [FNX | FXX]
//        [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
//        FIELDS numfields field value [field value ...]
// NX / XX (Valkey 9; Redis 8 has neither): only when the key is missing /
// exists. FNX: only when none of the fields exists; FXX: only when all
// exist. A condition that fails replies 0 and changes nothing; else 1. Without an expiry
// option the fields written lose their TTL; KEEPTTL keeps it.
void cmd_hsetex(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool nx = false, xx = false;  // Valkey 9: the key must be missing / present
  bool fnx = false, fxx = false;
  FieldExpiry kind = FieldExpiry::kNone;
  std::optional<int64_t> when;
  size_t first = 0, count = 0;
  for (size_t i = 2;; ++i) {
    if (i >= ctx.argc()) return ctx.wrong_arity();
    std::string_view opt = ctx.arg(i);
    if (equals_nocase(opt, "fields")) {
      if (i + 3 >= ctx.argc()) return ctx.wrong_arity();
      int64_t n = 0;
      if (!parse_int64(ctx.arg(i + 1), &n) || n < 1 || n > std::numeric_limits<int32_t>::max()) {
        return ctx.reply.error("ERR invalid number of fields");
      }
      const size_t remaining = ctx.argc() - i - 2;
      if (remaining % 2 != 0 || static_cast<uint64_t>(n) != remaining / 2) {
        return ctx.wrong_arity();
      }
      first = i + 2;
      count = static_cast<size_t>(n);
      break;
    }
    std::optional<FieldExpiry> k = field_expiry_keyword(opt);
    if (!k && equals_nocase(opt, "keepttl")) k = FieldExpiry::kKeepTtl;
    if (k) {
      if (kind != FieldExpiry::kNone) {
        return ctx.reply.error(
            "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
      }
      kind = *k;
      if (kind == FieldExpiry::kKeepTtl) continue;
      if (i + 1 >= ctx.argc()) return ctx.reply.error("ERR missing expire time");
      when = field_expiry_deadline(ctx, kind, ctx.arg(++i));
      if (!when) return;
    } else if (equals_nocase(opt, "fnx") || equals_nocase(opt, "fxx")) {
      if (fnx || fxx) {
        return ctx.reply.error("ERR Only one of FXX or FNX arguments can be specified");
      }
      (equals_nocase(opt, "fnx") ? fnx : fxx) = true;
    } else if (equals_nocase(opt, "nx") || equals_nocase(opt, "xx")) {
      if (nx || xx) return ctx.reply.error("ERR syntax error");
      (equals_nocase(opt, "nx") ? nx : xx) = true;
    } else {
      return ctx.reply.error("ERR unknown argument: " + std::string(c_string(opt)));
    }
  }

  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  if ((nx && ref) || (xx && !ref)) return ctx.reply.integer(0);
  if (fnx || fxx) {
    size_t found = 0;
    for (size_t i = 0; i < count && ref; ++i) {
      if (ref.hash->contains(ctx.arg(first + 2 * i))) ++found;
    }
    if ((fnx && found != 0) || (fxx && found != count)) return ctx.reply.integer(0);
  }
  if (!ref) ref = create_hash(ctx, key);
  const store::HashLimits limits = hash_limits(ctx);
  const bool keep_ttl = kind != FieldExpiry::kNone;
  for (size_t i = 0; i < count; ++i) {
    std::string_view field = ctx.arg(first + 2 * i);
    ref.hash->set(field, ctx.arg(first + 2 * i + 1), limits, keep_ttl);
    if (!when) continue;
    if (*when <= ctx.now_ms) ref.hash->erase(field);
    else ref.hash->set_expire(field, *when, hash_limits(ctx).seed);
  }
  finish_write(ctx, key, ref);
  ctx.reply.integer(1);
}

// HGETDEL key FIELDS numfields field [field ...]
// Replies the values (null for missing fields) and deletes the fields.
void cmd_hgetdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  HashRef ref = lookup_write(ctx, key);
  if (ref.error) return;
  auto fields = parse_subkey_list(ctx, 2, kFieldsWords);
  if (!fields) return;
  ctx.reply.array(fields->count);
  bool changed = false;
  for (size_t i = 0; i < fields->count; ++i) {
    std::string_view field = ctx.arg(fields->first + i);
    std::optional<std::string> v;
    if (ref) {
      if (auto cur = ref.hash->get(field)) v = std::string(*cur);
    }
    if (!v) {
      ctx.reply.null_bulk();
      continue;
    }
    ctx.reply.bulk(*v);
    ref.hash->erase(field);
    changed = true;
    if (ref.hash->empty()) {
      finish_write(ctx, key, ref);  // deletes the key; ref is now empty
      changed = false;
    }
  }
  if (changed) finish_write(ctx, key, ref);
}

// ------------------------------------------------------------ HIMPORT

// HIMPORT PREPARE fieldset-name field [field ...]   (Redis 8.10)
// Names an ordered list of distinct field names for this connection,
// replacing a fieldset of the same name.
void cmd_himport_prepare(CommandContext& ctx) {
  std::vector<std::string> fields;
  fields.reserve(ctx.argc() - 3);
  std::unordered_set<std::string_view> seen;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (!seen.insert(ctx.arg(i)).second) {
      return ctx.reply.error("ERR duplicate field '" + std::string(ctx.arg(i)) +
                             "' in fieldset");
    }
    fields.emplace_back(ctx.arg(i));
  }
  ctx.client.hash_fieldsets.insert_or_assign(std::string(ctx.arg(2)), std::move(fields));
  ctx.reply.ok();
}

// HIMPORT SET key fieldset-name value [value ...]   (Redis 8.10)
// Replaces key, whatever it held (and its TTL), with a hash pairing the
// fieldset's fields with the values in order.
void cmd_himport_set(CommandContext& ctx) {
  auto it = ctx.client.hash_fieldsets.find(ctx.arg(3));
  if (it == ctx.client.hash_fieldsets.end()) return ctx.reply.error("ERR no such fieldset");
  const std::vector<std::string>& fields = it->second;
  if (ctx.argc() - 4 != fields.size()) {
    return ctx.reply.error("ERR the number of values does not match the fieldset");
  }
  std::string_view key = ctx.arg(2);
  ctx.db.remove(key);
  HashRef ref = create_hash(ctx, key);
  const store::HashLimits limits = hash_limits(ctx);
  for (size_t i = 0; i < fields.size(); ++i) ref.hash->set(fields[i], ctx.arg(4 + i), limits);
  finish_write(ctx, key, ref);
  ctx.reply.ok();
}

// HIMPORT DISCARD fieldset-name: 1 when it was there, else 0.
void cmd_himport_discard(CommandContext& ctx) {
  auto& sets = ctx.client.hash_fieldsets;
  auto it = sets.find(ctx.arg(2));
  if (it == sets.end()) return ctx.reply.integer(0);
  sets.erase(it);
  ctx.reply.integer(1);
}

// HIMPORT DISCARDALL: how many fieldsets there were.
void cmd_himport_discardall(CommandContext& ctx) {
  const size_t n = ctx.client.hash_fieldsets.size();
  ctx.client.hash_fieldsets.clear();
  ctx.reply.integer(static_cast<int64_t>(n));
}

}  // namespace

// ------------------------------------------------------------ registration

void register_hash_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kAcl = kAclHash;

  t.add({.name = "himport", .arity = -2, .acl = kAcl, .group = "hash", .since = "8.10.0",
         .summary = "A container for bulk imports of hashes that share field names.",
         .complexity = "Depends on subcommand.",
         .subcommands = {
             {.name = "prepare", .arity = -4, .flags = kOom, .acl = kAcl, .since = "8.10.0",
              .summary = "Names a list of field names for this connection's HIMPORT SET.",
              .complexity = "O(N*log(N)) where N is the number of fields.",
              .handler = &cmd_himport_prepare},
             {.name = "set", .arity = -5, .flags = kWrite | kOom, .acl = kAcl, .first_key = 2,
              .last_key = 2, .key_step = 1, .since = "8.10.0",
              .summary = "Replaces a key with a hash of a fieldset's fields and the values given.",
              .complexity = "O(N) where N is the number of fields in the fieldset.",
              .handler = &cmd_himport_set},
             {.name = "discard", .arity = 3, .acl = kAcl, .since = "8.10.0",
              .summary = "Drops one of this connection's fieldsets.",
              .complexity = "O(log(N)) where N is the number of the connection's fieldsets.",
              .handler = &cmd_himport_discard},
             {.name = "discardall", .arity = 2, .acl = kAcl, .since = "8.10.0",
              .summary = "Drops all of this connection's fieldsets.",
              .complexity = "O(N) where N is the number of the connection's fieldsets.",
              .handler = &cmd_himport_discardall},
         }});
  t.add({.name = "hset", .arity = -4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Sets fields of a hash, creating the hash when needed.",
         .complexity = "O(1) for each field/value pair added, so O(N) for N pairs.",
         .handler = &cmd_hset});
  t.add({.name = "hsetnx", .arity = 4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Sets a field of a hash only when the field does not exist yet.",
         .complexity = "O(1)", .handler = &cmd_hsetnx});
  t.add({.name = "hget", .arity = 3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns the value of a field of a hash.", .complexity = "O(1)",
         .handler = &cmd_hget});
  t.add({.name = "hmget", .arity = -3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns the values of several fields of a hash.",
         .complexity = "O(N) where N is the number of fields requested.",
         .handler = &cmd_hmget});
  t.add({.name = "hmset", .arity = -4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Sets fields of a hash (replies OK; HSET supersedes it).",
         .complexity = "O(N) where N is the number of fields being set.",
         .handler = &cmd_hmset});
  t.add({.name = "hdel", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Deletes fields of a hash; the hash goes when its last field does.",
         .complexity = "O(N) where N is the number of fields to be removed.",
         .handler = &cmd_hdel});
  t.add({.name = "hlen", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns the number of fields of a hash.", .complexity = "O(1)",
         .handler = &cmd_hlen});
  t.add({.name = "hexists", .arity = 3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Tells whether a field exists in a hash.", .complexity = "O(1)",
         .handler = &cmd_hexists});
  t.add({.name = "hkeys", .arity = 2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns every field name of a hash.",
         .complexity = "O(N) where N is the size of the hash.", .handler = &cmd_hkeys});
  t.add({.name = "hvals", .arity = 2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns every value of a hash.",
         .complexity = "O(N) where N is the size of the hash.", .handler = &cmd_hvals});
  t.add({.name = "hgetall", .arity = 2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Returns every field and value of a hash.",
         .complexity = "O(N) where N is the size of the hash.", .handler = &cmd_hgetall});
  t.add({.name = "hincrby", .arity = 4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.0.0",
         .summary = "Adds an integer to the integer value of a field (0 when missing).",
         .complexity = "O(1)", .handler = &cmd_hincrby});
  t.add({.name = "hincrbyfloat", .arity = 4, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.6.0",
         .summary = "Adds a floating-point number to the value of a field (0 when missing).",
         .complexity = "O(1)", .handler = &cmd_hincrbyfloat});
  t.add({.name = "hstrlen", .arity = 3, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "3.2.0",
         .summary = "Returns the length in bytes of the value of a field.",
         .complexity = "O(1)", .handler = &cmd_hstrlen});
  t.add({.name = "hrandfield", .arity = -2, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "6.2.0",
         .summary = "Returns fields of a hash picked at random, optionally with values.",
         .complexity = "O(N) where N is the number of fields returned.",
         .handler = &cmd_hrandfield});
  t.add({.name = "hscan", .arity = -3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "2.8.0",
         .summary = "Walks the fields of a hash a batch per call, driven by a cursor.",
         .complexity = "O(1) per call; O(N) for a whole walk back to cursor 0.",
         .handler = &cmd_hscan});

  // Field expiry.
  struct Variant {
    const char* name;
    const char* summary;
    CommandHandler handler;
  };
  for (const Variant& v : {
           Variant{"hexpire", "Sets the time to live of hash fields in seconds.", &cmd_hexpire},
           Variant{"hpexpire", "Sets the time to live of hash fields in milliseconds.",
                   &cmd_hpexpire},
           Variant{"hexpireat", "Makes hash fields expire at a Unix time in seconds.",
                   &cmd_hexpireat},
           Variant{"hpexpireat", "Makes hash fields expire at a Unix time in milliseconds.",
                   &cmd_hpexpireat},
       }) {
    t.add({.name = v.name, .arity = -6, .flags = kWrite | kFast, .acl = kAcl,
           .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "7.4.0",
           .summary = v.summary,
           .complexity = "O(N) where N is the number of fields named.", .handler = v.handler});
  }
  for (const Variant& v : {
           Variant{"httl", "Returns the remaining time to live of hash fields in seconds.",
                   &cmd_httl},
           Variant{"hpttl", "Returns the remaining time to live of hash fields in milliseconds.",
                   &cmd_hpttl},
           Variant{"hexpiretime", "Returns the Unix time in seconds at which hash fields expire.",
                   &cmd_hexpiretime},
           Variant{"hpexpiretime",
                   "Returns the Unix time in milliseconds at which hash fields expire.",
                   &cmd_hpexpiretime},
       }) {
    t.add({.name = v.name, .arity = -5, .flags = kRead | kFast, .acl = kAcl,
           .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "7.4.0",
           .summary = v.summary,
           .complexity = "O(N) where N is the number of fields named.", .handler = v.handler});
  }
  t.add({.name = "hpersist", .arity = -5, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "7.4.0",
         .summary = "Removes the time to live of hash fields.",
         .complexity = "O(N) where N is the number of fields named.", .handler = &cmd_hpersist});
  t.add({.name = "hgetex", .arity = -5, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "8.0.0",
         .summary = "Returns values of hash fields and sets or removes their time to live.",
         .complexity = "O(N) where N is the number of fields named.", .handler = &cmd_hgetex});
  t.add({.name = "hsetex", .arity = -6, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "8.0.0",
         .summary = "Sets hash fields, optionally with a time to live and a condition.",
         .complexity = "O(N) where N is the number of fields being set.",
         .handler = &cmd_hsetex});
  t.add({.name = "hgetdel", .arity = -5, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "hash", .since = "8.0.0",
         .summary = "Returns values of hash fields and deletes the fields.",
         .complexity = "O(N) where N is the number of fields named.", .handler = &cmd_hgetdel});
}

}  // namespace peregrine::server
