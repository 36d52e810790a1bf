#include "server/client.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>

#include "runtime/buggify.h"
#include "protocol/resp_parser.h"
#include "server/server.h"
#include "store/db.h"

namespace peregrine::server {
namespace {
// Read granularity and the output size that triggers a write mid-batch.
constexpr size_t kReadChunkBytes = 16 * 1024;
constexpr size_t kOutputFlushBytes = 64 * 1024;
}  // namespace

Client::Client(Server& server, std::unique_ptr<rt::Connection> conn)
    : server_(server), conn_(std::move(conn)), id_(server.next_client_id()), writer_(&out_) {
  created_ms = server_.runtime().clock().wall_ms();
  last_interaction_ms = created_ms;
  authenticated = server_.config().requirepass.empty();
  update_parser_limits();
  server_.add_client(this);
}

Client::~Client() {
  CODE_PROBE(server_.runtime(), block.active, "blocked client disconnected");
  server_.unblock_client(*this);
  server_.unwatch_all(*this);
  server_.remove_client(this);
}

// Until a client authenticates, requests are held to the small limits Redis
// applies to unauthenticated clients, so a stranger cannot make the server
// allocate much.
void Client::update_parser_limits() {
  protocol::ParserLimits limits;
  limits.max_bulk_len = server_.config().proto_max_bulk_len;
  limits.unauthenticated = !authenticated;
  parser_.set_limits(limits);
  parser_unauthenticated_ = !authenticated;
}

void Client::kill() {
  closing_ = true;
  conn_->close();
  wake();
}

void Client::wake() { server_.runtime().scheduler().wake(fiber_); }

// Waits until the block ends: served by a producer (which wakes us), timed
// out (we run the command's timeout reply), CLIENT UNBLOCK, or the client
// goes away. The socket is watched meanwhile, as Redis does: bytes sent after
// the blocking command wait in the query buffer, and a close or error ends
// the client (and its block) at once. Suspends.
void Client::wait_while_blocked() {
  while (block.active && !closing_) {
    qbuf_.reserve_tail(kReadChunkBytes);
    auto n = conn_->try_read(qbuf_.tail(), qbuf_.tail_room());
    if (n) {
      if (*n == 0) {
        closing_ = true;
        break;
      }
      qbuf_.commit(*n);
      server_.stats().total_net_input_bytes += *n;
      if (static_cast<int64_t>(qbuf_.size()) > server_.config().client_query_buffer_limit)
        closing_ = true;
      continue;
    }
    if (n.error().code != EAGAIN) {
      closing_ = true;
      break;
    }
    bool in_time = conn_->wait_readable(block.deadline_mono_us);
    if (!in_time && block.active) server_.timeout_blocked_client(*this);
  }
}

bool Client::flush() {
  if (out_.empty()) return true;
  server_.stats().total_net_output_bytes += out_.size();
  Status s = conn_->write_all(out_);
  out_.clear();
  if (out_.capacity() > 4 * kOutputFlushBytes) out_.shrink_to_fit();
  return s.ok();
}

void Client::run() {
  fiber_ = server_.runtime().scheduler().current();
  while (!closing_) {
    size_t want = std::max(kReadChunkBytes, std::min<size_t>(parser_.bytes_hint(), 1 << 26));
    qbuf_.reserve_tail(want);
    // At most `want` per read: a bounded batch of commands per turn.
    size_t room = std::min(qbuf_.tail_room(), want);
    // Tiny reads split commands at every possible byte: the parser must
    // resume anywhere.
    if (BUGGIFY(server_.runtime())) room = 1 + server_.random().uniform(7);
    auto n = conn_->read_some(qbuf_.tail(), room);
    if (!n || *n == 0) break;
    qbuf_.commit(*n);
    server_.stats().total_net_input_bytes += *n;
    last_interaction_ms = server_.runtime().clock().wall_ms();
    // A blocked command holds back the commands pipelined after it; they
    // run once it is served.
    bool ok = true;
    while (process_input() && ok) {
      ok = flush();
      wait_while_blocked();
    }
    if (!ok || closing_ || !flush() || close_after_reply_) break;
    // A read that filled the buffer means more input is probably waiting:
    // let other clients run before reading it (a client streaming a huge
    // pipeline must not hold the engine for the whole stream).
    if (*n == room) server_.runtime().scheduler().yield();
    if (static_cast<int64_t>(qbuf_.size()) > server_.config().client_query_buffer_limit) {
      server_.log(1, "Closing client that reached max query buffer length");
      break;
    }
  }
  conn_->close();
}

// Pipelined requests wait on memory one key at a time: each lookup misses
// the cache on its table bucket and again on its entry. Looking ahead at the
// next few requests in the buffer and prefetching their keys' buckets, then
// their entries, overlaps those misses. Returns the buffer offset the look-
// ahead reached (past pos even when nothing could be read there).
size_t Client::prefetch_keys(size_t pos) {
  constexpr size_t kWindow = 16;
  // A small keyspace stays in cache: skip the look-ahead for this batch.
  constexpr size_t kMinTableBytes = 1 << 20;
  const store::Db& db = server_.db(db_index);
  if (db.keys_table_bytes() < kMinTableBytes) return qbuf_.size();
  std::array<std::string_view, kWindow> keys;
  size_t n = 0;
  size_t p = pos;
  while (n < kWindow) {
    size_t size = 0;
    if (!protocol::peek_second_element(qbuf_.data() + p, qbuf_.size() - p, &size, &keys[n])) break;
    ++n;
    p += size;
  }
  if (n >= 2) {  // a lone request gains nothing from the extra hashing
    std::array<uint64_t, kWindow> hashes;
    for (size_t i = 0; i < n; ++i) {
      hashes[i] = db.key_hash(keys[i]);
      db.prefetch_bucket(hashes[i]);
    }
    for (size_t i = 0; i < n; ++i) db.prefetch_entry(hashes[i]);
  }
  return std::max(p, pos + 1);
}

// Executes every complete command in the query buffer, then drops the bytes
// consumed. Stops early, returning true, when a command blocked the client.
bool Client::process_input() {
  struct Batch {
    Server& s;
    explicit Batch(Server& server) : s(server) { s.begin_batch(); }
    ~Batch() { s.end_batch(); }
  } batch(server_);
  size_t pos = 0;
  size_t prefetched_to = 0;
  while (pos < qbuf_.size() && !close_after_reply_ && !closing_) {
    if (pos >= prefetched_to) prefetched_to = prefetch_keys(pos);
    if (parser_unauthenticated_ != !authenticated) update_parser_limits();
    size_t consumed = 0;
    auto status = parser_.parse(qbuf_.data() + pos, qbuf_.size() - pos, &consumed);
    if (status == protocol::ParseStatus::kNeedMore) {
      CODE_PROBE(server_.runtime(), pos < qbuf_.size(), "client: partial command waits for more bytes");
      break;
    }
    if (status == protocol::ParseStatus::kError) {
      writer_.error(parser_.error());
      server_.stats().total_error_replies++;
      close_after_reply_ = true;
      qbuf_.clear();
      return false;
    }
    const auto& argv = parser_.argv();
    if (!argv.empty()) server_.execute(*this, argv);
    pos += consumed;
    if (block.active) {
      qbuf_.consume(pos);
      return true;
    }
    CODE_PROBE(server_.runtime(), pos < qbuf_.size(), "client: several commands in one read");
    // Writing after every command instead of once per batch changes how
    // replies interleave with reads.
    bool flush_now = out_.size() >= kOutputFlushBytes || BUGGIFY(server_.runtime());
    if (flush_now) {
      const bool ok = flush();
      server_.invalidate_command_clock();  // the write may have waited
      if (!ok) {
        closing_ = true;
        return false;
      }
    }
  }
  qbuf_.consume(pos);
  qbuf_.shrink_if_idle(4 * kReadChunkBytes);
  return false;
}

}  // namespace peregrine::server
