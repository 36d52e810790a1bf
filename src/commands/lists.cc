// The list family: pushes and pops at both ends, indexed access and edits
// (LINDEX LSET LRANGE LINSERT LREM LTRIM LPOS), moves between lists (LMOVE
// RPOPLPUSH LMPOP) and the blocking forms (BLPOP BRPOP BLMOVE BRPOPLPUSH
// BLMPOP).
//
// A list key never holds an empty list: the command that removes the last
// element deletes the key. Every command that adds elements to a key signals
// it ready, so clients blocked on it are served once the command (or EXEC)
// is over. A blocking command that finds nothing to serve blocks when it
// may, and otherwise replies its timeout reply at once.
//
// Read-only commands look keys up with lookup_read (keyspace hits/misses),
// the others with lookup_write, as Redis does.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commands/util.h"
#include "runtime/buggify.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server.h"
#include "store/db.h"
#include "store/list.h"
#include "store/value.h"

namespace peregrine::server {
namespace {

using store::ListValue;
using store::ObjType;
using store::Obj;
using store::Value;

enum class End { kLeft, kRight };

// ------------------------------------------------------------ shared pieces

// LEFT or RIGHT (any case).
bool parse_end(std::string_view s, End* out) {
  if (equals_nocase(s, "left")) *out = End::kLeft;
  else if (equals_nocase(s, "right")) *out = End::kRight;
  else return false;
  return true;
}

// The list under v, ready to be changed: it takes the current node limit
// and compress depth.
ListValue& list_for_write(CommandContext& ctx, Obj* v) {
  ListValue& l = v->as<ListValue>();
  l.set_fill(ctx.server.config().list_max_listpack_size);
  l.set_compress_depth(static_cast<size_t>(ctx.server.config().list_compress_depth));
  return l;
}

// The current list-max-listpack-size, for Redis's encoding decisions.
int64_t fill_now(CommandContext& ctx) { return ctx.server.config().list_max_listpack_size; }

// Before a command adds the elements argv[first, argc): Redis's growth
// check, with their lengths.
void prepare_growth_from_args(CommandContext& ctx, ListValue& l, size_t first) {
  if (l.redis_encoding() == store::Encoding::kQuicklist) return;  // nothing to check
  size_t bytes = 0;
  for (size_t i = first; i < ctx.argc(); ++i) bytes += ctx.arg(i).size();
  l.prepare_growth(fill_now(ctx), bytes, ctx.argc() - first);
}

// Stores a new empty list under key and returns it.
Obj* create_list(CommandContext& ctx, std::string_view key) {
  Value v;
  v.type = ObjType::kList;
  auto list = std::make_unique<ListValue>(ctx.server.config().list_max_listpack_size,
                                          static_cast<size_t>(ctx.server.config().list_compress_depth));
  v.encoding = store::reported_encoding(*list);
  v.coll = std::move(list);
  v.lru = initial_access_stamp(ctx.now_ms, is_lfu_policy(ctx.server.config().maxmemory_policy));
  return ctx.db.set(key, std::move(v));
}

// Bookkeeping after a command changed the list under key: the key goes when
// the list is empty, otherwise its encoding is brought up to date.
void list_changed(CommandContext& ctx, std::string_view key, Obj* v) {
  const ListValue& l = v->as<ListValue>();
  if (l.empty()) ctx.db.remove(key);
  else v->set_encoding(store::reported_encoding(l));
  ctx.key_modified(key);
}

// A list index (negative: from the tail) as a position, when in range.
std::optional<size_t> resolve_index(int64_t index, size_t len) {
  auto n = static_cast<int64_t>(len);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  return static_cast<size_t>(index);
}

// Pops up to count elements from one end and replies them as an array.
void reply_popped(CommandContext& ctx, ListValue& l, End end, size_t count) {
  size_t n = std::min(count, l.size());
  ctx.reply.array(n);
  if (n == 0) return;
  size_t from = end == End::kLeft ? 0 : l.size() - 1;
  l.visit(from, end == End::kRight, [&](size_t, std::string_view e) {
    ctx.reply.bulk(e);
    return --n > 0;
  });
  size_t taken = std::min(count, l.size());
  l.erase(end == End::kLeft ? 0 : l.size() - taken, taken);
  l.settle_after_removal(fill_now(ctx));
}

// Pops one element (Redis's shrink check follows once the command is done
// with the list: settle_after_removal).
std::string pop_one(ListValue& l, End end) {
  return end == End::kLeft ? l.pop_front() : l.pop_back();
}

void push_one(ListValue& l, End end, std::string_view v) {
  if (end == End::kLeft) l.push_front(v);
  else l.push_back(v);
}

// ------------------------------------------------------------ push / pop

void push_generic(CommandContext& ctx, End end, bool only_existing) {
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v != nullptr && v->type() != ObjType::kList) return ctx.wrong_type();
  const bool created = v == nullptr;
  if (created) {
    if (only_existing) return ctx.reply.integer(0);
    v = create_list(ctx, key);
  }
  ListValue& l = list_for_write(ctx, v);
  prepare_growth_from_args(ctx, l, 2);
  for (size_t i = 2; i < ctx.argc(); ++i) push_one(l, end, ctx.arg(i));
  CODE_PROBE(ctx.server.runtime(), l.compressed_node_count() > 0,
             "list push with compressed interior nodes");
  ctx.reply.integer(static_cast<int64_t>(l.size()));
  list_changed(ctx, key, v);
  if (created) ctx.signal_key_ready(key);
  else ctx.signal_key_grew(key);
}

// LPUSH key element [element ...]
void cmd_lpush(CommandContext& ctx) { push_generic(ctx, End::kLeft, false); }
// RPUSH key element [element ...]
void cmd_rpush(CommandContext& ctx) { push_generic(ctx, End::kRight, false); }
// LPUSHX key element [element ...]
void cmd_lpushx(CommandContext& ctx) { push_generic(ctx, End::kLeft, true); }
// RPUSHX key element [element ...]
void cmd_rpushx(CommandContext& ctx) { push_generic(ctx, End::kRight, true); }

void pop_generic(CommandContext& ctx, End end) {
  if (ctx.argc() > 3) return ctx.wrong_arity();
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count && (!parse_int64(ctx.arg(2), &count) || count < 0))
    return ctx.reply.error("ERR value is out of range, must be positive");

  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return has_count ? ctx.reply.null_array() : ctx.reply.null_bulk();
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  if (has_count && count == 0) return ctx.reply.array(0);

  ListValue& l = list_for_write(ctx, v);
  if (has_count) {
    reply_popped(ctx, l, end, static_cast<size_t>(count));
  } else {
    ctx.reply.bulk(pop_one(l, end));
    l.settle_after_removal(fill_now(ctx));
  }
  list_changed(ctx, key, v);
}

// LPOP key [count]
void cmd_lpop(CommandContext& ctx) { pop_generic(ctx, End::kLeft); }
// RPOP key [count]
void cmd_rpop(CommandContext& ctx) { pop_generic(ctx, End::kRight); }

// ------------------------------------------------------------ reads

// LLEN key
void cmd_llen(CommandContext& ctx) {
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return ctx.reply.integer(0);
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  ctx.reply.integer(static_cast<int64_t>(v->as<ListValue>().size()));
}

// LRANGE key start stop
void cmd_lrange(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!parse_int64(ctx.arg(2), &start) || !parse_int64(ctx.arg(3), &stop))
    return ctx.not_integer();
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return ctx.reply.array(0);
  if (v->type() != ObjType::kList) return ctx.wrong_type();

  const ListValue& l = v->as<ListValue>();
  auto len = static_cast<int64_t>(l.size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return ctx.reply.array(0);
  if (stop >= len) stop = len - 1;
  ctx.reply.array(static_cast<size_t>(stop - start + 1));
  l.visit(static_cast<size_t>(start), false, [&](size_t i, std::string_view e) {
    ctx.reply.bulk(e);
    return i < static_cast<size_t>(stop);
  });
}

// LINDEX key index
void cmd_lindex(CommandContext& ctx) {
  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return ctx.reply.null_bulk();
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  int64_t index = 0;
  if (!parse_int64(ctx.arg(2), &index)) return ctx.not_integer();
  const ListValue& l = v->as<ListValue>();
  auto pos = resolve_index(index, l.size());
  if (!pos) return ctx.reply.null_bulk();
  l.visit(*pos, false, [&](size_t, std::string_view e) {
    ctx.reply.bulk(e);
    return false;
  });
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void cmd_lpos(CommandContext& ctx) {
  int64_t rank = 1;
  int64_t count = -1;  // -1: not given (reply one index, not an array)
  int64_t maxlen = 0;  // 0: compare every element
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    bool has_value = i + 1 < ctx.argc();
    if (equals_nocase(opt, "rank") && has_value) {
      // (The most negative rank is refused, as Redis 7.2 does.)
      if (!ctx.parse_signed_count(ctx.arg(++i), &rank)) return;
      if (rank == 0)
        return ctx.reply.error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
    } else if (equals_nocase(opt, "count") && has_value) {
      if (!parse_int64(ctx.arg(++i), &count) || count < 0)
        return ctx.reply.error("ERR COUNT can't be negative");
    } else if (equals_nocase(opt, "maxlen") && has_value) {
      if (!parse_int64(ctx.arg(++i), &maxlen) || maxlen < 0)
        return ctx.reply.error("ERR MAXLEN can't be negative");
    } else {
      return ctx.syntax_error();
    }
  }

  Obj* v = ctx.lookup_read(ctx.arg(1));
  if (v == nullptr) return count == -1 ? ctx.reply.null_bulk() : ctx.reply.array(0);
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  const ListValue& l = v->as<ListValue>();

  // A negative rank searches from the tail.
  bool from_tail = rank < 0;
  auto skip_to = static_cast<uint64_t>(from_tail ? -rank : rank);
  uint64_t want = count == -1 ? 1 : static_cast<uint64_t>(count);  // 0: all
  std::vector<size_t> found;
  uint64_t matches = 0, compared = 0;
  std::string_view element = ctx.arg(2);
  l.visit(from_tail ? l.size() - 1 : 0, from_tail, [&](size_t i, std::string_view e) {
    if (maxlen != 0 && compared >= static_cast<uint64_t>(maxlen)) return false;
    ++compared;
    if (e == element && ++matches >= skip_to) {
      found.push_back(i);
      if (want != 0 && found.size() >= want) return false;
    }
    return true;
  });
  if (count == -1) {
    if (found.empty()) return ctx.reply.null_bulk();
    return ctx.reply.integer(static_cast<int64_t>(found[0]));
  }
  ctx.reply.array(found.size());
  for (size_t i : found) ctx.reply.integer(static_cast<int64_t>(i));
}

// ------------------------------------------------------------ edits

// LSET key index element
void cmd_lset(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return ctx.reply.error("ERR no such key");
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  int64_t index = 0;
  if (!parse_int64(ctx.arg(2), &index)) return ctx.not_integer();
  ListValue& l = list_for_write(ctx, v);
  // Redis checks for growth before it looks at the index: a listpack that
  // the element would take past the limit becomes a quicklist even when
  // the index is out of range.
  prepare_growth_from_args(ctx, l, 3);
  v->set_encoding(store::reported_encoding(l));
  auto pos = resolve_index(index, l.size());
  if (!pos) return ctx.reply.error("ERR index out of range");
  l.set(*pos, ctx.arg(3));
  l.settle_after_removal(fill_now(ctx));
  ctx.reply.ok();
  list_changed(ctx, key, v);
}

// LINSERT key BEFORE | AFTER pivot element
void cmd_linsert(CommandContext& ctx) {
  bool after = false;
  if (equals_nocase(ctx.arg(2), "after")) after = true;
  else if (!equals_nocase(ctx.arg(2), "before")) return ctx.syntax_error();

  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return ctx.reply.integer(0);
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  ListValue& l = list_for_write(ctx, v);
  // As in Redis, before the pivot is looked for (a missing pivot still
  // leaves a converted list).
  prepare_growth_from_args(ctx, l, 4);
  v->set_encoding(store::reported_encoding(l));

  std::optional<size_t> pivot;
  l.visit(0, false, [&](size_t i, std::string_view e) {
    if (e != ctx.arg(3)) return true;
    pivot = i;
    return false;
  });
  if (!pivot) return ctx.reply.integer(-1);
  l.insert_next_to(*pivot, after, ctx.arg(4));
  ctx.reply.integer(static_cast<int64_t>(l.size()));
  list_changed(ctx, key, v);
  ctx.signal_key_grew(key);  // longer: BLMOVEM EXACTLY may be served
}

// LREM key count element
void cmd_lrem(CommandContext& ctx) {
  int64_t count = 0;
  // (The most negative count is refused, as Redis 8.0 does.)
  if (!ctx.parse_signed_count(ctx.arg(2), &count)) return;
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return ctx.reply.integer(0);
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  ListValue& l = list_for_write(ctx, v);
  size_t removed = l.remove(ctx.arg(3), count);
  if (removed > 0) l.settle_after_removal(fill_now(ctx));
  ctx.reply.integer(static_cast<int64_t>(removed));
  if (removed > 0) list_changed(ctx, key, v);
}

// LTRIM key start stop
void cmd_ltrim(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!parse_int64(ctx.arg(2), &start) || !parse_int64(ctx.arg(3), &stop))
    return ctx.not_integer();
  std::string_view key = ctx.arg(1);
  Obj* v = ctx.lookup_write(key);
  if (v == nullptr) return ctx.reply.ok();
  if (v->type() != ObjType::kList) return ctx.wrong_type();
  ListValue& l = list_for_write(ctx, v);

  auto len = static_cast<int64_t>(l.size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) {
    l.erase(0, l.size());  // nothing in range: the whole list goes
  } else {
    if (stop >= len) stop = len - 1;
    l.erase(static_cast<size_t>(stop + 1), l.size());
    l.erase(0, static_cast<size_t>(start));
  }
  l.settle_after_removal(fill_now(ctx));
  ctx.reply.ok();
  // Reported as a change even when nothing was trimmed, as Redis does.
  list_changed(ctx, key, v);
}

// ------------------------------------------------------------ moves

// Moves one element from the list src (which exists and holds a list) to
// dst and replies it; replies WRONGTYPE when dst holds another type.
void move_element(CommandContext& ctx, std::string_view src_key, Obj* src,
                  std::string_view dst_key, End from, End to) {
  Obj* dst = ctx.lookup_write(dst_key);
  if (dst != nullptr && dst->type() != ObjType::kList) return ctx.wrong_type();
  ListValue& from_list = list_for_write(ctx, src);
  const bool from_listpack = from_list.redis_encoding() == store::Encoding::kListpack;
  std::string e = pop_one(from_list, from);
  const bool created = dst == nullptr;
  // Redis pops an element that a quicklist node stores as an integer as an
  // integer object, whose length its growth check skips.
  const bool counts = from_listpack || !store::lp_stores_as_integer(e);
  if (dst == nullptr) dst = create_list(ctx, dst_key);  // src_key == dst_key finds src
  ListValue& to_list = list_for_write(ctx, dst);
  to_list.prepare_growth(fill_now(ctx), counts ? e.size() : 0, 1);
  push_one(to_list, to, e);
  from_list.settle_after_removal(fill_now(ctx));
  ctx.reply.bulk(e);
  if (dst != src) list_changed(ctx, src_key, src);
  list_changed(ctx, dst_key, dst);
  if (created) ctx.signal_key_ready(dst_key);
  else ctx.signal_key_grew(dst_key);
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT
void cmd_lmove(CommandContext& ctx) {
  End from{}, to{};
  if (!parse_end(ctx.arg(3), &from) || !parse_end(ctx.arg(4), &to)) return ctx.syntax_error();
  Obj* src = ctx.lookup_write(ctx.arg(1));
  if (src == nullptr) return ctx.reply.null_bulk();
  if (src->type() != ObjType::kList) return ctx.wrong_type();
  move_element(ctx, ctx.arg(1), src, ctx.arg(2), from, to);
}

// The how-many block of LMOVEM and BLMOVEM:
// [COUNT count | EXACTLY exactly  OBO | BULK]; without it, one element.
struct MoveManyArgs {
  End from = End::kLeft;
  End to = End::kLeft;
  size_t count = 1;
  bool exactly = false;  // EXACTLY: all count elements or none
  bool bulk = false;     // BULK: the batch keeps its order; OBO: one by one
};

// Parses the two ends (argv[3], argv[4]) and the how-many block, which
// starts at block_at (after BLMOVEM's timeout); replies the error and
// returns false when they are not valid.
bool parse_move_many(CommandContext& ctx, size_t block_at, MoveManyArgs* out) {
  if (!parse_end(ctx.arg(3), &out->from) || !parse_end(ctx.arg(4), &out->to)) {
    ctx.syntax_error();
    return false;
  }
  if (ctx.argc() == block_at) return true;
  if (ctx.argc() != block_at + 3) {
    ctx.syntax_error();
    return false;
  }
  std::string_view selector = ctx.arg(block_at);
  std::string_view ordering = ctx.arg(block_at + 2);
  const bool count = equals_nocase(selector, "count");
  out->exactly = equals_nocase(selector, "exactly");
  out->bulk = equals_nocase(ordering, "bulk");
  if ((!count && !out->exactly) || (!out->bulk && !equals_nocase(ordering, "obo"))) {
    ctx.syntax_error();
    return false;
  }
  int64_t n = 0;
  if (!parse_int64(ctx.arg(block_at + 1), &n) || n <= 0) {
    ctx.reply.error("ERR count should be greater than 0");
    return false;
  }
  out->count = static_cast<size_t>(n);
  return true;
}

// Moves min(count, length) elements (count of them, for EXACTLY, known to
// be there) from the list src to dst and replies them in destination order.
// OBO pops every element first and then pushes them one by one, each in
// front of (LEFT) or after (RIGHT) the one before, so the batch arrives
// reversed at a LEFT end; BULK puts the batch there in the order it had in
// the source. Replies WRONGTYPE, moving nothing, when dst holds another
// type.
void move_many(CommandContext& ctx, std::string_view src_key, Obj* src, std::string_view dst_key,
               const MoveManyArgs& a) {
  Obj* dst = ctx.lookup_write(dst_key);
  if (dst != nullptr && dst->type() != ObjType::kList) return ctx.wrong_type();
  ListValue& from = list_for_write(ctx, src);
  const size_t n = std::min(a.count, from.size());
  // Popped in pop order, then put in the order they will lie in the
  // destination, head to tail.
  std::vector<std::string> placed;
  placed.reserve(n);
  for (size_t i = 0; i < n; ++i) placed.push_back(pop_one(from, a.from));
  const bool created = dst == nullptr;
  if (created) dst = create_list(ctx, dst_key);  // src_key == dst_key finds src
  ListValue& to = list_for_write(ctx, dst);
  size_t bytes = 0;
  for (const std::string& e : placed) bytes += e.size();
  to.prepare_growth(fill_now(ctx), bytes, placed.size());
  const bool reverse = a.bulk ? a.from == End::kRight : a.to == End::kLeft;
  if (reverse) std::reverse(placed.begin(), placed.end());
  if (a.to == End::kRight) {
    for (const std::string& e : placed) to.push_back(e);
  } else {
    for (size_t i = placed.size(); i-- > 0;) to.push_front(placed[i]);
  }
  from.settle_after_removal(fill_now(ctx));
  ctx.reply.array(placed.size());
  for (const std::string& e : placed) ctx.reply.bulk(e);
  if (dst != src) list_changed(ctx, src_key, src);
  list_changed(ctx, dst_key, dst);
  if (created) ctx.signal_key_ready(dst_key);
  else ctx.signal_key_grew(dst_key);
}

// Serves LMOVEM / BLMOVEM when the source can: true after a reply (the
// move, or WRONGTYPE); false when it cannot (missing, or shorter than
// EXACTLY asks).
bool try_move_many(CommandContext& ctx, const MoveManyArgs& a) {
  Obj* src = ctx.lookup_write(ctx.arg(1));
  if (src != nullptr && src->type() != ObjType::kList) {
    ctx.wrong_type();
    return true;
  }
  if (src == nullptr || (a.exactly && src->as<ListValue>().size() < a.count)) return false;
  move_many(ctx, ctx.arg(1), src, ctx.arg(2), a);
  return true;
}

// LMOVEM source destination LEFT | RIGHT LEFT | RIGHT
//        [COUNT count | EXACTLY exactly  OBO | BULK]
// (Redis 8.10.) Nothing to move: an empty array, or a null for EXACTLY.
void cmd_lmovem(CommandContext& ctx) {
  MoveManyArgs a;
  if (!parse_move_many(ctx, 5, &a) || try_move_many(ctx, a)) return;
  if (a.exactly) return ctx.reply.null_bulk();
  ctx.reply.array(0);
}

// BLMOVEM source destination LEFT | RIGHT LEFT | RIGHT timeout
//         [COUNT count | EXACTLY exactly  OBO | BULK]
// (Redis 8.10.) Blocks while the source is missing or, for EXACTLY, holds
// fewer elements than asked; every push to it lets the client try again.
// The timeout reply is a null array, as for the other blocking list
// commands; inside MULTI, where it cannot block, a request it cannot
// satisfy answers a null at once (its documentation).
void cmd_blmovem(CommandContext& ctx) {
  MoveManyArgs a;
  if (!parse_move_many(ctx, 6, &a)) return;
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(5), &timeout_ms) || try_move_many(ctx, a)) return;
  if (!ctx.can_block()) return ctx.reply.null_bulk();
  ctx.block_on(ctx.argv.subspan(1, 1), timeout_ms, ObjType::kList);
}

// RPOPLPUSH source destination
void cmd_rpoplpush(CommandContext& ctx) {
  Obj* src = ctx.lookup_write(ctx.arg(1));
  if (src == nullptr) return ctx.reply.null_bulk();
  if (src->type() != ObjType::kList) return ctx.wrong_type();
  move_element(ctx, ctx.arg(1), src, ctx.arg(2), End::kRight, End::kLeft);
}

// The arguments of LMPOP and BLMPOP from numkeys on:
// numkeys key [key ...] LEFT | RIGHT [COUNT count]
struct MpopArgs {
  size_t first_key = 0;
  size_t num_keys = 0;
  End end = End::kLeft;
  int64_t count = 1;
};

bool parse_mpop_args(CommandContext& ctx, size_t numkeys_at, MpopArgs* out) {
  int64_t numkeys = 0;
  if (!parse_int64(ctx.arg(numkeys_at), &numkeys) || numkeys <= 0) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return false;
  }
  out->first_key = numkeys_at + 1;
  // The keys and the direction after them must be there.
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - out->first_key - 1) {
    ctx.syntax_error();
    return false;
  }
  out->num_keys = static_cast<size_t>(numkeys);
  if (!parse_end(ctx.arg(out->first_key + out->num_keys), &out->end)) {
    ctx.syntax_error();
    return false;
  }
  bool count_seen = false;
  for (size_t i = out->first_key + out->num_keys + 1; i < ctx.argc(); ++i) {
    if (equals_nocase(ctx.arg(i), "count") && i + 1 < ctx.argc() && !count_seen) {
      if (!parse_int64(ctx.arg(++i), &out->count) || out->count <= 0) {
        ctx.reply.error("ERR count should be greater than 0");
        return false;
      }
      count_seen = true;
    } else {
      ctx.syntax_error();
      return false;
    }
  }
  return true;
}

// Pops from the first non-empty list among the keys and replies
// [key, [elements]]. Returns false when no key holds a list (nothing
// replied) or after replying WRONGTYPE (*error set).
bool mpop_serve(CommandContext& ctx, const MpopArgs& a, bool* error) {
  *error = false;
  for (size_t i = a.first_key; i < a.first_key + a.num_keys; ++i) {
    std::string_view key = ctx.arg(i);
    Obj* v = ctx.lookup_write(key);
    if (v == nullptr) continue;
    if (v->type() != ObjType::kList) {
      ctx.wrong_type();
      *error = true;
      return false;
    }
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    reply_popped(ctx, list_for_write(ctx, v), a.end, static_cast<size_t>(a.count));
    list_changed(ctx, key, v);
    return true;
  }
  return false;
}

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]
void cmd_lmpop(CommandContext& ctx) {
  MpopArgs a;
  if (!parse_mpop_args(ctx, 1, &a)) return;
  bool error = false;
  if (!mpop_serve(ctx, a, &error) && !error) ctx.reply.null_array();
}

// ------------------------------------------------------------ blocking

void bpop_generic(CommandContext& ctx, End end) {
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(ctx.argc() - 1), &timeout_ms)) return;
  for (size_t i = 1; i + 1 < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    Obj* v = ctx.lookup_write(key);
    if (v == nullptr) continue;
    if (v->type() != ObjType::kList) return ctx.wrong_type();
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ListValue& l = list_for_write(ctx, v);
    ctx.reply.bulk(pop_one(l, end));
    l.settle_after_removal(fill_now(ctx));
    list_changed(ctx, key, v);
    return;
  }
  if (!ctx.can_block()) return ctx.reply.null_array();  // inside MULTI/EXEC
  ctx.block_on(ctx.argv.subspan(1, ctx.argc() - 2), timeout_ms, ObjType::kList);
}

// BLPOP key [key ...] timeout
void cmd_blpop(CommandContext& ctx) { bpop_generic(ctx, End::kLeft); }
// BRPOP key [key ...] timeout
void cmd_brpop(CommandContext& ctx) { bpop_generic(ctx, End::kRight); }

void bmove_generic(CommandContext& ctx, End from, End to, std::string_view timeout_arg) {
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(timeout_arg, &timeout_ms)) return;
  Obj* src = ctx.lookup_write(ctx.arg(1));
  if (src != nullptr) {
    if (src->type() != ObjType::kList) return ctx.wrong_type();
    return move_element(ctx, ctx.arg(1), src, ctx.arg(2), from, to);
  }
  // Without a wait (MULTI) the reply is a null bulk, as in Redis 7.0.
  if (!ctx.can_block()) return ctx.reply.null_bulk();
  ctx.block_on(ctx.argv.subspan(1, 1), timeout_ms, ObjType::kList);
}

// BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout
void cmd_blmove(CommandContext& ctx) {
  End from{}, to{};
  if (!parse_end(ctx.arg(3), &from) || !parse_end(ctx.arg(4), &to)) return ctx.syntax_error();
  bmove_generic(ctx, from, to, ctx.arg(5));
}

// BRPOPLPUSH source destination timeout
void cmd_brpoplpush(CommandContext& ctx) {
  bmove_generic(ctx, End::kRight, End::kLeft, ctx.arg(3));
}

// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]
void cmd_blmpop(CommandContext& ctx) {
  MpopArgs a;
  if (!parse_mpop_args(ctx, 2, &a)) return;  // the timeout is checked after the rest
  int64_t timeout_ms = 0;
  if (!ctx.parse_block_timeout(ctx.arg(1), &timeout_ms)) return;
  bool error = false;
  if (mpop_serve(ctx, a, &error) || error) return;
  if (!ctx.can_block()) return ctx.reply.null_array();  // inside MULTI/EXEC
  ctx.block_on(ctx.argv.subspan(a.first_key, a.num_keys), timeout_ms, ObjType::kList);
}

}  // namespace

// ------------------------------------------------------------ registration

void register_list_commands(CommandTable& t) {
  constexpr uint32_t kRead = kCmdReadonly;
  constexpr uint32_t kWrite = kCmdWrite;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kBlock = kCmdNoscript | kCmdBlocking;
  constexpr uint32_t kAcl = kAclList;

  t.add({.name = "lpush", .arity = -3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Adds elements at the head of a list, creating the key if needed.",
         .complexity = "O(1) per element added.", .handler = &cmd_lpush});
  t.add({.name = "rpush", .arity = -3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Adds elements at the tail of a list, creating the key if needed.",
         .complexity = "O(1) per element added.", .handler = &cmd_rpush});
  t.add({.name = "lpushx", .arity = -3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "2.2.0",
         .summary = "Adds elements at the head of a list only when the list exists.",
         .complexity = "O(1) per element added.", .handler = &cmd_lpushx});
  t.add({.name = "rpushx", .arity = -3, .flags = kWrite | kOom | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "2.2.0",
         .summary = "Adds elements at the tail of a list only when the list exists.",
         .complexity = "O(1) per element added.", .handler = &cmd_rpushx});
  t.add({.name = "lpop", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Removes and returns elements from the head of a list.",
         .complexity = "O(N), N the number of elements returned.", .handler = &cmd_lpop});
  t.add({.name = "rpop", .arity = -2, .flags = kWrite | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Removes and returns elements from the tail of a list.",
         .complexity = "O(N), N the number of elements returned.", .handler = &cmd_rpop});
  t.add({.name = "llen", .arity = 2, .flags = kRead | kFast, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Returns the number of elements of a list.", .complexity = "O(1)",
         .handler = &cmd_llen});
  t.add({.name = "lrange", .arity = 4, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Returns the elements of a list between two indexes.",
         .complexity = "O(S+N), S the distance of the start from the nearer end, N the elements "
                       "returned.",
         .handler = &cmd_lrange});
  t.add({.name = "lindex", .arity = 3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Returns the element of a list at an index.",
         .complexity = "O(N), N the elements walked to reach the index.",
         .handler = &cmd_lindex});
  t.add({.name = "lset", .arity = 4, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Replaces the element of a list at an index.",
         .complexity = "O(N), N the elements walked to reach the index.",
         .handler = &cmd_lset});
  t.add({.name = "linsert", .arity = 5, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "2.2.0",
         .summary = "Inserts an element before or after the first occurrence of a pivot.",
         .complexity = "O(N), N the elements walked to find the pivot.",
         .handler = &cmd_linsert});
  t.add({.name = "lrem", .arity = 4, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Removes occurrences of an element from a list.",
         .complexity = "O(N+M), N the length of the list, M the elements removed.",
         .handler = &cmd_lrem});
  t.add({.name = "ltrim", .arity = 4, .flags = kWrite, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "1.0.0",
         .summary = "Keeps only the elements of a list between two indexes.",
         .complexity = "O(N), N the elements removed.", .handler = &cmd_ltrim});
  t.add({.name = "lpos", .arity = -3, .flags = kRead, .acl = kAcl,
         .first_key = 1, .last_key = 1, .key_step = 1, .group = "list", .since = "6.0.6",
         .summary = "Returns the indexes of the elements of a list equal to a value.",
         .complexity = "O(N), N the elements compared (bounded by MAXLEN).",
         .handler = &cmd_lpos});
  t.add({.name = "lmove", .arity = 5, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "6.2.0",
         .summary = "Pops an element from one end of a list and pushes it onto an end of another.",
         .complexity = "O(1)", .handler = &cmd_lmove});
  t.add({.name = "lmovem", .arity = -5, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "8.10.0",
         .summary = "Moves up to (or exactly) a number of elements from one list to another.",
         .complexity = "O(N) where N is the number of elements moved.",
         .handler = &cmd_lmovem});
  t.add({.name = "blmovem", .arity = -6, .flags = kWrite | kOom | kBlock, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "8.10.0",
         .summary = "LMOVEM that waits for the source list to hold enough elements.",
         .complexity = "O(N) where N is the number of elements moved.",
         .handler = &cmd_blmovem});
  t.add({.name = "rpoplpush", .arity = 3, .flags = kWrite | kOom, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "1.2.0",
         .summary = "Pops the tail of a list and pushes it onto the head of another.",
         .complexity = "O(1)", .handler = &cmd_rpoplpush});
  t.add({.name = "lmpop", .arity = -4, .flags = kWrite | kCmdMovableKeys, .acl = kAcl,
         .first_key = 0, .last_key = 0, .key_step = 0, .group = "list", .since = "7.0.0",
         .summary = "Pops elements from the first non-empty list of several.",
         .complexity = "O(N+M), N the keys given, M the elements returned.",
         .handler = &cmd_lmpop, .get_keys = &keys_after_count_at_1});
  t.add({.name = "blpop", .arity = -3, .flags = kWrite | kBlock, .acl = kAcl,
         .first_key = 1, .last_key = -2, .key_step = 1, .group = "list", .since = "2.0.0",
         .summary = "Pops the head of the first non-empty list, waiting for one if none.",
         .complexity = "O(N), N the keys given.", .handler = &cmd_blpop});
  t.add({.name = "brpop", .arity = -3, .flags = kWrite | kBlock, .acl = kAcl,
         .first_key = 1, .last_key = -2, .key_step = 1, .group = "list", .since = "2.0.0",
         .summary = "Pops the tail of the first non-empty list, waiting for one if none.",
         .complexity = "O(N), N the keys given.", .handler = &cmd_brpop});
  t.add({.name = "blmove", .arity = 6, .flags = kWrite | kOom | kBlock, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "6.2.0",
         .summary = "LMOVE that waits for the source list to have an element.",
         .complexity = "O(1)", .handler = &cmd_blmove});
  t.add({.name = "brpoplpush", .arity = 4, .flags = kWrite | kOom | kBlock, .acl = kAcl,
         .first_key = 1, .last_key = 2, .key_step = 1, .group = "list", .since = "2.2.0",
         .summary = "RPOPLPUSH that waits for the source list to have an element.",
         .complexity = "O(1)", .handler = &cmd_brpoplpush});
  t.add({.name = "blmpop", .arity = -5, .flags = kWrite | kCmdBlocking | kCmdMovableKeys,
         .acl = kAcl, .first_key = 0, .last_key = 0, .key_step = 0, .group = "list",
         .since = "7.0.0", .summary = "LMPOP that waits for one of the lists to have an element.",
         .complexity = "O(N+M), N the keys given, M the elements returned.",
         .handler = &cmd_blmpop, .get_keys = &keys_after_count_at_2});
}

}  // namespace peregrine::server
