// The compact encodings of small collections (what OBJECT ENCODING reports
// as "listpack", the name Redis gives its equivalent). Collections convert
// to a general structure once they pass the configured size limits
// (list-max-listpack-size, hash-max-listpack-entries, ...), so everything
// here is a linear scan; what matters is that it is small.
//
// Three pieces:
//
//   PackedBlock     the storage: one pointer to one exactly sized malloc'd
//                   block holding an entry count, the byte size and the
//                   entry bytes (and, for one flavour, an aux word the owner
//                   uses as it likes). 8 bytes in the owning object.
//   PackedList      entries stored whole, addressed by byte offsets, each
//                   readable as a view into the block. Lists and sorted
//                   sets use it.
//   FrontCodedList  entries stored front-coded (each one shares a prefix
//                   with an earlier entry), read through a Cursor. Hashes
//                   and sets use it.
//
// ---------------------------------------------------------------- PackedBlock
//
// Null means empty (count 0, bytes 0, aux 0). Otherwise it points at the
// data of a block laid out as
//
//   small header, while count and bytes both stay below 0xFFFFFFFF (the
//   count below 2^31 in PackedBlock<true>):
//     +-------------+-----------+-----------+----------------------+
//     | aux u64 (*) | count u32 | bytes u32 | data: `bytes` bytes  |
//     +-------------+-----------+-----------+----------------------+
//                                           ^ the stored pointer
//
//   large header (a 4 GiB list element, say):
//     +---------+-----------+-----------+------------+------------+------+
//     | aux (+) | count u64 | bytes u64 | 0xFFFFFFFF | 0xFFFFFFFF | data |
//     +---------+-----------+-----------+------------+------------+------+
//                                                                 ^
//   (*) only in PackedBlock<true>, and only while the aux word is nonzero:
//       the top bit of the small count says it is there. A block whose
//       owner has nothing to keep in it (a small hash without field TTLs)
//       pays nothing for it.
//   (+) only in PackedBlock<true>; 0 when the owner set none.
//
// Pointing at the data keeps reading entries as cheap as with a plain
// buffer; the header fields sit at fixed offsets before it (the two 32-bit
// fields always right before the data, so their marker tells the large
// header apart).
//
// The block is reallocated to the exact size at every change (no capacity
// field, no doubling): with jemalloc a realloc that stays within the size
// class returns at once, so growth costs a copy only when the block moves
// to the next class, and the slack is bounded by the class spacing
// (at most 25%) instead of std::string's up to 100%.
//
// ---------------------------------------------------------------- PackedList
//
//   data: [len0][bytes0...][len1][bytes1...] ... [lenN-1][bytesN-1...]
//          ^ offset 0       ^ offset of entry 1
//
// len is a varint (7 bits a byte, low bits first, high bit = more). An
// offset stays valid until the next change.
//
// ---------------------------------------------------------------- FrontCodedList
//
// The entries are split into `stride` interleaved lanes: entry i belongs to
// lane i % stride, and shares a prefix with the previous entry of its lane
// (entry i - stride). A hash uses two lanes, so a field is coded against the
// previous field and a value against the previous value:
//
//   entries:  f0  v0  f1  v1  f2  v2 ...
//   lane 0:   f0 <--- f1 <--- f2          (each coded against the one before)
//   lane 1:       v0 <--- v1 <--- v2
//
// An entry stands for (previous entry of its lane)[0, shared) + suffix; the
// first entry of a lane has shared = 0. Its bytes depend on the lane's
// coding (below):
//
//   kPrefix lane:
//   +---------------+--------------+--------------+------------------+
//   | head: 1 byte  | shared_ext   | suffix_ext   | suffix bytes     |
//   | SSSS LLLL     | varint, opt. | varint, opt. | (suffix_len)     |
//   +---------------+--------------+--------------+------------------+
//
//     S = min(shared, 15)      shared_ext = shared - 15      when S == 15
//     L = min(suffix_len, 15)  suffix_ext = suffix_len - 15  when L == 15
//
//   kRepeat lane:
//   +--------------------------------+----------------------------------+
//   | varint: length << 1 | repeat   | the bytes, when repeat == 0      |
//   +--------------------------------+----------------------------------+
//
//     repeat == 1: the first `length` bytes of the previous entry
//                  (shared = length, no suffix); repeat == 0: shared = 0.
//
// Example, fields "user:name", "user:mail" in a kPrefix lane:
//
//   "user:name"  ->  0x09 'u' 's' 'e' 'r' ':' 'n' 'a' 'm' 'e'   (shared 0)
//   "user:mail"  ->  0x54 'm' 'a' 'i' 'l'                       (shared 5)
//
// and a 16-byte value, then the same value again, in a kRepeat lane:
// 0x20 followed by the 16 bytes, then 0x21 alone.
//
// How a lane shares is its LaneCoding:
//   kPrefix   shared = the longest common prefix with the previous entry.
//             Best compression, but an entry with shared > 0 and a non-empty
//             suffix exists nowhere in the block as one run of bytes: the
//             cursor assembles it in a scratch buffer of its own.
//   kRepeat   shared > 0 only when the entry is a prefix of the previous
//             entry (in practice: the same value again), and then the
//             suffix is empty. Every entry of such a lane is a run of bytes
//             in the block, so a cursor hands out views that live as long
//             as the block is unchanged (a hash's values: HGET returns a
//             view).
//
// Because an entry depends on the entry `stride` before it, inserting or
// erasing re-encodes the first entry of each lane after the cut
// (splice() does), and reading entry i means decoding entries 0..i.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace peregrine::store {

namespace packed_detail {

// Writes v as a varint at out (room for 10 bytes); returns the bytes used.
inline size_t put_varint(uint64_t v, char* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}

// Reads a varint at p; returns the bytes it took.
inline size_t get_varint(const char* p, uint64_t* value) {
  uint64_t v = 0;
  int shift = 0;
  size_t i = 0;
  for (;; ++i) {
    auto b = static_cast<unsigned char>(p[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *value = v;
  return i + 1;
}

// Nonzero when a[0, n) and b[0, n) differ, and memcpy(to, from, n), for
// the short runs the cursor handles (a suffix, a prefix): up to 32 bytes
// take two or four overlapping fixed-size loads, combined without
// branching on the bytes (a search compares many entries that differ at
// unpredictable places), instead of a library call.
inline uint64_t bytes_differ(const char* a, const char* b, size_t n) {
  auto diff = [&](size_t at, auto word) -> uint64_t {
    decltype(word) x, y;
    std::memcpy(&x, a + at, sizeof x);
    std::memcpy(&y, b + at, sizeof y);
    return static_cast<uint64_t>(x ^ y);
  };
  if (n >= 8) {
    if (n > 32) return std::memcmp(a, b, n) != 0;
    // Four loads cover any n in [8, 32] (overlapping when n < 32); the
    // offsets are computed, not branched on, as n varies from entry to
    // entry.
    const size_t mid1 = std::min<size_t>(8, n - 8), mid2 = n < 16 ? 0 : n - 16;
    return diff(0, uint64_t{}) | diff(mid1, uint64_t{}) | diff(mid2, uint64_t{}) |
           diff(n - 8, uint64_t{});
  }
  if (n >= 4) return diff(0, uint32_t{}) | diff(n - 4, uint32_t{});
  if (n == 0) return 0;
  return diff(0, uint8_t{}) | diff(n / 2, uint8_t{}) | diff(n - 1, uint8_t{});
}
inline void copy_bytes(char* to, const char* from, size_t n) {
  if (n >= 8) {
    if (n > 32) {
      std::memcpy(to, from, n);
      return;
    }
    const size_t mid1 = std::min<size_t>(8, n - 8), mid2 = n < 16 ? 0 : n - 16;
    uint64_t w0, w1, w2, w3;  // all loads first: the runs may not overlap
    std::memcpy(&w0, from, 8);
    std::memcpy(&w1, from + mid1, 8);
    std::memcpy(&w2, from + mid2, 8);
    std::memcpy(&w3, from + n - 8, 8);
    std::memcpy(to, &w0, 8);
    std::memcpy(to + mid1, &w1, 8);
    std::memcpy(to + mid2, &w2, 8);
    std::memcpy(to + n - 8, &w3, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n > 0) {
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
}

}  // namespace packed_detail

// ---------------------------------------------------------------- PackedBlock

// kLargeAt: the count or byte size from which the large header is used
// (lowered only by tests, to exercise the switch).
template <bool kAux, uint64_t kLargeAt = 0xFFFFFFFF>
class PackedBlock {
  static_assert(kLargeAt <= 0xFFFFFFFF, "the small header holds 32-bit fields");

 public:
  PackedBlock() = default;
  PackedBlock(const PackedBlock& other) {
    if (other.p_ == nullptr) return;
    const size_t header = other.header_size();
    char* q = static_cast<char*>(std::malloc(header + other.bytes()));
    if (q == nullptr) throw std::bad_alloc();
    std::memcpy(q, other.p_ - header, header + other.bytes());
    p_ = q + header;
  }
  PackedBlock& operator=(const PackedBlock& other) {
    if (this != &other) {
      PackedBlock copy(other);
      swap(copy);
    }
    return *this;
  }
  PackedBlock(PackedBlock&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  PackedBlock& operator=(PackedBlock&& other) noexcept {
    if (this != &other) {
      release();
      p_ = std::exchange(other.p_, nullptr);
    }
    return *this;
  }
  ~PackedBlock() { release(); }
  void swap(PackedBlock& other) noexcept { std::swap(p_, other.p_); }

  size_t count() const {
    if (p_ == nullptr) return 0;
    return large() ? load64(kCount64) : (load32(kCount32) & ~kAuxFlag);
  }
  size_t bytes() const {
    if (p_ == nullptr) return 0;
    return large() ? load64(kBytes64) : load32(kBytes32);
  }
  // The data (null for a null block): what the stored pointer points at.
  const char* data() const { return p_; }
  // Bytes of the allocation: header and data (0 for a null block).
  size_t footprint() const { return p_ == nullptr ? 0 : header_size() + bytes(); }

  // The owner's aux word (PackedBlock<true> only); 0 when none was set.
  uint64_t aux() const
    requires kAux
  {
    if (p_ == nullptr) return 0;
    if (large()) return load64(kAuxLarge);
    return small_has_aux() ? load64(kAuxSmall) : 0;
  }
  // Setting 0 removes the word (and the block, when it holds no entries).
  void set_aux(uint64_t word)
    requires kAux
  {
    if (p_ != nullptr && (large() || (small_has_aux() && word != 0))) {
      store64(large() ? kAuxLarge : kAuxSmall, word);
      return;
    }
    if ((p_ == nullptr || !small_has_aux()) && word == 0) return;
    // A small header gains or loses the word: the block is rebuilt with
    // the other header size.
    rebuild(0, 0, 0, {}, 0, word);
  }

  // Replaces data[from, to) with the concatenation of pieces and adds
  // count_delta to the entry count. Pieces may point into the block.
  void splice(size_t from, size_t to, std::initializer_list<std::string_view> pieces,
              ptrdiff_t count_delta) {
    size_t n = 0;
    for (std::string_view s : pieces) n += s.size();
    const size_t old_bytes = bytes();
    bool aliased = false;
    for (std::string_view s : pieces)
      aliased |= !s.empty() && p_ != nullptr && s.data() >= p_ && s.data() < p_ + old_bytes;
    if (aliased) {
      std::string copy;
      copy.reserve(n);
      for (std::string_view s : pieces) copy.append(s);
      return rebuild(from, to, count_delta, {std::string_view(copy)}, n, aux_word());
    }
    rebuild(from, to, count_delta, pieces, n, aux_word());
  }

  // Replaces the contents with `bytes` uninitialized data bytes that count
  // as `count` entries, and returns where they start (null when both are
  // 0); the caller fills them in. The aux word becomes 0.
  char* assign_uninitialized(size_t count, size_t bytes) {
    release();
    if (count == 0 && bytes == 0) return nullptr;
    const size_t header = header_size_for(needs_large(count, bytes), /*with_aux=*/false);
    char* q = static_cast<char*>(std::malloc(header + bytes));
    if (q == nullptr) throw std::bad_alloc();
    p_ = q + header;
    store_header(count, bytes, 0);
    return p_;
  }

  // Drops every entry; the aux word stays.
  void clear() {
    if (p_ == nullptr) return;
    if constexpr (kAux) {
      const uint64_t word = aux();
      release();
      set_aux(word);
    } else {
      release();
    }
  }

 private:
  // Where the header fields sit, in bytes back from the data.
  static constexpr ptrdiff_t kBytes32 = -4;
  static constexpr ptrdiff_t kCount32 = -8;
  static constexpr ptrdiff_t kAuxSmall = -16;
  static constexpr ptrdiff_t kBytes64 = -16;
  static constexpr ptrdiff_t kCount64 = -24;
  static constexpr ptrdiff_t kAuxLarge = -32;
  static constexpr uint32_t kLargeMark = 0xFFFFFFFF;
  // In PackedBlock<true>, the small count's top bit: the aux word is there.
  static constexpr uint32_t kAuxFlag = kAux ? 0x80000000u : 0u;
  static constexpr uint64_t kCountLimit = kAux ? std::min<uint64_t>(kLargeAt, 0x7FFFFFFF) : kLargeAt;
  static size_t header_size_for(bool large, bool with_aux) {
    if (large) return kAux ? 32 : 24;
    return with_aux ? 16 : 8;
  }
  static bool needs_large(size_t count, size_t bytes) {
    return count >= kCountLimit || bytes >= kLargeAt;
  }

  bool large() const { return load32(kBytes32) == kLargeMark; }
  bool small_has_aux() const { return (load32(kCount32) & kAuxFlag) != 0; }
  size_t header_size() const {
    const bool l = large();
    return header_size_for(l, !l && small_has_aux());
  }
  void release() {
    if (p_ == nullptr) return;
    char* const base = p_ - header_size();
    p_ = nullptr;
    std::free(base);
  }
  uint32_t load32(ptrdiff_t at) const {
    uint32_t v;
    std::memcpy(&v, p_ + at, sizeof v);
    return v;
  }
  uint64_t load64(ptrdiff_t at) const {
    uint64_t v;
    std::memcpy(&v, p_ + at, sizeof v);
    return v;
  }
  void store32(ptrdiff_t at, uint32_t v) { std::memcpy(p_ + at, &v, sizeof v); }
  void store64(ptrdiff_t at, uint64_t v) { std::memcpy(p_ + at, &v, sizeof v); }

  // The aux word, 0 in PackedBlock<false>.
  uint64_t aux_word() const {
    if constexpr (kAux) return aux();
    return 0;
  }
  // Writes the header for count entries in bytes of data, with the aux
  // word (kept in a small header only when nonzero).
  void store_header(size_t count, size_t bytes, uint64_t word) {
    if (needs_large(count, bytes)) {
      store64(kCount64, count);
      store64(kBytes64, bytes);
      store32(kCount32, kLargeMark);
      store32(kBytes32, kLargeMark);
      if constexpr (kAux) store64(kAuxLarge, word);
    } else {
      store32(kCount32, static_cast<uint32_t>(count) | (word != 0 ? kAuxFlag : 0u));
      store32(kBytes32, static_cast<uint32_t>(bytes));
      if (word != 0) store64(kAuxSmall, word);
    }
  }

  // splice() without the aliasing check, leaving `word` as the aux word
  // (set_aux() uses it with an empty splice to change the header size).
  void rebuild(size_t from, size_t to, ptrdiff_t count_delta,
               std::initializer_list<std::string_view> pieces, size_t n, uint64_t word) {
    const size_t old_bytes = bytes();
    const size_t new_bytes = old_bytes - (to - from) + n;
    const size_t new_count = static_cast<size_t>(static_cast<ptrdiff_t>(count()) + count_delta);
    if (new_bytes == 0 && new_count == 0 && word == 0) {
      release();
      return;
    }
    const bool new_large = needs_large(new_count, new_bytes);
    const size_t new_header = header_size_for(new_large, word != 0);
    const size_t tail = old_bytes - to;
    if (p_ == nullptr || header_size() != new_header) {
      // A fresh block (first entry, or the header changes size).
      char* q = static_cast<char*>(std::malloc(new_header + new_bytes));
      if (q == nullptr) throw std::bad_alloc();
      char* d = q + new_header;
      if (p_ != nullptr) {
        std::memcpy(d, p_, from);
        std::memcpy(d + from + n, p_ + to, tail);
      }
      release();
      p_ = d;
    } else if (new_bytes >= old_bytes) {
      char* q = static_cast<char*>(std::realloc(p_ - new_header, new_header + new_bytes));
      if (q == nullptr) throw std::bad_alloc();
      p_ = q + new_header;
      std::memmove(p_ + from + n, p_ + to, tail);
    } else {
      std::memmove(p_ + from + n, p_ + to, tail);
      // A failed shrink leaves the larger block, which is still valid.
      if (char* q = static_cast<char*>(std::realloc(p_ - new_header, new_header + new_bytes)))
        p_ = q + new_header;
    }
    char* out = p_ + from;
    for (std::string_view s : pieces) {
      if (!s.empty()) std::memcpy(out, s.data(), s.size());
      out += s.size();
    }
    store_header(new_count, new_bytes, word);
  }

  char* p_ = nullptr;  // the data; the header lies just before it
};

// ---------------------------------------------------------------- PackedList

class PackedList {
 public:
  size_t size() const { return block_.count(); }
  bool empty() const { return size() == 0; }
  size_t bytes() const { return block_.bytes(); }
  size_t footprint() const { return block_.footprint(); }
  // Offset of the first entry / one past the last entry.
  size_t begin() const { return 0; }
  size_t end() const { return bytes(); }
  // The entry at offset, and the offset of the next one.
  std::string_view at(size_t offset) const {
    uint64_t len;
    size_t hdr = packed_detail::get_varint(block_.data() + offset, &len);
    return {block_.data() + offset + hdr, static_cast<size_t>(len)};
  }
  size_t next(size_t offset) const {
    uint64_t len;
    size_t hdr = packed_detail::get_varint(block_.data() + offset, &len);
    return offset + hdr + static_cast<size_t>(len);
  }
  // Offset of the index-th entry (0-based), or end() when out of range.
  size_t offset_of(size_t index) const {
    if (index >= size()) return end();
    size_t off = 0;
    for (size_t i = 0; i < index; ++i) off = next(off);
    return off;
  }
  // Inserts before the entry at offset (end() appends). Returns the offset
  // of the new entry.
  size_t insert(size_t offset, std::string_view value) {
    char hdr[10];
    size_t n = packed_detail::put_varint(value.size(), hdr);
    block_.splice(offset, offset, {std::string_view(hdr, n), value}, 1);
    return offset;
  }
  void push_back(std::string_view v) { insert(end(), v); }
  void push_front(std::string_view v) { insert(0, v); }
  // Removes the entry at offset; returns the offset of the entry after it
  // (which now sits at the same offset).
  size_t erase(size_t offset) {
    block_.splice(offset, next(offset), {}, -1);
    return offset;
  }
  // Replaces the entry at offset; returns the offset (unchanged).
  size_t replace(size_t offset, std::string_view value) {
    char hdr[10];
    size_t n = packed_detail::put_varint(value.size(), hdr);
    block_.splice(offset, next(offset), {std::string_view(hdr, n), value}, 0);
    return offset;
  }
  // Offset of the first entry equal to value at or after from (stepping
  // `stride` entries at a time, e.g. 2 to search only the keys of key/value
  // pairs), or end().
  size_t find(std::string_view value, size_t from = 0, size_t stride = 1) const {
    const size_t stop = end();
    for (size_t off = from; off < stop;) {
      if (at(off) == value) return off;
      for (size_t i = 0; i < stride && off < stop; ++i) off = next(off);
    }
    return stop;
  }
  void clear() { block_.clear(); }
  // The entry bytes, data()[begin(), end()) (null when empty).
  const char* data() const { return block_.data(); }
  // Replaces the contents with `bytes` uninitialized bytes holding `count`
  // entries, and returns where they start; the caller must write exactly
  // the bytes of that many entries (a copy of another list's data(), say).
  char* assign_uninitialized(size_t count, size_t bytes) {
    return block_.assign_uninitialized(count, bytes);
  }
  // The block is always exactly sized; kept for callers written for a
  // growable buffer.
  void shrink_to_fit() {}

 private:
  PackedBlock<false> block_;
};

// ---------------------------------------------------------------- FrontCodedList

enum class LaneCoding : uint8_t {
  kPrefix,  // shares the longest common prefix with the lane's previous entry
  kRepeat,  // shares only when it is a prefix of it (every entry is a view)
};

// kAux: whether the block carries an aux word for the owner (see aux()).
template <bool kAux, LaneCoding... kLanes>
class FrontCodedList {
 public:
  static constexpr size_t kStride = sizeof...(kLanes);
  static_assert(kStride >= 1, "at least one lane");
  static constexpr std::array<LaneCoding, kStride> kCoding{kLanes...};

 private:
  // Whether every lane but lane 0 is kRepeat (a hash, a set): then only
  // lane 0 ever assembles entries, and find() and for_each_row() over whole
  // rows run tight loops.
  static constexpr bool kOnlyLaneZeroAssembles = [] {
    for (size_t l = 1; l < kStride; ++l)
      if (kCoding[l] != LaneCoding::kRepeat) return false;
    return true;
  }();

  // Reads the head of an entry of a lane coded `coding` at p: its shared
  // length and suffix length; returns where the suffix starts.
  static const char* read_head(const char* p, LaneCoding coding, size_t* shared,
                               size_t* suffix_len) {
    uint64_t s, l;
    if (coding == LaneCoding::kRepeat) {
      uint64_t word;
      p += packed_detail::get_varint(p, &word);
      const bool repeat = (word & 1) != 0;
      s = repeat ? word >> 1 : 0;
      l = repeat ? 0 : word >> 1;
    } else {
      const auto head = static_cast<unsigned char>(*p++);
      uint64_t ext;
      s = head >> 4;
      l = head & 0x0F;
      if (s == 15) {
        p += packed_detail::get_varint(p, &ext);
        s += ext;
      }
      if (l == 15) {
        p += packed_detail::get_varint(p, &ext);
        l += ext;
      }
    }
    *shared = static_cast<size_t>(s);
    *suffix_len = static_cast<size_t>(l);
    return p;
  }

  // Room for one assembled entry: inline for short ones, on the heap past
  // that. A cursor holds one slot per lane and one for value(); handing an
  // entry from the value() slot to its lane swaps slot numbers, so bytes
  // never move while views of them are out.
  struct Slot {
    Slot() = default;
    Slot(const Slot&) = delete;  // data may point into local
    Slot& operator=(const Slot&) = delete;
    char* reserve(size_t n, size_t keep) {
      if (n > capacity) {
        const size_t cap = std::max(n, 2 * capacity);
        std::unique_ptr<char[]> grown(new char[cap]);
        std::memcpy(grown.get(), data, keep);
        heap = std::move(grown);
        data = heap.get();
        capacity = cap;
      }
      return data;
    }
    char local[48];
    std::unique_ptr<char[]> heap;
    char* data = local;
    size_t capacity = sizeof local;
  };

  // Reads the entry at p, of lane kLane, whose previous entry is cur, into
  // cur: a view into the block, or (a kPrefix lane) assembled in place in
  // slot. Returns where the next entry starts.
  template <size_t kLane>
  static const char* read_entry(const char* p, std::string_view& cur, Slot& slot) {
    size_t shared, suffix_len;
    const char* suffix = read_head(p, kCoding[kLane], &shared, &suffix_len);
    if (shared == 0) {
      cur = {suffix, suffix_len};
    } else if (kCoding[kLane] == LaneCoding::kRepeat || suffix_len == 0) {
      cur = cur.substr(0, shared);
    } else {
      const bool in_place = cur.data() == slot.data;  // the prefix is there
      char* out = slot.reserve(shared + suffix_len, in_place ? shared : 0);
      if (!in_place) packed_detail::copy_bytes(out, cur.data(), shared);
      packed_detail::copy_bytes(out + shared, suffix, suffix_len);
      cur = {out, shared + suffix_len};
    }
    return suffix + suffix_len;
  }

 public:
  size_t size() const { return block_.count(); }
  bool empty() const { return size() == 0; }
  // Bytes of encoded entries (the block adds an 8- or 16-byte header).
  size_t bytes() const { return block_.bytes(); }
  // Bytes of the block's allocation, header included.
  size_t footprint() const { return block_.footprint(); }
  // A word kept in the block for the owner; 0 until set. clear() keeps it.
  uint64_t aux() const
    requires kAux
  {
    return block_.aux();
  }
  void set_aux(uint64_t word)
    requires kAux
  {
    block_.set_aux(word);
  }
  void clear() { block_.clear(); }

  // A forward reader. It starts on entry 0 (or at the end of an empty
  // list). Any change to the list invalidates it, except through the
  // splice() it is handed to, after which it must not be used either.
  //
  // State: for each lane, the latest entry before the current one (what
  // the current entry of that lane is coded against, and what splice()
  // codes new entries against); for the current entry only its parsed
  // head. An entry is assembled only when asked for (value()) or when the
  // cursor moves past it, and then in place: the lane's buffer keeps the
  // shared prefix and takes the new suffix, so walking a lane copies only
  // suffix bytes. Comparing the current entry (matches(), find()) assembles
  // nothing.
  class Cursor {
   public:
    explicit Cursor(const FrontCodedList& list)
        : data_(list.block_.data()), size_(list.size()) {
      if (size_ > 0) parse();
    }
    Cursor(const Cursor&) = delete;  // views may point into its buffers
    Cursor& operator=(const Cursor&) = delete;

    bool at_end() const { return index_ == size_; }
    // Index of the current entry (size() at the end).
    size_t index() const { return index_; }
    // The current entry (not at the end). A view of a kRepeat lane points
    // into the list and lives until the list changes. One of a kPrefix lane
    // may point into the cursor: it lives until the cursor moves past the
    // next entry of the same lane (so a hash's field stays readable while
    // the cursor moves on to its value).
    std::string_view value() {
      if (shared_ == 0) return {suffix_, suffix_len_};
      const std::string_view base = lanes_[lane_].cur;
      if (suffix_len_ == 0) return base.substr(0, shared_);
      if (!peeked_) {
        char* out = slots_[peek_slot_].reserve(shared_ + suffix_len_, 0);
        packed_detail::copy_bytes(out, base.data(), shared_);
        packed_detail::copy_bytes(out + shared_, suffix_, suffix_len_);
        peek_view_ = {out, shared_ + suffix_len_};
        peeked_ = true;
      }
      return peek_view_;
    }
    // value() then advance(), cheaper when the entry has to be assembled:
    // it is assembled once, in place, in its lane's buffer. The view lives
    // as value()'s does.
    std::string_view read() {
      apply();
      const std::string_view v = lanes_[lane_].cur;
      move_on();
      return v;
    }
    // Whether the current entry (not at the end) equals v, without
    // assembling it.
    bool matches(std::string_view v) const {
      return shared_ + suffix_len_ == v.size() &&
             packed_detail::bytes_differ(suffix_, v.data() + shared_, suffix_len_) == 0 &&
             packed_detail::bytes_differ(lanes_[lane_].cur.data(), v.data(), shared_) == 0;
    }
    void advance() {
      apply();
      move_on();
    }
    // Advances n entries, stopping at the end.
    void skip(size_t n) {
      for (size_t i = 0; i < n && !at_end(); ++i) advance();
    }
    // Advances `step` entries at a time from the current one to the first
    // entry equal to v; returns false (at the end) when there is none.
    bool find(std::string_view v, size_t step = 1) {
      if constexpr (kOnlyLaneZeroAssembles) {
        if (step == kStride && lane_ == 0 && !at_end()) return find_by_rows(v);
      }
      while (!at_end()) {
        if (matches(v)) return true;
        skip(step);
      }
      return false;
    }

   private:
    friend class FrontCodedList;

    struct Lane {
      std::string_view cur;  // the lane's latest entry before the current one
      size_t slot;           // the slot that holds cur when it was assembled
    };

    void parse() {
      suffix_ = read_head(data_ + offset_, kCoding[lane_], &shared_, &suffix_len_);
      next_offset_ = static_cast<size_t>(suffix_ - data_) + suffix_len_;
      peeked_ = false;
    }

    // find(v, kStride) from an entry of lane 0: the same walk as advance()
    // does, with the state in locals (the hot loop of HGET and HSET).
    bool find_by_rows(std::string_view v) {
      const char* p = data_ + offset_;
      size_t index = index_;
      Slot& slot = slots_[lanes_[0].slot];
      std::array<std::string_view, kStride> cur;
      for (size_t l = 0; l < kStride; ++l) cur[l] = lanes_[l].cur;
      bool found = false;
      while (index < size_) {
        size_t shared, suffix_len;
        const char* suffix = read_head(p, kCoding[0], &shared, &suffix_len);
        // The suffix first: consecutive entries mostly differ there.
        if (shared + suffix_len == v.size() &&
            packed_detail::bytes_differ(suffix, v.data() + shared, suffix_len) == 0 &&
            packed_detail::bytes_differ(cur[0].data(), v.data(), shared) == 0) {
          found = true;
          break;
        }
        if (shared == 0) {
          cur[0] = {suffix, suffix_len};
        } else if (suffix_len == 0) {
          cur[0] = cur[0].substr(0, shared);
        } else {
          const bool in_place = cur[0].data() == slot.data;
          char* out = slot.reserve(shared + suffix_len, in_place ? shared : 0);
          if (!in_place) packed_detail::copy_bytes(out, cur[0].data(), shared);
          packed_detail::copy_bytes(out + shared, suffix, suffix_len);
          cur[0] = {out, shared + suffix_len};
        }
        p = suffix + suffix_len;
        ++index;
        // The rest of the row: kRepeat lanes, which assemble nothing.
        for (size_t l = 1; l < kStride && index < size_; ++l, ++index) {
          suffix = read_head(p, LaneCoding::kRepeat, &shared, &suffix_len);
          cur[l] = shared == 0 ? std::string_view(suffix, suffix_len) : cur[l].substr(0, shared);
          p = suffix + suffix_len;
        }
      }
      for (size_t l = 0; l < kStride; ++l) lanes_[l].cur = cur[l];
      index_ = index;
      offset_ = static_cast<size_t>(p - data_);
      lane_ = index % kStride;
      if (!at_end()) parse();
      return found;
    }

    // Steps to the next entry once the current one is applied.
    void move_on() {
      offset_ = next_offset_;
      ++index_;
      lane_ = lane_ + 1 == kStride ? 0 : lane_ + 1;
      if (!at_end()) parse();
    }

    // Makes the current entry its lane's latest.
    void apply() {
      Lane& l = lanes_[lane_];
      if (shared_ == 0) {
        l.cur = {suffix_, suffix_len_};
      } else if (suffix_len_ == 0) {
        l.cur = l.cur.substr(0, shared_);
      } else if (peeked_) {
        // value() assembled it already: the lane takes that slot (views of
        // it handed out stay valid; the lane's old slot becomes scratch).
        std::swap(l.slot, peek_slot_);
        l.cur = peek_view_;
      } else {
        Slot& slot = slots_[l.slot];
        const bool in_place = l.cur.data() == slot.data;  // the prefix is there
        char* out = slot.reserve(shared_ + suffix_len_, in_place ? shared_ : 0);
        if (!in_place) packed_detail::copy_bytes(out, l.cur.data(), shared_);
        packed_detail::copy_bytes(out + shared_, suffix_, suffix_len_);
        l.cur = {out, shared_ + suffix_len_};
      }
    }

    const char* data_;
    size_t size_;
    size_t index_ = 0;
    size_t offset_ = 0;       // byte offset of the current entry
    size_t next_offset_ = 0;  // byte offset of the entry after it
    size_t lane_ = 0;         // index_ % kStride
    // The current entry's head: it is lanes_[lane_].cur[0, shared_) followed
    // by suffix_len_ bytes at suffix_.
    size_t shared_ = 0;
    const char* suffix_ = nullptr;
    size_t suffix_len_ = 0;
    bool peeked_ = false;  // peek_view_ holds the current entry (value())
    std::string_view peek_view_;
    std::array<Slot, kStride + 1> slots_;
    std::array<Lane, kStride> lanes_ = initial_lanes();
    size_t peek_slot_ = kStride;  // the slot value() assembles into

    static constexpr std::array<Lane, kStride> initial_lanes() {
      std::array<Lane, kStride> lanes{};
      for (size_t i = 0; i < kStride; ++i) lanes[i].slot = i;
      return lanes;
    }
  };

  // Calls fn(row) for each row of kStride entries, row being a
  // std::array<std::string_view, kStride>; the size must be a multiple of
  // the stride. The views live for the duration of the call. (What a walk
  // with a Cursor gives, in a tighter loop.)
  template <typename Fn>
  void for_each_row(Fn&& fn) const
    requires kOnlyLaneZeroAssembles
  {
    Slot slot;
    std::array<std::string_view, kStride> row{};
    const char* p = block_.data();
    for (size_t rows = size() / kStride; rows > 0; --rows) {
      [&]<size_t... kLane>(std::index_sequence<kLane...>) {
        ((p = read_entry<kLane>(p, row[kLane], slot)), ...);
      }(std::make_index_sequence<kStride>{});
      fn(static_cast<const std::array<std::string_view, kStride>&>(row));
    }
  }

  // Replaces the `erase` entries starting at the cursor's entry (the end
  // for an append) with the entries of `insert`, re-encoding the first
  // entry of each lane after them. Lanes must stay aligned:
  // insert.size() - erase must be a multiple of the stride. The cursor is
  // spent.
  void splice(Cursor& at, size_t erase, std::span<const std::string_view> insert) {
    const size_t first = at.index_;
    const size_t start = at.offset_;
    // Views into the block stay valid until the block changes at the end;
    // views into the cursor do not survive its moving on, so they are
    // copied.
    const char* const data = block_.data();
    const size_t size_bytes = bytes();
    auto stable = [&](std::string_view v, std::string& copy) {
      if (v.empty() || (v.data() >= data && v.data() < data + size_bytes)) return v;
      copy.assign(v);
      return std::string_view(copy);
    };
    std::array<std::string, kStride> copies;
    std::array<std::string_view, kStride> prev;
    for (size_t l = 0; l < kStride; ++l) prev[l] = stable(at.lanes_[l].cur, copies[l]);
    at.skip(erase);
    // The entries after the cut that are coded against an entry before it:
    // the next one of each lane.
    std::array<std::string, kStride> follow_copies;
    std::array<std::string_view, kStride> follow;
    size_t n_follow = 0;
    for (; n_follow < kStride && !at.at_end(); at.advance(), ++n_follow)
      follow[n_follow] = stable(at.value(), follow_copies[n_follow]);
    const size_t stop = at.at_end() ? size_bytes : at.offset_;

    // Encode into a stack buffer when the worst case fits (it does for a
    // hash field and value within the default listpack limits).
    size_t worst = 0;
    for (std::string_view v : insert) worst += kMaxHead + v.size();
    for (size_t i = 0; i < n_follow; ++i) worst += kMaxHead + follow[i].size();
    char stack[512];
    std::unique_ptr<char[]> heap;
    char* const out = worst <= sizeof stack ? stack : (heap.reset(new char[worst]), heap.get());
    size_t n = 0;
    size_t lane = first % kStride;
    auto put = [&](std::string_view v) {
      n += encode(out + n, prev[lane], v, kCoding[lane]);
      prev[lane] = v;
      lane = lane + 1 == kStride ? 0 : lane + 1;
    };
    for (std::string_view v : insert) put(v);
    for (size_t i = 0; i < n_follow; ++i) put(follow[i]);
    block_.splice(start, stop, {std::string_view(out, n)},
                  static_cast<ptrdiff_t>(insert.size()) - static_cast<ptrdiff_t>(erase));
  }
  void splice(Cursor& at, size_t erase, std::initializer_list<std::string_view> insert) {
    splice(at, erase, std::span<const std::string_view>(insert.begin(), insert.size()));
  }

  // Appends entries one at a time without walking the list again for each
  // (building a list, converting into this encoding). Nothing else may
  // change the list while an Appender is in use.
  class Appender {
   public:
    explicit Appender(FrontCodedList& list) : list_(list) {
      Cursor c(list);
      c.skip(list.size());
      for (size_t l = 0; l < kStride; ++l) prev_[l] = c.lanes_[l].cur;
      lane_ = list.size() % kStride;
    }
    void push(std::string_view v) {
      char stack[256];
      std::unique_ptr<char[]> heap;
      const size_t worst = kMaxHead + v.size();
      char* const out = worst <= sizeof stack ? stack : (heap.reset(new char[worst]), heap.get());
      const size_t n = encode(out, prev_[lane_], v, kCoding[lane_]);
      prev_[lane_].assign(v);
      lane_ = lane_ + 1 == kStride ? 0 : lane_ + 1;
      const size_t end = list_.bytes();
      list_.block_.splice(end, end, {std::string_view(out, n)}, 1);
    }

   private:
    FrontCodedList& list_;
    std::array<std::string, kStride> prev_;
    size_t lane_;
  };

 private:
  // The longest entry head: the head byte and two 10-byte varints.
  static constexpr size_t kMaxHead = 21;

  // Writes the encoding of v, coded against prev, at out (room for
  // kMaxHead + v.size() bytes); returns the bytes written.
  static size_t encode(char* out, std::string_view prev, std::string_view v, LaneCoding coding) {
    if (coding == LaneCoding::kRepeat) {
      const bool repeat = !v.empty() && prev.starts_with(v);
      size_t n = packed_detail::put_varint((uint64_t{v.size()} << 1) | (repeat ? 1 : 0), out);
      if (!repeat && !v.empty()) std::memcpy(out + n, v.data(), v.size());
      return repeat ? n : n + v.size();
    }
    size_t shared = 0;
    const size_t limit = std::min(prev.size(), v.size());
    while (shared < limit && prev[shared] == v[shared]) ++shared;
    const size_t suffix_len = v.size() - shared;
    size_t n = 1;
    out[0] = static_cast<char>((std::min<size_t>(shared, 15) << 4) | std::min<size_t>(suffix_len, 15));
    if (shared >= 15) n += packed_detail::put_varint(shared - 15, out + n);
    if (suffix_len >= 15) n += packed_detail::put_varint(suffix_len - 15, out + n);
    if (suffix_len > 0) std::memcpy(out + n, v.data() + shared, suffix_len);
    return n + suffix_len;
  }

  PackedBlock<kAux> block_;
};

}  // namespace peregrine::store
