#pragma once
// Whether a service should get traffic, as its /healthz tells load balancers and operators:
// healthy unless draining (SIGTERM: finishing what it holds, taking nothing new) or one of its
// readiness checks names a reason (a DNS follower without a mapping yet).
// Thread-safe: BeginDrain may be called from any thread (a signal handler's strand, a test).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace cdnlab {

class ServiceHealth {
 public:
  // Returns "" while ready, else why not ("no mapping yet"). Runs at every health check, on the
  // thread that asks (in realnet the service's io_context thread), so it may read service state.
  using Check = std::function<std::string()>;

  struct Status {
    bool ok = true;
    std::string reason;  // "ok", "draining", or the failing check's reason
  };

  void AddCheck(Check check);
  // From now on unhealthy with reason "draining" (cannot be undone: a draining process exits).
  void BeginDrain();
  bool Draining() const { return draining_.load(); }
  // Draining first, then each check in the order added.
  Status Current() const;

 private:
  std::atomic<bool> draining_{false};
  mutable std::mutex mutex_;
  std::vector<Check> checks_;
};

}  // namespace cdnlab
