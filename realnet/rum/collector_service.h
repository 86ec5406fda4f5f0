#pragma once
// The real-user measurement collector on real sockets, one HTTP server (Beast):
//   GET  /              the page carrying the measurement tag, generated per view: a fresh page
//                       view id, the candidate servers CandidateChooser picks for the requesting
//                       client's group, the beacon URL (?views=N: the page reloads itself N-1 times)
//   POST /rum/beacon    a beacon; 204 accepted, 400 malformed, 403 unknown client, 409 replayed,
//                       413 over the body limit (refused from the header or as the body grows,
//                       never buffered whole), 422 out of range / unknown PoP / stale, 429 rate
//                       limited; the body of an error is a one-line reason
//   GET  /rum/state     JSON: per group the mapped PoP, fresh RTTs and sample counts; beacon
//                       counts per verdict
// Accepted beacons feed a MeasurementStore: the controller's own (hosted by `realnet controller
// --rum-listen`, next to the probe reports, so they steer its DNS answers), or the standalone
// collector's StandaloneRumMapping. The sender's address comes from the socket.
// HTTPS when the config carries a certificate; the page's test objects are then https:// too
// (a browser blocks http:// fetches from an https:// page), and the beacon and next-view URLs
// are relative, so they follow the page's scheme.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "models/net/endpoint.h"
#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/beacon_codec.h"
#include "models/routing/beacon_collector.h"
#include "models/routing/candidate_chooser.h"
#include "models/routing/mapping_table.h"
#include "models/routing/measurement_store.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_server.h"
#include "realnet/rum/standalone_mapping.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

struct RumCollectorConfig {
  Endpoint listen;
  std::uint16_t object_port = 0;  // where each PoP server's rum-object-server listens
  BeaconCollectorConfig collector;  // epoch_offset_s is set by the service (Unix time at start)
  BeaconDecodeLimits limits;
  TlsServerConfig tls;              // empty: plain HTTP
  bool objects_over_https = false;  // the rum-object-servers speak HTTPS (required with tls)
};

// Where accepted beacons go and which mapping /rum/state shows.
struct RumMeasurements {
  MeasurementStore& store;     // shaped like the scenario's realnet catalog
  const MappingTable& mapping;  // the mapping that store's policy produces
};

class RumCollectorService {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Standalone: beacons feed a StandaloneRumMapping of its own (no DNS attached). `policy` must
  // be a measured one (probe, rum or hybrid): its store settings, hysteresis and rum_candidates
  // apply. Throws std::invalid_argument otherwise, without a realnet section, or for an HTTPS
  // page with http:// test objects; std::runtime_error naming an unreadable PEM file.
  RumCollectorService(const Scenario& scenario, const PolicySpec& policy, boost::asio::io_context& io,
                      AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config);
  // Hosted: beacons feed `shared.store`, which another component (the routing controller) ranks
  // and publishes; `policy` is that component's, for rum_candidates.
  RumCollectorService(const Scenario& scenario, const PolicySpec& policy, boost::asio::io_context& io,
                      AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config, RumMeasurements shared);
  ~RumCollectorService();
  RumCollectorService(const RumCollectorService&) = delete;
  RumCollectorService& operator=(const RumCollectorService&) = delete;

  // Hosted only: the controller rebuilt its store on a reload that added or removed PoPs or
  // groups. The page offers the new PoPs; counters, replay and rate state carry over.
  void Rebind(const Scenario& scenario, const PolicySpec& policy, RumMeasurements shared);
  void SetLog(Log log) { log_ = std::move(log); }
  void Start();  // throws std::runtime_error when it cannot listen
  void Stop();
  // Graceful shutdown: no new connections, the beacons and pages in flight still answered.
  void Drain() { http_.Drain(); }
  bool Drained() const { return http_.Idle(); }
  std::uint16_t Port() const { return http_.Port(); }
  const StreamingHttpServer& Http() const { return http_; }
  bool Secure() const { return http_.Secure(); }
  nlohmann::ordered_json StateJson() const;

 private:
  RumCollectorService(const Scenario& scenario, const PolicySpec& policy, boost::asio::io_context& io,
                      AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config,
                      std::unique_ptr<StandaloneRumMapping> own);

  StreamingHttpReply Handle(const StreamingHttpRequest& request);
  StreamingHttpReply HandlePage(const StreamingHttpRequest& request);
  StreamingHttpReply HandleBeacon(const StreamingHttpRequest& request);

  RoutingCatalog catalog_;
  RumCollectorConfig config_;
  AsioClock& clock_;
  std::unique_ptr<StandaloneRumMapping> own_mapping_;  // standalone only
  MeasurementStore* store_;
  const MappingTable* mapping_;
  SeededRandomSource random_;
  std::optional<CandidateChooser> chooser_;  // rebuilt by Rebind
  BeaconCollector collector_;
  StreamingHttpServer http_;
  Log log_;
  std::uint64_t page_views_ = 0;
  std::uint64_t malformed_ = 0;
  bool running_ = false;
};

}  // namespace cdnlab
