#include "realnet/streaming/balancer_service.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "realnet/streaming/content_fetcher.h"
#include "realnet/streaming/http_paths.h"
#include "scenarios/core/ipv4_text.h"

namespace cdnlab {
namespace {

StreamingHttpReply Json(unsigned status, const nlohmann::json& body) {
  StreamingHttpReply r;
  r.status = status;
  r.content_type = "application/json";
  r.cache_control = "no-store";
  r.body = std::make_shared<const std::string>(
      body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  return r;
}

StreamingHttpReply JsonError(unsigned status, const std::string& message) {
  return Json(status, nlohmann::json{{"error", message}});
}

std::optional<Endpoint> ParseEndpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size() || text.size() - colon > 6) return std::nullopt;
  const auto address = ParseIpv4Address(text.substr(0, colon));
  unsigned port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (!address || port == 0 || port > 65535) return std::nullopt;
  return Endpoint{*address, static_cast<std::uint16_t>(port)};
}

bool ValidMemberId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

// One request arriving at the virtual address, kept whole so it can be sent again.
struct BalancerService::Forwarded {
  StreamingHttpRequest request;
  StreamId stream;
  StreamingHttpServer::Respond respond;
};

BalancerService::BalancerService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport,
                                 BalancerServiceConfig config, Log log)
    : clock_(clock),
      config_(config),
      log_(std::move(log)),
      balancer_(config.mode),
      // Probes leave from the admin address on an ephemeral UDP port.
      checker_(Endpoint{config.admin.address, 0}, config.health, transport, clock, clock,
               [this](const std::string& member, bool healthy) { OnHealthChange(member, healthy); }),
      vip_(io, config.vip, UploadLimits(config.max_upload_bytes), "cdnlab-balancer",
           [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
             HandleVip(request, std::move(respond));
           }),
      admin_(io, config.admin, StreamingHttpLimits{64 * 1024}, "cdnlab-balancer",
             [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
               HandleAdmin(request, std::move(respond));
             }),
      client_(io, StreamingHttpClientOptions{config.proxy_timeout, 64 << 20, config.upstream_tls}) {
  if (config_.tls.Enabled()) {
    vip_.EnableTls(config_.tls);
    admin_.EnableTls(config_.tls);
  }
}

BalancerService::~BalancerService() { Stop(); }

void BalancerService::Start() {
  vip_.Start();
  admin_.Start();
  checker_.Start();
  running_ = true;
}

void BalancerService::Stop() {
  if (!running_) return;
  running_ = false;
  for (auto& [id, parked] : parked_) clock_.Cancel(parked.timer);
  parked_.clear();
  checker_.Stop();
  vip_.Stop();
  admin_.Stop();
}

void BalancerService::HandleVip(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  const auto key = ContentKeyOfTarget(request.target);
  if (!key) return respond(StreamingHttpReply::Text(400, kNotAStreamPath));
  if (request.method != "PUT" && request.method != "GET" && request.method != "HEAD") {
    auto reply = StreamingHttpReply::Text(405, "method not allowed");
    reply.headers.emplace_back("Allow", "GET, HEAD, PUT");
    return respond(std::move(reply));
  }
  auto forwarded = std::make_shared<Forwarded>();
  forwarded->request = request;
  forwarded->stream = key->stream;
  forwarded->respond = std::move(respond);
  Forward(forwarded, false);
}

void BalancerService::Forward(const std::shared_ptr<Forwarded>& f, bool retry) {
  const bool upload = f->request.method == "PUT";
  const auto ingest = upload ? balancer_.Route(f->stream) : balancer_.IngestOf(f->stream);
  const std::string what = fmt::format("{} {}{}", f->request.method, f->request.target, retry ? " (retry)" : "");
  if (!ingest) {
    log_(fmt::format("route {}: {}", what, upload ? "no healthy ingest" : "no ingest holds the stream"));
    return f->respond(upload ? StreamingHttpReply::Text(503, "no healthy ingest")
                             : StreamingHttpReply::Text(404, "no ingest holds this stream"));
  }
  const Member& member = members_.at(*ingest);
  log_(fmt::format("route {} -> {} {}", what, *ingest, member.http.ToString()));
  client_.Request(member.http, f->request.method, f->request.target, f->request.body, f->request.content_type,
                  [this, f, retry, upload, ingest = *ingest](const StreamingHttpResponse& r) {
                    if (r.ok) {
                      StreamingHttpReply reply;
                      reply.status = r.status;
                      for (const auto& [name, value] : r.headers) {
                        if (name == "content-type") reply.content_type = value;
                        if (name == "cache-control") reply.cache_control = value;
                        if (name == "x-served-by") reply.headers.emplace_back(kServedByHeader, value);
                      }
                      reply.body = r.body;
                      return f->respond(std::move(reply));
                    }
                    if (upload && !retry && running_) {
                      log_(fmt::format("upload {} to {} failed ({}); rerouting once {} is judged", f->request.target,
                                       ingest, r.error, ingest));
                      ++retries_;
                      return ParkUntilJudged(ingest, [this, f] { Forward(f, true); });
                    }
                    log_(fmt::format("{} {} to {} failed ({})", f->request.method, f->request.target, ingest, r.error));
                    f->respond(StreamingHttpReply::Text(502, fmt::format("ingest {} failed: {}", ingest, r.error)));
                  });
}

// Waits until the checker calls `member` unhealthy, or for as long as it can take to (then
// the member is still healthy and the retry may go to it again: a passing glitch).
void BalancerService::ParkUntilJudged(const std::string& member, std::function<void()> retry) {
  if (!checker_.Healthy(member)) return retry();
  const Duration bound = config_.health.interval * config_.health.unhealthy_after + config_.health.timeout;
  const std::uint64_t id = next_parked_++;
  Parked& parked = parked_[id];
  parked.member = member;
  parked.retry = std::move(retry);
  parked.timer = clock_.ScheduleAfter(bound, [this, id] { RunParked(id); });
}

void BalancerService::RunParked(std::uint64_t id) {
  auto it = parked_.find(id);
  if (it == parked_.end()) return;
  auto retry = std::move(it->second.retry);
  clock_.Cancel(it->second.timer);
  parked_.erase(it);
  retry();
}

void BalancerService::OnHealthChange(const std::string& member, bool healthy) {
  const auto sessions = balancer_.SessionsPerMember();
  const auto held = sessions.find(member);
  balancer_.SetHealthy(member, healthy);
  log_(fmt::format("member {} {}{}", member, healthy ? "healthy" : "unhealthy",
                   healthy || held == sessions.end() ? ""
                                                     : fmt::format(" ({} sessions dropped)", held->second)));
  if (healthy) return;
  std::vector<std::uint64_t> waiting;
  for (const auto& [id, parked] : parked_) {
    if (parked.member == member) waiting.push_back(id);
  }
  for (std::uint64_t id : waiting) RunParked(id);
}

void BalancerService::HandleAdmin(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/members") {
    if (request.method == "POST") return respond(AddMember(request.body));
    if (request.method == "GET" || request.method == "HEAD") return respond(ListMembers());
    auto reply = JsonError(405, "method not allowed");
    reply.headers.emplace_back("Allow", "GET, HEAD, POST");
    return respond(std::move(reply));
  }
  const std::string prefix = "/members/";
  if (path.compare(0, prefix.size(), prefix) == 0 && path.size() > prefix.size()) {
    if (request.method == "DELETE") return respond(RemoveMember(path.substr(prefix.size())));
    auto reply = JsonError(405, "method not allowed");
    reply.headers.emplace_back("Allow", "DELETE");
    return respond(std::move(reply));
  }
  respond(JsonError(404, "no such resource (POST /members, GET /members, DELETE /members/<id>)"));
}

StreamingHttpReply BalancerService::AddMember(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return JsonError(400, "expected a JSON object {\"id\",\"http\",\"health\"}");
  for (const char* field : {"id", "http", "health"}) {
    if (!j.contains(field) || !j[field].is_string()) return JsonError(400, fmt::format("{}: expected a string", field));
  }
  const std::string id = j["id"].get<std::string>();
  if (!ValidMemberId(id)) return JsonError(400, "id: 1-64 characters of [A-Za-z0-9._-]");
  const auto http = ParseEndpoint(j["http"].get<std::string>());
  const auto health = ParseEndpoint(j["health"].get<std::string>());
  if (!http) return JsonError(400, "http: expected IPV4:PORT");
  if (!health) return JsonError(400, "health: expected IPV4:PORT");
  auto it = members_.find(id);
  if (it != members_.end()) {
    if (it->second.http == *http && it->second.health == *health) {
      return Json(200, nlohmann::json{{"id", id}, {"added", false}});  // a refresh
    }
    log_(fmt::format("member {} moved to http {}, health {}", id, http->ToString(), health->ToString()));
    it->second = Member{*http, *health};
    checker_.AddMember(id, *health);  // a known member: only its probe address changes
    return Json(200, nlohmann::json{{"id", id}, {"added", false}});
  }
  members_[id] = Member{*http, *health};
  balancer_.AddMember(id);
  checker_.AddMember(id, *health);
  log_(fmt::format("member {} added (http {}, health {}); members now {}", id, http->ToString(), health->ToString(),
                   members_.size()));
  return Json(201, nlohmann::json{{"id", id}, {"added", true}});
}

StreamingHttpReply BalancerService::ListMembers() const {
  const auto sessions = balancer_.SessionsPerMember();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, m] : members_) {
    const auto s = sessions.find(id);
    list.push_back({{"id", id},
                    {"http", m.http.ToString()},
                    {"health", m.health.ToString()},
                    {"healthy", checker_.Healthy(id)},
                    {"sessions", s == sessions.end() ? 0 : s->second}});
  }
  return Json(200, nlohmann::json{{"members", list}, {"healthy_sessions_moved", balancer_.HealthySessionsMoved()}});
}

StreamingHttpReply BalancerService::RemoveMember(const std::string& id) {
  if (members_.erase(id) == 0) return JsonError(404, "no such member");
  balancer_.RemoveMember(id);
  checker_.RemoveMember(id);
  log_(fmt::format("member {} removed; members now {}", id, members_.size()));
  return Json(200, nlohmann::json{{"id", id}, {"removed", true}});
}

}  // namespace cdnlab
