#pragma once
// The HTML page that carries the real-user measurement tag (realnet/rum/tag.js), generated
// per page view with that view's id, the servers it tests and where its beacon goes.
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

struct RumPageCandidate {
  std::string pop;  // PoP id, echoed back in the beacon
  std::string url;  // the test object on one of the PoP's servers
};

struct RumPageConfig {
  std::string page_view_id;
  std::string beacon_url;
  std::vector<RumPageCandidate> candidates;
  std::optional<std::string> next_url;  // load this after the beacon went out (repeated views)
};

std::string RenderRumPage(const RumPageConfig& config);

}  // namespace cdnlab
