// Config: every server parameter, typed, with Redis's directive names.
// Loaded from a redis.conf-style file and "--name value" arguments; read and
// changed at run time with CONFIG GET/SET/REWRITE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.h"

namespace peregrine::server {

struct Config {
  // network
  std::string bind = "127.0.0.1 -::1";
  int port = 6379;
  bool protected_mode = true;
  int tcp_backlog = 511;
  int timeout_s = 0;          // idle client timeout, 0 = never
  int tcp_keepalive_s = 300;
  int64_t maxclients = 10000;
  // general
  int databases = 16;
  std::string loglevel = "notice";
  std::string logfile = "";   // "" = standard output
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::string requirepass = "";
  int hz = 10;
  bool activerehashing = true;  // the cron moves pending table resizes along
  // limits
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  // memory
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  // slow log
  int64_t slowlog_log_slower_than = 10000;  // microseconds; < 0 disables
  int64_t slowlog_max_len = 128;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  // compact encodings of small collections
  int64_t list_max_listpack_size = -2;   // > 0: entries per node; -1..-5: 4..64 KB per node
  int64_t list_compress_depth = 0;
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;
  int64_t set_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // lazyfree (server/lazy_free.h): which deletions may free large values
  // on a background thread. UNLINK and FLUSH* ASYNC always may.
  bool lazyfree_lazy_eviction = false;  // accepted; eviction frees inline
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  // Peregrine's own: OBJECT ENCODING names every list "quicklist", as
  // Redis before 7.2 (which has no listpack lists) does.
  bool report_lists_as_quicklist = false;
  // Peregrine's own: replies render doubles with "%.17g" as Redis before
  // 7.2 does, instead of the shorter form of 7.2 and later.
  bool legacy_double_replies = false;
  // Peregrine's own: ZADD, HSET and HMSET convert a listpack only as
  // members are added, as Redis before 7.2, instead of taking the
  // command's size as a hint first.
  bool legacy_size_hints = false;
  bool replica_lazy_flush = false;  // accepted; there is no replication yet
  // Values whose free effort (store::Collection::free_effort) is above this
  // are freed in the background (Redis's LAZYFREE_THRESHOLD). Not a CONFIG
  // parameter: the simulator sets 0 so that every collection goes there.
  int64_t lazyfree_threshold = 64;
  // accepted for compatibility, not acted on yet
  std::string save = "";
  std::string appendonly = "no";
  std::string daemonize = "no";
  std::string pidfile = "";
  // Key-table bucket arrays of at least this many bytes are prepared and
  // released on a background executor (server/bucket_arena.h); smaller ones
  // are allocated and freed inline. Not a CONFIG parameter: the simulator
  // sets 0 so that every array takes the background path.
  int64_t bucket_arena_min_bytes = int64_t{1} << 20;
  // Test-only bug switch the simulator uses to prove its checkers can fail
  // ("" = none). Not a CONFIG parameter; never set in production.
  std::string test_bug = "";
  // the file this config was loaded from ("" when none); CONFIG REWRITE target
  std::string config_file = "";

  // Applies one directive (name, args). Errors carry Redis's text.
  Status set(std::string_view name, const std::vector<std::string>& args);
  static bool is_mutable(std::string_view name);
  static bool exists(std::string_view name);
  // Loads directives from file contents, then "--name value" overrides.
  Status load_text(std::string_view text);
  Status load_args(const std::vector<std::string>& args);
  // Every parameter matching a glob (CONFIG GET), as name/value pairs.
  std::vector<std::pair<std::string, std::string>> get(std::string_view pattern) const;
  // The config file rewritten with current values (CONFIG REWRITE).
  std::string rewrite(std::string_view original_text) const;
};

}  // namespace peregrine::server
