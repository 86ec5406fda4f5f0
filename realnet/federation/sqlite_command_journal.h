#pragma once
#include <string>
#include <vector>

#include "models/federation/command_journal.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cdnlab {

// A gateway's command journal in one SQLite file, so a gateway killed at any moment resumes
// every pending command when it starts again on the same file. One row per command id
// holding its encoded record; rows keep the order ids were first saved. The database runs
// in WAL mode with synchronous=FULL: Save returns only after the change is on disk.
// Errors (a path that cannot be opened or created, a file that is not a journal, a full
// disk) throw std::runtime_error naming the file.
class SqliteCommandJournal final : public CommandJournal {
 public:
  explicit SqliteCommandJournal(std::string path);
  ~SqliteCommandJournal() override;
  SqliteCommandJournal(const SqliteCommandJournal&) = delete;
  SqliteCommandJournal& operator=(const SqliteCommandJournal&) = delete;

  void Save(const std::string& id, const std::string& encoded_record) override;
  std::vector<std::string> LoadAll() const override;
  // Drops a record (a final trigger its issuer deleted): a restarted gateway no longer knows it.
  void Remove(const std::string& id);
  const std::string& Path() const { return path_; }

 private:
  [[noreturn]] void Fail(const std::string& what) const;
  void Exec(const char* sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* save_ = nullptr;
  sqlite3_stmt* load_ = nullptr;
  sqlite3_stmt* remove_ = nullptr;
};

}  // namespace cdnlab
