#include "realnet/dns/snapshot_publisher.h"

#include <utility>

namespace cdnlab {
namespace {

// "after=12" in "/mapping/snapshot?after=12"; 0 when absent, nullopt when malformed.
std::optional<std::uint64_t> AfterVersion(const std::string& target) {
  const auto q = target.find('?');
  if (q == std::string::npos) return 0;
  const std::string query = target.substr(q + 1);
  if (query.rfind("after=", 0) != 0) return std::nullopt;
  const std::string digits = query.substr(6);
  if (digits.empty() || digits.size() > 19 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(digits);
}

}  // namespace

SnapshotPublisher::SnapshotPublisher(boost::asio::io_context& io, const RoutingCatalog& catalog,
                                     AuthoritativeConfig dns, FederationIdentity identity, std::string signer,
                                     Endpoint listen, std::chrono::milliseconds hold)
    : io_(io),
      pops_(catalog.pops),
      dns_(WithApexDefaults(std::move(dns))),
      identity_(std::move(identity)),
      signer_(std::move(signer)),
      hold_(hold),
      http_(io, listen, StreamingHttpLimits{}, "cdnlab-snapshots",
            [this](const StreamingHttpRequest& r, StreamingHttpServer::Respond respond) { Handle(r, std::move(respond)); }) {
  if (!identity_.CanSignAs(signer_)) throw std::invalid_argument("no key to sign snapshots as '" + signer_ + "'");
}

SnapshotPublisher::~SnapshotPublisher() { Stop(); }

void SnapshotPublisher::Start() { http_.Start(); }

void SnapshotPublisher::Stop() {
  for (auto& w : waiters_) w->timer->cancel();
  waiters_.clear();
  http_.Stop();
}

void SnapshotPublisher::Drain() {
  auto held = std::move(waiters_);
  waiters_.clear();
  for (auto& w : held) {
    w->timer->cancel();
    if (!w->respond) continue;
    StreamingHttpReply none;
    none.status = 204;
    none.cache_control = "no-store";
    none.headers.emplace_back("X-Cdnlab-Mapping-Version", std::to_string(table_.Version()));
    std::exchange(w->respond, nullptr)(std::move(none));
  }
  http_.Drain();
}

void SnapshotPublisher::Apply(const MappingDiff& diff) {
  if (!table_.Apply(diff)) return;  // out of order: the controller's own ordering makes this impossible
  MappingSnapshot s;
  s.version = table_.Version();
  s.dns = dns_;
  s.pops = pops_;
  s.rows = table_.Entries();
  signed_ = std::make_shared<const std::string>(SignSnapshot(s, identity_, signer_));
  // Everyone waiting for something newer gets it now.
  auto waiting = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiting) {
    w->timer->cancel();
    if (w->respond) {
      ++served_;
      std::exchange(w->respond, nullptr)(Current());
    }
  }
}

StreamingHttpReply SnapshotPublisher::Current() {
  StreamingHttpReply reply;
  reply.status = 200;
  reply.content_type = "application/json";
  reply.cache_control = "no-store";
  reply.headers.emplace_back("X-Cdnlab-Mapping-Version", std::to_string(table_.Version()));
  reply.body = signed_;
  return reply;
}

void SnapshotPublisher::Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/healthz") {
    return respond(StreamingHttpReply::Text(200, "ok " + std::to_string(table_.Version()) + "\n"));
  }
  if (path != "/mapping/snapshot") return respond(StreamingHttpReply::Text(404, "no such resource\n"));
  if (request.method != "GET" && request.method != "HEAD") {
    StreamingHttpReply r = StreamingHttpReply::Text(405, "GET only\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return respond(std::move(r));
  }
  const auto after = AfterVersion(request.target);
  if (!after) return respond(StreamingHttpReply::Text(400, "expected ?after=<version>\n"));
  if (!signed_) {
    if (request.target.find('?') == std::string::npos) {
      return respond(StreamingHttpReply::Text(503, "no mapping version yet\n"));
    }
  } else if (table_.Version() > *after) {
    ++served_;
    return respond(Current());
  }
  // Nothing newer yet: hold the request until a version comes or the hold ends.
  auto w = std::make_shared<Waiter>();
  w->after = *after;
  w->respond = std::move(respond);
  w->timer = std::make_unique<boost::asio::steady_timer>(io_, hold_);
  w->timer->async_wait([this, weak = std::weak_ptr<Waiter>(w)](const boost::system::error_code& ec) {
    auto held = weak.lock();
    if (ec || !held || !held->respond) return;
    StreamingHttpReply none;
    none.status = 204;
    none.cache_control = "no-store";
    none.headers.emplace_back("X-Cdnlab-Mapping-Version", std::to_string(table_.Version()));
    std::exchange(held->respond, nullptr)(std::move(none));
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), held), waiters_.end());
  });
  waiters_.push_back(std::move(w));
}

}  // namespace cdnlab
