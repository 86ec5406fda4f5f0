#include "realnet/net/metrics_registry.h"

#include <utility>

namespace cdnlab {
namespace {

bool EndsWith(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The Prometheus name of a dotted model name, and what its values are divided by
// ("download.ms" and "probe.rtt_ms" are milliseconds: Prometheus wants seconds).
std::pair<std::string, double> BaseUnitName(std::string_view dotted) {
  std::string name = PrometheusMetricName(dotted);
  if (EndsWith(name, "_ms")) return {name.substr(0, name.size() - 3) + "_seconds", 1000};
  return {name, 1};
}

}  // namespace

void MetricsCollection::Add(const std::string& name, PrometheusType type, const std::string& help,
                            std::string suffix, double value, MetricLabels labels) {
  Declare(name, type, help);
  families_[name].samples.push_back({std::move(suffix), std::move(labels), value});
}

void MetricsCollection::Declare(const std::string& name, PrometheusType type, const std::string& help) {
  PrometheusFamily& family = families_[name];
  if (family.name.empty()) {
    family.name = name;
    family.type = type;
    family.help = help;
  }
}

void MetricsCollection::Counter(const std::string& name, const std::string& help, double value, MetricLabels labels) {
  Add(EndsWith(name, "_total") ? name : name + "_total", PrometheusType::kCounter, help, "", value, std::move(labels));
}

void MetricsCollection::Gauge(const std::string& name, const std::string& help, double value, MetricLabels labels) {
  Add(name, PrometheusType::kGauge, help, "", value, std::move(labels));
}

std::vector<PrometheusFamily> MetricsCollection::Families() const {
  std::vector<PrometheusFamily> out;
  out.reserve(families_.size());
  for (const auto& [name, family] : families_) out.push_back(family);
  return out;
}

MetricsRegistry::MetricsRegistry() : dropped_labels_{"request_id", "command", "viewer"} {}

MetricLabels MetricsRegistry::Kept(const MetricLabels& labels) const {
  MetricLabels kept;
  for (const auto& label : labels) {
    if (dropped_labels_.count(label.first) == 0) kept.push_back(label);
  }
  return kept;
}

void MetricsRegistry::Count(std::string_view name, double delta, const MetricLabels& labels) {
  auto [family, divisor] = BaseUnitName(name);
  std::lock_guard<std::mutex> lock(mutex_);
  counters_[family + "_total"][Kept(labels)] += delta / divisor;
}

void MetricsRegistry::Sample(std::string_view name, SimTime, double value, const MetricLabels& labels) {
  auto [family, divisor] = BaseUnitName(name);
  std::lock_guard<std::mutex> lock(mutex_);
  Summary& s = summaries_[family][Kept(labels)];
  s.sum += value / divisor;
  s.count += 1;
  s.last = value / divisor;
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help, std::function<double()> value) {
  AddCollector([name, help, value = std::move(value)](MetricsCollection& out) { out.Gauge(name, help, value()); });
}

void MetricsRegistry::AddCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Scrape() const {
  MetricsCollection out;
  std::vector<Collector> collectors;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    collectors = collectors_;
    for (const auto& [name, series] : counters_) {
      for (const auto& [labels, value] : series) {
        out.Add(name, PrometheusType::kCounter, "Counted by cdnlab's models and services", "", value, labels);
      }
    }
    for (const auto& [name, series] : summaries_) {
      for (const auto& [labels, s] : series) {
        out.Add(name, PrometheusType::kSummary, "Observations reported by cdnlab's models", "_sum", s.sum, labels);
        out.Add(name, PrometheusType::kSummary, "Observations reported by cdnlab's models", "_count", s.count, labels);
        out.Add(name + "_last", PrometheusType::kGauge, "The last observation of " + name, "", s.last, labels);
      }
    }
  }
  // Outside the lock: a collector may read anything, even this registry's counters.
  for (const auto& collect : collectors) collect(out);
  return WritePrometheusText(out.Families());
}

}  // namespace cdnlab
