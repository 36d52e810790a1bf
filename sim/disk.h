// SimDisk: one simulated machine's storage. Survives process crashes.
//
// Each file has durable bytes (what survives a crash) and a page-cache view
// (what reads see). Writes go to the cache; fsync makes the cache durable.
// crash() drops the cache: each file reverts to its durable bytes, possibly
// plus a torn prefix of what was written after the last fsync. Renames and
// unlinks are durable only once the directory is fsynced (crash() reverts
// the namespace to the last directory fsync).
// Faults (per-run probabilities): failing writes (EIO), ENOSPC past a
// capacity, bit flips on read, slow fsync.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/runtime.h"
#include "sim/prng.h"

namespace peregrine::sim {

struct DiskFaults {
  double write_error_p = 0.0;
  double read_bitflip_p = 0.0;
  double torn_write_p = 0.5;      // on crash, chance a file keeps a torn prefix
  uint64_t capacity_bytes = 1ULL << 34;
};

class SimDisk final : public rt::Disk {
 public:
  explicit SimDisk(Prng prng) : prng_(prng) {}
  DiskFaults& faults() { return faults_; }

  Result<std::unique_ptr<rt::File>> open(const std::string& path, rt::OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status unlink(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status fsync_dir(const std::string& dir) override;
  Status mkdir(const std::string& dir) override;
  bool exists(const std::string& path) override;

  // The machine lost power: un-fsynced data and namespace changes are lost.
  void crash();
  uint64_t used_bytes() const;

  struct Inode {
    std::string cache;
    std::string durable;
  };
  Prng& prng() { return prng_; }

 private:
  Prng prng_;
  DiskFaults faults_;
  // The visible namespace and the one that survives a crash.
  std::map<std::string, std::shared_ptr<Inode>> names_;
  std::map<std::string, std::shared_ptr<Inode>> durable_names_;
};

}  // namespace peregrine::sim
