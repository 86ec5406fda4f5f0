#pragma once
// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): families of samples, each
// family introduced once by its # HELP and # TYPE lines, label values escaped. Only the
// format; what is measured lives in MetricsRegistry.
#include <string>
#include <string_view>
#include <vector>

#include "models/ports/metrics_sink.h"

namespace cdnlab {

enum class PrometheusType { kCounter, kGauge, kSummary };

struct PrometheusSample {
  std::string suffix;  // appended to the family name: "", "_sum", "_count"
  MetricLabels labels;
  double value = 0;
};

struct PrometheusFamily {
  std::string name;  // a valid metric name, counters ending in _total
  PrometheusType type = PrometheusType::kGauge;
  std::string help;
  std::vector<PrometheusSample> samples;
};

// "probe.trains" -> "cdnlab_probe_trains": every character outside [a-zA-Z0-9_] becomes '_'.
std::string PrometheusMetricName(std::string_view dotted);
// A label key made valid: [a-zA-Z_][a-zA-Z0-9_]*, never the reserved "__" prefix.
std::string PrometheusLabelName(std::string_view key);
// Label values: backslash, double quote and line feed escaped (\\, \", \n).
std::string EscapePrometheusLabelValue(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string EscapePrometheusHelp(std::string_view help);
// 3 -> "3", 0.25 -> "0.25", infinities and NaN as Prometheus spells them.
std::string FormatPrometheusValue(double value);

// The whole exposition, families in the order given (each name must appear once).
std::string WritePrometheusText(const std::vector<PrometheusFamily>& families);

}  // namespace cdnlab
