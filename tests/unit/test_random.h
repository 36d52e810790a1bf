// A deterministic rt::Random for unit tests (splitmix64), so tests that need
// randomness (hash seeds, random members) replay exactly.
#pragma once

#include <cstdint>

#include "runtime/runtime.h"

namespace peregrine::testing {

class TestRandom : public rt::Random {
 public:
  explicit TestRandom(uint64_t seed) : state_(seed) {}
  uint64_t next_u64() override {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace peregrine::testing
