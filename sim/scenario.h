// Scenarios: a world, its nodes and clients, a fault schedule, and the
// checkers that judge the run. One seed determines everything, including
// (swarm testing) which faults are switched on and how hard.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace peregrine::sim {

struct RunOptions {
  std::string scenario = "single_node";
  uint64_t seed = 1;
  bool verbose = false;
  // A test-only server bug to switch on ("" for none); see docs/SIMULATION.md.
  std::string bug;
  // Print the engine's log (commands, replies, expiries) of the run.
  bool dump = false;
};

struct RunResult {
  bool ok = true;
  std::string failure;        // what the checker found, when !ok
  uint64_t trace_hash = 0;
  uint64_t commands = 0;      // commands the engine executed
  uint64_t steps = 0;         // scheduling decisions
  int64_t virtual_us = 0;     // virtual time the run covered
  std::string knobs;          // the fault mix and configuration the seed drew
  std::map<std::string, uint64_t> probes;
  std::map<std::string, bool> buggify_sites;
};

std::vector<std::string> scenario_names();
// Code probes a long swarm run is expected to reach (CODE_PROBE names).
std::vector<std::string> expected_probes(const std::string& scenario);
bool scenario_exists(const std::string& name);
RunResult run_scenario(const RunOptions& options);

}  // namespace peregrine::sim
