// What a controller keeps across a restart: the mapping at its version, the measurements with
// their ages (down time included), the report sequence numbers; and the errors a corrupt or
// foreign file gets (file and field named).
#include "realnet/routing/controller_state_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

RoutingCatalog TwoByTwo() {
  RoutingCatalog c;
  c.pops.push_back(PopInfo{"pop-a", {}, {Ipv4Address{0x0a000001}}});
  c.pops.push_back(PopInfo{"pop-b", {}, {Ipv4Address{0x0a000002}}});
  ClientGroupInfo g1;
  g1.id = "g1";
  g1.prefix = Ipv4Prefix{Ipv4Address{0x0a010000}, 24};
  ClientGroupInfo g2 = g1;
  g2.id = "g2";
  g2.prefix = Ipv4Prefix{Ipv4Address{0x0a020000}, 24};
  c.groups = {g1, g2};
  return c;
}

class ControllerStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cdnlab-state-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void SaveSample(const ControllerStateFile& file) {
    MeasurementStore store(2, 2);
    store.AddSample(0, 1, SimTime(seconds(10)), 12.5, 0.25);
    store.AddSample(1, 0, SimTime(seconds(12)), std::nullopt, 1.0);
    MappingTable table;
    table.Replace({{Ipv4Prefix{Ipv4Address{0x0a010000}, 24}, {1, 0}}});
    table.Restore(table.Entries(), 41);  // as if 41 versions had been published
    file.Save(table, store, {std::nullopt, 99}, SimTime(seconds(13)), 1'000'000);
  }

  void Corrupt(const std::function<void(nlohmann::json&)>& edit, const ControllerStateFile& file) {
    nlohmann::json doc = nlohmann::json::parse(std::ifstream(file.Path()));
    edit(doc);
    std::ofstream(file.Path(), std::ios::trunc) << doc.dump();
  }

  std::filesystem::path dir_;
  RoutingCatalog catalog_ = TwoByTwo();
};

TEST_F(ControllerStateFileTest, NoFileMeansAColdStart) {
  ControllerStateFile file(dir_.string(), catalog_, "example.net");
  EXPECT_FALSE(file.Load(SimTime(0), 0).has_value());
}

TEST_F(ControllerStateFileTest, RoundTripAgesCellsByTheDownTime) {
  ControllerStateFile file(dir_.string(), catalog_, "example.net");
  SaveSample(file);
  EXPECT_FALSE(std::filesystem::exists(file.Path() + ".tmp"));
  // Restarted 2 s (wall clock) later, on a new process clock at 0.5 s.
  const auto state = file.Load(SimTime(milliseconds(500)), 1'002'000);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->mapping_version, 41u);
  ASSERT_EQ(state->rows.size(), 1u);
  EXPECT_EQ(state->rows[0].ranked_pops, (std::vector<PopIndex>{1, 0}));
  ASSERT_EQ(state->cells.size(), 2u);
  const auto& a = state->cells[0];
  EXPECT_EQ(a.group, 0u);
  EXPECT_EQ(a.pop, 1u);
  EXPECT_DOUBLE_EQ(*a.saved.rtt_ms, 12.5);
  EXPECT_DOUBLE_EQ(a.saved.loss, 0.25);
  // 3 s old when saved, 2 s down: 5 s before the new clock's 0.5 s.
  EXPECT_EQ(a.saved.last_sample, SimTime(milliseconds(500 - 5000)));
  EXPECT_FALSE(state->cells[1].saved.rtt_ms.has_value());  // every probe lost
  ASSERT_EQ(state->report_sequences.size(), 1u);
  EXPECT_EQ(state->report_sequences[0], (std::pair<PopIndex, std::uint64_t>{1, 99}));

  // Restored into a store, the 5 s old cell is fresh under a 60 s max age and keeps its values.
  MeasurementStore store(2, 2);
  store.Restore(a.group, a.pop, a.saved);
  EXPECT_EQ(store.RttMs(0, 1, SimTime(milliseconds(500))), 12.5);
  EXPECT_EQ(store.SampleCount(0, 1), 1u);
  EXPECT_FALSE(store.RttMs(0, 1, SimTime(seconds(60))).has_value());  // and ages out on time
}

TEST_F(ControllerStateFileTest, PopsNoLongerListedAreLeftOut) {
  ControllerStateFile file(dir_.string(), catalog_, "example.net");
  SaveSample(file);
  RoutingCatalog only_a = catalog_;
  only_a.pops.pop_back();
  const auto state = ControllerStateFile(dir_.string(), only_a, "example.net").Load(SimTime(0), 1'000'000);
  ASSERT_TRUE(state.has_value());
  ASSERT_EQ(state->rows.size(), 1u);
  EXPECT_EQ(state->rows[0].ranked_pops, (std::vector<PopIndex>{0}));
  ASSERT_EQ(state->cells.size(), 1u);  // g2 x pop-a stays
  EXPECT_EQ(state->cells[0].pop, 0u);
  EXPECT_TRUE(state->report_sequences.empty());
  EXPECT_EQ(state->dropped, 3u);  // one row entry, one cell, one sequence
}

TEST_F(ControllerStateFileTest, CorruptOrForeignFilesNameFileAndField) {
  ControllerStateFile file(dir_.string(), catalog_, "example.net");
  const auto error_of = [&] {
    try {
      file.Load(SimTime(0), 0);
    } catch (const ControllerStateError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  SaveSample(file);
  Corrupt([](nlohmann::json& j) { j["mapping"]["version"] = -1; }, file);
  EXPECT_EQ(error_of(), file.Path() + ": field 'mapping.version': expected a whole number >= 0");
  SaveSample(file);
  Corrupt([](nlohmann::json& j) { j["zone"] = "other.example"; }, file);
  EXPECT_NE(error_of().find(file.Path() + ": field 'zone': 'other.example' is not the scenario's zone"), std::string::npos);
  SaveSample(file);
  Corrupt([](nlohmann::json& j) { j["format"] = "cdnlab-mapping-snapshot/1"; }, file);
  EXPECT_NE(error_of().find("field 'format'"), std::string::npos);
  SaveSample(file);
  Corrupt([](nlohmann::json& j) { j["measurements"][0]["loss"] = 1.5; }, file);
  EXPECT_NE(error_of().find("field 'measurements[0].loss'"), std::string::npos);
  std::ofstream(file.Path(), std::ios::trunc) << "{\"format\": \"cdnlab-contr";  // a torn write
  EXPECT_NE(error_of().find(file.Path() + ": not JSON"), std::string::npos);

  const std::string aside = file.SetAside(1234);
  EXPECT_EQ(aside, file.Path() + ".bad-1234");
  EXPECT_TRUE(std::filesystem::exists(aside));
  EXPECT_FALSE(file.Load(SimTime(0), 0).has_value());
}

TEST(MappingTableRestore, ContinuesTheNumberingAndNeverGoesBack) {
  MappingTable saved;
  saved.Replace({{Ipv4Prefix{Ipv4Address{0x0a010000}, 24}, {1}}});
  MappingTable master;
  MappingTable replica;
  const MappingDiff diff = master.Restore(saved.Entries(), 17);
  EXPECT_EQ(diff.from_version, 0u);
  EXPECT_EQ(diff.to_version, 17u);
  ASSERT_TRUE(replica.Apply(diff));
  EXPECT_EQ(replica.Version(), 17u);
  EXPECT_EQ(replica.Entries(), saved.Entries());
  EXPECT_EQ(master.Replace({{Ipv4Prefix{Ipv4Address{0x0a010000}, 24}, {0}}}).to_version, 18u);
  EXPECT_THROW(master.Restore(saved.Entries(), 3), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
