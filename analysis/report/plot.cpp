#include "analysis/report/plot.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace cdnlab::report {

std::string GnuplotString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string SafeFileStem(const std::string& label) {
  std::string out;
  for (unsigned char c : label) out += (std::isalnum(c) || c == '-' || c == '.') ? static_cast<char>(c) : '_';
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

std::string CdfData(std::vector<double> samples, std::size_t max_points) {
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  std::string out;
  if (n == 0) return out;
  const std::size_t step = std::max<std::size_t>(1, n / std::max<std::size_t>(1, max_points));
  // The curve starts at 0 on the x axis (or the minimum, if negative), so even a single sample
  // draws a visible step.
  out += fmt::format("{:.6g}\t0\n", std::min(0.0, samples.front()));
  if (samples.front() > 0) out += fmt::format("{:.6g}\t0\n", samples.front());
  for (std::size_t i = 0; i < n; i += step) {
    out += fmt::format("{:.6g}\t{:.6g}\n", samples[i], static_cast<double>(i + 1) / n);
  }
  out += fmt::format("{:.6g}\t1\n", samples.back());
  return out;
}

}  // namespace cdnlab::report
