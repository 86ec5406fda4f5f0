#include "realnet/routing/probe_report_codec.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

constexpr std::size_t kMaxReportBytes = 1024;
constexpr std::size_t kSignatureHexDigits = 128;  // Ed25519: 64 bytes

template <typename Info>
std::optional<std::size_t> IndexOf(const std::vector<Info>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const Info& i) { return i.id == id; });
  if (it == items.end()) return std::nullopt;
  return static_cast<std::size_t>(it - items.begin());
}

bool IsHexDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool Has(const nlohmann::json& j, const char* key, nlohmann::json::value_t type) {
  if (!j.contains(key)) return false;
  const auto& v = j[key];
  switch (type) {
    case nlohmann::json::value_t::number_unsigned: return v.is_number_unsigned();
    case nlohmann::json::value_t::number_integer: return v.is_number_integer();
    case nlohmann::json::value_t::number_float: return v.is_number();
    case nlohmann::json::value_t::string: return v.is_string();
    default: return false;
  }
}

}  // namespace

std::string EncodeProbeReportBody(const RoutingCatalog& catalog, const ProbeReport& r) {
  const ProbeOutcome& o = r.outcome;
  nlohmann::ordered_json j;
  j["pop"] = catalog.pops.at(o.pop).id;
  j["group"] = catalog.groups.at(o.group).id;
  if (o.rtt_ms) j["rtt_ms"] = *o.rtt_ms;
  j["loss"] = o.loss;
  j["sent"] = o.sent;
  j["received"] = o.received;
  j["seq"] = r.sequence;
  j["sent_at_ms"] = r.sent_at_ms;
  return j.dump();
}

Bytes EncodeProbeReportFrame(const ProbeReportFrame& frame) {
  Bytes out(frame.body.begin(), frame.body.end());
  if (!frame.signature_hex.empty()) {
    out.push_back('\n');
    out.insert(out.end(), frame.signature_hex.begin(), frame.signature_hex.end());
  }
  return out;
}

std::optional<ProbeReportFrame> DecodeProbeReportFrame(const Bytes& payload) {
  if (payload.size() > kMaxReportBytes) return std::nullopt;
  const std::string text(payload.begin(), payload.end());
  const auto newline = text.find('\n');
  if (newline == std::string::npos) return ProbeReportFrame{text, ""};
  ProbeReportFrame frame{text.substr(0, newline), text.substr(newline + 1)};
  if (frame.signature_hex.size() != kSignatureHexDigits || !IsHexDigits(frame.signature_hex)) return std::nullopt;
  return frame;
}

DecodedProbeReport DecodeProbeReportBody(const RoutingCatalog& catalog, const std::string& body) {
  using Type = nlohmann::json::value_t;
  DecodedProbeReport out;
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !Has(j, "pop", Type::string) || !Has(j, "group", Type::string) ||
      !Has(j, "loss", Type::number_float) || !Has(j, "sent", Type::number_integer) ||
      !Has(j, "received", Type::number_integer) || !Has(j, "seq", Type::number_unsigned) ||
      !Has(j, "sent_at_ms", Type::number_integer)) {
    return out;
  }
  const auto group = IndexOf(catalog.groups, j["group"].get<std::string>());
  if (!group) return out;
  ProbeOutcome o;
  o.group = *group;
  o.loss = j["loss"].get<double>();
  o.sent = j["sent"].get<int>();
  o.received = j["received"].get<int>();
  if (!(o.loss >= 0 && o.loss <= 1) || o.sent < 0 || o.received < 0 || o.received > o.sent) return out;
  if (j.contains("rtt_ms")) {
    if (!j["rtt_ms"].is_number()) return out;
    const double rtt = j["rtt_ms"].get<double>();
    if (!(rtt >= 0 && rtt < 60000)) return out;
    o.rtt_ms = rtt;
  }
  out.pop_id = j["pop"].get<std::string>();
  const auto pop = IndexOf(catalog.pops, out.pop_id);
  if (!pop) {
    out.status = DecodedProbeReport::Status::kUnknownPop;
    return out;
  }
  o.pop = *pop;
  out.report = ProbeReport{o, j["seq"].get<std::uint64_t>(), j["sent_at_ms"].get<std::int64_t>()};
  out.status = DecodedProbeReport::Status::kOk;
  return out;
}

}  // namespace cdnlab
