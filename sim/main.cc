// peregrine-sim: runs simulated scenarios.
//
//   peregrine-sim --list
//   peregrine-sim --scenario NAME --seed S [--verbose] [--bug NAME]
//   peregrine-sim --scenario NAME --seeds N [--first-seed S] [--check-determinism]
//                 [--probes] [--require-probes]
//
// Every failure prints the one line that replays it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "sim/scenario.h"

using peregrine::sim::RunOptions;
using peregrine::sim::RunResult;

namespace {

void print_result(const RunOptions& o, const RunResult& r, bool verbose) {
  if (verbose || !r.ok) {
    std::printf("seed %llu: %s  commands=%llu steps=%llu virtual=%.3fs trace=%016llx\n  knobs: %s\n",
                static_cast<unsigned long long>(o.seed), r.ok ? "ok" : "FAILED",
                static_cast<unsigned long long>(r.commands),
                static_cast<unsigned long long>(r.steps), r.virtual_us / 1e6,
                static_cast<unsigned long long>(r.trace_hash), r.knobs.c_str());
  }
  if (!r.ok) {
    std::printf("  failure: %s\n  replay: peregrine-sim --scenario %s --seed %llu%s%s\n",
                r.failure.c_str(), o.scenario.c_str(), static_cast<unsigned long long>(o.seed),
                o.bug.empty() ? "" : " --bug ", o.bug.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions opt;
  uint64_t seeds = 0;
  uint64_t first_seed = 0;
  bool first_seed_given = false;
  bool check_determinism = false;
  bool expect_failure = false;
  bool show_probes = false;
  bool require_probes = false;
  std::map<std::string, uint64_t> probes;
  std::map<std::string, uint64_t> buggify_enabled;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--list") {
      for (const auto& n : peregrine::sim::scenario_names()) std::printf("%s\n", n.c_str());
      return 0;
    } else if (a == "--scenario") {
      opt.scenario = value();
    } else if (a == "--seed") {
      opt.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--seeds") {
      seeds = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--first-seed") {
      first_seed = std::strtoull(value().c_str(), nullptr, 10);
      first_seed_given = true;
    } else if (a == "--verbose" || a == "-v") {
      opt.verbose = true;
    } else if (a == "--bug") {
      opt.bug = value();
    } else if (a == "--probes") {
      show_probes = true;
    } else if (a == "--require-probes") {
      show_probes = require_probes = true;
    } else if (a == "--dump") {
      opt.dump = true;
    } else if (a == "--check-determinism") {
      check_determinism = true;
    } else if (a == "--expect-failure") {
      // For the checker's own test: succeed only if some seed fails.
      expect_failure = true;
    } else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of sim/main.cc)\n",
                   a.c_str());
      return 2;
    }
  }
  if (!peregrine::sim::scenario_exists(opt.scenario)) {
    std::fprintf(stderr, "no scenario named %s (try --list)\n", opt.scenario.c_str());
    return 2;
  }
  if (seeds == 0) {
    seeds = 1;
    first_seed = opt.seed;
  } else if (!first_seed_given) {
    // A fresh batch: the first seed comes from the real clock, printed so the
    // batch can be rerun. (peregrine-sim is a tool, not server code.)
    auto wall = std::chrono::system_clock::now();  // seam-exempt: picks a fresh batch's first seed
    first_seed = static_cast<uint64_t>(wall.time_since_epoch().count()) % 1000000000;
    std::printf("seeds %llu..%llu\n", static_cast<unsigned long long>(first_seed),
                static_cast<unsigned long long>(first_seed + seeds - 1));
  }
  uint64_t failures = 0, commands = 0;
  auto t0 = std::chrono::steady_clock::now();  // seam-exempt: reports the simulator's own speed
  for (uint64_t s = first_seed; s < first_seed + seeds; ++s) {
    opt.seed = s;
    RunResult r = peregrine::sim::run_scenario(opt);
    commands += r.commands;
    for (const auto& [name, n] : r.probes) probes[name] += n;
    for (const auto& [site, on] : r.buggify_sites) buggify_enabled[site] += on ? 1 : 0;
    if (check_determinism) {
      RunResult again = peregrine::sim::run_scenario(opt);
      if (again.trace_hash != r.trace_hash || again.commands != r.commands) {
        r.ok = false;
        r.failure = "nondeterminism: trace " + std::to_string(r.trace_hash) + " then " +
                    std::to_string(again.trace_hash);
      }
    }
    print_result(opt, r, opt.verbose);
    if (!r.ok) {
      ++failures;
      if (expect_failure) break;
    }
  }
  auto t1 = std::chrono::steady_clock::now();  // seam-exempt: reports the simulator's own speed
  double secs = std::chrono::duration<double>(t1 - t0).count();
  std::printf("%s: %llu seeds, %llu failed, %llu commands in %.2fs wall (%.0f commands/s)\n",
              opt.scenario.c_str(), static_cast<unsigned long long>(seeds),
              static_cast<unsigned long long>(failures), static_cast<unsigned long long>(commands),
              secs, secs > 0 ? commands / secs : 0.0);
  uint64_t missed = 0;
  if (show_probes) {
    for (const auto& [name, n] : probes) std::printf("  probe %-50s hit %llu times\n", name.c_str(),
                                                     static_cast<unsigned long long>(n));
    for (const auto& [site, n] : buggify_enabled)
      std::printf("  buggify %-48s enabled in %llu runs\n", site.c_str(),
                  static_cast<unsigned long long>(n));
    for (const auto& name : peregrine::sim::expected_probes(opt.scenario)) {
      if (probes.count(name)) continue;
      std::printf("  probe never hit: %s\n", name.c_str());
      ++missed;
    }
  }
  if (expect_failure) return failures > 0 ? 0 : 1;
  if (require_probes && missed > 0) return 1;
  return failures == 0 ? 0 : 1;
}
