#include "realnet/streaming/segment_replicator.h"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/streaming/replica_query.h"

namespace cdnlab {
namespace {

// Up to 19 digits, as the replica's fields have always been read.
constexpr std::uint64_t kLargestField = 9'999'999'999'999'999'999ULL;

std::uint64_t ParseField(const std::map<std::string, std::string>& fields, const std::string& name) {
  return ReplicaQueryNumber(fields, name, "replica query", kLargestField);
}

}  // namespace

std::string ReplicaQuery(const ReplicatedSegment& replica) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(replica.segment.duration).count();
  return fmt::format("replica=1&duration_us={}&discontinuity={}&dnum={}", us < 0 ? 0 : us,
                     replica.segment.discontinuity ? 1 : 0, replica.discontinuity_number);
}

std::optional<ReplicatedSegment> ReplicaOfTarget(const std::string& target, std::uint64_t sequence) {
  const auto fields = ReplicaQueryFields(target);
  if (fields.find("replica") == fields.end()) return std::nullopt;
  ReplicatedSegment r;
  r.segment.sequence = sequence;
  r.segment.duration = std::chrono::microseconds(ParseField(fields, "duration_us"));
  const std::uint64_t discontinuity = ParseField(fields, "discontinuity");
  if (discontinuity > 1) throw std::invalid_argument("replica query: 'discontinuity' must be 0 or 1");
  r.segment.discontinuity = discontinuity == 1;
  r.discontinuity_number = ParseField(fields, "dnum");
  return r;
}

SegmentReplicator::SegmentReplicator(boost::asio::io_context& io, std::vector<Endpoint> peers,
                                     StreamingHttpClientOptions options, Log log)
    : peers_(std::move(peers)), client_(io, options), log_(std::move(log)), failing_(peers_.size(), false) {}

void SegmentReplicator::Replicate(const StreamId& stream, const ReplicatedSegment& replica,
                                  std::shared_ptr<const std::string> bytes) {
  if (!bytes) return;
  const std::string target = "/" + ContentKey{stream, false, replica.segment.sequence}.ToString() + "?" +
                             ReplicaQuery(replica);
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    client_.Request(peers_[i], "PUT", target, *bytes, "video/mp2t", [this, i](const StreamingHttpResponse& r) {
      const bool ok = r.ok && r.status >= 200 && r.status < 300;
      ++(ok ? sent_ : failed_);
      if (!ok && !failing_[i]) {
        log_(fmt::format("replication to {} failed ({}); segments ingested here are not copied there until it "
                         "answers",
                         peers_[i].ToString(), r.ok ? fmt::format("HTTP {}", r.status) : r.error));
      }
      if (ok && failing_[i]) log_(fmt::format("replication to {} works again", peers_[i].ToString()));
      failing_[i] = !ok;
    });
  }
}

}  // namespace cdnlab
