#pragma once
// The load balancer behind the ingest pool's one virtual address. Publishers only ever know
// the virtual address; the balancer keeps a session table (stream -> ingest) and picks an
// ingest for every new or reconnecting publisher session among the healthy members:
//  - consistent hashing (a ring with virtual nodes): a stream's choice depends only on the
//    stream and the member set, so any balancer replica agrees;
//  - least load: the healthy member with the fewest sessions (ties by ring order).
// Sessions are sticky: adding a member moves no session, and only the sessions of a member
// that fails (or is removed) are dropped, to be re-routed when their publishers reconnect.
// Members join and leave here only; no ingest, edge or publisher configuration changes.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/streaming/live_stream.h"

namespace cdnlab {

enum class IngestBalancing { kConsistentHash, kLeastLoad };

class IngestBalancer {
 public:
  explicit IngestBalancer(IngestBalancing mode, int virtual_nodes_per_member = 128);

  void AddMember(const std::string& ingest);     // joins healthy; a known member is a no-op
  void RemoveMember(const std::string& ingest);  // drops its sessions
  // From the health checker: an unhealthy member takes no new session and loses its sessions.
  void SetHealthy(const std::string& ingest, bool healthy);

  // A publisher (re)connects for `stream`: its current ingest if still healthy, else a new
  // choice (recorded). nullopt when no member is healthy.
  std::optional<std::string> Route(const StreamId& stream);
  void EndSession(const StreamId& stream);

  std::optional<std::string> IngestOf(const StreamId& stream) const;
  std::vector<std::string> Members() const;          // sorted
  std::vector<std::string> HealthyMembers() const;   // sorted
  std::map<std::string, std::size_t> SessionsPerMember() const;
  // Sessions that changed ingest while their old ingest was healthy. The design promises 0.
  std::uint64_t HealthySessionsMoved() const { return healthy_moves_; }

 private:
  std::optional<std::string> Choose(const StreamId& stream) const;
  std::optional<std::string> RingOwner(std::uint64_t hash) const;

  IngestBalancing mode_;
  int virtual_nodes_;
  std::map<std::string, bool> members_;             // ingest -> healthy
  std::map<std::uint64_t, std::string> ring_;       // point -> ingest (all members)
  std::map<StreamId, std::string> sessions_;
  std::uint64_t healthy_moves_ = 0;
};

// 64-bit FNV-1a: stable across platforms and runs (the ring must not depend on std::hash).
std::uint64_t StableHash64(const std::string& text);

}  // namespace cdnlab
