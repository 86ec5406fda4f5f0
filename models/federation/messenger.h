#pragma once
// Signed federation messages over the runtime's datagram transport. A message is encoded
// (federation_codec.h), wrapped in an envelope naming the sending participant and node and
// the destination node, and signed with the sender's key. On receipt the envelope is
// checked: the destination is this node, the signer is the participant of the sending
// node, the signature verifies, the body decodes. Anything else is dropped and counted
// ("federation.rejected_messages"), never handed to a model.
#include <functional>
#include <map>
#include <string>

#include "models/federation/directory.h"
#include "models/federation/identity.h"
#include "models/federation/message.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"

namespace cdnlab {

class FederationMessenger {
 public:
  // Envelopes larger than this are not sent (one datagram, below the IPv4 UDP limit).
  static constexpr std::size_t kMaxDatagramBytes = 60000;

  using Handler = std::function<void(const std::string& from_node, const FederationMessage& message)>;

  FederationMessenger(DatagramTransport& transport, const FederationIdentity& identity,
                      const FederationDirectory& directory, MetricsSink& metrics);

  // Receives messages addressed to `node` (its endpoint comes from the directory).
  void Listen(const std::string& node, Handler handler);
  void StopListening(const std::string& node);
  // Signs as the participant of `from_node` and sends. Returns false (and counts
  // "federation.send_failures") when the message cannot be sent at all: unknown node,
  // no private key for its participant, or an envelope over kMaxDatagramBytes.
  bool Send(const std::string& from_node, const std::string& to_node, const FederationMessage& message);

 private:
  void Receive(const std::string& node, const Endpoint& from, const Bytes& payload);
  void Reject(const std::string& reason);

  DatagramTransport& transport_;
  const FederationIdentity& identity_;
  const FederationDirectory& directory_;
  MetricsSink& metrics_;
  std::map<std::string, Handler> handlers_;
};

}  // namespace cdnlab
