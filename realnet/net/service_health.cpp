#include "realnet/net/service_health.h"

#include <utility>

namespace cdnlab {

void ServiceHealth::AddCheck(Check check) {
  std::lock_guard<std::mutex> lock(mutex_);
  checks_.push_back(std::move(check));
}

void ServiceHealth::BeginDrain() { draining_.store(true); }

ServiceHealth::Status ServiceHealth::Current() const {
  if (draining_.load()) return {false, "draining"};
  std::vector<Check> checks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    checks = checks_;
  }
  for (const auto& check : checks) {
    std::string reason = check();
    if (!reason.empty()) return {false, std::move(reason)};
  }
  return {true, "ok"};
}

}  // namespace cdnlab
