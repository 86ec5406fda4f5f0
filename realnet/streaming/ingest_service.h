#pragma once
// One ingest server on real sockets (`cdnlab realnet stream-ingest`):
//  - HTTP: accepts a publisher's HLS upload as ffmpeg's HLS muxer sends it with -method PUT:
//    PUT /<stream>/seg-<n>.ts (or .m4s) keeps the bytes, as PUT /<stream>/init.mp4 keeps an
//    fMP4 stream's init segment; PUT /<stream>/playlist.m3u8 tells which
//    segments are complete and how long they are, and every listed segment whose bytes are
//    here goes to IngestServer::AcceptSegment (in either arrival order: ffmpeg does not wait
//    for one upload's answer before the next). EXT-X-ENDLIST ends the stream. GET serves the
//    model's playlist (IngestServer::Serve -> ToM3u8) and the retained segments (single byte
//    ranges: 206/416, as the caches).
//  - a HealthResponder for the balancer's health checks;
//  - a StreamAnnouncer telling the relays (mid-tier caches) which streams are here;
//  - replication: every accepted segment goes to the peers in replicate_to
//    (SegmentReplicator); a replica PUT from a peer is kept for a takeover
//    (IngestServer::AcceptReplica) unless the stream is live here; LL-HLS: every accepted part
//    too (PartReplicator), packaged by the peer as here, so a takeover continues the open
//    segment's parts (IngestServer::ContinueFromReplicas at the first part uploaded here);
//  - registration with the balancer's admin endpoint (POST /members), retried until it
//    answers and refreshed as soft state, so adding an ingest changes no other server's
//    configuration.
// HTTPS when the config has a certificate (mutual with a client CA: only the balancer and
// caches holding a certificate get in); registration over HTTPS with upstream_tls.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/ingest_server.h"
#include "models/streaming/member_health_checker.h"
#include "models/streaming/stream_announcer.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_client.h"
#include "realnet/net/http_server.h"
#include "realnet/streaming/low_latency_ingest.h"
#include "realnet/streaming/part_replicator.h"
#include "realnet/streaming/segment_replicator.h"
#include "realnet/streaming/segment_store.h"

namespace cdnlab {

struct IngestServiceConfig {
  std::string id;
  Endpoint http;           // where publishers (through the balancer) and caches reach it
  Endpoint health;         // UDP: answers health probes
  Endpoint announce_from;  // UDP: announcements leave from here
  std::vector<Endpoint> relays;
  std::optional<Endpoint> register_at;  // the balancer's admin endpoint
  IngestConfig ingest;
  AnnouncerConfig announcer;
  std::size_t max_upload_bytes = 64 << 20;
  Duration register_retry = FromMillis(500);
  Duration register_refresh = FromSeconds(5);
  // A stream whose publisher uploaded nothing for this long has ended here (it moved to
  // another ingest, or stopped without EXT-X-ENDLIST): the announcements say so.
  Duration publisher_idle = FromSeconds(10);
  TlsServerConfig tls;           // uploads and cache fetches; empty: plain HTTP
  TlsClientConfig upstream_tls;  // registration with the balancer; empty: plain HTTP
  // LL-HLS (set: each uploaded segment is a part, see low_latency_ingest.h); none: plain HLS.
  std::optional<PartPackagerConfig> low_latency;
  // Peer ingests every accepted segment is copied to (SegmentReplicator), so whichever of
  // them takes a stream over after this ingest dies continues it; empty: no replication.
  std::vector<Endpoint> replicate_to;
};

class IngestService {
 public:
  using Log = std::function<void(const std::string& line)>;

  IngestService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport, MetricsSink& metrics,
                IngestServiceConfig config, Log log);
  ~IngestService();

  // Listens (throws std::runtime_error when a port is taken), answers health probes, starts
  // announcing and registering.
  void Start();
  void Stop();
  // Graceful shutdown (SIGTERM): no new connections, the requests in flight still answered.
  void Drain() { http_.Drain(); }
  bool Drained() const { return http_.Idle(); }
  std::uint16_t HttpPort() const { return http_.Port(); }
  const StreamingHttpServer& Http() const { return http_; }
  bool Registered() const { return registered_; }
  std::uint64_t SegmentsAccepted() const { return segments_accepted_; }
  // Publisher sessions: a stream starting here (first segment, or again after it ended) to its end.
  std::uint64_t SessionsStarted() const { return sessions_started_; }
  std::uint64_t SessionsEnded() const { return sessions_ended_; }
  const IngestServer& Server() const { return *server_; }
  const LowLatencyIngest* LowLatency() const { return low_latency_.get(); }
  std::uint64_t ReplicasReceived() const { return replicas_received_; }
  const SegmentReplicator& Replicator() const { return replicator_; }
  const PartReplicator& PartReplication() const { return part_replicator_; }
  std::uint64_t PartReplicasReceived() const { return part_replicas_received_; }

 private:
  struct Upload {
    std::optional<LivePlaylist> listed;  // the publisher's newest playlist
    std::optional<std::uint64_t> last_accepted;
    bool ended = false;
    TimerId idle_timer = 0;
    std::shared_ptr<const std::string> init;  // fMP4: the init segment (EXT-X-MAP), as uploaded
  };
  void Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);
  StreamingHttpReply PutSegment(const ContentKey& key, std::string body);
  StreamingHttpReply PutReplica(const ContentKey& key, const ReplicatedSegment& replica, std::string body);
  StreamingHttpReply PutPartReplica(const StreamingHttpRequest& request, const ContentKey& key);
  StreamingHttpReply PutPlaylist(const ContentKey& key, const std::string& body);
  StreamingHttpReply Get(const ContentKey& key) const;
  // The playlist body to serve: the model's, rendered with the publisher's packaging (fMP4
  // segments and EXT-X-MAP) when the publisher's playlist has it.
  std::shared_ptr<const std::string> PlaylistBody(const ContentKey& key, const ContentResponse& response) const;
  void AcceptListed(const StreamId& stream);
  void End(const StreamId& stream, const std::string& why);
  void Register();

  AsioClock& clock_;
  DatagramTransport& transport_;
  MetricsSink& metrics_;
  IngestServiceConfig config_;
  Log log_;
  StreamingHttpServer http_;
  StreamingHttpClient client_;
  HealthResponder health_;
  StreamingSegmentStore store_;
  // Built in Start(): the announcer names the HTTP port actually bound.
  std::unique_ptr<StreamAnnouncer> announcer_;
  std::unique_ptr<IngestServer> server_;
  std::map<StreamId, Upload> uploads_;
  bool running_ = false;
  bool registered_ = false;
  bool register_failing_ = false;
  TimerId register_timer_ = 0;
  std::uint64_t segments_accepted_ = 0;
  std::uint64_t sessions_started_ = 0;
  std::uint64_t sessions_ended_ = 0;
  std::unique_ptr<LowLatencyIngest> low_latency_;  // with config_.low_latency
  SegmentReplicator replicator_;
  std::uint64_t replicas_received_ = 0;
  PartReplicator part_replicator_;  // LL-HLS with replicate_to
  std::uint64_t part_replicas_received_ = 0;
};

}  // namespace cdnlab
