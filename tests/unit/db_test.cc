// Db: lookups, lazy and active expiry, TTL bookkeeping, random_key,
// swap_contents; Value encodings and names.
#include "tests/unit/test_random.h"
#include "store/db.h"
#include "store/set.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace peregrine::store {
namespace {

using peregrine::testing::TestRandom;

class RecordingObserver : public KeyspaceObserver {
 public:
  void key_expired(int db_index, std::string_view key) override {
    events.emplace_back(db_index, std::string(key));
  }
  std::vector<std::pair<int, std::string>> events;
};

Value str(std::string s) { return Value::make_string(std::move(s)); }
std::string key_of(int i) { return "k" + std::to_string(i); }

constexpr int64_t kNow = 1'700'000'000'000;  // a Unix time in ms

TEST(Value, Names) {
  EXPECT_EQ(type_name(ObjType::kString), "string");
  EXPECT_EQ(type_name(ObjType::kList), "list");
  EXPECT_EQ(type_name(ObjType::kSet), "set");
  EXPECT_EQ(type_name(ObjType::kZSet), "zset");
  EXPECT_EQ(type_name(ObjType::kHash), "hash");
  EXPECT_EQ(type_name(ObjType::kStream), "stream");
  EXPECT_EQ(encoding_name(Encoding::kRaw), "raw");
  EXPECT_EQ(encoding_name(Encoding::kInt), "int");
  EXPECT_EQ(encoding_name(Encoding::kEmbStr), "embstr");
  EXPECT_EQ(encoding_name(Encoding::kListpack), "listpack");
  EXPECT_EQ(encoding_name(Encoding::kQuicklist), "quicklist");
  EXPECT_EQ(encoding_name(Encoding::kHashtable), "hashtable");
  EXPECT_EQ(encoding_name(Encoding::kIntset), "intset");
  EXPECT_EQ(encoding_name(Encoding::kSkiplist), "skiplist");
  EXPECT_EQ(encoding_name(Encoding::kStream), "stream");
}

TEST(Value, StringEncodings) {
  auto enc = [](std::string s) { return Value::make_string(std::move(s)).encoding; };
  EXPECT_EQ(enc("0"), Encoding::kInt);
  EXPECT_EQ(enc("12345"), Encoding::kInt);
  EXPECT_EQ(enc("-1"), Encoding::kInt);
  EXPECT_EQ(enc("9223372036854775807"), Encoding::kInt);
  EXPECT_EQ(enc("-9223372036854775808"), Encoding::kInt);
  EXPECT_EQ(enc("9223372036854775808"), Encoding::kEmbStr);   // overflows
  EXPECT_EQ(enc("-9223372036854775809"), Encoding::kEmbStr);  // overflows
  EXPECT_EQ(enc("99999999999999999999"), Encoding::kEmbStr);
  EXPECT_EQ(enc("-0"), Encoding::kEmbStr);
  EXPECT_EQ(enc("007"), Encoding::kEmbStr);
  EXPECT_EQ(enc("+7"), Encoding::kEmbStr);
  EXPECT_EQ(enc(" 7"), Encoding::kEmbStr);
  EXPECT_EQ(enc("7 "), Encoding::kEmbStr);
  EXPECT_EQ(enc("-"), Encoding::kEmbStr);
  EXPECT_EQ(enc(""), Encoding::kEmbStr);
  EXPECT_EQ(enc("1.5"), Encoding::kEmbStr);
  EXPECT_EQ(enc(std::string(44, 'a')), Encoding::kEmbStr);
  EXPECT_EQ(enc(std::string(45, 'a')), Encoding::kRaw);
  Value v = Value::make_string("hello");
  EXPECT_EQ(v.type, ObjType::kString);
  EXPECT_EQ(v.str, "hello");
  Value r = Value::make_raw_string("12");
  EXPECT_EQ(r.encoding, Encoding::kRaw);
  EXPECT_EQ(r.str, "12");
}

TEST(Value, IntEncodingIsExactlyCanonicalInt64) {
  EXPECT_TRUE(rc::check("to_string of any int64 is int-encoded", [](int64_t x) {
    RC_ASSERT(Value::make_string(std::to_string(x)).encoding == Encoding::kInt);
  }));
  // Strings over a number-like alphabet: leading zeros, signs, spaces, "-0",
  // values just past the int64 range.
  EXPECT_TRUE(rc::check("int-encoded strings are exactly the to_string of an int64", [] {
    const auto s = *rc::gen::container<std::string>(
        rc::gen::element('0', '1', '8', '9', '7', '2', '-', '+', ' '));
    const bool is_int = Value::make_string(s).encoding == Encoding::kInt;
    bool canonical = false;
    try {
      size_t used = 0;
      const long long x = std::stoll(s, &used);
      canonical = used == s.size() && std::to_string(x) == s;
    } catch (const std::exception&) {
    }
    RC_ASSERT(is_int == canonical);
  }));
}

TEST(Db, SetLookupRemove) {
  RecordingObserver obs;
  Db db(3, 1234, &obs);
  EXPECT_EQ(db.index(), 3);
  EXPECT_EQ(db.lookup("a", kNow), nullptr);
  Obj* stored = db.set("a", str("1"));
  EXPECT_EQ(stored->str(), "1");
  ASSERT_NE(db.lookup("a", kNow), nullptr);
  EXPECT_EQ(db.lookup("a", kNow)->str(), "1");
  EXPECT_TRUE(db.exists("a", kNow));
  db.set("a", str("2"));
  EXPECT_EQ(db.lookup("a", kNow)->str(), "2");
  EXPECT_EQ(db.size(), 1u);
  EXPECT_TRUE(db.remove("a"));
  EXPECT_FALSE(db.remove("a"));
  EXPECT_EQ(db.lookup("a", kNow), nullptr);
  EXPECT_TRUE(obs.events.empty());
}

TEST(Db, LookupTouchUpdatesLruClock) {
  Db db(0, 1, nullptr);
  db.set("a", str("v"));
  const int64_t now = (int64_t{1} << 24) * 1000 * 3 + 12'345'678;  // wraps the 24-bit clock
  Obj* v = db.lookup("a", now, {.touch = false});
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->lru(), 0u);
  EXPECT_TRUE(db.exists("a", now));
  EXPECT_EQ(v->lru(), 0u) << "exists() must not touch";
  v = db.lookup("a", now);
  EXPECT_EQ(v->lru(), static_cast<uint32_t>((now / 1000) & ((1 << 24) - 1)));
  EXPECT_EQ(v->lru(), 12'345u);
}

TEST(Db, LazyExpiry) {
  RecordingObserver obs;
  Db db(2, 99, &obs);
  db.set("a", str("v"));
  db.set("b", str("w"));
  db.set_expire("a", kNow + 100);
  EXPECT_EQ(db.expire_at("a"), kNow + 100);
  EXPECT_EQ(db.expire_at("b"), -1);
  EXPECT_EQ(db.expires_size(), 1u);
  EXPECT_FALSE(db.is_expired("a", kNow + 99));
  EXPECT_TRUE(db.is_expired("a", kNow + 100));
  EXPECT_EQ(db.size(), 2u) << "is_expired must not delete";
  ASSERT_NE(db.lookup("a", kNow + 99), nullptr);
  EXPECT_EQ(db.lookup("a", kNow + 100), nullptr);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.expired_keys(), 1u);
  ASSERT_EQ(obs.events.size(), 1u);
  EXPECT_EQ(obs.events[0], std::make_pair(2, std::string("a")));
  // Gone for good; further lookups do not report again.
  EXPECT_EQ(db.lookup("a", kNow + 200), nullptr);
  EXPECT_FALSE(db.exists("a", kNow + 200));
  EXPECT_EQ(obs.events.size(), 1u);
  EXPECT_NE(db.lookup("b", kNow + 1'000'000), nullptr);
}

TEST(Db, ExistsExpiresToo) {
  RecordingObserver obs;
  Db db(0, 5, &obs);
  db.set("a", str("v"));
  db.set_expire("a", kNow);
  EXPECT_FALSE(db.exists("a", kNow));
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(obs.events.size(), 1u);
}

TEST(Db, SetDropsTtlUnlessKeepTtl) {
  Db db(0, 7, nullptr);
  db.set("a", str("1"));
  db.set_expire("a", kNow + 1000);
  db.set("a", str("2"), /*keep_ttl=*/true);
  EXPECT_EQ(db.expire_at("a"), kNow + 1000);
  EXPECT_EQ(db.lookup("a", kNow)->str(), "2");
  db.set("a", str("3"));
  EXPECT_EQ(db.expire_at("a"), -1);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_NE(db.lookup("a", kNow + 5000), nullptr);
}

TEST(Db, SetExpirePersistRemove) {
  Db db(0, 8, nullptr);
  db.set("a", str("1"));
  EXPECT_FALSE(db.persist("a"));
  db.set_expire("a", kNow + 10);
  db.set_expire("a", kNow + 20);  // overwrite
  EXPECT_EQ(db.expire_at("a"), kNow + 20);
  EXPECT_EQ(db.expires_size(), 1u);
  EXPECT_TRUE(db.persist("a"));
  EXPECT_FALSE(db.persist("a"));
  EXPECT_EQ(db.expire_at("a"), -1);
  db.set_expire("a", kNow + 30);
  EXPECT_TRUE(db.remove("a"));
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.expire_at("a"), -1);
  // remove() of an expired-but-present key still reports it existed.
  db.set("b", str("1"));
  db.set_expire("b", kNow - 1);
  EXPECT_TRUE(db.remove("b"));
}

TEST(Db, AvgTtl) {
  Db db(0, 9, nullptr);
  EXPECT_EQ(db.avg_ttl_ms(kNow), 0);
  db.set("a", str("1"));
  db.set("b", str("1"));
  db.set("c", str("1"));
  db.set_expire("a", kNow + 1000);
  db.set_expire("b", kNow + 3000);
  EXPECT_EQ(db.avg_ttl_ms(kNow), 2000);
  EXPECT_EQ(db.avg_ttl_ms(kNow + 500), 1500);
  db.set_expire("b", kNow + 5000);
  EXPECT_EQ(db.avg_ttl_ms(kNow), 3000);
  db.persist("a");
  EXPECT_EQ(db.avg_ttl_ms(kNow), 5000);
  db.set("b", str("2"));  // drops the TTL
  EXPECT_EQ(db.avg_ttl_ms(kNow), 0);
  db.set_expire("c", kNow + 10);
  EXPECT_EQ(db.avg_ttl_ms(kNow + 20), 0) << "clamped at 0 once due";
  db.clear();
  EXPECT_EQ(db.avg_ttl_ms(kNow), 0);
}

TEST(Db, ActiveExpireDeletesOnlyExpiredAndNotifies) {
  RecordingObserver obs;
  Db db(4, 2024, &obs);
  TestRandom rnd(1);
  std::set<std::string> expired, alive;
  for (int i = 0; i < 2000; ++i) {
    db.set(key_of(i), str("v"));
    if (i % 4 == 0) {
      db.set_expire(key_of(i), kNow - 1 - i);  // already due
      expired.insert(key_of(i));
    } else {
      if (i % 4 == 1) db.set_expire(key_of(i), kNow + 1 + i);  // due later
      alive.insert(key_of(i));
    }
  }
  size_t total = 0;
  int steps = 0;
  while (db.expires_size() > alive.size() / 3 + 1 && steps < 10000) {
    size_t sampled = 0;
    const size_t deleted = db.active_expire_step(kNow, 20, rnd, &sampled);
    EXPECT_LE(deleted, sampled);
    EXPECT_LE(sampled, 20u + 16u) << "one step samples about max_samples keys";
    total += deleted;
    ++steps;
  }
  EXPECT_EQ(total, expired.size());
  EXPECT_EQ(db.expired_keys(), expired.size());
  EXPECT_EQ(db.size(), alive.size());
  ASSERT_EQ(obs.events.size(), expired.size());
  std::set<std::string> reported;
  for (const auto& [index, key] : obs.events) {
    EXPECT_EQ(index, 4);
    reported.insert(key);
  }
  EXPECT_EQ(reported, expired);
  for (const auto& k : alive) EXPECT_NE(db.lookup(k, kNow), nullptr) << k;
  // Nothing more to do at kNow.
  size_t sampled = 0;
  EXPECT_EQ(db.active_expire_step(kNow, 1000, rnd, &sampled), 0u);
  EXPECT_GT(sampled, 0u);
}

TEST(Db, ActiveExpireIsBounded) {
  Db db(0, 1, nullptr);
  TestRandom rnd(2);
  size_t sampled = 99;
  EXPECT_EQ(db.active_expire_step(kNow, 20, rnd, &sampled), 0u);
  EXPECT_EQ(sampled, 0u);
  // One volatile key among many: each step returns after a bounded walk.
  for (int i = 0; i < 5000; ++i) {
    db.set(key_of(i), str("v"));
    db.set_expire(key_of(i), kNow + 100000);
  }
  for (int i = 0; i < 4999; ++i) db.persist(key_of(i));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(db.active_expire_step(kNow, 20, rnd, &sampled), 0u);
    EXPECT_LE(sampled, 1u);
  }
  EXPECT_EQ(db.active_expire_step(kNow + 100000, 20, rnd, nullptr), 1u);
  EXPECT_EQ(db.expires_size(), 0u);
}

TEST(Db, RandomKey) {
  RecordingObserver obs;
  Db db(0, 3, &obs);
  TestRandom rnd(7);
  EXPECT_FALSE(db.random_key(rnd, kNow).has_value());
  for (int i = 0; i < 10; ++i) db.set(key_of(i), str("v"));
  for (int i = 0; i < 9; ++i) db.set_expire(key_of(i), kNow - 1);
  // Expired keys met on the way are deleted; the one live key is returned.
  auto k = db.random_key(rnd, kNow);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(*k, key_of(9));
  EXPECT_EQ(db.size() + obs.events.size(), 10u);

  std::set<std::string> drawn;
  Db db2(0, 4, nullptr);
  for (int i = 0; i < 50; ++i) db2.set(key_of(i), str("v"));
  for (int i = 0; i < 5000; ++i) drawn.insert(*db2.random_key(rnd, kNow));
  EXPECT_EQ(drawn.size(), 50u);
}

TEST(Db, RandomKeyAllExpiredGivesUp) {
  RecordingObserver obs;
  Db db(0, 3, &obs);
  TestRandom rnd(8);
  for (int i = 0; i < 500; ++i) {
    db.set(key_of(i), str("v"));
    db.set_expire(key_of(i), kNow - 1);
  }
  EXPECT_FALSE(db.random_key(rnd, kNow).has_value());
  EXPECT_EQ(obs.events.size(), 100u) << "bounded: one deletion per try";
  EXPECT_EQ(db.size(), 400u);
  // Small db: runs out of keys before running out of tries.
  Db small(0, 3, &obs);
  for (int i = 0; i < 5; ++i) {
    small.set(key_of(i), str("v"));
    small.set_expire(key_of(i), kNow - 1);
  }
  EXPECT_FALSE(small.random_key(rnd, kNow).has_value());
  EXPECT_EQ(small.size(), 0u);
}

TEST(Db, SwapContents) {
  RecordingObserver obs;
  Db a(0, 11, &obs), b(1, 22, &obs);
  a.set("in_a", str("1"));
  a.set_expire("in_a", kNow + 1000);
  b.set("in_b", str("2"));
  b.set("in_b2", str("3"));
  b.set_expire("in_b2", kNow + 10);
  a.swap_contents(b);
  EXPECT_EQ(a.index(), 0);
  EXPECT_EQ(b.index(), 1);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(b.size(), 1u);
  EXPECT_NE(a.lookup("in_b", kNow), nullptr);
  EXPECT_NE(b.lookup("in_a", kNow), nullptr);
  EXPECT_EQ(a.expire_at("in_b2"), kNow + 10);
  EXPECT_EQ(b.expire_at("in_a"), kNow + 1000);
  EXPECT_EQ(a.avg_ttl_ms(kNow), 10);
  EXPECT_EQ(b.avg_ttl_ms(kNow), 1000);
  // Expiry of a moved key is reported under the index of the db it is in now.
  EXPECT_EQ(a.lookup("in_b2", kNow + 10), nullptr);
  ASSERT_EQ(obs.events.size(), 1u);
  EXPECT_EQ(obs.events[0], std::make_pair(0, std::string("in_b2")));
  EXPECT_EQ(a.expired_keys(), 1u);
  EXPECT_EQ(b.expired_keys(), 0u);
  // Writes after the swap work with the moved tables.
  for (int i = 0; i < 1000; ++i) a.set(key_of(i), str("x"));
  for (int i = 0; i < 1000; ++i) ASSERT_NE(a.lookup(key_of(i), kNow), nullptr);
}

TEST(Db, ScanForEachClear) {
  Db db(0, 12, nullptr);
  for (int i = 0; i < 300; ++i) db.set(key_of(i), str(std::to_string(i)));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = db.scan(cursor, [&](std::string_view k, Obj& v) {
      EXPECT_EQ("k" + std::string(v.str()), std::string(k));
      seen.emplace(k);
    });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 300u);
  size_t n = 0;
  db.for_each([&](std::string_view, Obj&) { ++n; });
  EXPECT_EQ(n, 300u);
  db.set_expire(key_of(1), kNow + 5);
  db.clear();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.lookup(key_of(1), kNow), nullptr);
}

// A Reclaimer that records what it is handed: entries (freed at once) and
// detached keyspaces (kept for the test to free).
class RecordingReclaimer : public Reclaimer {
 public:
  void reclaim(Obj* o, FreeReason why) override {
    handed.emplace_back(std::string(o->key()), why);
    Obj::destroy(o);
  }
  void reclaim(std::unique_ptr<DetachedKeys> keys) override { detached.push_back(std::move(keys)); }
  std::vector<std::pair<std::string, FreeReason>> handed;
  std::vector<std::unique_ptr<DetachedKeys>> detached;
};

// A set of n members in the hash-table encoding.
Value table_set(int n) {
  auto set = std::make_unique<SetValue>(SetValue::Kind::kHashtable, 5);
  for (int i = 0; i < n; ++i) set->add("member:" + std::to_string(i), SetLimits{});
  Value v;
  v.type = ObjType::kSet;
  v.encoding = Encoding::kHashtable;
  v.coll = std::move(set);
  return v;
}

// Every way a Db drops a collection reaches the reclaimer with its reason;
// strings never do (they are freed inline).
TEST(Db, DroppedCollectionsGoToTheReclaimerWithTheirReason) {
  RecordingObserver obs;
  RecordingReclaimer rec;
  Db db(0, 17, &obs);
  db.set_reclaimer(&rec);
  db.set("unlinked", table_set(3));
  db.set("deleted", table_set(3));
  db.set("overwritten", table_set(3));
  db.set("replaced", table_set(3));
  db.set("expiring", table_set(3));
  db.set("actively", table_set(3));
  db.set("string", str("v"));
  db.set_expire("expiring", kNow + 10);
  db.set_expire("actively", kNow + 10);
  EXPECT_TRUE(db.remove("unlinked", FreeReason::kUnlinked));
  EXPECT_TRUE(db.remove("deleted", FreeReason::kDeleted));
  db.set("overwritten", str("now a string"));
  db.replace_value(db.lookup("replaced", kNow), table_set(1));
  EXPECT_EQ(db.lookup("expiring", kNow + 10), nullptr);
  TestRandom random(3);
  size_t sampled = 0;
  EXPECT_EQ(db.active_expire_step(kNow + 10, 20, random, &sampled), 1u);
  EXPECT_TRUE(db.remove("string"));
  db.set("string", str("again"));
  db.set("string", str("and again"));
  const std::vector<std::pair<std::string, FreeReason>> want = {
      {"unlinked", FreeReason::kUnlinked},       {"deleted", FreeReason::kDeleted},
      {"overwritten", FreeReason::kOverwritten}, {"replaced", FreeReason::kOverwritten},
      {"expiring", FreeReason::kExpired},        {"actively", FreeReason::kExpired}};
  EXPECT_EQ(rec.handed, want);
  EXPECT_EQ(obs.events.size(), 2u);
  EXPECT_EQ(db.size(), 3u);
}

// clear_async empties the db at once and hands every entry over; the db
// stays usable (same seed, empty TTL index) while the entries wait.
TEST(Db, ClearAsyncHandsOverEveryEntry) {
  RecordingReclaimer rec;
  Db db(0, 23, nullptr);
  db.set_reclaimer(&rec);
  EXPECT_EQ(db.clear_async(), 0u);  // nothing to hand over
  EXPECT_TRUE(rec.detached.empty());
  for (int i = 0; i < 3000; ++i) {
    if (i % 10 == 0) {
      db.set(key_of(i), table_set(i % 7));
    } else {
      db.set(key_of(i), str(std::to_string(i)));
    }
    if (i % 3 == 0) db.set_expire(key_of(i), kNow + 1000 + i);
  }
  const uint64_t hash_before = db.key_hash("k1");
  EXPECT_EQ(db.clear_async(), 3000u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(db.avg_ttl_ms(kNow), 0);
  EXPECT_EQ(db.lookup(key_of(3), kNow), nullptr);
  EXPECT_EQ(db.key_hash("k1"), hash_before);
  ASSERT_EQ(rec.detached.size(), 1u);
  EXPECT_EQ(rec.detached[0]->size(), 3000u);
  EXPECT_TRUE(rec.handed.empty());
  // New writes while the old entries wait, including keys of the same names.
  for (int i = 0; i < 3000; i += 2) db.set(key_of(i), str("new"));
  db.set_expire(key_of(0), kNow + 5);
  EXPECT_EQ(db.size(), 1500u);
  EXPECT_EQ(db.avg_ttl_ms(kNow), 5);
  size_t paced = 0;
  rec.detached[0]->free_all([&] { ++paced; });
  EXPECT_EQ(paced, 3000u);
  EXPECT_EQ(rec.detached[0]->size(), 0u);
  rec.detached.clear();
  EXPECT_EQ(db.lookup(key_of(2), kNow)->str(), "new");
  // Without a reclaimer clear_async is clear.
  Db plain(1, 29, nullptr);
  for (int i = 0; i < 100; ++i) plain.set(key_of(i), table_set(2));
  EXPECT_EQ(plain.clear_async(), 100u);
  EXPECT_EQ(plain.size(), 0u);
}

// Detached keys not freed by free_all are freed with their holder (ASan
// reports a leak otherwise).
TEST(Db, DetachedKeysFreeWhatIsLeft) {
  RecordingReclaimer rec;
  Db db(0, 31, nullptr);
  db.set_reclaimer(&rec);
  for (int i = 0; i < 500; ++i) db.set(key_of(i), table_set(i % 5));
  db.set_expire(key_of(7), kNow + 1);
  db.clear_async();
  ASSERT_EQ(rec.detached.size(), 1u);
  rec.detached.clear();
  EXPECT_EQ(db.size(), 0u);
}

TEST(Db, FreeEffortFollowsRedis) {
  // Compact encodings are one allocation or two: effort 1 whatever the size.
  SetLimits limits;
  auto ints = std::make_unique<SetValue>(SetValue::Kind::kIntset, 1);
  for (int i = 0; i < 500; ++i) ints->add(std::to_string(i), limits);
  EXPECT_EQ(ints->free_effort(), 1u);
  // A hash-table set: one per member.
  EXPECT_EQ(table_set(0).coll->free_effort(), 0u);
  EXPECT_EQ(table_set(65).coll->free_effort(), 65u);
}

// Model check of the Db's TTL bookkeeping under random operations.
TEST(Db, MatchesModel) {
  const bool ok = rc::check("Db agrees with a map model", [] {
    struct Entry {
      std::string value;
      int64_t expire_at = -1;
    };
    std::map<std::string, Entry> model;
    std::vector<std::string> expired_reports;
    struct Obs : KeyspaceObserver {
      std::vector<std::string>* out;
      void key_expired(int, std::string_view key) override { out->emplace_back(key); }
    } obs;
    obs.out = &expired_reports;
    Db db(0, *rc::gen::arbitrary<uint64_t>(), &obs);
    TestRandom rnd(*rc::gen::arbitrary<uint64_t>());
    int64_t now = kNow;
    const int n_ops = *rc::gen::inRange(0, 600);
    for (int i = 0; i < n_ops; ++i) {
      const int op = *rc::gen::inRange(0, 8);
      const std::string key = key_of(*rc::gen::inRange(0, 40));
      auto live = [&](const std::string& k) {
        auto it = model.find(k);
        return it != model.end() && (it->second.expire_at < 0 || it->second.expire_at > now);
      };
      switch (op) {
        case 0: {  // set
          const bool keep = *rc::gen::arbitrary<bool>();
          const std::string v = std::to_string(i);
          db.set(key, str(v), keep);
          auto& e = model[key];
          e.value = v;
          if (!keep) e.expire_at = -1;
          break;
        }
        case 1: {  // expire (only on present keys, as the contract asks)
          if (model.count(key) != 0) {
            const int64_t at = now + *rc::gen::inRange(-5, 50);
            db.set_expire(key, at);
            model[key].expire_at = at;
          }
          break;
        }
        case 2: {  // lookup
          Obj* v = db.lookup(key, now);
          RC_ASSERT((v != nullptr) == live(key));
          if (v != nullptr) RC_ASSERT(v->str() == model[key].value);
          if (v == nullptr) model.erase(key);
          break;
        }
        case 3: {  // remove
          RC_ASSERT(db.remove(key) == (model.erase(key) == 1));
          break;
        }
        case 4: {  // persist
          auto it = model.find(key);
          const bool had = it != model.end() && it->second.expire_at >= 0;
          RC_ASSERT(db.persist(key) == had);
          if (had) it->second.expire_at = -1;
          break;
        }
        case 5: {  // time passes
          now += *rc::gen::inRange(0, 20);
          break;
        }
        case 6: {  // active expiry: only due keys go, each reported
          const size_t before = db.size();
          const size_t deleted = db.active_expire_step(now, 5, rnd, nullptr);
          size_t gone = 0;
          for (auto it = model.begin(); it != model.end();) {
            if (it->second.expire_at >= 0 && db.expire_at(it->first) == -1) {
              RC_ASSERT(it->second.expire_at <= now);
              it = model.erase(it);
              ++gone;
            } else {
              ++it;
            }
          }
          RC_ASSERT(gone == deleted);
          RC_ASSERT(before - deleted == db.size());
          break;
        }
        default: {  // expire_at
          auto it = model.find(key);
          RC_ASSERT(db.expire_at(key) == (it == model.end() ? -1 : it->second.expire_at));
          break;
        }
      }
      RC_ASSERT(db.size() == model.size());
      size_t volatile_keys = 0;
      for (const auto& [k, e] : model) volatile_keys += e.expire_at >= 0 ? 1 : 0;
      RC_ASSERT(db.expires_size() == volatile_keys);
    }
    RC_ASSERT(db.expired_keys() == expired_reports.size());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace peregrine::store
