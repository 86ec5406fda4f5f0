#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

// How far a group's download time in the testbed may be from the simulation's and still agree:
// the larger of an absolute and a relative margin (download times grow with the path's RTT, and
// so does what the kernel and the emulator add per round trip).
struct DownloadTolerance {
  double absolute_ms = 0;
  double relative = 0;  // of the simulated time
  double AllowedMs(double sim_ms) const { return absolute_ms > relative * sim_ms ? absolute_ms : relative * sim_ms; }
};

// One group's completed downloads in each runtime (milliseconds, any order).
struct GroupDownloadTimes {
  std::string group;
  std::vector<double> sim_ms;
  std::vector<double> real_ms;
};

struct GroupDownloadAgreement {
  std::string group;
  std::size_t sim_downloads = 0;
  std::size_t real_downloads = 0;
  std::optional<double> sim_ms;    // median; absent without a completed download
  std::optional<double> real_ms;
  std::optional<double> error_ms;  // real - sim (positive: the testbed is slower); both needed
  bool within_tolerance = false;
};

struct DownloadAgreement {
  std::vector<GroupDownloadAgreement> groups;  // in input order
  std::size_t groups_compared = 0;             // groups with downloads in both runtimes
  double error_p50_ms = 0;                     // of |error| over compared groups (NaN when none)
  double error_max_ms = 0;
  double share_within_tolerance = 0;           // of compared groups (0 when none)
};

// Compares the median download time of each group in simulation and in the testbed.
DownloadAgreement CompareDownloadTimes(const std::vector<GroupDownloadTimes>& groups, const DownloadTolerance& tolerance);

}  // namespace cdnlab
