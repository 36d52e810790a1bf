// Pieces shared by the commands that give members of a collection a TTL of
// their own: hash fields (HEXPIRE and friends, Redis 7.4) and set members
// (SEXPIRE and friends, Redis 8.12). Both families take the same argument
// shapes and answer with the same per-member codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/command.h"
#include "store/db.h"
#include "store/obj.h"

namespace peregrine::server {

// Member deadlines are limited to 2^46 - 1 ms since the epoch (year 4199).
constexpr int64_t kMaxSubkeyDeadlineMs = (int64_t{1} << 46) - 1;

// Per-member results of the *EXPIRE commands.
constexpr int64_t kNoSubkey = -2;
constexpr int64_t kConditionNotMet = 0;
constexpr int64_t kDeadlineSet = 1;
constexpr int64_t kSubkeyDeleted = 2;

// A TTL argument: a non-negative integer in seconds or milliseconds,
// relative to base_ms (now, or 0 for absolute times), giving a deadline of
// at most kMaxSubkeyDeadlineMs. Replies the error and returns nullopt
// otherwise.
std::optional<int64_t> parse_subkey_deadline(CommandContext& ctx, std::string_view arg,
                                             bool seconds, int64_t base_ms);

// A "<KEYWORD> count name ..." tail (FIELDS numfields ... / MEMBERS
// nummembers ...) starting at argv[pos] and running to the end of the
// command: the index of the first name and how many there are.
struct SubkeyList {
  size_t first = 0;
  size_t count = 0;
};
// The words of a tail's errors: "FIELDS" and "numfields", or "MEMBERS" and
// "nummembers"; count_error is the reply when the count is not a positive
// integer.
struct SubkeyListWords {
  std::string_view keyword;
  std::string_view count_name;
  std::string_view count_error;
};
// Parses the tail at pos; it must hold exactly count names. Replies the
// error and returns nullopt on misuse.
std::optional<SubkeyList> parse_subkey_list(CommandContext& ctx, size_t pos,
                                            const SubkeyListWords& words);

// The expiry options of HGETEX, HSETEX and SADDEX (kPersist: HGETEX only;
// kKeepTtl: HSETEX and SADDEX).
enum class FieldExpiry { kNone, kEx, kPx, kExAt, kPxAt, kPersist, kKeepTtl };
// The option an EX / PX / EXAT / PXAT word names, or nullopt.
std::optional<FieldExpiry> field_expiry_keyword(std::string_view word);
// The deadline the argument of an EX / PX / EXAT / PXAT option names (see
// parse_subkey_deadline); replies the error and returns nullopt when bad.
std::optional<int64_t> field_expiry_deadline(CommandContext& ctx, FieldExpiry kind,
                                             std::string_view arg);

// The NX | XX | GT | LT condition of the *EXPIRE commands.
enum class ExpireCond { kNone, kNx, kXx, kGt, kLt };
// The condition a word names, or nullopt.
std::optional<ExpireCond> parse_expire_cond(std::string_view word);
// Whether the condition lets a member whose deadline is current (-1: none,
// which counts as never for GT and LT) take the deadline when.
bool expire_condition_met(ExpireCond cond, int64_t current, int64_t when);

// What the TTL getters answer for a deadline when (-1 for none): -1, or the
// remaining time (absolute: the deadline itself) in milliseconds or rounded
// up to seconds.
int64_t ttl_reply(int64_t when, int64_t now_ms, bool in_ms, bool absolute);

// Removes the due members of the hash or set v stored under key (any other
// type is left alone), reporting the key as modified when some were due.
// Returns v, or nullptr once the key was deleted for having none left.
store::Obj* remove_expired_subkeys(CommandContext& ctx, std::string_view key, store::Obj* v);

// Notes key in db for the cron's member expiry (Db::note_subkey_ttls) when
// v is a hash or set some of whose members have a TTL.
void note_member_ttls(store::Db& db, std::string_view key, const store::Obj* v);

// Replies an array of the given integers.
void reply_integers(CommandContext& ctx, const std::vector<int64_t>& values);

// The reply of the TTL getters (HTTL, STTL and friends) for the names in
// list, over c (a HashValue or SetValue; nullptr for a missing key): per
// name -2 when missing, else ttl_reply's value.
template <typename C>
void reply_subkey_ttls(CommandContext& ctx, const C* c, const SubkeyList& list, bool in_ms,
                       bool absolute) {
  std::vector<int64_t> results;
  results.reserve(list.count);
  for (size_t i = 0; i < list.count; ++i) {
    std::string_view name = ctx.arg(list.first + i);
    results.push_back(c == nullptr || !c->contains(name)
                          ? kNoSubkey
                          : ttl_reply(c->expire_at(name), ctx.now_ms, in_ms, absolute));
  }
  reply_integers(ctx, results);
}

// HPERSIST / SPERSIST over c (nullptr for a missing key): removes the TTLs
// of the names in list and replies per name -2 when missing, -1 without a
// TTL, 1 when it was removed. Returns whether any TTL was removed.
template <typename C>
bool persist_subkeys(CommandContext& ctx, C* c, const SubkeyList& list) {
  std::vector<int64_t> results;
  results.reserve(list.count);
  bool changed = false;
  for (size_t i = 0; i < list.count; ++i) {
    std::string_view name = ctx.arg(list.first + i);
    if (c == nullptr || !c->contains(name)) {
      results.push_back(kNoSubkey);
    } else if (c->persist(name)) {
      results.push_back(1);
      changed = true;
    } else {
      results.push_back(-1);
    }
  }
  reply_integers(ctx, results);
  return changed;
}

}  // namespace peregrine::server
