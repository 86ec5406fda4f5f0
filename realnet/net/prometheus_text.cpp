#include "realnet/net/prometheus_text.h"

#include <cmath>

#include <fmt/format.h>

namespace cdnlab {
namespace {

bool NameChar(char c, bool first) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return letter || (!first && c >= '0' && c <= '9');
}

const char* TypeName(PrometheusType type) {
  switch (type) {
    case PrometheusType::kCounter: return "counter";
    case PrometheusType::kGauge: return "gauge";
    case PrometheusType::kSummary: return "summary";
  }
  return "untyped";
}

}  // namespace

std::string PrometheusMetricName(std::string_view dotted) {
  std::string name = "cdnlab_";
  for (const char c : dotted) name += NameChar(c, false) ? c : '_';
  return name;
}

std::string PrometheusLabelName(std::string_view key) {
  std::string name;
  for (const char c : key) name += NameChar(c, name.empty()) ? c : '_';
  if (name.empty() || (name.size() >= 2 && name[0] == '_' && name[1] == '_')) name = "label_" + name;
  return name;
}

std::string EscapePrometheusLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapePrometheusHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatPrometheusValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);  // shortest form that reads back exactly
}

std::string WritePrometheusText(const std::vector<PrometheusFamily>& families) {
  std::string out;
  for (const auto& family : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, EscapePrometheusHelp(family.help), family.name,
                       TypeName(family.type));
    for (const auto& sample : family.samples) {
      out += family.name;
      out += sample.suffix;
      if (!sample.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < sample.labels.size(); ++i) {
          if (i > 0) out += ',';
          out += fmt::format("{}=\"{}\"", PrometheusLabelName(sample.labels[i].first),
                             EscapePrometheusLabelValue(sample.labels[i].second));
        }
        out += '}';
      }
      out += ' ';
      out += FormatPrometheusValue(sample.value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace cdnlab
