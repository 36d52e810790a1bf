// What OBJECT ENCODING reports for lists, through the commands: "listpack"
// while a list fits one node (list-max-listpack-size), "quicklist" past it,
// and "listpack" again once removals leave one node of at most half the
// limit, as Redis 7.2 and later; report-lists-as-quicklist names every list
// "quicklist", as Redis 7.0 (the differential runner's reference) does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::sim::EngineHarness;

std::string encoding(EngineHarness& h, const std::string& key) {
  const std::string r = h.run({"OBJECT", "ENCODING", key});
  const size_t start = r.find("\r\n") + 2;
  return r.substr(start, r.size() - start - 2);
}

TEST(ListEncoding, ListpackUntilTheNodeLimitAndBackAtHalf) {
  EngineHarness h(1);
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-listpack-size", "4"}), "+OK\r\n");
  h.run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(encoding(h, "l"), "listpack");
  h.run({"RPUSH", "l", "e"});
  EXPECT_EQ(encoding(h, "l"), "quicklist");
  h.run({"RPOP", "l", "2"});  // 3 left: more than half of 4
  EXPECT_EQ(encoding(h, "l"), "quicklist");
  h.run({"RPOP", "l"});  // 2 left: half
  EXPECT_EQ(encoding(h, "l"), "listpack");
  EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

TEST(ListEncoding, ReportedAsQuicklistLikeRedis70WhenAsked) {
  EngineHarness h(1);
  h.run({"RPUSH", "l", "a"});
  EXPECT_EQ(encoding(h, "l"), "listpack");
  EXPECT_EQ(h.run({"CONFIG", "SET", "report-lists-as-quicklist", "yes"}), "+OK\r\n");
  EXPECT_EQ(encoding(h, "l"), "quicklist");
  h.run({"SADD", "s", "a"});
  EXPECT_EQ(encoding(h, "s"), "listpack");  // only lists
}

}  // namespace
