#include "server/memory.h"

#include <cstdio>

#ifdef PEREGRINE_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

// Sanitizer builds use the sanitizer's allocator, which reports its own
// figures; eviction and INFO memory then still see real numbers.
#if defined(__SANITIZE_ADDRESS__)
#define PEREGRINE_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PEREGRINE_ASAN_ALLOCATOR 1
#endif
#endif
#if !defined(PEREGRINE_HAVE_JEMALLOC) && defined(PEREGRINE_ASAN_ALLOCATOR)
#include <sanitizer/allocator_interface.h>
#endif

namespace peregrine::server {

#ifdef PEREGRINE_HAVE_JEMALLOC
namespace {
int64_t read_stat(const char* name) {
  size_t value = 0;
  size_t len = sizeof(value);
  if (mallctl(name, &value, &len, nullptr, 0) != 0) return 0;
  return static_cast<int64_t>(value);
}
}  // namespace

AllocatorStats allocator_stats() {
  // Statistics are cached by jemalloc until the epoch advances.
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
  AllocatorStats s;
  s.allocated = read_stat("stats.allocated");
  s.active = read_stat("stats.active");
  s.resident = read_stat("stats.resident");
  s.mapped = read_stat("stats.mapped");
  s.retained = read_stat("stats.retained");
  return s;
}

int64_t thread_net_allocated() {
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  size_t len = sizeof(allocated);
  if (mallctl("thread.allocatedp", &allocated, &len, nullptr, 0) != 0) return 0;
  len = sizeof(deallocated);
  if (mallctl("thread.deallocatedp", &deallocated, &len, nullptr, 0) != 0) return 0;
  return static_cast<int64_t>(*allocated - *deallocated);
}

std::string allocator_report() {
  std::string out;
  malloc_stats_print(
      [](void* opaque, const char* text) { static_cast<std::string*>(opaque)->append(text); },
      &out, nullptr);
  return out;
}

void allocator_purge() {
  char cmd[64] = "arena.4096.purge";  // MALLCTL_ARENAS_ALL
  mallctl(cmd, nullptr, nullptr, nullptr, 0);
}

void allocator_purge_thread_arena() {
  unsigned arena = 0;
  size_t len = sizeof arena;
  if (mallctl("thread.arena", &arena, &len, nullptr, 0) != 0) return;
  char cmd[64];
  std::snprintf(cmd, sizeof cmd, "arena.%u.purge", arena);
  mallctl(cmd, nullptr, nullptr, nullptr, 0);
}

const char* allocator_name() { return "jemalloc-5.3.0"; }
#elif defined(PEREGRINE_ASAN_ALLOCATOR)
AllocatorStats allocator_stats() {
  AllocatorStats s;
  s.allocated = static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
  s.active = s.resident = s.mapped = static_cast<int64_t>(__sanitizer_get_heap_size());
  return s;
}
int64_t thread_net_allocated() {
  return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
}
std::string allocator_report() { return "Stats not supported for the current allocator\n"; }
void allocator_purge() {}
void allocator_purge_thread_arena() {}
const char* allocator_name() { return "asan"; }
#else
AllocatorStats allocator_stats() { return {}; }
int64_t thread_net_allocated() { return 0; }
std::string allocator_report() { return "Stats not supported for the current allocator\n"; }
void allocator_purge() {}
void allocator_purge_thread_arena() {}
const char* allocator_name() { return "libc"; }
#endif

}  // namespace peregrine::server
