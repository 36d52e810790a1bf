// Unit tests of the helpers the reference models share (models/common.h).
//
// Every expected value was checked against redis-server 7.0.15: glob cases
// with SSCAN ... MATCH, cursors with SSCAN, integers with INCRBY, long
// doubles with INCRBYFLOAT, error texts with EXPIRE options and unknown
// commands.
#include "models/common.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace peregrine::models {
namespace {

using namespace std::string_literals;

TEST(ModelsCommon, GlobClassesAndEscapes) {
  EXPECT_TRUE(glob_match("[ab]*", "bcd"));
  EXPECT_FALSE(glob_match("[^ab]", "a"));
  EXPECT_TRUE(glob_match("[^", "x"));  // an open class runs to the end
  EXPECT_TRUE(glob_match("[\\", "\\"));
  EXPECT_TRUE(glob_match("\\", "\\"));
  EXPECT_TRUE(glob_match("\\*", "*"));
  EXPECT_FALSE(glob_match("\\*", "a"));
  // "[]" is an empty class: it matches nothing, so neither does "[]]".
  EXPECT_FALSE(glob_match("[]]", "]"));
  EXPECT_FALSE(glob_match("[]]", "]]"));
  EXPECT_FALSE(glob_match("[]]", "x]"));
  // "[a-]" is the range ']'..'a' (the closing bracket is the range's end).
  for (const char* s : {"a", "^", "_", "]"}) EXPECT_TRUE(glob_match("[a-]", s)) << s;
  EXPECT_FALSE(glob_match("[a-]", "b"));
  EXPECT_FALSE(glob_match("[a-]", "-"));
}

TEST(ModelsCommon, GlobRangeEndsAreSignedChars) {
  // "[a-\xff]" is the range -1..97: NUL..'a' and \xff, not 'b' or \x80.
  for (const std::string& s : {"-"s, "\0"s, "a"s, "\xff"s, "^"s, "_"s, "]"s, "\\"s}) {
    EXPECT_TRUE(glob_match("[a-\xff]", s)) << s;
    EXPECT_TRUE(glob_match("[\xff-a]", s)) << s;
  }
  EXPECT_FALSE(glob_match("[a-\xff]", "b"));
  EXPECT_FALSE(glob_match("[a-\xff]", "\x80"));
  EXPECT_TRUE(glob_match("[\x80-\xff]", "\x80"));
  EXPECT_TRUE(glob_match("[\x80-\xff]", "\xff"));
  EXPECT_FALSE(glob_match("[\x80-\xff]", "a"));
}

TEST(ModelsCommon, GlobEmptyString) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("a*", "a"));
  EXPECT_FALSE(glob_match("a*b", "a"));
}

TEST(ModelsCommon, ScanCursor) {
  for (const std::string& c : {""s, "0"s, "-1"s, "+3"s, "0\0x"s, "5\0"s, "\0"s,
                               "18446744073709551615"s, "-18446744073709551615"s}) {
    EXPECT_TRUE(valid_scan_cursor(c)) << c;
  }
  for (const std::string& c : {" 1"s, "1 "s, "+"s, "-"s, "x"s, "0x10"s, "1.5"s,
                               "18446744073709551616"s, "-18446744073709551616"s}) {
    EXPECT_FALSE(valid_scan_cursor(c)) << c;
  }
}

TEST(ModelsCommon, ParseInt64) {
  int64_t v = 0;
  EXPECT_TRUE(parse_int64("0", &v) && v == 0);
  EXPECT_TRUE(parse_int64("-9223372036854775808", &v) && v == INT64_MIN);
  EXPECT_TRUE(parse_int64("9223372036854775807", &v) && v == INT64_MAX);
  for (const std::string& s : {""s, "-"s, "-0"s, "00"s, "01"s, "+1"s, " 1"s, "1 "s, "1\0"s,
                               "9223372036854775808"s, "-9223372036854775809"s, "1e3"s}) {
    EXPECT_FALSE(parse_int64(s, &v)) << s;
  }
}

// What INCRBYFLOAT replies for `value` incremented by `by`.
std::string incrbyfloat(const std::string& value, const std::string& by) {
  long double a = 0;
  long double b = 0;
  if (!parse_long_double(value, &a) || !parse_long_double(by, &b)) return "not a float";
  return format_long_double(a + b);
}

TEST(ModelsCommon, LongDoubles) {
  EXPECT_EQ(incrbyfloat("0.2", "0.1"), "0.3");
  EXPECT_EQ(incrbyfloat("1e20", "0"), "100000000000000000000");
  EXPECT_EQ(incrbyfloat("-0.5", "0.5"), "0");
  EXPECT_EQ(incrbyfloat("1", "1e-20"), "1");
  EXPECT_EQ(incrbyfloat("10.5", "-5e-1"), "10");
  EXPECT_EQ(incrbyfloat("3", "0x10"), "19");
  EXPECT_EQ(format_long_double(-0.0L), "0");
  for (const std::string& s : {"1.5\0"s, " 1"s, "1e5000"s, "nan"s, ""s}) {
    EXPECT_EQ(incrbyfloat("3", s), "not a float") << s;
  }
}

TEST(ModelsCommon, ErrorTexts) {
  EXPECT_EQ(error("ERR a\r\nb"), "-ERR a  b\r\n");
  EXPECT_EQ(formatted_error("ERR Unsupported option foo\n"), "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(formatted_error("ERR Unsupported option \r\nfoo\r\nbar\n"),
            "-ERR Unsupported option   foo  bar\r\n");
  EXPECT_EQ(unknown_command({"foo\r\nbar", "x\ny", "z\0w"s}),
            "-ERR unknown command 'foo  bar', with args beginning with: 'x y' 'z' \r\n");
  EXPECT_EQ(unknown_command({"nosuch"}),
            "-ERR unknown command 'nosuch', with args beginning with: \r\n");
  // At most 128 bytes of arguments are quoted.
  std::string shown = unknown_command({"x", std::string(200, 'a'), "b"});
  EXPECT_EQ(shown, "-ERR unknown command 'x', with args beginning with: '" +
                       std::string(128, 'a') + "' \r\n");
}

TEST(ModelsCommon, Words) {
  EXPECT_TRUE(iequals("WithScores", "withscores"));
  EXPECT_FALSE(iequals("nx", "nxx"));
  EXPECT_EQ(lower("AbC\xc9"), "abc\xc9");
  EXPECT_EQ(c_string("ab\0cd"s), "ab");
}

}  // namespace
}  // namespace peregrine::models
