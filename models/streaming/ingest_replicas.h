#pragma once
// The segments a peer ingest copied here (replication) for streams it holds, so that this
// ingest, if the balancer re-homes a stream to it after the peer dies, continues the stream
// where the peer left off: same segments, same media and discontinuity sequence. Replicas are
// not live here (not announced, not served) until the publisher's first upload arrives.
// Bounded per stream (the newest `capacity`).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "models/streaming/live_stream.h"

namespace cdnlab {

// One replicated segment and the number of discontinuities up to and including it since the
// stream started (so the taker renders the same EXT-X-DISCONTINUITY-SEQUENCE).
struct ReplicatedSegment {
  SegmentInfo segment;
  std::uint64_t discontinuity_number = 0;
};

class IngestReplicas {
 public:
  explicit IngestReplicas(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Keeps a copy (a sequence already held is replaced).
  void Put(const StreamId& stream, const ReplicatedSegment& replica);
  // The replicas of `stream` with after < sequence < before (no `after`: from the oldest), ascending.
  std::vector<ReplicatedSegment> Between(const StreamId& stream, std::optional<std::uint64_t> after,
                                         std::uint64_t before) const;
  const ReplicatedSegment* Find(const StreamId& stream, std::uint64_t sequence) const;
  void Forget(const StreamId& stream) { streams_.erase(stream); }
  std::size_t Count(const StreamId& stream) const;

 private:
  std::size_t capacity_;
  std::map<StreamId, std::map<std::uint64_t, ReplicatedSegment>> streams_;
};

}  // namespace cdnlab
