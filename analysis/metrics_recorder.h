#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/ports/metrics_sink.h"

namespace cdnlab {

// Keeps everything one run reports, in arrival order, for summaries and CSV output.
// Counters are kept per name (labels are summed over: counters here are totals).
// Names and label sets are interned: a run of 100,000 groups records tens of millions of
// samples that share a few hundred thousand label sets, so a sample costs 32 bytes.
class MetricsRecorder final : public MetricsSink {
 public:
  class SampleRecord {
   public:
    SampleRecord(const std::string* name, SimTime at, double value, const MetricLabels* labels)
        : name_(name), labels_(labels), at(at), value(value) {}
    const std::string& Name() const { return *name_; }
    const MetricLabels& Labels() const { return *labels_; }
    // The value of a label, or "" when absent.
    const std::string& Label(const std::string& key) const;

   private:
    const std::string* name_;
    const MetricLabels* labels_;

   public:
    SimTime at{0};
    double value = 0;
  };

  void Count(std::string_view name, double delta, const MetricLabels& labels) override;
  void Sample(std::string_view name, SimTime at, double value, const MetricLabels& labels) override;

  double Counter(const std::string& name) const;  // 0 when never counted
  const std::map<std::string, double>& Counters() const { return counters_; }
  const std::deque<SampleRecord>& Samples() const { return samples_; }
  std::vector<const SampleRecord*> SamplesNamed(const std::string& name) const;

 private:
  struct LabelsHash {
    std::size_t operator()(const MetricLabels& labels) const;
  };
  const std::string* InternName(std::string_view name);
  const MetricLabels* InternLabels(const MetricLabels& labels);

  std::map<std::string, double> counters_;
  // Each counter by name, pointing into counters_ (whose nodes never move, moves of the
  // recorder included): a Count costs a hash, not a string built and compared down the map (one
  // per request in streaming runs). A copy of the recorder starts with none (they would point
  // into the original) and finds its own again.
  struct CounterSlots : std::unordered_map<std::string_view, double*> {
    CounterSlots() = default;
    CounterSlots(const CounterSlots&) : std::unordered_map<std::string_view, double*>() {}
    CounterSlots(CounterSlots&&) = default;
    CounterSlots& operator=(const CounterSlots&) {
      clear();
      return *this;
    }
    CounterSlots& operator=(CounterSlots&&) = default;
  };
  CounterSlots counter_slots_;
  std::deque<SampleRecord> samples_;  // a deque: no copy of tens of millions when it grows
  // Interned values; the sets own them and never move them (node-based), so samples point in.
  std::set<std::string, std::less<>> names_;
  // The name interned last (a node of names_); a copy of the recorder starts without one.
  struct LastName {
    const std::string* name = nullptr;
    LastName() = default;
    LastName(const LastName&) {}
    LastName(LastName&&) = default;
    LastName& operator=(const LastName&) {
      name = nullptr;
      return *this;
    }
    LastName& operator=(LastName&&) = default;
  };
  LastName last_name_;
  std::unordered_set<MetricLabels, LabelsHash> label_sets_;
  // The interned set last found for a caller's labels object, by its address: a caller that
  // keeps its labels (a viewer's latency labels, one sample per segment played) then costs an
  // equality check instead of hashing its strings. Checked for equality on every use, so an
  // address reused for other labels only misses. Not copied with the recorder (as counter slots).
  struct LabelsByAddress : std::unordered_map<const MetricLabels*, const MetricLabels*> {
    LabelsByAddress() = default;
    LabelsByAddress(const LabelsByAddress&) : std::unordered_map<const MetricLabels*, const MetricLabels*>() {}
    LabelsByAddress(LabelsByAddress&&) = default;
    LabelsByAddress& operator=(const LabelsByAddress&) {
      clear();
      return *this;
    }
    LabelsByAddress& operator=(LabelsByAddress&&) = default;
  };
  LabelsByAddress labels_by_address_;
};

}  // namespace cdnlab
