// Executable reference model of the sorted-set commands, with the exact
// RESP2 reply bytes a client would see.
//
// Independent of the server on purpose: nothing from src/ is included;
// number parsing and reply encoding come from models/common.h, and score
// formatting is written here. Plain, obviously-correct code: each key's set
// is a std::map from member to score, and every ordered operation sorts a
// copy.
//
// Covered: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZSCORE ZMSCORE
// ZRANK ZREVRANK (WITHSCORE) ZCOUNT ZLEXCOUNT ZRANGE (BYSCORE BYLEX REV
// LIMIT WITHSCORES) ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE
// ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ZPOPMIN ZPOPMAX ZMPOP ZMOVE (MIN MAX BYSCORE COUNT) ZMOVEMEMBER (NX XX)
// ZUNION ZINTER (AGGREGATE SUM MIN MAX COUNT) ZDIFF ZUNIONSTORE ZINTERSTORE
// ZDIFFSTORE ZINTERCARD, plus DEL EXISTS TYPE, SET key value (a string key,
// for WRONGTYPE checks) and OBJECT ENCODING. Not covered: the random and
// blocking commands, ZSCAN, CONFIG (the listpack limits are the defaults,
// 128 entries and 64 bytes).
//
// The encoding is tracked because it shows: a listpack-encoded set keeps
// no negative zero (it stores scores as text), a skiplist one does. Lex
// intervals assume, as the commands document, that the set's scores are all
// equal; on mixed scores their result is unspecified.
#ifndef PEREGRINE_MODELS_ZSET_MODEL_H_
#define PEREGRINE_MODELS_ZSET_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace peregrine::models {

class ZSetModel {
 public:
  // Applies one command (argv[0] is the name, any case). Returns the RESP2
  // reply bytes; an empty argv returns "".
  std::string apply(const std::vector<std::string>& argv);
  // Whether every member of the sorted set at key has the same score (true
  // for a missing key or another type): lex ranges are specified only then.
  bool scores_equal(const std::string& key) const;

  // True when the model implements this command (lower-case name).
  static bool supports(std::string_view lower_name);

 private:
  using Argv = std::vector<std::string>;
  using Members = std::map<std::string, double>;
  using Item = std::pair<std::string, double>;

  struct ZEntry {
    Members members;
    bool skiplist = false;  // encoding; listpack while false
  };

  // Kinds of keys the model knows.
  bool is_zset(const std::string& key) const { return zsets_.count(key) != 0; }
  bool is_string(const std::string& key) const { return strings_.count(key) != 0; }
  bool exists(const std::string& key) const { return is_zset(key) || is_string(key); }
  void remove(const std::string& key);

  // Sets (member, score) in the entry, applying the encoding rules.
  static void put(ZEntry& e, const std::string& member, double score);
  // Replaces dst by sorted items (or deletes it when there are none).
  void store(const std::string& dst, const std::vector<Item>& items);
  static std::vector<Item> sorted(const Members& m);

  std::string zadd_generic(const Argv& a, size_t first, bool nx, bool xx, bool gt, bool lt,
                           bool ch, bool incr);
  std::string zrange_generic(const Argv& a, size_t src, bool store_mode, int kind, int dir);
  std::string zsetop(const Argv& a, bool store_mode, size_t numkeys_idx, int op, bool card);
  std::string pop(const std::string& key, bool max, int64_t count, int shape);
  std::string move(const Argv& a, bool named);

  std::map<std::string, ZEntry> zsets_;
  std::map<std::string, std::string> strings_;
};

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_ZSET_MODEL_H_
