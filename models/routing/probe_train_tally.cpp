#include "models/routing/probe_train_tally.h"

#include <algorithm>

namespace cdnlab {

ProbeTrainTally::ProbeTrainTally(int packets)
    : packets_(std::max(packets, 0)), answered_(static_cast<std::size_t>(std::max(packets, 0)), false) {}

int ProbeTrainTally::RecordSent(std::uint64_t bytes) {
  bytes_sent_ += bytes;
  return sent_++;
}

bool ProbeTrainTally::RecordReply(std::uint64_t seq, double rtt_ms, std::uint64_t bytes) {
  if (seq >= static_cast<std::uint64_t>(sent_) || answered_[seq]) return false;
  answered_[seq] = true;
  rtts_ms_.push_back(rtt_ms);
  bytes_received_ += bytes;
  return true;
}

ProbeOutcome ProbeTrainTally::Outcome(PopIndex pop, GroupIndex group, SimTime now) const {
  ProbeOutcome o;
  o.pop = pop;
  o.group = group;
  o.finished_at = now;
  o.sent = sent_;
  o.received = static_cast<int>(rtts_ms_.size());
  o.loss = sent_ > 0 ? 1.0 - static_cast<double>(o.received) / sent_ : 0.0;
  o.bytes_sent = bytes_sent_;
  o.bytes_received = bytes_received_;
  if (!rtts_ms_.empty()) {
    std::vector<double> r = rtts_ms_;
    std::sort(r.begin(), r.end());
    const std::size_t n = r.size();
    o.rtt_ms = n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
  }
  return o;
}

}  // namespace cdnlab
