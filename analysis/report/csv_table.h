#pragma once
// A small RFC 4180 CSV reader for the files `cdnlab run` writes: a header line, then rows with
// the header's number of fields (quoted fields may hold commas and doubled quotes; no line
// breaks inside fields, which the writers never produce). Every error names file:line.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab::report {

class CsvTable {
 public:
  // Reads `path`; throws ReportInputError ("FILE:LINE: ...") when the file cannot be read, is
  // empty, lacks one of `required_columns`, or has a row with the wrong number of fields.
  static CsvTable Read(const std::string& path, const std::vector<std::string>& required_columns);
  // Parses `text` as if read from `path` (for tests).
  static CsvTable Parse(const std::string& path, const std::string& text,
                        const std::vector<std::string>& required_columns);

  const std::string& path() const { return path_; }
  std::size_t rows() const { return rows_.size(); }
  // Index of `name` in the header; throws ReportInputError when absent.
  std::size_t Column(const std::string& name) const;
  const std::string& At(std::size_t row, std::size_t column) const { return rows_[row][column]; }
  // The 1-based line of the file a row came from (for error messages).
  std::size_t LineOf(std::size_t row) const { return lines_[row]; }
  // The field as a number; empty → nullopt; anything else not a finite number throws
  // ReportInputError naming file:line and the column.
  std::optional<double> Number(std::size_t row, std::size_t column) const;
  // Same, but an empty field is an error too.
  double RequiredNumber(std::size_t row, std::size_t column) const;

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;
};

}  // namespace cdnlab::report
