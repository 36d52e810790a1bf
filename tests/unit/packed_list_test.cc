// The compact encodings of store/packed_list.h: PackedBlock (exact-size
// storage, aux word, the switch to the large header), PackedList (whole
// entries by offset) and FrontCodedList (front-coded lanes read through a
// Cursor). Each is checked against a std::vector<std::string> model under
// random inserts, erases and replaces at arbitrary positions, with strings
// drawn to share prefixes often and to cover empty, binary and long entries.
#include "store/packed_list.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::store {
namespace {

// Strings that often share prefixes with each other: a few short stems, a
// numbered suffix, sometimes binary bytes, sometimes long (past the 15 and
// 142 byte thresholds of the entry header's extension varints).
rc::Gen<std::string> gen_entry() {
  return rc::gen::oneOf(
      rc::gen::container<std::string>(rc::gen::element('a', 'b')),
      rc::gen::map(rc::gen::pair(rc::gen::element(std::string("field:"), std::string("user:"),
                                                  std::string(""), std::string("field:1")),
                                 rc::gen::inRange(0, 300)),
                   [](const std::pair<std::string, int>& p) {
                     return p.first + std::to_string(p.second);
                   }),
      rc::gen::container<std::string>(rc::gen::element('\0', '\xff', '\r', '\n', 'x')),
      rc::gen::map(rc::gen::pair(rc::gen::inRange<size_t>(0, 400), rc::gen::element('p', 'q')),
                   [](const std::pair<size_t, char>& p) { return std::string(p.first, p.second); }));
}

// ------------------------------------------------------------ PackedBlock

// A block whose large header starts at 100 entries or bytes.
using SmallLimitBlock = PackedBlock<true, 100>;

std::string contents(const SmallLimitBlock& b) {
  return b.bytes() == 0 ? std::string() : std::string(b.data(), b.bytes());
}

TEST(PackedBlock, EmptyIsNullAndAuxAllocates) {
  PackedBlock<false> plain;
  EXPECT_EQ(plain.count(), 0u);
  EXPECT_EQ(plain.bytes(), 0u);
  EXPECT_EQ(plain.data(), nullptr);
  plain.splice(0, 0, {"abc"}, 1);
  EXPECT_EQ(std::string(plain.data(), plain.bytes()), "abc");
  plain.splice(0, 3, {}, -1);
  EXPECT_EQ(plain.data(), nullptr);  // back to no block at all

  PackedBlock<true> with_aux;
  EXPECT_EQ(with_aux.aux(), 0u);
  with_aux.set_aux(0x1234567890abcdefULL);
  EXPECT_EQ(with_aux.aux(), 0x1234567890abcdefULL);
  EXPECT_EQ(with_aux.bytes(), 0u);
  with_aux.splice(0, 0, {"xy", "z"}, 2);
  EXPECT_EQ(with_aux.count(), 2u);
  EXPECT_EQ(with_aux.aux(), 0x1234567890abcdefULL);
  with_aux.clear();
  EXPECT_EQ(with_aux.count(), 0u);
  EXPECT_EQ(with_aux.aux(), 0x1234567890abcdefULL);  // clear keeps the aux word
  PackedBlock<true> copy = with_aux;
  EXPECT_EQ(copy.aux(), 0x1234567890abcdefULL);
}

TEST(PackedBlock, AuxWordCostsBytesOnlyWhileSet) {
  PackedBlock<true> b;
  b.splice(0, 0, {"abcdef"}, 3);
  EXPECT_EQ(b.footprint(), 8u + 6u);  // no aux word: the 8-byte header
  b.set_aux(42);
  EXPECT_EQ(b.footprint(), 16u + 6u);
  EXPECT_EQ(b.count(), 3u);  // the presence bit is not part of the count
  EXPECT_EQ(std::string(b.data(), b.bytes()), "abcdef");
  b.set_aux(0);
  EXPECT_EQ(b.footprint(), 8u + 6u);
  EXPECT_EQ(b.aux(), 0u);
  EXPECT_EQ(b.count(), 3u);
  b.splice(0, 6, {}, -3);
  EXPECT_EQ(b.data(), nullptr);  // nothing left to keep

  PackedBlock<true> header_only;
  header_only.set_aux(7);
  EXPECT_EQ(header_only.footprint(), 16u);
  header_only.set_aux(0);
  EXPECT_EQ(header_only.data(), nullptr);
}

TEST(PackedBlock, AuxSurvivesTheSwitchToTheLargeHeader) {
  SmallLimitBlock b;
  b.set_aux(99);
  b.splice(0, 0, {std::string(150, 'x')}, 1);  // past 100 bytes: large header
  EXPECT_EQ(b.aux(), 99u);
  EXPECT_EQ(b.footprint(), 32u + 150u);
  b.set_aux(0);
  EXPECT_EQ(b.aux(), 0u);
  b.set_aux(5);
  b.splice(0, 150, {"y"}, 0);  // back to the small header
  EXPECT_EQ(b.aux(), 5u);
  EXPECT_EQ(b.footprint(), 16u + 1u);
  EXPECT_EQ(b.count(), 1u);
}

TEST(PackedBlock, PiecesMayPointIntoTheBlock) {
  PackedBlock<false> b;
  b.splice(0, 0, {"hello world"}, 1);
  std::string_view self(b.data(), b.bytes());
  b.splice(5, 5, {self.substr(5), self.substr(0, 5)}, 0);
  EXPECT_EQ(std::string(b.data(), b.bytes()), "hello worldhello world");
}

TEST(PackedBlock, RandomSplicesMatchAStringAcrossTheLargeHeader) {
  EXPECT_TRUE(rc::check("splices agree with std::string", [] {
    SmallLimitBlock b;
    std::string model;
    size_t count = 0;
    uint64_t aux = *rc::gen::arbitrary<uint64_t>();
    b.set_aux(aux);
    const auto ops = *rc::gen::container<std::vector<std::tuple<size_t, size_t, std::string, int>>>(
        rc::gen::tuple(rc::gen::arbitrary<size_t>(), rc::gen::arbitrary<size_t>(),
                       rc::gen::container<std::string>(rc::gen::arbitrary<char>()),
                       rc::gen::inRange(-3, 40)));
    for (const auto& [a, l, text, dcount] : ops) {
      const size_t from = model.empty() ? 0 : a % (model.size() + 1);
      const size_t to = from + (model.size() == from ? 0 : l % (model.size() - from + 1));
      const int delta = dcount < 0 && count < static_cast<size_t>(-dcount) ? 0 : dcount;
      b.splice(from, to, {text}, delta);
      model.replace(from, to - from, text);
      if (dcount == 39) {  // now and then the aux word comes or goes
        aux = aux == 0 ? from + 1 : 0;
        b.set_aux(aux);
      }
      count += static_cast<size_t>(static_cast<ptrdiff_t>(delta));
      RC_ASSERT(contents(b) == model);
      RC_ASSERT(b.count() == count);
      RC_ASSERT(b.aux() == aux);
    }
    SmallLimitBlock copy(b);
    RC_ASSERT(contents(copy) == model);
    RC_ASSERT(copy.count() == count);
    RC_ASSERT(copy.aux() == aux);
  }));
}

// ------------------------------------------------------------ PackedList

std::vector<std::string> contents(const PackedList& l) {
  std::vector<std::string> out;
  for (size_t off = l.begin(); off < l.end(); off = l.next(off)) out.emplace_back(l.at(off));
  return out;
}

TEST(PackedList, RandomEditsMatchAVector) {
  EXPECT_TRUE(rc::check("PackedList agrees with std::vector", [] {
    PackedList l;
    std::vector<std::string> model;
    const auto ops = *rc::gen::container<std::vector<std::tuple<int, size_t, std::string>>>(
        rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::arbitrary<size_t>(), gen_entry()));
    for (const auto& [op, pos, v] : ops) {
      if (op == 0 || model.empty()) {
        const size_t i = pos % (model.size() + 1);
        l.insert(l.offset_of(i), v);
        model.insert(model.begin() + static_cast<ptrdiff_t>(i), v);
      } else if (op == 1) {
        const size_t i = pos % model.size();
        l.erase(l.offset_of(i));
        model.erase(model.begin() + static_cast<ptrdiff_t>(i));
      } else if (op == 2) {
        const size_t i = pos % model.size();
        l.replace(l.offset_of(i), v);
        model[i] = v;
      } else {
        const size_t off = l.find(v);
        const auto it = std::find(model.begin(), model.end(), v);
        RC_ASSERT((off == l.end()) == (it == model.end()));
      }
      RC_ASSERT(l.size() == model.size());
    }
    RC_ASSERT(contents(l) == model);
    PackedList copy = l;
    RC_ASSERT(contents(copy) == model);
  }));
}

// ------------------------------------------------------------ FrontCodedList

using OneLane = FrontCodedList<false, LaneCoding::kPrefix>;
using Pairs = FrontCodedList<true, LaneCoding::kPrefix, LaneCoding::kRepeat>;
using ThreeLanes = FrontCodedList<false, LaneCoding::kRepeat, LaneCoding::kPrefix, LaneCoding::kPrefix>;

template <typename L>
std::vector<std::string> contents(const L& l) {
  std::vector<std::string> out;
  for (typename L::Cursor c(l); !c.at_end(); c.advance()) out.emplace_back(c.value());
  return out;
}

TEST(FrontCodedList, SharesPrefixesAndRepeats) {
  Pairs l;
  l.set_aux(99);
  {
    Pairs::Appender append(l);
    for (int i = 0; i < 100; ++i) {
      char field[16];
      std::snprintf(field, sizeof field, "field:%03d", i);
      append.push(field);
      append.push("vvvvvvvvvvvvvvvv");
    }
  }
  EXPECT_EQ(l.size(), 200u);
  EXPECT_EQ(l.aux(), 99u);
  // The first pair takes 10 + 17 bytes. Then a field takes 2 bytes (a head
  // and its last digit; 3 when the tens digit changes too, 9 times) and a
  // repeated value 1.
  EXPECT_EQ(l.bytes(), 27u + 99u * 2u + 9u + 99u);
  std::vector<std::string> all = contents(l);
  EXPECT_EQ(all[0], "field:000");
  EXPECT_EQ(all[199], "vvvvvvvvvvvvvvvv");
  EXPECT_EQ(all[198], "field:099");
}

TEST(FrontCodedList, EmptyAndBinaryEntries) {
  OneLane l;
  const std::vector<std::string> want = {"", "", std::string("\0\0", 2), std::string("\0", 1),
                                         "", "\xff\xfe", "\xff", std::string(200, 'z'),
                                         std::string(199, 'z') + "y", ""};
  {
    OneLane::Appender append(l);
    for (const std::string& s : want) append.push(s);
  }
  EXPECT_EQ(contents(l), want);
  OneLane::Cursor c(l);
  EXPECT_TRUE(c.find(std::string(199, 'z') + "y"));
  EXPECT_EQ(c.index(), 8u);
  OneLane::Cursor d(l);
  EXPECT_FALSE(d.find("zz"));
  EXPECT_TRUE(d.at_end());
}

// The views of a kRepeat lane point into the block: taken during one walk,
// they all still read right after it.
TEST(FrontCodedList, RepeatLaneViewsOutliveTheCursor) {
  Pairs l;
  {
    Pairs::Appender append(l);
    for (int i = 0; i < 50; ++i) {
      append.push("f" + std::to_string(i));
      append.push(i % 3 == 0 ? std::string("value") : i % 3 == 1 ? "val" : "other" + std::to_string(i));
    }
  }
  std::vector<std::string_view> values;
  for (Pairs::Cursor c(l); !c.at_end(); c.advance()) {
    c.advance();
    values.push_back(c.value());
  }
  for (int i = 0; i < 50; ++i) {
    const std::string want = i % 3 == 0 ? "value" : i % 3 == 1 ? "val" : "other" + std::to_string(i);
    EXPECT_EQ(values[static_cast<size_t>(i)], want) << i;
  }
}

// Walks l with a random mix of value()+advance() and read(), checking that
// each view handed out still reads right until the cursor has moved past
// the next entry of its lane (the documented lifetime), and that
// for_each_row (where the list has it) sees the same rows.
template <typename L>
void check_views(const L& l, const std::vector<std::string>& model, uint64_t choices) {
  constexpr size_t S = L::kStride;
  std::vector<std::string_view> views;
  typename L::Cursor c(l);
  for (size_t i = 0; i < model.size(); ++i, choices = choices * 6364136223846793005ULL + 1) {
    RC_ASSERT(c.index() == i);
    if ((choices >> 33) & 1) {
      views.push_back(c.read());
    } else {
      RC_ASSERT(c.matches(model[i]));
      views.push_back(c.value());
      c.advance();
    }
    for (size_t j = i + 1 > S ? i + 1 - S : 0; j <= i; ++j) RC_ASSERT(views[j] == model[j]);
  }
  RC_ASSERT(c.at_end());
  if constexpr (requires { l.for_each_row([](const auto&) {}); }) {
    std::vector<std::string> rows;
    l.for_each_row([&](const std::array<std::string_view, S>& row) {
      for (std::string_view v : row) rows.emplace_back(v);
    });
    RC_ASSERT(rows == model);
  }
}

// Random edits on a list of `L::kStride` lanes against a vector: inserting
// and erasing whole rows of kStride entries at any row, replacing any single
// entry, appending, and finding.
template <typename L>
void check_random_edits() {
  constexpr size_t S = L::kStride;
  L l;
  std::vector<std::string> model;
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, size_t, size_t, std::vector<std::string>>>>(
      rc::gen::tuple(rc::gen::inRange(0, 6), rc::gen::arbitrary<size_t>(),
                     rc::gen::inRange<size_t>(0, 3),
                     rc::gen::container<std::vector<std::string>>(3 * S, gen_entry())));
  for (const auto& [op, pos, rows, values] : ops) {
    const size_t n_rows = model.size() / S;
    if (op == 0 || n_rows == 0) {  // insert `rows` rows before row pos
      const size_t row = pos % (n_rows + 1);
      std::vector<std::string_view> ins(values.begin(), values.begin() + static_cast<ptrdiff_t>(rows * S));
      typename L::Cursor c(l);
      c.skip(row * S);
      l.splice(c, 0, std::span<const std::string_view>(ins));
      model.insert(model.begin() + static_cast<ptrdiff_t>(row * S), values.begin(),
                   values.begin() + static_cast<ptrdiff_t>(rows * S));
    } else if (op == 1) {  // erase up to `rows` rows from row pos
      const size_t row = pos % n_rows;
      const size_t k = std::min(rows, n_rows - row);
      typename L::Cursor c(l);
      c.skip(row * S);
      l.splice(c, k * S, std::span<const std::string_view>());
      model.erase(model.begin() + static_cast<ptrdiff_t>(row * S),
                  model.begin() + static_cast<ptrdiff_t>((row + k) * S));
    } else if (op == 2) {  // replace one entry
      const size_t i = pos % model.size();
      typename L::Cursor c(l);
      c.skip(i);
      l.splice(c, 1, {std::string_view(values[0])});
      model[i] = values[0];
    } else if (op == 3) {  // replace a row by `rows` rows
      const size_t row = pos % n_rows;
      std::vector<std::string_view> ins(values.begin(), values.begin() + static_cast<ptrdiff_t>(rows * S));
      typename L::Cursor c(l);
      c.skip(row * S);
      l.splice(c, S, std::span<const std::string_view>(ins));
      model.erase(model.begin() + static_cast<ptrdiff_t>(row * S),
                  model.begin() + static_cast<ptrdiff_t>((row + 1) * S));
      model.insert(model.begin() + static_cast<ptrdiff_t>(row * S), values.begin(),
                   values.begin() + static_cast<ptrdiff_t>(rows * S));
    } else if (op == 4) {  // append through an Appender
      typename L::Appender append(l);
      for (size_t i = 0; i < rows * S; ++i) append.push(values[i]);
      model.insert(model.end(), values.begin(), values.begin() + static_cast<ptrdiff_t>(rows * S));
    } else {  // find an entry of lane 0
      typename L::Cursor c(l);
      const bool found = c.find(values[0], S);
      size_t want = model.size();
      for (size_t i = 0; i < model.size(); i += S) {
        if (model[i] == values[0]) {
          want = i;
          break;
        }
      }
      RC_ASSERT(found == (want != model.size()));
      RC_ASSERT(c.index() == want);
      if (found) {
        RC_ASSERT(c.value() == values[0]);
      }
    }
    RC_ASSERT(l.size() == model.size());
    RC_ASSERT(contents(l) == model);
    check_views(l, model, pos);
  }
  L copy = l;
  RC_ASSERT(contents(copy) == model);
}

TEST(FrontCodedList, OneLaneMatchesAVector) {
  EXPECT_TRUE(rc::check("one front-coded lane agrees with std::vector",
                        [] { check_random_edits<OneLane>(); }));
}

TEST(FrontCodedList, PairsMatchAVector) {
  EXPECT_TRUE(rc::check("field/value lanes agree with std::vector",
                        [] { check_random_edits<Pairs>(); }));
}

TEST(FrontCodedList, ThreeLanesMatchAVector) {
  EXPECT_TRUE(rc::check("three lanes agree with std::vector",
                        [] { check_random_edits<ThreeLanes>(); }));
}

// A long deterministic run on one list, so that it grows to hundreds of
// entries (the property runs above keep lists short).
TEST(FrontCodedList, LongRandomRunMatchesAVector) {
  std::mt19937_64 rng(12345);
  auto rnd = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };
  auto value = [&] {
    switch (rnd(4)) {
      case 0: return "field:" + std::to_string(rnd(600));
      case 1: return std::string(rnd(40), static_cast<char>('a' + rnd(2)));
      case 2: return std::string("vvvvvvvvvvvvvvvv").substr(rnd(17));
      default: return std::string(rnd(3), '\0');
    }
  };
  Pairs l;
  std::vector<std::string> model;
  for (int step = 0; step < 6000; ++step) {
    const size_t rows = model.size() / 2;
    const size_t op = rnd(step < 3000 ? 4 : 6);
    Pairs::Cursor c(l);
    if (op <= 1 || rows == 0) {
      const size_t row = rnd(rows + 1);
      const std::string f = value(), v = value();
      c.skip(2 * row);
      l.splice(c, 0, {f, v});
      model.insert(model.begin() + static_cast<ptrdiff_t>(2 * row), {f, v});
    } else if (op == 2) {
      const size_t i = rnd(model.size());
      const std::string v = value();
      c.skip(i);
      l.splice(c, 1, {v});
      model[i] = v;
    } else {
      const size_t row = rnd(rows);
      c.skip(2 * row);
      l.splice(c, 2, {});
      model.erase(model.begin() + static_cast<ptrdiff_t>(2 * row),
                  model.begin() + static_cast<ptrdiff_t>(2 * row + 2));
    }
    if (step % 97 == 0) {
      ASSERT_EQ(contents(l), model) << "step " << step;
    }
  }
  EXPECT_EQ(contents(l), model);
}

}  // namespace
}  // namespace peregrine::store
