#pragma once
// Signed federation messages of any length over the runtime's datagram transport. A message
// is encoded (codec.h), wrapped in an envelope naming the sending participant and node and
// the destination node, and signed with the sender's key; the envelope travels through a
// ReliableChannel (fragments, acknowledgements, bounded memory), so the signature covers
// the whole message however many datagrams carry it. On receipt the envelope is
// checked: the destination is this node, the signer is the participant of the sending
// node, the signature verifies, the body decodes. Anything else is dropped and counted
// ("federation.rejected_messages"), never handed to a model.
#include <functional>
#include <map>
#include <string>

#include "models/federation/directory.h"
#include "models/federation/identity.h"
#include "models/federation/message.h"
#include "models/federation/reliable_channel.h"
#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

class FederationMessenger {
 public:
  using Handler = std::function<void(const std::string& from_node, const FederationMessage& message)>;
  using DeliveryHandler = ReliableChannel::OutcomeHandler;

  FederationMessenger(DatagramTransport& transport, const Clock& clock, TimerScheduler& timers, RandomSource& random,
                      const FederationIdentity& identity, const FederationDirectory& directory, MetricsSink& metrics,
                      TransferLimits limits = {});

  // Receives messages addressed to `node` (its endpoint comes from the directory).
  void Listen(const std::string& node, Handler handler);
  void StopListening(const std::string& node);
  // Signs as the participant of `from_node` and sends. Returns false (and counts
  // "federation.send_failures") when the message cannot be sent at all: unknown node or no
  // private key for its participant; `on_outcome` is then never called. Otherwise
  // `on_outcome` (may be empty) later says whether the receiving node got the whole message
  // (failures are counted as "federation.delivery_failures" by kind and reason).
  bool Send(const std::string& from_node, const std::string& to_node, const FederationMessage& message,
            DeliveryHandler on_outcome = {});

  const ReliableChannel& Channel() const { return channel_; }

 private:
  void Receive(const std::string& node, const Endpoint& from, const Bytes& payload);
  void Reject(const std::string& reason);

  ReliableChannel channel_;
  const FederationIdentity& identity_;
  const FederationDirectory& directory_;
  MetricsSink& metrics_;
  std::map<std::string, Handler> handlers_;
};

}  // namespace cdnlab
