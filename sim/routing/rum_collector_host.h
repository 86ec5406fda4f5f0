#pragma once
// The RUM collector's network side in the simulation: a UDP endpoint (on the controller's host)
// that decodes every beacon datagram with the sender's address as the client and hands it to
// the BeaconCollector, which feeds the policy's measurement store.
#include <cstdint>
#include <map>
#include <string>

#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/beacon_codec.h"
#include "models/routing/beacon_collector.h"

namespace cdnlab {

class RumCollectorHost {
 public:
  static constexpr std::uint16_t kPort = 8081;

  RumCollectorHost(Endpoint local, BeaconCollector& collector, DatagramTransport& transport, MetricsSink& metrics,
                   BeaconDecodeLimits limits = {});
  ~RumCollectorHost();
  void Start();
  void Stop();

  const Endpoint& Local() const { return local_; }
  // Beacons by outcome: the collector's verdicts ("accepted", "replayed", ...) plus "malformed"
  // and "oversized" for bodies that never decoded (also counted as rum.beacons{verdict}).
  std::map<std::string, std::uint64_t> BeaconsByVerdict() const;

 private:
  void OnDatagram(const Endpoint& from, const Bytes& payload);

  Endpoint local_;
  BeaconCollector& collector_;
  DatagramTransport& transport_;
  MetricsSink& metrics_;
  BeaconDecodeLimits limits_;
  bool running_ = false;
  std::map<std::string, std::uint64_t> by_verdict_;
};

}  // namespace cdnlab
