#include "models/streaming/ingest_replicas.h"

namespace cdnlab {

void IngestReplicas::Put(const StreamId& stream, const ReplicatedSegment& replica) {
  auto& held = streams_[stream];
  held[replica.segment.sequence] = replica;
  while (held.size() > capacity_) held.erase(held.begin());
}

std::vector<ReplicatedSegment> IngestReplicas::Between(const StreamId& stream, std::optional<std::uint64_t> after,
                                                       std::uint64_t before) const {
  std::vector<ReplicatedSegment> out;
  auto it = streams_.find(stream);
  if (it == streams_.end()) return out;
  auto r = after ? it->second.upper_bound(*after) : it->second.begin();
  for (; r != it->second.end() && r->first < before; ++r) {
    out.push_back(r->second);
  }
  return out;
}

const ReplicatedSegment* IngestReplicas::Find(const StreamId& stream, std::uint64_t sequence) const {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return nullptr;
  auto r = it->second.find(sequence);
  return r == it->second.end() ? nullptr : &r->second;
}

std::size_t IngestReplicas::Count(const StreamId& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.size();
}

}  // namespace cdnlab
