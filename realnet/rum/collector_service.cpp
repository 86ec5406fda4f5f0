#include "realnet/rum/collector_service.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/routing/catalog.h"
#include "realnet/rum/page.h"
#include "scenarios/core/measured_policy_configs.h"

namespace cdnlab {
namespace {

constexpr const char* kBeaconPath = "/rum/beacon";
constexpr const char* kStatePath = "/rum/state";
constexpr std::uint64_t kMaxViewsPerChain = 1000;

unsigned StatusFor(BeaconVerdict v) {
  switch (v) {
    case BeaconVerdict::kAccepted: return 204;
    case BeaconVerdict::kUnknownClient: return 403;
    case BeaconVerdict::kReplayed: return 409;
    case BeaconVerdict::kRateLimited: return 429;
    case BeaconVerdict::kUnknownPop:
    case BeaconVerdict::kOutOfRange:
    case BeaconVerdict::kStale: return 422;
  }
  return 500;
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

// The value of `name` in the target's query string ("/?views=3"), if present.
std::string QueryValue(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return {};
  std::size_t from = q + 1;
  while (from <= target.size()) {
    const auto amp = target.find('&', from);
    const std::string pair = target.substr(from, amp == std::string::npos ? std::string::npos : amp - from);
    if (pair.compare(0, name.size() + 1, name + "=") == 0) return pair.substr(name.size() + 1);
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  return {};
}

// A positive count from the query, or 1 for anything else (absent, junk, zero).
std::uint64_t ViewsRequested(const std::string& target) {
  const std::string text = QueryValue(target, "views");
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos) return 1;
  const std::uint64_t n = std::stoull(text);
  return n == 0 ? 1 : std::min(n, kMaxViewsPerChain);
}

StreamingHttpReply MethodNotAllowed(const char* allow) {
  StreamingHttpReply r = StreamingHttpReply::Text(405, std::string("method not allowed; use ") + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// " (pop-a 1.2 ms, pop-b failed)" for the log.
std::string TimingsText(const cdnlab::Beacon& beacon) {
  std::string out;
  for (const auto& t : beacon.timings) {
    out += out.empty() ? " (" : ", ";
    out += t.ok && t.rtt_ms ? fmt::format("{} {:.1f} ms", t.pop, *t.rtt_ms) : t.pop + " failed";
  }
  return out.empty() ? out : out + ")";
}

double UnixNowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Pages stamp beacons with Unix time; the service's clock counts from process start.
BeaconCollectorConfig WithUnixEpoch(BeaconCollectorConfig config, const Clock& clock) {
  config.epoch_offset_s = UnixNowSeconds() - ToSeconds(clock.Now());
  return config;
}

// The body limit is the decoder's: Beast refuses a larger body from its Content-Length, or as a
// chunked one grows past it, before it is buffered.
StreamingHttpLimits HttpLimitsFor(const BeaconDecodeLimits& decode) {
  StreamingHttpLimits limits;
  limits.max_body_bytes = decode.max_body_bytes;
  limits.max_header_bytes = 8 * 1024;
  limits.io_timeout = std::chrono::milliseconds(5000);
  limits.max_connections = 256;
  return limits;
}

}  // namespace

RumCollectorService::RumCollectorService(const Scenario& s, const PolicySpec& policy, boost::asio::io_context& io,
                                         AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config)
    : RumCollectorService(s, policy, io, clock, metrics, config,
                          std::make_unique<StandaloneRumMapping>(s, policy, clock, clock, metrics)) {}

RumCollectorService::RumCollectorService(const Scenario& s, const PolicySpec& policy, boost::asio::io_context& io,
                                         AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config,
                                         std::unique_ptr<StandaloneRumMapping> own)
    : RumCollectorService(s, policy, io, clock, metrics, config, RumMeasurements{own->Store(), own->Table()}) {
  own_mapping_ = std::move(own);
}

RumCollectorService::RumCollectorService(const Scenario& s, const PolicySpec& policy, boost::asio::io_context& io,
                                         AsioClock& clock, MetricsSink& metrics, RumCollectorConfig config,
                                         RumMeasurements shared)
    : catalog_(RealnetCatalog(s)),
      config_(config),
      clock_(clock),
      store_(&shared.store),
      mapping_(&shared.mapping),
      random_(s.seed, /*stream=*/7),
      // rum_candidates servers per page view: all but one the best by fresh RTT, one exploring
      // (as in the simulator's RUM clients).
      chooser_(std::in_place, catalog_, *store_, random_, CandidateChooserConfigFor(policy.rum_candidates)),
      collector_(catalog_, *store_, clock, metrics, WithUnixEpoch(config.collector, clock)),
      http_(io, config.listen, HttpLimitsFor(config.limits), "cdnlab-rum-collector",
            [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
              respond(Handle(request));
            }) {
  if (config_.object_port == 0) throw std::invalid_argument("rum collector: the object servers' port is not set");
  if (config_.tls.Enabled()) {
    if (!config_.objects_over_https) {
      throw std::invalid_argument("rum collector: an HTTPS page cannot test http:// objects (browsers block mixed "
                                  "content); the object servers must speak HTTPS");
    }
    http_.EnableTls(config_.tls);
  }
}

void RumCollectorService::Rebind(const Scenario& s, const PolicySpec& policy, RumMeasurements shared) {
  if (own_mapping_) throw std::logic_error("rum collector: a standalone collector keeps its own measurements");
  catalog_ = RealnetCatalog(s);
  store_ = &shared.store;
  mapping_ = &shared.mapping;
  chooser_.emplace(catalog_, *store_, random_, CandidateChooserConfigFor(policy.rum_candidates));
  collector_.Rebind(catalog_, *store_);
}

RumCollectorService::~RumCollectorService() { Stop(); }

void RumCollectorService::Start() {
  if (running_) return;
  http_.Start();
  if (own_mapping_) own_mapping_->Start();
  running_ = true;
}

void RumCollectorService::Stop() {
  if (!running_) return;
  if (own_mapping_) own_mapping_->Stop();
  http_.Stop();
  running_ = false;
}

StreamingHttpReply RumCollectorService::Handle(const StreamingHttpRequest& request) {
  const std::string path = PathOf(request.target);
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (path == "/") return read ? HandlePage(request) : MethodNotAllowed("GET, HEAD");
  if (path == kBeaconPath) return request.method == "POST" ? HandleBeacon(request) : MethodNotAllowed("POST");
  if (path == kStatePath) {
    if (!read) return MethodNotAllowed("GET, HEAD");
    StreamingHttpReply r;
    r.content_type = "application/json";
    r.cache_control = "no-store";
    r.body = std::make_shared<const std::string>(StateJson().dump(2) + "\n");
    return r;
  }
  return StreamingHttpReply::Text(404, "no such resource: " + path);
}

StreamingHttpReply RumCollectorService::HandlePage(const StreamingHttpRequest& request) {
  RumPageConfig page;
  page.page_view_id = fmt::format("pv{:x}-{:016x}", ++page_views_, random_.NextU64());
  page.beacon_url = kBeaconPath;
  if (const auto views = ViewsRequested(request.target); views > 1) page.next_url = fmt::format("/?views={}", views - 1);
  // A client in no group still gets the page, with nothing to test.
  if (const auto group = request.peer.address.IsV4() ? catalog_.GroupOfAddress(request.peer.address.V4()) : std::nullopt) {
    for (PopIndex p : chooser_->Choose(*group, clock_.Now())) {
      const auto& servers = catalog_.pops[p].servers;
      if (servers.empty()) continue;
      page.candidates.push_back({catalog_.pops[p].id,
                                 fmt::format("{}://{}:{}/rum/test-object?pv={}",
                                             config_.objects_over_https ? "https" : "http", servers.front().ToString(),
                                             config_.object_port, page.page_view_id)});
    }
  }
  StreamingHttpReply r;
  r.content_type = "text/html; charset=utf-8";
  r.cache_control = "no-store";
  r.body = std::make_shared<const std::string>(RenderRumPage(page));
  return r;
}

StreamingHttpReply RumCollectorService::HandleBeacon(const StreamingHttpRequest& request) {
  auto decoded = DecodeBeacon(request.body, request.peer.RequireV4("the RUM collector"), config_.limits);
  if (auto* error = std::get_if<BeaconDecodeError>(&decoded)) {
    const bool oversized = error->kind == BeaconDecodeError::Kind::kOversized;
    if (!oversized) ++malformed_;
    if (log_) log_(fmt::format("beacon from {}: {}", request.peer.ToString(), error->reason));
    return StreamingHttpReply::Text(oversized ? 413 : 400, error->reason);
  }
  const cdnlab::Beacon& beacon = std::get<cdnlab::Beacon>(decoded);
  const BeaconVerdict verdict = collector_.Accept(beacon);
  if (log_) log_(fmt::format("beacon {} from {}: {}{}", beacon.page_view_id, request.peer.ToString(),
                             BeaconVerdictName(verdict), TimingsText(beacon)));
  if (verdict == BeaconVerdict::kAccepted) {
    StreamingHttpReply r;
    r.status = 204;
    return r;
  }
  StreamingHttpReply r = StreamingHttpReply::Text(StatusFor(verdict), BeaconVerdictName(verdict));
  if (verdict == BeaconVerdict::kRateLimited) r.headers.emplace_back("Retry-After", "1");
  return r;
}

nlohmann::ordered_json RumCollectorService::StateJson() const {
  using nlohmann::ordered_json;
  const SimTime now = clock_.Now();
  ordered_json beacons = ordered_json::object();
  for (BeaconVerdict v : {BeaconVerdict::kAccepted, BeaconVerdict::kUnknownClient, BeaconVerdict::kUnknownPop,
                          BeaconVerdict::kOutOfRange, BeaconVerdict::kStale, BeaconVerdict::kReplayed,
                          BeaconVerdict::kRateLimited}) {
    beacons[BeaconVerdictName(v)] = collector_.Count(v);
  }
  beacons["malformed"] = malformed_;
  ordered_json groups = ordered_json::array();
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    ordered_json j;
    j["group"] = catalog_.groups[g].id;
    const MappingEntry* row = mapping_->Find(catalog_.groups[g].prefix);
    j["pop"] = row != nullptr && !row->ranked_pops.empty() ? ordered_json(catalog_.pops[row->ranked_pops[0]].id)
                                                           : ordered_json(nullptr);
    ordered_json rtt = ordered_json::object();
    ordered_json samples = ordered_json::object();
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      const auto v = store_->RttMs(g, p, now);
      rtt[catalog_.pops[p].id] = v ? ordered_json(*v) : ordered_json(nullptr);
      samples[catalog_.pops[p].id] = store_->SampleCount(g, p);
    }
    j["rtt_ms"] = std::move(rtt);
    j["samples"] = std::move(samples);
    groups.push_back(std::move(j));
  }
  return {{"page_views", page_views_},
          {"beacons", beacons},
          {"mapping_version", mapping_->Version()},
          {"groups", groups}};
}

}  // namespace cdnlab
