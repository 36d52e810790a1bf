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
#include <functional>
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
  double slow_p = 0.0;            // chance a write or fsync stalls
  int64_t slow_us = 20000;        // for up to this long
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

  // How a slow operation waits: suspends the calling fiber (set by the
  // process using the disk; without it operations never stall).
  void set_sleeper(std::function<void(int64_t us)> sleeper) { sleeper_ = std::move(sleeper); }
  void maybe_stall() {
    if (sleeper_ && faults_.slow_p > 0 && prng_.chance(faults_.slow_p))
      sleeper_(1 + static_cast<int64_t>(prng_.below(static_cast<uint64_t>(faults_.slow_us))));
  }

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
  std::function<void(int64_t)> sleeper_;
  // The visible namespace and the one that survives a crash.
  std::map<std::string, std::shared_ptr<Inode>> names_;
  std::map<std::string, std::shared_ptr<Inode>> durable_names_;
};

}  // namespace peregrine::sim
