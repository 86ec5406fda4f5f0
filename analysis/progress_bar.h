#pragma once
// A one-line progress bar for long commands (issue 7):
//   label [############..................] 42% 12.3/30.0 s ETA 8s
// redrawn in place with '\r' at most once per `min_interval` (default 200 ms, ~5 per second),
// finished with a final line and '\n'. It draws only when enabled: ForStderr() enables it when
// stderr is a terminal (or when forced on), so logs, pipes and test output stay clean; a
// disabled bar does nothing at all. Update() is thread-safe (a sweep's workers may share one).
//
//   auto bar = cdnlab::ProgressBar::ForStderr({"probe", duration_s, "s"});
//   ... bar.Update(simulated_seconds); ...   // as often as you like
//   bar.Finish();                             // or let the destructor do it
#include <chrono>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>

namespace cdnlab {

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  enum class Mode { kAuto, kOn, kOff };  // kAuto: on when stderr is a TTY

  struct Options {
    std::string label;
    double total = 0;        // the value Update() reaches at the end (e.g. simulated seconds)
    std::string unit = "s";  // printed after done/total; empty for none
    int decimals = 1;        // of done/total: 1 for simulated seconds, 0 for counts (runs)
    int width = 30;          // characters between the brackets
    std::chrono::milliseconds min_interval{200};
  };

  // A bar on `out` (e.g. a std::ostringstream in tests); draws only when `enabled`.
  ProgressBar(Options options, std::ostream& out, bool enabled, Clock clock = nullptr);
  // A bar on std::cerr; kAuto enables it only when stderr (fd 2) is a terminal.
  static ProgressBar ForStderr(Options options, Mode mode = Mode::kAuto);
  ProgressBar(ProgressBar&& other) noexcept;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ProgressBar& operator=(ProgressBar&&) = delete;
  ~ProgressBar();  // Finish()

  // Records progress `done` (clamped to [0, total]); redraws when enabled and the last draw is
  // at least min_interval old (the first call always draws).
  void Update(double done);
  // Draws the final state (the last value given, "in Ns" instead of the ETA) and '\n'. Only the
  // first call does anything.
  void Finish();
  bool enabled() const { return enabled_; }

  // The line without '\r' (pure; for tests): label [###...] P% done/total unit ETA Ns.
  // `eta_s` nullopt prints "ETA --"; `finished_after_s` replaces the ETA with "in Ns".
  static std::string Render(const Options& options, double done, std::optional<double> eta_s,
                            std::optional<double> finished_after_s = std::nullopt);
  // "auto" | "on" | "off" (a CLI flag's value, already checked) -> the mode.
  static Mode ModeNamed(const std::string& name);
  // 8s, 2m05s, 1h02m.
  static std::string FormatDuration(double seconds);

 private:
  void DrawLocked(bool final_line);

  Options options_;
  std::ostream* out_;
  bool enabled_;
  Clock clock_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_;
  std::optional<std::chrono::steady_clock::time_point> last_draw_;
  double done_ = 0;
  std::size_t last_length_ = 0;
  bool finished_ = false;
};

}  // namespace cdnlab
