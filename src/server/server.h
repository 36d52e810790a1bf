// Server: one Peregrine node, built from (Runtime&, Config). Owns the
// keyspace (its Dbs), the clients, the command table and the statistics.
// No global state: tests and the simulator run several Servers in one
// process.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <span>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/runtime.h"
#include "server/bucket_arena.h"
#include "server/lazy_free.h"
#include "server/command.h"
#include "server/config.h"
#include "server/evict.h"
#include "store/db.h"

namespace peregrine::server {

class Client;

// The Redis version reported to clients (INFO, HELLO), as Valkey does for
// client compatibility; Peregrine's own version is peregrine_version.
inline constexpr const char* kRedisCompatVersion = "7.2.4";

// One SLOWLOG entry: a command that ran for at least
// slowlog-log-slower-than microseconds.
struct SlowlogEntry {
  int64_t id;
  int64_t time_s;       // Unix time the command ran
  int64_t duration_us;  // its run time
  std::vector<std::string> argv;  // trimmed as Redis trims them
  std::string addr;
  std::string name;
};

struct Stats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t dirty = 0;  // changes since the last save
  std::unordered_map<std::string, uint64_t> errorstats;  // "ERR" -> count
};

class Server : public store::KeyspaceObserver {
 public:
  Server(rt::Runtime& runtime, Config config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listener and starts the accept loop and the cron fiber on the
  // calling executor. Returns an error if the port cannot be bound.
  Status start();
  // Closes the listener and every client; the fibers wind down.
  void stop();
  bool stopping() const { return stopping_; }
  int port() const;  // the bound port (useful with port 0)

  rt::Runtime& runtime() { return runtime_; }
  rt::Random& random() { return runtime_.random(); }
  Config& config() { return config_; }
  const CommandTable& commands() const { return commands_; }
  Stats& stats() { return stats_; }
  // The slow log, newest first.
  const std::deque<SlowlogEntry>& slowlog() const { return slowlog_; }
  void slowlog_reset() { slowlog_.clear(); }

  // Where the key tables' large bucket arrays are prepared and released.
  const BackgroundBucketArena& bucket_arena() const { return *bucket_arena_; }
  // Where large values and flushed keyspaces are freed (lazyfree).
  LazyFree& lazy_free() { return *lazy_free_; }

  int db_count() const { return static_cast<int>(dbs_.size()); }
  store::Db& db(int index) { return *dbs_[index]; }
  void swap_dbs(int a, int b);

  const std::list<Client*>& clients() const { return clients_; }
  Client* find_client(uint64_t id);
  uint64_t next_client_id() { return ++last_client_id_; }
  // The LRU clock (seconds resolution, 24 bits) at now_ms, as Redis keeps it.
  static uint32_t lru_clock(int64_t now_ms);

  // Runs one command for client (already parsed). Used by the connection
  // loop, by EXEC and by in-process tests.
  // timed_out: the re-run of a blocked command whose timeout passed.
  void execute(Client& client, std::span<const std::string_view> argv, bool timed_out = false);

  // Blocking (see CommandContext::block_on).
  void block_client(Client& client, int db, std::span<const std::string_view> keys,
                    std::span<const std::string_view> argv, int64_t timeout_ms);
  // Removes client from every key it is blocked on (no reply).
  void unblock_client(Client& client);
  // created: the key was just created (Redis wakes its waiters only then);
  // false: an existing list grew, which serves only BLMOVEM waiters.
  void signal_key_ready(int db, std::string_view key, bool created = true);
  // Marks ready every key of database db that clients block on and that
  // exists (after SWAPDB).
  void signal_existing_blocking_keys(int db);
  // Takes client out of the waiting queues of keys in db (its block state
  // is left as it is).
  void leave_queues(Client& client, int db, const std::vector<std::string>& keys);
  // Ends a block with the command's timeout reply and wakes the client.
  void timeout_blocked_client(Client& client);
  // CLIENT UNBLOCK ... ERROR.
  void error_blocked_client(Client& client, std::string_view error);
  size_t blocked_clients() const { return blocked_count_; }

  // Called after every command the server answered (executed, rejected or
  // queued by MULTI), with the reply it produced; commands EXEC runs are
  // reported too, with client.in_exec set, before the EXEC itself. The
  // simulator's checker uses it to learn the order the engine executed
  // commands in.
  using CommandObserver = std::function<void(const Client& client,
                                             std::span<const std::string_view> argv,
                                             int64_t now_ms, std::string_view reply)>;
  void set_command_observer(CommandObserver observer) { observer_ = std::move(observer); }
  // Called when the server deletes a key because its TTL passed (lazily or
  // in the active cycle). With a wall clock that can jump backwards, a
  // checker needs these to know which keys are really gone.
  using ExpiryObserver = std::function<void(int db, std::string_view key)>;
  void set_expiry_observer(ExpiryObserver observer) { expiry_observer_ = std::move(observer); }

  // WATCH bookkeeping.
  void watch_key(Client& client, int db, std::string_view key);
  void unwatch_all(Client& client);
  void touch_watched_key(int db, std::string_view key);
  void touch_all_watched_keys_in_db(int db);

  // KeyspaceObserver.
  void key_expired(int db_index, std::string_view key) override;

  // Attached/detached by Client.
  void add_client(Client* c);
  void remove_client(Client* c);

  // CONFIG RESETSTAT.
  void reset_stats();
  void note_memory_peak(int64_t used) { memory_peak_ = std::max(memory_peak_, used); }
  int64_t memory_peak() const { return memory_peak_; }
  // Allocated bytes once start() had set the server up (used_memory_startup).
  int64_t startup_allocated() const { return startup_allocated_; }

  int64_t start_time_ms() const { return start_time_ms_; }
  int64_t start_mono_us() const { return start_mono_us_; }
  const std::string& run_id() const { return run_id_; }

  // One round of the periodic work the cron fiber does hz times a second:
  // active expiry (keys, then hash fields and set members), rehash steps,
  // idle-client timeouts. Public for harnesses that run no fibers.
  void cron_tick();

  // Writes a log line at the given level ("debug", "verbose", "notice",
  // "warning") when the configured loglevel lets it through.
  void log(int level, std::string_view message);

 private:
  void accept_loop();
  void cron_loop();
  void active_expire_cycle(int64_t now_ms);
  void expire_subkeys_step(int64_t now_ms, int64_t deadline_us);
  size_t expire_noted_members(int64_t now_ms, size_t budget, bool* more);
  void active_rehash();
 public:
  // A client runs a batch of pipelined commands from one read; between the
  // two calls it does not suspend except in a flush, after which it calls
  // invalidate_command_clock(). See last_clock_us_.
  void begin_batch() {
    in_batch_ = true;
    clock_cached_ = false;
  }
  void end_batch() { in_batch_ = false; }
  void invalidate_command_clock() { clock_cached_ = false; }
 private:

  rt::Runtime& runtime_;
  Config config_;
  CommandTable commands_;
  std::deque<SlowlogEntry> slowlog_;
  int64_t slowlog_next_id_ = 0;
  void slowlog_push(Client& client, std::span<const std::string_view> argv, int64_t duration_us);
  Stats stats_;
  // Before dbs_: the tables give their arrays back to it when destroyed.
  std::unique_ptr<BackgroundBucketArena> bucket_arena_;
  // Before dbs_, which hand it what they drop.
  std::unique_ptr<LazyFree> lazy_free_;
  std::vector<std::unique_ptr<store::Db>> dbs_;
  std::unique_ptr<rt::Listener> listener_;
  std::list<Client*> clients_;
  uint64_t last_client_id_ = 0;
  bool stopping_ = false;
  int64_t start_time_ms_ = 0;
  int64_t start_mono_us_ = 0;
  std::string run_id_;
  // (db, key) -> clients watching it.
  std::unordered_map<std::string, std::vector<Client*>> watched_;
  size_t active_expire_db_ = 0;
  // Per db, for the cron's member expiry: the slow walk's SCAN cursor, and
  // the noted key the next tick starts from.
  std::vector<uint64_t> subkey_scan_cursors_;
  std::vector<std::string> subkey_note_cursors_;
  int64_t frozen_now_ms_ = 0;
  // The wall clock read at the start of a client's batch of pipelined
  // commands, used as the time of every command in it (they run back to
  // back). Used only inside a batch (begin_batch .. end_batch) and dropped
  // whenever the engine may have waited (a flush).
  int64_t last_clock_us_ = 0;
  bool clock_cached_ = false;
  bool in_batch_ = false;
  uint32_t new_value_stamp_ = 0;  // access stamp for values created by this command
  int64_t memory_peak_ = 0;
  int64_t startup_allocated_ = 0;
  Evictor evictor_{*this};
  void serve_ready_keys();
  // (db, key) -> clients blocked on it, oldest first.
  std::unordered_map<std::string, std::list<Client*>> blocking_keys_;
  struct ReadyKey {
    int db;
    std::string key;
    bool grew_only;  // an existing list grew: BLMOVEM waiters only
  };
  std::vector<ReadyKey> ready_keys_;
  size_t blocked_count_ = 0;
  bool serving_ready_keys_ = false;
  CommandObserver observer_;
  ExpiryObserver expiry_observer_;
};

}  // namespace peregrine::server
