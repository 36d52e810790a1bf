#include "protocol/resp_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <limits>

namespace peregrine::protocol {
namespace {

// A length header ("*3", "$5") with no CR after this many bytes is refused,
// whatever the other limits say.
constexpr size_t kMaxHeaderLine = 64 * 1024;

// Element and storage vectors grown beyond this by one huge request are
// released before the next request instead of being kept for the connection.
constexpr size_t kKeepCapacity = 64 * 1024;

// Request size allowed before a client has authenticated.
constexpr int64_t kMaxUnauthElements = 10;
constexpr int64_t kMaxUnauthBulk = 16 * 1024;

constexpr std::string_view kErrPrefix = "ERR Protocol error: ";

// Strict decimal integer as length headers accept it: an optional '-', no
// '+', no leading zeros ("0" alone is fine, "-0" is not), no spaces, at most
// 20 characters, and the value must fit in int64_t.
bool parse_strict_int(const char* p, size_t n, int64_t* out) {
  if (n == 0 || n > 20) return false;
  if (n == 1 && p[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (p[0] == '-') {
    negative = true;
    i = 1;
    if (n == 1) return false;
  }
  if (p[i] < '1' || p[i] > '9') return false;
  uint64_t v = static_cast<uint64_t>(p[i] - '0');
  for (++i; i < n; ++i) {
    unsigned d = static_cast<unsigned char>(p[i]) - unsigned{'0'};
    if (d > 9) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (v > kMax + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > kMax) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// Fast path for the canonical header every client sends: a non-negative
// length of at most 18 digits at data[p], then '\r' and one more byte
// present. Anything else (or too little data) returns false and the exact,
// slower path decides.
inline bool fast_length(const char* data, size_t len, size_t p, int64_t* out, size_t* cr) {
  if (p >= len) return false;
  unsigned d = static_cast<unsigned char>(data[p]) - unsigned{'0'};
  if (d > 9) return false;
  int64_t v = d;
  size_t i = p + 1;
  if (d != 0) {
    const size_t end = std::min(len, p + 18);
    while (i < end) {
      d = static_cast<unsigned char>(data[i]) - unsigned{'0'};
      if (d > 9) break;
      v = v * 10 + d;
      ++i;
    }
  }
  if (i + 1 >= len || data[i] != '\r') return false;
  *out = v;
  *cr = i;
  return true;
}

// Whitespace as the C locale's isspace() sees it; separates inline
// arguments and must follow a closing quote.
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::clear_resume_state() {
  multibulk_total_ = -1;
  scan_offset_ = 0;
  bulk_len_ = -1;
  line_scanned_ = 0;
  line_blocked_ = false;
}

void RequestParser::reset() {
  clear_resume_state();
  argv_.clear();
  spans_.clear();
  inline_args_.clear();
  inline_storage_.clear();
  error_.clear();
  bytes_hint_ = 0;
}

ParseStatus RequestParser::fail(std::string_view msg) {
  error_.assign(kErrPrefix);
  error_.append(msg);
  clear_resume_state();
  bytes_hint_ = 0;
  return ParseStatus::kError;
}

namespace {

// Reads "<digits>\r\n" at data[*pos] (after the type byte); small positive
// values only.
bool peek_number(const char* data, size_t len, size_t* pos, size_t* out) {
  size_t v = 0;
  size_t i = *pos;
  const size_t start = i;
  while (i < len && data[i] >= '0' && data[i] <= '9' && i - start < 10) {
    v = v * 10 + static_cast<size_t>(data[i] - '0');
    ++i;
  }
  if (i == start || i + 1 >= len || data[i] != '\r' || data[i + 1] != '\n') return false;
  *pos = i + 2;
  *out = v;
  return true;
}

}  // namespace

bool peek_second_element(const char* data, size_t len, size_t* size, std::string_view* second) {
  constexpr size_t kMaxElements = 1024;  // longer requests are not worth the walk
  if (len == 0 || data[0] != '*') return false;
  size_t pos = 1;
  size_t n;
  if (!peek_number(data, len, &pos, &n) || n < 2 || n > kMaxElements) return false;
  for (size_t i = 0; i < n; ++i) {
    if (pos >= len || data[pos] != '$') return false;
    ++pos;
    size_t blen;
    if (!peek_number(data, len, &pos, &blen)) return false;
    if (blen > len || pos + blen + 2 > len) return false;
    if (i == 1) *second = std::string_view(data + pos, blen);
    pos += blen + 2;
  }
  *size = pos;
  return true;
}

ParseStatus RequestParser::parse(const char* data, size_t len, size_t* consumed) {
  *consumed = 0;
  argv_.clear();
  error_.clear();
  bytes_hint_ = 0;
  // A caller that hands back fewer bytes than before broke the contract;
  // start the request over rather than read past its data.
  if (scan_offset_ + line_scanned_ > len) clear_resume_state();
  if (len == 0) return ParseStatus::kNeedMore;
  if (multibulk_total_ < 0 && scan_offset_ == 0 && line_scanned_ == 0) {
    if (argv_.capacity() > kKeepCapacity) argv_ = {};
    if (spans_.capacity() > kKeepCapacity) spans_ = {};
  }
  // The first byte of a request picks its format, as in Redis.
  if (data[0] == '*') return parse_multibulk(data, len, consumed);
  return parse_inline(data, len, consumed);
}

// Looks for the CR ending the length header that starts at data[start].
// Mirrors how Redis searches its NUL-terminated query buffer: a NUL byte
// before the CR hides the CR for good, and the request can then only end by
// growing past the header size limit. A header longer than the limit is
// refused even when its CR is already here, so the outcome does not depend on
// how the bytes were split across reads.
RequestParser::LineScan RequestParser::find_header_end(const char* data, size_t len,
                                                       size_t start, size_t* cr) {
  const size_t avail = len - start;
  if (!line_blocked_) {
    const char* line = data + start;
    const char* from = line + line_scanned_;
    const size_t n = avail - line_scanned_;
    const char* r = static_cast<const char*>(std::memchr(from, '\r', n));
    const size_t upto = r ? static_cast<size_t>(r - from) : n;
    if (upto != 0 && std::memchr(from, '\0', upto) != nullptr) {
      line_blocked_ = true;
    } else if (r != nullptr) {
      const size_t off = static_cast<size_t>(r - line);
      if (off > kMaxHeaderLine) return LineScan::kTooBig;
      // The CR must be followed by one more byte (the LF, not checked).
      if (off + 2 > avail) {
        line_scanned_ = off;
        return LineScan::kNeedMore;
      }
      *cr = start + off;
      return LineScan::kFound;
    } else {
      line_scanned_ = avail;
    }
  }
  return avail > kMaxHeaderLine ? LineScan::kTooBig : LineScan::kNeedMore;
}

ParseStatus RequestParser::parse_multibulk(const char* data, size_t len, size_t* consumed) {
  size_t pos = scan_offset_;
  // A request that starts in this call fills argv_ directly (the common
  // case: it is all here). If it turns out incomplete, its elements move to
  // spans_, and later calls append to spans_ until the request completes.
  const bool direct = multibulk_total_ < 0;
  if (direct) {
    int64_t n = 0;
    size_t cr = 0;
    if (!fast_length(data, len, 1, &n, &cr)) {
      switch (find_header_end(data, len, 0, &cr)) {
        case LineScan::kNeedMore:
          return ParseStatus::kNeedMore;
        case LineScan::kTooBig:
          return fail("too big mbulk count string");
        case LineScan::kFound:
          break;
      }
      if (!parse_strict_int(data + 1, cr - 1, &n)) return fail("invalid multibulk length");
    }
    if (n > limits_.max_multibulk_len || n > INT_MAX) return fail("invalid multibulk length");
    if (n > kMaxUnauthElements && limits_.unauthenticated) {
      return fail("unauthenticated multibulk length");
    }
    pos = cr + 2;
    line_scanned_ = 0;
    line_blocked_ = false;
    if (n <= 0) {
      // "*0" and any negative count: an empty request the caller skips.
      *consumed = pos;
      clear_resume_state();
      return ParseStatus::kCommand;
    }
    multibulk_total_ = n;
    spans_.clear();
  }

  const size_t total = static_cast<size_t>(multibulk_total_);
  size_t count = direct ? 0 : spans_.size();
  // Called before returning kNeedMore.
  auto suspend = [&](size_t at) {
    scan_offset_ = at;
    if (direct) {
      for (std::string_view v : argv_) {
        spans_.push_back(Span{static_cast<size_t>(v.data() - data), v.size()});
      }
      argv_.clear();
    }
    return ParseStatus::kNeedMore;
  };
  while (count < total) {
    if (bulk_len_ < 0) {
      int64_t n = 0;
      size_t cr = 0;
      if (pos >= len || data[pos] != '$' || !fast_length(data, len, pos + 1, &n, &cr)) {
        switch (find_header_end(data, len, pos, &cr)) {
          case LineScan::kNeedMore:
            return suspend(pos);
          case LineScan::kTooBig:
            return fail("too big bulk count string");
          case LineScan::kFound:
            break;
        }
        if (data[pos] != '$') {
          // CR and LF would break the error line; they show as spaces.
          char got = data[pos];
          if (got == '\r' || got == '\n') got = ' ';
          std::string msg = "expected '$', got '";
          msg.push_back(got);
          msg.push_back('\'');
          return fail(msg);
        }
        if (!parse_strict_int(data + pos + 1, cr - pos - 1, &n) || n < 0) {
          return fail("invalid bulk length");
        }
      }
      if (n > limits_.max_bulk_len) return fail("invalid bulk length");
      if (n > kMaxUnauthBulk && limits_.unauthenticated) return fail("unauthenticated bulk length");
      bulk_len_ = n;
      pos = cr + 2;
      line_scanned_ = 0;
      line_blocked_ = false;
    }
    // The two bytes after the payload are skipped unchecked, like Redis.
    const size_t need = static_cast<size_t>(bulk_len_) + 2;
    const size_t have = len - pos;
    if (have < need) {
      bytes_hint_ = need - have;
      return suspend(pos);
    }
    if (direct) {
      argv_.emplace_back(data + pos, static_cast<size_t>(bulk_len_));
    } else {
      spans_.push_back(Span{pos, static_cast<size_t>(bulk_len_)});
    }
    ++count;
    pos += need;
    bulk_len_ = -1;
  }

  if (!direct) {
    argv_.resize(spans_.size());
    for (size_t i = 0; i < spans_.size(); ++i) {
      argv_[i] = std::string_view(data + spans_[i].off, spans_[i].len);
    }
  }
  *consumed = pos;
  clear_resume_state();
  return ParseStatus::kCommand;
}

ParseStatus RequestParser::parse_inline(const char* data, size_t len, size_t* consumed) {
  // The line ends at LF. As with the length headers, a NUL before the LF
  // hides it (the request then waits until it is too big), and a line over
  // the limit is refused whether or not its LF has arrived.
  size_t lf = std::string_view::npos;
  if (!line_blocked_) {
    const char* from = data + line_scanned_;
    const size_t n = len - line_scanned_;
    const char* p = static_cast<const char*>(std::memchr(from, '\n', n));
    const size_t upto = p ? static_cast<size_t>(p - from) : n;
    if (upto != 0 && std::memchr(from, '\0', upto) != nullptr) {
      line_blocked_ = true;
    } else if (p != nullptr) {
      lf = static_cast<size_t>(p - data);
    } else {
      line_scanned_ = len;
    }
  }
  if (lf == std::string_view::npos) {
    if (len > limits_.max_inline_len) return fail("too big inline request");
    return ParseStatus::kNeedMore;
  }
  if (lf > limits_.max_inline_len) return fail("too big inline request");
  size_t line_len = lf;
  if (line_len > 0 && data[line_len - 1] == '\r') --line_len;
  if (!split_inline(data, line_len)) return fail("unbalanced quotes in request");

  argv_.resize(inline_args_.size());
  for (size_t i = 0; i < inline_args_.size(); ++i) {
    const InlineArg& a = inline_args_[i];
    argv_[i] = a.stored ? std::string_view(inline_storage_[a.off])
                        : std::string_view(data + a.off, a.len);
  }
  *consumed = lf + 1;
  clear_resume_state();
  return ParseStatus::kCommand;
}

// Splits an inline request line into arguments. Arguments are separated by
// whitespace; "..." quotes understand \n \r \t \b \a \xHH and escape any
// other character by itself; '...' quotes only understand \'. Quotes may
// start in the middle of an argument, but a closing quote must be followed
// by whitespace or the end of the line. Returns false on unbalanced quotes.
// The line holds no NUL byte (the caller saw to that), so reading past its
// end is modelled as reading a NUL.
bool RequestParser::split_inline(const char* line, size_t n) {
  inline_args_.clear();
  if (inline_storage_.capacity() > kKeepCapacity) inline_storage_ = {};
  if (inline_args_.capacity() > kKeepCapacity) inline_args_ = {};
  size_t stored = 0;
  auto at = [line, n](size_t k) -> char { return k < n ? line[k] : '\0'; };

  size_t i = 0;
  for (;;) {
    while (i < n && is_space(line[i])) ++i;
    if (i >= n) break;

    const size_t start = i;
    size_t end = i;
    std::string* buf = nullptr;  // set once the argument needs own bytes
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    auto begin_storage = [&] {
      if (buf != nullptr) return;
      if (stored == inline_storage_.size()) inline_storage_.emplace_back();
      buf = &inline_storage_[stored++];
      buf->assign(line + start, i - start);
    };
    while (!done) {
      const char c = at(i);
      if (in_double) {
        if (c == '\\' && at(i + 1) == 'x' && hex_value(at(i + 2)) >= 0 &&
            hex_value(at(i + 3)) >= 0) {
          buf->push_back(static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          ++i;
          char e = at(i);
          switch (e) {
            case 'n': e = '\n'; break;
            case 'r': e = '\r'; break;
            case 't': e = '\t'; break;
            case 'b': e = '\b'; break;
            case 'a': e = '\a'; break;
            default: break;
          }
          buf->push_back(e);
        } else if (c == '"') {
          const char next = at(i + 1);
          if (next != '\0' && !is_space(next)) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          buf->push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(i + 1) == '\'') {
          ++i;
          buf->push_back('\'');
        } else if (c == '\'') {
          const char next = at(i + 1);
          if (next != '\0' && !is_space(next)) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          buf->push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            end = i;
            done = true;
            break;
          case '"':
            begin_storage();
            in_double = true;
            break;
          case '\'':
            begin_storage();
            in_single = true;
            break;
          default:
            if (buf != nullptr) buf->push_back(c);
            break;
        }
      }
      if (i < n) ++i;
    }
    if (buf != nullptr) {
      inline_args_.push_back(InlineArg{true, stored - 1, 0});
    } else {
      inline_args_.push_back(InlineArg{false, start, end - start});
    }
  }
  return true;
}

}  // namespace peregrine::protocol
