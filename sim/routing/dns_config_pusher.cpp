#include "sim/routing/dns_config_pusher.h"

#include "sim/routing/dns_message.h"

namespace cdnlab {

DnsConfigPusher::DnsConfigPusher(Endpoint local, Endpoint dns_config, DatagramTransport& transport,
                                 TimerScheduler& timers, Duration retransmit_after, int max_attempts)
    : local_(local),
      dns_config_(dns_config),
      transport_(transport),
      timers_(timers),
      retransmit_after_(retransmit_after),
      max_attempts_(max_attempts) {}

DnsConfigPusher::~DnsConfigPusher() { Stop(); }

void DnsConfigPusher::Start() {
  if (running_) return;
  transport_.Bind(local_, [this](const Endpoint&, const Bytes& payload) { OnAck(payload); });
  running_ = true;
}

void DnsConfigPusher::Stop() {
  if (timer_) timers_.Cancel(*timer_);
  timer_.reset();
  if (running_) transport_.Unbind(local_);
  running_ = false;
}

void DnsConfigPusher::Apply(const MappingDiff& diff) {
  queue_.push_back(diff);
  if (queue_.size() == 1) {
    attempts_ = 0;
    SendHead();
  }
}

void DnsConfigPusher::SendHead() {
  if (queue_.empty() || !running_) return;
  if (attempts_ >= max_attempts_) {
    // The DNS node is unreachable for good; later diffs cannot apply without this one.
    abandoned_ += queue_.size();
    queue_.clear();
    return;
  }
  if (attempts_ > 0) ++retransmissions_;
  ++attempts_;
  for (const auto& chunk : SplitDiff(queue_.front())) transport_.Send(local_, dns_config_, EncodeSimMessage(chunk));
  timer_ = timers_.ScheduleAfter(retransmit_after_, [this] {
    timer_.reset();
    SendHead();
  });
}

void DnsConfigPusher::OnAck(const Bytes& payload) {
  const auto message = DecodeSimMessage(payload);
  const auto* ack = message ? std::get_if<MappingDiffAck>(&*message) : nullptr;
  if (ack == nullptr || queue_.empty() || ack->version < queue_.front().to_version) return;
  acked_version_ = ack->version;
  while (!queue_.empty() && queue_.front().to_version <= ack->version) queue_.pop_front();
  if (timer_) timers_.Cancel(*timer_);
  timer_.reset();
  attempts_ = 0;
  SendHead();
}

}  // namespace cdnlab
