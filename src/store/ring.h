// Ring<T>: a double-ended sequence in one circular buffer, for the node
// lists of quicklist-encoded lists (store/list.h).
//
//   buf_: [ . . e2 e3 e4 . . . e0 e1 ]     capacity 2^k, head_ -> e0
//
// Element i lives at buf_[(head_ + i) & (cap_ - 1)]. Pushing or popping at
// either end is O(1) amortized (the buffer doubles when full and halves when
// a quarter full); inserting or erasing in the middle moves the elements
// after the cut, like std::deque. Unlike libstdc++'s std::deque (80 bytes,
// plus a 64-byte map and a 512-byte chunk allocated even when empty), a Ring
// is 16 bytes and an empty one allocates nothing, so a list of one small
// node costs its node and nothing more.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <stdexcept>
#include <utility>

namespace peregrine::store {

template <typename T>
class Ring {
 public:
  Ring() = default;
  Ring(const Ring& other) {
    if (other.empty()) return;
    reserve_exact(other.size_);
    for (size_t i = 0; i < other.size(); ++i) new (buf_ + i) T(other[i]);
    size_ = other.size_;
  }
  Ring(Ring&& other) noexcept { swap(other); }
  Ring& operator=(Ring other) noexcept {
    swap(other);
    return *this;
  }
  ~Ring() {
    clear();
    ::operator delete(buf_);
  }
  void swap(Ring& other) noexcept {
    std::swap(buf_, other.buf_);
    std::swap(head_, other.head_);
    const uint32_t s = size_, l = log_cap_;
    size_ = other.size_;
    log_cap_ = other.log_cap_;
    other.size_ = s;
    other.log_cap_ = l;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return buf_ == nullptr ? 0 : size_t{1} << log_cap_; }

  T& operator[](size_t i) { return buf_[slot(i)]; }
  const T& operator[](size_t i) const { return buf_[slot(i)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    grow_if_full();
    T* p = new (buf_ + slot(size_)) T(std::forward<Args>(args)...);
    ++size_;
    return *p;
  }
  template <typename... Args>
  T& emplace_front(Args&&... args) {
    grow_if_full();
    const uint32_t h = (head_ - 1) & mask();
    T* p = new (buf_ + h) T(std::forward<Args>(args)...);
    head_ = h;
    ++size_;
    return *p;
  }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  void pop_back() {
    buf_[slot(size_ - 1)].~T();
    --size_;
    shrink_if_sparse();
  }
  void pop_front() {
    buf_[head_].~T();
    head_ = (head_ + 1) & mask();
    --size_;
    shrink_if_sparse();
  }
  void clear() {
    for (size_t i = 0; i < size(); ++i) (*this)[i].~T();
    size_ = 0;
    head_ = 0;
  }

  // Removes the elements [at, at + n).
  void erase(size_t at, size_t n = 1) {
    if (n == 0) return;
    for (size_t i = at; i + n < size_; ++i) (*this)[i] = std::move((*this)[i + n]);
    for (size_t k = 0; k < n; ++k) {
      buf_[slot(size_ - 1)].~T();
      --size_;
    }
    shrink_if_sparse();
  }
  // Inserts the elements of [first, last) (moved from) before index at.
  template <typename It>
  void insert(size_t at, It first, It last) {
    const size_t n = static_cast<size_t>(std::distance(first, last));
    if (n == 0) return;
    const size_t old = size_;
    for (size_t k = 0; k < n; ++k) emplace_back();
    for (size_t i = old; i-- > at;) (*this)[i + n] = std::move((*this)[i]);
    for (size_t i = at; first != last; ++first, ++i) (*this)[i] = std::move(*first);
  }

  // Iteration in order (range-for).
  template <typename R, typename V>
  class Iter {
   public:
    Iter(R* r, size_t i) : r_(r), i_(i) {}
    V& operator*() const { return (*r_)[i_]; }
    V* operator->() const { return &(*r_)[i_]; }
    Iter& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }

   private:
    R* r_;
    size_t i_;
  };
  Iter<Ring, T> begin() { return {this, 0}; }
  Iter<Ring, T> end() { return {this, size_}; }
  Iter<const Ring, const T> begin() const { return {this, 0}; }
  Iter<const Ring, const T> end() const { return {this, size_}; }

 private:
  uint32_t mask() const { return (uint32_t{1} << log_cap_) - 1; }
  size_t slot(size_t i) const { return (head_ + i) & mask(); }

  void grow_if_full() {
    if (size_ == capacity()) reserve_exact(size_ == 0 ? 1 : size_t{2} * size_);
  }
  void shrink_if_sparse() {
    if (size_ == 0) {
      ::operator delete(buf_);
      buf_ = nullptr;
      head_ = 0;
      log_cap_ = 0;
    } else if (capacity() >= 8 && size_ <= capacity() / 4) {
      reserve_exact(capacity() / 2);
    }
  }
  // Moves the elements into a buffer of bit_ceil(n) slots, head at 0.
  void reserve_exact(size_t n) {
    const size_t cap = std::bit_ceil(n == 0 ? size_t{1} : n);
    if (cap >= (size_t{1} << 27)) throw std::length_error("Ring: too many elements");
    T* fresh = static_cast<T*>(::operator new(cap * sizeof(T)));
    for (size_t i = 0; i < size(); ++i) {
      new (fresh + i) T(std::move((*this)[i]));
      (*this)[i].~T();
    }
    ::operator delete(buf_);
    buf_ = fresh;
    head_ = 0;
    log_cap_ = static_cast<uint32_t>(std::countr_zero(cap)) & 31u;
  }

  T* buf_ = nullptr;
  uint32_t head_ = 0;
  uint32_t size_ : 27 = 0;  // up to 2^27 - 1 elements (nodes of 8 KB: 1 TB)
  uint32_t log_cap_ : 5 = 0;
};

static_assert(sizeof(Ring<int>) == 16, "a Ring is a pointer and two 32-bit words");

}  // namespace peregrine::store
