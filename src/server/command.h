// The command table and the context a command body runs in.
//
// Command metadata is data: one CommandSpec per command (and per
// subcommand), registered in a readable block at the bottom of each family
// file in src/commands/. COMMAND INFO/DOCS/COUNT/LIST/GETKEYS, ACL categories,
// arity checks and key extraction are all derived from these specs.
//
// A command body reads like its documentation: parse arguments (errors
// early), look up, check type, check limits, mutate, report modified keys,
// reply. It sees one frozen now_ms taken before it runs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_writer.h"

namespace peregrine::store { class Db; class Obj; enum class ObjType : uint8_t; }

namespace peregrine::server {

class Server;
class Client;
struct CommandContext;

using CommandHandler = void (*)(CommandContext&);
// Key positions of commands whose keys cannot be described by first/last/
// step (a key count in the arguments): returns argv indexes.
using KeysFn = std::vector<int> (*)(std::span<const std::string_view> argv);

// Keys follow a count at argv[1] (SINTERCARD, ZUNION, LMPOP, ...).
std::vector<int> keys_after_count_at_1(std::span<const std::string_view> argv);
// Keys follow a count at argv[2] (BLMPOP, BZMPOP: the timeout comes first).
std::vector<int> keys_after_count_at_2(std::span<const std::string_view> argv);
// A destination key at argv[1], then keys after a count at argv[2]
// (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE).
std::vector<int> dest_then_keys_after_count_at_2(std::span<const std::string_view> argv);

// Command flags, named as COMMAND INFO reports them.
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadonly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdPubsub = 1u << 4,
  kCmdNoscript = 1u << 5,
  kCmdBlocking = 1u << 6,
  kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8,
  kCmdSkipMonitor = 1u << 9,
  kCmdSkipSlowlog = 1u << 10,
  kCmdFast = 1u << 11,
  kCmdNoAuth = 1u << 12,
  kCmdMayReplicate = 1u << 13,
  kCmdNoMulti = 1u << 14,
  kCmdAllowBusy = 1u << 15,
  kCmdNoMandatoryKeys = 1u << 16,
  kCmdMovableKeys = 1u << 17,
};

// ACL categories, named as COMMAND INFO reports them ("@keyspace" ...).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclHyperLogLog = 1u << 9,
  kAclGeo = 1u << 10,
  kAclStream = 1u << 11,
  kAclPubsub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

struct CommandSpec {
  std::string name;   // lower case; a subcommand is "parent|sub"
  int arity = 0;      // Redis convention: -N means at least N
  uint32_t flags = 0;
  uint32_t acl = 0;   // categories beyond those implied by flags
  int first_key = 0;  // 0 when the command has no key
  int last_key = 0;   // -1: last argument
  int key_step = 0;
  std::string group;       // "string", "generic", "server", "connection", ...
  std::string since;       // "1.0.0"
  std::string summary;
  std::string complexity;
  CommandHandler handler = nullptr;
  std::vector<CommandSpec> subcommands;
  // When set, key positions come from here (COMMAND INFO then reports the
  // movablekeys flag); first_key/last_key/key_step describe the first range.
  KeysFn get_keys = nullptr;

  // Filled by CommandTable: statistics for INFO commandstats.
  mutable uint64_t calls = 0;
  mutable uint64_t usec_ns = 0;  // total run time; INFO commandstats reports microseconds
  mutable uint64_t rejected_calls = 0;
  mutable uint64_t failed_calls = 0;

  const CommandSpec* find_subcommand(std::string_view lower_name) const;
  // Key positions of this invocation (indexes into argv).
  std::vector<int> key_positions(std::span<const std::string_view> argv) const;
  // ACL categories including those implied by flags (write -> @write, ...).
  uint32_t acl_categories() const;
};

class CommandTable {
 public:
  CommandTable();  // registers every family
  void add(CommandSpec spec);
  // Case-insensitive lookup of a top-level command.
  const CommandSpec* find(std::string_view name) const;
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return specs_; }

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  std::unordered_map<std::string, const CommandSpec*, NameHash, std::equal_to<>> by_name_;
  // The last command found: pipelines repeat one command, and comparing
  // against it is cheaper than hashing the name.
  mutable const CommandSpec* last_found_ = nullptr;
};

// Each family registers its commands (src/commands/<family>.cc).
void register_string_commands(CommandTable& table);
void register_key_commands(CommandTable& table);
void register_server_commands(CommandTable& table);
void register_connection_commands(CommandTable& table);
void register_transaction_commands(CommandTable& table);
void register_list_commands(CommandTable& table);
void register_hash_commands(CommandTable& table);
void register_set_commands(CommandTable& table);
void register_zset_commands(CommandTable& table);
void register_memory_commands(CommandTable& table);
void register_sort_commands(CommandTable& table);

struct CommandContext {
  Server& server;
  Client& client;
  store::Db& db;                            // the client's selected db
  protocol::ReplyWriter& reply;
  std::span<const std::string_view> argv;   // argv[0] is the name as sent
  int64_t now_ms;                           // frozen wall-clock time, Unix ms
  const CommandSpec& spec;

  size_t argc() const { return argv.size(); }
  std::string_view arg(size_t i) const { return argv[i]; }

  // Key lookups with the server's bookkeeping. lookup_read counts keyspace
  // hits/misses and updates the access time unless the client is NO-TOUCH;
  // lookup_write does neither. Both expire the key lazily.
  store::Obj* lookup_read(std::string_view key);
  store::Obj* lookup_write(std::string_view key);

  // Write commands call this once per key they change (including deletion):
  // it breaks WATCH on the key and counts a change for persistence.
  void key_modified(store::Db& in, std::string_view key);
  void key_modified(std::string_view key) { key_modified(db, key); }
  // Commands that change whole dbs (FLUSHDB, SWAPDB) call this instead.
  void db_modified(store::Db& in);

  // Blocking commands. A command that finds nothing to serve calls
  // block_on() and returns without replying when can_block(); the server
  // re-runs it (FIFO among clients blocked on a key) after a command signals
  // one of the keys ready; once timeout_ms passes (0 = never) the server
  // answers the timeout reply, a null array, itself. Inside MULTI/EXEC it
  // cannot block and must reply as on timeout at once.
  bool can_block() const;
  // type: what the command pops (list or zset).
  void block_on(std::span<const std::string_view> keys, int64_t timeout_ms, store::ObjType type);
  // Producers (LPUSH, ZADD, ...) call this after creating a key, so clients
  // blocked on it are served once the current command (or EXEC) finishes.
  // As in Redis, a push to a list that already existed wakes nobody (its
  // waiters blocked while it held another type and stay blocked) except
  // BLMOVEM, which waits for an existing list to grow: signal_key_grew.
  void signal_key_ready(std::string_view key);
  void signal_key_grew(std::string_view key);

  // Replies with the standard errors, text identical to Redis.
  void wrong_type();             // WRONGTYPE Operation against a key holding the wrong kind of value
  void syntax_error();           // ERR syntax error
  void not_integer();            // ERR value is not an integer or out of range
  void not_float();              // ERR value is not a valid float
  void wrong_arity();            // ERR wrong number of arguments for '<name>' command

  // Reads a count or rank whose sign says a direction, as Redis's
  // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): the most negative
  // 64-bit integer has no positive twin and is refused ("ERR value is out
  // of range, value must between ..."). Replies the error and returns
  // false when the argument is not accepted.
  bool parse_signed_count(std::string_view arg, int64_t* out);

  // Reads a blocking command's timeout, seconds as a float, into
  // milliseconds rounded up (0: wait forever), as Redis 7.2: "timeout is
  // not a float or out of range", "timeout is negative", and "timeout is
  // out of range" when the milliseconds, or the deadline they make from
  // now, pass 2^63-1. Replies the error and returns false when refused.
  // Waits past ~139 years are shortened to that (they never end either).
  bool parse_block_timeout(std::string_view arg, int64_t* out_ms);
};

}  // namespace peregrine::server
