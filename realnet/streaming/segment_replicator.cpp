#include "realnet/streaming/segment_replicator.h"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace cdnlab {
namespace {

std::uint64_t ParseField(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty() || it->second.size() > 19 ||
      it->second.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("replica query: '" + name + "' missing or not a decimal number");
  }
  return std::stoull(it->second);
}

}  // namespace

std::string ReplicaQuery(const ReplicatedSegment& replica) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(replica.segment.duration).count();
  return fmt::format("replica=1&duration_us={}&discontinuity={}&dnum={}", us < 0 ? 0 : us,
                     replica.segment.discontinuity ? 1 : 0, replica.discontinuity_number);
}

std::optional<ReplicatedSegment> ReplicaOfTarget(const std::string& target, std::uint64_t sequence) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::map<std::string, std::string> fields;
  std::size_t from = q + 1;
  while (from <= target.size()) {
    auto amp = target.find('&', from);
    if (amp == std::string::npos) amp = target.size();
    const std::string pair = target.substr(from, amp - from);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) fields[pair.substr(0, eq)] = pair.substr(eq + 1);
    from = amp + 1;
  }
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
