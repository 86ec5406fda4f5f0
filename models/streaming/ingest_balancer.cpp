#include "models/streaming/ingest_balancer.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace cdnlab {

std::uint64_t StableHash64(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return hash;
}

namespace {

// FNV-1a alone is a poor ring position: names differing only in their last characters
// ("ingest-0#1", "ingest-0#2", "stream-17") differ mostly in the low bits times the FNV prime,
// so a member's virtual nodes bunch together and one member took ~70% of 1000 streams. Ring
// positions (of points and of streams alike) are therefore StableHash64 followed by the
// MurmurHash3 64-bit finaliser: still a pure, platform-independent function of the name.
std::uint64_t RingPosition(const std::string& text) {
  std::uint64_t h = StableHash64(text);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

IngestBalancer::IngestBalancer(IngestBalancing mode, int virtual_nodes_per_member)
    : mode_(mode), virtual_nodes_(std::max(1, virtual_nodes_per_member)) {}

void IngestBalancer::AddMember(const std::string& ingest) {
  if (!members_.emplace(ingest, true).second) return;
  for (int i = 0; i < virtual_nodes_; ++i) {
    const std::uint64_t point = RingPosition(ingest + "#" + std::to_string(i));
    // A 64-bit collision between two members is (practically) impossible; should one happen,
    // the smaller name owns the point whatever the order members joined in.
    auto [it, inserted] = ring_.emplace(point, ingest);
    if (!inserted && ingest < it->second) it->second = ingest;
  }
}

void IngestBalancer::RemoveMember(const std::string& ingest) {
  if (members_.erase(ingest) == 0) return;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second == ingest ? sessions_.erase(it) : std::next(it);
  }
  // Rebuild the ring from the remaining members, so a point it shared with another member
  // (see AddMember) goes back to that member.
  ring_.clear();
  const auto remaining = members_;
  members_.clear();
  for (const auto& [name, healthy] : remaining) {
    AddMember(name);
    members_[name] = healthy;
  }
}

void IngestBalancer::SetHealthy(const std::string& ingest, bool healthy) {
  auto it = members_.find(ingest);
  if (it == members_.end() || it->second == healthy) return;
  it->second = healthy;
  if (healthy) return;
  for (auto s = sessions_.begin(); s != sessions_.end();) {
    s = s->second == ingest ? sessions_.erase(s) : std::next(s);
  }
}

std::optional<std::string> IngestBalancer::Route(const StreamId& stream) {
  auto current = sessions_.find(stream);
  if (current != sessions_.end()) {
    auto member = members_.find(current->second);
    if (member != members_.end() && member->second) return current->second;
  }
  std::optional<std::string> choice = Choose(stream);
  if (!choice) return std::nullopt;
  if (current != sessions_.end()) {
    // Unreachable by construction (sessions of unhealthy or removed members are dropped at
    // once), but counted where it would happen so the promise is checked, not assumed.
    auto member = members_.find(current->second);
    if (member != members_.end() && member->second && current->second != *choice) ++healthy_moves_;
    current->second = *choice;
  } else {
    sessions_.emplace(stream, *choice);
  }
  return choice;
}

void IngestBalancer::EndSession(const StreamId& stream) { sessions_.erase(stream); }

std::optional<std::string> IngestBalancer::IngestOf(const StreamId& stream) const {
  auto it = sessions_.find(stream);
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> IngestBalancer::Members() const {
  std::vector<std::string> out;
  for (const auto& [name, healthy] : members_) out.push_back(name);
  return out;
}

std::vector<std::string> IngestBalancer::HealthyMembers() const {
  std::vector<std::string> out;
  for (const auto& [name, healthy] : members_) {
    if (healthy) out.push_back(name);
  }
  return out;
}

std::map<std::string, std::size_t> IngestBalancer::SessionsPerMember() const {
  std::map<std::string, std::size_t> out;
  for (const auto& [name, healthy] : members_) out[name] = 0;
  for (const auto& [stream, ingest] : sessions_) ++out[ingest];
  return out;
}

std::optional<std::string> IngestBalancer::RingOwner(std::uint64_t hash) const {
  if (ring_.empty()) return std::nullopt;
  // Walk clockwise from the first point >= hash, wrapping once, to the first healthy owner.
  auto it = ring_.lower_bound(hash);
  for (std::size_t step = 0; step < ring_.size(); ++step, ++it) {
    if (it == ring_.end()) it = ring_.begin();
    if (members_.at(it->second)) return it->second;
  }
  return std::nullopt;
}

std::optional<std::string> IngestBalancer::Choose(const StreamId& stream) const {
  const std::uint64_t hash = RingPosition(stream);
  if (mode_ == IngestBalancing::kConsistentHash) return RingOwner(hash);

  // Least load: the fewest sessions among healthy members; ties go to the member that comes
  // first on the ring walked from the stream's point (so ties are spread, and deterministic).
  const auto load = SessionsPerMember();
  std::size_t fewest = std::numeric_limits<std::size_t>::max();
  for (const auto& [name, healthy] : members_) {
    if (healthy) fewest = std::min(fewest, load.at(name));
  }
  if (fewest == std::numeric_limits<std::size_t>::max() || ring_.empty()) return std::nullopt;
  auto it = ring_.lower_bound(hash);
  for (std::size_t step = 0; step < ring_.size(); ++step, ++it) {
    if (it == ring_.end()) it = ring_.begin();
    if (members_.at(it->second) && load.at(it->second) == fewest) return it->second;
  }
  return std::nullopt;  // unreachable: every member owns at least one point
}

}  // namespace cdnlab
