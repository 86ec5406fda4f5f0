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
// Accepted beacons feed a MeasurementStore ranked by MeasuredPolicy in a MappingController,
// as probe reports do in RoutingControllerService. The sender's address comes from the socket.
// HTTPS when the config carries a certificate; the page's test objects are then https:// too
// (a browser blocks http:// fetches from an https:// page), and the beacon and next-view URLs
// are relative, so they follow the page's scheme.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "models/net/endpoint.h"
#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/routing/beacon_codec.h"
#include "models/routing/beacon_collector.h"
#include "models/routing/candidate_chooser.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_server.h"
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

class RumCollectorService {
 public:
  using Log = std::function<void(const std::string& line)>;

  // `policy` must be a measured one (probe, rum or hybrid): its store settings, hysteresis and
  // rum_candidates apply. Throws std::invalid_argument otherwise, without a realnet section, or
  // for an HTTPS page with http:// test objects; std::runtime_error naming an unreadable PEM file.
  RumCollectorService(const Scenario& scenario, const PolicySpec& policy, boost::asio::io_context& io,
                      AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config);
  ~RumCollectorService();
  RumCollectorService(const RumCollectorService&) = delete;
  RumCollectorService& operator=(const RumCollectorService&) = delete;

  void SetLog(Log log) { log_ = std::move(log); }
  void Start();  // throws std::runtime_error when it cannot listen
  void Stop();
  std::uint16_t Port() const { return http_.Port(); }
  bool Secure() const { return http_.Secure(); }
  nlohmann::ordered_json StateJson() const;

 private:
  // Mappings live in the table here; no DNS server is attached to this service.
  class DiscardingSink final : public ResolverConfigSink {
   public:
    void Apply(const MappingDiff&) override {}
  };

  StreamingHttpReply Handle(const StreamingHttpRequest& request);
  StreamingHttpReply HandlePage(const StreamingHttpRequest& request);
  StreamingHttpReply HandleBeacon(const StreamingHttpRequest& request);

  RoutingCatalog catalog_;
  RumCollectorConfig config_;
  AsioClock& clock_;
  MeasurementStore store_;
  SeededRandomSource random_;
  CandidateChooser chooser_;
  MeasuredPolicy policy_;
  DiscardingSink sink_;
  MappingController controller_;
  BeaconCollector collector_;
  StreamingHttpServer http_;
  Log log_;
  std::uint64_t page_views_ = 0;
  std::uint64_t malformed_ = 0;
  bool running_ = false;
};

}  // namespace cdnlab
