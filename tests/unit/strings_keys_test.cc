// Unit tests for the shared command helpers (src/commands/util.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "commands/util.h"

namespace peregrine {
namespace {

// ---------------------------------------------------------------- parse_int64

TEST(ParseInt64, AcceptsCanonicalIntegers) {
  int64_t v = 1;
  EXPECT_TRUE(parse_int64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(parse_int64("7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(parse_int64("-7", &v));
  EXPECT_EQ(v, -7);
  EXPECT_TRUE(parse_int64("1234567890", &v));
  EXPECT_EQ(v, 1234567890);
  EXPECT_TRUE(parse_int64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(parse_int64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64, RejectsEverythingElse) {
  int64_t v = 0;
  for (const char* s : {"", "-", "+1", " 1", "1 ", "01", "-01", "00", "-0", "1a", "a1", "1.0",
                        "1e3", "0x10", "9223372036854775808", "-9223372036854775809",
                        "99999999999999999999", "123456789012345678901", "--1", "\t1"}) {
    EXPECT_FALSE(parse_int64(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(parse_int64(std::string_view("1\0", 2), &v));
}

TEST(ParseUint64, Range) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_uint64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_uint64("18446744073709551615", &v));
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(parse_uint64("18446744073709551616", &v));
  EXPECT_FALSE(parse_uint64("-1", &v));
  EXPECT_FALSE(parse_uint64("+1", &v));
  EXPECT_FALSE(parse_uint64("01", &v));
  EXPECT_FALSE(parse_uint64("", &v));
  EXPECT_FALSE(parse_uint64(" 1", &v));
}

// ---------------------------------------------------------------- parse_double

TEST(ParseDouble, Accepts) {
  double v = 0;
  EXPECT_TRUE(parse_double("1", &v));
  EXPECT_EQ(v, 1.0);
  EXPECT_TRUE(parse_double("-2.5", &v));
  EXPECT_EQ(v, -2.5);
  EXPECT_TRUE(parse_double("+3", &v));
  EXPECT_EQ(v, 3.0);
  EXPECT_TRUE(parse_double("1e10", &v));
  EXPECT_EQ(v, 1e10);
  EXPECT_TRUE(parse_double(".5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(parse_double("inf", &v));
  EXPECT_TRUE(std::isinf(v) && v > 0);
  EXPECT_TRUE(parse_double("+inf", &v));
  EXPECT_TRUE(std::isinf(v) && v > 0);
  EXPECT_TRUE(parse_double("-inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  EXPECT_TRUE(parse_double("0x10", &v));
  EXPECT_EQ(v, 16.0);
  EXPECT_TRUE(parse_double("4.9e-320", &v));  // subnormal, still a number
  EXPECT_GT(v, 0);
}

TEST(ParseDouble, Rejects) {
  double v = 0;
  for (const char* s : {"", " 1", "1 ", "abc", "1x", "nan", "-nan", "1e400", "-1e400", "1e-400",
                        "\n1"}) {
    EXPECT_FALSE(parse_double(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(parse_double(std::string_view("1\0", 2), &v));
}

TEST(ParseLongDouble, AcceptsAndRejects) {
  long double v = 0;
  EXPECT_TRUE(parse_long_double("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  EXPECT_TRUE(parse_long_double("1e400", &v));  // fits in a long double
  EXPECT_TRUE(parse_long_double("-inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_FALSE(parse_long_double("", &v));
  EXPECT_FALSE(parse_long_double(" 1", &v));
  EXPECT_FALSE(parse_long_double("1 ", &v));
  EXPECT_FALSE(parse_long_double("nan", &v));
  EXPECT_FALSE(parse_long_double("1e99999", &v));
  EXPECT_FALSE(parse_long_double(std::string(5120, '1'), &v));
  EXPECT_TRUE(parse_long_double(std::string(100, '1'), &v));
}

// ---------------------------------------------------------------- format_long_double

TEST(FormatLongDouble, AsIncrbyfloatReplies) {
  // Expected texts observed from INCRBYFLOAT on a fresh key.
  EXPECT_EQ(format_long_double(10.5L), "10.5");
  EXPECT_EQ(format_long_double(3.0e3L), "3000");
  EXPECT_EQ(format_long_double(0.1L), "0.1");
  EXPECT_EQ(format_long_double(1.1L), "1.1");
  EXPECT_EQ(format_long_double(5.0e+20L), "500000000000000000000");
  EXPECT_EQ(format_long_double(1e17L), "100000000000000000");
  EXPECT_EQ(format_long_double(1e-20L), "0");
  EXPECT_EQ(format_long_double(-1e-20L), "0");
  EXPECT_EQ(format_long_double(-0.0L), "0");
  EXPECT_EQ(format_long_double(0.0L), "0");
  EXPECT_EQ(format_long_double(-2.25L), "-2.25");
  long double third = 0;
  ASSERT_TRUE(parse_long_double("0.3333333333333333333", &third));
  EXPECT_EQ(format_long_double(third), "0.33333333333333333");
  long double v = 0;
  ASSERT_TRUE(parse_long_double("123456789.123456789", &v));
  EXPECT_EQ(format_long_double(v), "123456789.12345678899873747");
  ASSERT_TRUE(parse_long_double("0.30000000000000004", &v));
  EXPECT_EQ(format_long_double(v), "0.30000000000000004");
  EXPECT_EQ(format_long_double(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(format_long_double(-std::numeric_limits<long double>::infinity()), "-inf");
}

// ---------------------------------------------------------------- glob_match

TEST(GlobMatch, Basics) {
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("h?llo", "hello"));
  EXPECT_TRUE(glob_match("h?llo", "hallo"));
  EXPECT_FALSE(glob_match("h?llo", "hllo"));
  EXPECT_TRUE(glob_match("h*llo", "hllo"));
  EXPECT_TRUE(glob_match("h*llo", "heeeello"));
  EXPECT_TRUE(glob_match("h[ae]llo", "hello"));
  EXPECT_TRUE(glob_match("h[ae]llo", "hallo"));
  EXPECT_FALSE(glob_match("h[ae]llo", "hillo"));
  EXPECT_TRUE(glob_match("h[^e]llo", "hallo"));
  EXPECT_FALSE(glob_match("h[^e]llo", "hello"));
  EXPECT_TRUE(glob_match("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(glob_match("h[b-a]llo", "hallo"));  // reversed range
  EXPECT_FALSE(glob_match("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(glob_match("a\\*b", "a*b"));
  EXPECT_FALSE(glob_match("a\\*b", "axb"));
  EXPECT_TRUE(glob_match("[\\]]", "]"));
  EXPECT_TRUE(glob_match("[\\[]", "["));
  EXPECT_TRUE(glob_match("abc", "abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  EXPECT_FALSE(glob_match("abcd", "abc"));
  EXPECT_TRUE(glob_match("a*", "a"));
  EXPECT_TRUE(glob_match("a**", "a"));
  EXPECT_FALSE(glob_match("a*?", "a"));
  EXPECT_TRUE(glob_match("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(glob_match("*a*b*", "xxbxxaxx"));
}

TEST(GlobMatch, Quirks) {
  // An empty string matches only the empty pattern, even "*".
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("", "a"));
  // A class left open runs to the end of the pattern.
  EXPECT_FALSE(glob_match("[", "["));
  EXPECT_TRUE(glob_match("[ab", "b"));
  EXPECT_FALSE(glob_match("[ab", "ab"));
  // A range consumes its end even when that end is ']': "[a-]*" is the
  // still-open class {']'..'a', '*'}.
  EXPECT_TRUE(glob_match("[a-]*", "a"));
  EXPECT_TRUE(glob_match("[a-]*", "^"));
  EXPECT_TRUE(glob_match("[a-]*", "*"));
  EXPECT_FALSE(glob_match("[a-]*", "a]"));
  EXPECT_FALSE(glob_match("[a-]*", "f"));
  // An empty class matches nothing; negated, it matches any one character.
  EXPECT_FALSE(glob_match("[]", "a"));
  EXPECT_TRUE(glob_match("[^]", "a"));
  EXPECT_FALSE(glob_match("[]a]", "a"));  // "[]" can never match, so neither can "[]a]"
  EXPECT_TRUE(glob_match("[^]a]", "xa]"));
  // A trailing backslash is literal.
  EXPECT_TRUE(glob_match("a\\", "a\\"));
  EXPECT_TRUE(glob_match("[a\\", "\\"));
}

TEST(GlobMatch, Nocase) {
  EXPECT_TRUE(glob_match("HeLLo", "hello", true));
  EXPECT_FALSE(glob_match("HeLLo", "hello", false));
  EXPECT_TRUE(glob_match("h[A-Z]llo", "hello", true));
  EXPECT_FALSE(glob_match("h[A-Z]llo", "hello", false));
  EXPECT_TRUE(glob_match("h[E]llo", "hello", true));
  EXPECT_TRUE(glob_match("*LLO", "hello", true));
}

TEST(GlobMatch, ManyStarsStayFast) {
  std::string pattern;
  for (int i = 0; i < 2000; ++i) pattern += "a*";
  pattern += "b";
  std::string str(5000, 'a');
  EXPECT_FALSE(glob_match(pattern, str));
  std::string deep(200000, '*');
  EXPECT_TRUE(glob_match(deep, "x"));
}

// A direct recursive transcription of the matching rules, used as an oracle
// for random patterns.
bool reference_match(std::string_view p, std::string_view s, bool nocase) {
  auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  auto eq = [&](char a, char b) { return nocase ? low(a) == low(b) : a == b; };
  while (!p.empty() && !s.empty()) {
    if (p[0] == '*') {
      while (p.size() > 1 && p[1] == '*') p.remove_prefix(1);
      if (p.size() == 1) return true;
      for (size_t i = 0; i < s.size(); ++i) {
        if (reference_match(p.substr(1), s.substr(i), nocase)) return true;
      }
      return false;
    }
    if (p[0] == '?') {
      s.remove_prefix(1);
    } else if (p[0] == '[') {
      p.remove_prefix(1);
      bool neg = !p.empty() && p[0] == '^';
      if (neg) p.remove_prefix(1);
      bool m = false;
      while (true) {
        if (p.empty()) {
          p = std::string_view(p.data() - 1, 1);  // step back so the advance below ends it
          break;
        }
        if (p[0] == '\\' && p.size() >= 2) {
          p.remove_prefix(1);
          if (p[0] == s[0]) m = true;
        } else if (p[0] == ']') {
          break;
        } else if (p.size() >= 3 && p[1] == '-') {
          unsigned char a = p[0], b = p[2], c = s[0];
          if (nocase) { a = low(a); b = low(b); c = low(c); }
          if (a > b) std::swap(a, b);
          if (c >= a && c <= b) m = true;
          p.remove_prefix(2);
        } else if (eq(p[0], s[0])) {
          m = true;
        }
        p.remove_prefix(1);
      }
      if (neg) m = !m;
      if (!m) return false;
      s.remove_prefix(1);
    } else {
      if (p[0] == '\\' && p.size() >= 2) p.remove_prefix(1);
      if (!eq(p[0], s[0])) return false;
      s.remove_prefix(1);
    }
    p.remove_prefix(1);
    if (s.empty()) {
      while (!p.empty() && p[0] == '*') p.remove_prefix(1);
      break;
    }
  }
  return p.empty() && s.empty();
}

TEST(GlobMatch, AgreesWithReferenceOnRandomInputs) {
  std::mt19937 rng(12345);
  const std::string pattern_chars = "ab*?[]^-\\A";
  const std::string string_chars = "abAB-]^";
  for (int iter = 0; iter < 200000; ++iter) {
    std::string p, s;
    size_t pl = rng() % 8, sl = rng() % 7;
    for (size_t i = 0; i < pl; ++i) p += pattern_chars[rng() % pattern_chars.size()];
    for (size_t i = 0; i < sl; ++i) s += string_chars[rng() % string_chars.size()];
    bool nocase = rng() % 2;
    ASSERT_EQ(glob_match(p, s, nocase), reference_match(p, s, nocase))
        << "pattern '" << p << "' string '" << s << "' nocase " << nocase;
  }
}

// ---------------------------------------------------------------- access stamps

TEST(AccessStamps, LruClockAndIdleTime) {
  const int64_t now_ms = 1'700'000'123'000;  // on a second boundary
  const uint32_t stamp = initial_access_stamp(now_ms, /*lfu=*/false);
  EXPECT_EQ(stamp, lru_clock_at(now_ms));
  EXPECT_EQ(stamp, static_cast<uint32_t>((now_ms / 1000) & 0xffffff));
  EXPECT_EQ(lru_idle_ms(stamp, now_ms), 0);
  EXPECT_EQ(lru_idle_ms(stamp, now_ms + 5'000), 5'000);
  EXPECT_EQ(lru_idle_ms(stamp, now_ms + 999), 0);  // one-second resolution
  // The 24-bit clock wraps: a stamp just below the top, read just after the
  // wrap, is a few seconds old rather than negative.
  const int64_t wrap_ms = (int64_t{1} << 24) * 1000 * 101;  // clock reads 0 here
  EXPECT_EQ(lru_clock_at(wrap_ms), 0u);
  EXPECT_EQ(lru_idle_ms((1u << 24) - 3, wrap_ms + 2'000), 4'000);
}

TEST(AccessStamps, LfuCounterDecay) {
  const int64_t now_ms = 1'699'999'980'000;  // on a minute boundary
  const uint32_t stamp = initial_access_stamp(now_ms, /*lfu=*/true);
  EXPECT_EQ(stamp & 0xff, 5u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms, 1), 5u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms + 59'000, 1), 5u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms + 3 * 60'000, 1), 2u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms + 4 * 60'000, 2), 3u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms + 60 * 60'000, 1), 0u);
  EXPECT_EQ(lfu_decayed_counter(stamp, now_ms + 60 * 60'000, 0), 5u);  // no decay
  EXPECT_TRUE(is_lfu_policy("allkeys-lfu"));
  EXPECT_TRUE(is_lfu_policy("volatile-lfu"));
  EXPECT_FALSE(is_lfu_policy("allkeys-lru"));
  EXPECT_FALSE(is_lfu_policy("noeviction"));
}

// ---------------------------------------------------------------- case helpers

TEST(CaseHelpers, LowerAndCompare) {
  EXPECT_EQ(to_lower("GeT"), "get");
  EXPECT_EQ(to_lower("A-Z_09"), "a-z_09");
  EXPECT_TRUE(equals_nocase("KeepTTL", "KEEPTTL"));
  EXPECT_FALSE(equals_nocase("ex", "exat"));
}

}  // namespace
}  // namespace peregrine
