#include "store/hash.h"

#include <utility>

namespace peregrine::store {

static_assert(sizeof(HashValue) == 2 * sizeof(void*),
              "a HashValue is its vtable pointer and the listpack block pointer");

HashValue::~HashValue() { delete ext(); }

HashValue::Ext& HashValue::ext_or_create() {
  if (Ext* e = ext()) return *e;
  auto e = std::make_unique<Ext>();
  lp_.set_aux(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(e.get())));
  return *e.release();
}

std::unique_ptr<Collection> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  Pairs entries = lp_;
  entries.set_aux(0);  // not this hash's Ext pointer
  copy->lp_ = std::move(entries);
  if (const Ext* e = ext()) {
    Ext& c = copy->ext_or_create();
    c.seed = e->seed;
    c.listpack_ex = e->listpack_ex;
    if (e->table) {
      c.table = std::make_unique<Dict<InlineString>>(e->seed);
      c.table->reserve(e->table->size());
      e->table->for_each([&](std::string_view f, std::string_view v) { c.table->set(f, v); });
    }
    if (e->ttls) c.ttls = std::make_unique<SubkeyTtls>(*e->ttls);
  }
  return copy;
}

size_t HashValue::memory_usage() const {
  size_t bytes = sizeof(HashValue) + lp_.footprint();
  const Ext* e = ext();
  if (e == nullptr) return bytes;
  bytes += sizeof(Ext);
  if (e->table) {
    // The buckets, and one node per field: its header, the field, the value.
    bytes += sizeof(Dict<InlineString>) + e->table->bucket_count() * sizeof(void*) +
             e->table->entry_bytes();
  }
  if (e->ttls) bytes += e->ttls->memory_usage();
  return bytes;
}

std::string_view HashValue::encoding_name() const {
  switch (encoding()) {
    case Encoding::kHashtable: return "hashtable";
    case Encoding::kListpackEx: return "listpackex";
    default: return "listpack";
  }
}

void HashValue::convert_to_hashtable(uint64_t seed) {
  if (!is_listpack()) return;
  auto t = std::make_unique<Dict<InlineString>>(seed);
  t->reserve(lp_.size() / 2);
  for_each([&](std::string_view f, std::string_view v) { t->set(f, v); });
  Ext& e = ext_or_create();
  lp_.clear();  // keeps the aux word, the Ext pointer
  e.seed = seed;
  e.table = std::move(t);
}

void HashValue::fit_lengths(std::string_view field, std::string_view value,
                            const HashLimits& limits) {
  if (is_listpack() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    convert_to_hashtable(limits.seed);
  }
}

void HashValue::fit_count(size_t new_fields, const HashLimits& limits) {
  if (is_listpack() && new_fields > limits.max_listpack_entries) convert_to_hashtable(limits.seed);
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (const Dict<InlineString>* t = table()) return t->get(field);
  Pairs::Cursor c(lp_);
  if (!c.find(field, 2)) return std::nullopt;
  c.advance();
  return c.value();  // a value-lane view: points into the block
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits,
                    bool keep_ttl) {
  fit_lengths(field, value, limits);
  bool added;
  if (Dict<InlineString>* t = table()) {
    added = t->set(field, value);
  } else {
    Pairs::Cursor c(lp_);
    added = !c.find(field, 2);
    if (added) {
      lp_.splice(c, 0, {field, value});  // c is at the end: an append
    } else {
      c.advance();
      if (c.value() != value) lp_.splice(c, 1, {value});
    }
    // Checked after an update too, as Redis does: a hash left past a
    // hash-max-listpack-entries lowered since converts at its next write.
    if (lp_.size() / 2 > limits.max_listpack_entries) convert_to_hashtable(limits.seed);
  }
  if (!added && !keep_ttl && drop_ttl(field)) place(field, -1);
  return added;
}

bool HashValue::erase(std::string_view field) {
  bool removed;
  if (Dict<InlineString>* t = table()) {
    removed = t->erase(field);
  } else {
    Pairs::Cursor c(lp_);
    removed = c.find(field, 2);
    if (removed) lp_.splice(c, 2, {});
  }
  if (removed) drop_ttl(field);
  return removed;
}

std::vector<std::pair<std::string, std::string>> HashValue::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(size());
  for_each([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

std::pair<std::string, std::string_view> HashValue::random_entry(rt::Random& random) {
  if (Dict<InlineString>* t = table()) {
    auto e = t->random_entry(random);
    return {std::string(e->first), e->second};
  }
  Pairs::Cursor c(lp_);
  c.skip(2 * random.uniform(lp_.size() / 2));
  std::string field(c.value());
  c.advance();
  return {std::move(field), c.value()};
}

// ------------------------------------------------------------ field TTLs

int64_t HashValue::expire_at(std::string_view field) const {
  const SubkeyTtls* t = ttls();
  return t == nullptr ? -1 : t->get(field);
}

void HashValue::set_expire(std::string_view field, int64_t when_ms, uint64_t seed) {
  Ext& e = ext_or_create();
  if (!e.ttls) e.ttls = std::make_unique<SubkeyTtls>(seed);
  e.ttls->set(field, when_ms);
  if (!e.table) {
    e.listpack_ex = true;
    place(field, when_ms);
  }
}

bool HashValue::persist(std::string_view field) {
  if (!drop_ttl(field)) return false;
  place(field, -1);
  return true;
}

bool HashValue::drop_ttl(std::string_view field) {
  Ext* e = ext();
  if (e == nullptr || !e->ttls || !e->ttls->drop(field)) return false;
  if (e->ttls->empty()) e->ttls.reset();
  return true;
}

void HashValue::place(std::string_view field, int64_t deadline) {
  if (!is_listpack()) return;
  const std::optional<std::string_view> current = get(field);
  if (!current) return;
  // Copies: the pair is cut out of the block before it goes back in.
  const std::string name(field);
  const std::string value(*current);
  Pairs::Cursor from(lp_);
  from.find(name, 2);
  lp_.splice(from, 2, {});
  Pairs::Cursor to(lp_);
  if (deadline < 0) {
    to.skip(lp_.size());
  } else {
    while (!to.at_end()) {
      const int64_t d = expire_at(to.value());
      if (d < 0 || d >= deadline) break;
      to.skip(2);
    }
  }
  lp_.splice(to, 0, {name, value});
}

size_t HashValue::remove_expired(int64_t now_ms, size_t max_fields) {
  size_t removed = 0;
  while (removed < max_fields && has_expired(now_ms)) {
    // Copied: erase() frees the index entry that holds the name.
    std::string field(ttls()->next_name());
    erase(field);
    ++removed;
  }
  return removed;
}

// ------------------------------------------------------------ cron helpers

size_t expire_hash_fields(HashValue& hash, int64_t now_ms, size_t max_fields) {
  return hash.remove_expired(now_ms, max_fields);
}

int64_t hash_next_field_expiry(const HashValue& hash) { return hash.next_expiry(); }

size_t expire_hash_fields(Value& value, int64_t now_ms, size_t max_fields) {
  if (value.type != ObjType::kHash || !value.coll) return 0;
  return expire_hash_fields(value.as<HashValue>(), now_ms, max_fields);
}

int64_t hash_next_field_expiry(const Value& value) {
  if (value.type != ObjType::kHash || !value.coll) return -1;
  return hash_next_field_expiry(value.as<HashValue>());
}

}  // namespace peregrine::store
