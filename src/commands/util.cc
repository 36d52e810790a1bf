#include "commands/util.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace peregrine {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Parses the digits of s (non-empty, no leading zero unless s is "0") into
// an unsigned magnitude, failing above max.
bool parse_magnitude(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  if (s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// Texts this long or longer are never numbers (parse_long_double).
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

}  // namespace

bool parse_int64(std::string_view s, int64_t* out) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t magnitude = 0;
  if (!parse_magnitude(s, negative ? kMaxPositive + 1 : kMaxPositive, &magnitude)) return false;
  if (negative && magnitude == 0) return false;  // "-0"
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool parse_uint64(std::string_view s, uint64_t* out) {
  return parse_magnitude(s, std::numeric_limits<uint64_t>::max(), out);
}

bool parse_double(std::string_view s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string copy(s);  // strtod needs a terminator; an embedded NUL stops it short
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (static_cast<size_t>(end - copy.c_str()) != copy.size()) return false;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

bool parse_long_double(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(copy.c_str(), &end);
  if (static_cast<size_t>(end - copy.c_str()) != copy.size()) return false;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

std::string format_long_double(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // The longest finite long double in %.17Lf is under 5000 characters.
  char buf[5120];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) >= sizeof(buf)) return "nan";
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

namespace {

// Matches the single-character pattern element that starts at p (anything
// but '*') against c. Sets *next to the index just past the element.
bool match_element(std::string_view pat, size_t p, char c, bool nocase, size_t* next) {
  auto eq = [nocase](char a, char b) { return nocase ? lower(a) == lower(b) : a == b; };
  const size_t n = pat.size();
  switch (pat[p]) {
    case '?':
      *next = p + 1;
      return true;
    case '\\':
      if (n - p >= 2) {
        *next = p + 2;
        return eq(pat[p + 1], c);
      }
      *next = p + 1;
      return eq('\\', c);
    case '[': {
      size_t i = p + 1;
      bool negate = i < n && pat[i] == '^';
      if (negate) ++i;
      bool matched = false;
      while (true) {
        if (i >= n) break;  // an open class ends with the pattern
        if (pat[i] == '\\' && n - i >= 2) {
          if (pat[i + 1] == c) matched = true;
          i += 2;
        } else if (pat[i] == ']') {
          ++i;
          break;
        } else if (n - i >= 3 && pat[i + 1] == '-') {
          char lo = pat[i];
          char hi = pat[i + 2];
          char x = c;
          if (nocase) {
            lo = lower(lo);
            hi = lower(hi);
            x = lower(x);
          }
          // Range ends compare as signed chars, as Redis's matcher does on
          // x86-64, where char is signed ([a-\xff] spans \xff..a).
          if (static_cast<signed char>(lo) > static_cast<signed char>(hi)) std::swap(lo, hi);
          if (static_cast<signed char>(x) >= static_cast<signed char>(lo) &&
              static_cast<signed char>(x) <= static_cast<signed char>(hi)) {
            matched = true;
          }
          i += 3;
        } else {
          if (eq(pat[i], c)) matched = true;
          ++i;
        }
      }
      *next = i;
      return negate ? !matched : matched;
    }
    default:
      *next = p + 1;
      return eq(pat[p], c);
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view str, bool nocase) {
  if (str.empty()) return pattern.empty();
  const size_t m = pattern.size();
  size_t p = 0;
  size_t s = 0;
  // The most recent '*': where the pattern resumes after it, and the next
  // string position that star will try to swallow up to.
  size_t star_p = std::string_view::npos;
  size_t star_s = 0;
  while (s < str.size()) {
    if (p < m && pattern[p] == '*') {
      while (p < m && pattern[p] == '*') ++p;
      if (p == m) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next = 0;
    if (p < m && match_element(pattern, p, str[s], nocase, &next)) {
      p = next;
      ++s;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    // Let the last star swallow one more character and retry from there.
    // Earlier stars need no retry: anything they could reach, the last star
    // reaches too.
    p = star_p;
    s = ++star_s;
  }
  while (p < m && pattern[p] == '*') ++p;
  return p == m;
}

namespace {

constexpr uint32_t kLruClockMax = (uint32_t{1} << 24) - 1;
constexpr uint32_t kLfuInitCounter = 5;

uint32_t lfu_minutes_at(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 1000 / 60) & 0xffff);
}

}  // namespace

bool is_lfu_policy(std::string_view maxmemory_policy) {
  return maxmemory_policy.find("lfu") != std::string_view::npos;
}

uint32_t lru_clock_at(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 1000) & kLruClockMax);
}

uint32_t initial_access_stamp(int64_t now_ms, bool lfu) {
  if (lfu) return (lfu_minutes_at(now_ms) << 8) | kLfuInitCounter;
  return lru_clock_at(now_ms);
}

int64_t lru_idle_ms(uint32_t stamp, int64_t now_ms) {
  const uint32_t now = lru_clock_at(now_ms);
  const int64_t seconds = now >= stamp ? static_cast<int64_t>(now - stamp)
                                       : static_cast<int64_t>(now) + (kLruClockMax - stamp);
  return seconds * 1000;
}

uint32_t lfu_decayed_counter(uint32_t stamp, int64_t now_ms, int decay_time) {
  const uint32_t last = stamp >> 8;
  uint32_t counter = stamp & 0xff;
  if (decay_time <= 0) return counter;
  const uint32_t now = lfu_minutes_at(now_ms);
  const uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  const uint32_t periods = elapsed / static_cast<uint32_t>(decay_time);
  return periods > counter ? 0 : counter - periods;
}

bool parse_scan_cursor(std::string_view arg, uint64_t* cursor) {
  if (!arg.empty() && std::isspace(static_cast<unsigned char>(arg[0]))) return false;
  std::string copy(arg);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(copy.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *cursor = v;
  return true;
}

uint32_t lfu_touch(uint32_t stamp, int64_t now_ms, int log_factor, int decay_time,
                   double random01) {
  uint32_t counter = lfu_decayed_counter(stamp, now_ms, decay_time);
  if (counter < 255) {
    double base = counter > kLfuInitCounter ? counter - kLfuInitCounter : 0;
    if (random01 < 1.0 / (base * log_factor + 1)) ++counter;
  }
  return (lfu_minutes_at(now_ms) << 8) | counter;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace peregrine
