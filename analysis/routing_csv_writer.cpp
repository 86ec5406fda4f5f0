#include "analysis/routing_csv_writer.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "models/routing/metric_names.h"

namespace cdnlab {
namespace {

struct CsvSeries {
  const char* file;
  const char* header;
  const char* metric;
  const char* third;   // label written after group
};

// Every row ends with the address family of the users it is about: a dual-stack group's IPv6
// users have rows of their own (samples labelled family=ipv6), everything else is ipv4.
constexpr CsvSeries kSeries[] = {
    {"regret.csv", "policy,time_s,group,pop,regret_ms,family", metric::kRegretMs, metric::kLabelPop},
    {"downloads.csv", "policy,time_s,group,pop,download_ms,family", metric::kDownloadMs, metric::kLabelPop},
    {"probes.csv", "policy,time_s,group,pop,rtt_ms,family", metric::kProbeRttMs, metric::kLabelPop},
    {"rum.csv", "policy,time_s,group,pop,rtt_ms,family", metric::kRumRttMs, metric::kLabelPop},
};

const char* FamilyOf(const MetricsRecorder::SampleRecord& s) {
  return s.Label(metric::kLabelFamily) == metric::kFamilyIpv6 ? "ipv6" : "ipv4";
}

std::ofstream OpenCsv(const std::string& path, bool truncate) {
  std::ofstream out(path, std::ios::binary | (truncate ? std::ios::trunc : std::ios::app));
  if (!out) throw std::runtime_error("cannot write " + path);
  return out;
}

}  // namespace

RoutingCsvWriter::RoutingCsvWriter(std::string directory) : directory_(std::move(directory)) {}

void RoutingCsvWriter::Append(const std::string& policy, const MetricsRecorder& recorder) {
  for (const auto& series : kSeries) {
    auto out = OpenCsv(directory_ + "/" + series.file, first_);
    if (first_) out << series.header << '\n';
    for (const auto* s : recorder.SamplesNamed(series.metric)) {
      out << fmt::format("{},{:.6f},{},{},{:.3f},{}\n", policy, ToSeconds(s->at), s->Label(metric::kLabelGroup),
                         s->Label(series.third), s->value, FamilyOf(*s));
    }
  }
  auto out = OpenCsv(directory_ + "/mapping_changes.csv", first_);
  if (first_) out << "policy,time_s,group,from,to,family,reason,rtt_gain_ms\n";
  for (const auto* s : recorder.SamplesNamed(metric::kEffectiveChange)) {
    out << fmt::format("{},{:.6f},{},{},{},{},{},{}\n", policy, ToSeconds(s->at), s->Label(metric::kLabelGroup),
                       s->Label("from"), s->Label("to"), FamilyOf(*s), s->Label(metric::kLabelReason),
                       s->Label(metric::kLabelRttGainMs));
  }
  first_ = false;
}

}  // namespace cdnlab
