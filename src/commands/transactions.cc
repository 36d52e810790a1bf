// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
//
// Semantics as in Redis: commands are queued after MULTI; a command that
// fails to queue (unknown, wrong arity) makes EXEC answer EXECABORT; errors
// raised while EXEC runs the queue do not stop the remaining commands; WATCH
// makes EXEC answer a null array when a watched key was modified (by any
// client, by expiry, FLUSHDB/FLUSHALL, SWAPDB) since the WATCH.
#include <vector>

#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace peregrine::server {
namespace {

void discard_transaction(CommandContext& ctx) {
  Client& c = ctx.client;
  c.in_multi = false;
  c.multi_aborted = false;
  c.queued.clear();
  ctx.server.unwatch_all(c);
}

// True when a key that was alive at WATCH time has since expired, even if
// nobody accessed it (so no deletion has been recorded yet).
bool watched_key_expired(CommandContext& ctx) {
  for (const WatchedKey& w : ctx.client.watched)
    if (w.alive_at_watch && ctx.server.db(w.db).is_expired(w.key, ctx.now_ms)) return true;
  return false;
}

// MULTI
void cmd_multi(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.error("ERR MULTI calls can not be nested");
  ctx.client.in_multi = true;
  ctx.reply.ok();
}

// EXEC
void cmd_exec(CommandContext& ctx) {
  Client& c = ctx.client;
  if (!c.in_multi) return ctx.reply.error("ERR EXEC without MULTI");
  if (c.multi_aborted) {
    discard_transaction(ctx);
    return ctx.reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  if (c.watch_broken || watched_key_expired(ctx)) {
    discard_transaction(ctx);
    return ctx.reply.null_array();
  }
  std::vector<std::vector<std::string>> queue = std::move(c.queued);
  c.queued.clear();
  c.in_multi = false;
  // Watches end when EXEC starts: the transaction's own writes must not
  // count against it.
  ctx.server.unwatch_all(c);
  ctx.reply.array(queue.size());
  c.in_exec = true;
  std::vector<std::string_view> argv;
  for (const auto& cmd : queue) {
    argv.assign(cmd.begin(), cmd.end());
    ctx.server.execute(c, argv);
  }
  c.in_exec = false;
}

// DISCARD
void cmd_discard(CommandContext& ctx) {
  if (!ctx.client.in_multi) return ctx.reply.error("ERR DISCARD without MULTI");
  discard_transaction(ctx);
  ctx.reply.ok();
}

// WATCH key [key ...]
void cmd_watch(CommandContext& ctx) {
  if (ctx.client.in_multi) return ctx.reply.error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < ctx.argc(); ++i) ctx.server.watch_key(ctx.client, ctx.db.index(), ctx.arg(i));
  ctx.reply.ok();
}

// UNWATCH
void cmd_unwatch(CommandContext& ctx) {
  ctx.server.unwatch_all(ctx.client);
  ctx.reply.ok();
}

}  // namespace

void register_transaction_commands(CommandTable& t) {
  const uint32_t kTx = kAclTransaction;
  t.add({.name = "multi", .arity = 1, .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
         .acl = kTx, .group = "transactions", .since = "1.2.0",
         .summary = "Starts a transaction.", .complexity = "O(1)", .handler = &cmd_multi});
  t.add({.name = "exec", .arity = 1, .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdSkipSlowlog,
         .acl = kTx, .group = "transactions", .since = "1.2.0",
         .summary = "Executes all commands in a transaction.",
         .complexity = "Depends on commands in the transaction", .handler = &cmd_exec});
  t.add({.name = "discard", .arity = 1, .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
         .acl = kTx, .group = "transactions", .since = "2.0.0",
         .summary = "Discards a transaction.", .complexity = "O(N), when N is the number of queued commands",
         .handler = &cmd_discard});
  t.add({.name = "watch", .arity = -2, .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
         .acl = kTx, .first_key = 1, .last_key = -1, .key_step = 1, .group = "transactions",
         .since = "2.2.0", .summary = "Monitors changes to keys to determine the execution of a transaction.",
         .complexity = "O(1) for every key.", .handler = &cmd_watch});
  t.add({.name = "unwatch", .arity = 1, .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
         .acl = kTx, .group = "transactions", .since = "2.2.0",
         .summary = "Forgets about watched keys of a transaction.", .complexity = "O(1)",
         .handler = &cmd_unwatch});
}

}  // namespace peregrine::server
