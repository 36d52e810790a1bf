// Unit tests of the keyspace reference model (models/kv_model.h).
//
// The KvModelScript tests replay fixed command scripts; every expected reply
// in them was produced by redis-server 7.0.15 for the same script (run on a
// fresh server, from an empty keyspace, database 0). The model runs them at a
// fixed time, which is safe because no script depends on the clock beyond
// "a TTL of 100 s has not elapsed yet".
//
// The KvModelTime tests drive the model's clock by hand to check expiry
// boundaries, TTL rounding and TTL bookkeeping across commands.
#include "models/kv_model.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace peregrine::models {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

constexpr int64_t kT0 = 1'700'000'000'000;  // an arbitrary fixed "now" (Unix ms)

struct Step {
  Argv argv;
  std::string expected;
};

class KvModelScript : public ::testing::Test {
 protected:
  void check(const std::vector<Step>& steps) {
    for (size_t i = 0; i < steps.size(); i++) {
      std::string got = model_.apply(steps[i].argv, kT0, &db_);
      std::string shown;
      for (const std::string& a : steps[i].argv) shown += "[" + a + "]";
      EXPECT_EQ(got, steps[i].expected) << "step " << i << ": " << shown;
    }
  }

  KvModel model_;
  int db_ = 0;
};

TEST_F(KvModelScript, Connection) {
  check({
      {{"ping"s}, "+PONG\r\n"s},
      {{"PING"s, "hello"s}, "$5\r\nhello\r\n"s},
      {{"ping"s, "a"s, "b"s}, "-ERR wrong number of arguments for 'ping' command\r\n"s},
      {{"echo"s, "x y"s}, "$3\r\nx y\r\n"s},
      {{"ECHO"s}, "-ERR wrong number of arguments for 'echo' command\r\n"s},
      {{"echo"s, ""s}, "$0\r\n\r\n"s},
      {{"select"s, "1"s}, "+OK\r\n"s},
      {{"select"s, "15"s}, "+OK\r\n"s},
      {{"select"s, "16"s}, "-ERR DB index is out of range\r\n"s},
      {{"select"s, "-1"s}, "-ERR DB index is out of range\r\n"s},
      {{"select"s, "abc"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"select"s, "01"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"select"s, "2147483648"s},
       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"s},
      {{"select"s, "-2147483649"s},
       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"s},
      {{"select"s, "0"s}, "+OK\r\n"s},
      {{"nosuchcmd"s, "a"s, "b\r\nc"s},
       "-ERR unknown command 'nosuchcmd', with args beginning with: 'a' 'b  c' \r\n"s},
      {{"NoSuch"s}, "-ERR unknown command 'NoSuch', with args beginning with: \r\n"s},
  });
}

TEST_F(KvModelScript, SetAndGet) {
  check({
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$1\r\nv\r\n"s},
      {{"get"s, "missing"s}, "$-1\r\n"s},
      {{"GET"s}, "-ERR wrong number of arguments for 'get' command\r\n"s},
      {{"get"s, "a"s, "b"s}, "-ERR wrong number of arguments for 'get' command\r\n"s},
      {{"set"s, "k"s, "v2"s, "NX"s}, "$-1\r\n"s},
      {{"set"s, "k"s, "v2"s, "xx"s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$2\r\nv2\r\n"s},
      {{"set"s, "n"s, "x"s, "XX"s}, "$-1\r\n"s},
      {{"get"s, "n"s}, "$-1\r\n"s},
      {{"set"s, "n"s, "x"s, "nx"s}, "+OK\r\n"s},
      {{"set"s, "k"s, "v3"s, "GET"s}, "$2\r\nv2\r\n"s},
      {{"set"s, "fresh"s, "x"s, "get"s}, "$-1\r\n"s},
      {{"set"s, "k"s, "v4"s, "NX"s, "GET"s}, "$2\r\nv3\r\n"s},
      {{"set"s, "absent"s, "x"s, "XX"s, "GET"s}, "$-1\r\n"s},
      {{"get"s, "absent"s}, "$-1\r\n"s},
      {{"set"s, "k"s, "v"s, "NX"s, "XX"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "XX"s, "NX"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "foo"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "PERSIST"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "KEEPTTL"s, "EX"s, "10"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "10"s, "KEEPTTL"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "10"s, "PX"s, "10000"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "10"s, "EX"s, "20"s}, "+OK\r\n"s},
      {{"set"s, "k"s, "v"s, "NX"s, "NX"s}, "$-1\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "0"s}, "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "PX"s, "-5"s}, "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "EXAT"s, "0"s}, "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "abc"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "1.5"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "k"s, "v"s, "PX"s, "9223372036854775807"s},
       "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "9223372036854775"s},
       "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "9223372036854776"s},
       "-ERR invalid expire time in 'set' command\r\n"s},
      {{"set"s, "k"s, "v"s, "foo"s, "EX"s, "0"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, "v"s, "EX"s, "0"s, "foo"s}, "-ERR syntax error\r\n"s},
      {{"set"s, "k"s, ""s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$0\r\n\r\n"s},
      {{"set"s, "k"s, "a\000b\r\n"s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$5\r\na\000b\r\n\r\n"s},
      {{"set"s, "k"s}, "-ERR wrong number of arguments for 'set' command\r\n"s},
      {{"SET"s, "K"s, "upper"s}, "+OK\r\n"s},
      {{"get"s, "K"s}, "$5\r\nupper\r\n"s},
      {{"get"s, "k"s}, "$5\r\na\000b\r\n\r\n"s},
  });
}

TEST_F(KvModelScript, SetVariants) {
  check({
      {{"setnx"s, "k"s, "a"s}, ":1\r\n"s},
      {{"setnx"s, "k"s, "b"s}, ":0\r\n"s},
      {{"get"s, "k"s}, "$1\r\na\r\n"s},
      {{"setnx"s, "k"s}, "-ERR wrong number of arguments for 'setnx' command\r\n"s},
      {{"setex"s, "k"s, "100"s, "b"s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$1\r\nb\r\n"s},
      {{"setex"s, "k"s, "0"s, "c"s}, "-ERR invalid expire time in 'setex' command\r\n"s},
      {{"setex"s, "k"s, "-1"s, "c"s}, "-ERR invalid expire time in 'setex' command\r\n"s},
      {{"setex"s, "k"s, "x"s, "c"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"setex"s, "k"s, "9223372036854775"s, "c"s},
       "-ERR invalid expire time in 'setex' command\r\n"s},
      {{"setex"s, "k"s, "10"s}, "-ERR wrong number of arguments for 'setex' command\r\n"s},
      {{"psetex"s, "k"s, "100000"s, "c"s}, "+OK\r\n"s},
      {{"get"s, "k"s}, "$1\r\nc\r\n"s},
      {{"psetex"s, "k"s, "0"s, "c"s}, "-ERR invalid expire time in 'psetex' command\r\n"s},
      {{"psetex"s, "k"s, "9223372036854775807"s, "c"s},
       "-ERR invalid expire time in 'psetex' command\r\n"s},
      {{"getset"s, "k"s, "d"s}, "$1\r\nc\r\n"s},
      {{"getset"s, "new"s, "e"s}, "$-1\r\n"s},
      {{"get"s, "new"s}, "$1\r\ne\r\n"s},
      {{"getset"s, "k"s}, "-ERR wrong number of arguments for 'getset' command\r\n"s},
      {{"getdel"s, "k"s}, "$1\r\nd\r\n"s},
      {{"getdel"s, "k"s}, "$-1\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"getdel"s}, "-ERR wrong number of arguments for 'getdel' command\r\n"s},
  });
}

TEST_F(KvModelScript, GetEx) {
  check({
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"getex"s, "k"s}, "$1\r\nv\r\n"s},
      {{"getex"s, "missing"s}, "$-1\r\n"s},
      {{"getex"s, "missing"s, "EX"s, "0"s}, "$-1\r\n"s},
      {{"getex"s, "missing"s, "foo"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "NX"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "KEEPTTL"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "GET"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "EX"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "EX"s, "0"s}, "-ERR invalid expire time in 'getex' command\r\n"s},
      {{"getex"s, "k"s, "PX"s, "abc"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"getex"s, "k"s, "EX"s, "100"s, "PERSIST"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "PERSIST"s, "EX"s, "100"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "PERSIST"s, "PERSIST"s}, "$1\r\nv\r\n"s},
      {{"getex"s, "k"s, "EX"s, "100"s, "PX"s, "100"s}, "-ERR syntax error\r\n"s},
      {{"getex"s, "k"s, "EX"s, "100"s}, "$1\r\nv\r\n"s},
      {{"ttl"s, "k"s}, ":100\r\n"s},
      {{"getex"s, "k"s, "PERSIST"s}, "$1\r\nv\r\n"s},
      {{"ttl"s, "k"s}, ":-1\r\n"s},
      {{"getex"s, "k"s, "EXAT"s, "1"s}, "$1\r\nv\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"getex"s}, "-ERR wrong number of arguments for 'getex' command\r\n"s},
  });
}

TEST_F(KvModelScript, MultiKey) {
  check({
      {{"mset"s, "a"s, "1"s, "b"s, "2"s}, "+OK\r\n"s},
      {{"mget"s, "a"s, "b"s, "c"s, "a"s}, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n$1\r\n1\r\n"s},
      {{"mset"s, "a"s}, "-ERR wrong number of arguments for 'mset' command\r\n"s},
      {{"mset"s, "a"s, "1"s, "b"s}, "-ERR wrong number of arguments for 'mset' command\r\n"s},
      {{"mset"s, "a"s, "x"s, "a"s, "y"s}, "+OK\r\n"s},
      {{"get"s, "a"s}, "$1\r\ny\r\n"s},
      {{"msetnx"s, "a"s, "1"s, "c"s, "3"s}, ":0\r\n"s},
      {{"exists"s, "c"s}, ":0\r\n"s},
      {{"msetnx"s, "c"s, "3"s, "d"s, "4"s}, ":1\r\n"s},
      {{"mget"s, "c"s, "d"s}, "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"s},
      {{"msetnx"s, "e"s}, "-ERR wrong number of arguments for 'msetnx' command\r\n"s},
      {{"msetnx"s, "e"s, "1"s, "f"s}, "-ERR wrong number of arguments for 'msetnx' command\r\n"s},
      {{"mget"s}, "-ERR wrong number of arguments for 'mget' command\r\n"s},
  });
}

TEST_F(KvModelScript, AppendAndRanges) {
  check({
      {{"append"s, "k"s, "Hello"s}, ":5\r\n"s},
      {{"append"s, "k"s, " World"s}, ":11\r\n"s},
      {{"get"s, "k"s}, "$11\r\nHello World\r\n"s},
      {{"strlen"s, "k"s}, ":11\r\n"s},
      {{"strlen"s, "no"s}, ":0\r\n"s},
      {{"append"s, "k"s, ""s}, ":11\r\n"s},
      {{"append"s, "e"s, ""s}, ":0\r\n"s},
      {{"exists"s, "e"s}, ":1\r\n"s},
      {{"getrange"s, "k"s, "0"s, "4"s}, "$5\r\nHello\r\n"s},
      {{"getrange"s, "k"s, "-5"s, "-1"s}, "$5\r\nWorld\r\n"s},
      {{"getrange"s, "k"s, "-1"s, "-5"s}, "$0\r\n\r\n"s},
      {{"getrange"s, "k"s, "5"s, "2"s}, "$0\r\n\r\n"s},
      {{"getrange"s, "k"s, "0"s, "-1"s}, "$11\r\nHello World\r\n"s},
      {{"getrange"s, "k"s, "-100"s, "100"s}, "$11\r\nHello World\r\n"s},
      {{"getrange"s, "k"s, "20"s, "30"s}, "$0\r\n\r\n"s},
      {{"getrange"s, "k"s, "-9223372036854775808"s, "9223372036854775807"s},
       "$11\r\nHello World\r\n"s},
      {{"getrange"s, "k"s, "0"s, "x"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"getrange"s, "no"s, "0"s, "-1"s}, "$0\r\n\r\n"s},
      {{"getrange"s, "no"s, "x"s, "1"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"getrange"s, "e"s, "0"s, "-1"s}, "$0\r\n\r\n"s},
      {{"substr"s, "k"s, "6"s, "10"s}, "$5\r\nWorld\r\n"s},
      {{"substr"s, "k"s, "1"s}, "-ERR wrong number of arguments for 'substr' command\r\n"s},
      {{"setrange"s, "k"s, "6"s, "Redis"s}, ":11\r\n"s},
      {{"get"s, "k"s}, "$11\r\nHello Redis\r\n"s},
      {{"setrange"s, "k"s, "-1"s, "x"s}, "-ERR offset is out of range\r\n"s},
      {{"setrange"s, "k"s, "x"s, "x"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"setrange"s, "k"s, "100"s, ""s}, ":11\r\n"s},
      {{"setrange"s, "none"s, "5"s, ""s}, ":0\r\n"s},
      {{"exists"s, "none"s}, ":0\r\n"s},
      {{"setrange"s, "pad"s, "3"s, "ab"s}, ":5\r\n"s},
      {{"get"s, "pad"s}, "$5\r\n\000\000\000ab\r\n"s},
      {{"setrange"s, "pad"s, "0"s, "XYZW"s}, ":5\r\n"s},
      {{"get"s, "pad"s}, "$5\r\nXYZWb\r\n"s},
      {{"setrange"s, "k"s, "536870912"s, "x"s},
       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"s},
      {{"setrange"s, "k"s, "536870911"s, "xy"s},
       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"s},
      {{"setrange"s, "k"s, "9223372036854775807"s, "x"s},
       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"s},
      {{"setrange"s, "none"s, "536870912"s, "x"s},
       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"s},
      {{"setrange"s, "none"s, "-1"s, ""s}, "-ERR offset is out of range\r\n"s},
      {{"setrange"s, "k"s, "0"s}, "-ERR wrong number of arguments for 'setrange' command\r\n"s},
      {{"set"s, "n"s, "12345"s}, "+OK\r\n"s},
      {{"getrange"s, "n"s, "1"s, "2"s}, "$2\r\n23\r\n"s},
      {{"append"s, "n"s, "6"s}, ":6\r\n"s},
      {{"incr"s, "n"s}, ":123457\r\n"s},
      {{"setrange"s, "n"s, "0"s, "9"s}, ":6\r\n"s},
      {{"get"s, "n"s}, "$6\r\n923457\r\n"s},
  });
}

TEST_F(KvModelScript, IncrDecr) {
  check({
      {{"incr"s, "n"s}, ":1\r\n"s},
      {{"incr"s, "n"s}, ":2\r\n"s},
      {{"decr"s, "n"s}, ":1\r\n"s},
      {{"decr"s, "m"s}, ":-1\r\n"s},
      {{"incrby"s, "n"s, "10"s}, ":11\r\n"s},
      {{"decrby"s, "n"s, "-5"s}, ":16\r\n"s},
      {{"incrby"s, "n"s, "x"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, "1.5"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, "+1"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, "01"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, "-0"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, " 1"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incrby"s, "n"s, "9223372036854775808"s},
       "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "n"s, "9223372036854775806"s}, "+OK\r\n"s},
      {{"incr"s, "n"s}, ":9223372036854775807\r\n"s},
      {{"incr"s, "n"s}, "-ERR increment or decrement would overflow\r\n"s},
      {{"get"s, "n"s}, "$19\r\n9223372036854775807\r\n"s},
      {{"set"s, "n"s, "-9223372036854775807"s}, "+OK\r\n"s},
      {{"decr"s, "n"s}, ":-9223372036854775808\r\n"s},
      {{"decr"s, "n"s}, "-ERR increment or decrement would overflow\r\n"s},
      {{"incrby"s, "n"s, "-1"s}, "-ERR increment or decrement would overflow\r\n"s},
      {{"incrby"s, "n"s, "9223372036854775807"s}, ":-1\r\n"s},
      {{"decrby"s, "n"s, "-9223372036854775808"s}, "-ERR decrement would overflow\r\n"s},
      {{"set"s, "n"s, "5"s}, "+OK\r\n"s},
      {{"decrby"s, "n"s, "-9223372036854775808"s}, "-ERR decrement would overflow\r\n"s},
      {{"decrby"s, "n"s, "9223372036854775807"s}, ":-9223372036854775802\r\n"s},
      {{"decrby"s, "n"s, "9223372036854775807"s},
       "-ERR increment or decrement would overflow\r\n"s},
      {{"set"s, "s"s, "abc"s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, ""s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "01"s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "-0"s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "1 "s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "+1"s}, "+OK\r\n"s},
      {{"decr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "10.0"s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"set"s, "s"s, "12345678901234567890"s}, "+OK\r\n"s},
      {{"incr"s, "s"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"incr"s}, "-ERR wrong number of arguments for 'incr' command\r\n"s},
      {{"incrby"s, "n"s}, "-ERR wrong number of arguments for 'incrby' command\r\n"s},
      {{"decrby"s, "n"s, "1"s, "2"s}, "-ERR wrong number of arguments for 'decrby' command\r\n"s},
  });
}

TEST_F(KvModelScript, IncrByFloat) {
  check({
      {{"incrbyfloat"s, "f"s, "10.5"s}, "$4\r\n10.5\r\n"s},
      {{"incrbyfloat"s, "f"s, "0.1"s}, "$4\r\n10.6\r\n"s},
      {{"incrbyfloat"s, "f"s, "-5"s}, "$3\r\n5.6\r\n"s},
      {{"set"s, "f"s, "5.0e3"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "2.0e2"s}, "$4\r\n5200\r\n"s},
      {{"set"s, "f"s, "3.0"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "0"s}, "$1\r\n3\r\n"s},
      {{"incrbyfloat"s, "f"s, "1.23456789012345678"s}, "$19\r\n4.23456789012345678\r\n"s},
      {{"set"s, "f"s, "0"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "-1e-20"s}, "$1\r\n0\r\n"s},
      {{"incrbyfloat"s, "f"s, "0x1p-3"s}, "$5\r\n0.125\r\n"s},
      {{"incrbyfloat"s, "f"s, ".5"s}, "$5\r\n0.625\r\n"s},
      {{"incrbyfloat"s, "f"s, "5."s}, "$5\r\n5.625\r\n"s},
      {{"incrbyfloat"s, "f"s, "+2"s}, "$5\r\n7.625\r\n"s},
      {{"incrbyfloat"s, "f"s, "-0.0"s}, "$5\r\n7.625\r\n"s},
      {{"incrbyfloat"s, "f"s, "inf"s}, "-ERR increment would produce NaN or Infinity\r\n"s},
      {{"incrbyfloat"s, "f"s, "-inf"s}, "-ERR increment would produce NaN or Infinity\r\n"s},
      {{"incrbyfloat"s, "f"s, "nan"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "abc"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, ""s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, " 1"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "1 "s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "1\000"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "1e"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "1e-5000"s}, "-ERR value is not a valid float\r\n"s},
      {{"incrbyfloat"s, "f"s, "1e20"s}, "$21\r\n100000000000000000008\r\n"s},
      {{"incrbyfloat"s, "f"s, "1.7976931348623157e308"s},
       "$309\r\n179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384\r\n"s},
      {{"get"s, "f"s},
       "$309\r\n179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384\r\n"s},
      {{"set"s, "f"s, "x"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "1"s}, "-ERR value is not a valid float\r\n"s},
      {{"set"s, "f"s, "9223372036854775807"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "1"s}, "$19\r\n9223372036854775808\r\n"s},
      {{"set"s, "f"s, "1"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "2"s}, "$1\r\n3\r\n"s},
      {{"incr"s, "f"s}, ":4\r\n"s},
      {{"set"s, "f"s, "inf"s}, "+OK\r\n"s},
      {{"incrbyfloat"s, "f"s, "1"s}, "-ERR increment would produce NaN or Infinity\r\n"s},
      {{"incrbyfloat"s, "f"s}, "-ERR wrong number of arguments for 'incrbyfloat' command\r\n"s},
  });
}

TEST_F(KvModelScript, GenericKeys) {
  check({
      {{"mset"s, "a"s, "1"s, "b"s, "2"s, "c"s, "3"s}, "+OK\r\n"s},
      {{"exists"s, "a"s, "a"s, "x"s, "b"s}, ":3\r\n"s},
      {{"touch"s, "a"s, "a"s, "x"s}, ":2\r\n"s},
      {{"del"s, "a"s, "a"s, "x"s}, ":1\r\n"s},
      {{"unlink"s, "b"s, "c"s, "b"s}, ":2\r\n"s},
      {{"exists"s, "a"s, "b"s, "c"s}, ":0\r\n"s},
      {{"del"s}, "-ERR wrong number of arguments for 'del' command\r\n"s},
      {{"type"s, "a"s}, "+none\r\n"s},
      {{"set"s, "a"s, "1"s}, "+OK\r\n"s},
      {{"type"s, "a"s}, "+string\r\n"s},
      {{"type"s}, "-ERR wrong number of arguments for 'type' command\r\n"s},
      {{"rename"s, "a"s, "b"s}, "+OK\r\n"s},
      {{"get"s, "b"s}, "$1\r\n1\r\n"s},
      {{"exists"s, "a"s}, ":0\r\n"s},
      {{"rename"s, "a"s, "b"s}, "-ERR no such key\r\n"s},
      {{"rename"s, "b"s, "b"s}, "+OK\r\n"s},
      {{"rename"s, "zz"s, "zz"s}, "-ERR no such key\r\n"s},
      {{"set"s, "c"s, "3"s}, "+OK\r\n"s},
      {{"rename"s, "c"s, "b"s}, "+OK\r\n"s},
      {{"get"s, "b"s}, "$1\r\n3\r\n"s},
      {{"set"s, "c"s, "4"s}, "+OK\r\n"s},
      {{"renamenx"s, "c"s, "b"s}, ":0\r\n"s},
      {{"renamenx"s, "c"s, "d"s}, ":1\r\n"s},
      {{"renamenx"s, "d"s, "d"s}, ":0\r\n"s},
      {{"renamenx"s, "c"s, "e"s}, "-ERR no such key\r\n"s},
      {{"get"s, "d"s}, "$1\r\n4\r\n"s},
      {{"copy"s, "b"s, "x"s}, ":1\r\n"s},
      {{"get"s, "x"s}, "$1\r\n3\r\n"s},
      {{"copy"s, "b"s, "x"s}, ":0\r\n"s},
      {{"copy"s, "d"s, "x"s, "REPLACE"s}, ":1\r\n"s},
      {{"get"s, "x"s}, "$1\r\n4\r\n"s},
      {{"copy"s, "b"s, "b"s}, "-ERR source and destination objects are the same\r\n"s},
      {{"copy"s, "b"s, "b"s, "DB"s, "0"s}, "-ERR source and destination objects are the same\r\n"s},
      {{"copy"s, "b"s, "b"s, "DB"s, "1"s}, ":1\r\n"s},
      {{"copy"s, "nokey"s, "y"s}, ":0\r\n"s},
      {{"copy"s, "b"s, "y"s, "DB"s}, "-ERR syntax error\r\n"s},
      {{"copy"s, "b"s, "y"s, "foo"s}, "-ERR syntax error\r\n"s},
      {{"copy"s, "b"s, "y"s, "DB"s, "x"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"copy"s, "b"s, "y"s, "DB"s, "16"s}, "-ERR DB index is out of range\r\n"s},
      {{"copy"s, "b"s, "y"s, "DB"s, "2147483648"s},
       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"s},
      {{"copy"s, "b"s, "y"s, "replace"s, "replace"s}, ":1\r\n"s},
      {{"copy"s, "b"s}, "-ERR wrong number of arguments for 'copy' command\r\n"s},
      {{"copy"s, "nokey"s, "nokey"s}, "-ERR source and destination objects are the same\r\n"s},
      {{"move"s, "b"s, "1"s}, ":0\r\n"s},
      {{"exists"s, "b"s}, ":1\r\n"s},
      {{"move"s, "b"s, "1"s}, ":0\r\n"s},
      {{"move"s, "d"s, "0"s}, "-ERR source and destination objects are the same\r\n"s},
      {{"move"s, "d"s, "16"s}, "-ERR DB index is out of range\r\n"s},
      {{"move"s, "d"s, "x"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"move"s, "nokey"s, "0"s}, "-ERR source and destination objects are the same\r\n"s},
      {{"set"s, "b"s, "again"s}, "+OK\r\n"s},
      {{"move"s, "b"s, "1"s}, ":0\r\n"s},
      {{"select"s, "1"s}, "+OK\r\n"s},
      {{"get"s, "b"s}, "$1\r\n3\r\n"s},
      {{"mget"s, "b"s, "y"s}, "*2\r\n$1\r\n3\r\n$-1\r\n"s},
      {{"select"s, "0"s}, "+OK\r\n"s},
  });
}

TEST_F(KvModelScript, ExpireCommands) {
  check({
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"expire"s, "missing"s, "100"s}, ":0\r\n"s},
      {{"ttl"s, "missing"s}, ":-2\r\n"s},
      {{"pttl"s, "missing"s}, ":-2\r\n"s},
      {{"expiretime"s, "missing"s}, ":-2\r\n"s},
      {{"pexpiretime"s, "missing"s}, ":-2\r\n"s},
      {{"ttl"s, "k"s}, ":-1\r\n"s},
      {{"pttl"s, "k"s}, ":-1\r\n"s},
      {{"expiretime"s, "k"s}, ":-1\r\n"s},
      {{"persist"s, "k"s}, ":0\r\n"s},
      {{"persist"s, "missing"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "100"s, "foo"s}, "-ERR Unsupported option foo\r\n"s},
      {{"expire"s, "k"s, "100"s, "foo\n"s}, "-ERR Unsupported option foo\r\n"s},
      {{"expire"s, "k"s, "100"s, "\r\nfoo\r\nbar\n"s},
       "-ERR Unsupported option   foo  bar\r\n"s},
      {{"expire"s, "k"s, "100"s, "foo\0bar"s}, "-ERR Unsupported option foo\r\n"s},
      {{"expire"s, "k"s, "100"s, "nx"s, "xx"s},
       "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"s},
      {{"expire"s, "k"s, "100"s, "nx"s, "gt"s},
       "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"s},
      {{"expire"s, "k"s, "100"s, "lt"s, "nx"s},
       "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"s},
      {{"expire"s, "k"s, "100"s, "gt"s, "lt"s},
       "-ERR GT and LT options at the same time are not compatible\r\n"s},
      {{"expire"s, "k"s, "100"s, "xx"s, "gt"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "abc"s, "foo"s}, "-ERR Unsupported option foo\r\n"s},
      {{"expire"s, "k"s, "abc"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"expire"s, "k"s, "1.5"s}, "-ERR value is not an integer or out of range\r\n"s},
      {{"expire"s, "k"s, "9223372036854775807"s},
       "-ERR invalid expire time in 'expire' command\r\n"s},
      {{"expire"s, "k"s, "9223372036854776"s}, "-ERR invalid expire time in 'expire' command\r\n"s},
      {{"expire"s, "k"s, "-9223372036854776"s},
       "-ERR invalid expire time in 'expire' command\r\n"s},
      {{"pexpire"s, "k"s, "9223372036854775807"s},
       "-ERR invalid expire time in 'pexpire' command\r\n"s},
      {{"expireat"s, "k"s, "9223372036854776"s},
       "-ERR invalid expire time in 'expireat' command\r\n"s},
      {{"pexpireat"s, "k"s, "9223372036854775807"s}, ":1\r\n"s},
      {{"pexpiretime"s, "k"s}, ":9223372036854775807\r\n"s},
      {{"expiretime"s, "k"s}, ":9223372036854776\r\n"s},
      {{"persist"s, "k"s}, ":1\r\n"s},
      {{"persist"s, "k"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "100"s, "XX"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "100"s, "GT"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "100"s, "NX"s}, ":1\r\n"s},
      {{"expire"s, "k"s, "100"s, "nx"s}, ":0\r\n"s},
      {{"expire"s, "k"s, "100"s, "xx"s, "xx"s}, ":1\r\n"s},
      {{"ttl"s, "k"s}, ":100\r\n"s},
      {{"expire"s, "k"s, "0"s}, ":1\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"expire"s, "k"s, "-9223372036854775"s}, ":1\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"pexpireat"s, "k"s, "1"s}, ":1\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"expire"s, "k"s, "-1"s, "LT"s}, ":1\r\n"s},
      {{"exists"s, "k"s}, ":0\r\n"s},
      {{"set"s, "k"s, "v"s}, "+OK\r\n"s},
      {{"expire"s, "k"s, "-1"s, "GT"s}, ":0\r\n"s},
      {{"exists"s, "k"s}, ":1\r\n"s},
      {{"expire"s, "k"s}, "-ERR wrong number of arguments for 'expire' command\r\n"s},
      {{"ttl"s}, "-ERR wrong number of arguments for 'ttl' command\r\n"s},
      {{"persist"s}, "-ERR wrong number of arguments for 'persist' command\r\n"s},
      {{"expire"s, "k"s, "1"s, "GT"s, "GT"s}, ":0\r\n"s},
  });
}

TEST_F(KvModelScript, KeyspaceCommands) {
  check({
      {{"mset"s, "a"s, "1"s, "b"s, "2"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":2\r\n"s},
      {{"dbsize"s, "x"s}, "-ERR wrong number of arguments for 'dbsize' command\r\n"s},
      {{"select"s, "1"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":0\r\n"s},
      {{"set"s, "c"s, "3"s}, "+OK\r\n"s},
      {{"swapdb"s, "0"s, "1"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":2\r\n"s},
      {{"get"s, "a"s}, "$1\r\n1\r\n"s},
      {{"select"s, "0"s}, "+OK\r\n"s},
      {{"get"s, "c"s}, "$1\r\n3\r\n"s},
      {{"swapdb"s, "0"s, "0"s}, "+OK\r\n"s},
      {{"swapdb"s, "x"s, "0"s}, "-ERR invalid first DB index\r\n"s},
      {{"swapdb"s, "0"s, "x"s}, "-ERR invalid second DB index\r\n"s},
      {{"swapdb"s, "0"s, "16"s}, "-ERR DB index is out of range\r\n"s},
      {{"swapdb"s, "-1"s, "0"s}, "-ERR DB index is out of range\r\n"s},
      {{"swapdb"s, "2147483648"s, "0"s}, "-ERR invalid first DB index\r\n"s},
      {{"swapdb"s, "0"s}, "-ERR wrong number of arguments for 'swapdb' command\r\n"s},
      {{"swapdb"s, "1"s, "0"s}, "+OK\r\n"s},
      {{"get"s, "a"s}, "$1\r\n1\r\n"s},
      {{"flushdb"s, "foo"s}, "-ERR syntax error\r\n"s},
      {{"flushdb"s, "async"s, "x"s}, "-ERR syntax error\r\n"s},
      {{"flushdb"s, "SYNC"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":0\r\n"s},
      {{"select"s, "1"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":1\r\n"s},
      {{"flushdb"s}, "+OK\r\n"s},
      {{"select"s, "2"s}, "+OK\r\n"s},
      {{"set"s, "z"s, "1"s}, "+OK\r\n"s},
      {{"flushall"s, "bar"s}, "-ERR syntax error\r\n"s},
      {{"flushall"s, "ASYNC"s}, "+OK\r\n"s},
      {{"dbsize"s}, ":0\r\n"s},
      {{"flushall"s}, "+OK\r\n"s},
      {{"flushdb"s, "async"s}, "+OK\r\n"s},
  });
}

// ------------------------------------------------------------ hand-driven time

class KvModelTime : public ::testing::Test {
 protected:
  std::string at(int64_t now, const Argv& argv) { return model_.apply(argv, now, &db_); }

  KvModel model_;
  int db_ = 0;
};

TEST_F(KvModelTime, KeyExpiresExactlyAtItsDeadline) {
  EXPECT_EQ(at(kT0, {"set", "k", "v", "PX", "1000"}), "+OK\r\n");
  EXPECT_EQ(at(kT0 + 999, {"get", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(at(kT0 + 999, {"pttl", "k"}), ":1\r\n");
  EXPECT_EQ(model_.live_keys(0, kT0 + 999), 1u);
  EXPECT_EQ(model_.live_keys(0, kT0 + 1000), 0u);
  EXPECT_EQ(at(kT0 + 1000, {"get", "k"}), "$-1\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"ttl", "k"}), ":-2\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"exists", "k"}), ":0\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"dbsize"}), ":0\r\n");
}

TEST_F(KvModelTime, ExpiredKeyIsAbsentForEveryCommand) {
  at(kT0, {"set", "k", "5", "PX", "10"});
  at(kT0, {"set", "other", "x"});
  const int64_t t = kT0 + 10;
  EXPECT_EQ(at(t, {"incr", "k"}), ":1\r\n");  // starts from a fresh key
  EXPECT_EQ(at(t, {"ttl", "k"}), ":-1\r\n");
  at(t, {"pexpire", "k", "10"});
  EXPECT_EQ(at(t + 10, {"append", "k", "ab"}), ":2\r\n");
  at(t + 10, {"pexpire", "k", "10"});
  EXPECT_EQ(at(t + 20, {"rename", "k", "z"}), "-ERR no such key\r\n");
  at(t + 20, {"psetex", "k", "10", "v"});
  EXPECT_EQ(at(t + 30, {"setnx", "k", "w"}), ":1\r\n");
  at(t + 30, {"psetex", "k", "10", "v"});
  EXPECT_EQ(at(t + 40, {"set", "k", "w", "XX"}), "$-1\r\n");
  EXPECT_EQ(at(t + 40, {"msetnx", "k", "1"}), ":1\r\n");
  at(t + 40, {"pexpire", "k", "10"});
  EXPECT_EQ(at(t + 50, {"copy", "other", "k"}), ":1\r\n");  // destination counts as absent
  at(t + 50, {"pexpire", "k", "10"});
  EXPECT_EQ(at(t + 60, {"move", "k", "1"}), ":0\r\n");
  EXPECT_EQ(at(t + 60, {"del", "k", "other"}), ":1\r\n");
}

TEST_F(KvModelTime, TtlRoundsToNearestSecond) {
  at(kT0, {"set", "k", "v", "EX", "100"});
  EXPECT_EQ(at(kT0, {"ttl", "k"}), ":100\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "k"}), ":100000\r\n");
  EXPECT_EQ(at(kT0 + 499, {"ttl", "k"}), ":100\r\n");  // 99.501 s left
  EXPECT_EQ(at(kT0 + 500, {"ttl", "k"}), ":100\r\n");  // 99.500 s left
  EXPECT_EQ(at(kT0 + 501, {"ttl", "k"}), ":99\r\n");   // 99.499 s left
  EXPECT_EQ(at(kT0 + 501, {"pttl", "k"}), ":99499\r\n");
  EXPECT_EQ(at(kT0 + 99'600, {"ttl", "k"}), ":0\r\n");  // 0.4 s left
  EXPECT_EQ(at(kT0 + 501, {"expiretime", "k"}), ":1700000100\r\n");
  EXPECT_EQ(at(kT0 + 501, {"pexpiretime", "k"}), ":1700000100000\r\n");
}

TEST_F(KvModelTime, ExpireTimeRoundsAbsoluteTime) {
  at(kT0, {"set", "k", "v"});
  at(kT0, {"pexpireat", "k", "1700000123499"});
  EXPECT_EQ(at(kT0, {"expiretime", "k"}), ":1700000123\r\n");
  at(kT0, {"pexpireat", "k", "1700000123500"});
  EXPECT_EQ(at(kT0, {"expiretime", "k"}), ":1700000124\r\n");
  // Confirmed against redis-server: no wrap-around next to the int64 limit.
  at(kT0, {"pexpireat", "k", "9223372036854775807"});
  EXPECT_EQ(at(kT0, {"expiretime", "k"}), ":9223372036854776\r\n");
  EXPECT_EQ(at(kT0, {"pexpiretime", "k"}), ":9223372036854775807\r\n");
}

TEST_F(KvModelTime, AbsoluteAndRelativeExpiryOptions) {
  EXPECT_EQ(at(kT0, {"set", "a", "v", "EXAT", "1700000050"}), "+OK\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "a"}), ":50000\r\n");
  EXPECT_EQ(at(kT0, {"set", "b", "v", "PXAT", "1700000000001"}), "+OK\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "b"}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"set", "c", "v", "PXAT", "1700000000000"}), "+OK\r\n");  // already due
  EXPECT_EQ(at(kT0, {"exists", "c"}), ":0\r\n");
  EXPECT_EQ(at(kT0, {"setex", "d", "7", "v"}), "+OK\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "d"}), ":7000\r\n");
  EXPECT_EQ(at(kT0, {"psetex", "e", "7", "v"}), "+OK\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "e"}), ":7\r\n");
  EXPECT_EQ(at(kT0, {"expireat", "e", "1700000001"}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "e"}), ":1000\r\n");
  EXPECT_EQ(at(kT0, {"expireat", "e", "1700000000"}), ":1\r\n");  // due now: deleted
  EXPECT_EQ(at(kT0, {"exists", "e"}), ":0\r\n");
  EXPECT_EQ(at(kT0, {"getex", "d", "PX", "5"}), "$1\r\nv\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "d"}), ":5\r\n");
  EXPECT_EQ(at(kT0, {"getex", "d", "EXAT", "1700000000"}), "$1\r\nv\r\n");
  EXPECT_EQ(at(kT0, {"exists", "d"}), ":0\r\n");
  EXPECT_EQ(at(kT0, {"dbsize"}), ":2\r\n");
}

TEST_F(KvModelTime, WhichCommandsKeepTheTtl) {
  auto fresh = [&](const std::string& value) {
    at(kT0, {"set", "k", value, "EX", "100"});
  };
  auto pttl = [&]() { return at(kT0, {"pttl", "k"}); };
  const std::string kept = ":100000\r\n";
  const std::string none = ":-1\r\n";

  fresh("1");
  at(kT0, {"incr", "k"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"incrbyfloat", "k", "1.5"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"append", "k", "0"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"setrange", "k", "0", "9"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"set", "k", "x", "KEEPTTL"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"set", "k", "x", "KEEPTTL", "GET", "XX"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"getex", "k"});
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"set", "k", "x"});
  EXPECT_EQ(pttl(), none);

  fresh("1");
  at(kT0, {"getset", "k", "2"});
  EXPECT_EQ(pttl(), none);
  fresh("1");
  at(kT0, {"mset", "k", "2"});
  EXPECT_EQ(pttl(), none);
  fresh("1");
  at(kT0, {"set", "k", "2", "NX"});  // not applied
  EXPECT_EQ(pttl(), kept);
  at(kT0, {"getex", "k", "PERSIST"});
  EXPECT_EQ(pttl(), none);

  // RENAME, COPY and MOVE carry the TTL; RENAME replaces the destination's.
  fresh("1");
  at(kT0, {"set", "dst", "x", "PX", "5"});
  at(kT0, {"set", "plain", "y"});
  at(kT0, {"rename", "plain", "dst"});
  EXPECT_EQ(at(kT0, {"pttl", "dst"}), none);
  at(kT0, {"rename", "k", "dst"});
  EXPECT_EQ(at(kT0, {"pttl", "dst"}), kept);
  at(kT0, {"copy", "dst", "c2", "DB", "3"});
  at(kT0, {"move", "dst", "2"});
  at(kT0, {"select", "2"});
  EXPECT_EQ(at(kT0, {"pttl", "dst"}), kept);
  at(kT0, {"select", "3"});
  EXPECT_EQ(at(kT0, {"pttl", "c2"}), kept);
}

TEST_F(KvModelTime, ExpireConditions) {
  at(kT0, {"set", "k", "v"});
  EXPECT_EQ(at(kT0, {"expire", "k", "100", "XX"}), ":0\r\n");
  EXPECT_EQ(at(kT0, {"expire", "k", "100", "GT"}), ":0\r\n");  // no TTL counts as infinite
  EXPECT_EQ(at(kT0, {"expire", "k", "100", "LT"}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"expire", "k", "200", "NX"}), ":0\r\n");
  EXPECT_EQ(at(kT0, {"expire", "k", "100", "GT"}), ":0\r\n");  // equal is not greater
  EXPECT_EQ(at(kT0, {"expire", "k", "100", "LT"}), ":0\r\n");  // nor less
  EXPECT_EQ(at(kT0, {"expire", "k", "101", "GT"}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "k"}), ":101000\r\n");
  EXPECT_EQ(at(kT0, {"pexpire", "k", "100999", "LT", "XX"}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"pttl", "k"}), ":100999\r\n");
  EXPECT_EQ(at(kT0 + 998, {"expire", "k", "100", "GT"}), ":0\r\n");  // 1 ms earlier
  EXPECT_EQ(at(kT0 + 999, {"expire", "k", "100", "GT"}), ":0\r\n");  // same deadline
  EXPECT_EQ(at(kT0 + 1000, {"expire", "k", "100", "GT"}), ":1\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"pttl", "k"}), ":100000\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"persist", "k"}), ":1\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"expire", "k", "-5", "GT"}), ":0\r\n");
  EXPECT_EQ(at(kT0 + 1000, {"expire", "k", "-5", "LT"}), ":1\r\n");  // deletes
  EXPECT_EQ(at(kT0 + 1000, {"exists", "k"}), ":0\r\n");
}

TEST_F(KvModelTime, ExpiryOverflowChecksDependOnNow) {
  at(kT0, {"set", "k", "v"});
  // Largest PEXPIRE that still fits: now + ms <= INT64_MAX.
  const int64_t limit = INT64_MAX - kT0;
  EXPECT_EQ(at(kT0, {"pexpire", "k", std::to_string(limit + 1)}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(at(kT0, {"pexpire", "k", std::to_string(limit)}), ":1\r\n");
  EXPECT_EQ(at(kT0, {"pexpiretime", "k"}), ":9223372036854775807\r\n");
  // SET PX: the sum must stay positive (it wraps negative past the limit).
  EXPECT_EQ(at(kT0, {"set", "k", "v", "PX", std::to_string(limit)}), "+OK\r\n");
  EXPECT_EQ(at(kT0, {"set", "k", "v", "PX", std::to_string(limit + 1)}),
            "-ERR invalid expire time in 'set' command\r\n");
}

TEST_F(KvModelTime, SwapDbFollowsTheSelectedIndex) {
  at(kT0, {"set", "a", "0", "PX", "100"});
  at(kT0, {"select", "5"});
  EXPECT_EQ(db_, 5);
  at(kT0, {"set", "b", "5"});
  EXPECT_EQ(at(kT0, {"swapdb", "0", "5"}), "+OK\r\n");
  EXPECT_EQ(db_, 5);
  EXPECT_EQ(at(kT0, {"pttl", "a"}), ":100\r\n");
  EXPECT_EQ(model_.live_keys(0, kT0), 1u);
  EXPECT_EQ(model_.live_keys(5, kT0), 1u);
  EXPECT_EQ(model_.live_keys(5, kT0 + 100), 0u);
  EXPECT_EQ(model_.live_keys(99, kT0), 0u);
}

TEST(KvModelApi, Supports) {
  for (const char* name :
       {"ping", "echo", "select", "get", "set", "setnx", "setex", "psetex", "getset", "getdel",
        "getex", "mget", "mset", "msetnx", "append", "strlen", "incr", "decr", "incrby",
        "decrby", "incrbyfloat", "getrange", "setrange", "substr", "del", "unlink", "exists",
        "type", "rename", "renamenx", "copy", "move", "touch", "expire", "pexpire", "expireat",
        "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist", "dbsize",
        "flushdb", "flushall", "swapdb"}) {
    EXPECT_TRUE(KvModel::supports(name)) << name;
  }
  EXPECT_FALSE(KvModel::supports("hset"));
  EXPECT_FALSE(KvModel::supports("GET"));  // names are given in lower case
  EXPECT_FALSE(KvModel::supports(""));
}

TEST(KvModelApi, DatabaseCountAndEmptyCommand) {
  KvModel model(2);
  int db = 0;
  EXPECT_EQ(model.apply({"select", "1"}, kT0, &db), "+OK\r\n");
  EXPECT_EQ(db, 1);
  EXPECT_EQ(model.apply({"select", "2"}, kT0, &db), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(db, 1);
  EXPECT_EQ(model.apply({}, kT0, &db), "");
  EXPECT_EQ(model.databases(), 2);
}

}  // namespace
}  // namespace peregrine::models
