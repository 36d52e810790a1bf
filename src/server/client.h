// Client: one connection's state and its fiber. The fiber reads bytes,
// parses as many complete commands as it has, executes them in order through
// the Server, and writes the replies in one batch. While a write cannot
// complete the fiber waits and reads nothing more: back-pressure on a client
// that does not read its replies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"
#include "runtime/runtime.h"
#include "server/io_buffer.h"
#include "store/value.h"

namespace peregrine::server {

class Server;

enum class ReplyMode : uint8_t { kOn, kOff, kSkip, kSkipNext };

// A client blocked by a command (BLPOP, BZPOPMIN, ...) until one of its
// keys is signalled ready, its deadline passes, or CLIENT UNBLOCK.
struct BlockState {
  bool active = false;
  int db = 0;
  std::vector<std::string> keys;
  std::vector<std::string> argv;  // the command, re-run when a key is ready
  // The type the command pops from: a ready key of another type (it was
  // overwritten meanwhile) leaves the client blocked, as in Redis.
  store::ObjType type = store::ObjType::kList;
  int64_t deadline_mono_us = 0;   // 0: no timeout
};

struct WatchedKey {
  int db;
  std::string key;
  bool alive_at_watch;  // existed (not expired) when WATCH ran
};

class Client {
 public:
  Client(Server& server, std::unique_ptr<rt::Connection> conn);
  ~Client();

  // The connection loop; runs in the client's own fiber. Suspends.
  void run();
  // Closes the connection now; the fiber winds down and frees the client.
  void kill();
  // Closes once the replies produced so far are written (QUIT, CLIENT KILL
  // of oneself).
  void close_after_reply() { close_after_reply_ = true; }

  uint64_t id() const { return id_; }
  rt::Connection& connection() { return *conn_; }
  protocol::ReplyWriter& writer() { return writer_; }
  std::string& output() { return out_; }
  size_t query_buffer_bytes() const { return qbuf_.size(); }
  // The connection's state and the capacity of its buffers (MEMORY STATS
  // clients.normal, INFO mem_clients_normal).
  size_t memory_bytes() const { return sizeof(Client) + qbuf_.capacity() + out_.capacity(); }
  size_t query_buffer_free() const { return qbuf_.tail_room(); }

  // Public state read and changed by commands.
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  int db_index = 0;
  bool authenticated = false;
  bool no_evict = false;
  bool no_touch = false;
  ReplyMode reply_mode = ReplyMode::kOn;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string last_command = "NULL";
  // MULTI/EXEC.
  bool in_multi = false;
  bool multi_aborted = false;  // a command failed to queue: EXEC answers EXECABORT
  bool watch_broken = false;   // a watched key changed
  bool in_exec = false;
  std::vector<std::vector<std::string>> queued;
  std::vector<WatchedKey> watched;
  // HIMPORT's fieldsets (Redis 8.10): name -> field names, for this
  // connection only; RESET and the end of the connection drop them.
  std::map<std::string, std::vector<std::string>, std::less<>> hash_fieldsets;
  // Blocking commands.
  BlockState block;
  // Makes the client's fiber resume (after its block ended elsewhere).
  void wake();

 private:
  // Returns true when a command blocked the client.
  bool process_input();
  size_t prefetch_keys(size_t pos);
  void wait_while_blocked();
  void update_parser_limits();
  bool flush();

  Server& server_;
  std::unique_ptr<rt::Connection> conn_;
  uint64_t id_;
  IoBuffer qbuf_;
  protocol::RequestParser parser_;
  std::string out_;
  protocol::ReplyWriter writer_;
  bool close_after_reply_ = false;
  rt::FiberHandle fiber_;
  bool parser_unauthenticated_ = false;
  bool closing_ = false;
};

}  // namespace peregrine::server
