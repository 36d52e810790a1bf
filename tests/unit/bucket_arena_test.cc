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
  constexpr int kBatches = 50, kBatch = 2000;
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
      rt.scheduler().sleep_for_us(2000);  // the worker's arrays arrive meanwhile
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
  EXPECT_GE(s.prepared, 4u);  // 1024 -> 2048 -> ... -> 32768 buckets
  EXPECT_GE(s.given_back, 3u);
  EXPECT_LE(s.used + s.late, s.prepared);
  EXPECT_GT(s.used, 0u) << "no prepared array arrived in time";
}

}  // namespace
