// Argument parsing and string helpers shared by every command family.
//
// The parsers are strict in the way Redis clients expect: an argument that a
// command reads as a number must be exactly a number, with nothing around it,
// so "10" parses but " 10", "+10", "010" and "10abc" do not. Each function
// returns false (leaving *out unspecified) when the text is not acceptable,
// and the caller replies with the matching standard error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace peregrine {

// A signed 64-bit decimal integer: an optional '-', then digits with no
// leading zero (a lone "0" is fine, "-0" is not), no '+', no spaces, within
// [INT64_MIN, INT64_MAX]. This is the form stored integers and integer
// arguments must take.
bool parse_int64(std::string_view s, int64_t* out);

// An unsigned 64-bit decimal integer: digits only with no leading zero (a
// lone "0" is fine), no sign, no spaces, at most UINT64_MAX.
bool parse_uint64(std::string_view s, uint64_t* out);

// A double as scores and float arguments are written: anything strtod reads
// in full ("1", "-2.5", "1e10", "0x1p3", "inf", "+inf", "-inf", "infinity"),
// with no leading or trailing space. NaN is rejected, and so is a value that
// overflows to infinity or underflows to zero while being read (a literal
// "inf" is fine).
bool parse_double(std::string_view s, double* out);

// The long double counterpart of parse_double (INCRBYFLOAT and friends), with
// the same rules. Texts of 5120 bytes or more are rejected.
bool parse_long_double(std::string_view s, long double* out);

// A long double as INCRBYFLOAT stores and replies it: fixed notation with 17
// digits after the point, then trailing zeros and a bare trailing point
// removed ("10.5", "3000", "0.33333333333333333"); "-0" becomes "0";
// infinities are "inf" and "-inf".
std::string format_long_double(long double v);

// Glob-style matching as KEYS, SCAN MATCH, CONFIG GET and PSUBSCRIBE use it:
//   *      any run of characters, including none
//   ?      any one character
//   [abc]  one of the listed characters; [^abc] one character not listed;
//          [a-z] a range (the ends may be given in either order); a class
//          left open runs to the end of the pattern
//   \x     the character x literally (also inside a class)
// nocase compares ASCII letters case-insensitively. Like the original
// matcher, an empty string matches only the empty pattern (so callers that
// treat "*" as "everything" check for it themselves). Runs in
// O(len(pattern) * len(str)) time and constant stack.
bool glob_match(std::string_view pattern, std::string_view str, bool nocase = false);

// A SCAN-family cursor: an unsigned decimal read the permissive way clients
// have always been able to send it (a sign or leading zeros pass, an empty
// string is 0), but not starting with a space, with nothing after it, and
// within 64 bits.
bool parse_scan_cursor(std::string_view arg, uint64_t* cursor);

// ---------------------------------------------------------------- access stamps
// A value's 32-bit access stamp (store::Value::lru) holds, under an LRU or
// non-LFU maxmemory-policy, the LRU clock at its last access: Unix seconds
// truncated to 24 bits. Under an LFU policy it holds the minute of the last
// decrement (16 bits, Unix minutes mod 65536) above a logarithmic access
// counter (8 bits).

// Whether a maxmemory-policy name selects LFU bookkeeping.
bool is_lfu_policy(std::string_view maxmemory_policy);

// The stamp for a value created at now_ms: the LRU clock, or under LFU the
// current minute with the counter's starting value (5).
uint32_t initial_access_stamp(int64_t now_ms, bool lfu);

// The LRU clock at now_ms.
uint32_t lru_clock_at(int64_t now_ms);

// Milliseconds since the last access recorded in an LRU stamp, allowing for
// the clock wrapping around.
int64_t lru_idle_ms(uint32_t stamp, int64_t now_ms);

// The LFU counter of a stamp after decaying it by one per decay_time
// minutes elapsed since its last decrement (decay_time 0: no decay).
uint32_t lfu_decayed_counter(uint32_t stamp, int64_t now_ms, int decay_time);

// The stamp after one access at now_ms under LFU: the counter is decayed,
// then incremented with probability 1 / ((counter - 5) * log_factor + 1)
// (random01 is a uniform draw in [0, 1)), saturating at 255.
uint32_t lfu_touch(uint32_t stamp, int64_t now_ms, int log_factor, int decay_time, double random01);

// ---------------------------------------------------------------- text

// ASCII lower-casing (command names, option keywords).
std::string to_lower(std::string_view s);

// ASCII case-insensitive equality, for option keywords.
bool equals_nocase(std::string_view a, std::string_view b);
// The part of s before its first NUL byte: what Redis prints of an argument
// it formats into a message with %s.
inline std::string_view c_string(std::string_view s) { return s.substr(0, s.find('\0')); }

}  // namespace peregrine
