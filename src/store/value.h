// Value: a value being built for the keyspace (a new string, a collection
// payload). Db::set packs it into the key's single-allocation entry (Obj,
// store/obj.h); lookups return the Obj, not a Value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace peregrine::store {

// Numbering follows Redis's OBJ_* type codes (used by RDB and TYPE).
enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4, kStream = 6 };

// Names reported by OBJECT ENCODING.
enum class Encoding : uint8_t {
  kRaw, kInt, kEmbStr, kListpack, kQuicklist, kHashtable, kIntset, kSkiplist, kStream,
  kListpackEx  // a small hash whose fields have (or had) TTLs
};

std::string_view type_name(ObjType t);      // "string", "list", ...
std::string_view encoding_name(Encoding e);  // "raw", "int", "embstr", ...

// Longest string Redis stores as embstr on creation.
inline constexpr size_t kEmbstrMaxLen = 44;

// The encoding Redis gives a freshly created string with these bytes: "int"
// for the canonical spelling of a 64-bit integer, "embstr" up to 44 bytes,
// else "raw".
Encoding new_string_encoding(std::string_view s);

// The payload of a collection value. Each collection type derives from it
// in its own header (store/list.h, store/hash.h, store/set.h, store/zset.h)
// and owns its encodings (compact for small, general past the thresholds).
class Collection {
 public:
  virtual ~Collection() = default;
  // A deep copy (COPY, MULTI snapshots); the copy keeps the encoding.
  virtual std::unique_ptr<Collection> clone() const = 0;
  // Number of elements (fields, members, items).
  virtual size_t size() const = 0;
  // Approximate heap bytes of the payload (MEMORY USAGE); 0 when a type
  // does not say, and the caller then estimates from size().
  virtual size_t memory_usage() const { return 0; }
  // How much work freeing the payload takes, in Redis's units (lazyfree's
  // "free effort"): the nodes of a chained list, the elements of a hash
  // table, set table or sorted-set tree; 1 for a compact encoding, which is
  // one or two allocations.
  virtual size_t free_effort() const { return 1; }
};

struct Value {
  Value() = default;
  Value(const Value& other) { *this = other; }
  Value& operator=(const Value& other) {
    if (this == &other) return *this;
    type = other.type;
    encoding = other.encoding;
    lru = other.lru;
    str = other.str;
    appendable = other.appendable;
    coll = other.coll ? other.coll->clone() : nullptr;
    return *this;
  }
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;

  ObjType type = ObjType::kString;
  Encoding encoding = Encoding::kRaw;
  // Last access in LRU-clock seconds (OBJECT IDLETIME), or the LFU counter
  // and decay time when an LFU policy is selected (OBJECT FREQ).
  uint32_t lru = 0;
  std::string str;  // kString payload
  // The string will likely grow in place (APPEND, SETRANGE results): the
  // entry keeps it in a separate growable buffer instead of inline.
  bool appendable = false;
  std::unique_ptr<Collection> coll;  // list, hash, set, zset payload

  // The collection payload as its concrete type; the caller has checked
  // `type`.
  template <typename T>
  T& as() { return static_cast<T&>(*coll); }
  template <typename T>
  const T& as() const { return static_cast<const T&>(*coll); }

  // A string value with the encoding Redis gives a freshly created string:
  // "int" when it is a canonical 64-bit integer of at most 20 chars,
  // "embstr" up to 44 bytes, else "raw".
  static Value make_string(std::string s);
  // A string value that Redis would mark "raw" whatever its content (the
  // result of APPEND, SETRANGE, ...).
  static Value make_raw_string(std::string s);
};

}  // namespace peregrine::store
