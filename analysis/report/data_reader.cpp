#include "analysis/report/data_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report/csv_table.h"
#include "analysis/report/error.h"

namespace cdnlab::report {
namespace fs = std::filesystem;
namespace {

std::string Join(const std::string& dir, const char* file) { return (fs::path(dir) / file).string(); }

void RequireFile(const std::string& path, const char* why) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw ReportInputError(fmt::format("{}: missing ({})", path, why));
  }
}

RoutingReportData ReadRouting(const std::string& dir, const nlohmann::ordered_json& routing,
                              const std::string& summary_path) {
  RoutingReportData data;
  if (!routing.is_object()) throw ReportInputError(summary_path + ": \"routing\" is not an object");
  for (const auto& [label, _] : routing.items()) {
    data.policies.push_back(label);
    data.regret_ms[label];
  }
  const std::string regret_path = Join(dir, "regret.csv");
  RequireFile(regret_path, "summary.json has routing results");
  const auto regret = CsvTable::Read(regret_path, {"policy", "time_s", "regret_ms"});
  const auto r_policy = regret.Column("policy");
  const auto r_value = regret.Column("regret_ms");
  const auto r_time = regret.Column("time_s");
  for (std::size_t i = 0; i < regret.rows(); ++i) {
    regret.RequiredNumber(i, r_time);
    const double v = regret.RequiredNumber(i, r_value);
    const auto& label = regret.At(i, r_policy);
    auto it = data.regret_ms.find(label);
    if (it == data.regret_ms.end()) {
      throw ReportInputError(fmt::format("{}:{}: malformed row: policy '{}' is not in summary.json", regret_path,
                                         regret.LineOf(i), label));
    }
    it->second.push_back(v);
  }
  const std::string changes_path = Join(dir, "mapping_changes.csv");
  RequireFile(changes_path, "summary.json has routing results");
  const auto changes = CsvTable::Read(changes_path, {"policy", "time_s", "group", "from", "to"});
  const auto c_policy = changes.Column("policy"), c_time = changes.Column("time_s"),
             c_group = changes.Column("group"), c_from = changes.Column("from"), c_to = changes.Column("to");
  for (std::size_t i = 0; i < changes.rows(); ++i) {
    MappingChange c;
    c.policy = changes.At(i, c_policy);
    c.time_s = changes.RequiredNumber(i, c_time);
    c.group = changes.At(i, c_group);
    c.from = changes.At(i, c_from);
    c.to = changes.At(i, c_to);
    if (!data.regret_ms.count(c.policy)) {
      throw ReportInputError(fmt::format("{}:{}: malformed row: policy '{}' is not in summary.json", changes_path,
                                         changes.LineOf(i), c.policy));
    }
    data.changes.push_back(std::move(c));
  }
  return data;
}

FederationReportData ReadFederation(const std::string& dir) {
  FederationReportData data;
  const std::string path = Join(dir, "commands.csv");
  RequireFile(path, "summary.json has federation results");
  const auto t = CsvTable::Read(path, {"id", "type", "completion_ms"});
  const auto c_id = t.Column("id"), c_type = t.Column("type"), c_completion = t.Column("completion_ms");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    data.commands.push_back({t.At(i, c_id), t.At(i, c_type), t.Number(i, c_completion)});
  }
  return data;
}

StreamingReportData ReadStreaming(const std::string& dir) {
  StreamingReportData data;
  const std::string path = Join(dir, "viewers.csv");
  RequireFile(path, "summary.json has streaming results");
  const auto t = CsvTable::Read(path, {"viewer", "group", "startup_ms", "failed_start", "stalls", "stall_ms"});
  const auto c_viewer = t.Column("viewer"), c_group = t.Column("group"), c_startup = t.Column("startup_ms"),
             c_failed = t.Column("failed_start"), c_stalls = t.Column("stalls"), c_stall_ms = t.Column("stall_ms");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    ViewerRow v;
    v.viewer = t.At(i, c_viewer);
    v.group = t.At(i, c_group);
    v.startup_ms = t.Number(i, c_startup);
    v.failed_start = t.RequiredNumber(i, c_failed) != 0;
    v.stalls = t.RequiredNumber(i, c_stalls);
    v.stall_ms = t.Number(i, c_stall_ms).value_or(0);
    data.viewers.push_back(std::move(v));
  }
  return data;
}

}  // namespace

nlohmann::ordered_json ReadJsonObjectFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::ordered_json::parse_error& e) {
    throw ReportInputError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) throw ReportInputError(fmt::format("{}: the top level is not an object", path));
  return doc;
}

ReportInputKind DetectReportInput(const std::string& directory) {
  std::error_code ec;
  if (!fs::exists(directory, ec)) throw ReportInputError(fmt::format("{}: no such directory", directory));
  if (!fs::is_directory(directory, ec)) throw ReportInputError(fmt::format("{}: not a directory", directory));
  if (fs::exists(Join(directory, "summary.json"), ec)) return ReportInputKind::kRun;
  if (fs::exists(Join(directory, "sweep.json"), ec)) return ReportInputKind::kSweep;
  throw ReportInputError(fmt::format("{}: no summary.json (nor sweep.json): not a `cdnlab run` or `cdnlab sweep` "
                                     "output directory",
                                     Join(directory, "summary.json")));
}

RunReportData ReadRunReportData(const std::string& directory) {
  RunReportData data;
  data.directory = directory;
  const std::string summary_path = Join(directory, "summary.json");
  RequireFile(summary_path, "not a `cdnlab run` output directory");
  data.summary = ReadJsonObjectFile(summary_path);
  const auto& s = data.summary;
  if (s.contains("scenario") && s["scenario"].is_object()) {
    const auto& sc = s["scenario"];
    if (sc.contains("name") && sc["name"].is_string()) data.scenario_name = sc["name"].get<std::string>();
    if (sc.contains("source") && sc["source"].is_string()) data.scenario_source = sc["source"].get<std::string>();
    if (sc.contains("seed") && sc["seed"].is_number_unsigned()) data.seed = sc["seed"].get<std::uint64_t>();
    if (sc.contains("duration_s") && sc["duration_s"].is_number()) data.duration_s = sc["duration_s"].get<double>();
  } else {
    throw ReportInputError(summary_path + ": no \"scenario\" object (not a summary.json of `cdnlab run`)");
  }
  if (s.contains("routing")) data.routing = ReadRouting(directory, s["routing"], summary_path);
  if (s.contains("federation")) data.federation = ReadFederation(directory);
  if (s.contains("streaming")) data.streaming = ReadStreaming(directory);
  return data;
}

SweepReportData ReadSweepReportData(const std::string& directory) {
  SweepReportData data;
  data.directory = directory;
  const std::string path = Join(directory, "sweep.json");
  RequireFile(path, "not a `cdnlab sweep` output directory");
  data.sweep = ReadJsonObjectFile(path);
  if (!data.sweep.contains("points") || !data.sweep["points"].is_array()) {
    throw ReportInputError(path + ": no \"points\" array (not a sweep.json of `cdnlab sweep`)");
  }
  for (const auto& p : data.sweep["points"]) {
    if (!p.is_object() || !p.contains("point") || !p["point"].is_string() || !p.contains("metrics") ||
        !p["metrics"].is_object()) {
      throw ReportInputError(path + ": a point lacks \"point\" or \"metrics\"");
    }
  }
  return data;
}

}  // namespace cdnlab::report
