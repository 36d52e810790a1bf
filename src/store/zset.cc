// ZSetValue: the listpack encoding, and the dispatch to the skiplist
// encoding (ZTree, store/zset_tree.cc); see zset.h.
#include "store/zset.h"

#include <cstring>

#include "store/zset_tree.h"

namespace peregrine::store {

// ---------------------------------------------------------------- ZSetValue

ZSetValue::ZSetValue(uint64_t seed) : seed_(seed) {}

ZSetValue::ZSetValue(const ZSetValue& other) : seed_(other.seed_), lp_(other.lp_) {
  if (other.sl_) sl_ = std::make_unique<ZTree>(*other.sl_);
}

ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::from_sorted(
    const std::vector<std::pair<std::string, double>>& items, const ZSetLimits& limits,
    uint64_t seed) {
  auto z = std::make_unique<ZSetValue>(seed);
  bool compact = items.size() <= limits.max_entries;
  for (size_t i = 0; compact && i < items.size(); ++i) {
    compact = items[i].first.size() <= limits.max_value;
  }
  if (!compact) {
    z->sl_ = std::make_unique<ZTree>(seed);
    z->sl_->reserve(items.size());
  }
  for (const auto& [member, score] : items) {
    if (z->sl_) {
      z->sl_->set(member, score);
    } else {
      z->lp_.push_back(member);
      z->lp_.push_back(encode_score(score));
    }
  }
  return z;
}

std::unique_ptr<Collection> ZSetValue::clone() const {
  return std::make_unique<ZSetValue>(*this);
}

size_t ZSetValue::size() const { return sl_ ? sl_->size() : lp_.size() / 2; }

size_t ZSetValue::memory_usage() const {
  return sl_ ? sl_->memory_usage() : lp_.bytes();
}

Encoding ZSetValue::encoding() const { return sl_ ? Encoding::kSkiplist : Encoding::kListpack; }

double ZSetValue::decode_score(std::string_view bytes) {
  double d;
  std::memcpy(&d, bytes.data(), sizeof(d));
  return d;
}

std::string ZSetValue::encode_score(double score) {
  // The listpack keeps no negative zero (the reference server stores
  // listpack scores as text, where -0 reads back as 0).
  if (score == 0) score = 0;
  std::string s(sizeof(score), '\0');
  std::memcpy(s.data(), &score, sizeof(score));
  return s;
}

size_t ZSetValue::lp_find(std::string_view member) const {
  for (size_t off = lp_.begin(); off != lp_.end(); off = lp_.next(lp_.next(off))) {
    if (lp_.at(off) == member) return off;
  }
  return lp_.end();
}

void ZSetValue::lp_insert(std::string_view member, double score) {
  size_t off = lp_.begin();
  while (off != lp_.end()) {
    const size_t score_off = lp_.next(off);
    if (zset_less(score, member, decode_score(lp_.at(score_off)), lp_.at(off))) break;
    off = lp_.next(score_off);
  }
  // Copy first: member may view this buffer.
  std::string text(member);
  off = lp_.insert(off, text);
  lp_.insert(lp_.next(off), encode_score(score));
}

size_t ZSetValue::lp_offset_of_rank(size_t rank) const { return lp_.offset_of(2 * rank); }

std::optional<double> ZSetValue::score(std::string_view member) const {
  if (sl_) {
    const ZElem* e = sl_->find(member);
    if (e == nullptr) return std::nullopt;
    return e->score();
  }
  size_t off = lp_find(member);
  if (off == lp_.end()) return std::nullopt;
  return decode_score(lp_.at(lp_.next(off)));
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
  if (sl_) {
    const ZElem* e = sl_->find(member);
    if (e == nullptr) return std::nullopt;
    return sl_->rank_of(e);
  }
  size_t rank = 0;
  for (size_t off = lp_.begin(); off != lp_.end(); off = lp_.next(lp_.next(off)), ++rank) {
    if (lp_.at(off) == member) return rank;
  }
  return std::nullopt;
}

bool ZSetValue::set(std::string_view member, double score, const ZSetLimits& limits) {
  if (sl_) return sl_->set(member, score);
  const size_t off = lp_find(member);
  if (off != lp_.end()) {
    std::string text(member);
    lp_.erase(off);
    lp_.erase(off);
    lp_insert(text, score);
    return false;
  }
  if (size() + 1 > limits.max_entries || member.size() > limits.max_value) {
    convert_to_skiplist();
    return sl_->set(member, score);
  }
  lp_insert(member, score);
  return true;
}

bool ZSetValue::erase(std::string_view member) {
  if (sl_) return sl_->erase(member);
  const size_t off = lp_find(member);
  if (off == lp_.end()) return false;
  lp_.erase(off);
  lp_.erase(off);
  return true;
}

std::pair<std::string, double> ZSetValue::at(size_t rank) const {
  if (sl_) {
    const ZTree::Cursor c = sl_->at(rank);
    return {std::string(c.elem()->member()), c.score()};
  }
  const size_t off = lp_offset_of_rank(rank);
  return {std::string(lp_.at(off)), decode_score(lp_.at(lp_.next(off)))};
}

void ZSetValue::visit(size_t first, size_t n, bool reverse, const Visitor& fn) const {
  if (n == 0) return;
  if (sl_) return sl_->visit(first, n, reverse, fn);
  if (!reverse) {
    size_t off = lp_offset_of_rank(first);
    for (size_t i = 0; i < n && off != lp_.end(); ++i) {
      const size_t score_off = lp_.next(off);
      fn(lp_.at(off), decode_score(lp_.at(score_off)));
      off = lp_.next(score_off);
    }
    return;
  }
  // Backwards: collect the member offsets of ranks [first - n + 1, first].
  std::vector<size_t> offs;
  offs.reserve(n);
  size_t off = lp_offset_of_rank(first + 1 - n);
  for (size_t i = 0; i < n && off != lp_.end(); ++i) {
    offs.push_back(off);
    off = lp_.next(lp_.next(off));
  }
  for (size_t i = offs.size(); i-- > 0;) {
    fn(lp_.at(offs[i]), decode_score(lp_.at(lp_.next(offs[i]))));
  }
}

void ZSetValue::erase_ranks(size_t start, size_t end) {
  if (start >= end) return;
  if (sl_) return sl_->erase_ranks(start, end);
  const size_t off = lp_offset_of_rank(start);
  for (size_t i = start; i < end && off != lp_.end(); ++i) {
    lp_.erase(off);
    lp_.erase(off);
  }
}

size_t ZSetValue::count_below_score(double x, bool inclusive) const {
  auto below = [&](double s) { return s < x || (inclusive && s == x); };
  if (sl_) return sl_->count_below_score(x, inclusive);
  size_t count = 0;
  for (size_t off = lp_.begin(); off != lp_.end(); ++count) {
    const size_t score_off = lp_.next(off);
    if (!below(decode_score(lp_.at(score_off)))) break;
    off = lp_.next(score_off);
  }
  return count;
}

size_t ZSetValue::count_below_lex(const LexBound& b, bool inclusive) const {
  if (b.kind == LexBound::Kind::kMinusInf) return 0;
  if (b.kind == LexBound::Kind::kPlusInf) return size();
  auto below = [&](std::string_view m) { return m < b.value || (inclusive && m == b.value); };
  if (sl_) return sl_->count_below_member(b.value, inclusive);
  size_t count = 0;
  for (size_t off = lp_.begin(); off != lp_.end(); ++count) {
    if (!below(lp_.at(off))) break;
    off = lp_.next(lp_.next(off));
  }
  return count;
}

uint64_t ZSetValue::scan(uint64_t cursor, const Visitor& fn) {
  if (sl_) return sl_->scan(cursor, fn);
  for_each(fn);
  return 0;
}

void ZSetValue::convert_to_skiplist() {
  if (sl_) return;
  auto sl = std::make_unique<ZTree>(seed_);
  sl->reserve(size());
  for (size_t off = lp_.begin(); off != lp_.end();) {
    const size_t score_off = lp_.next(off);
    sl->set(lp_.at(off), decode_score(lp_.at(score_off)));
    off = lp_.next(score_off);
  }
  sl_ = std::move(sl);
  lp_.clear();
  lp_.shrink_to_fit();
}

}  // namespace peregrine::store
