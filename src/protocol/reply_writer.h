// ReplyWriter appends RESP2 or RESP3 replies to an output buffer. Commands
// describe the reply's shape (map, set, double, null, ...) and the writer
// renders it for the protocol the client negotiated with HELLO, exactly as
// Redis does: in RESP2 a map is a flat array, a double is a bulk string, a
// boolean is an integer, a null is $-1 (bulk) or *-1 (array).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace peregrine::protocol {

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int resp = 2) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string* buffer() { return out_; }

  void ok();                               // +OK
  void simple(std::string_view s);         // +s
  // msg is the whole error text without '-' and CRLF, e.g.
  // "ERR wrong number of arguments for 'get' command" or "WRONGTYPE ...".
  // CR/LF inside msg are replaced by spaces, as Redis does.
  void error(std::string_view msg);
  void integer(int64_t v);                 // :v
  void bulk(std::string_view s);           // $len s
  void bulk_int(int64_t v);                // bulk string of v in decimal
  void null_bulk();                        // RESP2 $-1, RESP3 _
  void null_array();                       // RESP2 *-1, RESP3 _
  void array(size_t n);                    // *n
  void map(size_t pairs);                  // RESP2 *2n, RESP3 %n
  void set(size_t n);                      // RESP2 *n, RESP3 ~n
  void push(size_t n);                     // RESP2 *n, RESP3 >n
  // Doubles as Redis 7.2+ replies them (protocol/double_format.h), or as
  // Redis before 7.2 did ("%.17g") with set_legacy_doubles(true). RESP2
  // bulk, RESP3 ','.
  void double_value(double v);
  void set_legacy_doubles(bool legacy) { legacy_doubles_ = legacy; }
  bool legacy_doubles() const { return legacy_doubles_; }
  void boolean(bool v);                    // RESP2 :1/:0, RESP3 #t/#f
  // RESP3 verbatim string (=len fmt:text); RESP2 bulk of text. fmt is "txt"
  // or "mkd".
  void verbatim(std::string_view text, std::string_view fmt = "txt");
  void big_number(std::string_view digits);  // RESP3 '(', RESP2 bulk
  // Appends pre-rendered RESP bytes unchanged.
  void raw(std::string_view bytes);

 private:
  void header(char type, int64_t n);
  std::string* out_;
  int resp_;
  bool legacy_doubles_ = false;
};

// A double as Redis 7.2+ replies it, or with legacy as Redis before 7.2.
std::string format_double(double v, bool legacy = false);

}  // namespace peregrine::protocol
