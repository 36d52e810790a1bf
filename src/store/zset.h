// ZSetValue: the payload of a sorted-set key, distinct byte-string members
// each with a double score, ordered by score and then by member (bytewise,
// a shorter prefix first). Two encodings, as OBJECT ENCODING reports them:
//
//   "listpack"   few, short members (zset-max-listpack-entries,
//                zset-max-listpack-value): one PackedList holding
//                member, score, member, score, ... in sorted order, each
//                score as its 8 raw bytes. Every operation is a linear scan.
//
//   "skiplist"   anything else (Redis's name for its large-set encoding,
//                kept because it names behaviour users see): a ZTree
//                (store/zset_tree.h). Each member is one small allocation
//                holding its score and bytes; an order-statistic B+ tree of
//                (score, element) pairs with subtree sizes in its inner
//                nodes gives ranks and the element at a rank in O(log n);
//                an open-addressing member index gives O(1) ZSCORE.
//
//                  index: member -> elem         tree:  [sizes | keys]
//                  [fp|d][fp|d][ 0 ][fp|d]...           /     |      \  (children)
//                     |     |          |        [(s,e)...]<->[...]<->[...]
//                     v     v          v             |
//                   elem  elem       elem  <---------+   (score, len, bytes)
//
// A set only moves from listpack to skiplist (when a new member would pass
// a limit); removals never convert back. Results built whole (ZUNIONSTORE,
// ZRANGESTORE, ...) pick their encoding from their final size with
// from_sorted().
//
// Everything is addressed by 0-based ascending rank: score and lex intervals
// are turned into rank intervals by counting the elements below each end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/packed_list.h"
#include "store/value.h"

namespace peregrine::store {

// Limits of the listpack encoding (zset-max-listpack-entries / -value).
// max_entries == 0 means sets never use the listpack encoding.
struct ZSetLimits {
  size_t max_entries = 128;
  size_t max_value = 64;
};

// One end of a lexicographic interval: "-" (below everything), "+" (above
// everything), or a member text.
struct LexBound {
  enum class Kind : uint8_t { kMinusInf, kPlusInf, kValue };
  Kind kind = Kind::kValue;
  std::string value;
};

class ZTree;  // the skiplist encoding (store/zset_tree.h)

class ZSetValue final : public Collection {
 public:
  using Visitor = std::function<void(std::string_view member, double score)>;

  // An empty set in the listpack encoding. seed seeds the member index's
  // hash if the set ever converts.
  explicit ZSetValue(uint64_t seed);
  ZSetValue(const ZSetValue& other);
  ZSetValue& operator=(const ZSetValue&) = delete;
  ~ZSetValue() override;

  // A set holding items, which must be sorted (score, then member) and
  // distinct: listpack when there are at most max_entries of them and no
  // member is longer than max_value bytes, else skiplist.
  static std::unique_ptr<ZSetValue> from_sorted(
      const std::vector<std::pair<std::string, double>>& items, const ZSetLimits& limits,
      uint64_t seed);

  std::unique_ptr<Collection> clone() const override;
  size_t size() const override;
  size_t memory_usage() const override;
  size_t free_effort() const override { return encoding() == Encoding::kSkiplist ? size() : 1; }
  bool empty() const { return size() == 0; }
  Encoding encoding() const;

  // -------------------------------------------------------------- members
  std::optional<double> score(std::string_view member) const;
  // 0-based rank in ascending order, or nullopt when absent.
  std::optional<size_t> rank(std::string_view member) const;
  // Adds member with score, or moves an existing member to score. A new
  // member that would take the listpack past a limit converts the set to
  // skiplist first. score must not be NaN. Returns whether member is new.
  bool set(std::string_view member, double score, const ZSetLimits& limits);
  // Returns whether member was present.
  bool erase(std::string_view member);

  // -------------------------------------------------------------- ranks
  // The element at rank (< size()).
  std::pair<std::string, double> at(size_t rank) const;
  // Calls fn for n elements starting at rank `first`: first, first+1, ...
  // or, when reverse, first, first-1, ... The range must lie within the
  // set. fn must not modify the set.
  void visit(size_t first, size_t n, bool reverse, const Visitor& fn) const;
  void for_each(const Visitor& fn) const { visit(0, size(), false, fn); }
  // Removes the elements of ranks [start, end).
  void erase_ranks(size_t start, size_t end);

  // Number of elements with a score below x (inclusive: at or below x).
  size_t count_below_score(double x, bool inclusive) const;
  // Number of elements whose member sorts before b (inclusive: before or
  // equal). Meaningful when all scores are equal, as for ZRANGEBYLEX.
  size_t count_below_lex(const LexBound& b, bool inclusive) const;

  // -------------------------------------------------------------- scan
  // One ZSCAN step: calls fn for some elements and returns the next cursor
  // (0 when done). The listpack hands out everything at once and returns
  // 0; the skiplist keeps Dict::scan's guarantee (see zset_tree.h).
  uint64_t scan(uint64_t cursor, const Visitor& fn);

  void convert_to_skiplist();
  bool is_listpack() const { return sl_ == nullptr; }

 private:
  // Listpack helpers: offsets of member entries; the score follows.
  static double decode_score(std::string_view bytes);
  static std::string encode_score(double score);
  size_t lp_find(std::string_view member) const;
  void lp_insert(std::string_view member, double score);
  // Offset of the member entry of the element at rank.
  size_t lp_offset_of_rank(size_t rank) const;

  uint64_t seed_;
  PackedList lp_;                  // the listpack encoding (empty otherwise)
  std::unique_ptr<ZTree> sl_;      // the skiplist encoding when non-null
};

// Whether (s1, m1) sorts before (s2, m2): by score, then by member bytes.
inline bool zset_less(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}

}  // namespace peregrine::store
