// Executable reference model of the list commands, with the exact RESP2
// reply bytes a client would see.
//
// Like every model here it is independent of the server: it includes nothing
// from src/, and its parsing and reply encoding come from models/common.h. Each list is a
// std::deque in a std::map; encodings, node limits and blocking do not
// exist for it. Plain string keys (SET/GET) are modelled too, only so that
// WRONGTYPE replies can be checked.
//
// Implemented, with Redis 7.0 arity checks, argument errors and reply
// shapes: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (count) LLEN LRANGE LINDEX LSET
// LINSERT LREM LTRIM LPOS (RANK COUNT MAXLEN) LMOVE RPOPLPUSH LMPOP (COUNT),
// and DEL EXISTS TYPE SET GET RENAME RENAMENX COPY for keys. Other names get the unknown-command
// error. No expiry, one database.
#ifndef PEREGRINE_MODELS_LIST_MODEL_H_
#define PEREGRINE_MODELS_LIST_MODEL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::models {

class ListModel {
 public:
  // Applies one command (argv[0] is the name, any case) and returns the
  // RESP2 reply bytes. An empty argv returns an empty string.
  std::string apply(const std::vector<std::string>& argv);

  // True when the model implements this command (lower-case name).
  static bool supports(std::string_view lower_name);

  // The list under key (empty when there is none), for tests.
  std::vector<std::string> list(const std::string& key) const;

 private:
  using Argv = std::vector<std::string>;
  using List = std::deque<std::string>;

  // The list under key, or null (also when key holds a string).
  List* find_list(const std::string& key);
  bool is_string(const std::string& key) const { return strings_.count(key) > 0; }
  // Deletes key when its list is empty.
  void drop_if_empty(const std::string& key);

  std::string push(const Argv& a, bool left, bool only_existing);
  std::string pop(const Argv& a, bool left);
  std::string move(const std::string& src, const std::string& dst, bool from_left, bool to_left);

  std::string lrange(const Argv& a);
  std::string lindex(const Argv& a);
  std::string lset(const Argv& a);
  std::string linsert(const Argv& a);
  std::string lrem(const Argv& a);
  std::string ltrim(const Argv& a);
  std::string lpos(const Argv& a);
  std::string lmove(const Argv& a);
  std::string lmovem(const Argv& a);
  std::string lmpop(const Argv& a);

  std::map<std::string, List> lists_;
  std::map<std::string, std::string> strings_;
};

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_LIST_MODEL_H_
