// Which encoding OBJECT ENCODING reports for sets and lists after each kind
// of write, as Redis 7.2 and later (and Valkey) choose it.
//
// Sets: intset, listpack (small sets of short members), hashtable. The reference redis-server of the
// differential runner is 7.0, which has no listpack sets, so these rules
// are checked here, through the commands, against what Redis 7.2's t_set.c
// does (setTypeCreate with SADD's size hint, setTypeMaybeConvert,
// maybeConvertIntset, the intset-to-listpack step on a non-integer member,
// SPOP's rebuild of a mostly popped set, the *STORE results).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::sim::EngineHarness;

std::string encoding(EngineHarness& h, const std::string& key) {
  std::string r = h.run({"OBJECT", "ENCODING", key});
  // "$8\r\nlistpack\r\n" -> "listpack"
  const size_t start = r.find("\r\n") + 2;
  return r.substr(start, r.size() - start - 2);
}

std::vector<std::string> sadd(const std::string& key, int from, int to, const std::string& prefix) {
  std::vector<std::string> argv = {"SADD", key};
  for (int i = from; i < to; ++i) argv.push_back(prefix + std::to_string(i));
  return argv;
}

TEST(SetEncoding, CreatedFromTheFirstMemberAndTheSizeHint) {
  EngineHarness h(1);
  h.run({"SADD", "i", "1", "2"});
  EXPECT_EQ(encoding(h, "i"), "intset");
  h.run({"SADD", "s", "a", "b"});
  EXPECT_EQ(encoding(h, "s"), "listpack");
  h.run({"SADD", "mixed", "1", "a"});
  EXPECT_EQ(encoding(h, "mixed"), "listpack");
  h.run(sadd("many", 0, 129, "m"));  // more than set-max-listpack-entries
  EXPECT_EQ(encoding(h, "many"), "hashtable");
  h.run({"SADD", "long", std::string(65, 'x')});  // longer than -value
  EXPECT_EQ(encoding(h, "long"), "hashtable");
  // 513 copies of one integer: the hint passes set-max-intset-entries.
  std::vector<std::string> same = {"SADD", "same"};
  for (int i = 0; i < 513; ++i) same.push_back("7");
  EXPECT_EQ(h.run(same), ":1\r\n");
  EXPECT_EQ(encoding(h, "same"), "hashtable");
  // 120 integers with set-max-intset-entries 100: a listpack.
  EXPECT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "100"}), "+OK\r\n");
  h.run(sadd("ints", 0, 120, ""));
  EXPECT_EQ(encoding(h, "ints"), "listpack");
}

TEST(SetEncoding, GrowsTowardsTheHashTable) {
  EngineHarness h(1);
  h.run({"SADD", "i", "1", "2", "3"});
  h.run({"SADD", "i", "a"});  // intset + a short string: listpack
  EXPECT_EQ(encoding(h, "i"), "listpack");
  h.run(sadd("i", 0, 124, "x"));  // 128 members: still a listpack
  EXPECT_EQ(encoding(h, "i"), "listpack");
  h.run({"SADD", "i", "one-more"});
  EXPECT_EQ(encoding(h, "i"), "hashtable");

  h.run({"SADD", "j", "1"});
  h.run({"SADD", "j", std::string(65, 'y')});  // too long for a listpack
  EXPECT_EQ(encoding(h, "j"), "hashtable");

  // Past set-max-intset-entries an intset becomes a hash table directly.
  h.run(sadd("k", 0, 512, ""));
  EXPECT_EQ(encoding(h, "k"), "intset");
  h.run({"SADD", "k", "512"});
  EXPECT_EQ(encoding(h, "k"), "hashtable");
  EXPECT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "4"}), "+OK\r\n");
  h.run({"SADD", "small", "1", "2", "3", "4"});
  EXPECT_EQ(encoding(h, "small"), "intset");
  h.run({"SADD", "small", "5"});
  EXPECT_EQ(encoding(h, "small"), "hashtable");
}

TEST(SetEncoding, SaddHintConvertsEvenWhenNothingIsAdded) {
  EngineHarness h(1);
  h.run({"SADD", "s", "a"});
  std::vector<std::string> again = {"SADD", "s"};
  for (int i = 0; i < 129; ++i) again.push_back("a");
  EXPECT_EQ(h.run(again), ":0\r\n");
  EXPECT_EQ(encoding(h, "s"), "hashtable");
  EXPECT_EQ(h.run({"SCARD", "s"}), ":1\r\n");
}

TEST(SetEncoding, RemovingNeverConvertsBack) {
  EngineHarness h(1);
  h.run(sadd("s", 0, 200, "m"));
  h.run({"SREM", "s", "m0", "m1", "m2"});
  EXPECT_EQ(encoding(h, "s"), "hashtable");
  h.run({"SADD", "i", "1", "a"});
  h.run({"SREM", "i", "a"});
  EXPECT_EQ(encoding(h, "i"), "listpack");
}

TEST(SetEncoding, SpopRebuildsAMostlyPoppedTable) {
  EngineHarness h(1);
  h.run(sadd("s", 0, 200, "m"));
  // 160 of 200: 40 * 5 > 160, members are popped one by one.
  EXPECT_EQ(h.run({"SCARD", "s"}), ":200\r\n");
  h.run({"SPOP", "s", "160"});
  EXPECT_EQ(encoding(h, "s"), "hashtable");
  // 35 of 40: 5 * 5 <= 35, the 5 left are rebuilt, starting as a listpack.
  h.run({"SPOP", "s", "35"});
  EXPECT_EQ(h.run({"SCARD", "s"}), ":5\r\n");
  EXPECT_EQ(encoding(h, "s"), "listpack");
  // The same with members too long for a listpack: a hash table again.
  std::vector<std::string> big = {"SADD", "t"};
  for (int i = 0; i < 200; ++i) big.push_back(std::string(70, 'z') + std::to_string(i));
  h.run(big);
  h.run({"SPOP", "t", "190"});
  EXPECT_EQ(encoding(h, "t"), "hashtable");
}

TEST(SetEncoding, StoreResultsStartAsIntsets) {
  EngineHarness h(1);
  h.run(sadd("a", 0, 300, ""));
  h.run(sadd("b", 0, 300, ""));
  h.run({"SADD", "a", "x"});  // a: a table of integers and one string
  EXPECT_EQ(encoding(h, "a"), "hashtable");
  EXPECT_EQ(h.run({"SINTERSTORE", "d", "a", "b"}), ":300\r\n");
  EXPECT_EQ(encoding(h, "d"), "intset");
  h.run({"SADD", "c", "x", "y"});
  EXPECT_EQ(h.run({"SINTERSTORE", "e", "a", "c"}), ":1\r\n");
  EXPECT_EQ(encoding(h, "e"), "listpack");
  EXPECT_EQ(h.run({"SUNIONSTORE", "f", "c", "b"}), ":302\r\n");
  EXPECT_EQ(encoding(h, "f"), "hashtable");
  EXPECT_EQ(h.run({"SDIFFSTORE", "g", "a", "b"}), ":1\r\n");
  EXPECT_EQ(encoding(h, "g"), "listpack");
}

// SINTERSTORE starts from the smallest set's kind (an intset, or else a
// listpack that may become a table) and turns a result of integers into an
// intset when one holds it.
TEST(SetEncoding, SinterstoreFollowsTheSmallestSet) {
  EngineHarness h(1);
  h.run(sadd("t1", 0, 300, ""));
  h.run({"SADD", "t1", "x"});
  h.run(sadd("t2", 0, 300, ""));
  h.run({"SADD", "t2", "y"});
  EXPECT_EQ(encoding(h, "t2"), "hashtable");
  EXPECT_EQ(h.run({"SINTERSTORE", "d", "t1", "t2"}), ":300\r\n");
  EXPECT_EQ(encoding(h, "d"), "intset");  // a table of integers: an intset
  EXPECT_EQ(h.run({"CONFIG", "SET", "set-max-intset-entries", "100"}), "+OK\r\n");
  h.run(sadd("p1", 0, 120, ""));
  EXPECT_EQ(encoding(h, "p1"), "listpack");
  h.run(sadd("p2", 0, 121, ""));
  EXPECT_EQ(h.run({"SINTERSTORE", "e", "p1", "p2"}), ":120\r\n");
  EXPECT_EQ(encoding(h, "e"), "listpack");  // 120 integers: too many for an intset
  EXPECT_EQ(h.run({"SINTERSTORE", "f", "t1", "t2"}), ":300\r\n");
  EXPECT_EQ(encoding(h, "f"), "hashtable");
}

// set-max-listpack-entries 0 gives Redis 7.0's encodings, which the
// differential runner relies on.
TEST(SetEncoding, NoListpackSetsWithAZeroLimit) {
  EngineHarness h(1);
  EXPECT_EQ(h.run({"CONFIG", "SET", "set-max-listpack-entries", "0"}), "+OK\r\n");
  h.run({"SADD", "s", "a"});
  EXPECT_EQ(encoding(h, "s"), "hashtable");
  h.run({"SADD", "i", "1"});
  h.run({"SADD", "i", "a"});
  EXPECT_EQ(encoding(h, "i"), "hashtable");
}

// Lists: "listpack" while a list fits one node (list-max-listpack-size),
// "quicklist" past it, and "listpack" again once removals leave one node of
// at most half the limit, as Redis 7.2 and later; report-lists-as-quicklist
// names every list "quicklist", as Redis 7.0 (the differential runner's
// reference) does.
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

// Where Redis 7.2 turns a list into a quicklist is a matter of listpack
// bytes, which depend on how a listpack stores each element, and of when
// Redis checks. Every expectation below is valkey-server 8.0.1's answer to
// the same commands.
TEST(ListEncoding, RedisListpackBytesAndCheckPoints) {
  EngineHarness h(1);
  auto n = [](int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
    return out;
  };
  auto cmd = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  EXPECT_EQ(h.run({"CONFIG", "SET", "list-max-listpack-size", "-1"}), "+OK\r\n");  // 4096 bytes
  // 1000 four-digit numbers take 3 bytes each in a listpack (3,007 bytes
  // in all; the push's check adds their 4,000 bytes of text to 7): still a
  // listpack, and so after 30 more (3,007 + 120).
  h.run(cmd({"RPUSH", "a"}, n(1000, 1999)));
  EXPECT_EQ(encoding(h, "a"), "listpack");
  h.run(cmd({"RPUSH", "a"}, n(2000, 2029)));
  EXPECT_EQ(encoding(h, "a"), "listpack");
  // LSET and LINSERT check before they look for the index or pivot.
  const std::string big(4100, 'y');
  h.run({"RPUSH", "b", "x"});
  EXPECT_EQ(h.run({"LSET", "b", "5", big}), "-ERR index out of range\r\n");
  EXPECT_EQ(encoding(h, "b"), "quicklist");
  h.run({"RPUSH", "c", "x"});
  EXPECT_EQ(h.run({"LINSERT", "c", "BEFORE", "nope", big}), ":-1\r\n");
  EXPECT_EQ(encoding(h, "c"), "quicklist");
  // LMOVE's check skips the length of an integer popped from a quicklist
  // (an integer object), not of one popped from a listpack.
  const std::string near(4081, 'z');  // a 4,092-byte listpack
  h.run({"RPUSH", "src", "12345", std::string(5000, 'q')});
  EXPECT_EQ(encoding(h, "src"), "quicklist");
  h.run({"RPUSH", "d", near});
  h.run({"LMOVE", "src", "d", "LEFT", "RIGHT"});
  EXPECT_EQ(encoding(h, "d"), "listpack");  // 4,092 + 0 passes nothing
  h.run({"DEL", "d"});
  h.run({"RPUSH", "d", near});
  h.run({"RPUSH", "src2", "12345"});
  h.run({"LMOVE", "src2", "d", "LEFT", "RIGHT"});
  EXPECT_EQ(encoding(h, "d"), "quicklist");  // 4,092 + 5 > 4,096
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

// ZADD, HSET and HMSET read their pair count (and ZADD its longest member)
// as a size hint, as Redis 7.2 does: a listpack that could not hold that
// many converts before anything is written, repeats and members that NX,
// XX, GT or LT leave out included. Each case was checked against
// valkey-server 8.0.1; legacy-size-hints yes restores Redis 7.0's rule.
TEST(SizeHints, ZaddAndHsetConvertFirst) {
  EngineHarness h(1);
  std::vector<std::string> dup = {"ZADD", "z"};
  for (int i = 0; i < 129; ++i) dup.insert(dup.end(), {"1", "m"});
  h.run(dup);
  EXPECT_EQ(encoding(h, "z"), "skiplist");  // one member, 129 pairs
  h.run({"ZADD", "xx", "1", "a"});
  h.run({"ZADD", "xx", "XX", "1", std::string(70, 'x')});
  EXPECT_EQ(encoding(h, "xx"), "skiplist");  // nothing added
  EXPECT_EQ(h.run({"ZCARD", "xx"}), ":1\r\n");
  h.run({"ZADD", "neg", "-0", "a", "1", "b", "2", "c"});
  h.run({"CONFIG", "SET", "zset-max-listpack-entries", "2"});
  h.run({"ZADD", "neg2", "-0", "a", "1", "b", "2", "c"});
  EXPECT_EQ(h.run({"ZSCORE", "neg", "a"}), "$1\r\n0\r\n");     // listpack text
  EXPECT_EQ(h.run({"ZSCORE", "neg2", "a"}), "$2\r\n-0\r\n");   // skiplist first
  EXPECT_EQ(h.run({"CONFIG", "SET", "hash-max-listpack-entries", "2"}), "+OK\r\n");
  h.run({"HSET", "h", "f", "a", "f", "b", "f", "c"});
  EXPECT_EQ(encoding(h, "h"), "hashtable");  // one field, three pairs
  h.run({"HSET", "h2", "f", "a"});
  h.run({"HMSET", "h2", "f", "a", "f", "b", "g", "c"});
  EXPECT_EQ(encoding(h, "h2"), "hashtable");
  h.run({"HSETNX", "h3", "f", "a"});
  EXPECT_EQ(encoding(h, "h3"), "listpack");

  EXPECT_EQ(h.run({"CONFIG", "SET", "legacy-size-hints", "yes"}), "+OK\r\n");
  h.run({"HSET", "h4", "f", "a", "f", "b", "f", "c"});
  EXPECT_EQ(encoding(h, "h4"), "listpack");
  h.run({"ZADD", "neg3", "-0", "a", "1", "b", "2", "c"});
  EXPECT_EQ(h.run({"ZSCORE", "neg3", "a"}), "$1\r\n0\r\n");
  EXPECT_EQ(encoding(h, "neg3"), "skiplist");  // converted at the third
}

}  // namespace
