// ZSetValue and its skiplist encoding; see zset.h for the layout.
#include "store/zset.h"

#include <cstring>
#include <new>

namespace peregrine::store {

// ---------------------------------------------------------------- skip list

namespace {

// A skip-list node. Its links follow it in the same allocation:
// links()[i] is the level-i link, for i < height.
struct ZNode {
  struct Link {
    ZNode* forward;
    size_t span;  // level-0 steps from this node to `forward` (to the end when null)
  };

  std::string_view member;  // the text is the Dict key of this member
  double score;
  ZNode* backward;          // previous node at level 0 (null for the first)
  uint32_t height;

  Link* links() { return reinterpret_cast<Link*>(this + 1); }
  const Link* links() const { return reinterpret_cast<const Link*>(this + 1); }
  ZNode* next() const { return links()[0].forward; }

  static ZNode* make(uint32_t height, double score, std::string_view member) {
    void* mem = ::operator new(sizeof(ZNode) + height * sizeof(Link));
    auto* n = new (mem) ZNode{member, score, nullptr, height};
    for (uint32_t i = 0; i < height; ++i) n->links()[i] = Link{nullptr, 0};
    return n;
  }
  static void destroy(ZNode* n) {
    n->~ZNode();
    ::operator delete(n);
  }
  static size_t bytes(uint32_t height) { return sizeof(ZNode) + height * sizeof(Link); }
};

static_assert(sizeof(ZNode) % alignof(ZNode::Link) == 0, "links must be aligned after the node");

}  // namespace

class ZSkipList {
 public:
  static constexpr uint32_t kMaxHeight = 32;

  explicit ZSkipList(uint64_t seed)
      : index_(seed), rng_(seed ^ 0x9e3779b97f4a7c15ULL) {
    if (rng_ == 0) rng_ = 1;
    head_ = ZNode::make(kMaxHeight, 0, {});
  }
  ~ZSkipList() {
    for (ZNode* n = head_; n != nullptr;) {
      ZNode* next = n->next();
      ZNode::destroy(n);
      n = next;
    }
  }
  ZSkipList(const ZSkipList&) = delete;
  ZSkipList& operator=(const ZSkipList&) = delete;

  size_t size() const { return length_; }
  uint64_t seed() const { return index_.seed(); }

  const ZNode* find(std::string_view member) const {
    ZNode* const* slot = index_.find(member);
    return slot ? *slot : nullptr;
  }

  // Adds member or moves it to score. Returns whether it is new.
  bool set(std::string_view member, double score) {
    auto [slot, inserted] = index_.insert(member, nullptr);
    if (inserted) {
      const std::string* key = index_.find_key(member);
      *slot = link(score, *key);
      return true;
    }
    ZNode* n = *slot;
    // Still in order where it stands: change the score in place.
    const ZNode* prev = n->backward;
    const ZNode* next = n->next();
    if ((prev == nullptr || zset_less(prev->score, prev->member, score, n->member)) &&
        (next == nullptr || zset_less(score, n->member, next->score, next->member))) {
      n->score = score;
      return false;
    }
    std::string_view text = n->member;
    unlink(n);
    *slot = link(score, text);
    return false;
  }

  bool erase(std::string_view member) {
    ZNode* const* slot = index_.find(member);
    if (slot == nullptr) return false;
    // The node's member view points at the Dict key: keep a copy for the
    // Dict lookup, which outlives the node.
    std::string copy(member);
    unlink(*slot);
    index_.erase(copy);
    return true;
  }

  // 0-based rank of a member of the list.
  size_t rank_of(const ZNode* target) const {
    size_t rank = 0;
    const ZNode* x = head_;
    for (int i = static_cast<int>(height_) - 1; i >= 0; --i) {
      while (x->links()[i].forward != nullptr) {
        const ZNode* f = x->links()[i].forward;
        if (!(f->score < target->score ||
              (f->score == target->score && f->member <= target->member))) {
          break;
        }
        rank += x->links()[i].span;
        x = f;
      }
      if (x == target) return rank - 1;
    }
    return rank - 1;  // not reached for a member of the list
  }

  // The node at 0-based rank (< size()).
  const ZNode* at(size_t rank) const {
    const size_t target = rank + 1;
    size_t traversed = 0;
    const ZNode* x = head_;
    for (int i = static_cast<int>(height_) - 1; i >= 0; --i) {
      while (x->links()[i].forward != nullptr && traversed + x->links()[i].span <= target) {
        traversed += x->links()[i].span;
        x = x->links()[i].forward;
      }
      if (traversed == target) return x;
    }
    return nullptr;
  }

  template <typename Below>
  size_t count_below(Below below) const {
    size_t rank = 0;
    const ZNode* x = head_;
    for (int i = static_cast<int>(height_) - 1; i >= 0; --i) {
      while (x->links()[i].forward != nullptr && below(x->links()[i].forward)) {
        rank += x->links()[i].span;
        x = x->links()[i].forward;
      }
    }
    return rank;
  }

  uint64_t scan(uint64_t cursor, const ZSetValue::Visitor& fn) {
    return index_.scan(cursor, [&](std::string_view key, ZNode*& n) { fn(key, n->score); });
  }

  const ZNode* first() const { return head_->next(); }

  size_t memory_usage() const {
    size_t bytes = ZNode::bytes(kMaxHeight) + index_.bucket_count() * sizeof(void*);
    for (const ZNode* n = first(); n != nullptr; n = n->next()) {
      bytes += ZNode::bytes(n->height) + Dict<ZNode*>::kNodeSize + n->member.size();
    }
    return bytes;
  }

 private:
  uint32_t random_height() {
    uint32_t h = 1;
    // One more level with probability 1/4 each time.
    while (h < kMaxHeight && (next_random() & 3) == 0) ++h;
    return h;
  }
  uint64_t next_random() {  // xorshift64*
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return (rng_ * 0x2545F4914F6CDD1DULL) >> 32;
  }

  // The last node before (score, member) at each level, and its rank.
  void find_predecessors(double score, std::string_view member, ZNode** update,
                         size_t* rank) const {
    ZNode* x = head_;
    for (int i = static_cast<int>(height_) - 1; i >= 0; --i) {
      rank[i] = i == static_cast<int>(height_) - 1 ? 0 : rank[i + 1];
      while (x->links()[i].forward != nullptr &&
             zset_less(x->links()[i].forward->score, x->links()[i].forward->member, score,
                       member)) {
        rank[i] += x->links()[i].span;
        x = x->links()[i].forward;
      }
      update[i] = x;
    }
  }

  // Creates and links a node for (score, member), which must not be in the
  // list.
  ZNode* link(double score, std::string_view member) {
    ZNode* update[kMaxHeight];
    size_t rank[kMaxHeight];
    find_predecessors(score, member, update, rank);
    const uint32_t h = random_height();
    if (h > height_) {
      for (uint32_t i = height_; i < h; ++i) {
        rank[i] = 0;
        update[i] = head_;
        head_->links()[i].span = length_;
      }
      height_ = h;
    }
    ZNode* x = ZNode::make(h, score, member);
    for (uint32_t i = 0; i < h; ++i) {
      ZNode::Link& prev = update[i]->links()[i];
      x->links()[i].forward = prev.forward;
      prev.forward = x;
      // prev used to jump prev.span steps; x now sits (rank[0] - rank[i] + 1)
      // steps after update[i].
      x->links()[i].span = prev.span - (rank[0] - rank[i]);
      prev.span = rank[0] - rank[i] + 1;
    }
    for (uint32_t i = h; i < height_; ++i) update[i]->links()[i].span++;
    x->backward = update[0] == head_ ? nullptr : update[0];
    if (x->next() != nullptr) x->next()->backward = x;
    ++length_;
    return x;
  }

  // Unlinks and frees x (its Dict entry is the caller's business).
  void unlink(ZNode* x) {
    ZNode* update[kMaxHeight];
    size_t rank[kMaxHeight];
    find_predecessors(x->score, x->member, update, rank);
    for (uint32_t i = 0; i < height_; ++i) {
      ZNode::Link& prev = update[i]->links()[i];
      if (prev.forward == x) {
        prev.span += x->links()[i].span - 1;
        prev.forward = x->links()[i].forward;
      } else {
        prev.span -= 1;
      }
    }
    if (x->next() != nullptr) x->next()->backward = x->backward;
    while (height_ > 1 && head_->links()[height_ - 1].forward == nullptr) --height_;
    --length_;
    ZNode::destroy(x);
  }

  Dict<ZNode*> index_;
  uint64_t rng_;
  ZNode* head_;
  uint32_t height_ = 1;
  size_t length_ = 0;
};

// ---------------------------------------------------------------- ZSetValue

ZSetValue::ZSetValue(uint64_t seed) : seed_(seed) {}

ZSetValue::ZSetValue(const ZSetValue& other) : seed_(other.seed_), lp_(other.lp_) {
  if (other.sl_) {
    sl_ = std::make_unique<ZSkipList>(seed_);
    for (const ZNode* n = other.sl_->first(); n != nullptr; n = n->next()) {
      sl_->set(n->member, n->score);
    }
  }
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
  if (!compact) z->sl_ = std::make_unique<ZSkipList>(seed);
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
    const ZNode* n = sl_->find(member);
    if (n == nullptr) return std::nullopt;
    return n->score;
  }
  size_t off = lp_find(member);
  if (off == lp_.end()) return std::nullopt;
  return decode_score(lp_.at(lp_.next(off)));
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
  if (sl_) {
    const ZNode* n = sl_->find(member);
    if (n == nullptr) return std::nullopt;
    return sl_->rank_of(n);
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
    const ZNode* n = sl_->at(rank);
    return {std::string(n->member), n->score};
  }
  const size_t off = lp_offset_of_rank(rank);
  return {std::string(lp_.at(off)), decode_score(lp_.at(lp_.next(off)))};
}

void ZSetValue::visit(size_t first, size_t n, bool reverse, const Visitor& fn) const {
  if (n == 0) return;
  if (sl_) {
    const ZNode* x = sl_->at(first);
    for (size_t i = 0; i < n && x != nullptr; ++i) {
      fn(x->member, x->score);
      x = reverse ? x->backward : x->next();
    }
    return;
  }
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
  if (sl_) {
    std::vector<std::string> doomed;
    doomed.reserve(end - start);
    visit(start, end - start, false,
          [&](std::string_view member, double) { doomed.emplace_back(member); });
    for (const std::string& m : doomed) sl_->erase(m);
    return;
  }
  const size_t off = lp_offset_of_rank(start);
  for (size_t i = start; i < end && off != lp_.end(); ++i) {
    lp_.erase(off);
    lp_.erase(off);
  }
}

size_t ZSetValue::count_below_score(double x, bool inclusive) const {
  auto below = [&](double s) { return s < x || (inclusive && s == x); };
  if (sl_) return sl_->count_below([&](const ZNode* n) { return below(n->score); });
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
  if (sl_) return sl_->count_below([&](const ZNode* n) { return below(n->member); });
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
  auto sl = std::make_unique<ZSkipList>(seed_);
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
