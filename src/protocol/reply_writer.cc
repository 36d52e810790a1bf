#include "protocol/reply_writer.h"

#include <charconv>
#include <cstring>

#include "protocol/double_format.h"

namespace peregrine::protocol {
namespace {

// Room for a type byte, the longest int64_t (20 characters) and CRLF.
constexpr size_t kHeaderMax = 1 + 20 + 2;
// Payloads up to this size are rendered with their header in one stack
// buffer and appended once.
constexpr size_t kSmallPayload = 128;

inline char* put_header(char* p, char type, int64_t n) {
  *p++ = type;
  p = std::to_chars(p, p + 20, n).ptr;
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

// Renders v the way the writer's mode asks; returns the length.
size_t put_double(char* buf, double v, bool legacy) {
  return legacy ? render_double_legacy(buf, v) : render_double(buf, v);
}

inline bool has_crlf(std::string_view s) {
  return std::memchr(s.data(), '\r', s.size()) != nullptr ||
         std::memchr(s.data(), '\n', s.size()) != nullptr;
}

// Appends type, s and CRLF, with CR and LF inside s turned into spaces so
// the line cannot break the protocol.
void append_line(std::string* out, char type, std::string_view s) {
  const size_t at = out->size();
  out->push_back(type);
  out->append(s);
  if (has_crlf(s)) {
    for (size_t i = at + 1; i < out->size(); ++i) {
      char& c = (*out)[i];
      if (c == '\r' || c == '\n') c = ' ';
    }
  }
  out->append("\r\n", 2);
}

}  // namespace

std::string format_double(double v, bool legacy) {
  char buf[kDoubleTextMax];
  return std::string(buf, put_double(buf, v, legacy));
}

void ReplyWriter::header(char type, int64_t n) {
  char buf[kHeaderMax];
  out_->append(buf, static_cast<size_t>(put_header(buf, type, n) - buf));
}

void ReplyWriter::ok() { out_->append("+OK\r\n", 5); }

void ReplyWriter::simple(std::string_view s) { append_line(out_, '+', s); }

void ReplyWriter::error(std::string_view msg) {
  // As Redis formats an error: CR and LF at either end are dropped, the
  // ones inside become spaces (append_line), so an argument quoted in a
  // message cannot end the reply early.
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  append_line(out_, '-', msg);
}

void ReplyWriter::integer(int64_t v) { header(':', v); }

void ReplyWriter::bulk(std::string_view s) {
  if (s.size() <= kSmallPayload) {
    char buf[kHeaderMax + kSmallPayload + 2];
    char* p = put_header(buf, '$', static_cast<int64_t>(s.size()));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '\r';
    *p++ = '\n';
    out_->append(buf, static_cast<size_t>(p - buf));
    return;
  }
  char buf[kHeaderMax];
  const size_t hlen = static_cast<size_t>(put_header(buf, '$', static_cast<int64_t>(s.size())) - buf);
  out_->append(buf, hlen);
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::bulk_int(int64_t v) {
  char digits[20];
  const size_t n = static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, v).ptr - digits);
  char buf[kHeaderMax + sizeof digits + 2];
  char* p = put_header(buf, '$', static_cast<int64_t>(n));
  std::memcpy(p, digits, n);
  p += n;
  *p++ = '\r';
  *p++ = '\n';
  out_->append(buf, static_cast<size_t>(p - buf));
}

void ReplyWriter::null_bulk() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::null_array() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::array(size_t n) { header('*', static_cast<int64_t>(n)); }

void ReplyWriter::map(size_t pairs) {
  if (resp_ >= 3) {
    header('%', static_cast<int64_t>(pairs));
  } else {
    header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::set(size_t n) { header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }

void ReplyWriter::push(size_t n) { header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

void ReplyWriter::double_value(double v) {
  char num[kDoubleTextMax];
  const size_t n = put_double(num, v, legacy_doubles_);
  if (resp_ < 3) {
    bulk(std::string_view(num, n));
    return;
  }
  char buf[1 + kDoubleTextMax + 2];
  buf[0] = ',';
  std::memcpy(buf + 1, num, n);
  buf[n + 1] = '\r';
  buf[n + 2] = '\n';
  out_->append(buf, n + 3);
}

void ReplyWriter::boolean(bool v) {
  if (resp_ >= 3) {
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::verbatim(std::string_view text, std::string_view fmt) {
  if (resp_ < 3) {
    bulk(text);
    return;
  }
  // The format tag is always three bytes: shorter tags are padded with
  // spaces, longer ones cut.
  char buf[kHeaderMax + 4];
  char* p = put_header(buf, '=', static_cast<int64_t>(text.size() + 4));
  for (size_t i = 0; i < 3; ++i) *p++ = i < fmt.size() ? fmt[i] : ' ';
  *p++ = ':';
  out_->append(buf, static_cast<size_t>(p - buf));
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::big_number(std::string_view digits) {
  if (resp_ < 3) {
    bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

void ReplyWriter::raw(std::string_view bytes) { out_->append(bytes); }

}  // namespace peregrine::protocol
