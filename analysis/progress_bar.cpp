#include "analysis/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

namespace cdnlab {

ProgressBar::ProgressBar(Options options, std::ostream& out, bool enabled, Clock clock)
    : options_(std::move(options)),
      out_(&out),
      enabled_(enabled),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      start_(clock_()) {}

ProgressBar ProgressBar::ForStderr(Options options, Mode mode) {
  const bool enabled = mode == Mode::kOn || (mode == Mode::kAuto && ::isatty(STDERR_FILENO) == 1);
  return ProgressBar(std::move(options), std::cerr, enabled);
}

ProgressBar::ProgressBar(ProgressBar&& other) noexcept
    : options_(std::move(other.options_)),
      out_(other.out_),
      enabled_(other.enabled_),
      clock_(std::move(other.clock_)),
      start_(other.start_),
      last_draw_(other.last_draw_),
      done_(other.done_),
      last_length_(other.last_length_),
      finished_(other.finished_) {
  other.finished_ = true;  // the moved-from bar must not print on destruction
}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string ProgressBar::Render(const Options& o, double done, std::optional<double> eta_s,
                                std::optional<double> finished_after_s) {
  const double fraction = o.total > 0 ? std::clamp(done / o.total, 0.0, 1.0) : 1.0;
  const int width = std::max(1, o.width);
  const int filled = static_cast<int>(std::floor(fraction * width + 1e-9));
  std::string line = o.label.empty() ? "" : o.label + " ";
  line += "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
  line += fmt::format(" {}% {:.{}f}/{:.{}f}", static_cast<int>(std::floor(fraction * 100 + 1e-9)), done, o.decimals,
                      o.total, o.decimals);
  if (!o.unit.empty()) line += " " + o.unit;
  if (finished_after_s) {
    line += " in " + FormatDuration(*finished_after_s);
  } else {
    line += " ETA " + (eta_s ? FormatDuration(*eta_s) : std::string("--"));
  }
  return line;
}

void ProgressBar::Update(double done) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  done_ = std::clamp(done, 0.0, std::max(0.0, options_.total));
  const auto now = clock_();
  if (last_draw_ && now - *last_draw_ < options_.min_interval) return;
  last_draw_ = now;
  DrawLocked(false);
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  DrawLocked(true);
}

void ProgressBar::DrawLocked(bool final_line) {
  const double elapsed = std::chrono::duration<double>(clock_() - start_).count();
  std::optional<double> eta;
  if (done_ > 0 && options_.total > 0) eta = elapsed * (options_.total - done_) / done_;
  std::string line = Render(options_, done_, eta, final_line ? std::optional<double>(elapsed) : std::nullopt);
  const std::size_t length = line.size();
  if (length < last_length_) line += std::string(last_length_ - length, ' ');  // erase a longer old line
  last_length_ = length;
  *out_ << '\r' << line;
  if (final_line) *out_ << '\n';
  out_->flush();
}

ProgressBar::Mode ProgressBar::ModeNamed(const std::string& name) {
  if (name == "on") return Mode::kOn;
  if (name == "off") return Mode::kOff;
  return Mode::kAuto;
}

}  // namespace cdnlab
