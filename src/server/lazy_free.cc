#include "server/lazy_free.h"

#include <utility>

#include "runtime/buggify.h"

namespace peregrine::server {
namespace {

// An entry on its way to the worker: freed with its holder. Shared because
// a posted closure must be copyable.
struct Held {
  explicit Held(store::Obj* o) : o(o) {}
  ~Held() { store::Obj::destroy(o); }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;
  store::Obj* o;
};

}  // namespace

LazyFree::LazyFree(rt::Runtime& runtime, const Config& config)
    : runtime_(runtime), config_(config) {}

rt::Executor& LazyFree::worker() {
  if (worker_ == nullptr) worker_ = &runtime_.threads().create_background_executor("lazy-free");
  return *worker_;
}

bool LazyFree::may_defer(store::FreeReason why) const {
  switch (why) {
    case store::FreeReason::kUnlinked: return true;
    case store::FreeReason::kDeleted: return config_.lazyfree_lazy_user_del;
    case store::FreeReason::kExpired: return config_.lazyfree_lazy_expire;
    case store::FreeReason::kOverwritten: return config_.lazyfree_lazy_server_del;
    case store::FreeReason::kEvicted: return false;
  }
  return false;
}

void LazyFree::reclaim(store::Obj* o, store::FreeReason why) {
  const auto threshold = static_cast<size_t>(config_.lazyfree_threshold);
  if (!may_defer(why) || o->coll()->free_effort() <= threshold) {
    store::Obj::destroy(o);
    return;
  }
  CODE_PROBE(runtime_, true, "value freed in the background");
  const auto bytes = static_cast<int64_t>(o->memory_bytes());
  state_->begin(1, bytes);
  worker().post([state = state_, held = std::make_shared<Held>(o), bytes] {
    store::Obj::destroy(std::exchange(held->o, nullptr));
    state->end(1, bytes);
  });
}

void LazyFree::reclaim(std::unique_ptr<store::DetachedKeys> keys) {
  CODE_PROBE(runtime_, true, "keyspace freed in the background");
  const uint64_t n = keys->size();
  const int64_t bytes = keyspace_bytes_ ? keyspace_bytes_(n) : 0;
  state_->begin(n, bytes);
  rt::Executor* w = &worker();
  std::shared_ptr<store::DetachedKeys> held = std::move(keys);
  w->post([state = state_, held, w, n, bytes] {
    size_t since_yield = 0;
    held->free_all([&] {
      if (++since_yield == kPaceEntries) {
        since_yield = 0;
        w->scheduler().yield();
      }
    });
    state->end(n, bytes);
  });
}

}  // namespace peregrine::server
