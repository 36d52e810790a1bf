// Ring<T> (store/ring.h) against std::deque under random operations.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "store/ring.h"

namespace peregrine::store {
namespace {

template <typename T>
std::vector<T> contents(const Ring<T>& r) {
  std::vector<T> out;
  for (const T& v : r) out.push_back(v);
  return out;
}

TEST(Ring, EmptyAllocatesNothingAndGrowsInPowersOfTwo) {
  Ring<std::string> r;
  EXPECT_EQ(r.capacity(), 0u);
  r.emplace_back("a");
  EXPECT_EQ(r.capacity(), 1u);
  r.emplace_front("b");
  r.emplace_back("c");
  EXPECT_EQ(r.capacity(), 4u);
  EXPECT_EQ(contents(r), (std::vector<std::string>{"b", "a", "c"}));
  r.pop_front();
  r.pop_front();
  r.pop_back();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.capacity(), 0u);  // the buffer goes with the last element
}

TEST(Ring, WrapsAroundAndShrinksWhenSparse) {
  Ring<int> r;
  for (int i = 0; i < 64; ++i) r.emplace_back(i);
  for (int i = 0; i < 40; ++i) r.pop_front();
  for (int i = 0; i < 20; ++i) r.emplace_back(100 + i);  // wraps past the end
  EXPECT_EQ(r.size(), 44u);
  EXPECT_EQ(r.front(), 40);
  EXPECT_EQ(r.back(), 119);
  while (r.size() > 4) r.pop_back();
  EXPECT_LE(r.capacity(), 16u);
  EXPECT_EQ(contents(r), (std::vector<int>{40, 41, 42, 43}));
}

TEST(Ring, MatchesADequeUnderRandomOperations) {
  EXPECT_TRUE(rc::check("Ring agrees with std::deque", [] {
    Ring<std::unique_ptr<int>> r;  // move-only elements: no hidden copies
    std::deque<int> model;
    const auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
        rc::gen::pair(rc::gen::inRange(0, 8), rc::gen::inRange(0, 1000)));
    for (const auto& [op, v] : ops) {
      switch (model.empty() && op >= 2 && op <= 5 ? op % 2 : op) {  // nothing to remove: push
        case 0:
          r.emplace_back(std::make_unique<int>(v));
          model.push_back(v);
          break;
        case 1:
          r.emplace_front(std::make_unique<int>(v));
          model.push_front(v);
          break;
        case 2:
          r.pop_back();
          model.pop_back();
          break;
        case 3:
          r.pop_front();
          model.pop_front();
          break;
        case 4: {  // erase a run in the middle
          const size_t at = static_cast<size_t>(v) % model.size();
          const size_t n = std::min<size_t>(1 + v % 3, model.size() - at);
          r.erase(at, n);
          model.erase(model.begin() + static_cast<ptrdiff_t>(at),
                      model.begin() + static_cast<ptrdiff_t>(at + n));
          break;
        }
        case 5:
          *r[static_cast<size_t>(v) % model.size()] = -v;
          model[static_cast<size_t>(v) % model.size()] = -v;
          break;
        default: {  // insert a run of 1..3 before index at
          const size_t at = static_cast<size_t>(v) % (model.size() + 1);
          std::vector<std::unique_ptr<int>> run;
          for (int k = 0; k <= v % 3; ++k) run.push_back(std::make_unique<int>(v * 10 + k));
          for (int k = 0; k <= v % 3; ++k)
            model.insert(model.begin() + static_cast<ptrdiff_t>(at) + k, v * 10 + k);
          r.insert(at, run.begin(), run.end());
          break;
        }
      }
      RC_ASSERT(r.size() == model.size());
      RC_ASSERT(r.capacity() >= r.size());
    }
    for (size_t i = 0; i < model.size(); ++i) RC_ASSERT(*r[i] == model[i]);
    Ring<std::unique_ptr<int>> moved = std::move(r);
    RC_ASSERT(moved.size() == model.size());
    RC_ASSERT(r.empty());
  }));
}

TEST(Ring, CopiesAreDeep) {
  Ring<std::string> a;
  for (int i = 0; i < 5; ++i) a.emplace_front(std::to_string(i));
  Ring<std::string> b = a;
  b[0] = "changed";
  EXPECT_EQ(a[0], "4");
  EXPECT_EQ(contents(b), (std::vector<std::string>{"changed", "3", "2", "1", "0"}));
}

}  // namespace
}  // namespace peregrine::store
