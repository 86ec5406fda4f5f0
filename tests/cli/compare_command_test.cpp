// End-to-end tests of `cdnlab compare`: exit 0 when nothing worsened beyond tolerance, 1 when
// something did or went missing, 2 on bad input (unreadable file, invalid JSON, bad tolerance).
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

const std::string kBaseline =
    std::string(CDNLAB_SOURCE_DIR) + "/scenarios/regression/baselines/routing_small.summary.json";

class CdnlabCompare : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cdnlab_compare_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ifstream in(kBaseline);
    ASSERT_TRUE(in) << kBaseline;
    std::ostringstream text;
    text << in.rdbuf();
    baseline_ = nlohmann::ordered_json::parse(text.str());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteText(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string Write(const std::string& name, const nlohmann::ordered_json& json) { return WriteText(name, json.dump(2)); }

  fs::path dir_;
  nlohmann::ordered_json baseline_;
};

TEST_F(CdnlabCompare, IdenticalFilePasses) {
  const auto r = RunCdnlab("compare " + kBaseline + " " + kBaseline);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("result: ok"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, RegretFiftyPercentWorseFails) {
  auto run = baseline_;
  auto& p95 = run["routing"]["probe"]["regret_ms"]["p95"];
  ASSERT_GT(p95.get<double>(), 0);
  p95 = p95.get<double>() * 1.5;
  const std::string run_file = Write("run.json", run);

  const auto r = RunCdnlab("compare " + kBaseline + " " + run_file + " --tolerance 5% --abs-tolerance 0.5");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("routing.probe.regret_ms.p95"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("+50.0%"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("WORSE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("result: REGRESSION"), std::string::npos) << r.output;

  // A per-metric override that allows it passes.
  const auto allowed = RunCdnlab("compare " + kBaseline + " " + run_file +
                                 " --tolerance 5% --tolerance-for 'routing.*.regret_ms.*=60%'");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
}

TEST_F(CdnlabCompare, ImprovementPassesAndIsListed) {
  auto run = baseline_;
  run["routing"]["probe"]["regret_ms"]["p95"] = 1.0;
  const auto r = RunCdnlab("compare " + kBaseline + " " + Write("run.json", run));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("improved"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, MissingMetricFails) {
  auto run = baseline_;
  run["routing"]["probe"].erase("download_ms");
  const auto r = RunCdnlab("compare " + kBaseline + " " + Write("run.json", run) + " --tolerance 50%");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("routing.probe.download_ms.p95"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("MISSING"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, VerboseListsEveryMetric) {
  const auto r = RunCdnlab("compare --verbose " + kBaseline + " " + kBaseline);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("scenario.source"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not compared"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("unchanged"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, RuntimeAgreementWorseningFails) {
  // `cdnlab compare-runtimes` summaries: less download-time agreement is a regression, while
  // the tolerance it was judged with is an input and never judged.
  nlohmann::ordered_json baseline = {
      {"scenario", {{"name", "agreement"}, {"seed", 9}}},
      {"agreement",
       {{"same_choice_ratio", 1.0},
        {"download_time",
         {{"tolerance", {{"absolute_ms", 10}, {"relative", 0.25}}},
          {"groups_compared", 6},
          {"error_ms", {{"p50", 2.0}, {"max", 4.0}}},
          {"share_within_tolerance", 1.0}}}}}};
  auto run = baseline;
  run["agreement"]["download_time"]["share_within_tolerance"] = 0.5;
  run["agreement"]["download_time"]["error_ms"]["p50"] = 12.0;
  run["agreement"]["download_time"]["tolerance"]["absolute_ms"] = 50;
  const auto r = RunCdnlab("compare " + Write("base.json", baseline) + " " + Write("run.json", run) + " --tolerance 5%");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("agreement.download_time.share_within_tolerance"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("agreement.download_time.error_ms.p50"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("tolerance.absolute_ms"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("result: REGRESSION"), std::string::npos) << r.output;
  // Better agreement passes.
  auto better = baseline;
  better["agreement"]["download_time"]["error_ms"]["p50"] = 1.0;
  const auto ok = RunCdnlab("compare " + Write("base.json", baseline) + " " + Write("better.json", better));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

TEST_F(CdnlabCompare, InvalidJsonExitsTwoWithFileLineAndColumn) {
  const std::string bad = WriteText("bad.json", "{\n  \"scenario\": {\n    \"name\": \"x\",,\n  }\n}\n");
  const auto r = RunCdnlab("compare " + kBaseline + " " + bad);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(bad), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("line 3, column"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, UnreadableFileExitsTwoNamingIt) {
  const auto r = RunCdnlab("compare /nonexistent/baseline.json " + kBaseline);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/baseline.json"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("baseline"), std::string::npos) << r.output;
}

TEST_F(CdnlabCompare, NonObjectJsonExitsTwo) {
  const auto r = RunCdnlab("compare " + kBaseline + " " + WriteText("list.json", "[1, 2]"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST_F(CdnlabCompare, BadToleranceTextExitsTwoNamingTheFlag) {
  const std::string files = kBaseline + " " + kBaseline;
  const auto rel = RunCdnlab("compare " + files + " --tolerance 5");
  EXPECT_EQ(rel.exit_code, 2) << rel.output;
  EXPECT_NE(rel.output.find("--tolerance"), std::string::npos) << rel.output;
  EXPECT_NE(rel.output.find("'5'"), std::string::npos) << rel.output;
  const auto abs = RunCdnlab("compare " + files + " --abs-tolerance fast");
  EXPECT_EQ(abs.exit_code, 2) << abs.output;
  EXPECT_NE(abs.output.find("--abs-tolerance"), std::string::npos) << abs.output;
  const auto over = RunCdnlab("compare " + files + " --tolerance-for 'routing.*'");
  EXPECT_EQ(over.exit_code, 2) << over.output;
  EXPECT_NE(over.output.find("--tolerance-for"), std::string::npos) << over.output;
}

}  // namespace
}  // namespace cdnlab
