// The generic key family: deleting, testing, renaming, copying and moving
// keys, walking the keyspace (KEYS, SCAN, RANDOMKEY), expiry (EXPIRE and
// friends, TTL and friends, PERSIST) and OBJECT introspection.
#include <cerrno>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/scan_args.h"
#include "commands/subkey_expiry.h"
#include "commands/util.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server.h"
#include "store/db.h"
#include "store/value.h"

namespace peregrine::server {
namespace {

using store::Encoding;
using store::ObjType;
using store::Obj;
using store::Value;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// ------------------------------------------------------------ shared pieces

// A read that counts as a keyspace hit or miss but leaves the access time
// alone (EXISTS, TYPE, TTL, OBJECT, SCAN's TYPE filter).
Obj* lookup_read_no_touch(CommandContext& ctx, std::string_view key) {
  Obj* v = ctx.db.lookup(key, ctx.now_ms, {.touch = false});
  if (v != nullptr) ++ctx.server.stats().keyspace_hits;
  else ++ctx.server.stats().keyspace_misses;
  return v;
}

// The Db named by a database-index argument (COPY ... DB n, MOVE), or
// nullptr after replying the error.
store::Db* db_argument_or_reply(CommandContext& ctx, std::string_view arg) {
  int64_t index = 0;
  if (!parse_int64(arg, &index)) {
    ctx.not_integer();
    return nullptr;
  }
  if (index < std::numeric_limits<int32_t>::min() || index > std::numeric_limits<int32_t>::max()) {
    ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return nullptr;
  }
  if (index < 0 || index >= ctx.server.db_count()) {
    ctx.reply.error("ERR DB index is out of range");
    return nullptr;
  }
  return &ctx.server.db(static_cast<int>(index));
}

// Replies a "<COMMAND> HELP" listing: a header naming the command, the
// given lines, then the entry for HELP itself, all as simple strings.
void reply_help(CommandContext& ctx, std::string_view command,
                std::initializer_list<std::string_view> lines) {
  std::string upper(command);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ctx.reply.array(lines.size() + 3);
  ctx.reply.simple(upper + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.reply.simple(line);
  ctx.reply.simple("HELP");
  ctx.reply.simple("    Prints this help.");
}

constexpr std::string_view kSameObject = "ERR source and destination objects are the same";

// ------------------------------------------------------------ delete / test

// DEL and UNLINK: only where their values may be freed differs (UNLINK
// always leaves large ones to the lazyfree worker, DEL when
// lazyfree-lazy-user-del says so).
void delete_keys(CommandContext& ctx, store::FreeReason why) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    if (ctx.lookup_write(key) != nullptr && ctx.db.remove(key, why)) {
      ctx.key_modified(key);
      ++deleted;
    }
  }
  ctx.reply.integer(deleted);
}

// DEL key [key ...]
void cmd_del(CommandContext& ctx) { delete_keys(ctx, store::FreeReason::kDeleted); }

// UNLINK key [key ...]
void cmd_unlink(CommandContext& ctx) { delete_keys(ctx, store::FreeReason::kUnlinked); }

// EXISTS key [key ...]   (a key named twice counts twice)
void cmd_exists(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (lookup_read_no_touch(ctx, ctx.arg(i)) != nullptr) ++found;
  }
  ctx.reply.integer(found);
}

// TYPE key
void cmd_type(CommandContext& ctx) {
  Obj* v = lookup_read_no_touch(ctx, ctx.arg(1));
  ctx.reply.simple(v != nullptr ? store::type_name(v->type()) : "none");
}

// TOUCH key [key ...]
void cmd_touch(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.lookup_read(ctx.arg(i)) != nullptr) ++found;
  }
  ctx.reply.integer(found);
}

// ------------------------------------------------------------ rename / copy / move

// Stores value as key in db with its TTL (-1: none), as RENAME, COPY and
// MOVE create the key they write: the member TTLs of a hash or set are
// noted for the cron, WATCH on the key breaks, and clients blocked on it
// wake, as for every key a command creates.
void store_created_key(CommandContext& ctx, store::Db& db, std::string_view key, Value value,
                       int64_t expire_at) {
  Obj* stored = expire_at != -1 ? db.set_with_expire(key, std::move(value), expire_at)
                                : db.set(key, std::move(value));
  note_member_ttls(db, key, stored);
  ctx.key_modified(db, key);
  ctx.server.signal_key_ready(db.index(), key);
}

// Shared by RENAME and RENAMENX: the value, its TTL and its access stamp
// move to the new name.
void rename_key(CommandContext& ctx, bool nx) {
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  if (ctx.lookup_write(from) == nullptr) return ctx.reply.error("ERR no such key");
  if (from == to) {
    if (nx) return ctx.reply.integer(0);
    return ctx.reply.ok();
  }
  const int64_t expire_at = ctx.db.expire_at(from);
  if (ctx.lookup_write(to) != nullptr) {
    if (nx) return ctx.reply.integer(0);
    ctx.db.remove(to);
  }
  // Looked up again: the lookup of `to` may have changed the table.
  std::optional<Value> moved = ctx.db.extract(from);
  ctx.key_modified(from);
  store_created_key(ctx, ctx.db, to, std::move(*moved), expire_at);
  if (nx) return ctx.reply.integer(1);
  ctx.reply.ok();
}

// RENAME key newkey
void cmd_rename(CommandContext& ctx) { rename_key(ctx, /*nx=*/false); }

// RENAMENX key newkey
void cmd_renamenx(CommandContext& ctx) { rename_key(ctx, /*nx=*/true); }

// COPY source destination [DB destination-db] [REPLACE]
void cmd_copy(CommandContext& ctx) {
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  store::Db* dst = &ctx.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_nocase(opt, "replace")) {
      replace = true;
    } else if (equals_nocase(opt, "db") && i + 1 < ctx.argc()) {
      dst = db_argument_or_reply(ctx, ctx.arg(++i));
      if (dst == nullptr) return;
    } else {
      return ctx.syntax_error();
    }
  }
  if (dst == &ctx.db && from == to) return ctx.reply.error(kSameObject);

  Obj* v = ctx.lookup_read(from);
  if (v == nullptr) return ctx.reply.integer(0);
  const int64_t expire_at = ctx.db.expire_at(from);
  // A copy is a new value: it gets a fresh access stamp.
  Value copy = v->to_value();
  copy.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));

  if (dst->lookup(to, ctx.now_ms) != nullptr) {
    if (!replace) return ctx.reply.integer(0);
    dst->remove(to);
  }
  store_created_key(ctx, *dst, to, std::move(copy), expire_at);
  ctx.reply.integer(1);
}

// MOVE key db
void cmd_move(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  store::Db* dst = db_argument_or_reply(ctx, ctx.arg(2));
  if (dst == nullptr) return;
  if (dst == &ctx.db) return ctx.reply.error(kSameObject);

  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return ctx.reply.integer(0);
  const int64_t expire_at = ctx.db.expire_at(key);
  if (dst->lookup(key, ctx.now_ms) != nullptr) return ctx.reply.integer(0);

  std::optional<Value> moved = ctx.db.extract(key);
  ctx.key_modified(ctx.db, key);
  store_created_key(ctx, *dst, key, std::move(*moved), expire_at);
  ctx.reply.integer(1);
}

// ------------------------------------------------------------ keyspace walks

// KEYS pattern
void cmd_keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  std::vector<std::string> found;
  ctx.db.for_each([&](std::string_view key, Obj&) {
    if ((all || glob_match(pattern, key)) && !ctx.db.is_expired(key, ctx.now_ms)) {
      found.emplace_back(key);
    }
  });
  ctx.reply.array(found.size());
  for (const std::string& key : found) ctx.reply.bulk(key);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void cmd_scan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.arg(1), &cursor)) return ctx.reply.error("ERR invalid cursor");

  ScanArgs scan;
  if (!parse_scan_args(ctx, 2, kScanType, &scan)) return;
  int64_t count = scan.count;
  std::optional<std::string_view> pattern = scan.pattern;
  std::optional<std::string_view> type = scan.type;

  // Visit buckets until count keys are gathered, the scan completes, or
  // ten visits per requested key were spent (a sparse table).
  std::vector<std::string> keys;
  int64_t visits_left = count > kInt64Max / 10 ? kInt64Max : count * 10;
  do {
    cursor = ctx.db.scan(cursor, [&](std::string_view key, Obj&) { keys.emplace_back(key); });
  } while (cursor != 0 && visits_left-- > 0 && keys.size() < static_cast<uint64_t>(count));

  std::vector<std::string> out;
  out.reserve(keys.size());
  for (std::string& key : keys) {
    if (pattern && !glob_match(*pattern, key)) continue;
    if (type) {
      Obj* v = lookup_read_no_touch(ctx, key);
      if (!equals_nocase(*type, v != nullptr ? store::type_name(v->type()) : "none")) continue;
    }
    if (ctx.db.is_expired(key, ctx.now_ms)) {
      ctx.db.lookup(key, ctx.now_ms, {.touch = false});  // reclaims it
      continue;
    }
    out.push_back(std::move(key));
  }
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(out.size());
  for (const std::string& key : out) ctx.reply.bulk(key);
}

// RANDOMKEY
void cmd_randomkey(CommandContext& ctx) {
  std::optional<std::string> key = ctx.db.random_key(ctx.server.random(), ctx.now_ms);
  if (!key) return ctx.reply.null_bulk();
  ctx.reply.bulk(*key);
}

// ------------------------------------------------------------ expiry

// Shared by EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: the time argument is
// in seconds or milliseconds, relative to base_ms (now, or 0 for the *AT
// forms). A time already past deletes the key.
void expire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::string_view key = ctx.arg(1);
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_nocase(opt, "nx")) nx = true;
    else if (equals_nocase(opt, "xx")) xx = true;
    else if (equals_nocase(opt, "gt")) gt = true;
    else if (equals_nocase(opt, "lt")) lt = true;
    else return ctx.reply.error("ERR Unsupported option " + std::string(c_string(opt)));
  }
  if (nx && (xx || gt || lt)) {
    return ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return ctx.reply.error("ERR GT and LT options at the same time are not compatible");

  int64_t when = 0;
  if (!parse_int64(ctx.arg(2), &when)) return ctx.not_integer();
  const std::string invalid = "ERR invalid expire time in '" + ctx.spec.name + "' command";
  if (seconds) {
    if (when > kInt64Max / 1000 || when < kInt64Min / 1000) return ctx.reply.error(invalid);
    when *= 1000;
  }
  if (when > kInt64Max - base_ms) return ctx.reply.error(invalid);
  when += base_ms;

  if (ctx.lookup_write(key) == nullptr) return ctx.reply.integer(0);
  const int64_t current = ctx.db.expire_at(key);  // -1: no TTL, i.e. infinite
  if ((nx && current != -1) || (xx && current == -1) ||
      (gt && (current == -1 || when <= current)) || (lt && current != -1 && when >= current)) {
    return ctx.reply.integer(0);
  }

  if (when <= ctx.now_ms) {
    ctx.db.remove(key);
  } else {
    ctx.db.set_expire(key, when);
  }
  ctx.key_modified(key);
  ctx.reply.integer(1);
}

// EXPIRE key seconds [NX | XX | GT | LT]
void cmd_expire(CommandContext& ctx) { expire_generic(ctx, ctx.now_ms, /*seconds=*/true); }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
void cmd_pexpire(CommandContext& ctx) { expire_generic(ctx, ctx.now_ms, /*seconds=*/false); }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
void cmd_expireat(CommandContext& ctx) { expire_generic(ctx, 0, /*seconds=*/true); }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
void cmd_pexpireat(CommandContext& ctx) { expire_generic(ctx, 0, /*seconds=*/false); }

// Shared by TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a missing key, -1
// for a key without TTL, else the remaining time (or the absolute expiry
// time), in milliseconds or rounded to seconds.
void ttl_generic(CommandContext& ctx, bool in_ms, bool absolute) {
  std::string_view key = ctx.arg(1);
  if (lookup_read_no_touch(ctx, key) == nullptr) return ctx.reply.integer(-2);
  const int64_t expire_at = ctx.db.expire_at(key);
  if (expire_at == -1) return ctx.reply.integer(-1);
  int64_t t = absolute ? expire_at : expire_at - ctx.now_ms;
  if (t < 0) t = 0;
  ctx.reply.integer(in_ms ? t : (t + 500) / 1000);
}

// TTL key
void cmd_ttl(CommandContext& ctx) { ttl_generic(ctx, /*in_ms=*/false, /*absolute=*/false); }

// PTTL key
void cmd_pttl(CommandContext& ctx) { ttl_generic(ctx, /*in_ms=*/true, /*absolute=*/false); }

// EXPIRETIME key
void cmd_expiretime(CommandContext& ctx) { ttl_generic(ctx, /*in_ms=*/false, /*absolute=*/true); }

// PEXPIRETIME key
void cmd_pexpiretime(CommandContext& ctx) { ttl_generic(ctx, /*in_ms=*/true, /*absolute=*/true); }

// PERSIST key
void cmd_persist(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (ctx.lookup_write(key) == nullptr || !ctx.db.persist(key)) return ctx.reply.integer(0);
  ctx.key_modified(key);
  ctx.reply.integer(1);
}

// ------------------------------------------------------------ OBJECT

// Integers in [0, 10000) are stored as one shared object, which reports the
// largest refcount, unless an LRU or LFU policy with a memory limit needs
// per-value access stamps.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = std::numeric_limits<int32_t>::max();

bool lfu_selected(CommandContext& ctx) {
  return is_lfu_policy(ctx.server.config().maxmemory_policy);
}

// OBJECT ENCODING key
void cmd_object_encoding(CommandContext& ctx) {
  Obj* v = lookup_read_no_touch(ctx, ctx.arg(2));
  if (v == nullptr) return ctx.reply.null_bulk();
  if (v->type() == ObjType::kList && ctx.server.config().report_lists_as_quicklist) {
    return ctx.reply.bulk(store::encoding_name(Encoding::kQuicklist));
  }
  ctx.reply.bulk(store::encoding_name(v->encoding()));
}

// OBJECT REFCOUNT key
void cmd_object_refcount(CommandContext& ctx) {
  Obj* v = lookup_read_no_touch(ctx, ctx.arg(2));
  if (v == nullptr) return ctx.reply.null_bulk();
  const Config& config = ctx.server.config();
  const bool per_value_stamps =
      config.maxmemory != 0 && (config.maxmemory_policy.find("lru") != std::string::npos ||
                                is_lfu_policy(config.maxmemory_policy));
  int64_t n = 0;
  if (v->type() == ObjType::kString && v->encoding() == Encoding::kInt && !per_value_stamps &&
      parse_int64(v->str(), &n) && n >= 0 && n < kSharedIntegers) {
    return ctx.reply.integer(kSharedRefcount);
  }
  ctx.reply.integer(1);
}

// OBJECT IDLETIME key
void cmd_object_idletime(CommandContext& ctx) {
  Obj* v = lookup_read_no_touch(ctx, ctx.arg(2));
  if (v == nullptr) return ctx.reply.null_bulk();
  if (lfu_selected(ctx)) {
    return ctx.reply.error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
  }
  ctx.reply.integer(lru_idle_ms(v->lru(), ctx.now_ms) / 1000);
}

// OBJECT FREQ key
void cmd_object_freq(CommandContext& ctx) {
  Obj* v = lookup_read_no_touch(ctx, ctx.arg(2));
  if (v == nullptr) return ctx.reply.null_bulk();
  if (!lfu_selected(ctx)) {
    return ctx.reply.error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
  }
  ctx.reply.integer(
      lfu_decayed_counter(v->lru(), ctx.now_ms, ctx.server.config().lfu_decay_time));
}

// OBJECT HELP
void cmd_object_help(CommandContext& ctx) {
  reply_help(ctx, "object",
             {
                 "ENCODING <key>",
                 "    Name the internal representation of the value stored at <key>.",
                 "FREQ <key>",
                 "    Report the logarithmic access-frequency counter of <key> (LFU",
                 "    maxmemory policies only).",
                 "IDLETIME <key>",
                 "    Report roughly how many seconds ago <key> was last read or written",
                 "    (not available under LFU maxmemory policies).",
                 "REFCOUNT <key>",
                 "    Report how many references the value stored at <key> has.",
             });
}

}  // namespace

// ------------------------------------------------------------ registration

void register_key_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kAcl = kAclKeyspace;

  t.add({.name = "del", .arity = -2, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Deletes keys.",
         .complexity = "O(N) where N is the number of keys removed; a collection costs O(M) "
                       "in its M elements, a string O(1).",
         .handler = &cmd_del});
  t.add({.name = "unlink", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "4.0.0",
         .summary = "Deletes keys, possibly reclaiming their memory later.",
         .complexity = "O(1) for each key removed, plus O(N) reclamation work in the "
                       "allocations of the removed values.",
         .handler = &cmd_unlink});
  t.add({.name = "exists", .arity = -2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Counts how many of the given keys exist.",
         .complexity = "O(N) where N is the number of keys to check.", .handler = &cmd_exists});
  t.add({.name = "type", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Names the type of the value stored at a key.", .complexity = "O(1)",
         .handler = &cmd_type});
  t.add({.name = "rename", .arity = 3, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Gives a key a new name, replacing any key of that name.",
         .complexity = "O(1)", .handler = &cmd_rename});
  t.add({.name = "renamenx", .arity = 3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Gives a key a new name when no key has that name yet.",
         .complexity = "O(1)", .handler = &cmd_renamenx});
  t.add({.name = "copy", .arity = -3, .flags = kWrite | kCmdDenyOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "generic", .since = "6.2.0",
         .summary = "Copies the value of a key to another key, possibly in another database.",
         .complexity = "O(N) for a collection of N nested items, O(1) for a string.",
         .handler = &cmd_copy});
  t.add({.name = "move", .arity = 3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Moves a key into another database.", .complexity = "O(1)",
         .handler = &cmd_move});
  t.add({.name = "keys", .arity = 2, .flags = kRead, .acl = kAcl | kAclDangerous,
         .group = "generic", .since = "1.0.0",
         .summary = "Lists every key whose name matches a glob pattern.",
         .complexity = "O(N) in the N keys of the database, for patterns and key names of "
                       "limited length.",
         .handler = &cmd_keys});
  t.add({.name = "scan", .arity = -2, .flags = kRead, .acl = kAcl,
         .group = "generic", .since = "2.8.0",
         .summary = "Walks the keyspace a batch of keys per call, driven by a cursor.",
         .complexity = "O(1) per call; O(N) for a whole walk back to cursor 0, over N keys.",
         .handler = &cmd_scan});
  t.add({.name = "randomkey", .arity = 1, .flags = kRead, .acl = kAcl,
         .group = "generic", .since = "1.0.0",
         .summary = "Returns the name of a key picked at random.", .complexity = "O(1)",
         .handler = &cmd_randomkey});
  t.add({.name = "touch", .arity = -2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "generic", .since = "3.2.1",
         .summary = "Updates the last access time of keys and counts those that exist.",
         .complexity = "O(N) where N is the number of keys touched.", .handler = &cmd_touch});
  t.add({.name = "expire", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Sets a key's time to live in seconds.", .complexity = "O(1)",
         .handler = &cmd_expire});
  t.add({.name = "pexpire", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "2.6.0",
         .summary = "Sets a key's time to live in milliseconds.", .complexity = "O(1)",
         .handler = &cmd_pexpire});
  t.add({.name = "expireat", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.2.0",
         .summary = "Makes a key expire at a Unix time in seconds.", .complexity = "O(1)",
         .handler = &cmd_expireat});
  t.add({.name = "pexpireat", .arity = -3, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "2.6.0",
         .summary = "Makes a key expire at a Unix time in milliseconds.", .complexity = "O(1)",
         .handler = &cmd_pexpireat});
  t.add({.name = "ttl", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "1.0.0",
         .summary = "Returns a key's remaining time to live in seconds.", .complexity = "O(1)",
         .handler = &cmd_ttl});
  t.add({.name = "pttl", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "2.6.0",
         .summary = "Returns a key's remaining time to live in milliseconds.",
         .complexity = "O(1)", .handler = &cmd_pttl});
  t.add({.name = "expiretime", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "7.0.0",
         .summary = "Returns the Unix time in seconds at which a key expires.",
         .complexity = "O(1)", .handler = &cmd_expiretime});
  t.add({.name = "pexpiretime", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "7.0.0",
         .summary = "Returns the Unix time in milliseconds at which a key expires.",
         .complexity = "O(1)", .handler = &cmd_pexpiretime});
  t.add({.name = "persist", .arity = 2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "generic", .since = "2.2.0",
         .summary = "Removes a key's time to live.", .complexity = "O(1)",
         .handler = &cmd_persist});

  t.add({.name = "object", .arity = -2, .flags = 0, .acl = 0,
         .group = "generic", .since = "2.2.3",
         .summary = "Introspects the values stored at keys.",
         .complexity = "Depends on subcommand.", .handler = nullptr,
         .subcommands = {
             {.name = "object|encoding", .arity = 3, .flags = kRead, .acl = kAcl,
              .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
              .since = "2.2.3", .summary = "Names the internal encoding of a key's value.",
              .complexity = "O(1)", .handler = &cmd_object_encoding},
             {.name = "object|freq", .arity = 3, .flags = kRead, .acl = kAcl,
              .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
              .since = "4.0.0",
              .summary = "Returns the logarithmic access-frequency counter of a key.",
              .complexity = "O(1)", .handler = &cmd_object_freq},
             {.name = "object|help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl = kAcl,
              .group = "generic", .since = "6.2.0",
              .summary = "Lists the OBJECT subcommands.", .complexity = "O(1)",
              .handler = &cmd_object_help},
             {.name = "object|idletime", .arity = 3, .flags = kRead, .acl = kAcl,
              .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
              .since = "2.2.3",
              .summary = "Returns how many seconds ago a key was last accessed.",
              .complexity = "O(1)", .handler = &cmd_object_idletime},
             {.name = "object|refcount", .arity = 3, .flags = kRead, .acl = kAcl,
              .first_key = 2, .last_key = 2, .key_step = 1, .group = "generic",
              .since = "2.2.3",
              .summary = "Returns the number of references to a key's value.",
              .complexity = "O(1)", .handler = &cmd_object_refcount},
         }});
}

}  // namespace peregrine::server
