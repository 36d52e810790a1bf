// Incremental RESP request parser: multibulk (RESP2/RESP3 clients send
// arrays of bulk strings) and inline commands ("SET k v\r\n", with Redis's
// quoting rules). The protocol library knows nothing of the server.
//
// Contract:
//  - The caller owns the query buffer. It calls parse() with the bytes it has
//    not yet consumed. On kCommand, the first `consumed` bytes form exactly one
//    command; argv() views point into the caller's buffer (or into the
//    parser's own storage for inline commands with quotes) and stay valid
//    until the next parse()/reset() call or until the caller modifies those
//    bytes.
//  - On kNeedMore nothing is consumed; the caller appends more bytes and calls
//    parse() again with the same unconsumed prefix plus the new bytes. The
//    parser remembers how far it got, so a large command arriving in many
//    pieces is scanned once, not once per piece.
//  - On kError, error() holds the exact Redis text (without the leading '-'
//    and trailing CRLF), e.g. "ERR Protocol error: invalid bulk length". The
//    caller replies with it and closes the connection.
//  - Limits are checked on the length headers, before anything is allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::protocol {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;   // proto-max-bulk-len
  int64_t max_multibulk_len = 1024 * 1024;      // elements per request
  size_t max_inline_len = 64 * 1024;            // inline request line
};

enum class ParseStatus { kNeedMore, kCommand, kError };

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {});

  ParseStatus parse(const char* data, size_t len, size_t* consumed);

  const std::vector<std::string_view>& argv() const { return argv_; }
  const std::string& error() const { return error_; }
  // Bytes the parser knows it still needs to finish the current command
  // (0 when unknown). Lets the caller reserve buffer space for big bulks.
  size_t bytes_hint() const { return bytes_hint_; }
  void set_limits(ParserLimits limits) { limits_ = limits; }
  void reset();

 private:
  ParserLimits limits_;
  std::vector<std::string_view> argv_;
  std::vector<std::string> inline_storage_;
  std::string error_;
  size_t bytes_hint_ = 0;
  // Resume state for a partially received multibulk request.
  int64_t multibulk_total_ = -1;  // -1: header not parsed yet
  size_t scan_offset_ = 0;        // offset of the next element header
};

}  // namespace peregrine::protocol
