#include "realnet/routing/probe_report_codec.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

constexpr std::size_t kMaxReportBytes = 1024;

template <typename T, typename Info>
std::optional<std::size_t> IndexOf(const std::vector<Info>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const Info& i) { return i.id == id; });
  if (it == items.end()) return std::nullopt;
  return static_cast<std::size_t>(it - items.begin());
}

}  // namespace

Bytes EncodeProbeReport(const RoutingCatalog& catalog, const ProbeOutcome& o) {
  nlohmann::ordered_json j;
  j["pop"] = catalog.pops.at(o.pop).id;
  j["group"] = catalog.groups.at(o.group).id;
  if (o.rtt_ms) j["rtt_ms"] = *o.rtt_ms;
  j["loss"] = o.loss;
  j["sent"] = o.sent;
  j["received"] = o.received;
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

std::optional<ProbeOutcome> DecodeProbeReport(const RoutingCatalog& catalog, const Bytes& payload) {
  if (payload.size() > kMaxReportBytes) return std::nullopt;
  const auto j = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("pop") || !j["pop"].is_string() || !j.contains("group") ||
      !j["group"].is_string() || !j.contains("loss") || !j["loss"].is_number() || !j.contains("sent") ||
      !j["sent"].is_number_integer() || !j.contains("received") || !j["received"].is_number_integer()) {
    return std::nullopt;
  }
  const auto pop = IndexOf<PopIndex>(catalog.pops, j["pop"].get<std::string>());
  const auto group = IndexOf<GroupIndex>(catalog.groups, j["group"].get<std::string>());
  if (!pop || !group) return std::nullopt;
  ProbeOutcome o;
  o.pop = *pop;
  o.group = *group;
  o.loss = j["loss"].get<double>();
  o.sent = j["sent"].get<int>();
  o.received = j["received"].get<int>();
  if (!(o.loss >= 0 && o.loss <= 1) || o.sent < 0 || o.received < 0 || o.received > o.sent) return std::nullopt;
  if (j.contains("rtt_ms")) {
    if (!j["rtt_ms"].is_number()) return std::nullopt;
    const double rtt = j["rtt_ms"].get<double>();
    if (!(rtt >= 0 && rtt < 60000)) return std::nullopt;
    o.rtt_ms = rtt;
  }
  return o;
}

}  // namespace cdnlab
