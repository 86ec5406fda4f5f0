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
#include "models/routing/probe_train.h"
#include "models/routing/routing_catalog.h"

namespace cdnlab {

// Runs on one PoP server: sends UDP probe trains from its own address and turns the echoes
// into one ProbeOutcome per train. Several trains may be in flight at once.
class ProbeAgent final : public ProbeTrainRunner {
 public:

  ProbeAgent(PopIndex pop, Endpoint local, DatagramTransport& transport, Clock& clock, TimerScheduler& timers);
  ~ProbeAgent();
  void Start();  // binds the local endpoint
  void Stop();   // unbinds; trains in flight are abandoned without calling Done
  void RunTrain(const ProbeTrainSpec& spec, Done done) override;

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
