// What the reference models all need, written once: RESP2 reply encoding,
// the error replies many commands share, argument words compared without
// regard to case, strict integer and long double parsing, long double
// formatting, SCAN cursors and glob patterns.
//
// Like the models, this file and common.cc include nothing from src/: the
// server has its own copies of these rules, and a bug in one of them must
// not show up in the oracle too. Each function does what redis-server 7.0
// does, byte for byte, odd corners included (noted where they are).
#ifndef PEREGRINE_MODELS_COMMON_H_
#define PEREGRINE_MODELS_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::models {

// ------------------------------------------------------------ replies

std::string simple(std::string_view s);
// An error reply. CR and LF inside the text become spaces, so that a text
// carrying a client's argument cannot break the protocol.
std::string error(std::string_view text);
// An error whose text was built from a client's argument the way Redis's
// addReplyErrorFormat() builds it: CR and LF at either end of the text
// (after the "ERR " prefix) are dropped, the ones inside become spaces.
std::string formatted_error(std::string_view text);
std::string integer(int64_t n);
std::string bulk(std::string_view s);
std::string array_header(size_t n);

// An array reply of bulk strings, one for each string in `items`.
template <typename Strings>
std::string bulk_array(const Strings& items) {
  std::string out = array_header(std::size(items));
  for (const auto& s : items) out += bulk(s);
  return out;
}

inline const std::string kOk = "+OK\r\n";
inline const std::string kNullBulk = "$-1\r\n";
inline const std::string kNullArray = "*-1\r\n";
inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
inline const std::string kSyntaxError = "-ERR syntax error\r\n";
inline const std::string kNotInteger = "-ERR value is not an integer or out of range\r\n";
inline const std::string kNotFloat = "-ERR value is not a valid float\r\n";

// "ERR wrong number of arguments for 'name' command"; name in lower case.
std::string arity_error(std::string_view name);
// "ERR unknown command 'name', with args beginning with: 'a' 'b' ", each
// argument shown as a C string (up to a NUL byte), at most 128 bytes of
// name and of arguments.
std::string unknown_command(const std::vector<std::string>& argv);
// "ERR value is out of range, value must between lo and hi"
std::string range_error(int64_t lo, int64_t hi);
// "ERR invalid expire time in 'cmd' command"
std::string expire_time_error(std::string_view cmd);

// ------------------------------------------------------------ words

// ASCII lower case; other bytes are left alone.
std::string lower(std::string_view s);
// Whether two words are equal, ASCII letters compared without case.
bool iequals(std::string_view a, std::string_view b);
// The part of s before its first NUL byte: what Redis shows when it formats
// an argument with "%s".
std::string_view c_string(std::string_view s);

// ------------------------------------------------------------ numbers

// A signed 64-bit decimal in its one canonical spelling, as Redis's
// string2ll() reads it: an optional '-', then digits with no leading zero
// ("0" itself excepted), no "-0", no '+', no spaces, in range.
bool parse_int64(std::string_view s, int64_t* out);

// A long double as Redis's string2ld() reads it: all of s read by strtold
// (a NUL byte stops it short, so is refused), no leading white space, not
// NaN, no overflow or underflow while reading, fewer than 5120 bytes.
bool parse_long_double(std::string_view s, long double* out);

// A double the way Redis 7.2+ replies show it: "nan", "inf", "-inf", "0",
// "-0"; an integral value within +-(2^63-1)/2 as an integer; otherwise the
// digits Grisu2 finds (nearly always the shortest that read back as the
// same double), plain when the decimal exponent is moderate ("0.1",
// "99999999999999990000000") and as "1.5e-7" / "1e+22" beyond.
std::string format_double(double v);

// A finite long double the way INCRBYFLOAT and HINCRBYFLOAT show it:
// "%.17Lf", trailing zeros and a dangling point removed, "-0" shown as "0".
std::string format_long_double(long double v);

// Whether a SCAN cursor argument is accepted: what strtoul reads of it as a
// C string (an optional sign, decimal digits; "" is 0), all of that C
// string, not starting with white space, within 64 bits. Bytes after a NUL
// are not looked at, as in Redis.
bool valid_scan_cursor(std::string_view s);

// ------------------------------------------------------------ glob

// Redis's stringmatchlen() without NOCASE: * ? [set] [^set] [a-z] and \x;
// an open '[' class runs to the end of the pattern, and an empty string
// matches only an empty pattern (SCAN's special case for a lone "*" is the
// caller's). Range ends compare as signed chars, as they do in Redis on
// x86-64, where char is signed: "[a-\xff]" is the range from \xff (-1) to
// 'a', so it matches NUL..'a' and \xff, not 'b' or \x80.
bool glob_match(std::string_view pattern, std::string_view s);

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_COMMON_H_
