// The string family: GET/SET and their variants, multi-key MGET/MSET,
// APPEND/STRLEN, the integer and float counters, ranges, and LCS.
//
// A string entry keeps its bytes whatever its encoding (store/obj.h); the
// encoding only records what OBJECT ENCODING reports: values stored from a
// client argument take the encoding make_string picks, values edited in
// place (APPEND, SETRANGE) become "raw", integer counters are "int", float
// counters are "embstr" or "raw" by length.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The decimal text of v in buf.
std::string_view format_int64(int64_t v, char (&buf)[24]) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, static_cast<size_t>(end - buf)};
}

// Replies with the string under key (or a null), as GET does. Returns false
// when the key holds another type (the error has been replied); *found says
// whether the key exists.
bool reply_string_value(CommandContext& ctx, std::string_view key, bool* found = nullptr) {
  Obj* v = ctx.lookup_read(key);
  if (found != nullptr) *found = v != nullptr;
  if (v == nullptr) {
    ctx.reply.null_bulk();
    return true;
  }
  if (v->type() != ObjType::kString) {
    ctx.wrong_type();
    return false;
  }
  ctx.reply.bulk(v->str());
  return true;
}

// Replies the size-limit error when a string of cur_len bytes would grow by
// extra bytes past proto-max-bulk-len.
bool check_string_length(CommandContext& ctx, uint64_t cur_len, uint64_t extra) {
  const auto max = static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len);
  if (cur_len > max || extra > max - cur_len) {
    ctx.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

// New values carry the access stamp of their creation (OBJECT IDLETIME and
// FREQ start from it).
Value stamped(CommandContext& ctx, Value v) {
  v.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));
  return v;
}

// A string value that is never int-encoded (INCRBYFLOAT's result).
Value text_value(CommandContext& ctx, std::string s) {
  bool short_enough = s.size() <= store::kEmbstrMaxLen;
  Value v = Value::make_raw_string(std::move(s));
  if (short_enough) v.encoding = Encoding::kEmbStr;
  return stamped(ctx, std::move(v));
}

// The expiry options of SET, SETEX, PSETEX and GETEX.
enum class ExpireKind { kNone, kEx, kPx, kExAt, kPxAt };

bool expire_in_seconds(ExpireKind k) { return k == ExpireKind::kEx || k == ExpireKind::kExAt; }
bool expire_is_relative(ExpireKind k) { return k == ExpireKind::kEx || k == ExpireKind::kPx; }

// Converts the argument of an expiry option into an absolute Unix time in
// milliseconds. The time must be positive and must not overflow once scaled
// and offset by now; otherwise replies the error and returns nullopt.
std::optional<int64_t> expire_time_or_reply(CommandContext& ctx, ExpireKind kind,
                                            std::string_view arg) {
  int64_t t = 0;
  if (!parse_int64(arg, &t)) {
    ctx.not_integer();
    return std::nullopt;
  }
  auto invalid = [&ctx]() -> std::optional<int64_t> {
    ctx.reply.error("ERR invalid expire time in '" + ctx.spec.name + "' command");
    return std::nullopt;
  };
  if (t <= 0) return invalid();
  if (expire_in_seconds(kind)) {
    if (t > kInt64Max / 1000) return invalid();
    t *= 1000;
  }
  if (expire_is_relative(kind)) {
    if (t > kInt64Max - ctx.now_ms) return invalid();
    t += ctx.now_ms;
  }
  return t;
}

// Options of SET (from argv[3]) and GETEX (from argv[2]). Every misuse —
// an unknown word, a missing argument, two conditions or two kinds of expiry
// that exclude each other — is a syntax error. Repeating the same option is
// allowed; the last one wins.
struct StringSetOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keepttl = false;
  bool persist = false;
  ExpireKind expire = ExpireKind::kNone;
  std::string_view expire_arg;
};

std::optional<StringSetOptions> parse_set_options(CommandContext& ctx, bool is_set) {
  StringSetOptions o;
  for (size_t i = is_set ? 3 : 2; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    bool has_next = i + 1 < ctx.argc();
    ExpireKind kind = ExpireKind::kNone;
    if (equals_nocase(opt, "ex")) kind = ExpireKind::kEx;
    else if (equals_nocase(opt, "px")) kind = ExpireKind::kPx;
    else if (equals_nocase(opt, "exat")) kind = ExpireKind::kExAt;
    else if (equals_nocase(opt, "pxat")) kind = ExpireKind::kPxAt;

    if (is_set && equals_nocase(opt, "nx") && !o.xx) {
      o.nx = true;
    } else if (is_set && equals_nocase(opt, "xx") && !o.nx) {
      o.xx = true;
    } else if (is_set && equals_nocase(opt, "get")) {
      o.get = true;
    } else if (is_set && equals_nocase(opt, "keepttl") && o.expire == ExpireKind::kNone) {
      o.keepttl = true;
    } else if (!is_set && equals_nocase(opt, "persist") && o.expire == ExpireKind::kNone) {
      o.persist = true;
    } else if (kind != ExpireKind::kNone && has_next && !o.keepttl && !o.persist &&
               (o.expire == ExpireKind::kNone || o.expire == kind)) {
      o.expire = kind;
      o.expire_arg = ctx.arg(++i);
    } else {
      ctx.syntax_error();
      return std::nullopt;
    }
  }
  return o;
}

// The common path of SET, SETNX, SETEX and PSETEX. ok_reply/abort_reply
// choose the reply on success and when NX/XX prevents the write: null
// means "+OK" and a null bulk respectively; otherwise the integer given.
void set_generic(CommandContext& ctx, const StringSetOptions& o, std::string_view key,
                 std::string_view value, std::optional<int64_t> ok_reply,
                 std::optional<int64_t> abort_reply) {
  std::optional<int64_t> when;
  if (o.expire != ExpireKind::kNone) {
    when = expire_time_or_reply(ctx, o.expire, o.expire_arg);
    if (!when) return;
  }
  if (o.get && !reply_string_value(ctx, key)) return;

  bool found = ctx.lookup_write(key) != nullptr;
  if ((o.nx && found) || (o.xx && !found)) {
    if (!o.get) {
      if (abort_reply) ctx.reply.integer(*abort_reply);
      else ctx.reply.null_bulk();
    }
    return;
  }
  ctx.db.set_string(key, value, when, o.keepttl);
  ctx.key_modified(key);
  if (!o.get) {
    if (ok_reply) ctx.reply.integer(*ok_reply);
    else ctx.reply.ok();
  }
}

// ------------------------------------------------------------ GET / SET

// GET key
void cmd_get(CommandContext& ctx) { reply_string_value(ctx, ctx.arg(1)); }

// SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
void cmd_set(CommandContext& ctx) {
  auto opts = parse_set_options(ctx, /*is_set=*/true);
  if (!opts) return;
  set_generic(ctx, *opts, ctx.arg(1), ctx.arg(2), std::nullopt, std::nullopt);
}

// SETNX key value
void cmd_setnx(CommandContext& ctx) {
  StringSetOptions o;
  o.nx = true;
  set_generic(ctx, o, ctx.arg(1), ctx.arg(2), 1, 0);
}

// SETEX key seconds value
void cmd_setex(CommandContext& ctx) {
  StringSetOptions o;
  o.expire = ExpireKind::kEx;
  o.expire_arg = ctx.arg(2);
  set_generic(ctx, o, ctx.arg(1), ctx.arg(3), std::nullopt, std::nullopt);
}

// PSETEX key milliseconds value
void cmd_psetex(CommandContext& ctx) {
  StringSetOptions o;
  o.expire = ExpireKind::kPx;
  o.expire_arg = ctx.arg(2);
  set_generic(ctx, o, ctx.arg(1), ctx.arg(3), std::nullopt, std::nullopt);
}

// GETSET key value
void cmd_getset(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (!reply_string_value(ctx, key)) return;
  ctx.db.set_string(key, ctx.arg(2));
  ctx.key_modified(key);
}

// GETDEL key
void cmd_getdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool found = false;
  if (!reply_string_value(ctx, key, &found)) return;
  if (found && ctx.db.remove(key)) ctx.key_modified(key);
}

// GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
void cmd_getex(CommandContext& ctx) {
  auto opts = parse_set_options(ctx, /*is_set=*/false);
  if (!opts) return;
  std::string_view key = ctx.arg(1);

  Obj* v = ctx.lookup_read(key);
  if (v == nullptr) return ctx.reply.null_bulk();
  if (v->type() != ObjType::kString) return ctx.wrong_type();

  std::optional<int64_t> when;
  if (opts->expire != ExpireKind::kNone) {
    when = expire_time_or_reply(ctx, opts->expire, opts->expire_arg);
    if (!when) return;
  }
  ctx.reply.bulk(v->str());  // before the value may go away

  if (when && !expire_is_relative(opts->expire) && *when <= ctx.now_ms) {
    ctx.db.remove(key);
    ctx.key_modified(key);
  } else if (when) {
    ctx.db.set_expire(key, *when);
    ctx.key_modified(key);
  } else if (opts->persist) {
    if (ctx.db.persist(key)) ctx.key_modified(key);
  }
}

// ------------------------------------------------------------ MGET / MSET

// MGET key [key ...]
void cmd_mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Obj* v = ctx.lookup_read(ctx.arg(i));
    if (v == nullptr || v->type() != ObjType::kString) ctx.reply.null_bulk();
    else ctx.reply.bulk(v->str());
  }
}

// MSET key value [key value ...]
void cmd_mset(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.wrong_arity();
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    ctx.db.set_string(ctx.arg(i), ctx.arg(i + 1));
    ctx.key_modified(ctx.arg(i));
  }
  ctx.reply.ok();
}

// MSETNX key value [key value ...]
void cmd_msetnx(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.wrong_arity();
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.lookup_write(ctx.arg(i)) != nullptr) return ctx.reply.integer(0);
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    ctx.db.set_string(ctx.arg(i), ctx.arg(i + 1));
    ctx.key_modified(ctx.arg(i));
  }
  ctx.reply.integer(1);
}

// ------------------------------------------------------------ APPEND / STRLEN

// APPEND key value
void cmd_append(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view tail = ctx.arg(2);
  Obj* v = ctx.lookup_write(key);
  size_t total = 0;
  if (v == nullptr) {
    total = ctx.db.set_string(key, tail)->str().size();
  } else {
    if (v->type() != ObjType::kString) return ctx.wrong_type();
    if (!check_string_length(ctx, v->str().size(), tail.size())) return;
    if (v->heap_str()) {
      v->mutable_str().append(tail);
      v->set_encoding(Encoding::kRaw);
    } else {  // first edit: move the bytes to a growable buffer
      std::string grown;
      grown.reserve(v->str().size() + tail.size());
      grown.append(v->str()).append(tail);
      v = ctx.db.replace_value(v, Value::make_raw_string(std::move(grown)));
    }
    total = v->str().size();
  }
  ctx.key_modified(key);
  ctx.reply.integer(static_cast<int64_t>(total));
}

// STRLEN key
void cmd_strlen(CommandContext& ctx) {
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return ctx.reply.integer(0);
  if (v->type() != ObjType::kString) return ctx.wrong_type();
  ctx.reply.integer(static_cast<int64_t>(v->str().size()));
}

// ------------------------------------------------------------ counters

// Adds delta to the integer under key (0 when missing), keeping its TTL.
void incr_by(CommandContext& ctx, int64_t delta) {
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v != nullptr && v->type() != ObjType::kString) return ctx.wrong_type();
  int64_t cur = 0;
  if (v != nullptr && !parse_int64(v->str(), &cur)) return ctx.not_integer();
  if ((delta < 0 && cur < 0 && delta < kInt64Min - cur) ||
      (delta > 0 && cur > 0 && delta > kInt64Max - cur)) {
    return ctx.reply.error("ERR increment or decrement would overflow");
  }
  int64_t result = cur + delta;
  char buf[24];
  const std::string_view text = format_int64(result, buf);
  if (v == nullptr) {
    ctx.db.set_string(key, text);
  } else if (v->overwrite_inline(text)) {
    v->set_encoding(Encoding::kInt);
  } else {
    Value fresh;
    fresh.encoding = Encoding::kInt;
    fresh.str.assign(text);
    ctx.db.replace_value(v, std::move(fresh));
  }
  ctx.key_modified(key);
  ctx.reply.integer(result);
}

// INCR key
void cmd_incr(CommandContext& ctx) { incr_by(ctx, 1); }

// DECR key
void cmd_decr(CommandContext& ctx) { incr_by(ctx, -1); }

// INCRBY key increment
void cmd_incrby(CommandContext& ctx) {
  int64_t delta = 0;
  if (!parse_int64(ctx.arg(2), &delta)) return ctx.not_integer();
  incr_by(ctx, delta);
}

// DECRBY key decrement
void cmd_decrby(CommandContext& ctx) {
  int64_t delta = 0;
  if (!parse_int64(ctx.arg(2), &delta)) return ctx.not_integer();
  if (delta == kInt64Min) return ctx.reply.error("ERR decrement would overflow");
  incr_by(ctx, -delta);
}

// INCRBYFLOAT key increment
void cmd_incrbyfloat(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v != nullptr && v->type() != ObjType::kString) return ctx.wrong_type();
  long double cur = 0;
  long double delta = 0;
  if (v != nullptr && !parse_long_double(v->str(), &cur)) return ctx.not_float();
  if (!parse_long_double(ctx.arg(2), &delta)) return ctx.not_float();
  long double result = cur + delta;
  if (std::isnan(result) || std::isinf(result)) {
    return ctx.reply.error("ERR increment would produce NaN or Infinity");
  }
  std::string text = format_long_double(result);
  ctx.db.set(key, text_value(ctx, text), /*keep_ttl=*/true);
  ctx.key_modified(key);
  ctx.reply.bulk(text);
}

// ------------------------------------------------------------ ranges

// GETRANGE key start end   (also SUBSTR key start end)
void cmd_getrange(CommandContext& ctx) {
  int64_t start = 0;
  int64_t end = 0;
  if (!parse_int64(ctx.arg(2), &start) || !parse_int64(ctx.arg(3), &end)) {
    return ctx.not_integer();
  }
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return ctx.reply.bulk("");
  if (v->type() != ObjType::kString) return ctx.wrong_type();

  const std::string_view s = v->str();
  const auto len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.reply.bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return ctx.reply.bulk("");
  ctx.reply.bulk(std::string_view(s).substr(static_cast<size_t>(start),
                                            static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value
void cmd_setrange(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view patch = ctx.arg(3);
  int64_t offset = 0;
  if (!parse_int64(ctx.arg(2), &offset)) return ctx.not_integer();
  if (offset < 0) return ctx.reply.error("ERR offset is out of range");
  const auto off = static_cast<size_t>(offset);

  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) {
    if (patch.empty()) return ctx.reply.integer(0);
    if (!check_string_length(ctx, off, patch.size())) return;
    std::string s(off + patch.size(), '\0');
    s.replace(off, patch.size(), patch);
    v = ctx.db.set(key, stamped(ctx, Value::make_raw_string(std::move(s))));
  } else {
    if (v->type() != ObjType::kString) return ctx.wrong_type();
    if (patch.empty()) return ctx.reply.integer(static_cast<int64_t>(v->str().size()));
    if (!check_string_length(ctx, off, patch.size())) return;
    if (!v->heap_str()) {  // first edit: move the bytes to a growable buffer
      v = ctx.db.replace_value(v, Value::make_raw_string(std::string(v->str())));
    }
    std::string& s = v->mutable_str();
    if (s.size() < off + patch.size()) s.resize(off + patch.size(), '\0');
    s.replace(off, patch.size(), patch);
    v->set_encoding(Encoding::kRaw);
  }
  ctx.key_modified(key);
  ctx.reply.integer(static_cast<int64_t>(v->str().size()));
}

// ------------------------------------------------------------ LCS

// One common run found by LCS IDX: [a_start, a_end] in the first string
// matches [b_start, b_end] in the second.
struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void cmd_lcs(CommandContext& ctx) {
  Obj* va = ctx.lookup_read(ctx.arg(1));
  Obj* vb = ctx.lookup_read(ctx.arg(2));
  if ((va != nullptr && va->type() != ObjType::kString) ||
      (vb != nullptr && vb->type() != ObjType::kString)) {
    return ctx.reply.error("ERR The specified keys must contain string values");
  }
  // Copies: the values may not outlive later lookups.
  const std::string a = va != nullptr ? std::string(va->str()) : std::string();
  const std::string b = vb != nullptr ? std::string(vb->str()) : std::string();

  bool want_len = false;
  bool want_idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_nocase(opt, "idx")) {
      want_idx = true;
    } else if (equals_nocase(opt, "len")) {
      want_len = true;
    } else if (equals_nocase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (equals_nocase(opt, "minmatchlen") && i + 1 < ctx.argc()) {
      if (!parse_int64(ctx.arg(++i), &min_match_len)) return ctx.not_integer();
      min_match_len = std::max<int64_t>(min_match_len, 0);
    } else {
      return ctx.syntax_error();
    }
  }
  if (want_idx && want_len) {
    return ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
  }
  constexpr size_t kMaxLen = std::numeric_limits<uint32_t>::max() - 1;
  if (a.size() >= kMaxLen || b.size() >= kMaxLen) {
    return ctx.reply.error("ERR String too long for LCS");
  }

  // table[i * (blen + 1) + j] = length of the LCS of a[0, i) and b[0, j).
  const size_t alen = a.size();
  const size_t blen = b.size();
  std::vector<uint32_t> table;
  try {
    table.assign((alen + 1) * (blen + 1), 0);
  } catch (const std::exception&) {  // bad_alloc, or length_error past max_size()
    return ctx.reply.error("ERR Insufficient memory, failed allocating transient memory for LCS");
  }
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * (blen + 1) + j]; };
  for (size_t i = 1; i <= alen; ++i) {
    for (size_t j = 1; j <= blen; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t total = at(alen, blen);

  if (want_len) return ctx.reply.integer(total);

  // Walk back from the end, collecting the common sequence (built back to
  // front) and the maximal runs that are contiguous in both strings.
  std::string common(total, '\0');
  std::vector<LcsMatch> matches;
  bool in_run = false;
  LcsMatch run{};
  auto close_run = [&] {
    uint32_t run_len = run.a_end - run.a_start + 1;
    if (min_match_len == 0 || run_len >= static_cast<uint64_t>(min_match_len)) {
      matches.push_back(run);
    }
    in_run = false;
  };
  size_t i = alen;
  size_t j = blen;
  size_t k = total;
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      common[--k] = a[i - 1];
      auto ai = static_cast<uint32_t>(i - 1);
      auto bj = static_cast<uint32_t>(j - 1);
      if (in_run && run.a_start == ai + 1 && run.b_start == bj + 1) {
        run.a_start = ai;
        run.b_start = bj;
      } else {
        if (in_run) close_run();
        run = {ai, ai, bj, bj};
        in_run = true;
      }
      --i;
      --j;
      if (run.a_start == 0 || run.b_start == 0) close_run();
    } else {
      if (at(i - 1, j) > at(i, j - 1)) --i;
      else --j;
      if (in_run) close_run();
    }
  }

  if (!want_idx) return ctx.reply.bulk(common);
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(matches.size());
  for (const LcsMatch& m : matches) {
    ctx.reply.array(with_match_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(m.a_start);
    ctx.reply.integer(m.a_end);
    ctx.reply.array(2);
    ctx.reply.integer(m.b_start);
    ctx.reply.integer(m.b_end);
    if (with_match_len) ctx.reply.integer(m.a_end - m.a_start + 1);
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(total);
}

}  // namespace

// ------------------------------------------------------------ registration

void register_string_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kAcl = kAclString;

  t.add({.name = "get", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Returns the string value of a key.", .complexity = "O(1)",
         .handler = &cmd_get});
  t.add({.name = "set", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Stores a string value under a key, with optional conditions and expiry.",
         .complexity = "O(1)", .handler = &cmd_set});
  t.add({.name = "setnx", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Stores a string value only when the key does not exist yet.",
         .complexity = "O(1)", .handler = &cmd_setnx});
  t.add({.name = "setex", .arity = 4, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.0.0",
         .summary = "Stores a string value with a time to live in seconds.",
         .complexity = "O(1)", .handler = &cmd_setex});
  t.add({.name = "psetex", .arity = 4, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.6.0",
         .summary = "Stores a string value with a time to live in milliseconds.",
         .complexity = "O(1)", .handler = &cmd_psetex});
  t.add({.name = "getset", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Stores a new string value and returns the previous one.",
         .complexity = "O(1)", .handler = &cmd_getset});
  t.add({.name = "getdel", .arity = 2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "6.2.0",
         .summary = "Returns the string value of a key and deletes the key.",
         .complexity = "O(1)", .handler = &cmd_getdel});
  t.add({.name = "getex", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "6.2.0",
         .summary = "Returns the string value of a key and optionally changes its expiry.",
         .complexity = "O(1)", .handler = &cmd_getex});
  t.add({.name = "mget", .arity = -2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Returns the string values of several keys.",
         .complexity = "O(N) where N is the number of keys to retrieve.",
         .handler = &cmd_mget});
  t.add({.name = "mset", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 2, .group = "string", .since = "1.0.1",
         .summary = "Stores string values under several keys at once.",
         .complexity = "O(N) where N is the number of keys to set.", .handler = &cmd_mset});
  t.add({.name = "msetnx", .arity = -3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = -1, .key_step = 2, .group = "string", .since = "1.0.1",
         .summary = "Stores string values under several keys only when none of them exists.",
         .complexity = "O(N) where N is the number of keys to set.",
         .handler = &cmd_msetnx});
  t.add({.name = "append", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.0.0",
         .summary = "Appends to the string value of a key, creating the key if needed.",
         .complexity = "O(1) amortized, assuming the appended value is small.",
         .handler = &cmd_append});
  t.add({.name = "strlen", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.2.0",
         .summary = "Returns the length of the string value of a key.",
         .complexity = "O(1)", .handler = &cmd_strlen});
  t.add({.name = "incr", .arity = 2, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Adds one to the integer value of a key.", .complexity = "O(1)",
         .handler = &cmd_incr});
  t.add({.name = "decr", .arity = 2, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Subtracts one from the integer value of a key.", .complexity = "O(1)",
         .handler = &cmd_decr});
  t.add({.name = "incrby", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Adds an amount to the integer value of a key.", .complexity = "O(1)",
         .handler = &cmd_incrby});
  t.add({.name = "decrby", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Subtracts an amount from the integer value of a key.",
         .complexity = "O(1)", .handler = &cmd_decrby});
  t.add({.name = "incrbyfloat", .arity = 3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.6.0",
         .summary = "Adds a floating point amount to the numeric value of a key.",
         .complexity = "O(1)", .handler = &cmd_incrbyfloat});
  t.add({.name = "getrange", .arity = 4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.4.0",
         .summary = "Returns a substring of the string value of a key.",
         .complexity = "O(N) where N is the length of the returned string.",
         .handler = &cmd_getrange});
  t.add({.name = "setrange", .arity = 4, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "2.2.0",
         .summary = "Overwrites part of the string value of a key from an offset on.",
         .complexity = "O(1), not counting the copy of the new bytes (O(M) for M bytes).",
         .handler = &cmd_setrange});
  t.add({.name = "substr", .arity = 4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "string", .since = "1.0.0",
         .summary = "Returns a substring of the string value of a key (old name of GETRANGE).",
         .complexity = "O(N) where N is the length of the returned string.",
         .handler = &cmd_getrange});
  t.add({.name = "lcs", .arity = -3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "string", .since = "7.0.0",
         .summary = "Finds the longest common subsequence of the string values of two keys.",
         .complexity = "O(N*M) where N and M are the lengths of the two strings.",
         .handler = &cmd_lcs});
}

}  // namespace peregrine::server
