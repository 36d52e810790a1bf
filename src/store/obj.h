// Obj: one key of the keyspace and its value, packed in a single heap
// allocation. The key tables (store/key_table.h) hold pointers to these.
//
// Layout (bytes; optional parts are present only when their flag is set)
//
//   0      1      2      4              8
//   +------+------+------+--------------+
//   | tag  |flags | 0    |   lru (u32)  |   header, 8 bytes (the Obj struct)
//   +------+------+------+--------------+
//   [ expire_at: int64 Unix ms      ]  8 bytes   if kTtlSlot
//   [ payload: std::string* or
//              Collection*          ]  8 bytes   unless kInlineStr
//   [ varint key length ][ key bytes ]
//   [ varint value length ][ value bytes ]       if kInlineStr
//
//   tag    type in the high nibble, encoding in the low nibble
//   flags  kTtlSlot   the expire_at field exists (kept after PERSIST, so
//                     setting a TTL again does not move the entry)
//          kHasTtl    the key has a TTL (expire_at is meaningful)
//          kInlineStr a string value stored inline after the key
//          kHeapStr   a string value in a separate std::string (strings
//                     that grow in place: APPEND, SETRANGE)
//          neither    a collection: payload is the Collection*
//
// A 14-byte key with a 16-byte value takes 8 + 1 + 14 + 1 + 16 = 40 bytes
// (one 48-byte allocator class), 48 with a TTL: no separate key string, no
// value header, no dictionary node.
//
// Strings are kept as their bytes whatever OBJECT ENCODING reports ("int"
// strings hold their canonical decimal text): the encoding is a tag.
//
// An Obj never changes size: a value that must grow or change shape is
// replaced by a new Obj (Db::replace_value), so callers must re-fetch the
// pointer after such a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "store/value.h"

namespace peregrine::store {

class Obj {
 public:
  static constexpr uint8_t kTtlSlot = 1;
  static constexpr uint8_t kHasTtl = 2;
  static constexpr uint8_t kInlineStr = 4;
  static constexpr uint8_t kHeapStr = 8;

  // A new entry for key holding v (strings are copied, a collection is
  // taken over). ttl_slot reserves the expire_at field.
  static Obj* create(std::string_view key, Value&& v, bool ttl_slot);
  // A string entry with the given encoding tag, stored inline.
  static Obj* create_string(std::string_view key, std::string_view bytes, Encoding enc,
                            bool ttl_slot);
  // Moves o into a new allocation with the expire_at field (o is freed; its
  // payload now belongs to the result).
  static Obj* with_ttl_slot(Obj* o);
  // Frees the entry and its payload.
  static void destroy(Obj* o) noexcept;

  Obj(const Obj&) = delete;
  Obj& operator=(const Obj&) = delete;

  ObjType type() const { return static_cast<ObjType>(tag_ >> 4); }
  Encoding encoding() const { return static_cast<Encoding>(tag_ & 0x0f); }
  void set_encoding(Encoding e) {
    tag_ = static_cast<uint8_t>((tag_ & 0xf0) | static_cast<uint8_t>(e));
  }
  // LRU clock seconds, or the LFU counter and decay time (OBJECT FREQ).
  uint32_t lru() const { return lru_; }
  void set_lru(uint32_t v) { lru_ = v; }

  std::string_view key() const {
    const unsigned char* p = data() + key_offset();
    uint64_t len;
    p += read_varint(p, &len);
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(len)};
  }

  // ---------------------------------------------------------------- TTL
  bool has_ttl() const { return (flags_ & kHasTtl) != 0; }
  bool has_ttl_slot() const { return (flags_ & kTtlSlot) != 0; }
  // Absolute expiry in Unix ms, -1 when the key has none.
  int64_t expire_at() const {
    if (!has_ttl()) return -1;
    int64_t v;
    std::memcpy(&v, data(), sizeof v);
    return v;
  }
  // Requires has_ttl_slot().
  void set_expire_at(int64_t when_ms) {
    std::memcpy(data(), &when_ms, sizeof when_ms);
    flags_ |= kHasTtl;
  }
  void clear_ttl() { flags_ &= static_cast<uint8_t>(~kHasTtl); }

  // ---------------------------------------------------------------- payload
  // The string bytes (type() == kString).
  std::string_view str() const {
    if ((flags_ & kInlineStr) != 0) {
      const unsigned char* p = data() + key_offset();
      uint64_t len;
      p += read_varint(p, &len);
      p += len;
      p += read_varint(p, &len);
      return {reinterpret_cast<const char*>(p), static_cast<size_t>(len)};
    }
    return *static_cast<const std::string*>(payload());
  }
  // Whether the string lives in its own growable buffer.
  bool heap_str() const { return (flags_ & kHeapStr) != 0; }
  // That buffer; requires heap_str(). Callers updating it also set the
  // encoding tag.
  std::string& mutable_str() { return *static_cast<std::string*>(payload()); }
  // Overwrites an inline string with bytes of the same length (INCR on a
  // counter whose width does not change). Returns false when it cannot.
  bool overwrite_inline(std::string_view bytes);

  Collection* coll() const { return static_cast<Collection*>(payload()); }
  template <typename T>
  T& as() { return static_cast<T&>(*coll()); }
  template <typename T>
  const T& as() const { return static_cast<const T&>(*coll()); }

  // A deep copy of the value (COPY), lru included.
  Value to_value() const;
  // Frees o and returns its value (payload moved, not copied): RENAME, MOVE.
  static Value release(Obj* o);
  // Bytes of this allocation (without the payload's own heap bytes).
  size_t alloc_bytes() const;
  // This allocation plus what its payload holds on the heap (MEMORY USAGE
  // without the key-table slots; what lazyfree counts a value as).
  size_t memory_bytes() const;

 private:
  Obj() = default;
  unsigned char* data() { return reinterpret_cast<unsigned char*>(this + 1); }
  const unsigned char* data() const { return reinterpret_cast<const unsigned char*>(this + 1); }
  size_t key_offset() const {
    return ((flags_ & kTtlSlot) ? 8 : 0) + ((flags_ & kInlineStr) ? 0 : 8);
  }
  void* payload() const {
    void* p;
    std::memcpy(&p, data() + ((flags_ & kTtlSlot) ? 8 : 0), sizeof p);
    return p;
  }
  static Obj* allocate(std::string_view key, std::string_view inline_bytes, bool has_inline,
                       void* payload, ObjType type, Encoding enc, uint8_t flags);

  static size_t read_varint(const unsigned char* p, uint64_t* out) {
    uint64_t v = 0;
    size_t i = 0;
    for (int shift = 0;; shift += 7) {
      const unsigned char b = p[i++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    *out = v;
    return i;
  }
  static size_t write_varint(uint64_t v, unsigned char* p) {
    size_t i = 0;
    while (v >= 0x80) {
      p[i++] = static_cast<unsigned char>(v | 0x80);
      v >>= 7;
    }
    p[i++] = static_cast<unsigned char>(v);
    return i;
  }
  static size_t varint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }

  uint8_t tag_;
  uint8_t flags_;
  uint16_t unused_;
  uint32_t lru_;
};
static_assert(sizeof(Obj) == 8, "the entry header is 8 bytes");
static_assert(alignof(Obj) <= 8, "entries come from malloc");
static_assert(static_cast<int>(Encoding::kListpackEx) < 16 && static_cast<int>(ObjType::kStream) < 16,
              "type and encoding share one byte");

// The key of an entry, for KeyTable.
struct ObjKey {
  std::string_view operator()(const Obj* o) const { return o->key(); }
};

}  // namespace peregrine::store
