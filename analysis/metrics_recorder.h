#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/ports/metrics_sink.h"

namespace cdnlab {

// Keeps everything one run reports, in arrival order, for summaries and CSV output.
// Counters are kept per name (labels are summed over: counters here are totals).
class MetricsRecorder final : public MetricsSink {
 public:
  struct SampleRecord {
    std::string name;
    SimTime at{0};
    double value = 0;
    MetricLabels labels;

    // The value of a label, or "" when absent.
    const std::string& Label(const std::string& key) const;
  };

  void Count(std::string_view name, double delta, const MetricLabels& labels) override;
  void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) override;

  double Counter(const std::string& name) const;  // 0 when never counted
  const std::map<std::string, double>& Counters() const { return counters_; }
  const std::vector<SampleRecord>& Samples() const { return samples_; }
  std::vector<const SampleRecord*> SamplesNamed(const std::string& name) const;

 private:
  std::map<std::string, double> counters_;
  std::vector<SampleRecord> samples_;
};

}  // namespace cdnlab
