#pragma once
// Publishing over simulated TCP through the ingest pool's virtual address:
//  - Ns3SegmentUploader (the publisher's SegmentUploader): each segment goes up as one
//    exchange with the load balancer host (header + the segment's bytes);
//  - IngestFront (the load balancer on the virtual address): routes the upload with the
//    IngestBalancer (the session's ingest while it is healthy, else a new choice) and
//    forwards the segment's bytes over TCP to that ingest's upload port, then tells the
//    publisher which ingest took it, or that it failed (the ingest is dead or unreachable:
//    the forward times out), so the publisher reconnects;
//  - the ingest end is a StreamingRpcServer whose handler accepts a SegmentUpload.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/streaming/ingest_balancer.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/live_publisher.h"
#include "sim/streaming/rpc_ports.h"
#include "sim/streaming/tcp_rpc.h"

namespace cdnlab {

// The meaning of an upload exchange, and of its answer.
struct SegmentUpload {
  StreamId stream;
  SegmentInfo segment;
  bool reconnect = false;
};
struct SegmentUploadAck {
  bool ok = false;
  std::string ingest;  // who took it (or who failed to)
};

inline constexpr std::uint64_t kUploadHeaderBytes = 300;  // "PUT /news/seg-42.ts" and headers
inline constexpr std::uint64_t kUploadAckBytes = 100;

class Ns3SegmentUploader final : public SegmentUploader {
 public:
  Ns3SegmentUploader(RpcClientPort& client, Endpoint virtual_address, Duration timeout)
      : client_(client), virtual_address_(virtual_address), timeout_(timeout) {}
  void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) override;

 private:
  RpcClientPort& client_;
  Endpoint virtual_address_;
  Duration timeout_;
};

class IngestFront {
 public:
  // Where an ingest takes uploads (nullopt: unknown member).
  using UploadEndpointOf = std::function<std::optional<Endpoint>(const std::string& ingest)>;
  // Every routing decision and its outcome, for the experiment's log.
  using Observer = std::function<void(const SegmentUpload& upload, const std::string& ingest, bool ok)>;

  IngestFront(RpcEndpoints& endpoints, const std::string& host, std::uint16_t port, IngestBalancer& balancer,
              UploadEndpointOf upload_endpoint_of, Duration forward_timeout, Observer observer = nullptr);
  IngestFront(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, Ipv4Address address, std::uint16_t port,
              TimerScheduler& timers, IngestBalancer& balancer, UploadEndpointOf upload_endpoint_of,
              Duration forward_timeout, Observer observer = nullptr);
  void Start() { server_->Start(); }
  void Stop() { server_->Stop(); }

  // The real balancer's park-and-re-route (realnet/streaming/balancer_service.cpp): a failed
  // upload waits until the health checker calls its ingest unhealthy (MemberUnhealthy) or for
  // as long as that can take (`bound`), then is routed again and forwarded once more. Off
  // until called: a failed upload is answered as failed at once.
  void ParkFailedUploads(TimerScheduler& timers, std::function<bool(const std::string&)> healthy, Duration bound);
  void MemberUnhealthy(const std::string& ingest);

 private:
  struct Parked {
    std::string member;
    TimerId timer = 0;
    std::function<void()> retry;
  };
  void OnUpload(const SegmentUpload& upload, std::uint64_t bytes, RpcServerPort::Respond respond);
  void Forward(const SegmentUpload& upload, std::uint64_t bytes, std::shared_ptr<RpcServerPort::Respond> respond,
               bool retry);
  void Park(const std::string& member, std::function<void()> retry);
  void RunParked(std::uint64_t id);
  RpcServerPort::Handler Handler();

  IngestBalancer& balancer_;
  UploadEndpointOf upload_endpoint_of_;
  Duration forward_timeout_;
  Observer observer_;
  std::unique_ptr<RpcClientPort> client_;
  std::unique_ptr<RpcServerPort> server_;
  TimerScheduler* timers_ = nullptr;  // set by ParkFailedUploads
  std::function<bool(const std::string&)> healthy_;
  Duration park_bound_{0};
  std::map<std::uint64_t, Parked> parked_;
  std::uint64_t next_parked_ = 0;
};

}  // namespace cdnlab
