#pragma once
#include <cstdint>
#include <vector>

#include "models/routing/probe_train.h"

namespace cdnlab {

// The bookkeeping of one probe train, whatever carries it (UDP probes, ICMP echo): what was
// sent, which sequence numbers were answered and how fast, and the resulting ProbeOutcome.
class ProbeTrainTally {
 public:
  explicit ProbeTrainTally(int packets);

  // The sequence number of the probe just sent.
  int RecordSent(std::uint64_t bytes);
  // False (and nothing recorded) for a sequence number not sent yet or already answered.
  bool RecordReply(std::uint64_t seq, double rtt_ms, std::uint64_t bytes);

  int Sent() const { return sent_; }
  bool AllSent() const { return sent_ >= packets_; }
  bool AllAnswered() const { return static_cast<int>(rtts_ms_.size()) == packets_; }
  // Median RTT of the answers (robust to one queued probe), loss = unanswered / sent.
  ProbeOutcome Outcome(PopIndex pop, GroupIndex group, SimTime now) const;

 private:
  int packets_;
  int sent_ = 0;
  std::vector<bool> answered_;
  std::vector<double> rtts_ms_;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
};

}  // namespace cdnlab
