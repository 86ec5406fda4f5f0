#pragma once
// What one realnet process exposes on /metrics: the models' own counters and samples (it is
// their MetricsSink), plus values the service computes when scraped (a mapping version, the
// queries its DNS threads counted) through collectors.
//   Count("probe.trains", 1)                -> counter cdnlab_probe_trains_total
//   Sample("probe.rtt_ms", t, 12, {pop...}) -> summary cdnlab_probe_rtt_seconds (_sum, _count)
//                                              and gauge cdnlab_probe_rtt_seconds_last = 0.012
// Millisecond names become seconds (Prometheus' base unit). Labels that name one request or one
// viewer (request_id, command, viewer) are dropped: every value would be a series of its own.
// Thread-safe; collectors run on the scraping thread (the service's io_context in realnet).
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "models/ports/metrics_sink.h"
#include "realnet/net/prometheus_text.h"

namespace cdnlab {

// The families a collector adds at scrape time; samples of one family may come from several
// collectors (two HTTP servers in one process share cdnlab_http_requests_total).
class MetricsCollection {
 public:
  // `name` is the full Prometheus name; a counter's gets "_total" appended when missing.
  void Counter(const std::string& name, const std::string& help, double value, MetricLabels labels = {});
  void Gauge(const std::string& name, const std::string& help, double value, MetricLabels labels = {});
  // A sample of a family with a suffix ("_sum", "_count"); the family is created when new.
  void Add(const std::string& name, PrometheusType type, const std::string& help, std::string suffix, double value,
           MetricLabels labels);
  // Lists a family before its first sample (labelled counters have none until something
  // happens), so a scrape shows it exists. `name` is the full name, "_total" included.
  void Declare(const std::string& name, PrometheusType type, const std::string& help);
  std::vector<PrometheusFamily> Families() const;  // sorted by name

 private:
  std::map<std::string, PrometheusFamily> families_;
};

class MetricsRegistry final : public MetricsSink {
 public:
  using Collector = std::function<void(MetricsCollection&)>;

  MetricsRegistry();
  void Count(std::string_view name, double delta, const MetricLabels& labels = {}) override;
  void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels = {}) override;

  // A value read at every scrape (a mapping version, connections open).
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> value);
  void AddCollector(Collector collector);

  // The text-format exposition of everything.
  std::string Scrape() const;

 private:
  struct Summary {
    double sum = 0;
    double count = 0;
    double last = 0;
  };
  MetricLabels Kept(const MetricLabels& labels) const;

  mutable std::mutex mutex_;
  std::set<std::string> dropped_labels_;
  std::map<std::string, std::map<MetricLabels, double>> counters_;   // by Prometheus family name
  std::map<std::string, std::map<MetricLabels, Summary>> summaries_;  // by Prometheus family name
  std::vector<Collector> collectors_;
};

}  // namespace cdnlab
