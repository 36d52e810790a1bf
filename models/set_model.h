// Executable reference model of the set commands, with the exact RESP2
// reply bytes a client would see.
//
// Like every model it is independent of the server: nothing from src/ is
// included, and the helpers it needs (integer parsing, glob matching, reply
// encoding) come from models/common.h. The keyspace is one std::map from key to
// either a string or a std::set of members; there is no key expiry, no
// database selection and no encoding (OBJECT ENCODING is not modelled).
//
// Commands (Redis 7.0 arity checks and error texts):
//   SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SINTER SINTERCARD
//   SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN, and DEL EXISTS
//   TYPE, plus SET key value (the plain three-argument form only, to have
//   keys of another type for WRONGTYPE checks); SUNIONCARD SDIFFCARD
//   (Redis 8.10).
//
// Member expiry (Redis 8.12): SADDEX SEXPIRE SPEXPIRE SEXPIREAT SPEXPIREAT
// STTL SPTTL SEXPIRETIME SPEXPIRETIME SPERSIST. Time comes with each command
// (apply's now_ms; the one-argument form reuses the last time given). A
// member whose deadline is <= now is expired: a set command removes the
// expired members of each set key it looks up before using it (and drops a
// key left empty), so they are never seen; DEL, EXISTS and TYPE do not look
// inside. Deadlines live in a side map per key; after every command the
// entries of members that are gone are dropped, so a member that leaves a
// set (and comes back) has no TTL, except where a command carries one:
// SMOVE moves the member's TTL (or none) into the destination, and the
// *STORE commands give each member the nearest deadline it has in the
// inputs holding it (SDIFFSTORE: its deadline in the first set).
// SPOP and SRANDMEMBER are random and not modelled.
//
// Replies whose order a server leaves unspecified (SMEMBERS, SINTER, SUNION,
// SDIFF and the member list of SSCAN) list members in ascending byte order;
// a checker sorts the engine's members before comparing. SSCAN is modelled
// as a walk that completes in one call: it replies cursor 0 and every
// matching member, which a server does when COUNT covers the whole set
// (checkers send COUNT 1000 for small sets).
#ifndef PEREGRINE_MODELS_SET_MODEL_H_
#define PEREGRINE_MODELS_SET_MODEL_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace peregrine::models {

class SetModel {
 public:
  // Applies one command (argv[0] is the name, any case) and returns the
  // RESP2 reply bytes. Unknown commands get Redis's unknown-command error.
  std::string apply(const std::vector<std::string>& argv);
  std::string apply(const std::vector<std::string>& argv, int64_t now_ms);

  // True when the model implements this command (lower-case name).
  static bool supports(std::string_view lower_name);

  // Commands whose array replies list members in an unspecified order (the
  // model sorts them): smembers sinter sunion sdiff sscan.
  static bool unordered_reply(std::string_view lower_name);

 private:
  using Members = std::set<std::string>;
  using Stored = std::variant<std::string, Members>;

  using Deadlines = std::map<std::string, int64_t>;  // member -> Unix ms

  // The command's body; apply() then drops deadlines of departed members.
  std::string run(const std::vector<std::string>& argv);
  // Removes the expired members of the set at key; drops the key when
  // none are left.
  void expire_members(const std::string& key);
  // The deadline of member of key, or -1.
  int64_t deadline(const std::string& key, const std::string& member) const;

  std::map<std::string, Stored> keys_;
  std::map<std::string, Deadlines> deadlines_;
  int64_t now_ = 0;
};

}  // namespace peregrine::models

#endif  // PEREGRINE_MODELS_SET_MODEL_H_
