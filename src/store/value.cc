#include "store/value.h"

#include <cstdint>
#include <utility>

namespace peregrine::store {

std::string_view type_name(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
  }
  return "unknown";
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kRaw: return "raw";
    case Encoding::kInt: return "int";
    case Encoding::kEmbStr: return "embstr";
    case Encoding::kListpack: return "listpack";
    case Encoding::kQuicklist: return "quicklist";
    case Encoding::kHashtable: return "hashtable";
    case Encoding::kListpackEx: return "listpackex";
    case Encoding::kIntset: return "intset";
    case Encoding::kSkiplist: return "skiplist";
    case Encoding::kStream: return "stream";
  }
  return "unknown";
}

namespace {

// True when s is the one canonical decimal spelling of a signed 64-bit
// integer: an optional '-', then digits with no leading zero (a lone "0" is
// fine, "-0" is not), no sign '+', no spaces, and within int64 range.
bool is_canonical_int64(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) i = 1;
  if (i == s.size()) return false;               // "-"
  if (s[i] == '0') return s.size() == 1;         // "0" only; "-0", "01" rejected
  // Magnitude limit: 9223372036854775807, or one more when negative.
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t acc = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  return true;
}

}  // namespace

Encoding new_string_encoding(std::string_view s) {
  if (is_canonical_int64(s)) return Encoding::kInt;
  return s.size() <= kEmbstrMaxLen ? Encoding::kEmbStr : Encoding::kRaw;
}

Value Value::make_string(std::string s) {
  Value v;
  v.type = ObjType::kString;
  v.encoding = new_string_encoding(s);
  v.str = std::move(s);
  return v;
}

Value Value::make_raw_string(std::string s) {
  Value v;
  v.type = ObjType::kString;
  v.encoding = Encoding::kRaw;
  v.appendable = true;
  v.str = std::move(s);
  return v;
}

}  // namespace peregrine::store
