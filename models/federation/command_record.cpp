#include "models/federation/command_record.h"

namespace cdnlab {

std::set<std::string> CommandRecord::TargetedServers() const {
  std::set<std::string> out;
  for (const auto& s : servers) out.insert(s.server);
  for (const auto& d : downstreams) out.insert(d.targeted_servers.begin(), d.targeted_servers.end());
  return out;
}

std::set<std::string> CommandRecord::AcknowledgedServers() const {
  std::set<std::string> out;
  for (const auto& s : servers) {
    if (s.acknowledged) out.insert(s.server);
  }
  for (const auto& d : downstreams) out.insert(d.acknowledged_servers.begin(), d.acknowledged_servers.end());
  return out;
}

}  // namespace cdnlab
