// BucketArena: where a KeyTable's large bucket arrays come from and go to.
//
// Allocating a large zeroed array and freeing one are the two costs of a
// resize that do not shrink with incremental rehashing: calloc may have to
// clear reused pages (32 MB at 2^19 buckets), and the allocator may hand a
// freed array's pages back to the kernel at once. A table with an arena
// asks for its next array ahead of time and hands retired arrays back, so
// an arena that works elsewhere (the server's runs on a background
// executor) keeps both out of commands. The table does not know how.
//
// The protocol, for one table:
//   prepare(bytes)  the table is nearing its grow threshold and will want a
//                   zeroed array of `bytes`. Each prepare is ended by
//                   exactly one take(bytes).
//   take(bytes)     ends the request: the prepared array if it is ready
//                   (zeroed, from the malloc family: free() releases it),
//                   else nullptr, and the table callocs inline; an array
//                   that arrives after its request ended is the arena's to
//                   release. The table also ends a request it no longer
//                   needs (it shrank, was cleared) this way, giving back
//                   whatever it gets.
//   give_back(p, bytes)  p (an array of `bytes` from calloc or take) is no
//                   longer used.
//
// An arena may serve several tables; requests are matched by size. Without
// an arena a table callocs and frees inline (unit tests, tools).
#pragma once

#include <cstddef>

namespace peregrine::store {

class BucketArena {
 public:
  virtual ~BucketArena() = default;
  virtual void prepare(size_t bytes) = 0;
  virtual void* take(size_t bytes) = 0;
  virtual void give_back(void* p, size_t bytes) = 0;
};

}  // namespace peregrine::store
