#pragma once
#include <cstdint>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/probe_train.h"
#include "models/routing/probe_train_pacer.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// Runs on one PoP server: sends UDP probe trains from its own address and turns the echoes
// into one ProbeOutcome per train (pacing and counting in ProbeTrainPacer). Several trains
// may be in flight at once.
class ProbeAgent final : public ProbeTrainRunner {
 public:

  ProbeAgent(PopIndex pop, Endpoint local, DatagramTransport& transport, Clock& clock, TimerScheduler& timers);
  ~ProbeAgent();
  void Start();  // binds the local endpoint
  void Stop();   // unbinds; trains in flight are abandoned without calling Done
  void RunTrain(const ProbeTrainSpec& spec, Done done) override;

  PopIndex Pop() const { return pop_; }
  const Endpoint& Local() const { return local_; }
  std::size_t TrainsInFlight() const { return pacer_.InFlight(); }

 private:
  std::size_t SendProbe(std::uint64_t train_id, int seq, const ProbeTrainSpec& spec);
  void OnDatagram(const Endpoint& from, const Bytes& payload);

  PopIndex pop_;
  Endpoint local_;
  DatagramTransport& transport_;
  Clock& clock_;
  bool bound_ = false;
  ProbeTrainPacer pacer_;
};

}  // namespace cdnlab
