#pragma once
// A tiny deterministic runtime for unit tests of models/: virtual time that advances only
// when the test runs events, one-shot timers, and a datagram transport with a fixed
// (or per-pair) one-way delay and optional drop rules. Header-only; no threads, no sockets.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab::testing {

class ManualRuntime final : public Clock, public TimerScheduler, public DatagramTransport {
 public:
  SimTime Now() const override { return now_; }

  TimerId ScheduleAfter(Duration delay, std::function<void()> callback) override {
    if (delay < Duration::zero()) delay = Duration::zero();
    const TimerId id = next_id_++;
    queue_.emplace(std::make_pair(now_ + delay, id), std::move(callback));
    return id;
  }
  void Cancel(TimerId id) override {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->first.second == id) {
        queue_.erase(it);
        return;
      }
    }
  }

  // Runs every event due at or before `until`, in time order (ties in scheduling order).
  void RunUntil(SimTime until) {
    while (!queue_.empty() && queue_.begin()->first.first <= until) {
      auto node = queue_.extract(queue_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    if (until > now_) now_ = until;
  }
  void RunFor(Duration d) { RunUntil(now_ + d); }
  std::size_t PendingEvents() const { return queue_.size(); }

  // --- DatagramTransport ---
  void Bind(const Endpoint& local, ReceiveHandler handler) override {
    if (!handlers_.emplace(local, std::move(handler)).second) {
      throw std::logic_error("endpoint bound twice: " + local.ToString());
    }
  }
  void Unbind(const Endpoint& local) override { handlers_.erase(local); }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override {
    ++sent_;
    if (drop_ && drop_(from, to, payload)) return;
    ScheduleAfter(DelayBetween(from.address, to.address), [this, from, to, p = std::move(payload)] {
      auto it = handlers_.find(to);
      if (it != handlers_.end()) it->second(from, p);
    });
  }

  // One-way delay for datagrams; per-pair overrides win over the default.
  void SetDefaultDelay(Duration d) { default_delay_ = d; }
  void SetDelay(const IpAddress& a, const IpAddress& b, Duration d) {
    pair_delay_[{a.V4().value, b.V4().value}] = d;  // IPv4 pairs only
    pair_delay_[{b.V4().value, a.V4().value}] = d;
  }
  // Return true from the rule to drop a datagram.
  void SetDropRule(std::function<bool(const Endpoint&, const Endpoint&, const Bytes&)> rule) {
    drop_ = std::move(rule);
  }
  std::uint64_t DatagramsSent() const { return sent_; }

 private:
  // IPv6 endpoints take the default delay.
  Duration DelayBetween(const IpAddress& a, const IpAddress& b) const {
    if (a.IsV6() || b.IsV6()) return default_delay_;
    auto it = pair_delay_.find({a.V4().value, b.V4().value});
    return it == pair_delay_.end() ? default_delay_ : it->second;
  }

  SimTime now_{0};
  TimerId next_id_ = 1;
  std::map<std::pair<SimTime, TimerId>, std::function<void()>> queue_;
  std::map<Endpoint, ReceiveHandler> handlers_;
  Duration default_delay_ = std::chrono::milliseconds(10);
  std::map<std::pair<std::uint32_t, std::uint32_t>, Duration> pair_delay_;
  std::function<bool(const Endpoint&, const Endpoint&, const Bytes&)> drop_;
  std::uint64_t sent_ = 0;
};

}  // namespace cdnlab::testing
