#include "analysis/report/csv_table.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report/error.h"

namespace cdnlab::report {
namespace {

// Splits one line into fields; nullopt-like failure via `error` (non-empty on a bad quote).
std::vector<std::string> SplitLine(const std::string& line, std::string& error) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    field.clear();
    if (i < n && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      if (!closed) {
        error = "unterminated quoted field";
        return fields;
      }
      if (i < n && line[i] != ',') {
        error = "text after a closing quote";
        return fields;
      }
    } else {
      while (i < n && line[i] != ',') {
        if (line[i] == '"') {
          error = "quote inside an unquoted field";
          return fields;
        }
        field += line[i++];
      }
    }
    fields.push_back(field);
    if (i >= n) break;
    ++i;  // the comma
  }
  return fields;
}

}  // namespace

CsvTable CsvTable::Read(const std::string& path, const std::vector<std::string>& required_columns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ReportInputError(fmt::format("{}: read error", path));
  return Parse(path, text.str(), required_columns);
}

CsvTable CsvTable::Parse(const std::string& path, const std::string& text,
                         const std::vector<std::string>& required_columns) {
  CsvTable t;
  t.path_ = path;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  bool have_header = false;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find('\0') != std::string::npos) {
      throw ReportInputError(fmt::format("{}:{}: binary data (NUL byte) in a CSV file", path, line_no));
    }
    if (!have_header) {
      if (line.empty()) throw ReportInputError(fmt::format("{}:{}: empty header line", path, line_no));
      std::string error;
      t.header_ = SplitLine(line, error);
      if (!error.empty()) throw ReportInputError(fmt::format("{}:{}: malformed header: {}", path, line_no, error));
      have_header = true;
      continue;
    }
    if (line.empty()) {
      if (pos >= text.size()) break;  // a trailing newline
      throw ReportInputError(fmt::format("{}:{}: empty line inside the table", path, line_no));
    }
    std::string error;
    auto fields = SplitLine(line, error);
    if (!error.empty()) throw ReportInputError(fmt::format("{}:{}: malformed row: {}", path, line_no, error));
    if (fields.size() != t.header_.size()) {
      throw ReportInputError(fmt::format("{}:{}: malformed row: {} fields, the header has {}", path, line_no,
                                         fields.size(), t.header_.size()));
    }
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(line_no);
  }
  if (!have_header) throw ReportInputError(fmt::format("{}:1: empty file (no header line)", path));
  for (const auto& c : required_columns) t.Column(c);
  return t;
}

std::size_t CsvTable::Column(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  throw ReportInputError(fmt::format("{}:1: header lacks column '{}'", path_, name));
}

std::optional<double> CsvTable::Number(std::size_t row, std::size_t column) const {
  const std::string& s = rows_[row][column];
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) {
    throw ReportInputError(fmt::format("{}:{}: malformed row: column '{}' is '{}', not a number", path_,
                                       lines_[row], header_[column], s));
  }
  return v;
}

double CsvTable::RequiredNumber(std::size_t row, std::size_t column) const {
  auto v = Number(row, column);
  if (!v) {
    throw ReportInputError(
        fmt::format("{}:{}: malformed row: column '{}' is empty", path_, lines_[row], header_[column]));
  }
  return *v;
}

}  // namespace cdnlab::report
