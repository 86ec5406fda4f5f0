#pragma once
// What a mapping controller keeps across restarts, in one JSON file (STATE-DIR/controller-state.json):
//   {"format": "cdnlab-controller-state/1", "zone": "example.net", "saved_at_unix_ms": 1700000000000,
//    "mapping": {"version": 12, "rows": [{"prefix": "10.1.0.0/16", "pops": ["pop-a", "pop-b"]}, ...]},
//    "measurements": [{"group": "g1", "pop": "pop-a", "rtt_ms": 12.5, "loss": 0, "age_ms": 800,
//                      "samples": 40}, ...],
//    "report_sequences": {"pop-a": 1234, ...}}
// Rows are the mapping snapshot's rows (mapping_snapshot.h) with PoP ids instead of indexes, so
// the file survives PoPs being added or removed. A cell's age counts from saved_at_unix_ms:
// the time the controller was down ages its measurements like any other time. Written to a
// temporary file, synced, renamed: a crash leaves the old state or the new one, never half.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/routing/catalog.h"
#include "models/routing/mapping_diff.h"
#include "models/routing/mapping_table.h"
#include "models/routing/measurement_store.h"

namespace cdnlab {

struct ControllerState {
  std::uint64_t mapping_version = 0;
  std::vector<MappingEntry> rows;  // PoPs the scenario no longer lists are left out
  struct Cell {
    GroupIndex group;
    PopIndex pop;
    MeasurementStore::SavedCell saved;  // last_sample on the loading controller's clock
  };
  std::vector<Cell> cells;  // of the groups and PoPs the scenario still lists
  std::vector<std::pair<PopIndex, std::uint64_t>> report_sequences;
  std::size_t dropped = 0;  // cells, sequences and row entries of PoPs or groups no longer listed
};

// A state file that cannot be used: the message names the file and the field.
struct ControllerStateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ControllerStateFile {
 public:
  // Creates `dir` if needed. `zone`: the scenario's zone; a file for another zone is foreign.
  ControllerStateFile(std::string dir, const RoutingCatalog& catalog, std::string zone);

  std::string Path() const { return dir_ + "/controller-state.json"; }
  // A reload changed the PoPs or groups: saves and loads use their ids from now on.
  void UseCatalog(const RoutingCatalog& catalog) { catalog_ = catalog; }

  // `now` on the controller's clock, `now_unix_ms` the wall clock. Throws std::runtime_error
  // naming the file when it cannot be written (the previous file stays).
  void Save(const MappingTable& table, const MeasurementStore& store,
            const std::vector<std::optional<std::uint64_t>>& report_sequences, SimTime now,
            std::int64_t now_unix_ms) const;

  // nullopt when there is no file yet. Throws ControllerStateError ("FILE: field 'x': reason")
  // when it is corrupt, of another format, or of another zone.
  std::optional<ControllerState> Load(SimTime now, std::int64_t now_unix_ms) const;

  // Renames the file to "<Path()>.bad-<unix ms>" (what --discard-bad-state does); returns the new name.
  std::string SetAside(std::int64_t now_unix_ms) const;

 private:
  std::string dir_;
  RoutingCatalog catalog_;  // a copy: only ids and prefixes are read
  std::string zone_;
};

}  // namespace cdnlab
