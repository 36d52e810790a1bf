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
  // Set while the client still has to authenticate: requests are then held
  // to 10 elements and bulks to 16KB, refused with the "unauthenticated"
  // errors Redis sends.
  bool unauthenticated = false;
};

enum class ParseStatus { kNeedMore, kCommand, kError };

// A quick look at the request at the start of data, for prefetching: when
// it is a complete multibulk request of simple form (`*N`, then N `$len`
// bulks, N >= 2), sets *size to its length in bytes and *second to its
// second element (usually the key), and returns true. Returns false for
// anything else (incomplete, inline, malformed); RequestParser stays the
// authority on what a request is.
bool peek_second_element(const char* data, size_t len, size_t* size, std::string_view* second);

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

  // Where an argument lies: offset from the start of the command and length.
  // argv_ is rebuilt from these when the command completes, so a caller that
  // moved its buffer between calls still gets correct views.
  struct Span {
    size_t off;
    size_t len;
  };
  // An inline argument: a span of the line, or an index into inline_storage_
  // when quotes or escapes made its bytes differ from the line's.
  struct InlineArg {
    bool stored;
    size_t off;
    size_t len;
  };
  enum class LineScan { kFound, kNeedMore, kTooBig };

  ParseStatus parse_multibulk(const char* data, size_t len, size_t* consumed);
  ParseStatus parse_inline(const char* data, size_t len, size_t* consumed);
  LineScan find_header_end(const char* data, size_t len, size_t start, size_t* cr);
  bool split_inline(const char* line, size_t n);
  ParseStatus fail(std::string_view msg);
  void clear_resume_state();

  std::vector<Span> spans_;
  std::vector<InlineArg> inline_args_;
  int64_t bulk_len_ = -1;      // length of the element whose header is parsed
  size_t line_scanned_ = 0;    // bytes of the current line holding no terminator
  bool line_blocked_ = false;  // a NUL precedes the terminator (see .cc)
};

}  // namespace peregrine::protocol
