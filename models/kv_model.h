// Executable reference model of the Peregrine keyspace: strings, generic key
// commands and expiry, with the exact RESP2 reply bytes a client would see.
//
// The model is deliberately independent of the server: it includes nothing
// from src/, and the helpers it needs (integer and float parsing, reply
// encoding) come from models/common.h, which is written apart from the
// server too. It favours plain, obviously-correct code over speed: one
// std::map per database.
//
// Time is supplied by the caller on every command (now_ms, Unix milliseconds).
// A key whose expiry time is <= now_ms is invisible to every command; it is
// removed from the map when a command touches it, exactly when the engine's
// lazy expiry would remove it. Keys nobody touches stay in the map, so if
// the caller's clock goes backwards (a wall-clock jump) they come back to
// life, as they do in Redis; a checker that knows the engine deleted a key
// (active expiry) applies that deletion with DEL.
#ifndef PEREGRINE_MODELS_KV_MODEL_H_
#define PEREGRINE_MODELS_KV_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::models {

// Type tag of a stored value. Only strings exist so far; new kinds get a tag
// here and a payload member in Value, and every command checks the tag.
enum class ValueType { kString };

struct Value {
  ValueType type = ValueType::kString;
  std::string str;  // payload when type == kString
};

struct Entry {
  Value value;
  std::optional<int64_t> expire_at_ms;  // absolute Unix ms; empty = no TTL
};

class KvModel {
 public:
  explicit KvModel(int databases = 16);

  // Applies one command (argv[0] is the command name, any case) at wall-clock
  // time now_ms on behalf of a client whose selected database is *db (SELECT
  // changes it). Returns the exact RESP2 reply bytes. An empty argv returns an
  // empty string (no reply). *db must be a valid index (std::out_of_range
  // otherwise).
  std::string apply(const std::vector<std::string>& argv, int64_t now_ms, int* db);

  // True when the model implements this command (lower-case name).
  static bool supports(std::string_view lower_name);

  // Number of live (not logically expired at now_ms) keys in db.
  size_t live_keys(int db, int64_t now_ms) const;

  int databases() const { return static_cast<int>(dbs_.size()); }

 private:
  using Argv = std::vector<std::string>;
  using Db = std::map<std::string, Entry>;
  using Handler = std::string (KvModel::*)(const Argv&, int&);
  struct Spec {
    int arity;  // >0: exact argc; <0: at least -arity
    Handler handler;
  };
  static const std::map<std::string, Spec, std::less<>>& table();

  // Lookup of a live key; erases it (and returns null) when expired.
  Entry* find(int db, const std::string& key);
  bool db_index_valid(int64_t id) const { return id >= 0 && id < databases(); }

  // Shared bodies.
  std::string set_generic(int db, unsigned flags, const std::string& key, const std::string& val,
                          const std::string* expire_arg, bool unit_seconds,
                          const std::string& ok_reply, const std::string& abort_reply,
                          const char* cmd);
  std::string incr_decr(int db, const std::string& key, int64_t by);
  std::string expire_generic(const Argv& a, int db, int64_t basetime, bool unit_seconds,
                             const char* cmd);
  std::string ttl_generic(const Argv& a, int db, bool output_ms, bool output_abs);
  std::string rename_generic(const Argv& a, int db, bool nx);
  std::string flush_generic(const Argv& a, int db, bool all);

  // Command handlers (one per command name).
  std::string cmd_ping(const Argv& a, int& db);
  std::string cmd_echo(const Argv& a, int& db);
  std::string cmd_select(const Argv& a, int& db);
  std::string cmd_get(const Argv& a, int& db);
  std::string cmd_set(const Argv& a, int& db);
  std::string cmd_setnx(const Argv& a, int& db);
  std::string cmd_setex(const Argv& a, int& db);
  std::string cmd_psetex(const Argv& a, int& db);
  std::string cmd_getset(const Argv& a, int& db);
  std::string cmd_getdel(const Argv& a, int& db);
  std::string cmd_getex(const Argv& a, int& db);
  std::string cmd_mget(const Argv& a, int& db);
  std::string cmd_mset(const Argv& a, int& db);
  std::string cmd_msetnx(const Argv& a, int& db);
  std::string cmd_append(const Argv& a, int& db);
  std::string cmd_strlen(const Argv& a, int& db);
  std::string cmd_incr(const Argv& a, int& db);
  std::string cmd_decr(const Argv& a, int& db);
  std::string cmd_incrby(const Argv& a, int& db);
  std::string cmd_decrby(const Argv& a, int& db);
  std::string cmd_incrbyfloat(const Argv& a, int& db);
  std::string cmd_getrange(const Argv& a, int& db);
  std::string cmd_setrange(const Argv& a, int& db);
  std::string cmd_del(const Argv& a, int& db);
  std::string cmd_exists(const Argv& a, int& db);
  std::string cmd_type(const Argv& a, int& db);
  std::string cmd_rename(const Argv& a, int& db);
  std::string cmd_renamenx(const Argv& a, int& db);
  std::string cmd_copy(const Argv& a, int& db);
  std::string cmd_move(const Argv& a, int& db);
  std::string cmd_touch(const Argv& a, int& db);
  std::string cmd_expire(const Argv& a, int& db);
  std::string cmd_pexpire(const Argv& a, int& db);
  std::string cmd_expireat(const Argv& a, int& db);
  std::string cmd_pexpireat(const Argv& a, int& db);
  std::string cmd_ttl(const Argv& a, int& db);
  std::string cmd_pttl(const Argv& a, int& db);
  std::string cmd_expiretime(const Argv& a, int& db);
  std::string cmd_pexpiretime(const Argv& a, int& db);
  std::string cmd_persist(const Argv& a, int& db);
  std::string cmd_dbsize(const Argv& a, int& db);
  std::string cmd_flushdb(const Argv& a, int& db);
  std::string cmd_flushall(const Argv& a, int& db);
  std::string cmd_swapdb(const Argv& a, int& db);

  std::vector<Db> dbs_;
  int64_t now_ = 0;  // time of the command being applied
};

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_KV_MODEL_H_
