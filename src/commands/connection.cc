// Connection commands: PING ECHO QUIT RESET HELLO AUTH SELECT CLIENT.
#include <string>

#include "commands/util.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace peregrine::server {
namespace {

bool check_password(CommandContext& ctx, std::string_view user, std::string_view pass) {
  const std::string& required = ctx.server.config().requirepass;
  if (user != "default" || (required.empty() ? false : pass != required)) {
    if (required.empty() && user == "default") return true;
    ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  return true;
}

// Client names: printable ASCII without spaces.
bool valid_client_name(std::string_view name) {
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

// PING [message]
void cmd_ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.wrong_arity();
  if (ctx.argc() == 1) return ctx.reply.simple("PONG");
  ctx.reply.bulk(ctx.arg(1));
}

// ECHO message
void cmd_echo(CommandContext& ctx) { ctx.reply.bulk(ctx.arg(1)); }

// QUIT
void cmd_quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.client.close_after_reply();
}

// RESET
void cmd_reset(CommandContext& ctx) {
  Client& c = ctx.client;
  c.in_multi = false;
  c.multi_aborted = false;
  c.queued.clear();
  ctx.server.unwatch_all(c);
  c.db_index = 0;
  c.name.clear();
  c.no_evict = false;
  c.no_touch = false;
  c.reply_mode = ReplyMode::kOn;
  c.hash_fieldsets.clear();
  c.authenticated = ctx.server.config().requirepass.empty();
  ctx.reply.set_resp(2);
  ctx.reply.simple("RESET");
}

// AUTH [username] password
void cmd_auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.syntax_error();
  if (ctx.argc() == 2 && ctx.server.config().requirepass.empty()) {
    return ctx.reply.error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  if (!check_password(ctx, user, ctx.arg(ctx.argc() - 1))) return;
  ctx.client.authenticated = true;
  ctx.reply.ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void cmd_hello(CommandContext& ctx) {
  int64_t ver = ctx.reply.resp();
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!parse_int64(ctx.arg(1), &ver))
      return ctx.reply.error("ERR Protocol version is not an integer or out of range");
    if (ver < 2 || ver > 3) return ctx.reply.error("NOPROTO unsupported protocol version");
    i = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  for (; i < ctx.argc(); ++i) {
    std::string opt = to_lower(ctx.arg(i));
    size_t more = ctx.argc() - i - 1;
    if (opt == "auth" && more >= 2) {
      if (!check_password(ctx, ctx.arg(i + 1), ctx.arg(i + 2))) return;
      ctx.client.authenticated = true;
      i += 2;
    } else if (opt == "setname" && more >= 1) {
      setname = ctx.arg(i + 1);
      has_setname = true;
      ++i;
    } else {
      return ctx.reply.error("ERR Syntax error in HELLO option '" +
                             std::string(c_string(ctx.arg(i))) + "'");
    }
  }
  if (!ctx.client.authenticated)
    return ctx.reply.error("NOAUTH HELLO must be called with the client already authenticated, "
                           "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
                           "authenticate the client and select the RESP protocol version at the "
                           "same time");
  if (has_setname) {
    if (!valid_client_name(setname))
      return ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
    ctx.client.name = std::string(setname);
  }
  ctx.reply.set_resp(static_cast<int>(ver));
  ctx.reply.map(7);
  ctx.reply.bulk("server");
  ctx.reply.bulk("redis");
  ctx.reply.bulk("version");
  ctx.reply.bulk(kRedisCompatVersion);
  ctx.reply.bulk("proto");
  ctx.reply.integer(ver);
  ctx.reply.bulk("id");
  ctx.reply.integer(static_cast<int64_t>(ctx.client.id()));
  ctx.reply.bulk("mode");
  ctx.reply.bulk("standalone");
  ctx.reply.bulk("role");
  ctx.reply.bulk("master");
  ctx.reply.bulk("modules");
  ctx.reply.array(0);
}

// SELECT index
void cmd_select(CommandContext& ctx) {
  int64_t index;
  if (!parse_int64(ctx.arg(1), &index)) return ctx.not_integer();
  if (index < 0 || index >= ctx.server.db_count())
    return ctx.reply.error("ERR DB index is out of range");
  ctx.client.db_index = static_cast<int>(index);
  ctx.reply.ok();
}

// ---------------------------------------------------------------- CLIENT

std::string client_flags(const Client& c) {
  std::string f;
  if (c.in_multi) f += 'x';
  if (c.no_evict) f += 'e';
  if (c.no_touch) f += 'T';
  if (f.empty()) f = "N";
  return f;
}

std::string client_info_line(Server& server, Client& c, int64_t now_ms) {
  std::string s;
  s.reserve(320);
  auto kv = [&s](std::string_view k, std::string_view v) {
    s.append(k);
    s.push_back('=');
    s.append(v);
    s.push_back(' ');
  };
  auto kn = [&kv](std::string_view k, int64_t v) { kv(k, std::to_string(v)); };
  kn("id", static_cast<int64_t>(c.id()));
  kv("addr", c.connection().peer_address());
  kv("laddr", c.connection().local_address());
  kn("fd", c.connection().descriptor());
  kv("name", c.name);
  kn("age", (now_ms - c.created_ms) / 1000);
  kn("idle", (now_ms - c.last_interaction_ms) / 1000);
  kv("flags", client_flags(c));
  kn("db", c.db_index);
  kn("sub", 0);
  kn("psub", 0);
  kn("ssub", 0);
  kn("multi", c.in_multi ? static_cast<int64_t>(c.queued.size()) : -1);
  kn("qbuf", static_cast<int64_t>(c.query_buffer_bytes()));
  kn("qbuf-free", static_cast<int64_t>(c.query_buffer_free()));
  kn("argv-mem", 0);
  kn("multi-mem", 0);
  kn("rbs", static_cast<int64_t>(c.query_buffer_bytes() + c.query_buffer_free()));
  kn("rbp", 0);
  kn("obl", static_cast<int64_t>(c.output().size()));
  kn("oll", 0);
  kn("omem", 0);
  kn("tot-mem", static_cast<int64_t>(c.query_buffer_bytes() + c.query_buffer_free() +
                                     c.output().capacity()));
  kv("events", "r");
  kv("cmd", c.last_command);
  kv("user", "default");
  kn("redir", -1);
  kn("resp", c.writer().resp());
  kv("lib-name", c.lib_name);
  kv("lib-ver", c.lib_ver);
  s.pop_back();
  return s;
}

void client_id(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.client.id())); }

void client_setname(CommandContext& ctx) {
  if (!valid_client_name(ctx.arg(2)))
    return ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
  ctx.client.name = std::string(ctx.arg(2));
  ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.client.name.empty()) return ctx.reply.null_bulk();
  ctx.reply.bulk(ctx.client.name);
}

void client_setinfo(CommandContext& ctx) {
  std::string attr = to_lower(ctx.arg(2));
  std::string_view value = ctx.arg(3);
  for (char c : value)
    if (c < '!' || c > '~')
      return ctx.reply.error("ERR " + std::string(attr == "lib-name" ? "lib-name" : "lib-ver") +
                             " cannot contain spaces, newlines or special characters.");
  if (attr == "lib-name") {
    ctx.client.lib_name = std::string(value);
  } else if (attr == "lib-ver") {
    ctx.client.lib_ver = std::string(value);
  } else {
    return ctx.reply.error("ERR Unrecognized option '" + std::string(c_string(ctx.arg(2))) + "'");
  }
  ctx.reply.ok();
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]]
void client_list(CommandContext& ctx) {
  std::vector<uint64_t> ids;
  bool type_filter_excludes_all = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string opt = to_lower(ctx.arg(i));
    if (opt == "type" && i + 1 < ctx.argc()) {
      std::string type = to_lower(ctx.arg(++i));
      if (type != "normal" && type != "master" && type != "replica" && type != "slave" &&
          type != "pubsub")
        return ctx.reply.error("ERR Unknown client type '" + std::string(c_string(ctx.arg(i))) + "'");
      type_filter_excludes_all = type != "normal";
    } else if (opt == "id" && i + 1 < ctx.argc()) {
      for (++i; i < ctx.argc(); ++i) {
        int64_t id;
        if (!parse_int64(ctx.arg(i), &id) || id <= 0)
          return ctx.reply.error("ERR Invalid client ID");
        ids.push_back(static_cast<uint64_t>(id));
      }
    } else {
      return ctx.syntax_error();
    }
  }
  std::string text;
  for (Client* c : ctx.server.clients()) {
    if (type_filter_excludes_all) break;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), c->id()) == ids.end()) continue;
    text += client_info_line(ctx.server, *c, ctx.now_ms);
    text += '\n';
  }
  ctx.reply.verbatim(text);
}

void client_info(CommandContext& ctx) {
  ctx.reply.verbatim(client_info_line(ctx.server, ctx.client, ctx.now_ms) + "\n");
}

// CLIENT KILL addr | CLIENT KILL [ID id] [ADDR addr] [LADDR addr] [TYPE t]
// [USER u] [SKIPME yes|no] ...
void client_kill(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    for (Client* c : ctx.server.clients()) {
      if (c->connection().peer_address() != ctx.arg(2)) continue;
      if (c == &ctx.client) {
        c->close_after_reply();
      } else {
        c->kill();
      }
      return ctx.reply.ok();
    }
    return ctx.reply.error("ERR No such client");
  }
  if (ctx.argc() % 2 != 0) return ctx.syntax_error();
  int64_t id = 0;
  std::string addr, laddr, type, user;
  bool skipme = true;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string opt = to_lower(ctx.arg(i));
    std::string_view val = ctx.arg(i + 1);
    if (opt == "id") {
      if (!parse_int64(val, &id) || id <= 0)
        return ctx.reply.error("ERR client-id should be greater than 0");
    } else if (opt == "addr") {
      addr = val;
    } else if (opt == "laddr") {
      laddr = val;
    } else if (opt == "type") {
      type = to_lower(val);
      if (type != "normal" && type != "master" && type != "replica" && type != "slave" &&
          type != "pubsub")
        return ctx.reply.error("ERR Unknown client type '" + std::string(val) + "'");
    } else if (opt == "user") {
      user = val;
    } else if (opt == "skipme") {
      std::string v = to_lower(val);
      if (v == "yes") {
        skipme = true;
      } else if (v == "no") {
        skipme = false;
      } else {
        return ctx.syntax_error();
      }
    } else {
      return ctx.syntax_error();
    }
  }
  std::vector<Client*> victims;
  for (Client* c : ctx.server.clients()) {
    if (id && c->id() != static_cast<uint64_t>(id)) continue;
    if (!addr.empty() && c->connection().peer_address() != addr) continue;
    if (!laddr.empty() && c->connection().local_address() != laddr) continue;
    if (!type.empty() && type != "normal") continue;
    if (!user.empty() && user != "default") continue;
    if (c == &ctx.client && skipme) continue;
    victims.push_back(c);
  }
  for (Client* c : victims) {
    if (c == &ctx.client) {
      c->close_after_reply();
    } else {
      c->kill();
    }
  }
  ctx.reply.integer(static_cast<int64_t>(victims.size()));
}

bool parse_on_off(CommandContext& ctx, bool* out) {
  std::string v = to_lower(ctx.arg(2));
  if (v == "on") {
    *out = true;
  } else if (v == "off") {
    *out = false;
  } else {
    ctx.syntax_error();
    return false;
  }
  return true;
}

void client_no_evict(CommandContext& ctx) {
  if (parse_on_off(ctx, &ctx.client.no_evict)) ctx.reply.ok();
}

void client_no_touch(CommandContext& ctx) {
  if (parse_on_off(ctx, &ctx.client.no_touch)) ctx.reply.ok();
}

// CLIENT REPLY ON|OFF|SKIP
void client_reply(CommandContext& ctx) {
  std::string v = to_lower(ctx.arg(2));
  if (v == "on") {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.reply.ok();
  } else if (v == "off") {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (v == "skip") {
    // This command's own reply is suppressed by the dispatcher's handling of
    // kSkipNext, and the next command's reply too.
    ctx.client.reply_mode = ReplyMode::kSkipNext;
  } else {
    ctx.syntax_error();
  }
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
void client_unblock(CommandContext& ctx) {
  int64_t id;
  if (!parse_int64(ctx.arg(2), &id)) return ctx.not_integer();
  bool as_error = false;
  if (ctx.argc() == 4) {
    std::string mode = to_lower(ctx.arg(3));
    if (mode == "error") {
      as_error = true;
    } else if (mode != "timeout") {
      return ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  } else if (ctx.argc() > 4) {
    return ctx.syntax_error();
  }
  Client* target = id > 0 ? ctx.server.find_client(static_cast<uint64_t>(id)) : nullptr;
  if (!target || !target->block.active) return ctx.reply.integer(0);
  if (as_error) {
    ctx.server.error_blocked_client(*target, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    ctx.server.timeout_blocked_client(*target);
  }
  ctx.reply.integer(1);
}

void client_help(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.",
      "LIST [options ...]",
      "    Return information about client connections. Options: TYPE, ID.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* l : kLines) ctx.reply.simple(l);
}

CommandSpec client_sub(std::string name, int arity, uint32_t flags, CommandHandler h,
                       std::string summary, std::string since = "2.4.0") {
  return CommandSpec{.name = std::move(name), .arity = arity,
                     .flags = flags | kCmdNoscript | kCmdLoading | kCmdStale, .acl = kAclConnection,
                     .group = "connection", .since = std::move(since), .summary = std::move(summary),
                     .complexity = "O(1)", .handler = h};
}

}  // namespace

void register_connection_commands(CommandTable& t) {
  const uint32_t kConn = kAclConnection;
  t.add({.name = "ping", .arity = -1, .flags = kCmdFast, .acl = kConn, .group = "connection",
         .since = "1.0.0", .summary = "Returns the server's liveliness response.",
         .complexity = "O(1)", .handler = &cmd_ping});
  t.add({.name = "echo", .arity = 2, .flags = kCmdFast, .acl = kConn, .group = "connection",
         .since = "1.0.0", .summary = "Returns the given string.", .complexity = "O(1)",
         .handler = &cmd_echo});
  t.add({.name = "quit", .arity = -1,
         .flags = kCmdAllowBusy | kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth,
         .acl = kConn, .group = "connection", .since = "1.0.0",
         .summary = "Closes the connection.", .complexity = "O(1)", .handler = &cmd_quit});
  t.add({.name = "reset", .arity = 1,
         .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
         .acl = kConn, .group = "connection", .since = "6.2.0",
         .summary = "Resets the connection.", .complexity = "O(1)", .handler = &cmd_reset});
  t.add({.name = "auth", .arity = -2,
         .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
         .acl = kConn, .group = "connection", .since = "1.0.0",
         .summary = "Authenticates the connection.",
         .complexity = "O(N) where N is the number of passwords defined for the user",
         .handler = &cmd_auth});
  t.add({.name = "hello", .arity = -1,
         .flags = kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
         .acl = kConn, .group = "connection", .since = "6.0.0",
         .summary = "Handshakes with the Redis server.", .complexity = "O(1)",
         .handler = &cmd_hello});
  t.add({.name = "select", .arity = 2, .flags = kCmdLoading | kCmdStale | kCmdFast, .acl = kConn,
         .group = "connection", .since = "1.0.0",
         .summary = "Changes the selected database.", .complexity = "O(1)",
         .handler = &cmd_select});
  t.add({.name = "client", .arity = -2, .flags = 0, .acl = kConn, .group = "connection",
         .since = "2.4.0", .summary = "A container for client connection commands.",
         .complexity = "Depends on subcommand.",
         .subcommands = {
             client_sub("id", 2, 0, &client_id, "Returns the unique client ID of the connection.", "5.0.0"),
             client_sub("setname", 3, 0, &client_setname, "Sets the connection name."),
             client_sub("getname", 2, 0, &client_getname, "Returns the name of the connection."),
             client_sub("setinfo", 4, 0, &client_setinfo, "Sets information specific to the client or connection.", "7.2.0"),
             client_sub("list", -2, kCmdAdmin, &client_list, "Lists open connections."),
             client_sub("info", 2, 0, &client_info, "Returns information about the connection.", "6.2.0"),
             client_sub("kill", -3, kCmdAdmin, &client_kill, "Terminates open connections."),
             client_sub("no-evict", 3, kCmdAdmin, &client_no_evict, "Sets the client eviction mode of the connection.", "7.0.0"),
             client_sub("no-touch", 3, 0, &client_no_touch, "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "7.2.0"),
             client_sub("unblock", -3, kCmdAdmin, &client_unblock, "Unblocks a client blocked by a blocking command from a different connection.", "5.0.0"),
             client_sub("reply", 3, 0, &client_reply, "Instructs the server whether to reply to commands.", "3.2.0"),
             client_sub("help", 2, 0, &client_help, "Returns helpful text about the different subcommands.", "5.0.0"),
         }});
}

}  // namespace peregrine::server
