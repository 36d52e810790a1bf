// Reply encoding, parsing and glob matching shared by the reference models;
// see common.h. Nothing from src/ may be used here either.
#include "models/common.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

namespace {

// A small unsigned big integer, 32-bit limbs, least significant first; just
// what deriving powers of ten needs.
using Big = std::vector<uint32_t>;

Big big_times_small(const Big& a, uint32_t m) {
  Big r;
  uint64_t carry = 0;
  for (uint32_t limb : a) {
    uint64_t x = static_cast<uint64_t>(limb) * m + carry;
    r.push_back(static_cast<uint32_t>(x));
    carry = x >> 32;
  }
  if (carry) r.push_back(static_cast<uint32_t>(carry));
  return r;
}

int big_bits(const Big& a) {
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i]) {
      int b = 0;
      for (uint32_t x = a[i]; x; x >>= 1) ++b;
      return static_cast<int>(i) * 32 + b;
    }
  }
  return 0;
}

bool big_bit(const Big& a, int i) {
  size_t limb = static_cast<size_t>(i) / 32;
  return limb < a.size() && ((a[limb] >> (i % 32)) & 1);
}

// a >= b
bool big_ge(const Big& a, const Big& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = n; i-- > 0;) {
    uint32_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x > y;
  }
  return true;
}

void big_sub(Big& a, const Big& b) {  // a -= b, a >= b
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t x = static_cast<int64_t>(a[i]) - (i < b.size() ? b[i] : 0) - borrow;
    borrow = x < 0;
    a[i] = static_cast<uint32_t>(x + (borrow << 32));
  }
}

void big_double(Big& a) {
  uint32_t carry = 0;
  for (uint32_t& limb : a) {
    uint32_t next = limb >> 31;
    limb = (limb << 1) | carry;
    carry = next;
  }
  if (carry) a.push_back(carry);
}

struct Scaled {
  uint64_t f;  // 2^63 <= f < 2^64
  int e;       // value ~ f * 2^e
};

// 10^k rounded to nearest as f * 2^e, by exact big-integer arithmetic.
Scaled power_of_ten(int k) {
  Big ten{1};
  for (int i = 0; i < (k < 0 ? -k : k); ++i) ten = big_times_small(ten, 10);
  if (k >= 0) {
    // The top 64 bits of 10^k, then round on the next bit (ties cannot
    // happen: the bits below are not all zero when any is cut).
    int bits = big_bits(ten);
    if (bits <= 64) {
      uint64_t f = 0;
      for (int i = bits - 1; i >= 0; --i) f = (f << 1) | big_bit(ten, i);
      return {f << (64 - bits), bits - 64};
    }
    uint64_t f = 0;
    for (int i = bits - 1; i >= bits - 64; --i) f = (f << 1) | big_bit(ten, i);
    if (big_bit(ten, bits - 65)) {
      if (++f == 0) return {1ULL << 63, bits - 63};
    }
    return {f, bits - 64};
  }
  // 1 / 10^|k| by binary long division: quotient bits until 64 significant
  // bits and one more for rounding.
  Big rest{1};
  uint64_t f = 0;
  int taken = 0, e = 0;
  bool started = false;
  for (int pos = 1;; ++pos) {
    big_double(rest);
    bool bit = false;
    if (big_ge(rest, ten)) {
      big_sub(rest, ten);
      bit = true;
    }
    if (!started && !bit) continue;
    if (!started) {
      started = true;
      e = -pos - 63;  // the first 1 bit is worth 2^-pos
    }
    if (taken < 64) {
      f = (f << 1) | bit;
      ++taken;
      continue;
    }
    if (bit) {  // round half up; the rest is never exactly zero here
      if (++f == 0) return {1ULL << 63, e + 1};
    }
    return {f, e};
  }
}

// Grisu2 digits of v > 0: digits * 10^*dexp inside v's rounding interval.
std::string grisu2_digits(double v, int* dexp) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  uint64_t frac = bits & 0xFFFFFFFFFFFFFULL;
  int biased = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t f = biased ? frac + (1ULL << 52) : frac;
  int e = biased ? biased - 1075 : -1074;

  auto normalize = [](uint64_t& m, int& x) {
    while (!(m >> 63)) {
      m <<= 1;
      --x;
    }
  };
  uint64_t hi = 2 * f + 1;
  int hi_e = e - 1;
  normalize(hi, hi_e);
  int lo_shift = f == (1ULL << 52) ? 2 : 1;
  uint64_t lo = (f << lo_shift) - 1;
  int lo_e = e - lo_shift;
  lo <<= (lo_e - hi_e);
  uint64_t mid = f;
  int mid_e = e;
  normalize(mid, mid_e);

  // The cached power 10^k (k = -348 + 8i) that scales hi's exponent into
  // [-60, -32], searched from an estimate the same way every time.
  int guess = static_cast<int>(-(hi_e + 87) * 0.30102999566398114);
  int index = (guess + 348) / 8;
  // Derived once; constants from then on.
  static const std::vector<Scaled> kPowers = [] {
    std::vector<Scaled> p;
    for (int i = 0; i < 87; ++i) p.push_back(power_of_ten(-348 + 8 * i));
    return p;
  }();
  Scaled c{};
  for (;;) {
    c = kPowers[static_cast<size_t>(index)];
    int scaled = hi_e + c.e + 64;
    if (scaled < -60) ++index;
    else if (scaled > -32) --index;
    else break;
  }
  int k = -348 + 8 * index;
  auto mul = [&](uint64_t a) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * c.f;
    uint64_t top = static_cast<uint64_t>(p >> 64);
    if ((static_cast<uint64_t>(p) >> 63) & 1) ++top;
    return top;
  };
  int ex = hi_e + c.e + 64;  // shared by the three products
  uint64_t W = mul(mid), Hi = mul(hi) - 1, Lo = mul(lo) + 1;
  *dexp = -k;

  uint64_t gap = Hi - Lo;           // width of the safe interval
  uint64_t from_top = Hi - W;       // distance from its top to v
  int s = -ex;
  uint64_t unit = 1ULL << s;
  uint64_t whole = Hi >> s, part = Hi & (unit - 1);
  std::string out;
  auto settle = [&](uint64_t left, uint64_t step, uint64_t target) {
    // walk the last digit down towards v while it stays in the interval
    while (left < target && gap - left >= step &&
           (left + step < target || target - left > left + step - target)) {
      out.back() = static_cast<char>(out.back() - 1);
      left += step;
    }
  };
  uint64_t place = 1000000000ULL;
  for (int kappa = 9; kappa >= 0; --kappa, place /= 10) {
    uint64_t d = whole / place;
    if (d || !out.empty()) out.push_back(static_cast<char>('0' + d));
    whole %= place;
    uint64_t left = (whole << s) + part;
    if (left <= gap) {
      *dexp += kappa;
      settle(left, place << s, from_top);
      return out;
    }
  }
  uint64_t scale = 1;
  for (int kappa = -1;; --kappa) {
    part *= 10;
    gap *= 10;
    scale *= 10;
    uint64_t d = part >> s;
    if (d || !out.empty()) out.push_back(static_cast<char>('0' + d));
    part &= unit - 1;
    if (part < gap) {
      *dexp += kappa;
      settle(part, unit, from_top * scale);
      return out;
    }
  }
}

}  // namespace

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  const double limit = static_cast<double>(INT64_MAX / 2);
  if (v >= -limit && v <= limit && static_cast<double>(static_cast<int64_t>(v)) == v)
    return std::to_string(static_cast<int64_t>(v));
  bool neg = std::signbit(v);
  int dexp = 0;
  std::string d = grisu2_digits(std::fabs(v), &dexp);
  int n = static_cast<int>(d.size());
  int mag = std::abs(dexp + n - 1);
  std::string out = neg ? "-" : "";
  if (dexp >= 0 && mag < n + 7) return out + d + std::string(static_cast<size_t>(dexp), '0');
  if (dexp < 0 && (dexp > -7 || mag < 4)) {
    int point = n + dexp;
    if (point <= 0) return out + "0." + std::string(static_cast<size_t>(-point), '0') + d;
    return out + d.substr(0, static_cast<size_t>(point)) + "." + d.substr(static_cast<size_t>(point));
  }
  if (n > (neg ? 17 : 18)) n = neg ? 17 : 18;
  out += d[0];
  if (n > 1) out += "." + d.substr(1, static_cast<size_t>(n - 1));
  out += (dexp + n - 1 < 0) ? "e-" : "e+";
  return out + std::to_string(mag);
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
