// PackedList: a sequence of byte strings stored back to back in one buffer,
// the compact encoding of small collections (reported as "listpack", the
// name Redis gives its equivalent). Each entry is a varint length followed
// by the bytes:
//
//   buf_: [len0][bytes0...][len1][bytes1...] ... [lenN-1][bytesN-1...]
//          ^ offset 0        ^ offset of entry 1
//
// Operations are linear scans, which is what makes it compact; collections
// convert to a general structure once they pass the configured size limits
// (list-max-listpack-size, hash-max-listpack-entries, ...). Entries are
// addressed by byte offsets; an offset stays valid until the next mutation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace peregrine::store {

class PackedList {
 public:
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t bytes() const { return buf_.size(); }
  // Offset of the first entry / one past the last entry.
  size_t begin() const { return 0; }
  size_t end() const { return buf_.size(); }
  // The entry at offset, and the offset of the next one.
  std::string_view at(size_t offset) const {
    size_t len, hdr = read_varint(offset, &len);
    return std::string_view(buf_).substr(offset + hdr, len);
  }
  size_t next(size_t offset) const {
    size_t len, hdr = read_varint(offset, &len);
    return offset + hdr + len;
  }
  // Offset of the index-th entry (0-based), or end() when out of range.
  size_t offset_of(size_t index) const {
    size_t off = 0;
    for (size_t i = 0; i < index && off < buf_.size(); ++i) off = next(off);
    return index < count_ ? off : end();
  }
  // Inserts before the entry at offset (end() appends). Returns the offset
  // of the new entry.
  size_t insert(size_t offset, std::string_view value) {
    char hdr[10];
    size_t n = write_varint(value.size(), hdr);
    buf_.insert(offset, hdr, n);
    buf_.insert(offset + n, value.data(), value.size());
    ++count_;
    return offset;
  }
  void push_back(std::string_view v) { insert(end(), v); }
  void push_front(std::string_view v) { insert(0, v); }
  // Removes the entry at offset; returns the offset of the entry after it
  // (which now sits at the same offset).
  size_t erase(size_t offset) {
    buf_.erase(offset, next(offset) - offset);
    --count_;
    return offset;
  }
  // Replaces the entry at offset; returns the offset (unchanged).
  size_t replace(size_t offset, std::string_view value) {
    erase(offset);
    return insert(offset, value);
  }
  // Offset of the first entry equal to value at or after from (stepping
  // `stride` entries at a time, e.g. 2 to search only the keys of key/value
  // pairs), or end().
  size_t find(std::string_view value, size_t from = 0, size_t stride = 1) const {
    for (size_t off = from; off < buf_.size();) {
      if (at(off) == value) return off;
      for (size_t i = 0; i < stride && off < buf_.size(); ++i) off = next(off);
    }
    return end();
  }
  void clear() {
    buf_.clear();
    count_ = 0;
  }
  void shrink_to_fit() { buf_.shrink_to_fit(); }

 private:
  size_t read_varint(size_t offset, size_t* value) const {
    size_t v = 0;
    int shift = 0;
    size_t i = offset;
    for (;; ++i) {
      auto b = static_cast<unsigned char>(buf_[i]);
      v |= static_cast<size_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    *value = v;
    return i - offset + 1;
  }
  static size_t write_varint(size_t v, char* out) {
    size_t n = 0;
    while (v >= 0x80) {
      out[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out[n++] = static_cast<char>(v);
    return n;
  }

  std::string buf_;
  uint32_t count_ = 0;
};

}  // namespace peregrine::store
