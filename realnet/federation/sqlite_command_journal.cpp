#include "realnet/federation/sqlite_command_journal.h"

#include <stdexcept>

#include <sqlite3.h>

namespace cdnlab {
namespace {

// Resets a prepared statement however the step ended, so it can be used again.
struct StatementReset {
  sqlite3_stmt* statement;
  ~StatementReset() {
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
  }
};

}  // namespace

SqliteCommandJournal::SqliteCommandJournal(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw std::runtime_error("command journal: empty path");
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open command journal '" + path_ + "': " + message);
  }
  try {
    // Another process holding the file (a gateway not yet dead) gets a few seconds, not an instant error.
    sqlite3_busy_timeout(db_, 5000);
    // WAL: a commit is one append to the log; FULL: that append is fsync'ed before Save returns.
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    // seq keeps first-insertion order; an update of a known id keeps its seq.
    Exec("CREATE TABLE IF NOT EXISTS command_records ("
         "seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL)");
    const auto prepare = [&](const char* sql, sqlite3_stmt** out) {
      if (sqlite3_prepare_v2(db_, sql, -1, out, nullptr) != SQLITE_OK) Fail("cannot prepare a statement");
    };
    prepare("INSERT INTO command_records (id, record) VALUES (?1, ?2) "
            "ON CONFLICT(id) DO UPDATE SET record = excluded.record",
            &save_);
    prepare("SELECT record FROM command_records ORDER BY seq", &load_);
    prepare("DELETE FROM command_records WHERE id = ?1", &remove_);
  } catch (...) {
    sqlite3_finalize(save_);
    sqlite3_finalize(load_);
    sqlite3_finalize(remove_);
    sqlite3_close(db_);
    throw;
  }
}

SqliteCommandJournal::~SqliteCommandJournal() {
  sqlite3_finalize(save_);
  sqlite3_finalize(load_);
  sqlite3_finalize(remove_);
  sqlite3_close(db_);
}

void SqliteCommandJournal::Fail(const std::string& what) const {
  throw std::runtime_error("command journal '" + path_ + "': " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteCommandJournal::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    // "file is not a database" is the usual one: a wrong --journal path.
    throw std::runtime_error("cannot use command journal '" + path_ + "': " + message);
  }
}

void SqliteCommandJournal::Save(const std::string& id, const std::string& encoded_record) {
  StatementReset reset{save_};
  sqlite3_bind_text(save_, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(save_, 2, encoded_record.data(), static_cast<int>(encoded_record.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(save_) != SQLITE_DONE) Fail("cannot save record '" + id + "'");
}

std::vector<std::string> SqliteCommandJournal::LoadAll() const {
  StatementReset reset{load_};
  std::vector<std::string> out;
  while (true) {
    const int rc = sqlite3_step(load_);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) Fail("cannot read records");
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(load_, 0));
    out.emplace_back(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(load_, 0)));
  }
  return out;
}

void SqliteCommandJournal::Remove(const std::string& id) {
  StatementReset reset{remove_};
  sqlite3_bind_text(remove_, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(remove_) != SQLITE_DONE) Fail("cannot remove record '" + id + "'");
}

}  // namespace cdnlab
