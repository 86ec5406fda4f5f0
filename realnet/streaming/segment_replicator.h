#pragma once
// Replication of an ingest's newest segments to its peer ingests (`--replicate-to`), so the
// ingest the balancer re-homes a stream to after a failure already has what was ingested
// before it (IngestServer::AcceptReplica) and continues the stream's window and numbering.
// Each segment an ingest accepts is PUT to every peer as
//   PUT /<stream>/seg-<n>.ts?replica=1&duration_us=D&discontinuity=0|1&dnum=N
// with the segment's bytes; fire and forget (a peer that is down just misses it: the log
// says so once until it answers again).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/net/endpoint.h"
#include "models/streaming/ingest_replicas.h"
#include "realnet/net/http_client.h"

namespace cdnlab {

// The query naming a replica (without '?'), and its inverse for a request target; nullopt
// when the target carries no replica query; throws std::invalid_argument for a malformed one.
std::string ReplicaQuery(const ReplicatedSegment& replica);
std::optional<ReplicatedSegment> ReplicaOfTarget(const std::string& target, std::uint64_t sequence);

class SegmentReplicator {
 public:
  using Log = std::function<void(const std::string& line)>;
  SegmentReplicator(boost::asio::io_context& io, std::vector<Endpoint> peers, StreamingHttpClientOptions options,
                    Log log);

  void Replicate(const StreamId& stream, const ReplicatedSegment& replica, std::shared_ptr<const std::string> bytes);
  std::uint64_t Sent() const { return sent_; }
  std::uint64_t Failed() const { return failed_; }
  bool Enabled() const { return !peers_.empty(); }

 private:
  std::vector<Endpoint> peers_;
  StreamingHttpClient client_;
  Log log_;
  std::vector<bool> failing_;  // per peer: the last replica failed (logged once)
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace cdnlab
