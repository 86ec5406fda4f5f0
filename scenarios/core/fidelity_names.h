#pragma once
#include <optional>
#include <string>

#include "scenarios/core/scenario.h"

namespace cdnlab {

// The YAML/CLI spelling of a Fidelity ("packet", "flow").
inline const char* FidelityName(Fidelity f) { return f == Fidelity::kFlow ? "flow" : "packet"; }

inline std::optional<Fidelity> ParseFidelity(const std::string& text) {
  if (text == "packet") return Fidelity::kPacket;
  if (text == "flow") return Fidelity::kFlow;
  return std::nullopt;
}

constexpr const char* kFidelityChoices = "packet, flow";

}  // namespace cdnlab
