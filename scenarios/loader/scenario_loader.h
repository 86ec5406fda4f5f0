#pragma once
#include <string>

#include "scenarios/core/scenario.h"
#include "scenarios/core/scenario_error.h"

namespace cdnlab {

// Loads and validates a scenario. Throws ScenarioError listing every problem found
// (file, line, column, field, what was expected); never returns a half-valid scenario.
Scenario LoadScenarioFile(const std::string& path);
Scenario LoadScenarioText(const std::string& yaml_text, const std::string& source_name);

}  // namespace cdnlab
