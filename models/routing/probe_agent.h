#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/routing_catalog.h"

namespace cdnlab {

struct ProbeTrainSpec {
  GroupIndex group = 0;
  Endpoint target;                 // the group's representative host and responder port
  int packets = 5;
  Duration spacing = std::chrono::milliseconds(20);
  Duration timeout = std::chrono::seconds(1);  // after the last send, unanswered probes count as lost
  std::size_t packet_bytes = 64;
};

struct ProbeOutcome {
  PopIndex pop = 0;
  GroupIndex group = 0;
  SimTime finished_at{0};
  std::optional<double> rtt_ms;  // median RTT of the answered probes; absent when all were lost
  double loss = 0;               // lost / sent
  int sent = 0;
  int received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

// Runs on one PoP server: sends probe trains from its own address and turns the echoes
// into one ProbeOutcome per train. Several trains may be in flight at once.
class ProbeAgent {
 public:
  using Done = std::function<void(const ProbeOutcome&)>;

  ProbeAgent(PopIndex pop, Endpoint local, DatagramTransport& transport, Clock& clock, TimerScheduler& timers);
  ~ProbeAgent();
  void Start();  // binds the local endpoint
  void Stop();   // unbinds; trains in flight are abandoned without calling Done
  void RunTrain(const ProbeTrainSpec& spec, Done done);

  PopIndex Pop() const { return pop_; }
  const Endpoint& Local() const { return local_; }
  std::size_t TrainsInFlight() const { return trains_.size(); }

 private:
  struct Train;
  void SendNext(std::uint64_t train_id);
  void OnDatagram(const Endpoint& from, const Bytes& payload);
  void Finish(std::uint64_t train_id);

  PopIndex pop_;
  Endpoint local_;
  DatagramTransport& transport_;
  Clock& clock_;
  TimerScheduler& timers_;
  bool bound_ = false;
  std::uint64_t next_train_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Train>> trains_;
};

}  // namespace cdnlab
