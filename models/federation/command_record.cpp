#include "models/federation/command_record.h"

#include <map>
#include <utility>

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

std::vector<ServerStatistics> CommandRecord::Statistics() const {
  std::map<std::pair<std::string, std::string>, ServerStatistics> by_key;  // first report wins
  const auto add = [&](const std::vector<ServerStatistics>& items) {
    for (const auto& s : items) by_key.emplace(std::make_pair(s.server, s.configuration), s);
  };
  for (const auto& s : servers) {
    if (s.acknowledged) add(s.statistics);
  }
  for (const auto& d : downstreams) add(d.statistics);
  std::vector<ServerStatistics> out;
  out.reserve(by_key.size());
  for (auto& [key, s] : by_key) out.push_back(std::move(s));
  return out;
}

}  // namespace cdnlab
