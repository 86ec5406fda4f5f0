#include "models/federation/messenger.h"

#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "models/federation/codec.h"
#include "models/federation/metric_names.h"

namespace cdnlab {
namespace {

// What the signature covers: every envelope field but the signature itself, so no field can
// be swapped without breaking it. Fields never contain '\n' (checked on receipt).
std::string SignedText(const std::string& from, const std::string& node, const std::string& to,
                       const std::string& body) {
  return from + "\n" + node + "\n" + to + "\n" + body;
}

struct Envelope {
  std::string from, node, to, body, sig;
};

// Exactly the five string members, or nothing.
std::optional<Envelope> ParseEnvelope(const Bytes& payload) {
  const auto j = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 5) return std::nullopt;
  Envelope e;
  for (auto [name, field] : {std::pair{"from", &e.from}, std::pair{"node", &e.node}, std::pair{"to", &e.to},
                             std::pair{"body", &e.body}, std::pair{"sig", &e.sig}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    *field = it->get<std::string>();
  }
  for (const std::string* header : {&e.from, &e.node, &e.to}) {
    if (header->empty() || header->find('\n') != std::string::npos) return std::nullopt;
  }
  return e;
}

}  // namespace

FederationMessenger::FederationMessenger(DatagramTransport& transport, const Clock& clock, TimerScheduler& timers,
                                         RandomSource& random, const FederationIdentity& identity,
                                         const FederationDirectory& directory, MetricsSink& metrics,
                                         TransferLimits limits)
    : channel_(transport, clock, timers, random, metrics, limits),
      identity_(identity),
      directory_(directory),
      metrics_(metrics) {}

void FederationMessenger::Listen(const std::string& node, Handler handler) {
  const auto endpoint = directory_.EndpointOf(node);
  if (!endpoint) throw std::invalid_argument("federation node '" + node + "' is not in the directory");
  const bool bound = handlers_.count(node) > 0;
  handlers_[node] = std::move(handler);  // listening again only swaps the handler
  if (!bound) {
    channel_.Bind(*endpoint, [this, node](const Endpoint& from, const Bytes& message) { Receive(node, from, message); });
  }
}

void FederationMessenger::StopListening(const std::string& node) {
  if (handlers_.erase(node) == 0) return;
  if (const auto endpoint = directory_.EndpointOf(node)) channel_.Unbind(*endpoint);
}

bool FederationMessenger::Send(const std::string& from_node, const std::string& to_node,
                               const FederationMessage& message, DeliveryHandler on_outcome) {
  const auto from = directory_.EndpointOf(from_node);
  const auto to = directory_.EndpointOf(to_node);
  const auto participant = directory_.ParticipantOf(from_node);
  std::optional<std::string> signature;
  std::string text;
  if (from && to && participant) {
    const std::string body = EncodeFederationMessage(message);
    signature = identity_.Sign(*participant, SignedText(*participant, from_node, to_node, body));
    if (signature) {
      nlohmann::ordered_json envelope;
      envelope["from"] = *participant;
      envelope["node"] = from_node;
      envelope["to"] = to_node;
      envelope["body"] = body;
      envelope["sig"] = *signature;
      text = envelope.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    }
  }
  if (!signature) {
    metrics_.Count(federation_metrics::kSendFailures, 1);
    return false;
  }
  const std::string kind = KindOf(message);
  channel_.Send(*from, *to, Bytes(text.begin(), text.end()),
                [this, kind, cb = std::move(on_outcome)](const DeliveryOutcome& outcome) {
                  if (!outcome.Delivered()) {
                    metrics_.Count(federation_metrics::kDeliveryFailures, 1,
                                   {{"kind", kind}, {"reason", ToString(outcome.failure)}});
                  }
                  if (cb) cb(outcome);
                });
  metrics_.Count(federation_metrics::kMessagesSent, 1, {{"kind", kind}});
  return true;
}

void FederationMessenger::Receive(const std::string& node, const Endpoint& /*from*/, const Bytes& payload) {
  // The sender's address proves nothing (spoofable, NAT); the signature does. The channel
  // already bounded the size (TransferLimits::max_message_bytes).
  const auto envelope = ParseEnvelope(payload);
  if (!envelope) return Reject("malformed");
  if (envelope->to != node) return Reject("wrong_destination");
  const auto participant = directory_.ParticipantOf(envelope->node);
  if (!participant) return Reject("unknown_node");
  if (*participant != envelope->from) return Reject("wrong_participant");
  if (!identity_.Knows(envelope->from)) return Reject("unknown_participant");
  const std::string signed_text = SignedText(envelope->from, envelope->node, envelope->to, envelope->body);
  if (!identity_.Verify(envelope->from, signed_text, envelope->sig)) return Reject("bad_signature");
  auto decoded = DecodeFederationMessage(envelope->body);
  auto* message = std::get_if<FederationMessage>(&decoded);
  if (!message) return Reject("bad_body");
  auto it = handlers_.find(node);
  if (it == handlers_.end()) return;  // stopped listening while the datagram was in flight
  metrics_.Count(federation_metrics::kMessagesReceived, 1, {{"kind", KindOf(*message)}});
  const Handler handler = it->second;  // a copy: the handler may stop listening
  handler(envelope->node, *message);
}

void FederationMessenger::Reject(const std::string& reason) {
  metrics_.Count(federation_metrics::kRejectedMessages, 1, {{"reason", reason}});
}

}  // namespace cdnlab
