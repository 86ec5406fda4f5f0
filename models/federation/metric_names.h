#pragma once
// Every metric the federation models emit, so analysis/ and sim/ never guess a name.
namespace cdnlab::federation_metrics {

inline constexpr char kMessagesSent[] = "federation.messages_sent";         // counter, label kind
inline constexpr char kMessagesReceived[] = "federation.messages_received"; // counter, label kind
inline constexpr char kRejectedMessages[] = "federation.rejected_messages"; // counter, label reason
inline constexpr char kSendFailures[] = "federation.send_failures";         // counter
inline constexpr char kRetries[] = "federation.retries";                    // counter, label kind
inline constexpr char kServerApplies[] = "federation.server_applies";       // counter: commands run by agents
inline constexpr char kDuplicateApplies[] = "federation.duplicate_applies"; // counter: repeats answered from memory
// The reliable channel under the messenger (reliable_channel.h).
inline constexpr char kTransfers[] = "federation.transfers";                  // counter, label outcome (delivered, timeout...)
inline constexpr char kFragmentsSent[] = "federation.fragments_sent";         // counter, first sends and resends
inline constexpr char kFragmentsRetransmitted[] = "federation.fragments_retransmitted";  // counter, label reason
inline constexpr char kDuplicateFragments[] = "federation.duplicate_fragments";  // counter
inline constexpr char kReassemblyRefused[] = "federation.reassembly_refused";    // counter, label reason
inline constexpr char kReassemblyExpired[] = "federation.reassembly_expired";    // counter: incomplete, dropped idle
inline constexpr char kPeerResets[] = "federation.peer_resets";                  // counter: a receiver restarted mid-transfer
inline constexpr char kTransportErrors[] = "federation.transport_errors";         // counter, label error
inline constexpr char kDeliveryFailures[] = "federation.delivery_failures";      // counter, labels kind, reason (messenger)
// Sample when a command reaches a final status at a gateway: value = ms from creation,
// labels: command (status id), platform, status, request_id.
inline constexpr char kCommandFinished[] = "federation.command_finished_ms";
// Sample when a server acknowledges: value = ms from the command's creation, labels: command, server.
inline constexpr char kServerAcknowledged[] = "federation.server_ack_ms";

}  // namespace cdnlab::federation_metrics
