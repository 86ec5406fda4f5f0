#pragma once
// Replication of an LL-HLS ingest's parts to its peer ingests (`--replicate-to` with
// `--parts-per-segment`): SegmentReplicator copies only complete segments, so without this the
// parts of the segment being built die with the ingest, and the peer taking the stream over
// starts the open segment with parts missing (players skip them). Each part the ingest accepts
// (the publisher's short segment k, part k % N of segment k / N) is PUT to every peer as
//   PUT /<stream>/seg-<m>.part-<i>.ts?part_replica=1&published=<k>&duration_us=<D>[&pdt_ms=<P>]
// with the part's bytes; the peer packages it the same way (LowLatencyIngest::AcceptReplica),
// so its parts, numbering and preload hint are the holder's. Parts go to each peer in order,
// one request at a time (a peer's packager drops a part older than one it already has); a peer
// that is down misses them (logged once until it answers again), at most kQueueLimit wait.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/net/endpoint.h"
#include "models/streaming/live_stream.h"
#include "models/streaming/low_latency_playlist.h"
#include "realnet/net/http_client.h"

namespace cdnlab {

// One replicated part: the publisher's short segment (sequence k, duration, program date time)
// and where the holder packaged it.
struct PartReplica {
  SegmentInfo published;
  PartPosition position;
};

// The request target naming a replica, and its inverse; nullopt when the target carries no
// part_replica query; throws std::invalid_argument naming the field for a malformed one, or when
// the position in the path is not where `parts_per_segment` puts the published segment (the
// peers were started with different --parts-per-segment).
std::string PartReplicaTarget(const StreamId& stream, const PartReplica& replica);
std::optional<PartReplica> PartReplicaOfTarget(const std::string& target, const ContentKey& key,
                                               std::uint32_t parts_per_segment);

class PartReplicator {
 public:
  using Log = std::function<void(const std::string& line)>;
  static constexpr std::size_t kQueueLimit = 64;  // per peer: 32 s of 0.5 s parts

  PartReplicator(boost::asio::io_context& io, std::vector<Endpoint> peers, StreamingHttpClientOptions options, Log log);
  ~PartReplicator() { *alive_ = false; }

  void Replicate(const StreamId& stream, const PartReplica& replica, std::shared_ptr<const std::string> bytes);
  bool Enabled() const { return !peers_.empty(); }
  std::uint64_t Sent() const { return sent_; }
  std::uint64_t Failed() const { return failed_; }
  std::uint64_t Dropped() const { return dropped_; }  // queue full: the oldest waiting part

 private:
  struct Pending {
    std::string target;
    std::shared_ptr<const std::string> bytes;
  };
  struct Peer {
    Endpoint endpoint;
    std::deque<Pending> queue;
    bool busy = false;
    bool failing = false;  // the last part failed (logged once)
  };
  void SendNext(std::size_t peer);

  std::vector<Peer> peers_;
  StreamingHttpClient client_;
  Log log_;
  // Answers arriving after this replicator is gone are ignored.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace cdnlab
