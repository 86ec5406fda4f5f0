#include "analysis/report/summary_tables.h"

#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace cdnlab::report {
namespace {

using Json = nlohmann::ordered_json;

const Json* At(const Json& j, const std::string& pointer) {
  try {
    const Json::json_pointer p(pointer);
    if (!j.contains(p)) return nullptr;
    return &j.at(p);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string Cell(const Json& j, const std::string& pointer) {
  const Json* v = At(j, pointer);
  return v ? HtmlEscape(FormatJsonScalar(*v)) : "-";
}

// One row per metric: (label, JSON pointer), skipping metrics the summary lacks.
std::string MetricTable(const Json& j, const std::vector<std::pair<const char*, const char*>>& rows,
                        const char* table_id) {
  std::string out = fmt::format("<table class=\"summary\" id=\"{}\"><tr><th>metric</th><th>value</th></tr>\n", table_id);
  for (const auto& [label, pointer] : rows) {
    if (!At(j, pointer)) continue;
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n", HtmlEscape(label), Cell(j, pointer));
  }
  return out + "</table>\n";
}

void Flatten(const Json& j, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array()) {
    bool scalars = true;
    for (const auto& v : j) scalars = scalars && !v.is_structured();
    if (scalars) {
      std::string text;
      for (const auto& v : j) text += (text.empty() ? "" : ", ") + FormatJsonScalar(v);
      out.emplace_back(path, "[" + text + "]");
      return;
    }
    for (std::size_t i = 0; i < j.size(); ++i) Flatten(j[i], fmt::format("{}[{}]", path, i), out);
  } else {
    out.emplace_back(path, FormatJsonScalar(j));
  }
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatJsonScalar(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:.6g}", v);
  }
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string RoutingSummaryTable(const Json& routing) {
  static const std::vector<std::pair<const char*, const char*>> kColumns = {
      {"policy", "/policy"},
      {"map by", "/map_by"},
      {"DNS TTL (s)", "/dns_ttl_s"},
      {"regret p50 (ms)", "/regret_ms/p50"},
      {"regret p95 (ms)", "/regret_ms/p95"},
      {"regret mean (ms)", "/regret_ms/mean"},
      {"download p50 (ms)", "/download_ms/p50"},
      {"download p95 (ms)", "/download_ms/p95"},
      {"flaps /group/h", "/flaps/per_group_per_hour"},
      {"DNS queries /min", "/dns_queries_per_min"},
      {"measurement pkts /group/min", "/measurement_overhead/packets_per_group_per_min"},
      {"peak load ratio", "/overload/peak_ratio"},
  };
  std::string out = "<table class=\"summary\" id=\"summary-routing\"><tr><th>label</th>";
  for (const auto& [label, _] : kColumns) out += "<th>" + HtmlEscape(label) + "</th>";
  out += "</tr>\n";
  if (routing.is_object()) {
    for (const auto& [label, p] : routing.items()) {
      out += "<tr><td>" + HtmlEscape(label) + "</td>";
      for (const auto& [_, pointer] : kColumns) out += "<td class=\"num\">" + Cell(p, pointer) + "</td>";
      out += "</tr>\n";
    }
  }
  return out + "</table>\n";
}

std::string FederationSummaryTable(const Json& f) {
  return MetricTable(f,
                     {{"commands processed", "/commands_processed"},
                      {"commands completed", "/commands_completed"},
                      {"completion p50 (ms)", "/completion_ms/p50"},
                      {"completion p95 (ms)", "/completion_ms/p95"},
                      {"completion mean (ms)", "/completion_ms/mean"},
                      {"bound p95 (ms)", "/bound_ms/p95"},
                      {"messages sent", "/messages_sent"},
                      {"messages received", "/messages_received"},
                      {"messages rejected", "/messages_rejected"},
                      {"retries", "/retries"},
                      {"send failures", "/send_failures"},
                      {"datagrams lost to faults", "/datagrams_lost_to_faults"},
                      {"wrongly targeted (total)", "/wrongly_targeted_total"},
                      {"all targeted servers acknowledged", "/all_targeted_acknowledged"}},
                     "summary-federation");
}

std::string StreamingSummaryTable(const Json& s) {
  return MetricTable(s,
                     {{"balancing", "/balancing"},
                      {"viewers", "/viewers"},
                      {"viewers started", "/viewers_started"},
                      {"failed starts", "/failed_starts"},
                      {"startup delay p50 (ms)", "/startup_delay_ms/p50"},
                      {"startup delay p95 (ms)", "/startup_delay_ms/p95"},
                      {"stall ratio", "/stall_ratio"},
                      {"stall time (s)", "/stall_time_s"},
                      {"play time (s)", "/play_time_s"},
                      {"stalls", "/stalls"},
                      {"recovery (s)", "/recovery_s"},
                      {"recovery within bound", "/recovery_within_bound"},
                      {"offload edge (%)", "/offload_pct/edge"},
                      {"offload mid (%)", "/offload_pct/mid"},
                      {"offload ingest (%)", "/offload_pct/ingest"},
                      {"config changes on scale-out", "/config_changes_on_scale_out"},
                      {"healthy sessions moved", "/healthy_sessions_moved"}},
                     "summary-streaming");
}

std::string SweepPointsTable(const Json& sweep) {
  std::string out =
      "<table class=\"summary\" id=\"summary-sweep\"><tr><th>point</th><th>runs</th><th>failed runs</th>"
      "<th>metrics</th></tr>\n";
  for (const auto& p : sweep["points"]) {
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       HtmlEscape(p["point"].get<std::string>()),
                       p.contains("runs") && p["runs"].is_array() ? p["runs"].size() : 0,
                       p.contains("failed_runs") && p["failed_runs"].is_array() ? p["failed_runs"].size() : 0,
                       p["metrics"].size());
  }
  return out + "</table>\n";
}

std::string FlattenedJsonTable(const Json& json) {
  std::vector<std::pair<std::string, std::string>> rows;
  Flatten(json, "", rows);
  std::string out = "<table class=\"summary flat\"><tr><th>path</th><th>value</th></tr>\n";
  for (const auto& [path, value] : rows) {
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n", HtmlEscape(path), HtmlEscape(value));
  }
  return out + "</table>\n";
}

}  // namespace cdnlab::report
