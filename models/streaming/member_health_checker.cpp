#include "models/streaming/member_health_checker.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace cdnlab {
namespace {

// One probe or reply: "CLHC", a kind byte, then the nonce as 8 bytes big-endian (13 bytes).
// The responder echoes the probe with the kind switched to reply.
constexpr std::uint8_t kMagic[4] = {'C', 'L', 'H', 'C'};
constexpr std::uint8_t kProbe = 1;
constexpr std::uint8_t kReply = 2;
constexpr std::size_t kMessageSize = 13;

Bytes EncodeHealthMessage(std::uint8_t kind, std::uint64_t nonce) {
  Bytes out(kMagic, kMagic + 4);
  out.push_back(kind);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(nonce >> shift));
  return out;
}

// The nonce of a well-formed message of `kind`, else nullopt.
std::optional<std::uint64_t> DecodeHealthMessage(const Bytes& payload, std::uint8_t kind) {
  if (payload.size() != kMessageSize || !std::equal(kMagic, kMagic + 4, payload.begin()) || payload[4] != kind) {
    return std::nullopt;
  }
  std::uint64_t nonce = 0;
  for (std::size_t i = 5; i < kMessageSize; ++i) nonce = (nonce << 8) | payload[i];
  return nonce;
}

}  // namespace

MemberHealthChecker::MemberHealthChecker(Endpoint local, HealthCheckConfig config, DatagramTransport& transport,
                                         TimerScheduler& timers, const Clock& clock, Change on_change)
    : local_(local),
      config_(config),
      transport_(transport),
      timers_(timers),
      clock_(clock),
      on_change_(std::move(on_change)) {
  // A zero interval would spin; a timeout is never longer than the interval, since the next
  // round settles any probe still outstanding as a miss (see Round).
  config_.interval = std::max(config_.interval, Duration{FromMillis(1)});
  config_.timeout = std::clamp(config_.timeout, Duration::zero(), config_.interval);
  config_.unhealthy_after = std::max(1, config_.unhealthy_after);
  config_.healthy_after = std::max(1, config_.healthy_after);
}

MemberHealthChecker::~MemberHealthChecker() { Stop(); }

void MemberHealthChecker::AddMember(const std::string& member, Endpoint health_endpoint) {
  auto [it, inserted] = members_.emplace(member, Member{});
  if (!inserted) {
    // Re-adding a known member only updates where it answers.
    it->second.endpoint = health_endpoint;
    return;
  }
  it->second.endpoint = health_endpoint;
}

void MemberHealthChecker::RemoveMember(const std::string& member) {
  auto it = members_.find(member);
  if (it == members_.end()) return;
  if (it->second.timeout_timer != 0) timers_.Cancel(it->second.timeout_timer);
  members_.erase(it);
}

void MemberHealthChecker::Start() {
  if (running_) return;
  running_ = true;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) { OnReply(from, payload); });
  Round();
}

void MemberHealthChecker::Stop() {
  if (!running_) return;
  running_ = false;
  timers_.Cancel(round_timer_);
  round_timer_ = 0;
  for (auto& [name, m] : members_) {
    if (m.timeout_timer != 0) timers_.Cancel(m.timeout_timer);
    m.timeout_timer = 0;
    m.outstanding = 0;
  }
  transport_.Unbind(local_);
}

bool MemberHealthChecker::Healthy(const std::string& member) const {
  auto it = members_.find(member);
  return it != members_.end() && it->second.healthy;
}

void MemberHealthChecker::Round() {
  round_timer_ = timers_.ScheduleAfter(config_.interval, [this] { Round(); });
  std::vector<std::string> names;
  for (const auto& [name, m] : members_) names.push_back(name);
  for (const std::string& name : names) {
    // The change callback may remove members or stop the checker: look everything up again.
    if (!running_) return;
    auto it = members_.find(name);
    if (it == members_.end()) continue;
    if (it->second.outstanding != 0) {
      // Its timeout has not fired yet (timeout == interval): the probe missed its round.
      timers_.Cancel(it->second.timeout_timer);
      it->second.timeout_timer = 0;
      it->second.outstanding = 0;
      Record(name, it->second, false);
      if (!running_) return;
      it = members_.find(name);
      if (it == members_.end()) continue;
    }
    Member& m = it->second;
    const std::uint64_t nonce = next_nonce_++;
    m.outstanding = nonce;
    m.timeout_timer = timers_.ScheduleAfter(config_.timeout, [this, name, nonce] {
      auto found = members_.find(name);
      if (found == members_.end() || found->second.outstanding != nonce) return;
      found->second.outstanding = 0;
      found->second.timeout_timer = 0;
      Record(name, found->second, false);
    });
    transport_.Send(local_, m.endpoint, EncodeHealthMessage(kProbe, nonce));
  }
}

void MemberHealthChecker::OnReply(const Endpoint& from, const Bytes& payload) {
  const auto nonce = DecodeHealthMessage(payload, kReply);
  if (!nonce || *nonce == 0) return;
  for (auto& [name, m] : members_) {
    // Only the member's own endpoint can answer its probe; a late reply (nonce no longer
    // outstanding) is ignored: that probe already counted as a miss.
    if (m.outstanding != *nonce || !(m.endpoint == from)) continue;
    timers_.Cancel(m.timeout_timer);
    m.timeout_timer = 0;
    m.outstanding = 0;
    const std::string member = name;  // Record may erase the map entry through the callback
    Record(member, m, true);
    return;
  }
}

void MemberHealthChecker::Record(const std::string& name, Member& m, bool answered) {
  std::optional<bool> changed;
  if (answered) {
    m.misses = 0;
    ++m.successes;
    if (!m.healthy && m.successes >= config_.healthy_after) {
      m.healthy = true;
      changed = true;
    }
  } else {
    m.successes = 0;
    ++m.misses;
    if (m.healthy && m.misses >= config_.unhealthy_after) {
      m.healthy = false;
      changed = false;
    }
  }
  // Last: the callback may add, remove or stop (m is not touched after it).
  if (changed && on_change_) on_change_(name, *changed);
}

HealthResponder::HealthResponder(Endpoint local, DatagramTransport& transport)
    : local_(local), transport_(transport) {}

HealthResponder::~HealthResponder() { Stop(); }

void HealthResponder::Start() {
  if (running_) return;
  running_ = true;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) {
    const auto nonce = DecodeHealthMessage(payload, kProbe);
    if (!nonce) return;
    transport_.Send(local_, from, EncodeHealthMessage(kReply, *nonce));
  });
}

void HealthResponder::Stop() {
  if (!running_) return;
  running_ = false;
  transport_.Unbind(local_);
}

}  // namespace cdnlab
