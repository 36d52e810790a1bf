#include "store/hash.h"

#include <utility>

namespace peregrine::store {

std::unique_ptr<Collection> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>(seed_);
  copy->listpack_ = listpack_;
  copy->listpack_ex_ = listpack_ex_;
  copy->lp_ = lp_;
  if (!listpack_) {
    copy->table_ = std::make_unique<Dict<std::string>>(seed_);
    copy->table_->reserve(table_->size());
    table_->for_each([&](std::string_view f, const std::string& v) { copy->table_->insert(f, v); });
  }
  if (ttls_) copy->ttls_ = std::make_unique<FieldTtls>(*ttls_);
  return copy;
}

std::string_view HashValue::encoding_name() const {
  if (!listpack_) return "hashtable";
  return listpack_ex_ ? "listpackex" : "listpack";
}

void HashValue::convert_to_hashtable() {
  if (!listpack_) return;
  auto table = std::make_unique<Dict<std::string>>(seed_);
  table->reserve(lp_.size() / 2);
  for_each([&](std::string_view f, std::string_view v) { table->insert(f, std::string(v)); });
  table_ = std::move(table);
  lp_.clear();
  lp_.shrink_to_fit();
  listpack_ = false;
}

void HashValue::fit_lengths(std::string_view field, std::string_view value,
                            const HashLimits& limits) {
  if (listpack_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    convert_to_hashtable();
  }
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (listpack_) {
    size_t off = lp_.find(field, 0, 2);
    if (off == lp_.end()) return std::nullopt;
    return lp_.at(lp_.next(off));
  }
  const std::string* v = table_->find(field);
  if (v == nullptr) return std::nullopt;
  return std::string_view(*v);
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits,
                    bool keep_ttl) {
  fit_lengths(field, value, limits);
  bool added;
  if (listpack_) {
    size_t off = lp_.find(field, 0, 2);
    if (off != lp_.end()) {
      lp_.replace(lp_.next(off), value);
      added = false;
    } else {
      lp_.push_back(field);
      lp_.push_back(value);
      added = true;
      if (lp_.size() / 2 > limits.max_listpack_entries) convert_to_hashtable();
    }
  } else {
    std::string* v = table_->find(field);
    if (v != nullptr) {
      v->assign(value);
      added = false;
    } else {
      table_->insert(field, std::string(value));
      added = true;
    }
  }
  if (!added && !keep_ttl) drop_ttl(field);
  return added;
}

bool HashValue::erase(std::string_view field) {
  bool removed;
  if (listpack_) {
    size_t off = lp_.find(field, 0, 2);
    removed = off != lp_.end();
    if (removed) {
      lp_.erase(off);  // the field; its value now sits at off
      lp_.erase(off);
    }
  } else {
    removed = table_->erase(field);
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

std::pair<std::string_view, std::string_view> HashValue::random_entry(rt::Random& random) {
  if (listpack_) {
    size_t off = lp_.offset_of(2 * random.uniform(lp_.size() / 2));
    return {lp_.at(off), lp_.at(lp_.next(off))};
  }
  auto e = table_->random_entry(random);
  return {e->first, std::string_view(*e->second)};
}

// ------------------------------------------------------------ field TTLs

int64_t HashValue::expire_at(std::string_view field) const {
  if (!ttls_) return -1;
  auto it = ttls_->deadlines.find(field);
  return it == ttls_->deadlines.end() ? -1 : it->second;
}

void HashValue::set_expire(std::string_view field, int64_t when_ms) {
  if (!ttls_) ttls_ = std::make_unique<FieldTtls>();
  auto& deadlines = ttls_->deadlines;
  auto it = deadlines.find(field);
  if (it != deadlines.end()) {
    ttls_->by_deadline.erase({it->second, it->first});
    it->second = when_ms;
  } else {
    it = deadlines.emplace(std::string(field), when_ms).first;
  }
  ttls_->by_deadline.emplace(when_ms, it->first);
  if (listpack_) listpack_ex_ = true;
}

bool HashValue::persist(std::string_view field) {
  if (expire_at(field) < 0) return false;
  drop_ttl(field);
  return true;
}

void HashValue::drop_ttl(std::string_view field) {
  if (!ttls_) return;
  auto it = ttls_->deadlines.find(field);
  if (it == ttls_->deadlines.end()) return;
  ttls_->by_deadline.erase({it->second, it->first});
  ttls_->deadlines.erase(it);
  if (ttls_->deadlines.empty()) ttls_.reset();
}

size_t HashValue::remove_expired(int64_t now_ms, size_t max_fields) {
  size_t removed = 0;
  while (removed < max_fields && has_expired(now_ms)) {
    // Copied: erase() frees the index entry that holds the name.
    std::string field = ttls_->by_deadline.begin()->second;
    erase(field);
    ++removed;
  }
  return removed;
}

// ------------------------------------------------------------ cron helpers

size_t expire_hash_fields(Value& value, int64_t now_ms, size_t max_fields) {
  if (value.type != ObjType::kHash || !value.coll) return 0;
  return value.as<HashValue>().remove_expired(now_ms, max_fields);
}

int64_t hash_next_field_expiry(const Value& value) {
  if (value.type != ObjType::kHash || !value.coll) return -1;
  return value.as<HashValue>().next_expiry();
}

}  // namespace peregrine::store
