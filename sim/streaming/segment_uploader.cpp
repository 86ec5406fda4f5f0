#include "sim/streaming/segment_uploader.h"

#include <vector>

namespace cdnlab {

void Ns3SegmentUploader::Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) {
  RpcMessage request{kUploadHeaderBytes + segment.bytes, SegmentUpload{stream, segment, reconnect}};
  client_.Call(virtual_address_, std::move(request), timeout_,
               [done = std::move(done)](std::optional<RpcMessage> response) {
                 if (!response) {
                   done(false, "");
                   return;
                 }
                 const auto& ack = std::any_cast<const SegmentUploadAck&>(response->payload);
                 done(ack.ok, ack.ingest);
               });
}

IngestFront::IngestFront(RpcEndpoints& endpoints, const std::string& host, std::uint16_t port,
                         IngestBalancer& balancer, UploadEndpointOf upload_endpoint_of, Duration forward_timeout,
                         Observer observer)
    : balancer_(balancer),
      upload_endpoint_of_(std::move(upload_endpoint_of)),
      forward_timeout_(forward_timeout),
      observer_(std::move(observer)),
      client_(endpoints.MakeClient(host)),
      server_(endpoints.MakeServer(host, port, Handler())) {}

IngestFront::IngestFront(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, Ipv4Address address,
                         std::uint16_t port, TimerScheduler& timers, IngestBalancer& balancer,
                         UploadEndpointOf upload_endpoint_of, Duration forward_timeout, Observer observer)
    : balancer_(balancer),
      upload_endpoint_of_(std::move(upload_endpoint_of)),
      forward_timeout_(forward_timeout),
      observer_(std::move(observer)),
      client_(std::make_unique<StreamingRpcClient>(fabric, node, address, timers)),
      server_(std::make_unique<StreamingRpcServer>(fabric, node, port, Handler())) {}

RpcServerPort::Handler IngestFront::Handler() {
  return [this](const RpcMessage& request, RpcServerPort::Respond respond) {
    OnUpload(std::any_cast<const SegmentUpload&>(request.payload), request.bytes, std::move(respond));
  };
}

void IngestFront::ParkFailedUploads(TimerScheduler& timers, std::function<bool(const std::string&)> healthy,
                                    Duration bound) {
  timers_ = &timers;
  healthy_ = std::move(healthy);
  park_bound_ = bound;
}

void IngestFront::MemberUnhealthy(const std::string& ingest) {
  std::vector<std::uint64_t> waiting;
  for (const auto& [id, parked] : parked_) {
    if (parked.member == ingest) waiting.push_back(id);
  }
  for (std::uint64_t id : waiting) RunParked(id);
}

void IngestFront::OnUpload(const SegmentUpload& upload, std::uint64_t bytes, RpcServerPort::Respond respond) {
  Forward(upload, bytes, std::make_shared<RpcServerPort::Respond>(std::move(respond)), false);
}

void IngestFront::Forward(const SegmentUpload& upload, std::uint64_t bytes,
                          std::shared_ptr<RpcServerPort::Respond> respond, bool retry) {
  // Route: the session's ingest while healthy, else a new choice among the healthy members.
  const auto ingest = balancer_.Route(upload.stream);
  const auto endpoint = ingest ? upload_endpoint_of_(*ingest) : std::nullopt;
  if (!endpoint) {
    if (observer_) observer_(upload, ingest.value_or(""), false);
    (*respond)(RpcMessage{kUploadAckBytes, SegmentUploadAck{false, ingest.value_or("")}});
    return;
  }
  client_->Call(*endpoint, RpcMessage{bytes, upload}, forward_timeout_,
                [this, upload, bytes, retry, name = *ingest, respond](std::optional<RpcMessage> response) {
                  const bool ok = response && std::any_cast<const SegmentUploadAck&>(response->payload).ok;
                  if (observer_) observer_(upload, name, ok);
                  if (!ok && !retry && timers_) {
                    return Park(name, [this, upload, bytes, respond] { Forward(upload, bytes, respond, true); });
                  }
                  (*respond)(RpcMessage{kUploadAckBytes, SegmentUploadAck{ok, name}});
                });
}

void IngestFront::Park(const std::string& member, std::function<void()> retry) {
  if (!healthy_(member)) return retry();
  const std::uint64_t id = next_parked_++;
  Parked& parked = parked_[id];
  parked.member = member;
  parked.retry = std::move(retry);
  parked.timer = timers_->ScheduleAfter(park_bound_, [this, id] { RunParked(id); });
}

void IngestFront::RunParked(std::uint64_t id) {
  auto it = parked_.find(id);
  if (it == parked_.end()) return;
  auto retry = std::move(it->second.retry);
  timers_->Cancel(it->second.timer);
  parked_.erase(it);
  retry();
}

}  // namespace cdnlab
