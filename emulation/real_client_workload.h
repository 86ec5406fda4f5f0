#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/seeded_random_source.h"
#include "models/net/endpoint.h"
#include "models/net/ip_address.h"
#include "models/routing/group_arrivals.h"
#include "realnet/net/network_namespace.h"

namespace cdnlab {

// One download by a real client in the testbed.
struct TestbedDownload {
  std::string group;
  double at_s = 0;          // scenario time it started
  std::string server;       // the address the DNS answered ("" when resolution failed)
  std::string pop;          // the PoP that address belongs to ("" when none)
  bool ok = false;          // the whole object arrived with HTTP 200
  double elapsed_ms = 0;    // curl's time_total: connect to last byte, as the simulation's fetcher measures
  std::string error;        // why it failed
};

// A client group as the real clients see it: its namespace and the EDNS Client Subnet its
// resolver sends in simulation (none when that resolver sends none).
struct RealClientGroup {
  std::string id;
  NetworkNamespace* ns = nullptr;
  std::optional<IpPrefix> client_subnet;
};

struct RealClientWorkloadConfig {
  Endpoint dns;                    // the controller's authoritative DNS
  std::string hostname;            // the CDN hostname
  std::uint16_t object_port = 80;  // the object servers' port on every server address
  std::string object_path = "/rum/test-object";
  std::uint64_t object_bytes = 0; // what a complete download carries
  double run_end_s = 0;            // a download still running then is unfinished, as in simulation
  std::string out_dir;             // one result file per download
};

// The scenario's download workload played by real clients in the groups' namespaces. The
// arrivals are the simulation's (GroupArrivals, same config and random stream, on the
// testbed's ns-3 real-time clock), so both runtimes start the same downloads at the same
// scenario times. At each arrival, in the group's namespace, kdig asks the controller's DNS for
// the hostname with the group's client subnet, then curl fetches the object from the answered
// address. Each download writes its own result file; Results() reads them after the run.
class RealClientWorkload {
 public:
  RealClientWorkload(std::vector<RealClientGroup> groups, RealClientWorkloadConfig config, GroupArrivalsConfig arrivals,
                     std::uint64_t seed, Clock& clock, TimerScheduler& timers);
  void Start();
  void Stop();
  std::size_t Started() const { return started_.size(); }
  // Every download started, in start order; `pop_of_server` names the PoP of each server address.
  std::vector<TestbedDownload> Results(const std::map<std::string, std::string>& pop_of_server) const;

 private:
  struct StartedDownload {
    std::string group;
    double at_s = 0;
    std::string result_file;
  };
  void Begin(GroupIndex g);

  std::vector<RealClientGroup> groups_;
  RealClientWorkloadConfig config_;
  Clock& clock_;
  SeededRandomSource random_;
  GroupArrivals arrivals_;
  std::vector<StartedDownload> started_;
};

}  // namespace cdnlab
