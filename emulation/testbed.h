#pragma once
#include <map>
#include <string>
#include <vector>

#include "scenarios/core/scenario.h"

namespace cdnlab {

struct TestbedOptions {
  std::string cdnlab_binary;   // the program to run inside the namespaces (usually this one)
  std::string scenario_text;   // the scenario file's text; a realnet section is appended
  std::string out_dir;         // logs, the derived scenario, controller state
  std::string policy = "measured";
};

struct TestbedGroupState {
  std::string group;
  std::string pop;                                  // "" when unmapped
  std::map<std::string, double> measured_rtt_ms;   // by PoP id
};

struct TestbedResult {
  std::vector<TestbedGroupState> groups;
  std::uint64_t reports_accepted = 0;
  std::string state_file;
};

// Runs a scenario with real processes: every PoP, client group and the DNS/controller host
// gets a network namespace whose tap is attached (FdNetDevice) behind its node in an ns-3
// real-time simulation of the scenario's links, so probes, reports and DNS are real packets
// with the scenario's delays. The `cdnlab realnet` controller, probe agents and responders
// run unchanged inside the namespaces for the scenario's duration (wall clock), agents signing
// their reports with keys from `cdnlab realnet pop-key` (in <out_dir>/keys). Namespaces,
// taps and processes are removed on every exit path. Needs root. Supports one server per PoP.
TestbedResult RunTestbed(const Scenario& scenario, const TestbedOptions& options);

}  // namespace cdnlab
