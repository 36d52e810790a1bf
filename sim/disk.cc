#include "sim/disk.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace peregrine::sim {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

class SimFile final : public rt::File {
 public:
  SimFile(SimDisk& disk, std::shared_ptr<SimDisk::Inode> inode, bool writable)
      : disk_(disk), inode_(std::move(inode)), writable_(writable) {}

  Result<size_t> pread(void* buf, size_t len, uint64_t offset) override {
    const std::string& data = inode_->cache;
    if (offset >= data.size()) return size_t{0};
    size_t n = std::min<uint64_t>(len, data.size() - offset);
    std::memcpy(buf, data.data() + offset, n);
    if (disk_.faults().read_bitflip_p > 0 && n > 0 &&
        disk_.prng().chance(disk_.faults().read_bitflip_p)) {
      size_t at = disk_.prng().below(n);
      static_cast<char*>(buf)[at] ^= static_cast<char>(1u << disk_.prng().below(8));
    }
    return n;
  }

  Result<size_t> pwrite(const void* buf, size_t len, uint64_t offset) override {
    if (!writable_) return Error{EBADF, "pwrite: Bad file descriptor"};
    disk_.maybe_stall();
    if (disk_.faults().write_error_p > 0 && disk_.prng().chance(disk_.faults().write_error_p))
      return Error{EIO, "pwrite: Input/output error"};
    std::string& data = inode_->cache;
    uint64_t end = offset + len;
    if (end > data.size() && disk_.used_bytes() + (end - data.size()) > disk_.faults().capacity_bytes)
      return Error{ENOSPC, "pwrite: No space left on device"};
    if (end > data.size()) data.resize(end, '\0');
    std::memcpy(data.data() + offset, buf, len);
    return len;
  }

  Status fsync() override {
    disk_.maybe_stall();
    inode_->durable = inode_->cache;
    return Status::Ok();
  }
  Result<uint64_t> size() override { return static_cast<uint64_t>(inode_->cache.size()); }
  Status truncate(uint64_t len) override {
    inode_->cache.resize(len, '\0');
    return Status::Ok();
  }

 private:
  SimDisk& disk_;
  std::shared_ptr<SimDisk::Inode> inode_;
  bool writable_;
};

}  // namespace

Result<std::unique_ptr<rt::File>> SimDisk::open(const std::string& path, rt::OpenMode mode) {
  auto it = names_.find(path);
  if (it == names_.end()) {
    if (!mode.create) return Error{ENOENT, "open " + path + ": No such file or directory"};
    it = names_.emplace(path, std::make_shared<Inode>()).first;
  } else if (mode.truncate) {
    it->second->cache.clear();
  }
  return std::unique_ptr<rt::File>(new SimFile(*this, it->second, mode.write));
}

Status SimDisk::rename(const std::string& from, const std::string& to) {
  auto it = names_.find(from);
  if (it == names_.end()) return Error{ENOENT, "rename " + from + ": No such file or directory"};
  auto inode = it->second;
  names_.erase(it);
  names_[to] = inode;
  return Status::Ok();
}

Status SimDisk::unlink(const std::string& path) {
  if (names_.erase(path) == 0) return Error{ENOENT, "unlink " + path + ": No such file or directory"};
  return Status::Ok();
}

Result<std::vector<std::string>> SimDisk::list(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& [name, _] : names_)
    if (parent_of(name) == dir) out.push_back(name.substr(name.rfind('/') + 1));
  return out;
}

Status SimDisk::fsync_dir(const std::string& dir) {
  // Make this directory's entries durable as they are now.
  for (auto it = durable_names_.begin(); it != durable_names_.end();)
    it = parent_of(it->first) == dir ? durable_names_.erase(it) : std::next(it);
  for (const auto& [name, inode] : names_)
    if (parent_of(name) == dir) durable_names_[name] = inode;
  return Status::Ok();
}

Status SimDisk::mkdir(const std::string&) { return Status::Ok(); }

bool SimDisk::exists(const std::string& path) { return names_.count(path) > 0; }

uint64_t SimDisk::used_bytes() const {
  uint64_t n = 0;
  for (const auto& [_, inode] : names_) n += inode->cache.size();
  return n;
}

void SimDisk::crash() {
  // Files created since the last directory fsync vanish; surviving files
  // keep their durable bytes, sometimes with a torn prefix of the lost
  // writes appended (the part that happened to reach the platter).
  names_ = durable_names_;
  for (auto& [name, inode] : names_) {
    std::string lost = inode->cache.size() > inode->durable.size() &&
                               inode->cache.compare(0, inode->durable.size(), inode->durable) == 0
                           ? inode->cache.substr(inode->durable.size())
                           : std::string();
    inode->cache = inode->durable;
    if (!lost.empty() && prng_.chance(faults_.torn_write_p)) {
      inode->cache += lost.substr(0, prng_.below(lost.size() + 1));
      inode->durable = inode->cache;
    }
  }
}

}  // namespace peregrine::sim
