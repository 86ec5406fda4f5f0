// End-to-end tests of the `cdnlab` program: exit codes, error messages, output files,
// and reproducibility (same seed -> byte-identical files; another seed -> different).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/shell.h"

namespace cdnlab {
namespace {

namespace fs = std::filesystem;

testing::ShellResult RunCdnlab(const std::string& args) { return testing::RunShell(std::string(CDNLAB_BINARY) + " " + args); }

std::string DataFile(const std::string& name) { return std::string(CDNLAB_SOURCE_DIR) + "/tests/cli/data/" + name; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("cdnlab_cli_test_" + name);
  fs::remove_all(dir);
  return dir;
}

const char* kOutputs[] = {"summary.json", "regret.csv", "downloads.csv", "probes.csv", "mapping_changes.csv"};

TEST(CdnlabValidate, AcceptsAGoodFile) {
  const auto r = RunCdnlab("validate " + DataFile("small.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok"), std::string::npos) << r.output;
}

TEST(CdnlabValidate, AcceptsTheShippedDefaultScenario) {
  const auto r = RunCdnlab("validate " + std::string(CDNLAB_SOURCE_DIR) + "/scenarios/default.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(CdnlabValidate, RejectsADanglingReferenceNamingFileLineAndField) {
  const auto r = RunCdnlab("validate " + DataFile("bad_reference.yaml"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("bad_reference.yaml:9:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("client_groups[0].resolver"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("res-missing"), std::string::npos) << r.output;
}

TEST(CdnlabValidate, RejectsAMissingFile) {
  const auto r = RunCdnlab("validate /nonexistent/scenario.yaml");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/scenario.yaml"), std::string::npos) << r.output;
}

TEST(CdnlabCli, RejectsBadFlags) {
  EXPECT_NE(RunCdnlab("run --seed notanumber " + DataFile("small.yaml")).exit_code, 0);
  EXPECT_NE(RunCdnlab("run --frobnicate").exit_code, 0);
  EXPECT_NE(RunCdnlab("").exit_code, 0);
}

TEST(CdnlabRun, WritesSummaryWithEveryDocumentedKey) {
  const fs::path out = FreshDir("keys");
  const auto r = RunCdnlab("run " + DataFile("small.yaml") + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rgt50"), std::string::npos) << r.output;  // the printed table
  for (const char* f : kOutputs) EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto summary = nlohmann::json::parse(ReadFile(out / "summary.json"));
  for (const char* policy : {"measured", "geo"}) {
    const auto& p = summary["routing"][policy];
    EXPECT_TRUE(p["regret_ms"]["p50"].is_number()) << policy;
    EXPECT_TRUE(p["regret_ms"]["p95"].is_number()) << policy;
    EXPECT_TRUE(p["download_ms"]["p50"].is_number()) << policy;
    EXPECT_TRUE(p["download_ms"]["p95"].is_number()) << policy;
    EXPECT_TRUE(p["dns_updates"].is_number()) << policy;
    EXPECT_TRUE(p["probe_packets"].is_number()) << policy;
    ASSERT_EQ(p["events"].size(), 1u) << policy;
    EXPECT_TRUE(p["events"][0]["settle_s"].is_number()) << policy;
  }
  EXPECT_GT(summary["routing"]["measured"]["probe_packets"].get<double>(), 0);
  EXPECT_EQ(summary["routing"]["geo"]["probe_packets"].get<double>(), 0);
  // Every mapping change says why (issue 18): the reason column is never empty.
  std::istringstream changes(ReadFile(out / "mapping_changes.csv"));
  std::string line;
  std::getline(changes, line);
  EXPECT_EQ(line, "policy,time_s,group,from,to,family,reason,rtt_gain_ms");
  int rows = 0;
  while (std::getline(changes, line)) {
    ++rows;
    const std::size_t family = line.find(",ipv");
    ASSERT_NE(family, std::string::npos) << line;
    const std::size_t reason = line.find(',', family + 1);
    ASSERT_NE(reason, std::string::npos) << line;
    EXPECT_NE(line[reason + 1], ',') << "no reason: " << line;
  }
  EXPECT_GT(rows, 0) << "the measured policy moves groups in small.yaml";
}

TEST(CdnlabRun, SameSeedGivesByteIdenticalFilesAndAnotherSeedChangesThem) {
  const fs::path a = FreshDir("seed_a"), b = FreshDir("seed_b"), c = FreshDir("seed_c");
  ASSERT_EQ(RunCdnlab("run " + DataFile("small.yaml") + " --out " + a.string()).exit_code, 0);
  ASSERT_EQ(RunCdnlab("run " + DataFile("small.yaml") + " --out " + b.string()).exit_code, 0);
  ASSERT_EQ(RunCdnlab("run " + DataFile("small.yaml") + " --seed 8 --out " + c.string()).exit_code, 0);
  for (const char* f : kOutputs) {
    EXPECT_EQ(ReadFile(a / f), ReadFile(b / f)) << f << " differs between two runs with the same seed";
  }
  EXPECT_NE(ReadFile(a / "downloads.csv"), ReadFile(c / "downloads.csv"));
  EXPECT_NE(ReadFile(a / "summary.json"), ReadFile(c / "summary.json"));
}

// The progress bar draws on stderr only and changes no output file.
TEST(CdnlabRun, ProgressBarDrawsSimulatedTimeAndChangesNoOutput) {
  const fs::path plain = FreshDir("progress_off"), drawn = FreshDir("progress_on");
  ASSERT_EQ(RunCdnlab("run " + DataFile("small.yaml") + " --progress off --out " + plain.string()).exit_code, 0);
  const auto r = RunCdnlab("run " + DataFile("small.yaml") + " --progress on --out " + drawn.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\rgeo [##############################] 100% "), std::string::npos) << r.output;
  for (const char* f : kOutputs) EXPECT_EQ(ReadFile(plain / f), ReadFile(drawn / f)) << f;
  EXPECT_NE(RunCdnlab("run --progress sometimes " + DataFile("small.yaml")).exit_code, 0);
}

// The real side of compare-streaming plays plain HLS; an LL-HLS scenario is refused before the
// simulation starts, naming the file and the field, instead of comparing two protocols.
TEST(CdnlabCompareStreaming, RefusesALowLatencyScenarioNamingTheField) {
  const std::string scenario = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/streaming_llhls.yaml";
  const auto r = RunCdnlab("compare-streaming " + scenario + " --out " + ::testing::TempDir() + "/llhls-cmp");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("streaming_llhls.yaml"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("streaming.parts_per_segment"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("simulating"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cdnlab
