#include "realnet/streaming/part_replicator.h"

#include <chrono>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/streaming/replica_query.h"

namespace cdnlab {
namespace {

// Up to 18 digits, as the replica's fields have always been read.
constexpr std::uint64_t kLargestField = 999'999'999'999'999'999ULL;

std::uint64_t Decimal(const std::map<std::string, std::string>& fields, const std::string& name) {
  return ReplicaQueryNumber(fields, name, "part replica query", kLargestField);
}

}  // namespace

std::string PartReplicaTarget(const StreamId& stream, const PartReplica& replica) {
  ContentKey key{stream, false, replica.position.sequence};
  key.part = replica.position.index;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(replica.published.duration).count();
  std::string target = fmt::format("/{}?part_replica=1&published={}&duration_us={}", key.ToString(),
                                   replica.published.sequence, us < 0 ? 0 : us);
  if (replica.published.program_date_time_ms && *replica.published.program_date_time_ms >= 0) {
    target += fmt::format("&pdt_ms={}", *replica.published.program_date_time_ms);
  }
  return target;
}

std::optional<PartReplica> PartReplicaOfTarget(const std::string& target, const ContentKey& key,
                                               std::uint32_t parts_per_segment) {
  const auto fields = ReplicaQueryFields(target);
  if (fields.find("part_replica") == fields.end()) return std::nullopt;
  if (!key.part) throw std::invalid_argument("part replica: the path must name a part (seg-<m>.part-<i>.ts)");
  PartReplica r;
  r.position = PartPosition{key.sequence, *key.part};
  r.published.sequence = Decimal(fields, "published");
  r.published.duration = std::chrono::microseconds(Decimal(fields, "duration_us"));
  if (fields.count("pdt_ms") > 0) r.published.program_date_time_ms = static_cast<std::int64_t>(Decimal(fields, "pdt_ms"));
  const std::uint32_t n = parts_per_segment == 0 ? 1 : parts_per_segment;
  if (r.published.sequence / n != r.position.sequence || r.published.sequence % n != r.position.index) {
    throw std::invalid_argument(fmt::format(
        "part replica: published segment {} is part {}.{} with --parts-per-segment {} here, not {}.{} (the peers' "
        "--parts-per-segment differ)",
        r.published.sequence, r.published.sequence / n, r.published.sequence % n, n, r.position.sequence,
        r.position.index));
  }
  return r;
}

PartReplicator::PartReplicator(boost::asio::io_context& io, std::vector<Endpoint> peers,
                               StreamingHttpClientOptions options, Log log)
    : client_(io, options), log_(std::move(log)) {
  for (Endpoint& p : peers) peers_.push_back(Peer{std::move(p), {}, false, false});
}

void PartReplicator::Replicate(const StreamId& stream, const PartReplica& replica,
                               std::shared_ptr<const std::string> bytes) {
  if (!bytes) return;
  const std::string target = PartReplicaTarget(stream, replica);
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    Peer& peer = peers_[i];
    if (peer.queue.size() >= kQueueLimit) {
      peer.queue.pop_front();
      ++dropped_;
    }
    peer.queue.push_back(Pending{target, bytes});
    if (!peer.busy) SendNext(i);
  }
}

void PartReplicator::SendNext(std::size_t i) {
  Peer& peer = peers_[i];
  if (peer.queue.empty()) {
    peer.busy = false;
    return;
  }
  peer.busy = true;
  Pending next = std::move(peer.queue.front());
  peer.queue.pop_front();
  client_.Request(peer.endpoint, "PUT", next.target, *next.bytes, "video/mp2t",
                  [this, i, alive = alive_](const StreamingHttpResponse& r) {
                    if (!*alive) return;
                    Peer& p = peers_[i];
                    const bool ok = r.ok && r.status >= 200 && r.status < 300;
                    ++(ok ? sent_ : failed_);
                    if (!ok && !p.failing) {
                      log_(fmt::format("part replication to {} failed ({}); parts ingested here are not copied "
                                       "there until it answers",
                                       p.endpoint.ToString(), r.ok ? fmt::format("HTTP {}", r.status) : r.error));
                    }
                    if (ok && p.failing) log_(fmt::format("part replication to {} works again", p.endpoint.ToString()));
                    p.failing = !ok;
                    SendNext(i);
                  });
}

}  // namespace cdnlab
