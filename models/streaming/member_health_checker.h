#pragma once
// Active health checks of pool members over datagrams: every `interval` each member gets a
// probe; a member that misses `unhealthy_after` probes in a row is reported unhealthy, and
// healthy again after `healthy_after` answered probes in a row. A member answers with a
// HealthResponder on the same port. Changes are reported through a callback.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

struct HealthCheckConfig {
  Duration interval = FromMillis(500);
  Duration timeout = FromMillis(400);
  int unhealthy_after = 3;
  int healthy_after = 2;
};

class MemberHealthChecker {
 public:
  using Change = std::function<void(const std::string& member, bool healthy)>;

  MemberHealthChecker(Endpoint local, HealthCheckConfig config, DatagramTransport& transport, TimerScheduler& timers,
                      const Clock& clock, Change on_change);
  ~MemberHealthChecker();

  // A member starts as healthy (it was just added by an operator) and is probed from now on.
  void AddMember(const std::string& member, Endpoint health_endpoint);
  void RemoveMember(const std::string& member);
  void Start();
  void Stop();
  bool Healthy(const std::string& member) const;

 private:
  struct Member {
    Endpoint endpoint;
    bool healthy = true;
    int misses = 0;
    int successes = 0;
    std::uint64_t outstanding = 0;  // nonce of the probe in flight (0 = none)
    TimerId timeout_timer = 0;      // fires `timeout` after the probe was sent
  };
  void Round();
  void OnReply(const Endpoint& from, const Bytes& payload);
  void Record(const std::string& name, Member& m, bool answered);

  Endpoint local_;
  HealthCheckConfig config_;
  DatagramTransport& transport_;
  TimerScheduler& timers_;
  const Clock& clock_;
  Change on_change_;
  std::map<std::string, Member> members_;
  std::uint64_t next_nonce_ = 1;
  bool running_ = false;
  TimerId round_timer_ = 0;
};

// Answers health probes on `local` (an ingest runs one). Stop() makes it silent, which is what
// a failed server looks like to the checker.
class HealthResponder {
 public:
  HealthResponder(Endpoint local, DatagramTransport& transport);
  ~HealthResponder();
  void Start();
  void Stop();

 private:
  Endpoint local_;
  DatagramTransport& transport_;
  bool running_ = false;
};

}  // namespace cdnlab
