#pragma once
#include <map>
#include <string>
#include <vector>

#include "emulation/real_client_workload.h"
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
  std::map<std::string, std::vector<std::string>> pop_servers;  // PoP id -> its server addresses, in answer order
  std::vector<TestbedDownload> downloads;                       // every download started, in start order
};

// Runs a scenario with real processes: every PoP, client group and the DNS/controller host
// gets a network namespace whose taps are attached (FdNetDevice) in an ns-3 real-time
// simulation of the scenario's links, so probes, reports, DNS and downloads are real packets
// with the scenario's delays. A client group's tap hangs off its node; a PoP's namespace has
// one tap and address per server, each behind that server's simulated host (as the
// simulation's servers hang off the PoP node), and sends each address's traffic out of its
// own tap. The `cdnlab realnet` controller, probe agents (one per PoP, probing from every
// server address) and responders run unchanged inside the namespaces for the scenario's
// duration (wall clock), agents signing their reports with keys from `cdnlab realnet pop-key`
// (in <out_dir>/keys); every server address runs a `rum-object-server` with the workload's
// object, and real clients (RealClientWorkload: kdig and curl) download it at the
// simulation's arrival times from the server the DNS answers their subnet with. Namespaces,
// taps and processes are removed on every exit path. Needs root, and kdig and curl on PATH
// when the scenario has downloads.
TestbedResult RunTestbed(const Scenario& scenario, const TestbedOptions& options);

}  // namespace cdnlab
