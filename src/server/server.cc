#include "server/server.h"

#include <algorithm>
#include <cstdio>

#include "commands/util.h"
#include "runtime/buggify.h"
#include "server/client.h"
#include "server/memory.h"
#include "store/subkey_collection.h"

namespace peregrine::server {
namespace {

// Civil date from days since the Unix epoch (proleptic Gregorian).
void civil_from_days(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

std::string key_of(int db, std::string_view key) {
  std::string k = std::to_string(db);
  k.push_back(':');
  k.append(key);
  return k;
}

// "ERR unknown command 'x', with args beginning with: 'a' 'b' "
std::string unknown_command_error(std::span<const std::string_view> argv) {
  std::string args;
  for (size_t j = 1; j < argv.size() && args.size() < 128; ++j) {
    size_t room = 128 - args.size();
    args += "'";
    args.append(c_string(argv[j].substr(0, room)));
    args += "' ";
  }
  return "ERR unknown command '" + std::string(c_string(argv[0].substr(0, 128))) +
         "', with args beginning with: " + args;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Server::Server(rt::Runtime& runtime, Config config)
    : runtime_(runtime),
      config_(std::move(config)),
      bucket_arena_(std::make_unique<BackgroundBucketArena>(
          runtime_, static_cast<size_t>(std::max<int64_t>(0, config_.bucket_arena_min_bytes)))),
      lazy_free_(std::make_unique<LazyFree>(runtime_, config_)) {
  int n = std::max(1, config_.databases);
  for (int i = 0; i < n; ++i) {
    dbs_.push_back(
        std::make_unique<store::Db>(i, runtime_.random().next_u64(), this, bucket_arena_.get()));
    dbs_.back()->set_new_value_stamp(&new_value_stamp_);
    dbs_.back()->set_reclaimer(lazy_free_.get());
  }
  // A flushed keyspace's bytes: its share of the keys times the dataset
  // (what is allocated beyond what the server had at startup). Called once
  // the db is empty, so the keyspace's keys are added back to the total.
  lazy_free_->set_keyspace_bytes_estimate([this](uint64_t keys) -> int64_t {
    uint64_t total = keys;
    for (const auto& db : dbs_) total += db->size();
    const int64_t dataset = std::max<int64_t>(0, allocator_stats().allocated - startup_allocated_);
    return static_cast<int64_t>(static_cast<double>(dataset) * static_cast<double>(keys) /
                                static_cast<double>(total));
  });
  start_time_ms_ = runtime_.clock().wall_ms();
  start_mono_us_ = runtime_.clock().monotonic_us();
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) run_id_.push_back(kHex[runtime_.random().uniform(16)]);
}

Server::~Server() {
  // Clients are owned by their fibers; they must have ended (stop()) first.
}

Status Server::start() {
  std::string host = "127.0.0.1";
  // The first address of "bind" is the one served; the rest are optional
  // extras that Redis tolerates failing ("-::1").
  {
    std::string_view b = config_.bind;
    auto sp = b.find(' ');
    std::string first(b.substr(0, sp));
    if (!first.empty() && first[0] == '-') first.erase(0, 1);
    if (first == "*") first = "0.0.0.0";
    if (!first.empty()) host = first;
  }
  auto listener = runtime_.network().listen(host, config_.port, config_.tcp_backlog);
  if (!listener) return listener.error();
  listener_ = std::move(*listener);
  if (config_.port == 0) config_.port = listener_->port();
  runtime_.scheduler().spawn("accept", [this] { accept_loop(); });
  runtime_.scheduler().spawn("cron", [this] { cron_loop(); });
  startup_allocated_ = allocator_stats().allocated;
  note_memory_peak(startup_allocated_);
  log(2, "Ready to accept connections tcp on " + host + ":" + std::to_string(port()));
  return Status::Ok();
}

int Server::port() const { return listener_ ? listener_->port() : config_.port; }

void Server::stop() {
  if (stopping_) return;
  stopping_ = true;
  if (listener_) listener_->close();
  for (Client* c : clients_) c->kill();
  // Let the client fibers see their closed connections and end, then ask
  // the runtime's loop to return. Bounded: a fiber stuck elsewhere does not
  // hold up the exit.
  runtime_.scheduler().spawn("shutdown", [this] {
    for (int i = 0; i < 1000 && !clients_.empty(); ++i) runtime_.scheduler().yield();
    runtime_.request_stop();
  });
}

void Server::accept_loop() {
  while (!stopping_) {
    auto conn = listener_->accept();
    if (!conn) {
      if (stopping_) break;
      log(3, "Accepting client connection: " + conn.error().message);
      runtime_.scheduler().sleep_for_us(10000);
      continue;
    }
    stats_.total_connections_received++;
    if (static_cast<int64_t>(clients_.size()) >= config_.maxclients) {
      stats_.rejected_connections++;
      Status s = (*conn)->write_all("-ERR max number of clients reached\r\n");
      (void)s;
      continue;
    }
    if (config_.tcp_keepalive_s > 0) (*conn)->set_keepalive(config_.tcp_keepalive_s);
    // The fiber owns the client; if the fiber is destroyed while suspended
    // (a simulated crash), unwinding its stack frees the client too.
    auto client = std::make_shared<Client>(*this, std::move(*conn));
    runtime_.scheduler().spawn("client", [client]() mutable {
      client->run();
      client.reset();
    });
  }
}

void Server::cron_loop() {
  while (!stopping_) {
    int hz = std::clamp(config_.hz, 1, 500);
    runtime_.scheduler().sleep_for_us(1000000 / hz);
    if (stopping_) break;
    cron_tick();
  }
}

void Server::cron_tick() {
  int64_t now = runtime_.clock().wall_ms();
  active_expire_cycle(now);
  if (config_.activerehashing) active_rehash();
  if (config_.timeout_s > 0) {
    std::vector<Client*> idle;
    for (Client* c : clients_)
      if (now - c->last_interaction_ms > int64_t{config_.timeout_s} * 1000) idle.push_back(c);
    for (Client* c : idle) c->kill();
  }
}

// Moves pending key-table resizes along while the server is otherwise idle
// between commands: at most about 1 ms per cron tick over all dbs, checked
// every 100 bucket moves (each move is a few entries).
void Server::active_rehash() {
  constexpr size_t kStepsPerCheck = 100;
  constexpr int64_t kBudgetUs = 1000;
  const int64_t start = runtime_.clock().monotonic_us();
  for (auto& db : dbs_) {
    while (db->rehash_steps(kStepsPerCheck)) {
      if (runtime_.clock().monotonic_us() - start > kBudgetUs) return;
    }
  }
}

// Redis-style adaptive expiry: sample keys with a TTL in each db; keep
// going while more than a quarter of a sample was expired, within a time
// budget of 25% of the cron period.
void Server::active_expire_cycle(int64_t now_ms) {
  constexpr size_t kKeysPerLoop = 20;
  constexpr int kAcceptableStalePercent = 10;
  int64_t start = runtime_.clock().monotonic_us();
  int64_t budget_us = 250000 / std::clamp(config_.hz, 1, 500);
  for (size_t i = 0; i < dbs_.size(); ++i) {
    store::Db& db = *dbs_[(active_expire_db_ + i) % dbs_.size()];
    for (int iteration = 0; db.expires_size() > 0; ++iteration) {
      size_t sampled = 0;
      size_t expired = db.active_expire_step(now_ms, kKeysPerLoop, runtime_.random(), &sampled);
      CODE_PROBE(runtime_, expired > 0, "active expiry deleted keys");
      if (sampled == 0 || expired * 100 <= sampled * kAcceptableStalePercent) break;
      // An early end of the cycle leaves expired keys for lazy expiry.
      if (BUGGIFY(runtime_)) return;
      if ((iteration & 15) == 15 && runtime_.clock().monotonic_us() - start > budget_us) return;
    }
  }
  active_expire_db_ = (active_expire_db_ + 1) % dbs_.size();
  expire_subkeys_step(now_ms, start + budget_us);
}

// Active expiry of hash fields and set members. Each db keeps the names of
// the keys whose hash or set was given member TTLs (Db::note_subkey_ttls);
// every tick visits them in rounds (see expire_noted_members), resuming
// where the last round stopped, and removes their due members and the
// collections left empty, for as long as rounds find plenty to do and
// within a quarter of the cron period. A slow resumable walk over the whole
// keyspace notes keys that got member TTLs without a command noting them
// (RENAME, COPY, MOVE). Lazy expiry in the commands keeps replies exact;
// this frees the memory of members nobody reads.
void Server::expire_subkeys_step(int64_t now_ms, int64_t deadline_us) {
  constexpr int kScanStepsPerDb = 16;
  constexpr size_t kMembersPerRound = 200;
  constexpr int kMaxRounds = 1000;
  if (subkey_scan_cursors_.size() != dbs_.size()) {
    subkey_scan_cursors_.assign(dbs_.size(), 0);
    subkey_note_cursors_.assign(dbs_.size(), std::string());
  }
  // The slow walk: notes the keys with member TTLs that were missed.
  for (size_t d = 0; d < dbs_.size(); ++d) {
    store::Db& db = *dbs_[d];
    if (db.size() == 0) continue;
    uint64_t& cursor = subkey_scan_cursors_[d];
    for (int step = 0; step < kScanStepsPerDb; ++step) {
      cursor = db.scan(cursor, [&](std::string_view key, store::Obj& v) {
        if (store::subkey_volatile_count(v) > 0) db.note_subkey_ttls(key);
      });
      if (cursor == 0) break;
    }
  }
  // Rounds over the noted keys while the last one found plenty to do, as
  // the key expiry cycle does, until the cycle's share of the cron period
  // (deadline_us, monotonic) is spent.
  for (int round = 0; round < kMaxRounds; ++round) {
    bool more = false;
    const size_t removed = expire_noted_members(now_ms, kMembersPerRound, &more);
    if (removed == 0 || !more) break;
    CODE_PROBE(runtime_, true, "member expiry ran more than one round in a tick");
    if (BUGGIFY(runtime_)) break;
    if (runtime_.clock().monotonic_us() > deadline_us) break;
  }
}

// One round of member expiry: visits up to 64 noted keys per db, resuming
// where the last round stopped, and removes up to budget due members in
// all; names that no longer hold member TTLs are dropped. Returns how many
// members it removed; *more tells whether it stopped at a limit (the
// budget, or a db's visits) rather than for want of work.
size_t Server::expire_noted_members(int64_t now_ms, size_t budget, bool* more) {
  constexpr size_t kNotedKeysPerDb = 64;
  const size_t initial = budget;
  *more = false;
  for (size_t d = 0; d < dbs_.size() && budget > 0; ++d) {
    store::Db& db = *dbs_[d];
    auto& noted = db.subkey_ttl_keys();
    if (noted.empty()) continue;
    std::string& resume = subkey_note_cursors_[d];
    auto it = noted.lower_bound(resume);
    const size_t visits = std::min(kNotedKeysPerDb, noted.size());
    *more = *more || visits < noted.size();
    for (size_t i = 0; i < visits && budget > 0 && !noted.empty(); ++i) {
      if (it == noted.end()) it = noted.begin();
      const std::string key = *it;
      store::Obj* v = db.lookup(key, now_ms, {.touch = false});
      if (v == nullptr || store::subkey_volatile_count(*v) == 0) {
        it = noted.erase(it);
        continue;
      }
      ++it;
      bool empty = false;
      const size_t removed = store::remove_due_members(*v, now_ms, budget, &empty);
      budget -= std::min(budget, removed);
      if (removed == 0) continue;
      CODE_PROBE(runtime_, v->type() == store::ObjType::kHash,
                 "active expiry removed hash fields");
      CODE_PROBE(runtime_, v->type() == store::ObjType::kSet,
                 "active expiry removed set members");
      if (empty) {
        db.remove(key);
        noted.erase(key);  // it already points past key
      }
      touch_watched_key(db.index(), key);
      stats_.dirty++;
    }
    resume = it == noted.end() ? std::string() : *it;
  }
  *more = *more || budget == 0;
  return initial - budget;
}

// Keeps at most 32 arguments (the last saying how many more there were)
// and 128 bytes of each, as Redis does, so a huge command cannot make the
// log huge.
void Server::slowlog_push(Client& client, std::span<const std::string_view> argv,
                          int64_t duration_us) {
  constexpr size_t kMaxArgs = 32;
  constexpr size_t kMaxArgBytes = 128;
  if (config_.slowlog_max_len <= 0) return;
  SlowlogEntry e;
  e.id = slowlog_next_id_++;
  e.time_s = frozen_now_ms_ / 1000;
  e.duration_us = duration_us;
  const size_t n = std::min(argv.size(), kMaxArgs);
  for (size_t i = 0; i < n; ++i) {
    if (i == kMaxArgs - 1 && argv.size() > kMaxArgs) {
      e.argv.push_back("... (" + std::to_string(argv.size() - kMaxArgs + 1) + " more arguments)");
      break;
    }
    const std::string_view a = argv[i];
    if (a.size() > kMaxArgBytes) {
      e.argv.push_back(std::string(a.substr(0, kMaxArgBytes)) + "... (" +
                       std::to_string(a.size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.argv.emplace_back(a);
    }
  }
  // Credentials never reach the log (AUTH, HELLO ... AUTH user pass).
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string verb = lower(argv[0]);
  for (size_t i = 1; i < e.argv.size(); ++i) {
    if (verb == "auth") e.argv[i] = "(redacted)";
    if (verb == "hello" && lower(argv[i]) == "auth") {
      for (size_t j = i + 1; j < e.argv.size() && j <= i + 2; ++j) e.argv[j] = "(redacted)";
      break;
    }
  }
  e.addr = client.connection().peer_address();
  e.name = client.name;
  slowlog_.push_front(std::move(e));
  while (slowlog_.size() > static_cast<size_t>(config_.slowlog_max_len)) slowlog_.pop_back();
}

void Server::swap_dbs(int a, int b) {
  dbs_[a]->swap_contents(*dbs_[b]);
  touch_all_watched_keys_in_db(a);
  touch_all_watched_keys_in_db(b);
  // Clients blocked in either database may find their keys there now.
  signal_existing_blocking_keys(a);
  signal_existing_blocking_keys(b);
}

void Server::signal_existing_blocking_keys(int db_index) {
  const std::string prefix = key_of(db_index, "");
  const int64_t now = frozen_now_ms_;
  for (const auto& [qualified, waiters] : blocking_keys_) {
    if (qualified.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view key = std::string_view(qualified).substr(prefix.size());
    if (db(db_index).lookup(key, now, {.touch = false}) != nullptr)
      ready_keys_.push_back({db_index, std::string(key), false});
  }
}

Client* Server::find_client(uint64_t id) {
  for (Client* c : clients_)
    if (c->id() == id) return c;
  return nullptr;
}

uint32_t Server::lru_clock(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 1000) & ((1 << 24) - 1));
}

void Server::reset_stats() {
  uint64_t dirty = stats_.dirty;
  stats_ = Stats{};
  stats_.dirty = dirty;
  lazy_free_->reset_stats();
  for (const auto& c : commands_.all()) {
    c->calls = c->usec_ns = c->rejected_calls = c->failed_calls = 0;
    for (const auto& sub : c->subcommands) sub.calls = sub.usec_ns = sub.rejected_calls = sub.failed_calls = 0;
  }
}

void Server::add_client(Client* c) { clients_.push_back(c); }
void Server::remove_client(Client* c) { clients_.remove(c); }

void Server::execute(Client& client, std::span<const std::string_view> argv, bool timed_out) {
  stats_.total_commands_processed++;
  std::string& out = client.output();
  size_t reply_start = out.size();
  protocol::ReplyWriter& reply = client.writer();
  reply.set_legacy_doubles(config_.legacy_double_replies);
  auto reject = [&](const CommandSpec* spec, const std::string& msg) {
    if (spec) spec->rejected_calls++;
    if (spec && spec->name == "exec") {
      // A malformed EXEC ends the transaction, as Redis does.
      client.in_multi = false;
      client.multi_aborted = false;
      client.queued.clear();
      unwatch_all(client);
      reply.error("EXECABORT Transaction discarded because of: " +
                  (msg.rfind("ERR ", 0) == 0 ? msg.substr(4) : msg));
      return;
    }
    if (client.in_multi) client.multi_aborted = true;
    reply.error(msg);
  };

  // One wall-clock read per batch of pipelined commands: they run back to
  // back, microseconds apart, and the command time has millisecond grain.
  if (!(in_batch_ && clock_cached_)) {
    last_clock_us_ = runtime_.clock().wall_us();
    clock_cached_ = in_batch_;
  }
  if (!client.in_exec) {
    frozen_now_ms_ = last_clock_us_ / 1000;
    new_value_stamp_ =
        initial_access_stamp(frozen_now_ms_, is_lfu_policy(config_.maxmemory_policy));
  }
  const CommandSpec* spec = commands_.find(argv[0]);
  if (spec && !spec->subcommands.empty() && argv.size() >= 2) {
    std::string sub(argv[1]);
    for (char& ch : sub) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const CommandSpec* s = spec->find_subcommand(sub);
    if (!s) {
      reject(nullptr, "ERR unknown subcommand '" + std::string(c_string(argv[1].substr(0, 128))) +
                          "'. Try " + upper(spec->name) + " HELP.");
      return;
    }
    spec = s;
  }
  if (!spec) {
    reject(nullptr, unknown_command_error(argv));
  } else if ((spec->arity > 0 && static_cast<int>(argv.size()) != spec->arity) ||
             static_cast<int>(argv.size()) < -spec->arity) {
    reject(spec, "ERR wrong number of arguments for '" + spec->name + "' command");
  } else if (!client.authenticated && !(spec->flags & kCmdNoAuth)) {
    reject(spec, "NOAUTH Authentication required.");
  } else if (config_.maxmemory > 0 && !evictor_.make_room(frozen_now_ms_) &&
             (spec->flags & kCmdDenyOom)) {
    reject(spec, "OOM command not allowed when used memory > 'maxmemory'.");
  } else if (client.in_multi && spec->name != "exec" && spec->name != "discard" &&
             spec->name != "multi" && spec->name != "watch" && spec->name != "quit" &&
             spec->name != "reset") {
    client.queued.emplace_back(argv.begin(), argv.end());
    reply.simple("QUEUED");
  } else {
    // The command sees one frozen time; inside EXEC the time EXEC began.
    CommandContext ctx{*this,  client,         db(client.db_index), reply, argv,
                       frozen_now_ms_, *spec};
    client.last_command = spec->name;
    const int64_t t0 = runtime_.clock().span_ns();
    if (timed_out) {
      // The re-run of a blocked command whose timeout passed (or CLIENT
      // UNBLOCK ... TIMEOUT) answers the timeout reply every key-blocking
      // command shares, a null array, whatever its keys hold by now: one
      // overwritten with another type while the client waited leaves it
      // timed out, not answered WRONGTYPE, as in Redis. Its arguments were
      // checked when it blocked; it still counts as a call.
      reply.null_array();
    } else {
      spec->handler(ctx);
    }
    const int64_t t1 = runtime_.clock().span_ns();
    const int64_t ran_ns = std::max<int64_t>(t1 - t0, 0);
    spec->usec_ns += static_cast<uint64_t>(ran_ns);
    if (config_.slowlog_log_slower_than >= 0 && ran_ns / 1000 >= config_.slowlog_log_slower_than &&
        !(spec->flags & kCmdSkipSlowlog) && !client.block.active) {
      slowlog_push(client, argv, ran_ns / 1000);
    }
    spec->calls++;
    if (out.size() > reply_start && out[reply_start] == '-') spec->failed_calls++;
  }
  CODE_PROBE(runtime_, client.in_exec, "command executed inside EXEC");
  if (observer_) observer_(client, argv, frozen_now_ms_, std::string_view(out).substr(reply_start));
  if (out.size() > reply_start && out[reply_start] == '-') {
    stats_.total_error_replies++;
    size_t end = out.find_first_of(" \r", reply_start + 1);
    stats_.errorstats[out.substr(reply_start + 1, end - reply_start - 1)]++;
  }
  // Clients blocked on keys this command made ready are served now, before
  // any other command (after the whole transaction when inside EXEC).
  if (!ready_keys_.empty() && !client.in_exec) serve_ready_keys();
  switch (client.reply_mode) {
    case ReplyMode::kOn: break;
    case ReplyMode::kOff: out.resize(reply_start); break;
    case ReplyMode::kSkip: out.resize(reply_start); client.reply_mode = ReplyMode::kOn; break;
    case ReplyMode::kSkipNext: client.reply_mode = ReplyMode::kSkip; break;
  }
}

void Server::block_client(Client& client, int db_index, std::span<const std::string_view> keys,
                          std::span<const std::string_view> argv, int64_t timeout_ms) {
  BlockState& b = client.block;
  b.active = true;
  b.db = db_index;
  b.keys.assign(keys.begin(), keys.end());
  b.argv.assign(argv.begin(), argv.end());
  b.deadline_mono_us =
      timeout_ms > 0 ? runtime_.clock().monotonic_us() + timeout_ms * 1000 : 0;
  CODE_PROBE(runtime_, true, "client blocked on keys");
  for (const auto& k : b.keys) {
    auto& waiters = blocking_keys_[key_of(db_index, k)];
    if (std::find(waiters.begin(), waiters.end(), &client) == waiters.end())
      waiters.push_back(&client);
  }
  ++blocked_count_;
}

void Server::unblock_client(Client& client) {
  BlockState& b = client.block;
  if (!b.active) return;
  b.active = false;
  --blocked_count_;
  leave_queues(client, b.db, b.keys);
}

void Server::leave_queues(Client& client, int db_index, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    auto it = blocking_keys_.find(key_of(db_index, k));
    if (it == blocking_keys_.end()) continue;
    it->second.remove(&client);
    if (it->second.empty()) blocking_keys_.erase(it);
  }
}

void Server::signal_key_ready(int db_index, std::string_view key, bool created) {
  if (blocking_keys_.empty()) return;
  if (!blocking_keys_.count(key_of(db_index, key))) return;
  ready_keys_.push_back({db_index, std::string(key), !created});
}

// Re-runs the commands of clients blocked on ready keys, oldest first, until
// a key is gone. A client whose command blocks again (its key still cannot
// serve it: BLMOVEM EXACTLY waiting for more elements than the list holds)
// keeps its place in every queue and the next client is tried. Serving may
// make further keys ready (BLMOVE), which are served in turn.
void Server::serve_ready_keys() {
  if (serving_ready_keys_) return;  // the outer loop picks up new ready keys
  serving_ready_keys_ = true;
  for (int round = 0; round < 1000 && !ready_keys_.empty(); ++round) {
    auto ready = std::move(ready_keys_);
    ready_keys_.clear();
    for (const auto& [db_index, key, grew_only] : ready) {
      auto it = blocking_keys_.find(key_of(db_index, key));
      if (it == blocking_keys_.end()) continue;
      std::vector<Client*> waiters(it->second.begin(), it->second.end());
      for (Client* c : waiters) {
        if (!c->block.active) continue;
        const store::Obj* o = db(db_index).lookup(key, frozen_now_ms_, {.touch = false});
        if (o == nullptr) break;  // gone again (e.g. deleted later in the same EXEC)
        if (o->type() != c->block.type) continue;  // overwritten: stays blocked
        // A list that existed and grew: Redis wakes nobody (waiters on it
        // blocked while it held another type), BLMOVEM waits for growth.
        if (grew_only && !equals_nocase(c->block.argv[0], "blmovem")) continue;
        std::vector<std::string> argv = c->block.argv;
        std::vector<std::string> queues = c->block.keys;
        int64_t deadline = c->block.deadline_mono_us;
        // Not blocked while its command runs again, but still in its queues:
        // blocking again finds it there and leaves its place as it was.
        c->block.active = false;
        --blocked_count_;
        std::vector<std::string_view> views(argv.begin(), argv.end());
        execute(*c, views);
        if (c->block.active) {
          // It waits on, until its original deadline, not a fresh timeout.
          CODE_PROBE(runtime_, true, "blocked client re-run and blocked again");
          c->block.deadline_mono_us = deadline;
          continue;
        }
        leave_queues(*c, db_index, queues);
        CODE_PROBE(runtime_, true, "blocked client served by a producer");
        c->wake();
      }
    }
  }
  serving_ready_keys_ = false;
}

void Server::timeout_blocked_client(Client& client) {
  if (!client.block.active) return;
  CODE_PROBE(runtime_, true, "blocked client timed out");
  std::vector<std::string> argv = client.block.argv;
  unblock_client(client);
  std::vector<std::string_view> views(argv.begin(), argv.end());
  execute(client, views, /*timed_out=*/true);
  client.wake();
}

void Server::error_blocked_client(Client& client, std::string_view error) {
  if (!client.block.active) return;
  unblock_client(client);
  client.writer().error(error);
  client.wake();
}

void Server::watch_key(Client& client, int db_index, std::string_view key) {
  for (const auto& w : client.watched)
    if (w.db == db_index && w.key == key) return;
  int64_t now = runtime_.clock().wall_ms();
  bool alive = db(db_index).exists(key, now) || db(db_index).expire_at(key) >= 0;
  client.watched.push_back({db_index, std::string(key), alive});
  watched_[key_of(db_index, key)].push_back(&client);
}

void Server::unwatch_all(Client& client) {
  for (const auto& w : client.watched) {
    auto it = watched_.find(key_of(w.db, w.key));
    if (it == watched_.end()) continue;
    std::erase(it->second, &client);
    if (it->second.empty()) watched_.erase(it);
  }
  client.watched.clear();
  client.watch_broken = false;
}

void Server::touch_watched_key(int db_index, std::string_view key) {
  if (watched_.empty()) return;
  auto it = watched_.find(key_of(db_index, key));
  if (it == watched_.end()) return;
  for (Client* c : it->second) c->watch_broken = true;
}

void Server::touch_all_watched_keys_in_db(int db_index) {
  for (Client* c : clients_)
    for (const auto& w : c->watched)
      if (w.db == db_index) c->watch_broken = true;
}

void Server::key_expired(int db_index, std::string_view key) {
  CODE_PROBE(runtime_, true, "key expired");
  stats_.expired_keys++;
  if (expiry_observer_) expiry_observer_(db_index, key);
  touch_watched_key(db_index, key);
}

void Server::log(int level, std::string_view message) {
  static constexpr const char* kLevels[] = {"debug", "verbose", "notice", "warning"};
  int configured = 2;
  for (int i = 0; i < 4; ++i)
    if (config_.loglevel == kLevels[i]) configured = i;
  if (level < configured) return;
  int64_t now_ms = runtime_.clock().wall_ms();
  int64_t secs = now_ms / 1000;
  int y;
  unsigned mo, d;
  civil_from_days(secs / 86400, &y, &mo, &d);
  int64_t sod = secs % 86400;
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%lld:M %02u %s %d %02d:%02d:%02d.%03d %c ",
                static_cast<long long>(runtime_.process_id()), d, kMonths[mo - 1], y,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60), static_cast<int>(now_ms % 1000), ".-*#"[level]);
  std::string line = buf;
  line.append(message);
  line.push_back('\n');
  if (config_.logfile.empty()) {
    runtime_.write_console(line);
    return;
  }
  auto file = runtime_.disk().open(config_.logfile, rt::OpenMode{.write = true, .create = true});
  if (!file) return;
  auto size = (*file)->size();
  if (size) {
    auto n = (*file)->pwrite(line.data(), line.size(), *size);
    (void)n;
  }
}

}  // namespace peregrine::server
