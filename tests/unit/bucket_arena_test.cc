// The server's BackgroundBucketArena on the production runtime: a real
// worker thread prepares and frees the key tables' arrays while a client
// loads keys over a socket.
#include <gtest/gtest.h>

#include <string>

#include "runtime/posix/posix_runtime.h"
#include "server/server.h"

namespace {

using peregrine::rt::posix::PosixRuntime;
using peregrine::server::Config;
using peregrine::server::Server;

TEST(BucketArena, WorkerThreadPreparesAndFreesArrays) {
  PosixRuntime rt;
  Config config;
  config.port = 0;
  config.loglevel = "warning";
  config.bucket_arena_min_bytes = 64 * 1024;  // from 1024 buckets up
  Server server(rt, config);
  // Batches smaller than the 1/16 of the slots between a table's request
  // and its grow (224 inserts at 512 buckets), with a wait for the worker
  // after each: every request can be served before its grow, however
  // loaded the machine is (the worker only gets idle CPU time).
  constexpr int kBatches = 500, kBatch = 200;
  std::string error;
  std::string dbsize;
  rt.main().post([&] {
    if (!server.start().ok()) {
      error = "start failed";
      server.stop();
      return;
    }
    auto conn = rt.connect("127.0.0.1", server.port());
    if (!conn) {
      error = "connect failed";
      server.stop();
      return;
    }
    int key = 0;
    for (int b = 0; b < kBatches && error.empty(); ++b) {
      std::string request;
      for (int i = 0; i < kBatch; ++i, ++key) {
        const std::string k = "key:" + std::to_string(key);
        request += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$1\r\nv\r\n";
      }
      if (!(*conn)->write_all(request).ok()) error = "write failed";
      size_t want = 5 * kBatch, got = 0;  // "+OK\r\n" each
      char buf[4096];
      while (got < want && error.empty()) {
        auto n = (*conn)->read_some(buf, sizeof(buf));
        if (!n || *n == 0) error = "read failed";
        else got += *n;
      }
      for (int i = 0; i < 30000 && server.bucket_arena().in_flight() > 0; ++i) {
        rt.scheduler().sleep_for_us(1000);
      }
    }
    (void)(*conn)->write_all("*1\r\n$6\r\nDBSIZE\r\n");
    char buf[64];
    auto n = (*conn)->read_some(buf, sizeof(buf));
    if (n) dbsize.assign(buf, *n);
    server.stop();
  });
  rt.run();
  ASSERT_EQ(error, "");
  EXPECT_EQ(dbsize, ":" + std::to_string(kBatches * kBatch) + "\r\n");
  const auto& s = server.bucket_arena().stats();
  EXPECT_EQ(s.prepared, 6u);  // 512 -> 1024 -> ... -> 32768 buckets
  EXPECT_EQ(s.used, s.prepared) << "a grow did not use its prepared array";
  EXPECT_EQ(s.late, 0u);
  EXPECT_GE(s.given_back, 5u);
}

}  // namespace
