#include "models/routing/probe_responder.h"

#include "models/routing/probe_packet.h"

namespace cdnlab {

ProbeResponder::ProbeResponder(Endpoint local, DatagramTransport& transport) : local_(local), transport_(transport) {}

ProbeResponder::~ProbeResponder() { Stop(); }

void ProbeResponder::Start() {
  if (bound_) return;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) {
    auto probe = ProbePacket::Decode(payload);
    if (!probe || probe->kind != ProbePacket::Kind::kRequest) return;
    probe->kind = ProbePacket::Kind::kReply;
    ++echoed_;
    transport_.Send(local_, from, probe->Encode(payload.size()));
  });
  bound_ = true;
}

void ProbeResponder::Stop() {
  if (!bound_) return;
  transport_.Unbind(local_);
  bound_ = false;
}

}  // namespace cdnlab
