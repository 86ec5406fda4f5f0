#include "models/routing/probe_agent.h"

#include "models/routing/probe_packet.h"

namespace cdnlab {

ProbeAgent::ProbeAgent(PopIndex pop, Endpoint local, DatagramTransport& transport, Clock& clock,
                       TimerScheduler& timers)
    : pop_(pop), local_(local), transport_(transport), clock_(clock),
      pacer_(pop, clock, timers, [this](std::uint64_t train_id, int seq, const ProbeTrainSpec& spec) {
        return SendProbe(train_id, seq, spec);
      }) {}

ProbeAgent::~ProbeAgent() { Stop(); }

void ProbeAgent::Start() {
  if (bound_) return;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) { OnDatagram(from, payload); });
  bound_ = true;
}

void ProbeAgent::Stop() {
  pacer_.Abandon();
  if (bound_) transport_.Unbind(local_);
  bound_ = false;
}

void ProbeAgent::RunTrain(const ProbeTrainSpec& spec, Done done) { pacer_.Run(spec, std::move(done)); }

std::size_t ProbeAgent::SendProbe(std::uint64_t train_id, int seq, const ProbeTrainSpec& spec) {
  ProbePacket probe;
  probe.kind = ProbePacket::Kind::kRequest;
  probe.seq = static_cast<std::uint16_t>(seq);
  probe.train_id = train_id;
  probe.sent_at_ns = clock_.Now().count();
  Bytes bytes = probe.Encode(spec.packet_bytes);
  const std::size_t size = bytes.size();
  transport_.Send(local_, spec.target, std::move(bytes));
  return size;
}

void ProbeAgent::OnDatagram(const Endpoint& from, const Bytes& payload) {
  const auto probe = ProbePacket::Decode(payload);
  if (!probe || probe->kind != ProbePacket::Kind::kReply) return;
  pacer_.OnEcho(probe->train_id, probe->seq, from.address, SimTime(probe->sent_at_ns), payload.size());
}

}  // namespace cdnlab
