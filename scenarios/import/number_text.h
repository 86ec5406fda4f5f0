#pragma once
// A number the whole of a text stands for, as the importer's inputs write them ("52.37403",
// "2500000000.0", "12.5"): trailing whitespace allowed, nothing else after it, and not out of
// double's range. One reading for GraphML data, GML values and RTT matrix cells.
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>

namespace cdnlab {

inline std::optional<double> ParseWholeNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') ++end;
  if (end == text.c_str() || *end != '\0' || errno == ERANGE) return std::nullopt;
  return v;
}

}  // namespace cdnlab
