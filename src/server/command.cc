#include "server/command.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "commands/util.h"
#include "server/client.h"
#include "server/server.h"
#include "store/db.h"

namespace peregrine::server {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

const CommandSpec* CommandSpec::find_subcommand(std::string_view lower_name) const {
  for (const auto& sub : subcommands) {
    std::string_view sub_name = sub.name;
    auto bar = sub_name.find('|');
    if (bar != std::string_view::npos) sub_name = sub_name.substr(bar + 1);
    if (sub_name == lower_name) return &sub;
  }
  return nullptr;
}

namespace {
std::vector<int> keys_after_count(std::span<const std::string_view> argv, size_t count_at) {
  std::vector<int> keys;
  if (argv.size() <= count_at) return keys;
  int64_t n = 0;
  for (char c : argv[count_at]) {
    if (c < '0' || c > '9' || n > 1000000) return keys;
    n = n * 10 + (c - '0');
  }
  for (int64_t i = 0; i < n && count_at + 1 + static_cast<size_t>(i) < argv.size(); ++i)
    keys.push_back(static_cast<int>(count_at + 1 + static_cast<size_t>(i)));
  return keys;
}
}  // namespace

std::vector<int> keys_after_count_at_1(std::span<const std::string_view> argv) {
  return keys_after_count(argv, 1);
}
std::vector<int> keys_after_count_at_2(std::span<const std::string_view> argv) {
  return keys_after_count(argv, 2);
}
std::vector<int> dest_then_keys_after_count_at_2(std::span<const std::string_view> argv) {
  std::vector<int> keys = keys_after_count(argv, 2);
  if (argv.size() > 1) keys.insert(keys.begin(), 1);
  return keys;
}

std::vector<int> CommandSpec::key_positions(std::span<const std::string_view> argv) const {
  if (get_keys) return get_keys(argv);
  std::vector<int> keys;
  if (first_key <= 0) return keys;
  int argc = static_cast<int>(argv.size());
  int last = last_key < 0 ? argc + last_key : last_key;
  int step = key_step > 0 ? key_step : 1;
  for (int i = first_key; i <= last && i < argc; i += step) keys.push_back(i);
  return keys;
}

uint32_t CommandSpec::acl_categories() const {
  uint32_t cats = acl;
  if (flags & kCmdWrite) cats |= kAclWrite;
  if (flags & kCmdReadonly) cats |= kAclRead;
  if (flags & kCmdAdmin) cats |= kAclAdmin | kAclDangerous;
  if (flags & kCmdPubsub) cats |= kAclPubsub;
  if (flags & kCmdFast) cats |= kAclFast;
  if (flags & kCmdBlocking) cats |= kAclBlocking;
  if (!(cats & kAclFast)) cats |= kAclSlow;
  return cats;
}

CommandTable::CommandTable() {
  register_string_commands(*this);
  register_key_commands(*this);
  register_server_commands(*this);
  register_connection_commands(*this);
  register_transaction_commands(*this);
  register_list_commands(*this);
  register_hash_commands(*this);
  register_set_commands(*this);
  register_zset_commands(*this);
  register_memory_commands(*this);
  register_sort_commands(*this);
}

void CommandTable::add(CommandSpec spec) {
  spec.name = lower(spec.name);
  if (spec.get_keys) spec.flags |= kCmdMovableKeys;
  for (auto& sub : spec.subcommands) {
    if (sub.name.find('|') == std::string::npos) sub.name = spec.name + "|" + lower(sub.name);
    if (sub.group.empty()) sub.group = spec.group;
  }
  specs_.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  by_name_[specs_.back()->name] = specs_.back().get();
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  char buf[64];
  if (name.size() > sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  const std::string_view lower(buf, name.size());
  if (last_found_ != nullptr && last_found_->name == lower) return last_found_;
  auto it = by_name_.find(lower);
  if (it == by_name_.end()) return nullptr;
  last_found_ = it->second;
  return it->second;
}

// The test-only bug "expire-off-by-one" treats a key expiring exactly now
// as still alive; the simulator's model checker must catch it.
static int64_t lookup_time(CommandContext& ctx, std::string_view key) {
  if (!ctx.server.config().test_bug.empty() && ctx.server.config().test_bug == "expire-off-by-one" &&
      ctx.db.expire_at(key) == ctx.now_ms)
    return ctx.now_ms - 1;
  return ctx.now_ms;
}

// Records an access in the value's stamp: the LRU clock, or under an LFU
// maxmemory-policy the decayed-then-incremented frequency counter.
static void touch(CommandContext& ctx, store::Obj* v) {
  if (!v || ctx.client.no_touch) return;
  const Config& c = ctx.server.config();
  if (is_lfu_policy(c.maxmemory_policy)) {
    double r = static_cast<double>(ctx.server.random().next_u64() >> 11) * 0x1.0p-53;
    v->set_lru(lfu_touch(v->lru(), ctx.now_ms, c.lfu_log_factor, c.lfu_decay_time, r));
  } else {
    v->set_lru(lru_clock_at(ctx.now_ms));
  }
}

store::Obj* CommandContext::lookup_read(std::string_view key) {
  store::Obj* v = db.lookup(key, lookup_time(*this, key), {.touch = false});
  touch(*this, v);
  if (v) {
    server.stats().keyspace_hits++;
  } else {
    server.stats().keyspace_misses++;
  }
  return v;
}

store::Obj* CommandContext::lookup_write(std::string_view key) {
  store::Obj* v = db.lookup(key, lookup_time(*this, key), {.touch = false});
  touch(*this, v);
  return v;
}

void CommandContext::key_modified(store::Db& in, std::string_view key) {
  server.touch_watched_key(in.index(), key);
  server.stats().dirty++;
}

void CommandContext::db_modified(store::Db& in) {
  server.touch_all_watched_keys_in_db(in.index());
  server.stats().dirty++;
}

bool CommandContext::can_block() const { return !client.in_exec && !client.in_multi; }

void CommandContext::block_on(std::span<const std::string_view> keys, int64_t timeout_ms,
                              store::ObjType type) {
  server.block_client(client, db.index(), keys, argv, timeout_ms);
  client.block.type = type;
}

void CommandContext::signal_key_ready(std::string_view key) {
  server.signal_key_ready(db.index(), key);
}

void CommandContext::signal_key_grew(std::string_view key) {
  server.signal_key_ready(db.index(), key, /*created=*/false);
}

void CommandContext::wrong_type() {
  reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
}
void CommandContext::syntax_error() { reply.error("ERR syntax error"); }
void CommandContext::not_integer() { reply.error("ERR value is not an integer or out of range"); }
void CommandContext::not_float() { reply.error("ERR value is not a valid float"); }
bool CommandContext::parse_block_timeout(std::string_view arg, int64_t* out_ms) {
  long double seconds = 0;
  if (!parse_long_double(arg, &seconds)) {
    reply.error("ERR timeout is not a float or out of range");
    return false;
  }
  const long double ms = seconds * 1000.0L;
  constexpr auto kMax = std::numeric_limits<int64_t>::max();
  if (ms > static_cast<long double>(kMax)) {
    reply.error("ERR timeout is out of range");
    return false;
  }
  const long double up = std::ceil(ms);
  if (up < 0) {  // -inf included
    reply.error("ERR timeout is negative");
    return false;
  }
  const auto t = static_cast<int64_t>(up);
  if (t > 0 && t > kMax - now_ms) {
    reply.error("ERR timeout is out of range");
    return false;
  }
  constexpr int64_t kLongestWaitMs = int64_t{1} << 42;
  *out_ms = std::min(t, kLongestWaitMs);
  return true;
}

bool CommandContext::parse_signed_count(std::string_view arg, int64_t* out) {
  if (!parse_int64(arg, out)) {
    not_integer();
    return false;
  }
  if (*out == std::numeric_limits<int64_t>::min()) {
    reply.error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return false;
  }
  return true;
}
void CommandContext::wrong_arity() {
  reply.error("ERR wrong number of arguments for '" + spec.name + "' command");
}

}  // namespace peregrine::server
