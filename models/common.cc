// Reply encoding, parsing and glob matching shared by the reference models;
// see common.h. Nothing from src/ may be used here either.
#include "models/common.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace peregrine::models {
namespace {

constexpr size_t kMaxLongDoubleChars = 5 * 1024;  // Redis's MAX_LONG_DOUBLE_CHARS

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool is_crlf(char c) { return c == '\r' || c == '\n'; }

// One or more decimal digits, nothing else, read into 64 bits without
// overflowing.
bool parse_digits(std::string_view digits, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

}  // namespace

// ------------------------------------------------------------ replies

std::string simple(std::string_view s) { return "+" + std::string(s) + "\r\n"; }

std::string error(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (is_crlf(c)) c = ' ';
  }
  return "-" + line + "\r\n";
}

std::string formatted_error(std::string_view text) {
  std::string_view body = text;
  std::string_view prefix;
  if (body.substr(0, 4) == "ERR ") {
    prefix = body.substr(0, 4);
    body.remove_prefix(4);
  }
  while (!body.empty() && is_crlf(body.front())) body.remove_prefix(1);
  while (!body.empty() && is_crlf(body.back())) body.remove_suffix(1);
  return error(std::string(prefix) + std::string(body));
}

std::string integer(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string array_header(size_t n) { return "*" + std::to_string(n) + "\r\n"; }

std::string arity_error(std::string_view name) {
  return error("ERR wrong number of arguments for '" + std::string(name) + "' command");
}

std::string unknown_command(const std::vector<std::string>& argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; i++) {
    args += "'" + std::string(c_string(argv[i]).substr(0, 128 - args.size())) + "' ";
  }
  std::string_view name = argv.empty() ? std::string_view() : c_string(argv[0]);
  return error("ERR unknown command '" + std::string(name.substr(0, 128)) +
               "', with args beginning with: " + args);
}

std::string range_error(int64_t lo, int64_t hi) {
  return error("ERR value is out of range, value must between " + std::to_string(lo) + " and " +
               std::to_string(hi));
}

std::string expire_time_error(std::string_view cmd) {
  return error("ERR invalid expire time in '" + std::string(cmd) + "' command");
}

// ------------------------------------------------------------ words

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

std::string_view c_string(std::string_view s) { return s.substr(0, s.find('\0')); }

// ------------------------------------------------------------ numbers

bool parse_int64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  if (digits.empty() || digits[0] == '0') return false;  // "-", a leading zero, "-0"
  uint64_t v = 0;
  if (!parse_digits(digits, &v)) return false;
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (v > (negative ? kMaxPositive + 1 : kMaxPositive)) return false;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);  // wraps to INT64_MIN
  return true;
}

bool parse_long_double(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  if (is_space(s[0])) return false;
  std::string buf(s);  // strtold needs a terminator
  errno = 0;
  char* end = nullptr;
  long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  if ((errno == ERANGE || errno == EINVAL) && (std::isinf(v) || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

std::string format_long_double(long double v) {
  // Room for any finite long double at 17 decimals (under 5000 characters).
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

bool valid_scan_cursor(std::string_view s) {
  std::string_view text = c_string(s);
  if (text.empty()) return true;
  if (is_space(text[0])) return false;
  if (text[0] == '+' || text[0] == '-') text.remove_prefix(1);
  uint64_t v = 0;
  return parse_digits(text, &v);
}

// ------------------------------------------------------------ glob

namespace {

// Matches the class "[...]" that opens at p[*i] against c, and leaves *i on
// the class's closing ']' (on the pattern's last byte when it never closes).
bool class_matches(std::string_view p, size_t* i, char c) {
  size_t k = *i + 1;
  const bool negate = k < p.size() && p[k] == '^';
  if (negate) k++;
  bool hit = false;
  for (;; k++) {
    if (k + 1 < p.size() && p[k] == '\\') {
      k++;
      if (p[k] == c) hit = true;
    } else if (k < p.size() && p[k] == ']') {
      break;
    } else if (k >= p.size()) {
      k = p.size() - 1;  // an open class runs to the end of the pattern
      break;
    } else if (k + 2 < p.size() && p[k + 1] == '-') {
      int lo = static_cast<signed char>(p[k]);
      int hi = static_cast<signed char>(p[k + 2]);
      if (lo > hi) std::swap(lo, hi);
      const int x = static_cast<signed char>(c);
      if (x >= lo && x <= hi) hit = true;
      k += 2;
    } else if (p[k] == c) {
      hit = true;
    }
  }
  *i = k;
  return hit != negate;
}

// Matches s[j..] against p[i..].
bool glob_from(std::string_view p, size_t i, std::string_view s, size_t j) {
  while (i < p.size() && j < s.size()) {
    if (p[i] == '*') {
      while (i + 1 < p.size() && p[i + 1] == '*') i++;
      if (i + 1 == p.size()) return true;
      for (; j < s.size(); j++) {
        if (glob_from(p, i + 1, s, j)) return true;
      }
      return false;
    }
    if (p[i] == '[') {
      if (!class_matches(p, &i, s[j])) return false;
    } else if (p[i] == '\\' && i + 1 < p.size()) {
      i++;
      if (p[i] != s[j]) return false;
    } else if (p[i] != '?' && p[i] != s[j]) {
      return false;
    }
    i++;
    j++;
    // Once the string is used up, only stars may be left in the pattern.
    if (j == s.size()) {
      while (i < p.size() && p[i] == '*') i++;
    }
  }
  return i == p.size() && j == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view s) {
  return glob_from(pattern, 0, s, 0);
}

}  // namespace peregrine::models
