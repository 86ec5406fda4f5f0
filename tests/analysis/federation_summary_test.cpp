// The federation part of summary.json, commands.csv and the printed table, from a run result
// made by hand.
#include "analysis/federation_summary.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analysis/federation_csv_writer.h"
#include "analysis/federation_table.h"
#include "analysis/summary_json.h"

namespace cdnlab {
namespace {

FederationRunResult SampleRun() {
  FederationRunResult run;
  FederationCommandResult purge;
  purge.id = "purge-1";
  purge.type = "purge";
  purge.platform = "cdn-a";
  purge.by = "cp";
  purge.issued_at_s = 10;
  purge.status_id = "cdn-a-t1";
  purge.status = "complete";
  purge.final = true;
  purge.targeted_servers = {"a1", "b1"};
  purge.acknowledged_servers = {"a1", "b1"};
  purge.applied_servers = {"a1", "b1"};
  purge.completion_ms = 100.12345;
  purge.bound_ms = 80.0004;
  run.commands.push_back(purge);

  FederationCommandResult pre = purge;
  pre.id = "pre-1";
  pre.type = "preposition";
  pre.status_id = "cdn-a-t2";
  pre.status = "processed";
  pre.completion_ms = 300;
  pre.bound_ms = 90;
  pre.errors = {{"econtent", {"b1"}, "server b1 could not apply every entry"}};
  run.commands.push_back(pre);

  FederationCommandResult bad;
  bad.id = "bad";
  bad.type = "purge";
  bad.platform = "cdn-a";
  bad.by = "cp-other";
  bad.issued_at_s = 20;
  bad.status_id = "cdn-a-t3";
  bad.status = "failed";
  bad.final = true;
  bad.completion_ms = 0;
  bad.errors = {{"eperm", {}, "not yours"}};
  run.commands.push_back(bad);

  FederationCommandResult cancel;
  cancel.id = "stop";
  cancel.type = "cancel";
  cancel.platform = "cdn-a";
  cancel.by = "cp";
  cancel.issued_at_s = 21;
  cancel.cancels = "pre-1";
  cancel.status_id = "cdn-a-t2";
  cancel.status = "refused";
  run.commands.push_back(cancel);

  run.messages_sent_by_kind = {{"apply", 4}, {"submit", 2}};
  run.messages_received_by_kind = {{"apply", 4}};
  run.retries_by_kind = {{"apply", 1}};
  run.datagrams_lost_to_faults = 1;
  run.faults = {{9, "message_loss", "a1", "armed", 1}};
  return run;
}

TEST(FederationSummary, AggregatesOverCommandsThatRanToTheEnd) {
  const auto a = SummarizeFederation(SampleRun());
  EXPECT_EQ(a.commands, 3u);
  EXPECT_EQ(a.completed, 1u);
  EXPECT_EQ(a.processed, 1u);
  EXPECT_EQ(a.completion_ms.count, 2u);  // not the failed one
  EXPECT_DOUBLE_EQ(a.completion_ms.p50, 100.12345);
  EXPECT_DOUBLE_EQ(a.completion_ms.p95, 300);
  EXPECT_DOUBLE_EQ(a.bound_ms.p50, 80.0004);
  EXPECT_DOUBLE_EQ(a.messages_sent, 6);
  EXPECT_DOUBLE_EQ(a.retries, 1);
  EXPECT_EQ(a.wrongly_targeted_total, 0u);
  EXPECT_TRUE(a.all_targeted_acknowledged);
}

TEST(FederationSummary, AWrongTargetOrAMissingAcknowledgementShows) {
  auto run = SampleRun();
  run.commands[0].wrongly_targeted_servers = {"c9"};
  run.commands[1].acknowledged_servers = {"a1"};
  const auto a = SummarizeFederation(run);
  EXPECT_EQ(a.wrongly_targeted_total, 1u);
  EXPECT_FALSE(a.all_targeted_acknowledged);
}

TEST(FederationSummary, JsonHasEveryDocumentedKeyWithRoundedNumbers) {
  // Compared as plain json (ordered_json == json is ambiguous).
  const nlohmann::json j = FederationSummaryJson(SampleRun());
  ASSERT_EQ(j["commands"].size(), 4u);
  const auto& c = j["commands"][0];
  EXPECT_EQ(c["id"], "purge-1");
  EXPECT_EQ(c["type"], "purge");
  EXPECT_EQ(c["platform"], "cdn-a");
  EXPECT_EQ(c["status"], "complete");
  EXPECT_EQ(c["targeted_servers"]["count"], 2);
  EXPECT_EQ(c["targeted_servers"]["ids"], nlohmann::json({"a1", "b1"}));
  EXPECT_EQ(c["acknowledged_servers"]["count"], 2);
  EXPECT_EQ(c["wrongly_targeted_servers"]["count"], 0);
  EXPECT_EQ(c["wrongly_targeted_servers"]["ids"], nlohmann::json::array());
  EXPECT_DOUBLE_EQ(c["completion_ms"].get<double>(), 100.123);
  EXPECT_DOUBLE_EQ(c["bound_ms"].get<double>(), 80.0);
  EXPECT_EQ(c["errors"], nlohmann::json::array());
  EXPECT_EQ(j["commands"][1]["errors"][0]["error"], "econtent");
  EXPECT_EQ(j["commands"][1]["errors"][0]["servers"], nlohmann::json({"b1"}));
  EXPECT_TRUE(j["commands"][2]["bound_ms"].is_null());
  EXPECT_EQ(j["commands"][3]["type"], "cancel");
  EXPECT_EQ(j["commands"][3]["cancels"], "pre-1");
  EXPECT_EQ(j["commands"][3]["status"], "refused");
  EXPECT_DOUBLE_EQ(j["completion_ms"]["p50"].get<double>(), 100.123);
  EXPECT_DOUBLE_EQ(j["completion_ms"]["p95"].get<double>(), 300);
  EXPECT_DOUBLE_EQ(j["bound_ms"]["p95"].get<double>(), 90);
  EXPECT_EQ(j["messages_sent"], 6);
  EXPECT_EQ(j["messages_sent_by_kind"]["submit"], 2);
  EXPECT_EQ(j["retries"], 1);
  EXPECT_EQ(j["wrongly_targeted_total"], 0);
  EXPECT_EQ(j["all_targeted_acknowledged"], true);
  EXPECT_EQ(j["datagrams_lost_to_faults"], 1);
  EXPECT_EQ(j["faults"][0]["type"], "message_loss");
  EXPECT_EQ(j["faults"][0]["count"], 1);
  // Keys in a fixed order: equal runs, equal bytes.
  EXPECT_EQ(FederationSummaryJson(SampleRun()).dump(), FederationSummaryJson(SampleRun()).dump());
  EXPECT_EQ(FederationSummaryJson(SampleRun()).begin().key(), "commands");
}

TEST(FederationSummary, AStatisticsCommandCarriesItsTotals) {
  auto run = SampleRun();
  FederationCommandResult stats = run.commands[0];
  stats.id = "stats-1";
  stats.type = "statistics";
  stats.status_id = "cdn-a-t4";
  stats.statistics = FederationStatisticsResult{2, 34, 21};
  run.commands.push_back(stats);
  const nlohmann::json j = FederationSummaryJson(run);
  ASSERT_EQ(j["commands"].size(), 5u);
  EXPECT_EQ(j["commands"][4]["type"], "statistics");
  EXPECT_EQ(j["commands"][4]["statistics"], (nlohmann::json{{"servers", 2}, {"objects", 34}, {"stale", 21}}));
  EXPECT_EQ(j["commands"][4]["status"], "complete");
  for (std::size_t i = 0; i < 4; ++i) EXPECT_FALSE(j["commands"][i].contains("statistics")) << i;
  // It counts like any other trigger in the aggregates.
  EXPECT_EQ(SummarizeFederation(run).commands, 4u);
  EXPECT_EQ(SummarizeFederation(run).completed, 2u);
  // The table shows its type; commands.csv keeps one row per command, without per-server rows.
  EXPECT_NE(FormatFederationTable(run).find("stats-1 statistics "), std::string::npos);
  const auto path = std::filesystem::temp_directory_path() / "cdnlab_federation_statistics_test.csv";
  WriteFederationCommandsCsv(path.string(), run);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\nstats-1,statistics,cdn-a,cp,10.000,cdn-a-t4,complete,2,2,2,0,100.123,80.000,\n"),
            std::string::npos)
      << text.str();
  std::filesystem::remove(path);
}

TEST(FederationSummary, NoFinishedCommandGivesNullQuantiles) {
  FederationRunResult run;
  const nlohmann::json j = FederationSummaryJson(run);
  EXPECT_TRUE(j["completion_ms"]["p50"].is_null());
  EXPECT_EQ(j["completion_ms"]["samples"], 0);
  EXPECT_EQ(j["all_targeted_acknowledged"], true);
}

TEST(FederationSummary, RunInfoAloneIsTheRoutingSummaryWithoutRouting) {
  const RunInfo info{"fed", "f.yaml", 7, 120};
  auto root = RunInfoJson(info);
  EXPECT_EQ(root.dump(), R"({"scenario":{"name":"fed","source":"f.yaml","seed":7,"duration_s":120.0}})");
  const auto routing = RoutingSummaryJson(info, {});
  EXPECT_EQ(routing["scenario"].dump(), root["scenario"].dump());
  EXPECT_EQ(routing.begin().key(), "scenario");
}

TEST(FederationCommandsCsv, OneRowPerCommand) {
  const auto path = std::filesystem::temp_directory_path() / "cdnlab_federation_commands_test.csv";
  WriteFederationCommandsCsv(path.string(), SampleRun());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "id,type,platform,by,issued_at_s,status_id,status,targeted,acknowledged,applied,wrongly_targeted,"
            "completion_ms,bound_ms,errors\n"
            "purge-1,purge,cdn-a,cp,10.000,cdn-a-t1,complete,2,2,2,0,100.123,80.000,\n"
            "pre-1,preposition,cdn-a,cp,10.000,cdn-a-t2,processed,2,2,2,0,300.000,90.000,econtent:b1\n"
            "bad,purge,cdn-a,cp-other,20.000,cdn-a-t3,failed,0,0,0,0,0.000,,eperm\n"
            "stop,cancel,cdn-a,cp,21.000,cdn-a-t2,refused,,,,,,,\n");
  std::filesystem::remove(path);
}

TEST(FederationTable, OneLinePerCommandPlusHeaderAndTotals) {
  const std::string table = FormatFederationTable(SampleRun());
  std::size_t lines = 0;
  for (char c : table) lines += c == '\n';
  EXPECT_EQ(lines, 2u + 4u + 1u);
  EXPECT_NE(table.find("purge-1"), std::string::npos);
  EXPECT_NE(table.find("econtent(1)"), std::string::npos);
  EXPECT_NE(table.find("eperm"), std::string::npos);
  EXPECT_NE(table.find("cancels pre-1"), std::string::npos);
  EXPECT_NE(table.find("all targeted acknowledged: yes"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
