// The gateway's SQLite journal: order, replacement, reopening (what a restarted gateway
// sees), and clear errors for paths it cannot use.
#include "realnet/federation/sqlite_command_journal.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

namespace fs = std::filesystem;

class SqliteCommandJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cdnlab-journal-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path() const { return (dir_ / "journal.sqlite").string(); }

  fs::path dir_;
};

TEST_F(SqliteCommandJournalTest, KeepsFirstInsertionOrderAndReplacesInPlace) {
  SqliteCommandJournal journal(Path());
  EXPECT_TRUE(journal.LoadAll().empty());
  journal.Save("cdn-a-t1", "one");
  journal.Save("cdn-a-t2", "two");
  journal.Save("cdn-a-t10", "ten");
  journal.Save("cdn-a-t1", "one, updated");
  EXPECT_EQ(journal.LoadAll(), (std::vector<std::string>{"one, updated", "two", "ten"}));
}

TEST_F(SqliteCommandJournalTest, SurvivesReopening) {
  {
    SqliteCommandJournal journal(Path());
    journal.Save("b", R"({"id":"b","status":"active"})");
    journal.Save("a", std::string("with\0nul and \xff bytes", 20));
    journal.Save("b", R"({"id":"b","status":"complete"})");
  }  // closed like a process exiting; WAL content must be found again
  SqliteCommandJournal reopened(Path());
  const auto records = reopened.LoadAll();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], R"({"id":"b","status":"complete"})");
  EXPECT_EQ(records[1], std::string("with\0nul and \xff bytes", 20));
  reopened.Save("c", "three");
  EXPECT_EQ(reopened.LoadAll().size(), 3u);
}

TEST_F(SqliteCommandJournalTest, SaveIsVisibleToAnotherConnectionAtOnce) {
  // What a crash right after Save leaves: another process opening the file sees the record.
  SqliteCommandJournal writer(Path());
  writer.Save("x", "durable");
  SqliteCommandJournal reader(Path());
  EXPECT_EQ(reader.LoadAll(), std::vector<std::string>{"durable"});
}

TEST_F(SqliteCommandJournalTest, RemoveForgetsOneRecord) {
  SqliteCommandJournal journal(Path());
  journal.Save("a", "1");
  journal.Save("b", "2");
  journal.Remove("a");
  journal.Remove("never-there");
  EXPECT_EQ(journal.LoadAll(), std::vector<std::string>{"2"});
}

TEST_F(SqliteCommandJournalTest, UnusablePathsGiveClearErrors) {
  try {
    SqliteCommandJournal journal((dir_ / "no-such-dir" / "journal.sqlite").string());
    FAIL() << "opened a journal in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-dir/journal.sqlite"), std::string::npos) << e.what();
  }
  const fs::path not_a_db = dir_ / "notes.txt";
  std::ofstream(not_a_db) << "this is not an SQLite database, but a text file long enough to be read as a header\n";
  try {
    SqliteCommandJournal journal(not_a_db.string());
    FAIL() << "used a text file as a journal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SqliteCommandJournal(""), std::runtime_error);
  EXPECT_THROW(SqliteCommandJournal(dir_.string()), std::runtime_error);  // a directory
}

}  // namespace
}  // namespace cdnlab
