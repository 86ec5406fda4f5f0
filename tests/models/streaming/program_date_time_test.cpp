// EXT-X-PROGRAM-DATE-TIME values: the shapes publishers write read to the right instant (checked
// against `date -u +%s`), formatted back as UTC with milliseconds, and malformed dates refused.
#include "models/streaming/program_date_time.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(ProgramDateTime, ReadsTheZonesAndFractionsPublishersWrite) {
  // date -u -d 2026-12-06T08:04:18Z +%s = 1796544258
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T08:04:18.488+0000"), 1796544258488);  // ffmpeg
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T08:04:18.488Z"), 1796544258488);
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T09:04:18.488+01:00"), 1796544258488);
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T03:04:18.488-0500"), 1796544258488);
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T08:04:18Z"), 1796544258000);
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T08:04:18.4Z"), 1796544258400);
  EXPECT_EQ(ParseProgramDateTime("2026-12-06T08:04:18.123456789Z"), 1796544258123);  // truncated to ms
  EXPECT_EQ(ParseProgramDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseProgramDateTime("2024-02-29T00:00:00Z"), 1709164800000);  // a leap day
}

TEST(ProgramDateTime, RefusesMalformedDates) {
  for (const char* bad : {"", "2026-12-06", "2026-12-06T08:04:18", "2026-12-06 08:04:18Z", "2026-12-06T08:04:18.Z",
                          "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z",
                          "2026-12-32T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T08:60:00Z",
                          "2026-12-06T08:04:18+5", "2026-12-06T08:04:18+0000 ", "1969-12-31T23:59:59Z",
                          "2026-12-06T08:04:18.1234567890Z", "20x6-12-06T08:04:18Z", "2026-12-06T08:04:18+24:00"}) {
    EXPECT_FALSE(ParseProgramDateTime(bad)) << bad;
  }
}

TEST(ProgramDateTime, FormatsUtcWithMillisecondsAndReadsBack) {
  EXPECT_EQ(FormatProgramDateTime(1796544258488), "2026-12-06T08:04:18.488Z");
  EXPECT_EQ(FormatProgramDateTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatProgramDateTime(1709164800007), "2024-02-29T00:00:00.007Z");
  for (std::int64_t ms : {std::int64_t{1}, std::int64_t{86'399'999}, std::int64_t{951'782'400'000},
                          std::int64_t{4'102'444'800'123}}) {
    EXPECT_EQ(ParseProgramDateTime(FormatProgramDateTime(ms)), ms) << ms;
  }
}

}  // namespace
}  // namespace cdnlab
