// Every numeric scenario input has a range the runtime can represent (times within ns-3's
// int64-nanosecond clock, positive intervals of at least a nanosecond, rates, bandwidths and
// quantities that keep delays and sums finite). One bad value per field family, written into
// a shipped scenario: `cdnlab validate` must exit 1 and name the file, the value's line and
// column and the field, where it used to accept `duration_s: 1e308` and the run reported nothing.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/shell.h"

namespace cdnlab {
namespace {

namespace fs = std::filesystem;

struct BadValue {
  const char* name;     // the test's name
  const char* scenario;  // under scenarios/
  const char* context;   // unique text just before the value
  const char* value;     // the value as the file has it
  const char* bad;       // what the test writes instead
  const char* field;     // the field path validate must name
};

const BadValue kBadValues[] = {
    // Times and durations: at most 1e9 s, so sums such as at_s + duration_s stay in range.
    {"DurationBeyondTheClock", "default.yaml", "\nduration_s: ", "300", "1e308", "duration_s"},
    {"DurationOfThirtyThousandYears", "default.yaml", "\nduration_s: ", "300", "1e12", "duration_s"},
    {"DurationNotANumber", "default.yaml", "\nduration_s: ", "300", ".nan", "duration_s"},
    {"DurationNaNSpelledPlainly", "default.yaml", "\nduration_s: ", "300", "nan", "duration_s"},
    {"DurationInfinite", "default.yaml", "\nduration_s: ", "300", ".inf", "duration_s"},
    {"DurationNegative", "default.yaml", "\nduration_s: ", "300", "-300", "duration_s"},
    {"TtlBeyondTheClock", "default.yaml", "ttl_s: ", "20}", "1e10}", "dns.ttl_s"},
    {"WarmupNegative", "default.yaml", "warmup_s: ", "20,", "-1,", "evaluation.warmup_s"},
    {"RecomputeIntervalBelowOneNanosecond", "default.yaml", "recompute_interval_s: ", "5,", "1e-12,",
     "mapping.recompute_interval_s"},
    {"ProbeIntervalBeyondTheClock", "default.yaml", "probing: {interval_s: ", "10,", "2e9,", "probing.interval_s"},
    {"PolicyMaxAgeInfinite", "default.yaml", "test_object_bytes: 10000, max_age_s: ", "180}", "inf}",
     "policies[1].max_age_s"},
    // Milliseconds: at most 1e12 (the same 1e9 s).
    {"ProbeTimeoutBeyondTheClock", "default.yaml", "timeout_ms: ", "1000,", "1e13,", "probing.timeout_ms"},
    {"LinkDelayBeyondTheClock", "default.yaml", "{a: r-ash, b: r-mia, delay_ms: ", "10}", "1e300}", "links[3].delay_ms"},
    {"PenaltyNegative", "default.yaml", "unavailable_penalty_ms: ", "1000}", "-5}", "evaluation.unavailable_penalty_ms"},
    // Rates per minute: a mean gap the clock can hold, and not zero.
    {"DownloadRateTooSmall", "default.yaml", "downloads_per_group_per_min: ", "4,", "1e-300,",
     "workload.downloads_per_group_per_min"},
    {"PageViewRateTooLarge", "default.yaml", "{name: rum, page_views_per_group_per_min: ", "6,", "1e300,",
     "policies[1].page_views_per_group_per_min"},
    // Bandwidths: 1 kbit/s to 1 Pbit/s (ns-3's DataRate is uint64 bit/s; serialization stays finite).
    {"BandwidthBelowOneKbit", "default.yaml", "link_defaults: {bandwidth_mbps: ", "1000,", "1e-9,",
     "link_defaults.bandwidth_mbps"},
    {"RouteStretchHuge", "default.yaml", "route_stretch: ", "1.3,", "1e300,", "link_defaults.route_stretch"},
    // Quantities: users and requests per second up to 1e15, so their sums stay finite.
    {"PopulationHuge", "default.yaml", "g-newyork, prefix: 10.1.0.0/24, lat: 40.71, lon: -74.01, population: ",
     "1000000,", "1e300,", "client_groups[0].population"},
    {"CapacityHuge", "default.yaml", "{id: pop-ash, lat: 39.04, lon: -77.49, servers: 2, capacity_rps: ", "2000}",
     "1e300}", "pops[0].capacity_rps"},
    // Federation and streaming sections use the same families.
    {"FederationFaultDurationBeyondTheClock", "federation.yaml",
     "{at_s: 20, type: server_down, server: c-edge-tyo, duration_s: ", "20}", "1e12}", "federation.faults[1].duration_s"},
    {"FederationRetryMultiplierHuge", "federation.yaml", "    multiplier: ", "2\n", "1e300\n",
     "federation.retry.multiplier"},
    {"FederationRetryInitialInfinite", "federation.yaml", "    initial_ms: ", "250\n", ".inf\n",
     "federation.retry.initial_ms"},
    {"StreamingHealthIntervalBelowOneNanosecond", "streaming.yaml", "  health_interval_s: ", "0.2 ", "1e-10 ",
     "streaming.health_interval_s"},
    {"StreamingBandwidthHuge", "streaming.yaml", "{a: r-fra, b: r-ams, delay_ms: 4, bandwidth_mbps: ", "10000}",
     "1e12}", "links[0].bandwidth_mbps"},
};

void PrintTo(const BadValue& row, std::ostream* os) { *os << row.field << ": " << row.bad; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ValidateRanges : public ::testing::TestWithParam<BadValue> {};

TEST_P(ValidateRanges, RejectsTheValueNamingFileLineColumnAndField) {
  const BadValue& row = GetParam();
  std::string text = ReadFile(fs::path(CDNLAB_SOURCE_DIR) / "scenarios" / row.scenario);
  const std::string anchor = std::string(row.context) + row.value;
  const std::size_t at = text.find(anchor);
  ASSERT_NE(at, std::string::npos) << row.scenario << " no longer has '" << anchor << "'";
  ASSERT_EQ(text.find(anchor, at + 1), std::string::npos) << "'" << anchor << "' is not unique in " << row.scenario;
  const std::size_t value_at = at + std::string(row.context).size();
  text.replace(value_at, std::string(row.value).size(), row.bad);
  // yaml-cpp's mark of the value: 1-based line and column.
  const std::size_t line_start = text.rfind('\n', value_at - 1) + 1;  // npos + 1 = 0 on the first line
  const long line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(value_at), '\n');
  const std::size_t column = value_at - line_start + 1;

  const fs::path file = fs::temp_directory_path() / fmt::format("cdnlab_validate_ranges_{}.yaml", row.name);
  std::ofstream(file, std::ios::binary) << text;
  const testing::ShellResult r = testing::RunShell(std::string(CDNLAB_BINARY) + " validate " + file.string());
  fs::remove(file);

  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string where = fmt::format("{}:{}:{}: field '{}'", file.string(), line, column, row.field);
  EXPECT_NE(r.output.find(where), std::string::npos) << "expected '" << where << "' in:\n" << r.output;
  EXPECT_NE(r.output.find("expected"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(": ok:"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(OneBadValuePerFieldFamily, ValidateRanges, ::testing::ValuesIn(kBadValues),
                         [](const ::testing::TestParamInfo<BadValue>& info) { return std::string(info.param.name); });

// The bounds leave every shipped scenario valid (a bound too tight would break real files).
TEST(ValidateRangesShipped, EveryShippedScenarioStillValidates) {
  for (const auto& entry : fs::directory_iterator(fs::path(CDNLAB_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const testing::ShellResult r = testing::RunShell(std::string(CDNLAB_BINARY) + " validate " + entry.path().string());
    EXPECT_EQ(r.exit_code, 0) << entry.path() << ":\n" << r.output;
  }
}

}  // namespace
}  // namespace cdnlab
