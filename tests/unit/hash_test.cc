// HashValue: field operations in both encodings, conversion by entry count
// and by field/value length (never back), clone, random_entry, the scan
// walk, field TTLs and their removal (remove_expired, expire_hash_fields).
#include <algorithm>
#include "tests/unit/test_random.h"
#include "store/hash.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace peregrine::store {
namespace {

using peregrine::testing::TestRandom;

const HashLimits kDefault{512, 64};

std::map<std::string, std::string> as_map(const HashValue& h) {
  std::map<std::string, std::string> m;
  h.for_each([&](std::string_view f, std::string_view v) { m.emplace(f, v); });
  return m;
}

std::vector<std::string> fields_in_order(const HashValue& h) {
  std::vector<std::string> out;
  h.for_each([&](std::string_view f, std::string_view) { out.emplace_back(f); });
  return out;
}

// ------------------------------------------------------------ fields

TEST(HashValue, SetGetEraseListpack) {
  HashValue h;
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(h.set("a", "1", kDefault));
  EXPECT_TRUE(h.set("b", "2", kDefault));
  EXPECT_FALSE(h.set("a", "10", kDefault));  // update
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.get("a"), std::optional<std::string_view>("10"));
  EXPECT_EQ(h.get("b"), std::optional<std::string_view>("2"));
  EXPECT_FALSE(h.get("c").has_value());
  EXPECT_TRUE(h.is_listpack());
  EXPECT_EQ(h.encoding_name(), "listpack");
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  // Insertion order; an update keeps the position.
  EXPECT_EQ(fields_in_order(h), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(h.erase("a"));
  EXPECT_FALSE(h.erase("a"));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_TRUE(h.erase("b"));
  EXPECT_TRUE(h.empty());
}

TEST(HashValue, APlainListpackHashIsItsObjectAndOneHeaderedBlock) {
  HashValue h;
  h.set("field:000", "0123456789abcdef", kDefault);
  h.set("field:001", "fedcba9876543210", kDefault);
  // 16-byte object, 8-byte block header, then the entries: "field:000"
  // whole (1 + 9), "field:001" as 1 shared-8 head + '1' (2), two values
  // of 1 + 16.
  EXPECT_EQ(h.memory_usage(), 16u + 8u + 10u + 2u + 17u + 17u);
  // A field TTL hangs an Ext off the block (8 more header bytes)...
  h.set_expire("field:000", 1000);
  EXPECT_GT(h.memory_usage(), 16u + 16u + 46u);
  // ...which stays when the TTL goes (the listpackex mark lives there).
  EXPECT_TRUE(h.persist("field:000"));
  EXPECT_EQ(h.encoding(), Encoding::kListpackEx);
  EXPECT_EQ(h.get("field:001"), "fedcba9876543210");
}

TEST(HashValue, ConvertedTableUsesTheCallersSeed) {
  HashValue a, b;
  HashLimits limits{2, 64, 1234};
  for (int i = 0; i < 20; ++i) {
    a.set("f" + std::to_string(i), "v", limits);
    b.set("f" + std::to_string(i), "v", limits);
  }
  EXPECT_EQ(a.encoding(), Encoding::kHashtable);
  // Same seed, same insertions: the same bucket order.
  EXPECT_EQ(a.entries(), b.entries());
  auto copy = a.clone();
  auto copied = static_cast<HashValue&>(*copy).entries(), original = a.entries();
  std::sort(copied.begin(), copied.end());
  std::sort(original.begin(), original.end());
  EXPECT_EQ(copied, original);
}

TEST(HashValue, FieldsAndValuesAreNotConfused) {
  // A value equal to another field's name must not be found as a field.
  HashValue h;
  h.set("f1", "f2", kDefault);
  h.set("f2", "f1", kDefault);
  EXPECT_EQ(h.get("f1"), std::optional<std::string_view>("f2"));
  EXPECT_EQ(h.get("f2"), std::optional<std::string_view>("f1"));
  HashValue g;
  g.set("x", "y", kDefault);
  EXPECT_FALSE(g.contains("y"));
  EXPECT_TRUE(g.erase("x"));
  EXPECT_TRUE(g.empty());
}

TEST(HashValue, BinaryAndEmptyStrings) {
  HashValue h;
  std::string bin("a\0b\r\n", 5);
  h.set("", "", kDefault);
  h.set(bin, bin, kDefault);
  EXPECT_EQ(h.get(""), std::optional<std::string_view>(""));
  EXPECT_EQ(h.get(bin), std::optional<std::string_view>(bin));
  EXPECT_EQ(h.size(), 2u);
}

// Values are read as views into the listpack: several of them, taken one
// after the other (as HMGET does), all stay valid until the hash changes,
// including values stored as repeats or prefixes of the previous value.
TEST(HashValue, ValueViewsStayValidUntilAChange) {
  HashValue h;
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"user:name", "abcdef"}, {"user:mail", "abcdef"}, {"user:age", "abc"},
      {"user:", ""},           {"", "abcdefgh"},        {"user:x", std::string("a\0b", 3)},
      {"user:xy", "a"}};
  for (const auto& [f, v] : pairs) h.set(f, v, kDefault);
  std::vector<std::string_view> views;
  for (const auto& [f, v] : pairs) views.push_back(*h.get(f));
  for (size_t i = 0; i < pairs.size(); ++i) EXPECT_EQ(views[i], pairs[i].second) << i;
  EXPECT_EQ(fields_in_order(h), (std::vector<std::string>{"user:name", "user:mail", "user:age",
                                                          "user:", "", "user:x", "user:xy"}));
}

// Updating or deleting a field in the middle re-encodes the pair after it,
// which was coded against the one changed.
TEST(HashValue, MiddleChangesKeepTheFollowingPairs) {
  HashValue h;
  for (int i = 0; i < 20; ++i) h.set("field:" + std::to_string(100 + i), "same value", kDefault);
  EXPECT_FALSE(h.set("field:105", "other", kDefault));
  EXPECT_TRUE(h.erase("field:110"));
  EXPECT_FALSE(h.set("field:111", "same", kDefault));  // a prefix of the previous value
  EXPECT_EQ(h.size(), 19u);
  for (int i = 0; i < 20; ++i) {
    const std::string f = "field:" + std::to_string(100 + i);
    const char* want = i == 5 ? "other" : i == 10 ? nullptr : i == 11 ? "same" : "same value";
    if (want == nullptr) EXPECT_FALSE(h.contains(f));
    else EXPECT_EQ(h.get(f), std::optional<std::string_view>(want)) << f;
  }
}

// ------------------------------------------------------------ conversion

TEST(HashValue, ConvertsPastEntryLimitAndNeverBack) {
  const HashLimits limits{4, 64};
  HashValue h;
  for (int i = 0; i < 4; ++i) h.set("f" + std::to_string(i), "v", limits);
  EXPECT_TRUE(h.is_listpack());
  h.set("f0", "updated", limits);  // an update does not add an entry
  EXPECT_TRUE(h.is_listpack());
  h.set("f4", "v", limits);
  EXPECT_FALSE(h.is_listpack());
  EXPECT_EQ(h.encoding_name(), "hashtable");
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 5u);
  EXPECT_EQ(h.get("f0"), std::optional<std::string_view>("updated"));
  for (int i = 0; i < 5; ++i) h.erase("f" + std::to_string(i));
  EXPECT_TRUE(h.empty());
  EXPECT_FALSE(h.is_listpack());
  h.set("again", "v", limits);
  EXPECT_FALSE(h.is_listpack());
}

TEST(HashValue, ConvertsOnLongFieldOrValue) {
  const HashLimits limits{512, 8};
  HashValue a, b, c;
  a.set("12345678", "12345678", limits);  // exactly the limit: fits
  EXPECT_TRUE(a.is_listpack());
  a.set("x", "123456789", limits);
  EXPECT_FALSE(a.is_listpack());
  EXPECT_EQ(a.get("12345678"), std::optional<std::string_view>("12345678"));
  b.set("123456789", "v", limits);
  EXPECT_FALSE(b.is_listpack());
  c.set("f", "v", limits);
  c.fit_lengths("f", "long value here", limits);
  EXPECT_FALSE(c.is_listpack());
  EXPECT_EQ(c.get("f"), std::optional<std::string_view>("v"));
}

TEST(HashValue, ZeroLimitsConvertAtOnce) {
  HashValue a, b;
  a.set("f", "v", HashLimits{0, 64});
  EXPECT_FALSE(a.is_listpack());
  b.set("", "", HashLimits{512, 0});
  EXPECT_TRUE(b.is_listpack());  // an empty string is not longer than 0
  b.set("f", "", HashLimits{512, 0});
  EXPECT_FALSE(b.is_listpack());
}

// Both encodings agree with a std::map over random operations.
TEST(HashValue, MatchesMapModel) {
  EXPECT_TRUE(rc::check("HashValue behaves like a map", [] {
    const auto max_entries = *rc::gen::inRange<size_t>(0, 12);
    const HashLimits limits{max_entries, 6, *rc::gen::arbitrary<uint64_t>()};
    HashValue h;
    std::map<std::string, std::string> model;
    const auto ops = *rc::gen::container<std::vector<std::tuple<int, int, std::string>>>(
        rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::inRange(0, 16),
                       rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'e'))));
    for (const auto& [op, n, value] : ops) {
      const std::string field = "f" + std::to_string(n);
      if (op == 0 || op == 1) {
        const bool added = h.set(field, value, limits);
        RC_ASSERT(added == (model.count(field) == 0));
        model[field] = value;
      } else {
        RC_ASSERT(h.erase(field) == (model.erase(field) == 1));
      }
      RC_ASSERT(h.size() == model.size());
    }
    RC_ASSERT(as_map(h) == model);
    for (const auto& [f, v] : model) RC_ASSERT(h.get(f) == std::optional<std::string_view>(v));
  }));
}

// ------------------------------------------------------------ clone / random / scan

TEST(HashValue, CloneIsDeepAndKeepsEncodingAndTtls) {
  for (size_t max_entries : {size_t{512}, size_t{1}}) {
    const HashLimits limits{max_entries, 64};
    HashValue h;
    h.set("a", "1", limits);
    h.set("b", "2", limits);
    h.set_expire("a", 5000);
    auto copy_base = h.clone();
    auto& copy = static_cast<HashValue&>(*copy_base);
    EXPECT_EQ(copy.is_listpack(), h.is_listpack());
    EXPECT_EQ(copy.encoding_name(), h.encoding_name());
    EXPECT_EQ(as_map(copy), as_map(h));
    EXPECT_EQ(copy.expire_at("a"), 5000);
    copy.set("c", "3", limits);
    copy.persist("a");
    EXPECT_FALSE(h.contains("c"));
    EXPECT_EQ(h.expire_at("a"), 5000);
  }
}

TEST(HashValue, RandomEntryReachesEveryField) {
  TestRandom random(3);
  for (size_t max_entries : {size_t{512}, size_t{2}}) {
    HashValue h;
    for (int i = 0; i < 10; ++i) {
      h.set("f" + std::to_string(i), "v" + std::to_string(i), HashLimits{max_entries, 64});
    }
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
      auto [f, v] = h.random_entry(random);
      EXPECT_EQ("v" + std::string(f.substr(1)), v);
      seen.emplace(f);
    }
    EXPECT_EQ(seen.size(), 10u);
  }
}

TEST(HashValue, ScanVisitsEveryField) {
  HashValue h;
  const HashLimits limits{0, 64};
  for (int i = 0; i < 300; ++i) h.set("f" + std::to_string(i), "v", limits);
  ASSERT_FALSE(h.is_listpack());
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) {
      EXPECT_EQ(v, "v");
      seen.emplace(f);
    });
    ASSERT_LT(++steps, 100000);
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 300u);
}

// ------------------------------------------------------------ field TTLs

TEST(HashValueTtl, SetReadPersist) {
  HashValue h;
  h.set("a", "1", kDefault);
  h.set("b", "2", kDefault);
  EXPECT_EQ(h.expire_at("a"), -1);
  EXPECT_EQ(h.expire_at("nofield"), -1);
  EXPECT_EQ(h.next_expiry(), -1);
  EXPECT_EQ(h.encoding_name(), "listpack");
  h.set_expire("a", 2000);
  h.set_expire("b", 1000);
  EXPECT_EQ(h.encoding_name(), "listpackex");
  EXPECT_EQ(h.encoding(), Encoding::kListpackEx);
  EXPECT_EQ(h.volatile_count(), 2u);
  EXPECT_EQ(h.next_expiry(), 1000);
  h.set_expire("b", 3000);  // moving a deadline re-sorts it
  EXPECT_EQ(h.next_expiry(), 2000);
  EXPECT_TRUE(h.persist("a"));
  EXPECT_FALSE(h.persist("a"));
  EXPECT_EQ(h.expire_at("a"), -1);
  EXPECT_EQ(h.next_expiry(), 3000);
  EXPECT_EQ(h.volatile_count(), 1u);
  // Still listpackex once a TTL was seen.
  EXPECT_TRUE(h.persist("b"));
  EXPECT_EQ(h.encoding_name(), "listpackex");
}

TEST(HashValueTtl, OverwriteDropsTtlUnlessKept) {
  HashValue h;
  h.set("a", "1", kDefault);
  h.set("b", "1", kDefault);
  h.set_expire("a", 1000);
  h.set_expire("b", 1000);
  h.set("a", "2", kDefault);
  EXPECT_EQ(h.expire_at("a"), -1);
  h.set("b", "2", kDefault, /*keep_ttl=*/true);
  EXPECT_EQ(h.expire_at("b"), 1000);
  EXPECT_TRUE(h.erase("b"));
  EXPECT_EQ(h.expire_at("b"), -1);
  EXPECT_EQ(h.volatile_count(), 0u);
  h.set("b", "3", kDefault);  // a new field starts without a TTL
  EXPECT_EQ(h.expire_at("b"), -1);
}

// Redis 7.4's listpackex order: fields with a TTL first, by deadline (a
// field given a deadline goes before the first field with none or with one
// at or past its own), then the rest in the order they were added or lost
// their TTL.
TEST(HashValueTtl, ListpackExKeepsRedisOrder) {
  HashValue h;
  for (const char* f : {"field:a", "field:b", "field:c", "field:d"}) h.set(f, f, kDefault);
  using V = std::vector<std::string>;
  h.set_expire("field:c", 2000);
  EXPECT_EQ(fields_in_order(h), (V{"field:c", "field:a", "field:b", "field:d"}));
  h.set_expire("field:a", 1000);
  EXPECT_EQ(fields_in_order(h), (V{"field:a", "field:c", "field:b", "field:d"}));
  h.set_expire("field:d", 2000);  // before the equal deadline
  EXPECT_EQ(fields_in_order(h), (V{"field:a", "field:d", "field:c", "field:b"}));
  EXPECT_TRUE(h.persist("field:a"));  // to the end
  EXPECT_EQ(fields_in_order(h), (V{"field:d", "field:c", "field:b", "field:a"}));
  h.set("field:c", "x", kDefault);  // the write drops the TTL: to the end
  EXPECT_EQ(fields_in_order(h), (V{"field:d", "field:b", "field:a", "field:c"}));
  h.set("field:d", "y", kDefault, /*keep_ttl=*/true);  // stays
  h.set("field:b", "z", kDefault);                     // had no TTL: stays
  h.set("field:e", "e", kDefault);                     // new: the end
  EXPECT_EQ(fields_in_order(h), (V{"field:d", "field:b", "field:a", "field:c", "field:e"}));
  h.set_expire("field:e", 500);
  h.set_expire("field:d", 3000);  // a later deadline: still before the fields with none
  EXPECT_EQ(fields_in_order(h), (V{"field:e", "field:d", "field:b", "field:a", "field:c"}));
  EXPECT_EQ(as_map(h), (std::map<std::string, std::string>{{"field:a", "field:a"},
                                                           {"field:b", "z"},
                                                           {"field:c", "x"},
                                                           {"field:d", "y"},
                                                           {"field:e", "e"}}));
  EXPECT_EQ(h.remove_expired(2000), 1u);  // field:e
  EXPECT_EQ(fields_in_order(h), (V{"field:d", "field:b", "field:a", "field:c"}));
}

TEST(HashValueTtl, RemoveExpiredEarliestFirstWithinBudget) {
  HashValue h;
  for (int i = 0; i < 6; ++i) h.set("f" + std::to_string(i), "v", kDefault);
  h.set_expire("f0", 500);
  h.set_expire("f1", 100);
  h.set_expire("f2", 300);
  h.set_expire("f3", 200);
  h.set_expire("f4", 10000);
  EXPECT_FALSE(h.has_expired(99));
  EXPECT_TRUE(h.has_expired(100));  // due exactly at its deadline
  EXPECT_EQ(h.remove_expired(99), 0u);
  EXPECT_EQ(h.remove_expired(400, 2), 2u);  // f1 and f3
  EXPECT_FALSE(h.contains("f1"));
  EXPECT_FALSE(h.contains("f3"));
  EXPECT_TRUE(h.contains("f2"));
  EXPECT_EQ(h.remove_expired(400), 1u);  // f2
  EXPECT_EQ(h.remove_expired(400), 0u);
  EXPECT_EQ(h.remove_expired(20000), 2u);  // f0, f4
  EXPECT_EQ(fields_in_order(h), (std::vector<std::string>{"f5"}));
  EXPECT_EQ(h.volatile_count(), 0u);
}

TEST(HashValueTtl, SurvivesConversion) {
  const HashLimits limits{2, 64};
  HashValue h;
  h.set("a", "1", limits);
  h.set("b", "2", limits);
  h.set_expire("a", 100);
  h.set("c", "3", limits);
  ASSERT_FALSE(h.is_listpack());
  EXPECT_EQ(h.encoding_name(), "hashtable");
  EXPECT_EQ(h.expire_at("a"), 100);
  EXPECT_EQ(h.remove_expired(100), 1u);
  EXPECT_EQ(as_map(h), (std::map<std::string, std::string>{{"b", "2"}, {"c", "3"}}));
}

TEST(HashValueTtl, CronHelpers) {
  Value v;
  v.type = ObjType::kHash;
  v.coll = std::make_unique<HashValue>();
  auto& h = v.as<HashValue>();
  EXPECT_EQ(hash_next_field_expiry(v), -1);
  h.set("a", "1", kDefault);
  h.set("b", "2", kDefault);
  h.set("c", "3", kDefault);
  h.set_expire("a", 10);
  h.set_expire("b", 20);
  EXPECT_EQ(hash_next_field_expiry(v), 10);
  EXPECT_EQ(expire_hash_fields(v, 5, 10), 0u);
  EXPECT_EQ(expire_hash_fields(v, 25, 1), 1u);
  EXPECT_EQ(hash_next_field_expiry(v), 20);
  EXPECT_EQ(expire_hash_fields(v, 25, 10), 1u);
  EXPECT_EQ(hash_next_field_expiry(v), -1);
  EXPECT_EQ(h.size(), 1u);
  h.set_expire("c", 30);
  EXPECT_EQ(expire_hash_fields(v, 30, 10), 1u);
  EXPECT_TRUE(h.empty());  // the caller deletes the key

  Value s = Value::make_string("x");
  EXPECT_EQ(expire_hash_fields(s, 100, 10), 0u);
  EXPECT_EQ(hash_next_field_expiry(s), -1);
}

TEST(HashValueTtl, CronHelpersOnAHash) {
  HashValue h;
  EXPECT_EQ(hash_next_field_expiry(h), -1);
  h.set("a", "1", kDefault);
  h.set("b", "2", kDefault);
  h.set_expire("a", 10);
  h.set_expire("b", 20);
  EXPECT_EQ(h.encoding_name(), "listpackex");
  EXPECT_EQ(hash_next_field_expiry(h), 10);
  EXPECT_EQ(expire_hash_fields(h, 15, 10), 1u);
  EXPECT_EQ(hash_next_field_expiry(h), 20);
  EXPECT_EQ(expire_hash_fields(h, 25, 10), 1u);
  EXPECT_EQ(hash_next_field_expiry(h), -1);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.encoding_name(), "listpackex");  // stays, as before
}

// TTL bookkeeping agrees with a plain model over random operations.
TEST(HashValueTtl, MatchesModel) {
  EXPECT_TRUE(rc::check("field TTLs behave like a map of deadlines", [] {
    // Limits of 0-5 convert to a table along the way; 8 and 9 keep the listpack
    // (8 field names) and its order.
    const HashLimits limits{*rc::gen::inRange<size_t>(0, 10), 64};
    HashValue h;
    std::map<std::string, std::pair<std::string, int64_t>> model;  // value, deadline (-1)
    // The listing order while the hash is a listpack, as two stamps per
    // field: when it was added or lost its TTL, and when its deadline was
    // set. Sorted: TTL'd fields by (deadline, latest stamp first), then the
    // others by their stamp.
    std::map<std::string, std::pair<uint64_t, uint64_t>> stamps;
    uint64_t clock = 0;
    int64_t now = 0;
    const auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
        rc::gen::tuple(rc::gen::inRange(0, 7), rc::gen::inRange(0, 8), rc::gen::inRange(0, 50)));
    for (const auto& [op, n, t] : ops) {
      const std::string field = "f" + std::to_string(n);
      switch (op) {
        case 0:
          h.set(field, std::to_string(t), limits);
          if (!model.count(field) || model[field].second != -1) stamps[field].first = ++clock;
          model[field] = {std::to_string(t), -1};
          break;
        case 1:
          h.set(field, std::to_string(t), limits, /*keep_ttl=*/true);
          if (model.count(field)) {
            model[field].first = std::to_string(t);
          } else {
            model[field] = {std::to_string(t), -1};
            stamps[field].first = ++clock;
          }
          break;
        case 2:
          h.erase(field);
          model.erase(field);
          stamps.erase(field);
          break;
        case 3:
          if (model.count(field)) {
            h.set_expire(field, now + t);
            model[field].second = now + t;
            stamps[field].second = ++clock;
          }
          break;
        case 4:
          RC_ASSERT(h.persist(field) == (model.count(field) && model[field].second != -1));
          if (model.count(field) && model[field].second != -1) {
            model[field].second = -1;
            stamps[field].first = ++clock;
          }
          break;
        case 5: {
          now += t;
          size_t due = 0;
          for (auto it = model.begin(); it != model.end();) {
            if (it->second.second != -1 && it->second.second <= now) {
              stamps.erase(it->first);
              it = model.erase(it);
              ++due;
            } else {
              ++it;
            }
          }
          RC_ASSERT(h.remove_expired(now) == due);
          break;
        }
        default:
          RC_ASSERT(h.expire_at(field) == (model.count(field) ? model[field].second : -1));
      }
      RC_ASSERT(h.size() == model.size());
    }
    int64_t min = -1;
    for (const auto& [f, e] : model) {
      RC_ASSERT(h.get(f) == std::optional<std::string_view>(e.first));
      RC_ASSERT(h.expire_at(f) == e.second);
      if (e.second != -1 && (min == -1 || e.second < min)) min = e.second;
    }
    RC_ASSERT(h.next_expiry() == min);
    if (h.is_listpack()) {
      std::vector<std::string> expected;
      for (const auto& [f, e] : model) expected.push_back(f);
      std::sort(expected.begin(), expected.end(), [&](const std::string& x, const std::string& y) {
        const int64_t dx = model[x].second, dy = model[y].second;
        if ((dx < 0) != (dy < 0)) return dy < 0;
        if (dx < 0) return stamps[x].first < stamps[y].first;
        if (dx != dy) return dx < dy;
        return stamps[x].second > stamps[y].second;
      });
      RC_ASSERT(fields_in_order(h) == expected);
    }
  }));
}

}  // namespace
}  // namespace peregrine::store
