#pragma once
// The summary numbers of the report as HTML tables: headline tables per experiment (routing:
// one row per policy; federation and streaming: one row per metric) and every scalar of
// summary.json / sweep.json flattened (dotted paths), for the page's details block.
#include <string>

#include <nlohmann/json.hpp>

namespace cdnlab::report {

std::string HtmlEscape(const std::string& text);
// A JSON scalar as table text: numbers in short form, null as "-", booleans as yes/no.
std::string FormatJsonScalar(const nlohmann::ordered_json& value);

std::string RoutingSummaryTable(const nlohmann::ordered_json& routing);
std::string FederationSummaryTable(const nlohmann::ordered_json& federation);
std::string StreamingSummaryTable(const nlohmann::ordered_json& streaming);
std::string SweepPointsTable(const nlohmann::ordered_json& sweep);
// <table> of every scalar leaf: path, value.
std::string FlattenedJsonTable(const nlohmann::ordered_json& json);

}  // namespace cdnlab::report
