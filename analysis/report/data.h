#pragma once
// What `cdnlab report` reads from an output directory: summary.json and the per-experiment CSVs
// of `cdnlab run`, or sweep.json of `cdnlab sweep`. Plain data; report_data_reader fills it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cdnlab::report {

struct MappingChange {
  std::string policy;
  double time_s = 0;
  std::string group;
  std::string from;
  std::string to;
};

struct RoutingReportData {
  std::vector<std::string> policies;                  // summary.json "routing" order
  std::map<std::string, std::vector<double>> regret_ms;  // policy label -> samples (regret.csv)
  std::vector<MappingChange> changes;                 // mapping_changes.csv, file order
};

struct CommandRow {
  std::string id;
  std::string type;
  std::optional<double> completion_ms;
};

struct FederationReportData {
  std::vector<CommandRow> commands;  // commands.csv
};

struct ViewerRow {
  std::string viewer;
  std::string group;
  std::optional<double> startup_ms;
  bool failed_start = false;
  double stalls = 0;
  double stall_ms = 0;
};

struct StreamingReportData {
  std::vector<ViewerRow> viewers;  // viewers.csv
};

struct RunReportData {
  std::string directory;
  nlohmann::ordered_json summary;  // summary.json as written
  std::string scenario_name;
  std::string scenario_source;
  std::uint64_t seed = 0;
  double duration_s = 0;
  std::optional<RoutingReportData> routing;
  std::optional<FederationReportData> federation;
  std::optional<StreamingReportData> streaming;
};

struct SweepReportData {
  std::string directory;
  nlohmann::ordered_json sweep;  // sweep.json as written
};

}  // namespace cdnlab::report
