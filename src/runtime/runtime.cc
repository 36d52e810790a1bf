#include "runtime/runtime.h"

#include <cstring>

namespace peregrine::rt {

void Random::fill(void* out, size_t len) {
  auto* p = static_cast<unsigned char*>(out);
  while (len > 0) {
    uint64_t v = next_u64();
    size_t n = len < sizeof(v) ? len : sizeof(v);
    std::memcpy(p, &v, n);
    p += n;
    len -= n;
  }
}

Result<std::string> Disk::read_file(const std::string& path) {
  auto file = open(path, OpenMode{});
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  std::string data(*size, '\0');
  uint64_t off = 0;
  while (off < data.size()) {
    auto n = (*file)->pread(data.data() + off, data.size() - off, off);
    if (!n) return n.error();
    if (*n == 0) break;
    off += *n;
  }
  data.resize(off);
  return data;
}

Status Disk::write_file_atomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    auto file = open(tmp, OpenMode{.write = true, .create = true, .truncate = true});
    if (!file) return file.error();
    uint64_t off = 0;
    while (off < data.size()) {
      auto n = (*file)->pwrite(data.data() + off, data.size() - off, off);
      if (!n) return n.error();
      off += *n;
    }
    if (Status s = (*file)->fsync(); !s) return s;
  }
  if (Status s = rename(tmp, path); !s) return s;
  auto slash = path.rfind('/');
  return fsync_dir(slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash));
}

}  // namespace peregrine::rt
