#pragma once
// tests/realnet/data/loopback_routing.yaml with the controller and its DNS moved to `host`, so
// tests that start a controller do not compete for its fixed port with each other or with the
// other tests of that scenario when ctest runs them in parallel.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

namespace cdnlab::testing {

inline std::string LoopbackRoutingScenarioOn(const std::filesystem::path& dir, const std::string& host) {
  std::ifstream in(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/loopback_routing.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string path = (dir / ("scenario-" + host + ".yaml")).string();
  std::ofstream(path) << std::regex_replace(text, std::regex("127\\.0\\.3\\.1:"), host + ":");
  return path;
}

}  // namespace cdnlab::testing
