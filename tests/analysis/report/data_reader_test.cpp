// cdnlab report (issue 7): the readers of a run/sweep output directory, and the plot builders'
// data (no gnuplot needed here; the browser test renders real pages).
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/report/csv_table.h"
#include "analysis/report/federation_plots.h"
#include "analysis/report/gnuplot_runner.h"
#include "analysis/report/plot.h"
#include "analysis/report/data_reader.h"
#include "analysis/report/error.h"
#include "analysis/report/routing_plots.h"
#include "analysis/report/streaming_plots.h"
#include "analysis/report/sweep_plots.h"

namespace cdnlab::report {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/report-reader-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << text;
  }

 private:
  std::string path_;
};

std::string InputError(const std::function<void()>& f) {
  try {
    f();
  } catch (const ReportInputError& e) {
    return e.what();
  }
  return "(no ReportInputError)";
}

constexpr const char* kRoutingSummary =
    R"({"scenario":{"name":"tiny","source":"tiny.yaml","seed":7,"duration_s":120},
        "routing":{"probe":{"policy":"measured"},"geo":{"policy":"geo"}}})";

void WriteRoutingRun(const TempDir& d) {
  d.Write("summary.json", kRoutingSummary);
  d.Write("regret.csv",
          "policy,time_s,group,pop,regret_ms\nprobe,1.000000,g1,p1,0.000\nprobe,2.0,g1,p1,5.5\n"
          "geo,1.0,g1,p2,12.25\n");
  d.Write("mapping_changes.csv", "policy,time_s,group,from,to\nprobe,10.5,g1,p2,p1\nprobe,70,g2,p1,p3\n");
}

TEST(CsvTable, ParsesQuotedFieldsAndKeepsLineNumbers) {
  const auto t = CsvTable::Parse("x.csv", "a,b,c\n1,\"x,\"\"y\"\"\",3\r\n4,,6\n", {"a", "c"});
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.At(0, 1), "x,\"y\"");
  EXPECT_EQ(t.LineOf(1), 3u);
  EXPECT_EQ(t.Number(1, t.Column("b")), std::nullopt);
  EXPECT_DOUBLE_EQ(t.RequiredNumber(1, t.Column("c")), 6.0);
}

TEST(CsvTable, ErrorsNameFileAndLine) {
  EXPECT_THAT(InputError([] { CsvTable::Parse("r.csv", "a,b\n1,2\n1,2,3\n", {}); }),
              HasSubstr("r.csv:3: malformed row: 3 fields, the header has 2"));
  EXPECT_THAT(InputError([] { CsvTable::Parse("r.csv", "a,b\n\"1,2\n", {}); }), HasSubstr("r.csv:2: malformed row"));
  EXPECT_THAT(InputError([] { CsvTable::Parse("r.csv", "a,b\n1,2\n", {"c"}); }),
              HasSubstr("r.csv:1: header lacks column 'c'"));
  EXPECT_THAT(InputError([] { CsvTable::Parse("r.csv", "", {}); }), HasSubstr("r.csv:1: empty file"));
  EXPECT_THAT(InputError([] {
                const auto t = CsvTable::Parse("r.csv", "a,b\n1,2\n1,zz\n", {});
                t.Number(1, 1);
              }),
              HasSubstr("r.csv:3: malformed row: column 'b' is 'zz', not a number"));
  EXPECT_THAT(InputError([] {
                const auto t = CsvTable::Parse("r.csv", "a\nnan\n", {});
                t.Number(0, 0);
              }),
              HasSubstr("not a number"));
}

TEST(ReportDataReader, ReadsARoutingRun) {
  TempDir d;
  WriteRoutingRun(d);
  EXPECT_EQ(DetectReportInput(d.path()), ReportInputKind::kRun);
  const auto run = ReadRunReportData(d.path());
  EXPECT_EQ(run.scenario_name, "tiny");
  EXPECT_EQ(run.seed, 7u);
  EXPECT_DOUBLE_EQ(run.duration_s, 120);
  ASSERT_TRUE(run.routing);
  EXPECT_FALSE(run.federation);
  EXPECT_FALSE(run.streaming);
  EXPECT_EQ(run.routing->policies, (std::vector<std::string>{"probe", "geo"}));
  EXPECT_EQ(run.routing->regret_ms.at("probe"), (std::vector<double>{0.0, 5.5}));
  EXPECT_EQ(run.routing->regret_ms.at("geo"), (std::vector<double>{12.25}));
  ASSERT_EQ(run.routing->changes.size(), 2u);
  EXPECT_EQ(run.routing->changes[1].to, "p3");
}

TEST(ReportDataReader, BadInputNamesTheFile) {
  EXPECT_THAT(InputError([] { DetectReportInput("/nonexistent/report-dir"); }), HasSubstr("no such directory"));
  TempDir d;
  EXPECT_THAT(InputError([&] { DetectReportInput(d.path()); }), HasSubstr("summary.json"));
  d.Write("summary.json", "{\"scenario\": ");
  EXPECT_THAT(InputError([&] { ReadRunReportData(d.path()); }), HasSubstr("summary.json: not valid JSON"));
  WriteRoutingRun(d);
  d.Write("regret.csv", "policy,time_s,group,pop,regret_ms\nprobe,1,g1,p1,0\nprobe,2,g1,p1\n");
  EXPECT_THAT(InputError([&] { ReadRunReportData(d.path()); }), HasSubstr("regret.csv:3: malformed row"));
  d.Write("regret.csv", "policy,time_s,group,pop,regret_ms\nnope,1,g1,p1,0\n");
  EXPECT_THAT(InputError([&] { ReadRunReportData(d.path()); }),
              HasSubstr("regret.csv:2: malformed row: policy 'nope' is not in summary.json"));
  fs::remove(d.path() + "/regret.csv");
  EXPECT_THAT(InputError([&] { ReadRunReportData(d.path()); }), HasSubstr("regret.csv: missing"));
}

TEST(ReportDataReader, ReadsFederationAndStreaming) {
  TempDir d;
  d.Write("summary.json",
          R"({"scenario":{"name":"both","seed":1,"duration_s":60},"federation":{},
              "streaming":{"offload_pct":{"edge":80.5,"mid":50,"ingest":null},"segment_offload_pct":{"edge":90}}})");
  d.Write("commands.csv",
          "id,type,platform,by,issued_at_s,status_id,status,targeted,acknowledged,applied,wrongly_targeted,"
          "completion_ms,bound_ms,errors\n"
          "c1,invalidation,p,u,1.000,s1,complete,3,3,3,0,120.500,500.000,\n"
          "c2,prepositioning,p,u,2.000,s2,failed,3,1,1,0,,500.000,\"timeout:a b\"\n"
          "c3,cancel,p,u,3.000,s3,complete,,,,,,,\n");
  d.Write("viewers.csv",
          "viewer,group,edge,stream,join_s,startup_ms,failed_start,stalls,stall_ms,played_s,segments_fetched,"
          "fetch_failures,affected,stalls_after_failure,stall_ms_after_failure,resumed_after_s,ended_s\n"
          "v1,g,e,s,1.000,300.000,0,0,0.000,10,5,0,0,0,,,\n"
          "v2,g,e,s,1.000,,1,2,1500.000,0,0,3,1,2,1500.000,,\n");
  const auto run = ReadRunReportData(d.path());
  ASSERT_TRUE(run.federation);
  ASSERT_EQ(run.federation->commands.size(), 3u);
  EXPECT_EQ(run.federation->commands[0].completion_ms, 120.5);
  EXPECT_EQ(run.federation->commands[1].completion_ms, std::nullopt);
  ASSERT_TRUE(run.streaming);
  ASSERT_EQ(run.streaming->viewers.size(), 2u);
  EXPECT_TRUE(run.streaming->viewers[1].failed_start);
  EXPECT_EQ(run.streaming->viewers[1].stalls, 2);

  const auto routing = BuildRoutingSection(run);
  EXPECT_FALSE(routing.present);
  EXPECT_THAT(routing.absent_reason, HasSubstr("no routing experiment"));
  const auto fed = BuildFederationSection(run);
  ASSERT_EQ(fed.plots.size(), 1u);
  EXPECT_EQ(fed.plots[0].id, "command_completion_cdf");
  EXPECT_EQ(fed.plots[0].series, 1);  // one completed type: only the "all commands" curve
  const auto streaming = BuildStreamingSection(run);
  ASSERT_EQ(streaming.plots.size(), 3u);
  EXPECT_EQ(streaming.plots[0].id, "startup_delay_cdf");
  EXPECT_EQ(streaming.plots[1].id, "stalls");
  EXPECT_EQ(streaming.plots[2].id, "tier_offload");
  EXPECT_EQ(streaming.plots[2].data_files[0].second, "edge\t80.5\t90\nmid\t50\tNaN\n");
}

TEST(ReportPlots, RoutingPlotsHaveOneSeriesPerPolicy) {
  TempDir d;
  WriteRoutingRun(d);
  const auto s = BuildRoutingSection(ReadRunReportData(d.path()));
  ASSERT_TRUE(s.present);
  ASSERT_EQ(s.plots.size(), 2u);
  EXPECT_EQ(s.plots[0].id, "regret_cdf");
  EXPECT_EQ(s.plots[0].series, 2);
  EXPECT_EQ(s.plots[1].id, "mapping_timeline");
  EXPECT_EQ(s.plots[1].series, 2);
  // 120 s in 2 s bins: probe's changes at 10.5 s and 70 s land in bins 10 and 70.
  const auto& probe = s.plots[1].data_files[0].second;
  EXPECT_THAT(probe, HasSubstr("\n10\t1\n"));
  EXPECT_THAT(probe, HasSubstr("\n70\t1\n"));
  EXPECT_DOUBLE_EQ(TimelineBinSeconds(120), 2);
  EXPECT_DOUBLE_EQ(TimelineBinSeconds(600), 10);
}

TEST(ReportPlots, CdfDataIsSortedAndBounded) {
  EXPECT_EQ(CdfData({3, 1, 2}), "0\t0\n1\t0\n1\t0.333333\n2\t0.666667\n3\t1\n3\t1\n");
  EXPECT_EQ(CdfData({-1, 0}), "-1\t0\n-1\t0.5\n0\t1\n0\t1\n");
  std::vector<double> many(10000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(many.size() - i);
  const auto text = CdfData(many, 100);
  EXPECT_LE(std::count(text.begin(), text.end(), '\n'), 103);
  EXPECT_EQ(GnuplotString("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
}

TEST(ReportPlots, SweepGroupsPoliciesIntoOnePlotPerMetric) {
  TempDir d;
  d.Write("sweep.json", R"({"parameters":["dns.ttl_s"],"points":[
      {"point":"dns.ttl_s=10","runs":["a","b"],"metrics":{
        "routing.probe.regret_ms.mean":{"n":2,"mean":1.5,"ci95":0.5},
        "routing.geo.regret_ms.mean":{"n":2,"mean":4,"ci95":null}}},
      {"point":"dns.ttl_s=60","runs":["c","d"],"metrics":{
        "routing.probe.regret_ms.mean":{"n":2,"mean":2.5,"ci95":1}}}]})");
  EXPECT_EQ(DetectReportInput(d.path()), ReportInputKind::kSweep);
  const auto s = BuildSweepSection(ReadSweepReportData(d.path()));
  ASSERT_EQ(s.plots.size(), 1u);
  EXPECT_EQ(s.plots[0].title, "routing.*.regret_ms.mean");
  EXPECT_EQ(s.plots[0].series, 2);
  EXPECT_EQ(s.plots[0].data_files[0].second, "-0.1\t1.5\t0.5\n0.9\t2.5\t1\n");
  EXPECT_EQ(s.plots[0].data_files[1].second, "0.1\t4\t0\n");
  d.Write("sweep.json", R"({"points":[{"nopoint":1}]})");
  EXPECT_THAT(InputError([&] { ReadSweepReportData(d.path()); }), HasSubstr("sweep.json: a point lacks"));
}

TEST(GnuplotRunner, SvgIdsArePrefixedAndSeriesMarked) {
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\">\n<g id=\"gnuplot_canvas\">"
      "<path id='gpPt0' d='M0,0'/><use xlink:href='#gpPt0'/>"
      "<g id=\"gnuplot_plot_1\" ><title>a</title><path d='M1,1 L2,2 L3,3'/></g></g></svg>";
  const auto out = EmbeddableSvg(svg, "regret_cdf");
  EXPECT_EQ(out.rfind("<svg", 0), 0u);
  EXPECT_THAT(out, HasSubstr("<g class=\"gnuplot-series\" id=\"regret_cdf-series-1\""));
  EXPECT_THAT(out, HasSubstr("id='regret_cdf-gpPt0'"));
  EXPECT_THAT(out, HasSubstr("href='#regret_cdf-gpPt0'"));
  EXPECT_THAT(out, HasSubstr("id=\"regret_cdf-canvas\""));
}

TEST(GnuplotRunner, MissingGnuplotIsAClearError) {
  TempDir d;
  GnuplotRunner runner("/nonexistent/gnuplot", d.path());
  Plot p;
  p.id = "x";
  try {
    runner.Render(p);
    FAIL() << "no error";
  } catch (const ReportToolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gnuplot not found"));
  }
}

TEST(GnuplotRunner, FailureReportsExitStatusAndStderr) {
  if (FindProgram("gnuplot").empty()) GTEST_SKIP() << "gnuplot not installed (.ci/setup-debian.sh installs it)";
  TempDir d;
  GnuplotRunner runner("gnuplot", d.path());
  Plot p;
  p.id = "bad";
  p.script = "plot 'no-such-file.dat' using 1:2 with lines\n";
  try {
    runner.Render(p);
    FAIL() << "no error";
  } catch (const ReportToolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gnuplot failed (exit status"));
    EXPECT_THAT(e.what(), HasSubstr("no-such-file.dat"));
  }
}

}  // namespace
}  // namespace cdnlab::report
