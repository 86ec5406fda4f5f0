#include "scenarios/import/rtt_matrix.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/number_text.h"

namespace cdnlab {
namespace {

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(Trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}

}  // namespace

RttMatrix ReadRttMatrixCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ImportError(path + ": cannot open RTT matrix: " + std::strerror(errno));
  RttMatrix m;
  m.file = path;
  std::set<std::string> row_names;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    const std::string trimmed = Trim(text);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    const std::vector<std::string> cells = Cells(trimmed);
    const auto where = [&](std::size_t column) { return fmt::format("{}:{}: column {}", path, line, column + 1); };
    if (m.header_line == 0) {
      m.header_line = line;
      std::set<std::string> seen;
      for (std::size_t c = 1; c < cells.size(); ++c) {
        if (cells[c].empty()) throw ImportError(where(c) + ": empty column name in the header");
        if (!seen.insert(cells[c]).second) throw ImportError(where(c) + ": column " + cells[c] + " named twice");
        m.columns.push_back(cells[c]);
      }
      if (m.columns.empty()) throw ImportError(fmt::format("{}:{}: the header names no column", path, line));
      continue;
    }
    if (cells.size() != m.columns.size() + 1) {
      throw ImportError(fmt::format("{}:{}: {} cells, the header has {} (a name and one RTT per column)", path, line,
                                    cells.size(), m.columns.size() + 1));
    }
    if (cells[0].empty()) throw ImportError(where(0) + ": empty row name");
    if (!row_names.insert(cells[0]).second) throw ImportError(where(0) + ": row " + cells[0] + " given twice");
    RttMatrix::Row row;
    row.name = cells[0];
    row.line = line;
    for (std::size_t c = 1; c < cells.size(); ++c) {
      if (cells[c].empty()) {
        row.rtt_ms.push_back(std::nullopt);
        continue;
      }
      const std::optional<double> parsed = ParseWholeNumber(cells[c]);
      if (!parsed || !std::isfinite(*parsed)) {
        throw ImportError(fmt::format("{} ({}): \"{}\" is not a number of milliseconds", where(c), m.columns[c - 1], cells[c]));
      }
      const double v = *parsed;
      if (v < 0) throw ImportError(fmt::format("{} ({}): RTT {} ms is negative", where(c), m.columns[c - 1], cells[c]));
      row.rtt_ms.push_back(v);
    }
    m.rows.push_back(std::move(row));
  }
  if (m.header_line == 0) throw ImportError(path + ": empty RTT matrix (no header row)");
  if (m.rows.empty()) throw ImportError(fmt::format("{}:{}: the RTT matrix has a header but no row", path, m.header_line));
  return m;
}

}  // namespace cdnlab
