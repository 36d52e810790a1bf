// Tests for the RESP request parser and the reply writer.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/common.h"
#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"

namespace peregrine::protocol {
namespace {

using namespace std::string_literals;
using Command = std::vector<std::string>;

struct Outcome {
  std::vector<Command> commands;  // empty requests included
  ParseStatus last = ParseStatus::kNeedMore;
  std::string error;
  size_t leftover = 0;  // unconsumed bytes at the end

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{commands:";
  for (const auto& c : o.commands) {
    os << " [";
    for (const auto& a : c) os << '"' << a << "\" ";
    os << "]";
  }
  os << " last=" << static_cast<int>(o.last) << " error=\"" << o.error << "\" leftover=" << o.leftover
     << "}";
  return os;
}

Command to_command(const std::vector<std::string_view>& argv) {
  return Command(argv.begin(), argv.end());
}

// Feeds the whole input at once and collects every request.
Outcome parse_all(std::string_view input, ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome out;
  size_t pos = 0;
  for (;;) {
    size_t consumed = 0;
    out.last = parser.parse(input.data() + pos, input.size() - pos, &consumed);
    if (out.last == ParseStatus::kError) {
      out.error = parser.error();
      break;
    }
    if (out.last == ParseStatus::kNeedMore) {
      EXPECT_EQ(consumed, 0u);
      break;
    }
    EXPECT_GT(consumed, 0u);
    EXPECT_LE(consumed, input.size() - pos);
    out.commands.push_back(to_command(parser.argv()));
    pos += consumed;
  }
  out.leftover = input.size() - pos;
  return out;
}

// Feeds the input in pieces whose sizes are given (the last one repeats),
// copying the unconsumed bytes to a fresh buffer before every call so that
// the parser cannot rely on addresses staying put.
Outcome parse_pieces(std::string_view input, const std::vector<size_t>& sizes,
                     ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome out;
  std::string pending;
  size_t fed = 0;
  size_t piece = 0;
  while (fed < input.size()) {
    size_t n = sizes.empty() ? 1 : sizes[std::min(piece, sizes.size() - 1)];
    ++piece;
    n = std::max<size_t>(1, std::min(n, input.size() - fed));
    pending.append(input.substr(fed, n));
    fed += n;
    for (;;) {
      std::string buf = pending;  // new address every call
      size_t consumed = 0;
      out.last = parser.parse(buf.data(), buf.size(), &consumed);
      if (out.last == ParseStatus::kError) {
        out.error = parser.error();
        out.leftover = pending.size() + (input.size() - fed);
        return out;
      }
      if (out.last == ParseStatus::kNeedMore) break;
      out.commands.push_back(to_command(parser.argv()));
      pending.erase(0, consumed);
      if (pending.empty()) break;
    }
  }
  out.leftover = pending.size();
  return out;
}

Outcome parse_bytewise(std::string_view input, ParserLimits limits = {}) {
  return parse_pieces(input, {1}, limits);
}

std::string multibulk(const Command& cmd) {
  std::string out = "*" + std::to_string(cmd.size()) + "\r\n";
  for (const auto& a : cmd) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// The error a single request produces, or "" when it does not fail.
std::string error_of(std::string_view input, ParserLimits limits = {}) {
  Outcome o = parse_all(input, limits);
  EXPECT_EQ(o, parse_bytewise(input, limits)) << "input split changes the outcome";
  return o.last == ParseStatus::kError ? o.error : "";
}

// One complete request, parsed from the whole input.
Command single(std::string_view input) {
  RequestParser parser;
  size_t consumed = 0;
  EXPECT_EQ(parser.parse(input.data(), input.size(), &consumed), ParseStatus::kCommand)
      << parser.error();
  EXPECT_EQ(consumed, input.size());
  return to_command(parser.argv());
}

constexpr const char* kInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
constexpr const char* kInvalidBulk = "ERR Protocol error: invalid bulk length";
constexpr const char* kUnbalanced = "ERR Protocol error: unbalanced quotes in request";
constexpr const char* kTooBigInline = "ERR Protocol error: too big inline request";
constexpr const char* kTooBigMbulk = "ERR Protocol error: too big mbulk count string";
constexpr const char* kTooBigBulk = "ERR Protocol error: too big bulk count string";

// ---------------------------------------------------------------------------
// Multibulk requests

TEST(ProtocolParser, SimpleMultibulk) {
  EXPECT_EQ(single("*1\r\n$4\r\nPING\r\n"), (Command{"PING"}));
  EXPECT_EQ(single("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"),
            (Command{"SET", "key", "value"}));
}

TEST(ProtocolParser, ArgvPointsIntoCallerBuffer) {
  std::string in = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand);
  ASSERT_EQ(parser.argv().size(), 2u);
  EXPECT_EQ(parser.argv()[0].data(), in.data() + 8);
  EXPECT_EQ(parser.argv()[1].data(), in.data() + 18);
}

TEST(ProtocolParser, BinarySafeBulks) {
  std::string payload = "a\r\nb\0c$*\r"s;
  Command cmd{"SET", payload, ""s, std::string(1, '\0')};
  EXPECT_EQ(single(multibulk(cmd)), cmd);
}

TEST(ProtocolParser, EmptyMultibulkIsSkippable) {
  for (std::string in : {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-9223372036854775808\r\n"}) {
    RequestParser parser;
    size_t consumed = 0;
    EXPECT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand) << in;
    EXPECT_EQ(consumed, in.size());
    EXPECT_TRUE(parser.argv().empty());
  }
  Outcome o = parse_all("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(o.commands.size(), 3u);
  EXPECT_TRUE(o.commands[0].empty());
  EXPECT_TRUE(o.commands[1].empty());
  EXPECT_EQ(o.commands[2], Command{"PING"});
}

TEST(ProtocolParser, LineEndingBytesAreSkippedUnchecked) {
  // Like Redis, the byte after a header's CR and the two bytes after a
  // payload are skipped without being looked at.
  Outcome o = parse_all("*1\rX$4\r\nPINGXY*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(o.commands, (std::vector<Command>{{"PING"}, {"PING"}}));
  EXPECT_EQ(o.leftover, 0u);
}

TEST(ProtocolParser, Pipelined) {
  std::string in;
  std::vector<Command> cmds;
  for (int i = 0; i < 50; ++i) {
    Command c{"SET", "key:" + std::to_string(i), std::string(i * 7, 'v')};
    cmds.push_back(c);
    in += multibulk(c);
  }
  in += "PING\r\n";
  cmds.push_back({"PING"});
  Outcome whole = parse_all(in);
  EXPECT_EQ(whole.commands, cmds);
  EXPECT_EQ(whole.leftover, 0u);
  EXPECT_EQ(whole.last, ParseStatus::kNeedMore);  // nothing left to parse
  for (size_t piece : {1, 2, 3, 5, 7, 13, 64, 1000}) {
    Outcome split = parse_pieces(in, {piece});
    EXPECT_EQ(split.commands, cmds) << "piece " << piece;
    EXPECT_EQ(split.leftover, 0u);
  }
}

TEST(ProtocolParser, PartialRequestsNeedMore) {
  std::string in = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
  for (size_t n = 0; n < in.size(); ++n) {
    RequestParser parser;
    size_t consumed = 7;
    EXPECT_EQ(parser.parse(in.data(), n, &consumed), ParseStatus::kNeedMore) << n;
    EXPECT_EQ(consumed, 0u);
  }
}

TEST(ProtocolParser, ByteByByteWithMovingBuffer) {
  std::string in = multibulk({"SET", "k", std::string(1000, 'x')}) + multibulk({"GET", "k"});
  Outcome o = parse_bytewise(in);
  ASSERT_EQ(o.commands.size(), 2u);
  EXPECT_EQ(o.commands[0][2], std::string(1000, 'x'));
  EXPECT_EQ(o.commands[1], (Command{"GET", "k"}));
}

TEST(ProtocolParser, ResumeAfterBufferMoves) {
  // The parser keeps offsets, not pointers: after a partial read, handing it
  // the same bytes at a new address must give views into the new address.
  std::string in = multibulk({"SET", "key", "value"});
  RequestParser parser;
  size_t consumed = 0;
  std::string first(in.substr(0, in.size() - 3));
  ASSERT_EQ(parser.parse(first.data(), first.size(), &consumed), ParseStatus::kNeedMore);
  std::string second = in;
  first.assign(first.size(), '#');  // old bytes must no longer matter
  ASSERT_EQ(parser.parse(second.data(), second.size(), &consumed), ParseStatus::kCommand);
  EXPECT_EQ(consumed, in.size());
  EXPECT_EQ(to_command(parser.argv()), (Command{"SET", "key", "value"}));
  for (auto v : parser.argv()) {
    EXPECT_GE(v.data(), second.data());
    EXPECT_LE(v.data() + v.size(), second.data() + second.size());
  }
}

TEST(ProtocolParser, BytesHintForBigBulk) {
  std::string value(100000, 'z');
  std::string in = multibulk({"SET", "k", value});
  size_t header_end = in.find(std::string(10, 'z'));
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.parse(in.data(), header_end, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.bytes_hint(), value.size() + 2);
  ASSERT_EQ(parser.parse(in.data(), header_end + 500, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.bytes_hint(), value.size() + 2 - 500);
  ASSERT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand);
  EXPECT_EQ(parser.bytes_hint(), 0u);
  EXPECT_EQ(parser.argv()[2], value);
  // No hint while a header is incomplete.
  RequestParser p2;
  ASSERT_EQ(p2.parse(in.data(), 6, &consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(p2.bytes_hint(), 0u);
}

TEST(ProtocolParser, ParserReuseAcrossRequests) {
  RequestParser parser;
  for (int round = 0; round < 3; ++round) {
    std::string in = multibulk({"A", std::to_string(round)});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand);
    EXPECT_EQ(to_command(parser.argv()), (Command{"A", std::to_string(round)}));
  }
}

TEST(ProtocolParser, ResetDropsPartialState) {
  RequestParser parser;
  std::string part = "*2\r\n$3\r\nGET\r\n$1";
  size_t consumed = 0;
  ASSERT_EQ(parser.parse(part.data(), part.size(), &consumed), ParseStatus::kNeedMore);
  parser.reset();
  std::string in = "PING\r\n";
  ASSERT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand);
  EXPECT_EQ(to_command(parser.argv()), Command{"PING"});
}

// ---------------------------------------------------------------------------
// Protocol errors (texts as redis-server 7.0 sends them)

TEST(ProtocolParser, InvalidMultibulkLength) {
  for (std::string in : {"*x\r\n", "*\r\n", "*-0\r\n", "*01\r\n", "*+1\r\n", "*1 \r\n", "* 1\r\n",
                         "*1x\r\n", "*9223372036854775808\r\n", "*-9223372036854775809\r\n",
                         "*3000000000\r\n", "*000000000000000000000001\r\n"}) {
    EXPECT_EQ(error_of(in), kInvalidMultibulk) << in;
  }
}

TEST(ProtocolParser, MultibulkLimitCheckedOnHeader) {
  // Over the limit fails on the header alone; at the limit it waits.
  EXPECT_EQ(error_of("*1000000000\r\n"), kInvalidMultibulk);
  EXPECT_EQ(error_of("*1048577\r\n"), kInvalidMultibulk);
  Outcome at_limit = parse_all("*1048576\r\n");
  EXPECT_EQ(at_limit.last, ParseStatus::kNeedMore);
  ParserLimits small;
  small.max_multibulk_len = 3;
  EXPECT_EQ(error_of("*4\r\n", small), kInvalidMultibulk);
  EXPECT_EQ(parse_all(multibulk({"a", "b", "c"}), small).commands.size(), 1u);
  // A limit above INT_MAX is still capped there.
  ParserLimits huge;
  huge.max_multibulk_len = int64_t{1} << 40;
  EXPECT_EQ(error_of("*2147483648\r\n", huge), kInvalidMultibulk);
  EXPECT_EQ(parse_all("*2147483647\r\n", huge).last, ParseStatus::kNeedMore);
}

TEST(ProtocolParser, ExpectedDollar) {
  EXPECT_EQ(error_of("*1\r\nx3\r\n"), "ERR Protocol error: expected '$', got 'x'");
  EXPECT_EQ(error_of("*2\r\n$1\r\na\r\n:1\r\n"), "ERR Protocol error: expected '$', got ':'");
  EXPECT_EQ(error_of("*1\r\n\xff\r\n"), "ERR Protocol error: expected '$', got '\xff'");
  // CR and LF in the reported byte become spaces.
  EXPECT_EQ(error_of("*1\r\n\r\n"), "ERR Protocol error: expected '$', got ' '");
  EXPECT_EQ(error_of("*1\r\n\n\r\n"), "ERR Protocol error: expected '$', got ' '");
  // The byte is only judged once its header line is complete.
  EXPECT_EQ(parse_all("*1\r\nx").last, ParseStatus::kNeedMore);
}

TEST(ProtocolParser, InvalidBulkLength) {
  for (std::string in :
       {"*1\r\n$-1\r\n", "*1\r\n$x\r\n", "*1\r\n$01\r\n", "*1\r\n$ 1\r\n", "*1\r\n$1 \r\n",
        "*1\r\n$\r\n", "*1\r\n$-0\r\n", "*1\r\n$+1\r\n", "*1\r\n$4294967296\r\n",
        "*1\r\n$536870913\r\n", "*1\r\n$99999999999999999999\r\n",
        "*2\r\n$1\r\na\r\n$-5\r\n"}) {
    EXPECT_EQ(error_of(in), kInvalidBulk) << in;
  }
  // Exactly proto-max-bulk-len is allowed and waits for the payload.
  Outcome o = parse_all("*1\r\n$536870912\r\n");
  EXPECT_EQ(o.last, ParseStatus::kNeedMore);
  ParserLimits small;
  small.max_bulk_len = 10;
  EXPECT_EQ(error_of("*1\r\n$11\r\n", small), kInvalidBulk);
  EXPECT_EQ(parse_all(multibulk({"0123456789"}), small).commands.size(), 1u);
}

TEST(ProtocolParser, UnauthenticatedLimits) {
  ParserLimits unauth;
  unauth.unauthenticated = true;
  EXPECT_EQ(error_of("*11\r\n", unauth), "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(error_of("*1\r\n$16385\r\n", unauth),
            "ERR Protocol error: unauthenticated bulk length");
  EXPECT_EQ(parse_all("*10\r\n$16384\r\n", unauth).last, ParseStatus::kNeedMore);
  // The general limits are checked first.
  EXPECT_EQ(error_of("*3000000000\r\n", unauth), kInvalidMultibulk);
  EXPECT_EQ(error_of("*1\r\n$4294967296\r\n", unauth), kInvalidBulk);
  // Limits may change between requests (after AUTH).
  RequestParser parser(unauth);
  std::string big = multibulk(Command(11, "x"));
  size_t consumed = 0;
  parser.set_limits(ParserLimits{});
  EXPECT_EQ(parser.parse(big.data(), big.size(), &consumed), ParseStatus::kCommand);
  EXPECT_EQ(parser.argv().size(), 11u);
}

TEST(ProtocolParser, HugeBulkHeaderFailsWithoutPayload) {
  // The header alone decides; nothing is reserved for the claimed length.
  RequestParser parser;
  std::string in = "*1\r\n$4294967296\r\n";
  size_t consumed = 0;
  EXPECT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kError);
  EXPECT_EQ(parser.error(), kInvalidBulk);
  EXPECT_EQ(parser.bytes_hint(), 0u);
}

TEST(ProtocolParser, TooBigCountStrings) {
  EXPECT_EQ(error_of("*" + std::string(70000, '1')), kTooBigMbulk);
  EXPECT_EQ(error_of("*1\r\n$" + std::string(70000, '1')), kTooBigBulk);
  // A header line of up to 64KB without CR is still waited for.
  EXPECT_EQ(parse_all("*" + std::string(65535, '1')).last, ParseStatus::kNeedMore);
  EXPECT_EQ(error_of("*" + std::string(65536, '1')), kTooBigMbulk);
  // Too long even when its CR is there: the outcome does not depend on how
  // the bytes arrived.
  EXPECT_EQ(error_of("*" + std::string(70000, '1') + "\r\n"), kTooBigMbulk);
  EXPECT_EQ(error_of("*1\r\n$" + std::string(70000, '1') + "\r\n"), kTooBigBulk);
}

TEST(ProtocolParser, NulInHeaderHidesTheLineEnd) {
  // The header never completes; the request fails once it grows too big.
  EXPECT_EQ(parse_all("*1\0\r\n$4\r\nPING\r\n"s).last, ParseStatus::kNeedMore);
  EXPECT_EQ(parse_all("*1\r\n$4\0\r\nPING\r\n"s).last, ParseStatus::kNeedMore);
  EXPECT_EQ(error_of("*1\0\r\n"s + std::string(70000, 'x')), kTooBigMbulk);
  EXPECT_EQ(error_of("*1\r\n\0\r\n"s + std::string(70000, 'x')), kTooBigBulk);
}

TEST(ProtocolParser, ErrorsStopAtTheBadRequest) {
  Outcome o = parse_all("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(o.commands, std::vector<Command>{{"PING"}});
  EXPECT_EQ(o.last, ParseStatus::kError);
  EXPECT_EQ(o.error, kInvalidBulk);
}

// ---------------------------------------------------------------------------
// Inline requests

TEST(ProtocolParser, InlineBasics) {
  EXPECT_EQ(single("PING\r\n"), Command{"PING"});
  EXPECT_EQ(single("PING\n"), Command{"PING"});
  EXPECT_EQ(single("  SET \t key   value  \r\n"), (Command{"SET", "key", "value"}));
  // \r inside the line separates arguments; only one \r before \n is dropped.
  EXPECT_EQ(single("ECHO a\rb\r\n"), (Command{"ECHO", "a", "b"}));
  EXPECT_EQ(single("ECHO a\r\r\n"), (Command{"ECHO", "a"}));
  // \v and \f are skipped between arguments but do not end one.
  EXPECT_EQ(single("ECHO \va\r\n"), (Command{"ECHO", "a"}));
  EXPECT_EQ(single("ECHO a\vb\r\n"), (Command{"ECHO", "a\vb"}));
  EXPECT_EQ(single("ECHO a\fb\r\n"), (Command{"ECHO", "a\fb"}));
  EXPECT_EQ(single("\xff\xfe x\r\n"), (Command{"\xff\xfe", "x"}));
}

TEST(ProtocolParser, InlineEmptyLines) {
  for (std::string in : {"\r\n", "\n", "   \r\n", "\t\n"}) {
    EXPECT_TRUE(single(in).empty()) << in;
  }
  Outcome o = parse_all("\r\n\n  \r\nPING\n");
  ASSERT_EQ(o.commands.size(), 4u);
  EXPECT_EQ(o.commands[3], Command{"PING"});
}

TEST(ProtocolParser, InlineWaitsForLineFeed) {
  EXPECT_EQ(parse_all("PING").last, ParseStatus::kNeedMore);
  EXPECT_EQ(parse_all("PING\r").last, ParseStatus::kNeedMore);
  EXPECT_EQ(parse_bytewise("SET a b\r\nGET a\r\n").commands,
            (std::vector<Command>{{"SET", "a", "b"}, {"GET", "a"}}));
}

TEST(ProtocolParser, InlineUnquotedArgsAreViews) {
  std::string in = "SET key \"v\"\r\n";
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.parse(in.data(), in.size(), &consumed), ParseStatus::kCommand);
  ASSERT_EQ(parser.argv().size(), 3u);
  EXPECT_EQ(parser.argv()[0].data(), in.data());
  EXPECT_EQ(parser.argv()[1].data(), in.data() + 4);
  EXPECT_EQ(parser.argv()[2], "v");
}

TEST(ProtocolParser, InlineDoubleQuotes) {
  EXPECT_EQ(single("ECHO \"a b\"\r\n"), (Command{"ECHO", "a b"}));
  EXPECT_EQ(single("ECHO \"\"\r\n"), (Command{"ECHO", ""}));
  EXPECT_EQ(single("ECHO \"\\x41\\xZZ\\n\\q\\\"\\\\\\a\\b\\t\\r\"\r\n"),
            (Command{"ECHO", "AxZZ\nq\"\\\a\b\t\r"}));
  EXPECT_EQ(single("ECHO \"\\x4\"\r\n"), (Command{"ECHO", "x4"}));
  EXPECT_EQ(single("ECHO \"\\x00\\xfF\"\r\n"), (Command{"ECHO", "\0\xff"s}));
  // A quote may open in the middle of an argument.
  EXPECT_EQ(single("ECHO x\"a b\"\r\n"), (Command{"ECHO", "xa b"}));
  // Whitespace of any kind may follow the closing quote.
  EXPECT_EQ(single("ECHO \"a\"\t\r\n"), (Command{"ECHO", "a"}));
  EXPECT_EQ(single("ECHO \"a\"\v\r\n"), (Command{"ECHO", "a"}));
  EXPECT_EQ(single("ECHO \"a\"\rb\r\n"), (Command{"ECHO", "a", "b"}));
  EXPECT_EQ(single("\"SET\" \"k\" \"v\"\n"), (Command{"SET", "k", "v"}));
}

TEST(ProtocolParser, InlineSingleQuotes) {
  EXPECT_EQ(single("ECHO 'a\\\"\\n\\'b'\r\n"), (Command{"ECHO", "a\\\"\\n'b"}));
  EXPECT_EQ(single("ECHO 'a \"b\" c'\r\n"), (Command{"ECHO", "a \"b\" c"}));
  EXPECT_EQ(single("ECHO ''\r\n"), (Command{"ECHO", ""}));
}

TEST(ProtocolParser, InlineUnbalancedQuotes) {
  for (std::string in : {"\"PING\r\n", "\"PING\"x\r\n", "ECHO \"a\"\"b\"\r\n", "ECHO 'a'b\r\n",
                         "ECHO 'abc\r\n", "ECHO \"abc\\\"\r\n", "ECHO \"abc\\\r\n",
                         "ECHO 'abc\\'\r\n", "ECHO \"a\"'b'\r\n"}) {
    EXPECT_EQ(error_of(in), kUnbalanced) << in;
  }
}

TEST(ProtocolParser, InlineTooBig) {
  EXPECT_EQ(error_of(std::string(70000, 'A')), kTooBigInline);
  // Refused even when the line feed is already there, so that the outcome
  // does not depend on how the bytes arrived.
  EXPECT_EQ(error_of(std::string(70000, 'A') + "\n"), kTooBigInline);
  EXPECT_EQ(parse_all(std::string(65536, 'A')).last, ParseStatus::kNeedMore);
  EXPECT_EQ(error_of(std::string(65537, 'A')), kTooBigInline);
  EXPECT_EQ(parse_all(std::string(65536, 'A') + "\n").commands.size(), 1u);
  ParserLimits small;
  small.max_inline_len = 8;
  EXPECT_EQ(error_of("GET abcdefgh\r\n", small), kTooBigInline);
  EXPECT_EQ(parse_all("GET abc\n", small).commands.size(), 1u);
}

TEST(ProtocolParser, InlineNulHidesTheLineFeed) {
  EXPECT_EQ(parse_all("ECHO a\0b\r\nPING\r\n"s).last, ParseStatus::kNeedMore);
  EXPECT_EQ(error_of("ECHO \0\r\n"s + std::string(70000, 'x')), kTooBigInline);
  // A NUL after the line feed belongs to the next request.
  Outcome o = parse_all("PING\r\n\0"s);
  EXPECT_EQ(o.commands, std::vector<Command>{{"PING"}});
  EXPECT_EQ(o.last, ParseStatus::kNeedMore);
}

TEST(ProtocolParser, MixedInlineAndMultibulk) {
  std::string in = "PING\r\n" + multibulk({"ECHO", "x y"}) + "ECHO 'x y'\n" + multibulk({"PING"});
  std::vector<Command> expect{{"PING"}, {"ECHO", "x y"}, {"ECHO", "x y"}, {"PING"}};
  EXPECT_EQ(parse_all(in).commands, expect);
  EXPECT_EQ(parse_bytewise(in).commands, expect);
}

// ---------------------------------------------------------------------------
// Property: any commands serialised as multibulk and fed in any split of the
// byte stream parse back to the same commands.

TEST(ProtocolParser, PropertyMultibulkRoundTrip) {
  const bool ok = rc::check("multibulk round trip in any split", [] {
    const auto commands = *rc::gen::container<std::vector<Command>>(
        rc::gen::nonEmpty(rc::gen::arbitrary<Command>()));
    std::string stream;
    for (const auto& c : commands) stream += multibulk(c);
    auto cuts = *rc::gen::container<std::vector<size_t>>(
        rc::gen::inRange<size_t>(0, stream.size() + 1));
    cuts.push_back(stream.size());
    std::sort(cuts.begin(), cuts.end());

    RequestParser parser;
    std::vector<Command> parsed;
    std::string pending;
    size_t fed = 0;
    for (size_t cut : cuts) {
      pending.append(stream, fed, cut - fed);
      fed = cut;
      for (;;) {
        std::string buf = pending;
        size_t consumed = 0;
        const ParseStatus st = parser.parse(buf.data(), buf.size(), &consumed);
        RC_ASSERT(st != ParseStatus::kError);
        if (st == ParseStatus::kNeedMore) break;
        RC_ASSERT(consumed > 0u);
        RC_ASSERT(consumed <= buf.size());
        parsed.push_back(to_command(parser.argv()));
        pending.erase(0, consumed);
      }
    }
    RC_ASSERT(pending.empty());
    RC_ASSERT(parsed == commands);
  });
  EXPECT_TRUE(ok);
}

TEST(ProtocolParser, PropertyInlineOfPlainWords) {
  // Words without whitespace or quotes survive an inline round trip.
  const bool ok = rc::check("inline words", [] {
    const auto words = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(
        rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::oneOf(
            rc::gen::inRange('a', static_cast<char>('z' + 1)),
            rc::gen::inRange('0', static_cast<char>('9' + 1)), rc::gen::element('$', '*', '\\'))))));
    std::string line;
    for (const auto& w : words) line += w + " ";
    line += "\r\n";
    RC_PRE(line[0] != '*');
    const Outcome o = parse_all(line);
    RC_ASSERT(o.commands.size() == 1u);
    RC_ASSERT(o.commands[0] == words);
  });
  EXPECT_TRUE(ok);
}

// ---------------------------------------------------------------------------
// Reply writer

std::string render(int resp, void (*fn)(ReplyWriter&)) {
  std::string out;
  ReplyWriter w(&out, resp);
  fn(w);
  return out;
}

TEST(ProtocolWriter, Basics) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.ok(); }), "+OK\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.simple("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.error("ERR boom"); }), "-ERR boom\r\n");
    // Inside: CR/LF become spaces; at either end they are dropped.
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.error("WRONGTYPE x\r\ny\nz\r"); }),
              "-WRONGTYPE x  y z\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.error("\n\rERR a\r\n"); }), "-ERR a\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.simple("a\r\nb"); }), "+a  b\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.integer(0); }), ":0\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.integer(-42); }), ":-42\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.integer(std::numeric_limits<int64_t>::max()); }),
              ":9223372036854775807\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.integer(std::numeric_limits<int64_t>::min()); }),
              ":-9223372036854775808\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.bulk("hello"); }), "$5\r\nhello\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.bulk("a\r\n\0b"s); }), "$5\r\na\r\n\0b\r\n"s);
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.bulk_int(-1234); }), "$5\r\n-1234\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.bulk_int(std::numeric_limits<int64_t>::min()); }),
              "$20\r\n-9223372036854775808\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.array(3); }), "*3\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.array(0); }), "*0\r\n");
    EXPECT_EQ(render(resp, [](ReplyWriter& w) { w.raw("+X\r\n:1\r\n"); }), "+X\r\n:1\r\n");
  }
}

TEST(ProtocolWriter, BigBulk) {
  std::string big(100000, 'q');
  std::string out = "prefix";
  ReplyWriter w(&out);
  w.bulk(big);
  EXPECT_EQ(out, "prefix$100000\r\n" + big + "\r\n");
  for (size_t n : {127, 128, 129}) {
    std::string s(n, 'r');
    std::string o;
    ReplyWriter(&o).bulk(s);
    EXPECT_EQ(o, "$" + std::to_string(n) + "\r\n" + s + "\r\n");
  }
}

TEST(ProtocolWriter, Resp2Shapes) {
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.null_bulk(); }), "$-1\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.null_array(); }), "*-1\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.map(3); }), "*6\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.set(4); }), "*4\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.push(2); }), "*2\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.boolean(true); }), ":1\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.boolean(false); }), ":0\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(3.141); }), "$5\r\n3.141\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(0.1); }), "$3\r\n0.1\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(1e300); }), "$6\r\n1e+300\r\n");
  EXPECT_EQ(render(2,
                   [](ReplyWriter& w) {
                     w.set_legacy_doubles(true);
                     w.double_value(0.1);
                   }),
            "$19\r\n0.10000000000000001\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(-0.0); }), "$2\r\n-0\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(1); }), "$1\r\n1\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(HUGE_VAL); }), "$3\r\ninf\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(-HUGE_VAL); }), "$4\r\n-inf\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.double_value(std::nan("")); }), "$3\r\nnan\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.verbatim("This is a verbatim\nstring"); }),
            "$25\r\nThis is a verbatim\nstring\r\n");
  EXPECT_EQ(render(2, [](ReplyWriter& w) { w.big_number("1234567999999999999999999999999999999"); }),
            "$37\r\n1234567999999999999999999999999999999\r\n");
}

TEST(ProtocolWriter, Resp3Shapes) {
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.null_bulk(); }), "_\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.null_array(); }), "_\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.map(3); }), "%3\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.set(4); }), "~4\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.push(2); }), ">2\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.boolean(true); }), "#t\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.boolean(false); }), "#f\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(3.141); }), ",3.141\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(0.1); }), ",0.1\r\n");
  EXPECT_EQ(render(3,
                   [](ReplyWriter& w) {
                     w.set_legacy_doubles(true);
                     w.double_value(1e300);
                   }),
            ",1.0000000000000001e+300\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(-0.0); }), ",-0\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(HUGE_VAL); }), ",inf\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(-HUGE_VAL); }), ",-inf\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.double_value(-std::nan("")); }), ",nan\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.verbatim("This is a verbatim\nstring"); }),
            "=29\r\ntxt:This is a verbatim\nstring\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.verbatim("# x", "mkd"); }), "=7\r\nmkd:# x\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.verbatim("", "t"); }), "=4\r\nt  :\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.verbatim("x", "txtx"); }), "=5\r\ntxt:x\r\n");
  EXPECT_EQ(render(3, [](ReplyWriter& w) { w.big_number("1234567999999999999999999999999999999"); }),
            "(1234567999999999999999999999999999999\r\n");
}

TEST(ProtocolWriter, SetResp) {
  std::string out;
  ReplyWriter w(&out);
  EXPECT_EQ(w.resp(), 2);
  EXPECT_EQ(w.buffer(), &out);
  w.map(1);
  w.set_resp(3);
  EXPECT_EQ(w.resp(), 3);
  w.map(1);
  EXPECT_EQ(out, "*2\r\n%1\r\n");
}

// Finite doubles to render: fixed corner cases, random bit patterns and
// random ratios of integers.
std::vector<double> sample_doubles(int n) {
  std::mt19937_64 rng(7);
  std::vector<double> samples = {std::numeric_limits<double>::min(),
                                 std::numeric_limits<double>::max(),
                                 std::numeric_limits<double>::denorm_min(),
                                 std::numeric_limits<double>::lowest(),
                                 123456789012345678.0,
                                 0.000123,
                                 1e16,
                                 9007199254740993.0};
  for (int i = 0; i < n; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) samples.push_back(d);
    samples.push_back(static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64))) /
                      static_cast<double>(1 + rng() % 1000));
  }
  return samples;
}

// The legacy form (Redis before 7.2) is printf's "%.17g".
TEST(ProtocolWriter, LegacyDoublesMatchPrintf) {
  EXPECT_EQ(format_double(HUGE_VAL, true), "inf");
  EXPECT_EQ(format_double(-HUGE_VAL, true), "-inf");
  EXPECT_EQ(format_double(std::nan(""), true), "nan");
  EXPECT_EQ(format_double(-std::nan(""), true), "nan");
  EXPECT_EQ(format_double(0, true), "0");
  EXPECT_EQ(format_double(1.5, true), "1.5");
  EXPECT_EQ(format_double(100, true), "100");
  EXPECT_EQ(format_double(1e17, true), "1e+17");
  EXPECT_EQ(format_double(1e-5, true), "1.0000000000000001e-05");
  for (double d : sample_doubles(20000)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    ASSERT_EQ(format_double(d, true), buf);
  }
}

// Redis 7.2+ forms, as valkey-server 8.0.1 replied them (ZADD then ZSCORE).
TEST(ProtocolWriter, DoublesAsRedis72RepliesThem) {
  const std::pair<double, const char*> seen[] = {
      {0.1, "0.1"},
      {-0.1, "-0.1"},
      {2.5, "2.5"},
      {0.30000000000000004, "0.30000000000000004"},
      {1e7, "10000000"},
      {12345678.9, "12345678.9"},
      {1e16, "10000000000000000"},
      {1e17, "100000000000000000"},
      {123456789012345680.0, "123456789012345680"},
      {4611686018427387904.0, "4611686018427387904"},
      {-4611686018427387904.0, "-4611686018427387904"},
      {9007199254740993.0, "9007199254740992"},
      {1e20, "1e+20"},
      {1e22, "1e+22"},
      {1e23, "99999999999999990000000"},  // Grisu2: not the shortest
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {0.000001, "0.000001"},
      {1e300, "1e+300"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {0.0, "0"},
      {-0.0, "-0"},
      {HUGE_VAL, "inf"},
      {-HUGE_VAL, "-inf"},
      {std::nan(""), "nan"},
  };
  for (const auto& [d, text] : seen) EXPECT_EQ(format_double(d), text) << text;
}

// The engine's renderer against the zset model's, written apart (the model
// derives its powers of ten with big integers at start-up; the engine has a
// generated table), over random bit patterns and decimal-looking values.
TEST(ProtocolWriter, DoublesAgreeWithTheModelsRenderer) {
  for (double d : sample_doubles(200000)) {
    ASSERT_EQ(format_double(d), models::format_double(d)) << std::hexfloat << d;
  }
}

}  // namespace
}  // namespace peregrine::protocol

namespace peregrine::protocol {
namespace {

TEST(PeekSecondElement, FindsKeyAndSize) {
  const std::string req = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n";
  size_t size = 0;
  std::string_view second;
  ASSERT_TRUE(peek_second_element(req.data(), req.size(), &size, &second));
  EXPECT_EQ(second, "key");
  EXPECT_EQ(size, req.find("*2"));
  // The second request is incomplete: no peek.
  EXPECT_FALSE(peek_second_element(req.data() + size, req.size() - size, &size, &second));
}

TEST(PeekSecondElement, RefusesWhatItDoesNotHandle) {
  size_t size = 0;
  std::string_view second;
  for (std::string bad : {"", "GET key\r\n", "*1\r\n$4\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$3\r\nke",
                          "*2\r\n$3\r\nGET\r\n:3\r\nkey\r\n", "*-1\r\n", "*2\r\n$-1\r\n$1\r\nk\r\n",
                          "*2\r\n$99999999999999\r\nx\r\n"}) {
    EXPECT_FALSE(peek_second_element(bad.data(), bad.size(), &size, &second)) << bad;
  }
}

// Whenever the peek succeeds, the parser agrees: one complete command of
// the same size whose second argument is the peeked one.
TEST(PeekSecondElement, AgreesWithTheParser) {
  const bool ok = rc::check("peek agrees with RequestParser", [](const std::vector<std::string>& args,
                                                                  uint8_t cut) {
    std::string req = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) req += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    req = req.substr(0, req.size() - std::min<size_t>(cut % 8, req.size()));
    size_t size = 0;
    std::string_view second;
    const bool peeked = peek_second_element(req.data(), req.size(), &size, &second);
    RequestParser parser;
    size_t consumed = 0;
    const ParseStatus st = parser.parse(req.data(), req.size(), &consumed);
    if (peeked) {
      RC_ASSERT(st == ParseStatus::kCommand);
      RC_ASSERT(consumed == size);
      RC_ASSERT(parser.argv().size() >= 2);
      RC_ASSERT(parser.argv()[1] == second);
    } else if (args.size() >= 2 && cut % 8 == 0) {
      RC_FAIL("a complete request of 2+ bulks must peek");
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace peregrine::protocol
