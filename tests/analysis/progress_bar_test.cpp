// The progress bar (issue 7): rendering, throttling to ~5 redraws per second, final newline,
// and silence when disabled; clock and stream injected.
#include "analysis/progress_bar.h"

#include <sstream>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ProgressBar::Clock fn() {
    return [this] { return now; };
  }
};

ProgressBar::Options Opts() {
  ProgressBar::Options o;
  o.label = "probe";
  o.total = 30;
  o.unit = "s";
  o.width = 10;
  return o;
}

TEST(ProgressBar, RendersTheLine) {
  EXPECT_EQ(ProgressBar::Render(Opts(), 12.6, 8.0), "probe [####......] 42% 12.6/30.0 s ETA 8s");
  EXPECT_EQ(ProgressBar::Render(Opts(), 0, std::nullopt), "probe [..........] 0% 0.0/30.0 s ETA --");
  EXPECT_EQ(ProgressBar::Render(Opts(), 30, std::nullopt, 75.0), "probe [##########] 100% 30.0/30.0 s in 1m15s");
  EXPECT_EQ(ProgressBar::FormatDuration(3725), "1h02m");
  EXPECT_EQ(ProgressBar::FormatDuration(125), "2m05s");
}

TEST(ProgressBar, ThrottlesRedrawsAndFinishesWithNewline) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(Opts(), out, true, clock.fn());
    bar.Update(3);  // first call draws
    clock.now += 100ms;
    bar.Update(6);  // too soon
    clock.now += 100ms;
    bar.Update(9);  // 200 ms after the first draw: draws; elapsed 0.2 s for 9 of 30 -> ETA 0.47 s
    for (int i = 0; i < 10; ++i) {
      clock.now += 20ms;
      bar.Update(10);  // 200 ms in total, the last one draws again
    }
    clock.now += 1s;
    bar.Update(30);
    bar.Finish();
    bar.Finish();  // idempotent
  }  // destructor: nothing more
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 5);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\rprobe [#.........] 10% 3.0/30.0 s ETA 0s"), std::string::npos) << text;
  EXPECT_NE(text.find("\rprobe [###.......] 30% 9.0/30.0 s ETA 0s"), std::string::npos) << text;
  EXPECT_EQ(text.find("6.0/30.0"), std::string::npos) << text;
  // The final line (elapsed instead of ETA) is padded over the longer previous one, then '\n'.
  EXPECT_NE(text.find("\rprobe [##########] 100% 30.0/30.0 s in 1s \n"), std::string::npos) << text;
}

TEST(ProgressBar, EtaFromElapsedTime) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(Opts(), out, true, clock.fn());
  clock.now += 10s;
  bar.Update(10);  // 10 s for a third: 20 s to go
  EXPECT_NE(out.str().find("33% 10.0/30.0 s ETA 20s"), std::string::npos) << out.str();
}

TEST(ProgressBar, ShorterLineErasesTheLongerOne) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(Opts(), out, true, clock.fn());
  clock.now += 1000s;
  bar.Update(1);  // ETA 8h03m: a long line
  clock.now += 1s;
  bar.Update(29);  // ETA 34s: shorter, padded with spaces
  const auto text = out.str();
  const auto second = text.rfind('\r');
  const auto first_len = second - 1;
  EXPECT_EQ(text.size() - second - 1, first_len);
}

TEST(ProgressBar, DisabledBarWritesNothing) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(Opts(), out, false, clock.fn());
    bar.Update(5);
    clock.now += 1s;
    bar.Update(30);
    bar.Finish();
    EXPECT_FALSE(bar.enabled());
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBar, ForStderrIsOffWhenForcedOff) {
  auto bar = ProgressBar::ForStderr(Opts(), ProgressBar::Mode::kOff);
  EXPECT_FALSE(bar.enabled());
  auto moved = std::move(bar);  // movable, for factories
  EXPECT_FALSE(moved.enabled());
}

}  // namespace
}  // namespace cdnlab
