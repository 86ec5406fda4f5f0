#pragma once
// A real-user measurement (RUM) beacon: what the monitoring tool embedded in a downloaded page
// measured when it fetched the test object from each candidate server, as the collector
// receives it. Both runtimes produce these (sim/ clients, realnet/ JavaScript tag).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/net/ipv4.h"

namespace cdnlab {

// One candidate the page tested.
struct BeaconTiming {
  std::string pop;                 // PoP id, as the page was told it (on the wire: [A-Za-z0-9._-], see beacon_codec)
  bool ok = false;                 // the test object arrived completely
  std::optional<double> rtt_ms;    // request sent -> first byte (Resource Timing responseStart - requestStart)
  std::optional<double> duration_ms;  // fetch start -> last byte (Resource Timing duration)
  std::uint64_t bytes = 0;            // bytes of the test object received
};

struct Beacon {
  std::string page_view_id;        // unique per page view: the replay key (a random token; [A-Za-z0-9._-] on the wire)
  Ipv4Address client;              // the sender's address as the collector saw it (never from the body)
  double page_time_s = 0;          // the page's own clock when it sent the beacon (seconds since the epoch it uses)
  std::vector<BeaconTiming> timings;
};

}  // namespace cdnlab
