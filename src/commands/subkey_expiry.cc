#include "commands/subkey_expiry.h"

#include <string>

#include "commands/util.h"
#include "store/db.h"
#include "store/subkey_collection.h"

namespace peregrine::server {

std::optional<int64_t> parse_subkey_deadline(CommandContext& ctx, std::string_view arg,
                                             bool seconds, int64_t base_ms) {
  int64_t t = 0;
  if (!parse_int64(arg, &t)) {
    ctx.not_integer();
    return std::nullopt;
  }
  if (t < 0) {
    ctx.reply.error("ERR invalid expire time, must be >= 0");
    return std::nullopt;
  }
  auto invalid = [&ctx]() -> std::optional<int64_t> {
    ctx.reply.error("ERR invalid expire time in '" + ctx.spec.name + "' command");
    return std::nullopt;
  };
  if (seconds) {
    if (t > kMaxSubkeyDeadlineMs / 1000) return invalid();
    t *= 1000;
  }
  if (t > kMaxSubkeyDeadlineMs - base_ms) return invalid();
  return t + base_ms;
}

std::optional<SubkeyList> parse_subkey_list(CommandContext& ctx, size_t pos,
                                            const SubkeyListWords& words) {
  if (pos >= ctx.argc() || !equals_nocase(ctx.arg(pos), words.keyword)) {
    ctx.reply.error("ERR Mandatory argument " + std::string(words.keyword) +
                    " is missing or not at the right position");
    return std::nullopt;
  }
  if (pos + 1 >= ctx.argc()) {
    ctx.wrong_arity();
    return std::nullopt;
  }
  int64_t n = 0;
  if (!parse_int64(ctx.arg(pos + 1), &n) || n < 1) {
    ctx.reply.error(words.count_error);
    return std::nullopt;
  }
  if (static_cast<uint64_t>(n) != ctx.argc() - pos - 2) {
    ctx.reply.error("ERR The `" + std::string(words.count_name) +
                    "` parameter must match the number of arguments");
    return std::nullopt;
  }
  return SubkeyList{pos + 2, static_cast<size_t>(n)};
}

std::optional<FieldExpiry> field_expiry_keyword(std::string_view word) {
  if (equals_nocase(word, "ex")) return FieldExpiry::kEx;
  if (equals_nocase(word, "px")) return FieldExpiry::kPx;
  if (equals_nocase(word, "exat")) return FieldExpiry::kExAt;
  if (equals_nocase(word, "pxat")) return FieldExpiry::kPxAt;
  return std::nullopt;
}

std::optional<int64_t> field_expiry_deadline(CommandContext& ctx, FieldExpiry kind,
                                             std::string_view arg) {
  const bool seconds = kind == FieldExpiry::kEx || kind == FieldExpiry::kExAt;
  const bool relative = kind == FieldExpiry::kEx || kind == FieldExpiry::kPx;
  return parse_subkey_deadline(ctx, arg, seconds, relative ? ctx.now_ms : 0);
}

std::optional<ExpireCond> parse_expire_cond(std::string_view word) {
  if (equals_nocase(word, "nx")) return ExpireCond::kNx;
  if (equals_nocase(word, "xx")) return ExpireCond::kXx;
  if (equals_nocase(word, "gt")) return ExpireCond::kGt;
  if (equals_nocase(word, "lt")) return ExpireCond::kLt;
  return std::nullopt;
}

bool expire_condition_met(ExpireCond cond, int64_t current, int64_t when) {
  if (current == -1) return cond != ExpireCond::kXx && cond != ExpireCond::kGt;
  return cond != ExpireCond::kNx && (cond != ExpireCond::kGt || when > current) &&
         (cond != ExpireCond::kLt || when < current);
}

int64_t ttl_reply(int64_t when, int64_t now_ms, bool in_ms, bool absolute) {
  if (when == -1) return -1;
  const int64_t base = absolute ? 0 : now_ms;
  return in_ms ? when - base : (when - base + 999) / 1000;
}

store::Obj* remove_expired_subkeys(CommandContext& ctx, std::string_view key, store::Obj* v) {
  if (v == nullptr) return nullptr;
  bool empty = false;
  if (store::remove_due_members(*v, ctx.now_ms, SIZE_MAX, &empty) == 0) return v;
  ctx.key_modified(key);
  if (!empty) return v;
  ctx.db.remove(key);
  return nullptr;
}

void note_member_ttls(store::Db& db, std::string_view key, const store::Obj* v) {
  if (v != nullptr && store::subkey_volatile_count(*v) > 0) db.note_subkey_ttls(key);
}

void reply_integers(CommandContext& ctx, const std::vector<int64_t>& values) {
  ctx.reply.array(values.size());
  for (int64_t v : values) ctx.reply.integer(v);
}

}  // namespace peregrine::server
