// Two Servers in one process on one production runtime: they share nothing
// (no global state), each answers on its own port with its own keyspace.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "runtime/posix/posix_runtime.h"
#include "server/server.h"

namespace {

using peregrine::rt::posix::PosixRuntime;
using peregrine::server::Config;
using peregrine::server::Server;

// True once reply holds one whole simple reply (a line, or a bulk string).
bool complete(const std::string& reply) {
  size_t eol = reply.find("\r\n");
  if (eol == std::string::npos) return false;
  if (reply[0] != '$' || reply.compare(0, 3, "$-1") == 0) return true;
  return reply.size() >= eol + 2 + std::stoul(reply.substr(1, eol - 1)) + 2;
}

// Sends one RESP command and returns its reply. Suspends.
std::string roundtrip(PosixRuntime& rt, int port, const std::string& request) {
  auto conn = rt.connect("127.0.0.1", port);
  if (!conn) return "connect failed: " + conn.error().message;
  if (!(*conn)->write_all(request).ok()) return "write failed";
  std::string reply;
  char buf[256];
  while (!complete(reply)) {
    auto n = (*conn)->read_some(buf, sizeof(buf));
    if (!n || *n == 0) break;
    reply.append(buf, *n);
  }
  return reply;
}

TEST(TwoServers, IndependentKeyspacesInOneProcess) {
  PosixRuntime rt;
  Config a_config, b_config;
  a_config.port = 0;  // any free port
  b_config.port = 0;
  a_config.loglevel = b_config.loglevel = "warning";
  Server a(rt, a_config), b(rt, b_config);
  std::string set_a, get_a, get_b, ping_b;
  rt.main().post([&] {
    ASSERT_TRUE(a.start().ok());
    ASSERT_TRUE(b.start().ok());
    ASSERT_NE(a.port(), b.port());
    set_a = roundtrip(rt, a.port(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    get_a = roundtrip(rt, a.port(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    get_b = roundtrip(rt, b.port(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    ping_b = roundtrip(rt, b.port(), "PING\r\n");
    a.stop();
    b.stop();
  });
  rt.run();
  EXPECT_EQ(set_a, "+OK\r\n");
  EXPECT_EQ(get_a, "$1\r\nv\r\n");
  EXPECT_EQ(get_b, "$-1\r\n");
  EXPECT_EQ(ping_b, "+PONG\r\n");
  EXPECT_EQ(a.db(0).size(), 1u);
  EXPECT_EQ(b.db(0).size(), 0u);
}

}  // namespace
