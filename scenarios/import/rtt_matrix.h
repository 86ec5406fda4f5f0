#pragma once
// A measured RTT matrix (CSV, milliseconds): a header row naming the columns, then one row per
// row name. Lines starting with '#' and blank lines are skipped. Example:
//   node,pop-lon,pop-fra
//   g-cz,24.1,12.3
//   g-pl,30.2,15.8
// Names are resolved by the importer (a Zoo label, a GraphML id, or a generated id such as
// r-uk, g-cz, pop-lon). Every cell needs a value except where a row and a column name the same
// node. Errors name file:line and the column.
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

struct RttMatrix {
  std::string file;
  int header_line = 0;
  std::vector<std::string> columns;
  struct Row {
    std::string name;
    int line = 0;
    std::vector<std::optional<double>> rtt_ms;  // one per column; nullopt = empty cell
  };
  std::vector<Row> rows;
};

// Throws ImportError (scenarios/import/graphml_reader.h) naming file:line for a missing file,
// a row of the wrong width, a value that is not a non-negative finite number, or a name given twice.
RttMatrix ReadRttMatrixCsv(const std::string& path);

}  // namespace cdnlab
