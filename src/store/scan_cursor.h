// The SCAN cursor shared by every power-of-two table in the store (the key
// table, Dict, the sorted-set member index): a bucket index counted in
// reverse-binary order. Incrementing the reversed bits visits, after index
// i of a table of size 2^k, exactly the indexes that a table of size 2^(k+1)
// or 2^(k-1) maps i's keys to next, which is what lets a scan survive any
// number of doublings and halvings between calls (Redis's guarantee).
#pragma once

#include <cstdint>

namespace peregrine::store {

inline uint64_t reverse_bits64(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// Increments the masked bits of v in reverse-binary order. The bits above
// the mask are set first so the carry runs out of the masked range.
inline uint64_t next_scan_cursor(uint64_t v, uint64_t mask) {
  v |= ~mask;
  return reverse_bits64(reverse_bits64(v) + 1);
}

}  // namespace peregrine::store
