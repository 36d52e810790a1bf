// Server commands: INFO CONFIG COMMAND DBSIZE FLUSHDB FLUSHALL SWAPDB TIME
// SHUTDOWN.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "commands/memory_overhead.h"
#include "commands/util.h"
#include "server/client.h"
#include "server/command.h"
#include "server/memory.h"
#include "server/server.h"

namespace peregrine::server {
namespace {

// ---------------------------------------------------------------- INFO

std::string human_bytes(int64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) std::snprintf(buf, sizeof(buf), "%lldB", static_cast<long long>(n));
  else if (n < 1024LL * 1024) std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  else if (n < 1024LL * 1024 * 1024) std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  else std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  return buf;
}

class InfoWriter {
 public:
  void section(std::string_view name) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += name;
    out_ += "\r\n";
  }
  void field(std::string_view k, std::string_view v) {
    out_.append(k);
    out_ += ':';
    out_.append(v);
    out_ += "\r\n";
  }
  void field(std::string_view k, int64_t v) { field(k, std::to_string(v)); }
  void field_u(std::string_view k, uint64_t v) { field(k, std::to_string(v)); }
  void field_f(std::string_view k, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2f", v);
    field(k, buf);
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

void info_server(CommandContext& ctx, InfoWriter& w) {
  Server& s = ctx.server;
  int64_t uptime_s = (s.runtime().clock().monotonic_us() - s.start_mono_us()) / 1000000;
  w.section("Server");
  w.field("redis_version", kRedisCompatVersion);
  w.field("peregrine_version", PEREGRINE_VERSION);
  w.field("redis_git_sha1", "00000000");
  w.field("redis_git_dirty", "0");
  w.field("redis_build_id", "0");
  w.field("redis_mode", "standalone");
  w.field("os", "Linux");
  w.field("arch_bits", "64");
  w.field("monotonic_clock", s.runtime().clock().monotonic_source());
  w.field("multiplexing_api", "epoll");
  w.field("process_id", s.runtime().process_id());
  w.field("process_supervised", "no");
  w.field("run_id", s.run_id());
  w.field("tcp_port", s.port());
  w.field("server_time_usec", s.runtime().clock().wall_us());
  w.field("uptime_in_seconds", uptime_s);
  w.field("uptime_in_days", uptime_s / 86400);
  w.field("hz", s.config().hz);
  w.field("configured_hz", s.config().hz);
  w.field("lru_clock", static_cast<int64_t>(Server::lru_clock(ctx.now_ms)));
  w.field("executable", "peregrine-server");
  w.field("config_file", s.config().config_file);
  w.field("io_threads_active", "0");
}

void info_clients(CommandContext& ctx, InfoWriter& w) {
  Server& s = ctx.server;
  size_t max_in = 0, max_out = 0;
  for (Client* c : s.clients()) {
    max_in = std::max(max_in, c->query_buffer_bytes());
    max_out = std::max(max_out, c->output().size());
  }
  w.section("Clients");
  w.field("connected_clients", static_cast<int64_t>(s.clients().size()));
  w.field("cluster_connections", "0");
  w.field("maxclients", s.config().maxclients);
  w.field("client_recent_max_input_buffer", static_cast<int64_t>(max_in));
  w.field("client_recent_max_output_buffer", static_cast<int64_t>(max_out));
  w.field("blocked_clients", static_cast<int64_t>(s.blocked_clients()));
  w.field("tracking_clients", "0");
  w.field("clients_in_timeout_table", "0");
}

void info_memory(CommandContext& ctx, InfoWriter& w) {
  Server& s = ctx.server;
  const MemoryOverhead m = memory_overhead(s);
  const auto percent = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2f%%", v);
    return std::string(buf);
  };
  const int64_t system = s.runtime().total_system_memory_bytes();
  w.section("Memory");
  w.field("used_memory", m.total_allocated);
  w.field("used_memory_human", human_bytes(m.total_allocated));
  w.field("used_memory_rss", m.rss);
  w.field("used_memory_rss_human", human_bytes(m.rss));
  w.field("used_memory_peak", m.peak_allocated);
  w.field("used_memory_peak_human", human_bytes(m.peak_allocated));
  w.field("used_memory_peak_perc", percent(m.peak_perc));
  w.field("used_memory_overhead", m.overhead_total);
  w.field("used_memory_startup", m.startup_allocated);
  w.field("used_memory_dataset", m.dataset);
  w.field("used_memory_dataset_perc", percent(m.dataset_perc));
  w.field("allocator_allocated", m.allocator.allocated);
  w.field("allocator_active", m.allocator.active);
  w.field("allocator_resident", m.allocator.resident);
  w.field("total_system_memory", system);
  w.field("total_system_memory_human", human_bytes(system));
  // No scripting engine yet: its memory fields read 0.
  for (const char* name : {"used_memory_lua", "used_memory_vm_eval"}) w.field(name, int64_t{0});
  w.field("used_memory_lua_human", human_bytes(0));
  for (const char* name : {"used_memory_scripts_eval", "number_of_cached_scripts",
                           "number_of_functions", "number_of_libraries",
                           "used_memory_vm_functions", "used_memory_vm_total"}) {
    w.field(name, int64_t{0});
  }
  w.field("used_memory_vm_total_human", human_bytes(0));
  w.field("used_memory_functions", int64_t{0});
  w.field("used_memory_scripts", int64_t{0});
  w.field("used_memory_scripts_human", human_bytes(0));
  w.field("maxmemory", s.config().maxmemory);
  w.field("maxmemory_human", human_bytes(s.config().maxmemory));
  w.field("maxmemory_policy", s.config().maxmemory_policy);
  w.field_f("allocator_frag_ratio", m.allocator_frag());
  w.field("allocator_frag_bytes", m.allocator_frag_bytes());
  w.field_f("allocator_rss_ratio", m.allocator_rss());
  w.field("allocator_rss_bytes", m.allocator_rss_bytes());
  w.field_f("rss_overhead_ratio", m.rss_overhead());
  w.field("rss_overhead_bytes", m.rss_overhead_bytes());
  w.field_f("mem_fragmentation_ratio", m.fragmentation());
  w.field("mem_fragmentation_bytes", m.fragmentation_bytes());
  // Nothing is kept outside what maxmemory counts (no replication buffers,
  // no AOF buffer, no cluster links yet).
  for (const char* name : {"mem_not_counted_for_evict", "mem_replication_backlog",
                           "mem_total_replication_buffers", "mem_clients_slaves"}) {
    w.field(name, int64_t{0});
  }
  w.field("mem_clients_normal", m.clients_normal);
  w.field("mem_cluster_links", int64_t{0});
  w.field("mem_aof_buffer", int64_t{0});
  w.field("mem_allocator", allocator_name());
  w.field("active_defrag_running", int64_t{0});
  w.field("lazyfree_pending_objects", static_cast<int64_t>(s.lazy_free().pending_objects()));
  w.field("lazyfreed_objects", static_cast<int64_t>(s.lazy_free().freed_objects()));
  // Key-table bucket arrays prepared and released in the background
  // (server/bucket_arena.h): asked for, taken ready at a grow, requests
  // ended before their array arrived (a grow then allocates inline), arrays
  // handed to the worker to free.
  const BackgroundBucketArena::Stats& arena = s.bucket_arena().stats();
  w.field("keytable_arrays_prepared", static_cast<int64_t>(arena.prepared));
  w.field("keytable_arrays_used", static_cast<int64_t>(arena.used));
  w.field("keytable_arrays_late", static_cast<int64_t>(arena.late));
  w.field("keytable_arrays_released", static_cast<int64_t>(arena.given_back));
}

void info_persistence(CommandContext& ctx, InfoWriter& w) {
  w.section("Persistence");
  w.field("loading", "0");
  w.field("async_loading", "0");
  w.field("rdb_changes_since_last_save", static_cast<int64_t>(ctx.server.stats().dirty));
  w.field("rdb_bgsave_in_progress", "0");
  w.field("rdb_last_save_time", ctx.server.start_time_ms() / 1000);
  w.field("rdb_last_bgsave_status", "ok");
  w.field("aof_enabled", "0");
  w.field("aof_rewrite_in_progress", "0");
}

void info_stats(CommandContext& ctx, InfoWriter& w) {
  const Stats& st = ctx.server.stats();
  w.section("Stats");
  w.field_u("total_connections_received", st.total_connections_received);
  w.field_u("total_commands_processed", st.total_commands_processed);
  w.field("instantaneous_ops_per_sec", "0");
  w.field_u("total_net_input_bytes", st.total_net_input_bytes);
  w.field_u("total_net_output_bytes", st.total_net_output_bytes);
  w.field_u("rejected_connections", st.rejected_connections);
  w.field_u("expired_keys", st.expired_keys);
  w.field_u("evicted_keys", st.evicted_keys);
  w.field_u("keyspace_hits", st.keyspace_hits);
  w.field_u("keyspace_misses", st.keyspace_misses);
  w.field("pubsub_channels", "0");
  w.field("pubsub_patterns", "0");
  w.field_u("total_error_replies", st.total_error_replies);
  w.field_u("unexpected_error_replies", st.unexpected_error_replies);
}

void info_replication(CommandContext& ctx, InfoWriter& w) {
  w.section("Replication");
  w.field("role", "master");
  w.field("connected_slaves", "0");
  w.field("master_replid", ctx.server.run_id());
  w.field("master_repl_offset", "0");
  w.field("repl_backlog_active", "0");
}

void info_cpu(CommandContext& ctx, InfoWriter& w) {
  int64_t user_us = 0, sys_us = 0;
  ctx.server.runtime().clock().process_cpu_us(&user_us, &sys_us);
  char buf[64];
  w.section("CPU");
  std::snprintf(buf, sizeof(buf), "%.6f", sys_us / 1e6);
  w.field("used_cpu_sys", buf);
  std::snprintf(buf, sizeof(buf), "%.6f", user_us / 1e6);
  w.field("used_cpu_user", buf);
}

void info_commandstats(CommandContext& ctx, InfoWriter& w) {
  w.section("Commandstats");
  auto emit = [&w](const CommandSpec& c) {
    if (c.calls == 0 && c.rejected_calls == 0 && c.failed_calls == 0) return;
    std::string name = c.name;
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(c.calls),
                  static_cast<unsigned long long>(c.usec_ns / 1000),
                  c.calls ? static_cast<double>(c.usec_ns) / 1000.0 / c.calls : 0.0,
                  static_cast<unsigned long long>(c.rejected_calls),
                  static_cast<unsigned long long>(c.failed_calls));
    w.field("cmdstat_" + name, buf);
  };
  for (const auto& c : ctx.server.commands().all()) {
    emit(*c);
    for (const auto& sub : c->subcommands) emit(sub);
  }
}

void info_errorstats(CommandContext& ctx, InfoWriter& w) {
  w.section("Errorstats");
  std::map<std::string, uint64_t> sorted(ctx.server.stats().errorstats.begin(),
                                         ctx.server.stats().errorstats.end());
  for (const auto& [prefix, count] : sorted)
    w.field("errorstat_" + prefix, "count=" + std::to_string(count));
}

void info_keyspace(CommandContext& ctx, InfoWriter& w) {
  w.section("Keyspace");
  for (int i = 0; i < ctx.server.db_count(); ++i) {
    store::Db& db = ctx.server.db(i);
    if (db.size() == 0) continue;
    w.field("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                          ",expires=" + std::to_string(db.expires_size()) +
                                          ",avg_ttl=" + std::to_string(db.avg_ttl_ms(ctx.now_ms)));
  }
}

// INFO [section [section ...]]
void cmd_info(CommandContext& ctx) {
  using Fn = void (*)(CommandContext&, InfoWriter&);
  static const std::pair<const char*, Fn> kSections[] = {
      {"server", info_server},           {"clients", info_clients},
      {"memory", info_memory},           {"persistence", info_persistence},
      {"stats", info_stats},             {"replication", info_replication},
      {"cpu", info_cpu},                 {"commandstats", info_commandstats},
      {"errorstats", info_errorstats},   {"keyspace", info_keyspace},
  };
  std::set<std::string> wanted;
  bool all = false, everything = false, defaults = ctx.argc() == 1;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string s = to_lower(ctx.arg(i));
    if (s == "all") all = true;
    else if (s == "everything") everything = true;
    else if (s == "default") defaults = true;
    else wanted.insert(s);
  }
  InfoWriter w;
  for (auto [name, fn] : kSections) {
    bool in_default = std::string_view(name) != "commandstats";
    if (everything || all || (defaults && in_default) || wanted.count(name)) fn(ctx, w);
  }
  ctx.reply.verbatim(w.text());
}

// ---------------------------------------------------------------- CONFIG

// CONFIG GET parameter [parameter ...]
void config_get(CommandContext& ctx) {
  std::map<std::string, std::string> found;
  for (size_t i = 2; i < ctx.argc(); ++i)
    for (auto& [k, v] : ctx.server.config().get(ctx.arg(i))) found[k] = v;
  ctx.reply.map(found.size());
  for (const auto& [k, v] : found) {
    ctx.reply.bulk(k);
    ctx.reply.bulk(v);
  }
}

// CONFIG SET parameter value [parameter value ...]
void config_set(CommandContext& ctx) {
  // A name without its value (the arity already asks for one pair).
  if (ctx.argc() % 2 != 0) return ctx.syntax_error();
  std::set<std::string> seen;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string name = to_lower(ctx.arg(i));
    auto fail = [&](std::string_view why) {
      ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" +
                      std::string(ctx.arg(i)) + "') - " + std::string(why));
    };
    if (!Config::exists(name))
      return ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                             std::string(ctx.arg(i)) + "'");
    if (!Config::is_mutable(name)) return fail("can't set protected config");
    if (!seen.insert(name).second) return fail("duplicate parameter");
  }
  // Apply to a copy first so a bad value leaves nothing half-changed.
  Config updated = ctx.server.config();
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (Status s = updated.set(ctx.arg(i), {std::string(ctx.arg(i + 1))}); !s)
      return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" +
                             std::string(ctx.arg(i)) + "') - " + s.error().message);
  }
  ctx.server.config() = std::move(updated);
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  ctx.server.reset_stats();
  ctx.reply.ok();
}

void config_rewrite(CommandContext& ctx) {
  const std::string& path = ctx.server.config().config_file;
  if (path.empty()) return ctx.reply.error("ERR The server is running without a config file");
  rt::Disk& disk = ctx.server.runtime().disk();
  std::string original;
  if (auto text = disk.read_file(path)) original = std::move(*text);
  if (Status s = disk.write_file_atomic(path, ctx.server.config().rewrite(original)); !s) {
    ctx.server.log(3, "CONFIG REWRITE failed: " + s.error().message);
    return ctx.reply.error("ERR Rewriting config file: " + s.error().message);
  }
  ctx.server.log(2, "CONFIG REWRITE executed with success.");
  ctx.reply.ok();
}

void config_help(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* l : kLines) ctx.reply.simple(l);
}

// ---------------------------------------------------------------- COMMAND

void reply_flags(CommandContext& ctx, uint32_t flags) {
  static const std::pair<uint32_t, const char*> kNames[] = {
      {kCmdWrite, "write"},       {kCmdReadonly, "readonly"},     {kCmdDenyOom, "denyoom"},
      {kCmdAdmin, "admin"},       {kCmdPubsub, "pubsub"},         {kCmdNoscript, "noscript"},
      {kCmdBlocking, "blocking"}, {kCmdLoading, "loading"},       {kCmdStale, "stale"},
      {kCmdSkipMonitor, "skip_monitor"}, {kCmdSkipSlowlog, "skip_slowlog"}, {kCmdFast, "fast"},
      {kCmdNoAuth, "no_auth"},    {kCmdMayReplicate, "may_replicate"},
      {kCmdNoMandatoryKeys, "no_mandatory_keys"}, {kCmdNoMulti, "no_multi"},
      {kCmdMovableKeys, "movablekeys"}, {kCmdAllowBusy, "allow_busy"}};
  size_t n = 0;
  for (auto [bit, _] : kNames) n += (flags & bit) ? 1 : 0;
  ctx.reply.set(n);
  for (auto [bit, name] : kNames)
    if (flags & bit) ctx.reply.simple(name);
}

void reply_acl_categories(CommandContext& ctx, uint32_t cats) {
  static const char* kNames[] = {"@keyspace", "@read",     "@write",      "@set",
                                 "@sortedset", "@list",    "@hash",       "@string",
                                 "@bitmap",   "@hyperloglog", "@geo",     "@stream",
                                 "@pubsub",   "@admin",    "@fast",       "@slow",
                                 "@blocking", "@dangerous", "@connection", "@transaction",
                                 "@scripting"};
  size_t n = 0;
  for (size_t i = 0; i < std::size(kNames); ++i) n += (cats >> i) & 1;
  ctx.reply.set(n);
  for (size_t i = 0; i < std::size(kNames); ++i)
    if ((cats >> i) & 1) ctx.reply.simple(kNames[i]);
}

void reply_command_info(CommandContext& ctx, const CommandSpec& c) {
  ctx.reply.array(10);
  ctx.reply.bulk(c.name);
  ctx.reply.integer(c.arity);
  reply_flags(ctx, c.flags);
  ctx.reply.integer(c.first_key);
  ctx.reply.integer(c.last_key);
  ctx.reply.integer(c.key_step);
  reply_acl_categories(ctx, c.acl_categories());
  ctx.reply.set(0);  // tips
  if (c.first_key > 0) {
    ctx.reply.array(1);
    ctx.reply.map(3);
    ctx.reply.bulk("flags");
    ctx.reply.set(1);
    ctx.reply.simple((c.flags & kCmdWrite) ? "RW" : "RO");
    ctx.reply.bulk("begin_search");
    ctx.reply.map(2);
    ctx.reply.bulk("type");
    ctx.reply.bulk("index");
    ctx.reply.bulk("spec");
    ctx.reply.map(1);
    ctx.reply.bulk("index");
    ctx.reply.integer(c.first_key);
    ctx.reply.bulk("find_keys");
    ctx.reply.map(2);
    ctx.reply.bulk("type");
    ctx.reply.bulk("range");
    ctx.reply.bulk("spec");
    ctx.reply.map(3);
    ctx.reply.bulk("lastkey");
    ctx.reply.integer(c.last_key < 0 ? c.last_key : c.last_key - c.first_key);
    ctx.reply.bulk("keystep");
    ctx.reply.integer(c.key_step);
    ctx.reply.bulk("limit");
    ctx.reply.integer(0);
  } else {
    ctx.reply.array(0);
  }
  ctx.reply.array(c.subcommands.size());
  for (const auto& sub : c.subcommands) reply_command_info(ctx, sub);
}

void reply_command_docs(CommandContext& ctx, const CommandSpec& c) {
  bool has_subs = !c.subcommands.empty();
  ctx.reply.map(has_subs ? 5 : 4);
  ctx.reply.bulk("summary");
  ctx.reply.bulk(c.summary);
  ctx.reply.bulk("since");
  ctx.reply.bulk(c.since);
  ctx.reply.bulk("group");
  ctx.reply.bulk(c.group);
  ctx.reply.bulk("complexity");
  ctx.reply.bulk(c.complexity);
  if (has_subs) {
    ctx.reply.bulk("subcommands");
    ctx.reply.map(c.subcommands.size());
    for (const auto& sub : c.subcommands) {
      ctx.reply.bulk(sub.name);
      reply_command_docs(ctx, sub);
    }
  }
}

// A top-level command or "parent|sub" by name.
const CommandSpec* find_by_full_name(CommandContext& ctx, std::string_view name) {
  std::string l = to_lower(name);
  auto bar = l.find('|');
  const CommandSpec* c = ctx.server.commands().find(l.substr(0, bar));
  if (!c || bar == std::string::npos) return c;
  return c->find_subcommand(l.substr(bar + 1));
}

// COMMAND
void cmd_command(CommandContext& ctx) {
  const auto& all = ctx.server.commands().all();
  ctx.reply.array(all.size());
  for (const auto& c : all) reply_command_info(ctx, *c);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.commands().all().size()));
}

// COMMAND INFO [command-name ...]
void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) return cmd_command(ctx);
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandSpec* c = find_by_full_name(ctx, ctx.arg(i));
    if (c) {
      reply_command_info(ctx, *c);
    } else {
      ctx.reply.null_array();
    }
  }
}

// COMMAND DOCS [command-name ...]
void command_docs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argc() == 2) {
    for (const auto& c : ctx.server.commands().all()) specs.push_back(c.get());
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      if (const CommandSpec* c = find_by_full_name(ctx, ctx.arg(i))) specs.push_back(c);
  }
  ctx.reply.map(specs.size());
  for (const CommandSpec* c : specs) {
    ctx.reply.bulk(c->name);
    reply_command_docs(ctx, *c);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
void command_list(CommandContext& ctx) {
  std::string by, arg;
  if (ctx.argc() == 5 && to_lower(ctx.arg(2)) == "filterby") {
    by = to_lower(ctx.arg(3));
    arg = ctx.arg(4);
    if (by != "module" && by != "aclcat" && by != "pattern") return ctx.syntax_error();
  } else if (ctx.argc() != 2) {
    return ctx.syntax_error();
  }
  std::vector<std::string> names;
  auto consider = [&](const CommandSpec& c) {
    if (by == "module") return;
    if (by == "pattern" && !glob_match(arg, c.name, true)) return;
    if (by == "aclcat") {
      static const char* kCats[] = {"keyspace", "read", "write", "set", "sortedset", "list",
                                    "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
                                    "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
                                    "connection", "transaction", "scripting"};
      std::string want = to_lower(arg);
      bool match = false;
      for (size_t i = 0; i < std::size(kCats); ++i)
        if (want == kCats[i] && ((c.acl_categories() >> i) & 1)) match = true;
      if (!match) return;
    }
    names.push_back(c.name);
  };
  for (const auto& c : ctx.server.commands().all()) {
    consider(*c);
    for (const auto& sub : c->subcommands) consider(sub);
  }
  ctx.reply.array(names.size());
  for (const auto& n : names) ctx.reply.bulk(n);
}

// COMMAND GETKEYS command [arg ...]
void command_getkeys(CommandContext& ctx) {
  std::span<const std::string_view> argv = ctx.argv.subspan(2);
  const CommandSpec* c = ctx.server.commands().find(argv[0]);
  if (c && !c->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = c->find_subcommand(to_lower(argv[1]));
    if (sub) c = sub;
  }
  if (!c) return ctx.reply.error("ERR Invalid command specified");
  int argc = static_cast<int>(argv.size());
  if ((c->arity > 0 && argc != c->arity) || argc < -c->arity)
    return ctx.reply.error("ERR Invalid number of arguments specified for command");
  std::vector<int> keys = c->key_positions(argv);
  if (keys.empty()) return ctx.reply.error("ERR The command has no key arguments");
  ctx.reply.array(keys.size());
  for (int k : keys) ctx.reply.bulk(argv[k]);
}

void command_help(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* l : kLines) ctx.reply.simple(l);
}

// ---------------------------------------------------------------- keyspace-wide

// The flush mode: ASYNC, SYNC, or without an argument what
// lazyfree-lazy-user-flush says. nullopt after a syntax error (replied).
std::optional<bool> parse_flush_async(CommandContext& ctx) {
  if (ctx.argc() == 1) return ctx.server.config().lazyfree_lazy_user_flush;
  std::string mode = to_lower(ctx.arg(1));
  if (ctx.argc() == 2 && mode == "sync") return false;
  if (ctx.argc() == 2 && mode == "async") return true;
  ctx.syntax_error();
  return std::nullopt;
}

// Empties db: at once, with the entries freed by the lazyfree worker when
// async, else inline.
void flush_db(CommandContext& ctx, store::Db& db, bool async) {
  ctx.db_modified(db);
  if (async) {
    db.clear_async();
  } else {
    db.clear();
  }
}

// FLUSHDB [ASYNC|SYNC]
void cmd_flushdb(CommandContext& ctx) {
  const std::optional<bool> async = parse_flush_async(ctx);
  if (!async) return;
  flush_db(ctx, ctx.db, *async);
  ctx.reply.ok();
}

// FLUSHALL [ASYNC|SYNC]
void cmd_flushall(CommandContext& ctx) {
  const std::optional<bool> async = parse_flush_async(ctx);
  if (!async) return;
  for (int i = 0; i < ctx.server.db_count(); ++i) flush_db(ctx, ctx.server.db(i), *async);
  ctx.reply.ok();
}

// DBSIZE
void cmd_dbsize(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.db.size())); }

// SWAPDB index1 index2
void cmd_swapdb(CommandContext& ctx) {
  int64_t a, b;
  if (!parse_int64(ctx.arg(1), &a)) return ctx.reply.error("ERR invalid first DB index");
  if (!parse_int64(ctx.arg(2), &b)) return ctx.reply.error("ERR invalid second DB index");
  if (a < 0 || a >= ctx.server.db_count() || b < 0 || b >= ctx.server.db_count())
    return ctx.reply.error("ERR DB index is out of range");
  if (a != b) {
    ctx.server.swap_dbs(static_cast<int>(a), static_cast<int>(b));
    ctx.server.stats().dirty++;
  }
  ctx.reply.ok();
}

// TIME
void cmd_time(CommandContext& ctx) {
  int64_t us = ctx.server.runtime().clock().wall_us();
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(us / 1000000));
  ctx.reply.bulk(std::to_string(us % 1000000));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
void cmd_shutdown(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string opt = to_lower(ctx.arg(i));
    if (opt != "nosave" && opt != "save" && opt != "now" && opt != "force" && opt != "abort")
      return ctx.syntax_error();
    if (opt == "abort") return ctx.reply.error("ERR No shutdown in progress.");
  }
  ctx.server.log(3, "User requested shutdown...");
  ctx.server.log(3, "Peregrine is now ready to exit, bye bye...");
  ctx.server.stop();
}

// SLOWLOG GET [count]
void slowlog_get(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    return ctx.reply.error(
        "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.");
  }
  int64_t count = 10;
  if (ctx.argc() == 3 && (!parse_int64(ctx.arg(2), &count) || count < -1)) {
    return ctx.reply.error("ERR count should be greater than or equal to -1");
  }
  const auto& log = ctx.server.slowlog();
  const size_t n = count == -1 ? log.size() : std::min(log.size(), static_cast<size_t>(count));
  ctx.reply.array(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    ctx.reply.array(6);
    ctx.reply.integer(e.id);
    ctx.reply.integer(e.time_s);
    ctx.reply.integer(e.duration_us);
    ctx.reply.array(e.argv.size());
    for (const auto& a : e.argv) ctx.reply.bulk(a);
    ctx.reply.bulk(e.addr);
    ctx.reply.bulk(e.name);
  }
}

// SLOWLOG LEN
void slowlog_len(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.slowlog().size()));
}

// SLOWLOG RESET
void slowlog_reset(CommandContext& ctx) {
  ctx.server.slowlog_reset();
  ctx.reply.ok();
}

// SLOWLOG HELP
void slowlog_help(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* line : kLines) ctx.reply.simple(line);
}

CommandSpec sub(std::string name, int arity, uint32_t flags, CommandHandler h, std::string summary,
                std::string since, uint32_t acl = 0) {
  return CommandSpec{.name = std::move(name), .arity = arity, .flags = flags, .acl = acl,
                     .since = std::move(since), .summary = std::move(summary),
                     .complexity = "Depends on subcommand.", .handler = h};
}

}  // namespace

void register_server_commands(CommandTable& t) {
  const uint32_t kAdminFlags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;
  t.add({.name = "info", .arity = -1, .flags = kCmdLoading | kCmdStale, .acl = kAclDangerous,
         .group = "server", .since = "1.0.0",
         .summary = "Returns information and statistics about the server.", .complexity = "O(1)",
         .handler = &cmd_info});
  t.add({.name = "config", .arity = -2, .group = "server", .since = "2.0.0",
         .summary = "A container for server configuration commands.",
         .complexity = "Depends on subcommand.",
         .subcommands = {
             sub("get", -3, kAdminFlags, &config_get, "Returns the effective values of configuration parameters.", "2.0.0"),
             sub("set", -4, kAdminFlags | kCmdMayReplicate, &config_set, "Sets configuration parameters in-flight.", "2.0.0"),
             sub("resetstat", 2, kAdminFlags, &config_resetstat, "Resets the server's statistics.", "2.0.0"),
             sub("rewrite", 2, kAdminFlags, &config_rewrite, "Persists the effective configuration to file.", "2.8.0"),
             sub("help", 2, kCmdLoading | kCmdStale, &config_help, "Returns helpful text about the different subcommands.", "5.0.0"),
         }});
  t.add({.name = "command", .arity = -1, .flags = kCmdLoading | kCmdStale, .acl = kAclConnection,
         .group = "server", .since = "2.8.13",
         .summary = "Returns detailed information about all commands.", .complexity = "O(N) where N is the total number of Redis commands",
         .handler = &cmd_command,
         .subcommands = {
             sub("count", 2, kCmdLoading | kCmdStale, &command_count, "Returns a count of commands.", "2.8.13", kAclConnection),
             sub("info", -2, kCmdLoading | kCmdStale, &command_info, "Returns information about one, multiple or all commands.", "2.8.13", kAclConnection),
             sub("docs", -2, kCmdLoading | kCmdStale, &command_docs, "Returns documentary information about one, multiple or all commands.", "7.0.0", kAclConnection),
             sub("list", -2, kCmdLoading | kCmdStale, &command_list, "Returns a list of command names.", "7.0.0", kAclConnection),
             sub("getkeys", -3, kCmdLoading | kCmdStale, &command_getkeys, "Extracts the key names from an arbitrary command.", "2.8.13", kAclConnection),
             sub("help", 2, kCmdLoading | kCmdStale, &command_help, "Returns helpful text about the different subcommands.", "5.0.0", kAclConnection),
         }});
  t.add({.name = "slowlog", .arity = -2, .group = "server", .since = "2.2.12",
         .summary = "A container for slow log commands.",
         .complexity = "Depends on subcommand.",
         .subcommands = {
             sub("get", -2, kAdminFlags, &slowlog_get, "Returns the slow log's entries.", "2.2.12", kAclDangerous),
             sub("len", 2, kAdminFlags, &slowlog_len, "Returns the number of entries in the slow log.", "2.2.12", kAclDangerous),
             sub("reset", 2, kAdminFlags, &slowlog_reset, "Clears all entries from the slow log.", "2.2.12", kAclDangerous),
             sub("help", 2, kCmdLoading | kCmdStale, &slowlog_help, "Show helpful text about the different subcommands.", "6.2.0"),
         }});
  t.add({.name = "dbsize", .arity = 1, .flags = kCmdReadonly | kCmdFast, .acl = kAclKeyspace,
         .group = "server", .since = "1.0.0", .summary = "Returns the number of keys in the database.",
         .complexity = "O(1)", .handler = &cmd_dbsize});
  t.add({.name = "flushdb", .arity = -1, .flags = kCmdWrite, .acl = kAclKeyspace | kAclDangerous,
         .group = "server", .since = "1.0.0", .summary = "Remove all keys from the current database.",
         .complexity = "O(N) where N is the number of keys in the selected database",
         .handler = &cmd_flushdb});
  t.add({.name = "flushall", .arity = -1, .flags = kCmdWrite, .acl = kAclKeyspace | kAclDangerous,
         .group = "server", .since = "1.0.0", .summary = "Removes all keys from all databases.",
         .complexity = "O(N) where N is the total number of keys in all databases",
         .handler = &cmd_flushall});
  t.add({.name = "swapdb", .arity = 3, .flags = kCmdWrite | kCmdFast,
         .acl = kAclKeyspace | kAclDangerous, .group = "server", .since = "4.0.0",
         .summary = "Swaps two Redis databases.",
         .complexity = "O(N) where N is the count of clients watching or blocking on keys from both databases.",
         .handler = &cmd_swapdb});
  t.add({.name = "time", .arity = 1, .flags = kCmdLoading | kCmdStale | kCmdFast, .group = "server",
         .since = "2.6.0", .summary = "Returns the server time.", .complexity = "O(1)",
         .handler = &cmd_time});
  t.add({.name = "shutdown", .arity = -1,
         .flags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
         .group = "server", .since = "1.0.0",
         .summary = "Synchronously saves the database(s) to disk and shuts down the Redis server.",
         .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
         .handler = &cmd_shutdown});
}

}  // namespace peregrine::server
