#pragma once
// The bytes of uploaded segments, beside the IngestServer model (which keeps only their
// SegmentInfo): per stream, sequence -> body. The ingest trims it with the same retention
// as the model's window, and bounds what an uploader can park here before its playlist
// names the segments.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "models/streaming/live_stream.h"

namespace cdnlab {

class StreamingSegmentStore {
 public:
  // `max_per_stream`: segments kept per stream at most (the oldest go first).
  explicit StreamingSegmentStore(std::size_t max_per_stream) : max_per_stream_(max_per_stream) {}

  void Put(const StreamId& stream, std::uint64_t sequence, std::shared_ptr<const std::string> body);
  std::shared_ptr<const std::string> Get(const StreamId& stream, std::uint64_t sequence) const;
  // Forgets the stream's segments below `first_kept`.
  void TrimBelow(const StreamId& stream, std::uint64_t first_kept);
  void Erase(const StreamId& stream);
  std::size_t Segments(const StreamId& stream) const;
  std::uint64_t Bytes() const { return bytes_; }

 private:
  std::size_t max_per_stream_;
  std::map<StreamId, std::map<std::uint64_t, std::shared_ptr<const std::string>>> streams_;
  std::uint64_t bytes_ = 0;
};

}  // namespace cdnlab
