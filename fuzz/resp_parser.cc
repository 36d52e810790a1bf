// libFuzzer target for the RESP request parser.
//
// Input layout: byte 0 picks the parser limits and the largest piece size,
// bytes 1-2 seed the generator of piece sizes, the rest is the byte stream a
// client would send. The stream is parsed twice, once whole and once fed in
// pieces through a buffer that moves on every call, and both runs must give
// the same requests and the same final status. Every call's results are
// checked against the parser's contract.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

using peregrine::protocol::ParserLimits;
using peregrine::protocol::ParseStatus;
using peregrine::protocol::RequestParser;

namespace {

#define FUZZ_CHECK(cond)                                                         \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

struct Run {
  std::vector<std::vector<std::string>> commands;
  ParseStatus last = ParseStatus::kNeedMore;
  std::string error;
};

// Small deterministic generator for the piece sizes.
struct XorShift {
  uint32_t state;
  uint32_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
};

bool inside(std::string_view v, const char* begin, size_t len) {
  return v.data() >= begin && v.data() + v.size() <= begin + len;
}

bool disjoint(std::string_view v, const char* begin, size_t len) {
  return v.data() + v.size() <= begin || v.data() >= begin + len;
}

// One parse() call on exactly `len` heap bytes, with the contract checked.
ParseStatus call(RequestParser& parser, const char* buf, size_t len, Run& run, size_t* consumed) {
  *consumed = ~size_t{0};
  const ParseStatus st = parser.parse(buf, len, consumed);
  FUZZ_CHECK(*consumed <= len);
  if (st == ParseStatus::kError) {
    FUZZ_CHECK(*consumed == 0);
    const std::string& e = parser.error();
    FUZZ_CHECK(e.rfind("ERR Protocol error: ", 0) == 0);
    FUZZ_CHECK(e.find('\r') == std::string::npos && e.find('\n') == std::string::npos);
    run.error = e;
  } else if (st == ParseStatus::kNeedMore) {
    FUZZ_CHECK(*consumed == 0);
  } else {
    FUZZ_CHECK(*consumed > 0);
    const bool multibulk = buf[0] == '*';
    std::vector<std::string> cmd;
    for (std::string_view a : parser.argv()) {
      if (multibulk) {
        // Multibulk arguments are always views into the request itself.
        FUZZ_CHECK(inside(a, buf, *consumed));
      } else {
        // Inline arguments are views into the line or the parser's storage.
        FUZZ_CHECK(inside(a, buf, *consumed) || disjoint(a, buf, len));
      }
      cmd.emplace_back(a);  // reads every byte: ASan vets the view
    }
    run.commands.push_back(std::move(cmd));
  }
  run.last = st;
  return st;
}

Run parse_whole(const char* data, size_t size, const ParserLimits& limits) {
  RequestParser parser(limits);
  Run run;
  size_t pos = 0;
  for (;;) {
    size_t consumed = 0;
    const ParseStatus st = call(parser, data + pos, size - pos, run, &consumed);
    if (st != ParseStatus::kCommand) break;
    pos += consumed;
  }
  return run;
}

Run parse_split(const char* data, size_t size, const ParserLimits& limits, XorShift rng,
                uint32_t max_piece) {
  RequestParser parser(limits);
  Run run;
  std::string pending;
  size_t fed = 0;
  size_t hint = 0;           // bytes_hint() after the last kNeedMore
  size_t len_at_hint = 0;    // buffer length when that hint was given
  while (fed < size) {
    size_t n = 1 + rng.next() % max_piece;
    if (n > size - fed) n = size - fed;
    pending.append(data + fed, n);
    fed += n;
    for (;;) {
      // A fresh allocation of exactly the pending bytes: the parser sees a
      // new address each time and any read past the end is caught.
      const size_t len = pending.size();
      std::unique_ptr<char[]> buf(new char[len == 0 ? 1 : len]);
      if (len != 0) std::memcpy(buf.get(), pending.data(), len);
      size_t consumed = 0;
      const ParseStatus st = call(parser, buf.get(), len, run, &consumed);
      if (hint != 0 && len - len_at_hint < hint) {
        // Fewer bytes than the parser said it still needs: cannot be done.
        FUZZ_CHECK(st == ParseStatus::kNeedMore);
      }
      if (st == ParseStatus::kError) return run;
      if (st == ParseStatus::kNeedMore) {
        hint = parser.bytes_hint();
        len_at_hint = len;
        break;
      }
      hint = 0;
      pending.erase(0, consumed);
    }
  }
  // Drain: the last piece may leave nothing, which must read as kNeedMore.
  if (pending.empty()) {
    size_t consumed = 0;
    char dummy = 0;
    FUZZ_CHECK(call(parser, &dummy, 0, run, &consumed) == ParseStatus::kNeedMore);
  }
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t mode = data[0];
  XorShift rng{(static_cast<uint32_t>(data[1]) << 8 | data[2]) * 2654435761u | 1u};
  const char* stream = reinterpret_cast<const char*>(data + 3);
  const size_t len = size - 3;

  ParserLimits limits;
  if (mode & 1) limits.max_bulk_len = 16;
  if (mode & 2) limits.max_multibulk_len = 4;
  if (mode & 4) limits.max_inline_len = 32;
  if (mode & 32) limits.unauthenticated = true;
  static constexpr uint32_t kMaxPiece[4] = {1, 3, 16, 300};
  const uint32_t max_piece = kMaxPiece[(mode >> 3) & 3];

  const Run whole = parse_whole(stream, len, limits);
  const Run split = parse_split(stream, len, limits, rng, max_piece);
  FUZZ_CHECK(whole.commands == split.commands);
  FUZZ_CHECK(whole.last == split.last);
  FUZZ_CHECK(whole.error == split.error);
  return 0;
}
