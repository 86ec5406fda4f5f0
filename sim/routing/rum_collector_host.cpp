#include "sim/routing/rum_collector_host.h"

#include <string_view>
#include <variant>

#include "models/routing/metric_names.h"

namespace cdnlab {

RumCollectorHost::RumCollectorHost(Endpoint local, BeaconCollector& collector, DatagramTransport& transport,
                                   MetricsSink& metrics, BeaconDecodeLimits limits)
    : local_(local), collector_(collector), transport_(transport), metrics_(metrics), limits_(limits) {}

RumCollectorHost::~RumCollectorHost() { Stop(); }

void RumCollectorHost::Start() {
  if (running_) return;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) { OnDatagram(from, payload); });
  running_ = true;
}

void RumCollectorHost::Stop() {
  if (running_) transport_.Unbind(local_);
  running_ = false;
}

void RumCollectorHost::OnDatagram(const Endpoint& from, const Bytes& payload) {
  const std::string_view body(reinterpret_cast<const char*>(payload.data()), payload.size());
  const auto decoded = DecodeBeacon(body, from.RequireV4("the RUM collector"), limits_);
  if (const auto* error = std::get_if<BeaconDecodeError>(&decoded)) {
    const char* verdict = error->kind == BeaconDecodeError::Kind::kOversized ? "oversized" : "malformed";
    ++by_verdict_[verdict];
    metrics_.Count(metric::kRumBeacons, 1, {{metric::kLabelVerdict, verdict}});
    return;
  }
  ++by_verdict_[BeaconVerdictName(collector_.Accept(std::get<Beacon>(decoded)))];
}

std::map<std::string, std::uint64_t> RumCollectorHost::BeaconsByVerdict() const { return by_verdict_; }

}  // namespace cdnlab
