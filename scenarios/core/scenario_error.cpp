#include "scenarios/core/scenario_error.h"

#include <fmt/format.h>

namespace cdnlab {
namespace {

std::string JoinIssues(const std::vector<ScenarioIssue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    if (!out.empty()) out += '\n';
    out += i.ToString();
  }
  return out;
}

}  // namespace

std::string ScenarioIssue::ToString() const {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}:{}", line, column);
  if (field.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: field '{}': {}", where, field, message);
}

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues)
    : std::runtime_error(JoinIssues(issues)), issues_(std::move(issues)) {}

}  // namespace cdnlab
