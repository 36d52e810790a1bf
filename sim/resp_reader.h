// Finds where one complete RESP2/RESP3 reply ends in a byte buffer. The
// simulator's clients use it to cut the stream of replies into replies.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace peregrine::sim {

// Length in bytes of the complete reply at the start of data, or 0 when the
// data does not hold a complete reply yet. Returns SIZE_MAX on bytes that are
// not RESP.
inline size_t resp_reply_length(std::string_view data, int depth = 0) {
  if (data.empty()) return 0;
  if (depth > 64) return SIZE_MAX;
  size_t eol = data.find("\r\n");
  if (eol == std::string_view::npos) return 0;
  char type = data[0];
  long long n = std::strtoll(std::string(data.substr(1, eol - 1)).c_str(), nullptr, 10);
  size_t head = eol + 2;
  switch (type) {
    case '+': case '-': case ':': case ',': case '#': case '_': case '(':
      return head;
    case '$': case '=': case '!':
      if (n < 0) return head;
      if (data.size() < head + static_cast<size_t>(n) + 2) return 0;
      return head + static_cast<size_t>(n) + 2;
    case '*': case '~': case '>': case '%': case '|': {
      if (n < 0) return head;
      long long items = (type == '%' || type == '|') ? 2 * n : n;
      size_t off = head;
      for (long long i = 0; i < items; ++i) {
        size_t len = resp_reply_length(data.substr(off), depth + 1);
        if (len == 0 || len == SIZE_MAX) return len;
        off += len;
      }
      return off;
    }
    default:
      return SIZE_MAX;
  }
}

}  // namespace peregrine::sim
