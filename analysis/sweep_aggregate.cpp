#include "analysis/sweep_aggregate.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <stdexcept>

namespace cdnlab {
namespace {

// Shortest round-trip text, so files are exact and stable.
std::string Number(double v) { return fmt::format("{}", v); }

std::string Optional(const std::optional<double>& v) { return v ? Number(*v) : ""; }

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Short(double v) { return fmt::format("{:.4g}", v); }

nlohmann::ordered_json OptionalJson(const std::optional<double>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

bool SweepMetricSelected(const std::string& path, const nlohmann::ordered_json& value,
                         const std::vector<std::string>& globs) {
  if (!value.is_number()) return false;
  if (globs.empty()) return path.rfind("scenario.", 0) != 0;
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return GlobMatch(g, path); });
}

double StudentT95(std::size_t degrees_of_freedom) {
  if (degrees_of_freedom == 0) throw std::invalid_argument("Student t needs at least one degree of freedom");
  const boost::math::students_t dist(static_cast<double>(degrees_of_freedom));
  return boost::math::quantile(boost::math::complement(dist, 0.025));
}

SweepMetricStats SummarizeSample(const std::string& metric, const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("empty sample for " + metric);
  SweepMetricStats s;
  s.metric = metric;
  s.n = values.size();
  double sum = 0;
  for (const double v : values) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  if (s.n >= 2) {
    double squares = 0;
    for (const double v : values) squares += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(squares / static_cast<double>(s.n - 1));
    s.ci95 = StudentT95(s.n - 1) * *s.stddev / std::sqrt(static_cast<double>(s.n));
  }
  return s;
}

SweepAggregate AggregateSweep(std::vector<std::string> parameter_names, const std::vector<SweepPointInfo>& points,
                              std::vector<SweepRunOutcome> runs, const std::vector<std::string>& metric_globs) {
  std::stable_sort(runs.begin(), runs.end(), [](const SweepRunOutcome& a, const SweepRunOutcome& b) {
    return a.point != b.point ? a.point < b.point : a.seed < b.seed;
  });
  SweepAggregate out;
  out.parameter_names = std::move(parameter_names);
  for (const auto& info : points) out.points.push_back(SweepPointStats{info, {}, {}, {}});

  // Per point: metric -> values in run order, metrics in first-appearance order.
  std::vector<std::vector<std::string>> order(points.size());
  std::vector<std::map<std::string, std::vector<double>>> values(points.size());
  for (const auto& run : runs) {
    if (run.point >= points.size()) throw std::invalid_argument("run " + run.id + " names an unknown point");
    auto& point = out.points[run.point];
    if (!run.failure.empty()) {
      point.failed_runs.push_back(run.id);
      continue;
    }
    point.runs.push_back(run.id);
    for (const auto& [path, value] : run.summary) {
      if (!SweepMetricSelected(path, value, metric_globs)) continue;
      auto& sample = values[run.point][path];
      if (sample.empty()) order[run.point].push_back(path);
      sample.push_back(value.get<double>());
    }
  }
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (const auto& metric : order[p]) out.points[p].metrics.push_back(SummarizeSample(metric, values[p][metric]));
  }
  for (auto& run : runs) {
    run.summary.clear();
    out.runs.push_back(std::move(run));
  }
  return out;
}

std::string SweepCsv(const SweepAggregate& aggregate) {
  std::string out = "point";
  for (const auto& name : aggregate.parameter_names) out += "," + CsvField(name);
  out += ",metric,n,mean,stddev,ci95,min,max\n";
  for (const auto& point : aggregate.points) {
    std::string prefix = CsvField(point.info.label);
    for (const auto& [name, value] : point.info.parameters) prefix += "," + CsvField(value);
    for (const auto& m : point.metrics) {
      out += fmt::format("{},{},{},{},{},{},{},{}\n", prefix, CsvField(m.metric), m.n, Number(m.mean),
                         Optional(m.stddev), Optional(m.ci95), Number(m.min), Number(m.max));
    }
  }
  return out;
}

nlohmann::ordered_json SweepJson(const SweepAggregate& aggregate) {
  nlohmann::ordered_json root;
  root["parameters"] = aggregate.parameter_names;
  root["points"] = nlohmann::ordered_json::array();
  for (const auto& point : aggregate.points) {
    nlohmann::ordered_json p;
    p["point"] = point.info.label;
    p["parameters"] = nlohmann::ordered_json::object();
    for (const auto& [name, value] : point.info.parameters) p["parameters"][name] = value;
    p["runs"] = point.runs;
    p["failed_runs"] = point.failed_runs;
    p["metrics"] = nlohmann::ordered_json::object();
    for (const auto& m : point.metrics) {
      p["metrics"][m.metric] = {
          {"n", m.n},     {"mean", m.mean}, {"stddev", OptionalJson(m.stddev)}, {"ci95", OptionalJson(m.ci95)},
          {"min", m.min}, {"max", m.max}};
    }
    root["points"].push_back(std::move(p));
  }
  root["runs"] = nlohmann::ordered_json::array();
  for (const auto& run : aggregate.runs) {
    root["runs"].push_back({{"id", run.id},
                            {"point", aggregate.points.at(run.point).info.label},
                            {"seed", run.seed},
                            {"status", run.failure.empty() ? "ok" : "failed"}});
  }
  return root;
}

std::string FormatSweepTable(const SweepAggregate& aggregate) {
  std::string out;
  for (const auto& point : aggregate.points) {
    if (!out.empty()) out += '\n';
    out += fmt::format("{} ({} run{}{})\n", point.info.label, point.runs.size(), point.runs.size() == 1 ? "" : "s",
                       point.failed_runs.empty() ? "" : fmt::format(", {} failed", point.failed_runs.size()));
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"metric", "n", "mean", "±95% CI", "stddev", "min", "max"});
    for (const auto& m : point.metrics) {
      rows.push_back({m.metric, std::to_string(m.n), Short(m.mean), m.ci95 ? Short(*m.ci95) : "-",
                      m.stddev ? Short(*m.stddev) : "-", Short(m.min), Short(m.max)});
    }
    if (rows.size() == 1) {
      out += "  (no metrics)\n";
      continue;
    }
    // Column widths in characters; "±" is one character but two bytes.
    const auto length = [](const std::string& s) {
      return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
    };
    std::vector<std::size_t> width(rows.front().size(), 0);
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], length(row[i]));
    }
    for (const auto& row : rows) {
      std::string line = "  " + row[0] + std::string(width[0] - length(row[0]), ' ');
      for (std::size_t i = 1; i < row.size(); ++i) {
        line += "  " + std::string(width[i] - length(row[i]), ' ') + row[i];
      }
      out += line + '\n';
    }
  }
  return out;
}

}  // namespace cdnlab
