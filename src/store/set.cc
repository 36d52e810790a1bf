#include "store/set.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

namespace peregrine::store {

namespace {
// Keeps a set's member-TTL table apart from its member table.
constexpr uint64_t kTtlSeedTweak = 0x5bd1e9955bd1e995ULL;
}  // namespace

bool parse_set_integer(std::string_view s, int64_t* out) {
  // At most 20 characters: "-9223372036854775808".
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] == '0') {
    // A lone "0" only: no leading zeros, no "-0".
    if (s.size() != 1) return false;
    *out = 0;
    return true;
  }
  // Accumulate as a negative number so INT64_MIN fits.
  int64_t v = 0;
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    int digit = c - '0';
    if (v < (kMin + digit) / 10) return false;
    v = v * 10 - digit;
  }
  if (!negative) {
    if (v == kMin) return false;
    v = -v;
  }
  *out = v;
  return true;
}

// ------------------------------------------------------------ IntSet

size_t IntSet::width_for(int64_t v) {
  if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) {
    return 2;
  }
  if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    return 4;
  }
  return 8;
}

int64_t IntSet::at(size_t index) const {
  const char* p = data_.data() + index * width_;
  switch (width_) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
  }
}

void IntSet::store(size_t index, int64_t v) {
  char* p = data_.data() + index * width_;
  switch (width_) {
    case 2: {
      auto n = static_cast<int16_t>(v);
      std::memcpy(p, &n, sizeof n);
      break;
    }
    case 4: {
      auto n = static_cast<int32_t>(v);
      std::memcpy(p, &n, sizeof n);
      break;
    }
    default:
      std::memcpy(p, &v, sizeof v);
      break;
  }
}

size_t IntSet::lower_bound(int64_t v) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (at(mid) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

bool IntSet::contains(int64_t v) const {
  if (empty() || width_for(v) > width_) return false;
  size_t i = lower_bound(v);
  return i < size() && at(i) == v;
}

void IntSet::widen(size_t width) {
  const size_t n = size();
  IntSet wider;
  wider.width_ = width;
  wider.data_.resize(n * width);
  for (size_t i = 0; i < n; ++i) wider.store(i, at(i));
  *this = std::move(wider);
}

bool IntSet::insert(int64_t v) {
  const size_t w = width_for(v);
  if (w > width_) widen(w);
  size_t i = lower_bound(v);
  if (i < size() && at(i) == v) return false;
  data_.insert(i * width_, width_, '\0');
  store(i, v);
  return true;
}

bool IntSet::erase(int64_t v) {
  if (empty() || width_for(v) > width_) return false;
  size_t i = lower_bound(v);
  if (i >= size() || at(i) != v) return false;
  erase_at(i);
  return true;
}

void IntSet::erase_at(size_t index) { data_.erase(index * width_, width_); }

// ------------------------------------------------------------ SetValue

SetValue::SetValue(Kind kind, uint64_t seed) : kind_(kind), seed_(seed), dict_(seed) {}

std::unique_ptr<SetValue> SetValue::for_first_member(std::string_view first, size_t size_hint,
                                                     const SetLimits& limits, uint64_t seed) {
  int64_t ignored;
  Kind kind = Kind::kHashtable;
  if (parse_set_integer(first, &ignored) && size_hint <= limits.max_intset_entries) {
    kind = Kind::kIntset;
  } else if (size_hint <= limits.max_listpack_entries) {
    kind = Kind::kListpack;  // a member too long for it converts on add
  }
  return std::make_unique<SetValue>(kind, seed);
}

void SetValue::fit_hint(size_t size_hint, const SetLimits& limits) {
  if ((kind_ == Kind::kListpack && size_hint > limits.max_listpack_entries) ||
      (kind_ == Kind::kIntset && size_hint > limits.max_intset_entries)) {
    convert(Kind::kHashtable);
  }
}

std::unique_ptr<Collection> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>(kind_, seed_);
  copy->listpack_ex_ = listpack_ex_;
  if (ttls_) copy->ttls_ = std::make_unique<SubkeyTtls>(*ttls_);
  copy->ints_ = ints_;
  copy->packed_ = packed_;
  if (kind_ == Kind::kHashtable) {
    copy->dict_.reserve(dict_.size());
    dict_.for_each([&](std::string_view key, const NoValue&) { copy->dict_.insert(key, {}); });
  }
  return copy;
}

size_t SetValue::size() const {
  switch (kind_) {
    case Kind::kIntset: return ints_.size();
    case Kind::kListpack: return packed_.size();
    case Kind::kHashtable: return dict_.size();
  }
  return 0;
}

size_t SetValue::memory_usage() const {
  size_t bytes = sizeof(SetValue);
  switch (kind_) {
    case Kind::kIntset:
      bytes += ints_.bytes();
      break;
    case Kind::kListpack:
      bytes += packed_.bytes();
      break;
    case Kind::kHashtable:
      // The buckets, and one node per member: its header and the member.
      bytes += dict_.bucket_count() * sizeof(void*) + dict_.entry_bytes();
      break;
  }
  if (ttls_) bytes += ttls_->memory_usage();
  return bytes;
}

Encoding SetValue::encoding() const {
  switch (kind_) {
    case Kind::kIntset: return Encoding::kIntset;
    case Kind::kListpack: return listpack_ex_ ? Encoding::kListpackEx : Encoding::kListpack;
    case Kind::kHashtable: return Encoding::kHashtable;
  }
  return Encoding::kHashtable;
}

size_t SetValue::decimal_length(int64_t v) {
  char buf[24];
  return static_cast<size_t>(std::to_chars(buf, buf + sizeof(buf), v).ptr - buf);
}

size_t SetValue::max_member_length() const {
  if (kind_ == Kind::kIntset) {
    if (ints_.empty()) return 0;
    return std::max(decimal_length(ints_.min()), decimal_length(ints_.max()));
  }
  size_t longest = 0;
  for_each([&](std::string_view m) { longest = std::max(longest, m.size()); });
  return longest;
}

bool SetValue::add(std::string_view member, const SetLimits& limits) {
  if (kind_ == Kind::kIntset) {
    int64_t v;
    if (parse_set_integer(member, &v)) {
      if (!ints_.insert(v)) return false;
      // Too many integers: a hash table, whether or not a listpack would
      // hold them (as Redis).
      if (ints_.size() > limits.max_intset_entries) convert(Kind::kHashtable);
      return true;
    }
    // A non-integer member: leave the intset for whichever encoding holds
    // the set with the new member.
    bool fits_listpack = ints_.size() + 1 <= limits.max_listpack_entries &&
                         member.size() <= limits.max_listpack_value &&
                         max_member_length() <= limits.max_listpack_value;
    convert(fits_listpack ? Kind::kListpack : Kind::kHashtable);
  }
  if (kind_ == Kind::kListpack) {
    Members::Cursor c(packed_);
    if (c.find(member)) return false;
    if (packed_.size() + 1 > limits.max_listpack_entries ||
        member.size() > limits.max_listpack_value) {
      convert(Kind::kHashtable);
    } else {
      packed_.splice(c, 0, {member});  // c is at the end: an append
      return true;
    }
  }
  return dict_.insert(member, {}).second;
}

bool SetValue::remove(std::string_view member) {
  if (ttls_ && ttls_->drop(member) && ttls_->empty()) ttls_.reset();
  switch (kind_) {
    case Kind::kIntset: {
      int64_t v;
      return parse_set_integer(member, &v) && ints_.erase(v);
    }
    case Kind::kListpack: {
      Members::Cursor c(packed_);
      if (!c.find(member)) return false;
      packed_.splice(c, 1, {});
      return true;
    }
    case Kind::kHashtable:
      return dict_.erase(member);
  }
  return false;
}

bool SetValue::contains(std::string_view member) const {
  switch (kind_) {
    case Kind::kIntset: {
      int64_t v;
      return parse_set_integer(member, &v) && ints_.contains(v);
    }
    case Kind::kListpack:
      return Members::Cursor(packed_).find(member);
    case Kind::kHashtable:
      return dict_.contains(member);
  }
  return false;
}

std::vector<std::string> SetValue::members() const {
  std::vector<std::string> out;
  out.reserve(size());
  for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::string SetValue::random_member(rt::Random& random) {
  assert(!empty());
  switch (kind_) {
    case Kind::kIntset:
      return std::to_string(ints_.at(random.uniform(ints_.size())));
    case Kind::kListpack: {
      Members::Cursor c(packed_);
      c.skip(random.uniform(packed_.size()));
      return std::string(c.value());
    }
    case Kind::kHashtable:
      return std::string(dict_.random_entry(random)->first);
  }
  return {};
}

std::string SetValue::take_random(rt::Random& random) {
  assert(!empty());
  switch (kind_) {
    case Kind::kIntset: {
      size_t i = random.uniform(ints_.size());
      std::string out = std::to_string(ints_.at(i));
      ints_.erase_at(i);
      return out;
    }
    case Kind::kListpack: {
      Members::Cursor c(packed_);
      c.skip(random.uniform(packed_.size()));
      std::string out(c.value());
      packed_.splice(c, 1, {});
      return out;
    }
    case Kind::kHashtable: {
      std::string out(dict_.random_entry(random)->first);
      dict_.erase(out);
      return out;
    }
  }
  return {};
}

std::string SetValue::pop_random(rt::Random& random) {
  std::string out = take_random(random);
  if (ttls_ && ttls_->drop(out) && ttls_->empty()) ttls_.reset();
  return out;
}

void SetValue::convert(Kind to) {
  if (to == kind_) return;
  assert((to != Kind::kIntset || !ttls_) && "an intset carries no TTLs");
  // A listpack rebuilt from a table with TTLs (SPOP) is a listpackex one.
  if (to == Kind::kListpack && ttls_) listpack_ex_ = true;
  std::vector<std::string> all = members();
  ints_ = IntSet();
  packed_.clear();
  dict_.clear();
  kind_ = to;
  switch (to) {
    case Kind::kIntset:
      for (const std::string& m : all) {
        int64_t v = 0;
        bool ok = parse_set_integer(m, &v);
        assert(ok && "intset members must be integers");
        (void)ok;
        ints_.insert(v);
      }
      break;
    case Kind::kListpack: {
      Members::Appender append(packed_);
      for (const std::string& m : all) append.push(m);
      break;
    }
    case Kind::kHashtable:
      dict_.reserve(all.size());
      for (const std::string& m : all) dict_.insert(m, {});
      break;
  }
}

// ------------------------------------------------------------ member TTLs

void SetValue::set_expire(std::string_view member, int64_t when_ms, const SetLimits& limits) {
  if (kind_ == Kind::kIntset) {
    const bool fits_listpack = size() <= limits.max_listpack_entries &&
                               max_member_length() <= limits.max_listpack_value;
    convert(fits_listpack ? Kind::kListpack : Kind::kHashtable);
  }
  if (kind_ == Kind::kListpack) listpack_ex_ = true;
  if (!ttls_) ttls_ = std::make_unique<SubkeyTtls>(seed_ ^ kTtlSeedTweak);
  ttls_->set(member, when_ms);
}

bool SetValue::persist(std::string_view member) {
  if (!ttls_ || !ttls_->drop(member)) return false;
  if (ttls_->empty()) ttls_.reset();
  return true;
}

size_t SetValue::remove_expired(int64_t now_ms, size_t max_members) {
  size_t removed = 0;
  while (removed < max_members && has_expired(now_ms)) {
    // Copied: remove() frees the index entry that holds the name.
    std::string member(ttls_->next_name());
    remove(member);
    ++removed;
  }
  return removed;
}

}  // namespace peregrine::store
