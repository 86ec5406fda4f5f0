#include "analysis/download_agreement.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(DownloadAgreement, ComparesMediansPerGroup) {
  // g1: sim median 50, testbed median 54 (+4); g2: sim 100, testbed 90 (-10).
  const auto a = CompareDownloadTimes({{"g1", {50, 40, 60}, {54, 70, 30}}, {"g2", {100}, {90, 200, 80}}},
                                      DownloadTolerance{5, 0});
  ASSERT_EQ(a.groups.size(), 2u);
  EXPECT_EQ(a.groups[0].sim_ms, 50);
  EXPECT_EQ(a.groups[0].real_ms, 54);
  EXPECT_EQ(a.groups[0].error_ms, 4);
  EXPECT_TRUE(a.groups[0].within_tolerance);
  EXPECT_EQ(a.groups[1].error_ms, -10);
  EXPECT_FALSE(a.groups[1].within_tolerance);
  EXPECT_EQ(a.groups[1].real_downloads, 3u);
  EXPECT_EQ(a.groups_compared, 2u);
  EXPECT_EQ(a.error_p50_ms, 4);
  EXPECT_EQ(a.error_max_ms, 10);
  EXPECT_EQ(a.share_within_tolerance, 0.5);
}

TEST(DownloadAgreement, RelativeToleranceGrowsWithTheSimulatedTime) {
  // 10% of 100 ms allows the 10 ms difference; 10% of 20 ms does not allow 3 ms, 5 ms absolute does.
  const auto a = CompareDownloadTimes({{"far", {100}, {110}}, {"near", {20}, {23}}}, DownloadTolerance{0, 0.10});
  EXPECT_TRUE(a.groups[0].within_tolerance);
  EXPECT_FALSE(a.groups[1].within_tolerance);
  const auto b = CompareDownloadTimes({{"near", {20}, {23}}}, DownloadTolerance{5, 0.10});
  EXPECT_TRUE(b.groups[0].within_tolerance);
}

TEST(DownloadAgreement, GroupsWithoutDownloadsInBothAreNotCompared) {
  const auto a = CompareDownloadTimes({{"sim-only", {40}, {}}, {"none", {}, {}}}, DownloadTolerance{5, 0});
  EXPECT_EQ(a.groups_compared, 0u);
  EXPECT_FALSE(a.groups[0].error_ms.has_value());
  EXPECT_EQ(a.groups[0].sim_ms, 40);
  EXPECT_FALSE(a.groups[0].real_ms.has_value());
  EXPECT_TRUE(std::isnan(a.error_p50_ms));
  EXPECT_EQ(a.share_within_tolerance, 0);
}

}  // namespace
}  // namespace cdnlab
