// MEMORY USAGE STATS DOCTOR MALLOC-STATS PURGE HELP.
#include <string>

#include "commands/memory_overhead.h"
#include "commands/util.h"
#include "server/client.h"
#include "server/command.h"
#include "server/memory.h"
#include "server/server.h"
#include "store/db.h"

namespace peregrine::server {
namespace {

// Per-key share of the key tables, in bytes: a 64-byte bucket holds 7
// slots and the tables run between 40% and 80% full, so a slot costs about
// 9 to 23 bytes; the figure is the middle. Keys with a TTL also have a slot
// in the expires table.
constexpr size_t kTableSlotOverhead = 14;

// MEMORY USAGE key [SAMPLES count]
void memory_usage(CommandContext& ctx) {
  if (ctx.argc() != 3 && ctx.argc() != 5) return ctx.syntax_error();
  if (ctx.argc() == 5) {
    int64_t samples;
    if (to_lower(ctx.arg(3)) != "samples") return ctx.syntax_error();
    if (!parse_int64(ctx.arg(4), &samples)) return ctx.not_integer();
    if (samples < 0) return ctx.syntax_error();
  }
  store::Obj* v = ctx.db.lookup(ctx.arg(2), ctx.now_ms, {.touch = false});
  if (!v) return ctx.reply.null_bulk();
  size_t bytes = kTableSlotOverhead + v->memory_bytes();
  if (v->has_ttl()) bytes += kTableSlotOverhead;
  ctx.reply.integer(static_cast<int64_t>(bytes));
}

// MEMORY STATS: Redis 7.0's fields in its order; what Peregrine does not
// have (replication, AOF, scripts, cluster) reads 0.
void memory_stats(CommandContext& ctx) {
  const MemoryOverhead m = memory_overhead(ctx.server);
  auto& r = ctx.reply;
  const auto num = [&](const char* name, int64_t v) {
    r.bulk(name);
    r.integer(v);
  };
  const auto real = [&](const char* name, double v) {
    r.bulk(name);
    r.double_value(v);
  };
  r.map(27 + m.dbs.size());
  num("peak.allocated", m.peak_allocated);
  num("total.allocated", m.total_allocated);
  num("startup.allocated", m.startup_allocated);
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", m.clients_normal);
  num("cluster.links", 0);
  num("aof.buffer", 0);
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (const MemoryOverhead::DbTables& db : m.dbs) {
    r.bulk("db." + std::to_string(db.index));
    r.map(3);
    num("overhead.hashtable.main", db.main);
    num("overhead.hashtable.expires", db.expires);
    num("overhead.hashtable.slot-to-keys", 0);
  }
  num("overhead.total", m.overhead_total);
  num("keys.count", m.keys);
  num("keys.bytes-per-key", m.bytes_per_key);
  num("dataset.bytes", m.dataset);
  real("dataset.percentage", m.dataset_perc);
  real("peak.percentage", m.peak_perc);
  num("allocator.allocated", m.allocator.allocated);
  num("allocator.active", m.allocator.active);
  num("allocator.resident", m.allocator.resident);
  real("allocator-fragmentation.ratio", m.allocator_frag());
  num("allocator-fragmentation.bytes", m.allocator_frag_bytes());
  real("allocator-rss.ratio", m.allocator_rss());
  num("allocator-rss.bytes", m.allocator_rss_bytes());
  real("rss-overhead.ratio", m.rss_overhead());
  num("rss-overhead.bytes", m.rss_overhead_bytes());
  real("fragmentation", m.fragmentation());
  num("fragmentation.bytes", m.fragmentation_bytes());
}

// MEMORY DOCTOR
void memory_doctor(CommandContext& ctx) {
  const MemoryOverhead m = memory_overhead(ctx.server);
  std::string report;
  if (m.total_allocated < 5 * 1024 * 1024) {
    report = "Memory use is small (under 5 MB); there is nothing to diagnose.\n";
  } else {
    const double frag = m.fragmentation();
    if (frag > 1.4)
      report += "High fragmentation: the process's resident memory is " +
                std::to_string(frag).substr(0, 4) +
                " times the bytes in use. MEMORY PURGE returns unused pages to the system.\n";
    if (m.peak_allocated > m.total_allocated * 3 / 2)
      report += "Peak memory was much higher than now: the resident size may stay high "
                "until freed pages are returned.\n";
    if (report.empty()) report = "No memory problems detected.\n";
  }
  ctx.reply.verbatim(report);
}

void memory_malloc_stats(CommandContext& ctx) { ctx.reply.verbatim(allocator_report()); }

void memory_purge(CommandContext& ctx) {
  allocator_purge();
  ctx.reply.ok();
}

void memory_help(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* l : kLines) ctx.reply.simple(l);
}

CommandSpec sub(std::string name, int arity, uint32_t flags, CommandHandler h, std::string summary,
                std::string since = "4.0.0") {
  return CommandSpec{.name = std::move(name), .arity = arity, .flags = flags,
                     .group = "server", .since = std::move(since), .summary = std::move(summary),
                     .complexity = "O(1)", .handler = h};
}

}  // namespace

MemoryOverhead memory_overhead(Server& server) {
  MemoryOverhead m;
  m.allocator = allocator_stats();
  m.rss = server.runtime().process_rss_bytes();
  m.total_allocated = m.allocator.allocated;
  server.note_memory_peak(m.total_allocated);
  m.peak_allocated = server.memory_peak();
  m.startup_allocated = server.startup_allocated();
  for (Client* c : server.clients()) m.clients_normal += static_cast<int64_t>(c->memory_bytes());
  m.overhead_total = m.startup_allocated + m.clients_normal;
  for (int i = 0; i < server.db_count(); ++i) {
    store::Db& db = server.db(i);
    if (db.size() == 0) continue;
    MemoryOverhead::DbTables t{i, static_cast<int64_t>(db.keys_table_bytes()),
                               static_cast<int64_t>(db.expires_table_bytes())};
    m.overhead_total += t.main + t.expires;
    m.keys += static_cast<int64_t>(db.size());
    m.dbs.push_back(t);
  }
  m.dataset = m.total_allocated - m.overhead_total;
  m.peak_perc = m.peak_allocated > 0 ? 100.0 * static_cast<double>(m.total_allocated) /
                                           static_cast<double>(m.peak_allocated)
                                     : 0;
  const int64_t net = m.total_allocated > m.startup_allocated ? m.total_allocated - m.startup_allocated : 1;
  m.dataset_perc = 100.0 * static_cast<double>(m.dataset) / static_cast<double>(net);
  m.bytes_per_key = m.keys > 0 ? net / m.keys : 0;
  return m;
}

void register_memory_commands(CommandTable& t) {
  CommandSpec usage = sub("usage", -3, kCmdReadonly, &memory_usage,
                          "Estimates the memory usage of a key.");
  usage.first_key = 2;
  usage.last_key = 2;
  usage.key_step = 1;
  usage.acl = kAclRead;
  t.add({.name = "memory", .arity = -2, .group = "server", .since = "4.0.0",
         .summary = "A container for memory diagnostics commands.",
         .complexity = "Depends on subcommand.",
         .subcommands = {
             usage,
             sub("stats", 2, 0, &memory_stats, "Returns details about memory usage."),
             sub("doctor", 2, 0, &memory_doctor, "Outputs a memory problems report."),
             sub("malloc-stats", 2, 0, &memory_malloc_stats, "Returns the allocator statistics."),
             sub("purge", 2, 0, &memory_purge, "Asks the allocator to release memory."),
             sub("help", 2, kCmdLoading | kCmdStale, &memory_help,
                 "Returns helpful text about the different subcommands.", "4.0.0"),
         }});
}

}  // namespace peregrine::server
