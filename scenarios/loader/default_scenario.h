#pragma once

namespace cdnlab {

// The text of scenarios/default.yaml, compiled in: what `cdnlab run` runs without a file.
const char* DefaultScenarioYaml();
inline constexpr const char* kDefaultScenarioName = "<built-in default>";

}  // namespace cdnlab
