// store::ListValue: the packed and node representations, the conversions
// between them, compressed interior nodes (list-compress-depth), and every
// operation, at compress depths 0 to 3, against a std::deque reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include <lzf.h>

#include "store/list.h"

namespace {

using peregrine::store::Encoding;
using peregrine::store::ListValue;

std::vector<std::string> contents(const ListValue& l) {
  std::vector<std::string> out;
  if (l.empty()) return out;
  l.visit(0, false, [&](size_t, std::string_view e) {
    out.emplace_back(e);
    return true;
  });
  return out;
}

std::vector<std::string> as_vector(const std::deque<std::string>& d) {
  return {d.begin(), d.end()};
}

TEST(ListValue, StartsPackedAndEmpty) {
  ListValue l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.kind(), ListValue::Kind::kPacked);
  EXPECT_EQ(l.internal_encoding(), Encoding::kListpack);
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, PushPopBothEnds) {
  ListValue l;
  l.push_back("b");
  l.push_front("a");
  l.push_back("c");
  EXPECT_EQ(contents(l), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(l.pop_front(), "a");
  EXPECT_EQ(l.pop_back(), "c");
  EXPECT_EQ(l.pop_back(), "b");
  EXPECT_TRUE(l.empty());
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, BinaryAndEmptyElements) {
  ListValue l;
  std::string bin("a\0b\r\n\xff", 6);
  l.push_back(bin);
  l.push_back("");
  l.push_back(std::string(300, 'x'));  // a two-byte length header
  EXPECT_EQ(l.at(0), bin);
  EXPECT_EQ(l.at(1), "");
  EXPECT_EQ(l.at(2), std::string(300, 'x'));
}

TEST(ListValue, CountFillConvertsPastTheLimit) {
  ListValue l(4);
  for (int i = 0; i < 4; ++i) l.push_back(std::to_string(i));
  EXPECT_EQ(l.kind(), ListValue::Kind::kPacked);
  EXPECT_EQ(l.node_count(), 1u);
  l.push_back("4");
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
  EXPECT_EQ(l.internal_encoding(), Encoding::kQuicklist);
  EXPECT_EQ(l.node_count(), 2u);
  for (int i = 5; i < 40; ++i) l.push_back(std::to_string(i));
  EXPECT_EQ(l.node_count(), 10u);
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_LE(l.node_size(i), 4u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, ConvertsBackWhenOneHalfFullNodeRemains) {
  ListValue l(4);
  for (int i = 0; i < 9; ++i) l.push_back(std::to_string(i));
  ASSERT_EQ(l.kind(), ListValue::Kind::kNodes);
  // Down to one node of 3 entries: more than half the limit, stays nodes.
  l.erase(3, 6);
  EXPECT_EQ(l.node_count(), 1u);
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
  l.pop_back();
  EXPECT_EQ(l.kind(), ListValue::Kind::kPacked);
  EXPECT_EQ(contents(l), (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, ByteFillBoundsNodes) {
  ListValue l(-1);  // 4 KB nodes
  for (int i = 0; i < 100; ++i) l.push_back(std::string(100, static_cast<char>('a' + i % 26)));
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
  EXPECT_GT(l.node_count(), 2u);
  EXPECT_TRUE(l.check_invariants());
  for (size_t i = 0; i < l.node_count(); ++i) EXPECT_LE(l.node_size(i), 40u);
}

TEST(ListValue, LargeElementGetsItsOwnNode) {
  ListValue l(-1);
  l.push_back("a");
  l.push_back(std::string(10000, 'x'));
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
  l.push_back("b");
  EXPECT_EQ(l.node_count(), 3u);
  EXPECT_EQ(l.at(1).size(), 10000u);
  EXPECT_TRUE(l.check_invariants());
  // A single large element never counts as "small enough to pack".
  l.pop_front();
  l.pop_back();
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
}

TEST(ListValue, CountFillHasAByteSafetyLimit) {
  ListValue l(1000);
  for (int i = 0; i < 100; ++i) l.push_back(std::string(200, 'x'));
  EXPECT_EQ(l.kind(), ListValue::Kind::kNodes);
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, InsertSetSplitNodes) {
  ListValue l(3);
  for (int i = 0; i < 6; ++i) l.push_back(std::to_string(i));
  l.insert(1, "x");
  l.insert(7, "end");
  l.insert(0, "start");
  l.set(4, std::string(20000, 'y'));
  EXPECT_EQ(l.size(), 9u);
  EXPECT_EQ(l.at(0), "start");
  EXPECT_EQ(l.at(2), "x");
  EXPECT_EQ(l.at(8), "end");
  EXPECT_EQ(l.at(4).size(), 20000u);
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, RemoveFromHeadAndTail) {
  ListValue l(2);
  for (const char* s : {"a", "b", "a", "c", "a", "b", "a"}) l.push_back(s);
  EXPECT_EQ(l.remove("a", 2), 2u);
  EXPECT_EQ(contents(l), (std::vector<std::string>{"b", "c", "a", "b", "a"}));
  EXPECT_EQ(l.remove("a", -1), 1u);
  EXPECT_EQ(contents(l), (std::vector<std::string>{"b", "c", "a", "b"}));
  EXPECT_EQ(l.remove("b", 0), 2u);
  EXPECT_EQ(l.remove("zz", 0), 0u);
  EXPECT_EQ(l.remove("a", INT64_MIN), 1u);
  EXPECT_EQ(contents(l), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(l.check_invariants());
}

TEST(ListValue, VisitBothDirections) {
  ListValue l(3);
  for (int i = 0; i < 10; ++i) l.push_back(std::to_string(i));
  std::string fwd, back;
  l.visit(4, false, [&](size_t i, std::string_view e) {
    EXPECT_EQ(std::to_string(i), e);
    fwd += e;
    return true;
  });
  l.visit(6, true, [&](size_t i, std::string_view e) {
    EXPECT_EQ(std::to_string(i), e);
    back += e;
    return i > 2;
  });
  EXPECT_EQ(fwd, "456789");
  EXPECT_EQ(back, "65432");
  auto r = l.range(2, 5);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0], "2");
  EXPECT_EQ(r[3], "5");
}

TEST(ListValue, CloneIsDeepAndKeepsTheRepresentation) {
  ListValue l(2);
  for (int i = 0; i < 5; ++i) l.push_back(std::to_string(i));
  auto copy = l.clone();
  auto& c = static_cast<ListValue&>(*copy);
  l.pop_front();
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c.kind(), ListValue::Kind::kNodes);
  EXPECT_EQ(c.at(0), "0");
  EXPECT_GT(c.memory_usage(), 0u);
}

// OBJECT ENCODING follows Redis's checks, not the representation: a list
// becomes a quicklist when a command is about to take it past the limit
// (prepare_growth), and a listpack again after a removal leaves one node
// within half of it.
TEST(ListValue, ReportedEncodingFollowsRedisChecks) {
  ListValue l(/*fill=*/2);
  l.prepare_growth(2, 2, 2);
  l.push_back("a");
  l.push_back("b");
  EXPECT_EQ(peregrine::store::reported_encoding(l), Encoding::kListpack);
  l.prepare_growth(2, 1, 1);  // a third entry passes a count of 2
  EXPECT_EQ(peregrine::store::reported_encoding(l), Encoding::kQuicklist);
  l.push_back("c");  // the old listpack is one node, "c" starts another
  EXPECT_EQ(l.redis_node_count(), 2u);
  l.pop_front();
  l.settle_after_removal(2);  // two nodes: stays
  EXPECT_EQ(peregrine::store::reported_encoding(l), Encoding::kQuicklist);
  l.pop_front();
  l.settle_after_removal(2);  // one node of 1 entry = half of 2
  EXPECT_EQ(peregrine::store::reported_encoding(l), Encoding::kListpack);
  EXPECT_TRUE(l.check_invariants());
}

// Listpack entry sizes: integers in canonical form take 1 to 9 bytes,
// strings a 1, 2 or 5-byte header, and every entry a back length of 1 to 5
// bytes.
TEST(ListShape, ListpackEntryBytes) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"0", 2},
      {"127", 2},
      {"128", 3},
      {"-1", 3},
      {"1487", 3},
      {"4096", 4},
      {"-32768", 4},
      {"32768", 5},
      {"8388608", 6},
      {"-2147483648", 6},
      {"2147483648", 10},
      {"-9223372036854775808", 10},
      {"9223372036854775808", 21},  // past int64: text
      {"01", 4},                    // not canonical: text
      {"-0", 4},
      {"+1", 4},
      {"", 2},
      {"abc", 5},
      {std::string(63, 'x'), 65},
      {std::string(64, 'x'), 67},
      {std::string(126, 'x'), 130},  // 128-byte entry: 2-byte back length
      {std::string(4096, 'x'), 4103},
  };
  for (const auto& [e, bytes] : cases) EXPECT_EQ(peregrine::store::lp_entry_bytes(e), bytes) << e;
}

// Long runs at both ends of big nodes (where pop_back walks from the tail
// marks), mixed with pushes at the other end, as queues and stacks do.
TEST(ListValue, EndOperationsOnBigNodes) {
  for (size_t depth : {0, 1, 3})
  for (int64_t fill : {-5, -2, 1000, 3}) {
    std::mt19937_64 rng(static_cast<uint64_t>(fill + 7));
    ListValue l(fill, depth);
    std::deque<std::string> ref;
    for (int round = 0; round < 6; ++round) {
      for (int i = 0; i < 3000; ++i) {
        std::string v = std::to_string(rng() % 100000);
        if (rng() % 4 == 0) {
          l.push_front(v);
          ref.push_front(v);
        } else {
          l.push_back(v);
          ref.push_back(v);
        }
      }
      while (ref.size() > static_cast<size_t>(round * 100)) {
        if (rng() % 3 == 0) {
          ASSERT_EQ(l.pop_front(), ref.front());
          ref.pop_front();
        } else {
          ASSERT_EQ(l.pop_back(), ref.back());
          ref.pop_back();
        }
        if (rng() % 5 == 0) {
          std::string v = "p" + std::to_string(ref.size());
          l.push_back(v);
          ref.push_back(v);
        }
        if (rng() % 50 == 0) {
          size_t i = rng() % ref.size();
          l.set(i, "s");
          ref[i] = "s";
        }
      }
      ASSERT_TRUE(l.check_invariants());
      ASSERT_EQ(contents(l), as_vector(ref))
          << "fill " << fill << " depth " << depth << " round " << round;
    }
  }
}

// Random operations on lists with different node limits and compress
// depths against a deque. Values mix short ones, long runs (nodes that
// compress well) and random bytes (nodes that do not).
TEST(ListValue, RandomOperationsMatchADeque) {
  for (size_t depth : {0, 1, 2, 3})
  for (int64_t fill : {1, 2, 3, 5, 16, 128, -1, -2, -5, 0, -7}) {
    std::mt19937_64 rng(static_cast<uint64_t>(fill + 100));
    ListValue l(fill, depth);
    std::deque<std::string> ref;
    size_t max_size = 0, max_nodes = 0, max_compressed = 0;
    bool saw_quicklist = false;
    auto rnd = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };
    auto value = [&] {
      switch (rnd(6)) {
        case 0: return std::string(1, static_cast<char>('a' + rnd(3)));
        case 1: return std::to_string(rnd(1000));
        case 2: return std::string(rnd(rnd(10) == 0 ? 10000 : 3000), 'z');
        case 3: {
          std::string v(rnd(300), '\0');
          for (char& c : v) c = static_cast<char>(rng());
          return v;
        }
        case 4: return "item:" + std::to_string(rnd(100)) + std::string(rnd(60), '-');
        default: return std::string();
      }
    };
    for (int step = 0; step < 4000; ++step) {
      // Pushes outweigh removals for the first half, then the list drains.
      // op: 0-1 push, 2-3 pop, 4 insert, 5 set, 6 erase, 7 remove, 8 at,
      // 9 range.
      static constexpr int kGrow[] = {30, 60, 63, 66, 72, 78, 80, 82, 91, 100};
      static constexpr int kDrain[] = {5, 10, 35, 60, 62, 65, 80, 85, 92, 100};
      const int* cut = step < 2000 ? kGrow : kDrain;
      size_t r = rnd(100), op = 0;
      while (r >= static_cast<size_t>(cut[op])) ++op;
      if (ref.empty() && op >= 2) op = rnd(2);
      switch (op) {
        case 0: {
          auto v = value();
          l.prepare_growth(fill, v.size(), 1);  // Redis's checks, as the commands make them
          l.push_front(v);
          ref.push_front(v);
          break;
        }
        case 1: {
          auto v = value();
          l.prepare_growth(fill, v.size(), 1);
          l.push_back(v);
          ref.push_back(v);
          break;
        }
        case 2:
          ASSERT_EQ(l.pop_front(), ref.front());
          l.settle_after_removal(fill);
          ref.pop_front();
          break;
        case 3:
          ASSERT_EQ(l.pop_back(), ref.back());
          l.settle_after_removal(fill);
          ref.pop_back();
          break;
        case 4: {
          size_t i = rnd(ref.size() + 1);
          auto v = value();
          l.prepare_growth(fill, v.size(), 1);
          l.insert(i, v);
          ref.insert(ref.begin() + static_cast<std::ptrdiff_t>(i), v);
          break;
        }
        case 5: {
          size_t i = rnd(ref.size());
          auto v = value();
          l.prepare_growth(fill, v.size(), 1);
          l.set(i, v);
          ref[i] = v;
          break;
        }
        case 6: {
          size_t i = rnd(ref.size());
          size_t n = rnd(std::min<size_t>(ref.size() - i, 30) + 2);
          l.erase(i, n);
          l.settle_after_removal(fill);
          size_t end = std::min(ref.size(), i + n);
          ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i),
                    ref.begin() + static_cast<std::ptrdiff_t>(end));
          break;
        }
        case 7: {
          auto v = value();
          int64_t count = static_cast<int64_t>(rnd(5)) - 2;
          uint64_t want = count == 0 ? UINT64_MAX : static_cast<uint64_t>(count < 0 ? -count : count);
          size_t removed = 0;
          if (count >= 0) {
            for (size_t i = 0; i < ref.size() && removed < want;) {
              if (ref[i] == v) {
                ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
                ++removed;
              } else {
                ++i;
              }
            }
          } else {
            for (size_t i = ref.size(); i-- > 0 && removed < want;) {
              if (ref[i] == v) {
                ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
                ++removed;
              }
            }
          }
          ASSERT_EQ(l.remove(v, count), removed);
          l.settle_after_removal(fill);
          break;
        }
        case 8: {
          size_t i = rnd(ref.size());
          ASSERT_EQ(l.at(i), ref[i]);
          break;
        }
        default: {
          size_t a = rnd(ref.size()), b = rnd(ref.size());
          if (a > b) std::swap(a, b);
          auto r = l.range(a, b);
          ASSERT_EQ(r.size(), b - a + 1);
          for (size_t k = 0; k < r.size(); ++k) ASSERT_EQ(r[k], ref[a + k]);
        }
      }
      ASSERT_EQ(l.size(), ref.size()) << "fill " << fill << " depth " << depth << " step " << step;
      // Every step early on, then every fifth (a check walks the whole list).
      if (step < 500 || step % 5 == 0) {
        ASSERT_TRUE(l.check_invariants()) << "fill " << fill << " depth " << depth << " step " << step;
      }
      max_size = std::max(max_size, ref.size());
      max_nodes = std::max(max_nodes, l.node_count());
      max_compressed = std::max(max_compressed, l.compressed_node_count());
      saw_quicklist |= l.redis_encoding() == Encoding::kQuicklist;
      if (step % 97 == 0) {
        ASSERT_EQ(contents(l), as_vector(ref));
      }
    }
    EXPECT_EQ(contents(l), as_vector(ref));
    EXPECT_GT(max_size, 300u) << "fill " << fill;  // the lists did grow past many nodes
    EXPECT_TRUE(saw_quicklist) << "fill " << fill;
    if (depth > 0 && max_nodes > 2 * depth + 2) {
      EXPECT_GT(max_compressed, 0u) << "fill " << fill << " depth " << depth;
    }
  }
}

// ------------------------------------------------------------ compression

// A compressible element: a counter followed by a long repeated run.
std::string compressible(size_t i) { return "element:" + std::to_string(i) + std::string(40, '.'); }

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string v(n, '\0');
  for (char& c : v) c = static_cast<char>(rng());
  return v;
}

TEST(ListValue, InteriorNodesAreCompressed) {
  for (size_t depth : {1, 2, 3}) {
    ListValue l(-2, depth);
    for (size_t i = 0; i < 10000; ++i) l.push_back(compressible(i));
    ASSERT_GT(l.node_count(), 2 * depth + 5);
    EXPECT_EQ(l.compressed_node_count(), l.node_count() - 2 * depth) << "depth " << depth;
    for (size_t i = 0; i < l.node_count(); ++i) {
      bool end = i < depth || i + depth >= l.node_count();
      EXPECT_EQ(l.node_compressed(i), !end) << "depth " << depth << " node " << i;
    }
    EXPECT_TRUE(l.check_invariants());
    // Reads leave the nodes compressed.
    size_t before = l.compressed_node_count();
    EXPECT_EQ(l.at(5000), compressible(5000));
    auto r = l.range(4000, 4002);
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[2], compressible(4002));
    size_t seen = 0;
    l.visit(9999, true, [&](size_t i, std::string_view e) {
      EXPECT_EQ(e, compressible(i));
      return ++seen < 10000;
    });
    EXPECT_EQ(seen, 10000u);
    EXPECT_EQ(l.compressed_node_count(), before);
    // A change to an interior node recompresses it afterwards.
    l.set(5000, "changed" + std::string(50, '!'));
    l.insert(3000, "inserted");
    EXPECT_EQ(l.at(5001), "changed" + std::string(50, '!'));
    EXPECT_EQ(l.at(3000), "inserted");
    EXPECT_EQ(l.compressed_node_count(), l.node_count() - 2 * depth);
    EXPECT_TRUE(l.check_invariants());
  }
}

TEST(ListValue, SmallListsAndNodesAreNotCompressed) {
  // As many nodes as the depth keeps raw at both ends: nothing is interior.
  ListValue l(2, 2);
  for (int i = 0; i < 8; ++i) l.push_back(std::string(100, 'a'));
  EXPECT_EQ(l.node_count(), 4u);
  EXPECT_EQ(l.compressed_node_count(), 0u);
  l.push_back(std::string(100, 'a'));  // a fifth node: the middle one is interior
  EXPECT_EQ(l.compressed_node_count(), 1u);
  EXPECT_TRUE(l.node_compressed(2));
  EXPECT_TRUE(l.check_invariants());
  // Nodes of fewer than 48 bytes stay raw however well they would compress.
  for (size_t len : {46, 47}) {  // a node of one entry: a length byte and the bytes
    ListValue m(1, 1);
    for (int i = 0; i < 3; ++i) m.push_back(std::string(len, 'a'));
    EXPECT_EQ(m.compressed_node_count(), len == 47 ? 1u : 0u) << len;
    EXPECT_TRUE(m.check_invariants());
  }
}

TEST(ListValue, IncompressibleNodesStayRaw) {
  std::mt19937_64 rng(11);
  ListValue l(-2, 1);
  std::vector<std::string> ref;
  for (int i = 0; i < 2000; ++i) {
    ref.push_back(random_bytes(rng, 100));
    l.push_back(ref.back());
  }
  ASSERT_GT(l.node_count(), 10u);
  EXPECT_EQ(l.compressed_node_count(), 0u);
  EXPECT_TRUE(l.check_invariants());
  ListValue raw(-2, 0);
  for (const std::string& v : ref) raw.push_back(v);
  EXPECT_EQ(l.memory_usage(), raw.memory_usage());
  EXPECT_EQ(contents(l), ref);
}

// Redis keeps a compressed node only when LZF saves at least 8 bytes.
// Builds one-entry nodes whose compressed size is exactly 8 and 9 bytes
// below their raw size and checks that only the second is compressed.
TEST(ListValue, CompressionMustSaveEightBytes) {
  std::mt19937_64 rng(3);
  std::string saves8, saves9;
  for (int attempt = 0; attempt < 100000 && (saves8.empty() || saves9.empty()); ++attempt) {
    // Random bytes with a run in them: the run's length sets the saving.
    std::string e = random_bytes(rng, 60 + rng() % 40);
    e.insert(rng() % e.size(), std::string(rng() % 24, 'r'));
    if (e.size() >= 0x80) continue;  // keep a one-byte length header
    std::string raw = static_cast<char>(e.size()) + e;  // the node's bytes
    std::vector<char> out(raw.size());
    unsigned got = lzf_compress(raw.data(), static_cast<unsigned>(raw.size()), out.data(),
                                static_cast<unsigned>(out.size()));
    if (got == 0) continue;
    if (got + 8 == raw.size() && saves8.empty()) saves8 = e;
    if (got + 9 == raw.size() && saves9.empty()) saves9 = e;
  }
  ASSERT_FALSE(saves8.empty());
  ASSERT_FALSE(saves9.empty());
  for (const std::string* e : {&saves8, &saves9}) {
    ListValue l(1, 1);  // one entry a node
    l.push_back("head");
    l.push_back(*e);
    l.push_back("tail");
    EXPECT_EQ(l.compressed_node_count(), e == &saves9 ? 1u : 0u);
    EXPECT_TRUE(l.check_invariants());
    EXPECT_EQ(l.at(1), *e);
  }
}

TEST(ListValue, MemoryUsageShrinksWhenCompressed) {
  ListValue raw(-2, 0), packed(-2, 1);
  for (size_t i = 0; i < 10000; ++i) {
    raw.push_back(compressible(i));
    packed.push_back(compressible(i));
  }
  EXPECT_LT(packed.memory_usage() * 2, raw.memory_usage());
}

// Without compression a chain node is filled to its allocator class (8 KB
// of block: 481 entries of 16 bytes, 17 bytes each with their length);
// with compression nodes hold what Redis's listpack nodes hold (454 such
// entries, 18 bytes each and 7 of header), so the same nodes compress.
// Switching between the two cuts the list again.
TEST(ListValue, NodeSizeFollowsCompression) {
  const std::string v(16, 'x');
  ListValue plain(-2, 0), compressed(-2, 1);
  for (size_t i = 0; i < 10000; ++i) {
    plain.push_back(v);
    compressed.push_back(v);
  }
  EXPECT_EQ(plain.node_count(), (10000 + 480) / 481);
  EXPECT_EQ(compressed.node_count(), (10000 + 453) / 454);
  plain.set_compress_depth(1);
  EXPECT_EQ(plain.node_count(), compressed.node_count());
  EXPECT_EQ(plain.compressed_node_count(), plain.node_count() - 2);
  compressed.set_compress_depth(0);
  EXPECT_EQ(compressed.node_count(), (10000 + 480) / 481);
  EXPECT_EQ(compressed.compressed_node_count(), 0u);
  for (ListValue* l : {&plain, &compressed}) {
    EXPECT_TRUE(l->check_invariants());
    EXPECT_EQ(l->size(), 10000u);
    EXPECT_EQ(l->at(9999), v);
  }
}

TEST(ListValue, ChangingTheDepthSettlesEveryNode) {
  ListValue l(-1, 0);
  for (size_t i = 0; i < 5000; ++i) l.push_back(compressible(i));
  size_t nodes = l.node_count();
  ASSERT_GT(nodes, 10u);
  EXPECT_EQ(l.compressed_node_count(), 0u);
  for (size_t depth : {1, 3, 2, 0, 4}) {
    l.set_compress_depth(depth);
    EXPECT_EQ(l.compressed_node_count(), depth == 0 ? 0 : l.node_count() - 2 * depth);
    EXPECT_TRUE(l.check_invariants());
  }
  std::vector<std::string> want;
  for (size_t i = 0; i < 5000; ++i) want.push_back(compressible(i));
  EXPECT_EQ(contents(l), want);
  // A copy keeps the compressed nodes.
  auto copy = l.clone();
  auto& c = static_cast<ListValue&>(*copy);
  EXPECT_EQ(c.compressed_node_count(), l.compressed_node_count());
  EXPECT_EQ(contents(c), want);
  EXPECT_TRUE(c.check_invariants());
}

// Pushes and pops at the ends compress or decompress only the node that
// crosses the depth: in a queue of compressible elements the interior stays
// compressed throughout.
TEST(ListValue, QueueKeepsTheInteriorCompressed) {
  for (size_t depth : {1, 2}) {
    ListValue l(-2, depth);
    std::deque<std::string> ref;
    size_t next = 0;
    for (int step = 0; step < 60000; ++step) {
      if (step % 3 != 2 || ref.empty()) {
        ref.push_back(compressible(next++));
        l.push_back(ref.back());
      } else {
        ASSERT_EQ(l.pop_front(), ref.front());
        ref.pop_front();
      }
      if (step % 1000 == 0) {
        ASSERT_TRUE(l.check_invariants()) << step;
        size_t n = l.node_count();
        ASSERT_EQ(l.compressed_node_count(), n > 2 * depth ? n - 2 * depth : 0) << step;
      }
    }
    EXPECT_EQ(contents(l), as_vector(ref));
  }
}

}  // namespace
