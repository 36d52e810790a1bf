#include "store/obj.h"

#include <cstdlib>
#include <new>
#include <utility>

namespace peregrine::store {

Obj* Obj::allocate(std::string_view key, std::string_view inline_bytes, bool has_inline,
                   void* payload, ObjType type, Encoding enc, uint8_t flags) {
  size_t size = sizeof(Obj) + ((flags & kTtlSlot) ? 8 : 0) + (has_inline ? 0 : 8) +
                varint_size(key.size()) + key.size();
  if (has_inline) size += varint_size(inline_bytes.size()) + inline_bytes.size();
  void* mem = std::malloc(size);
  if (mem == nullptr) throw std::bad_alloc();
  Obj* o = new (mem) Obj();
  o->tag_ = static_cast<uint8_t>((static_cast<uint8_t>(type) << 4) | static_cast<uint8_t>(enc));
  o->flags_ = static_cast<uint8_t>(flags | (has_inline ? kInlineStr : 0));
  o->unused_ = 0;
  o->lru_ = 0;
  unsigned char* p = o->data();
  if (flags & kTtlSlot) {
    std::memset(p, 0, 8);
    p += 8;
  }
  if (!has_inline) {
    std::memcpy(p, &payload, sizeof payload);
    p += 8;
  }
  p += write_varint(key.size(), p);
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  p += key.size();
  if (has_inline) {
    p += write_varint(inline_bytes.size(), p);
    if (!inline_bytes.empty()) std::memcpy(p, inline_bytes.data(), inline_bytes.size());
  }
  return o;
}

Obj* Obj::create_string(std::string_view key, std::string_view bytes, Encoding enc,
                        bool ttl_slot) {
  return allocate(key, bytes, true, nullptr, ObjType::kString, enc, ttl_slot ? kTtlSlot : 0);
}

Obj* Obj::create(std::string_view key, Value&& v, bool ttl_slot) {
  const uint8_t ttl = ttl_slot ? kTtlSlot : 0;
  Obj* o;
  if (v.type == ObjType::kString) {
    if (v.appendable) {
      auto* s = new std::string(std::move(v.str));
      try {
        o = allocate(key, {}, false, s, v.type, v.encoding, ttl | kHeapStr);
      } catch (...) {
        delete s;
        throw;
      }
    } else {
      o = allocate(key, v.str, true, nullptr, v.type, v.encoding, ttl);
    }
  } else {
    o = allocate(key, {}, false, v.coll.get(), v.type, v.encoding, ttl);
    v.coll.release();  // owned by the entry now
  }
  o->lru_ = v.lru;
  return o;
}

Obj* Obj::with_ttl_slot(Obj* o) {
  const bool has_inline = (o->flags_ & kInlineStr) != 0;
  Obj* fresh = allocate(o->key(), has_inline ? o->str() : std::string_view(), has_inline,
                        has_inline ? nullptr : o->payload(), o->type(), o->encoding(),
                        static_cast<uint8_t>((o->flags_ & kHeapStr) | kTtlSlot));
  fresh->lru_ = o->lru_;
  o->~Obj();
  std::free(o);  // the payload, if any, moved to fresh
  return fresh;
}

void Obj::destroy(Obj* o) noexcept {
  if (o == nullptr) return;
  if ((o->flags_ & kInlineStr) == 0) {
    if (o->flags_ & kHeapStr) {
      delete static_cast<std::string*>(o->payload());
    } else {
      delete static_cast<Collection*>(o->payload());
    }
  }
  o->~Obj();
  std::free(o);
}

bool Obj::overwrite_inline(std::string_view bytes) {
  if ((flags_ & kInlineStr) == 0) return false;
  std::string_view cur = str();
  if (cur.size() != bytes.size()) return false;
  std::memcpy(const_cast<char*>(cur.data()), bytes.data(), bytes.size());
  return true;
}

Value Obj::to_value() const {
  Value v;
  v.type = type();
  v.encoding = encoding();
  v.lru = lru_;
  if (type() == ObjType::kString) {
    v.str = std::string(str());
    v.appendable = heap_str();
  } else {
    v.coll = coll()->clone();
  }
  return v;
}

Value Obj::release(Obj* o) {
  Value v;
  v.type = o->type();
  v.encoding = o->encoding();
  v.lru = o->lru_;
  if (o->type() == ObjType::kString) {
    if (o->heap_str()) {
      std::string* s = static_cast<std::string*>(o->payload());
      v.str = std::move(*s);
      delete s;
      v.appendable = true;
    } else {
      v.str = std::string(o->str());
    }
  } else {
    v.coll.reset(o->coll());
  }
  o->~Obj();
  std::free(o);
  return v;
}

size_t Obj::alloc_bytes() const {
  const std::string_view k = key();
  size_t size = sizeof(Obj) + key_offset() + varint_size(k.size()) + k.size();
  if (flags_ & kInlineStr) {
    const size_t n = str().size();
    size += varint_size(n) + n;
  }
  return size;
}

size_t Obj::memory_bytes() const {
  // Per element, for a collection that does not report its own bytes.
  constexpr size_t kPerElementEstimate = 24;
  size_t bytes = alloc_bytes();
  if (type() == ObjType::kString) {
    if (heap_str()) bytes += sizeof(std::string) + str().size() + 1;
    return bytes;
  }
  const size_t exact = coll()->memory_usage();
  return bytes + (exact ? exact : coll()->size() * kPerElementEstimate);
}

}  // namespace peregrine::store
