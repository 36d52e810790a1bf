// IoBuffer: a growable byte buffer for socket reads. Unlike std::string it
// does not zero the space it reserves for the next read, and it drops
// consumed bytes from the front with one move.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>

namespace peregrine::server {

class IoBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  // Makes room for at least n more bytes after size().
  void reserve_tail(size_t n) {
    if (capacity_ - size_ >= n) return;
    size_t cap = capacity_ == 0 ? n : capacity_;
    while (cap - size_ < n) cap *= 2;
    std::unique_ptr<char[]> grown(new char[cap]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = cap;
  }
  char* tail() { return data_.get() + size_; }
  size_t tail_room() const { return capacity_ - size_; }
  void commit(size_t n) { size_ += n; }
  // Drops the first n bytes.
  void consume(size_t n) {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void clear() { size_ = 0; }
  // Gives memory back when a burst left a big, now empty buffer.
  void shrink_if_idle(size_t keep_bytes) {
    if (size_ == 0 && capacity_ > keep_bytes) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace peregrine::server
