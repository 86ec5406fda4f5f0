#pragma once
// The receiver's side of the reliable channel: puts the fragments of each incoming message
// back together, within fixed memory. A message's whole buffer is reserved when its first
// fragment arrives and charged to its sending endpoint and to the total; when either budget
// (TransferLimits) would be exceeded, the message is refused, never buffered. Completed
// message ids are remembered (a bounded number), so a duplicate fragment of a delivered
// message is acknowledged again instead of delivering the message twice.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <variant>

#include "models/core/sim_time.h"
#include "models/federation/fragment.h"
#include "models/federation/transfer_limits.h"
#include "models/net/endpoint.h"

namespace cdnlab {

class Reassembler {
 public:
  explicit Reassembler(const TransferLimits& limits) : limits_(limits) {}

  struct Key {
    Endpoint local, peer;
    std::uint64_t message_id;
    bool operator<(const Key& o) const {
      return std::tie(local, peer, message_id) < std::tie(o.local, o.peer, o.message_id);
    }
  };

  // What to do with one data fragment: answer with `ack` (or `refusal`), and, when it
  // completed a message, hand `message` on.
  struct Result {
    std::optional<FragmentAck> ack;
    std::optional<TransferRefusal> refusal;
    std::optional<Bytes> message;
    bool duplicate = false;  // the fragment was already held (or its message delivered)
  };
  Result Add(const Endpoint& local, const Endpoint& peer, const DataFragment& fragment, SimTime now,
             std::uint64_t incarnation);

  // Drops every incomplete message idle since before `now - reassembly_timeout`; returns how many.
  std::size_t Expire(SimTime now);
  // Drops everything addressed to `local` (the endpoint stopped listening).
  void Forget(const Endpoint& local);

  std::size_t ReservedBytes() const { return reserved_total_; }
  std::size_t ReservedBytes(const Endpoint& peer) const;
  std::size_t Incomplete() const { return partial_.size(); }

 private:
  struct Partial {
    Bytes buffer;
    std::vector<bool> held;
    std::uint32_t held_count = 0;
    std::uint32_t fragment_bytes = 0;
    std::size_t reserved = 0;  // bytes charged to the budgets until released
    SimTime last_fragment{0};
  };
  FragmentAck AckOf(const Key& key, const Partial& p, std::uint64_t incarnation) const;
  void Release(std::map<Key, Partial>::iterator it);
  void RememberCompleted(const Key& key);

  const TransferLimits& limits_;
  std::map<Key, Partial> partial_;
  std::map<Endpoint, std::size_t> reserved_by_peer_;
  std::size_t reserved_total_ = 0;
  std::set<Key> completed_;
  std::deque<Key> completed_order_;
};

}  // namespace cdnlab
