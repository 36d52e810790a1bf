// The server's LazyFree on the simulated runtime: which deletions hand their
// values to the background worker (Redis's lazyfree rules and settings), the
// INFO counters, and that the keyspace answers the same before and after the
// worker has run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::server::Config;
using peregrine::sim::EngineHarness;

// The value of an INFO memory field.
int64_t info_field(EngineHarness& h, const std::string& name) {
  const std::string info = h.run({"INFO", "memory"});
  const size_t at = info.find("\r\n" + name + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + name.size() + 3));
}

// A set of n non-integer members (a listpack up to 128, a hash table past).
void make_set(EngineHarness& h, const std::string& key, int n) {
  std::vector<std::string> argv = {"SADD", key};
  for (int i = 0; i < n; ++i) argv.push_back("member:" + std::to_string(i));
  ASSERT_EQ(h.run(argv), ":" + std::to_string(n) + "\r\n");
}

TEST(LazyFree, UnlinkDefersOnlyLargeValues) {
  EngineHarness h(1);
  make_set(h, "big", 200);   // effort 200 > 64
  // A hash table of 64 (no listpack sets): effort 64, freed inline.
  ASSERT_EQ(h.run({"CONFIG", "SET", "set-max-listpack-entries", "0"}), "+OK\r\n");
  make_set(h, "table", 64);
  ASSERT_EQ(h.run({"OBJECT", "ENCODING", "table"}), "$9\r\nhashtable\r\n");
  make_set(h, "small", 10);
  ASSERT_EQ(h.run({"HSET", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(h.run({"UNLINK", "big", "table", "small", "h", "missing"}), ":4\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 1);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 0);
  EXPECT_EQ(h.run({"EXISTS", "big", "table", "small", "h"}), ":0\r\n");
  h.advance_ms(10);
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 1);
  // DEL frees inline unless lazyfree-lazy-user-del.
  make_set(h, "big", 200);
  EXPECT_EQ(h.run({"DEL", "big"}), ":1\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(h.run({"CONFIG", "SET", "lazyfree-lazy-user-del", "yes"}), "+OK\r\n");
  make_set(h, "big", 200);
  EXPECT_EQ(h.run({"DEL", "big"}), ":1\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 1);
  h.advance_ms(10);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 2);
  EXPECT_EQ(h.run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 0);
}

TEST(LazyFree, ServerDeletesAndExpiryFollowTheirSettings) {
  EngineHarness h(2);
  // Overwritten by SET: inline by default, deferred with server-del.
  make_set(h, "s", 200);
  EXPECT_EQ(h.run({"SET", "s", "x"}), "+OK\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(h.run({"CONFIG", "SET", "lazyfree-lazy-server-del", "yes"}), "+OK\r\n");
  EXPECT_EQ(h.run({"DEL", "s"}), ":1\r\n");
  make_set(h, "s", 200);
  make_set(h, "t", 200);
  EXPECT_EQ(h.run({"SET", "s", "x"}), "+OK\r\n");
  EXPECT_EQ(h.run({"RENAME", "s", "t"}), "+OK\r\n");  // t's set goes
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 2);
  // Expired (here on access; the harness runs no cron, db_test covers
  // active expiry): inline by default, deferred with lazyfree-lazy-expire.
  make_set(h, "e0", 200);
  EXPECT_EQ(h.run({"PEXPIRE", "e0", "5"}), ":1\r\n");
  h.advance_ms(10);
  EXPECT_EQ(h.run({"EXISTS", "e0"}), ":0\r\n");
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 2);
  EXPECT_EQ(h.run({"CONFIG", "SET", "lazyfree-lazy-expire", "yes"}), "+OK\r\n");
  make_set(h, "e1", 200);
  make_set(h, "e2", 200);
  EXPECT_EQ(h.run({"PEXPIRE", "e1", "5"}), ":1\r\n");
  EXPECT_EQ(h.run({"PEXPIRE", "e2", "5"}), ":1\r\n");
  h.advance_ms(10);
  EXPECT_EQ(h.run({"EXISTS", "e1", "e2"}), ":0\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 2);
  h.advance_ms(10);
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 4);
  EXPECT_EQ(h.run({"GET", "t"}), "$1\r\nx\r\n");
}

// FLUSHALL ASYNC empties every db at once; new writes go on while the old
// entries wait for the worker, which counts every key.
TEST(LazyFree, FlushAsyncCountsEveryKey) {
  EngineHarness h(3);
  for (int i = 0; i < 3000; ++i) h.run({"SET", "k" + std::to_string(i), "v"});
  make_set(h, "big", 300);
  h.run({"SELECT", "1"});
  for (int i = 0; i < 99; ++i) h.run({"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(h.run({"FLUSHALL", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(h.run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 3100);
  EXPECT_EQ(h.run({"SET", "k1", "new"}), "+OK\r\n");
  h.advance_ms(100);
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 3100);
  EXPECT_EQ(h.run({"GET", "k1"}), "$3\r\nnew\r\n");
  EXPECT_EQ(h.run({"DBSIZE"}), ":1\r\n");
  // SYNC, and no argument without lazyfree-lazy-user-flush: inline.
  EXPECT_EQ(h.run({"FLUSHDB", "SYNC"}), "+OK\r\n");
  for (int i = 0; i < 10; ++i) h.run({"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(h.run({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 0);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 3100);
  EXPECT_EQ(h.run({"CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"}), "+OK\r\n");
  for (int i = 0; i < 10; ++i) h.run({"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(h.run({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(info_field(h, "lazyfree_pending_objects"), 10);
  h.advance_ms(10);
  EXPECT_EQ(info_field(h, "lazyfreed_objects"), 3110);
  EXPECT_EQ(h.run({"FLUSHDB", "LAZY"}), "-ERR syntax error\r\n");
}

// A server destroyed with values still waiting for the worker frees them
// with the closures that carry them (ASan would report a leak).
TEST(LazyFree, PendingWorkIsFreedAtShutdown) {
  auto h = std::make_unique<EngineHarness>(4);
  make_set(*h, "big", 500);
  for (int i = 0; i < 2000; ++i) h->run({"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(h->run({"UNLINK", "big"}), ":1\r\n");
  EXPECT_EQ(h->run({"FLUSHALL", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(info_field(*h, "lazyfree_pending_objects"), 2001);
  h.reset();
}

}  // namespace
