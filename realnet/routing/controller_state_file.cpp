#include "realnet/routing/controller_state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "realnet/net/atomic_file.h"
#include "models/core/json_walk.h"
#include "scenarios/core/ip_text.h"

namespace cdnlab {
namespace {

using nlohmann::json;
namespace jw = json_walk;
constexpr const char* kFormat = "cdnlab-controller-state/1";

std::string Text(const json& j, const std::string& path) {
  if (!j.is_string()) jw::Fail(path, "expected a string");
  return j.get<std::string>();
}

std::uint64_t Unsigned(const json& j, const std::string& path) {
  if (!j.is_number_unsigned()) jw::Fail(path, "expected a whole number >= 0");
  return j.get<std::uint64_t>();
}

double Number(const json& j, const std::string& path, double low, double high) {
  if (!j.is_number() || !(j.get<double>() >= low && j.get<double>() <= high)) {
    jw::Fail(path, "expected a number in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }
  return j.get<double>();
}

}  // namespace

ControllerStateFile::ControllerStateFile(std::string dir, const RoutingCatalog& catalog, std::string zone)
    : dir_(std::move(dir)), catalog_(catalog), zone_(std::move(zone)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create the state directory " + dir_ + ": " + ec.message());
}

void ControllerStateFile::Save(const MappingTable& table, const MeasurementStore& store,
                               const std::vector<std::optional<std::uint64_t>>& report_sequences, SimTime now,
                               std::int64_t now_unix_ms) const {
  json rows = json::array();
  table.ForEachRow([&](const MappingEntry& row) {
    json pops = json::array();
    for (PopIndex p : row.ranked_pops) pops.push_back(catalog_.pops.at(p).id);
    rows.push_back({{"prefix", row.prefix.ToString()}, {"pops", pops}});
  });
  json cells = json::array();
  for (GroupIndex g = 0; g < store.Groups(); ++g) {
    for (PopIndex p = 0; p < store.Pops(); ++p) {
      const auto cell = store.Saved(g, p);
      if (!cell) continue;
      const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - cell->last_sample).count();
      cells.push_back({{"group", catalog_.groups.at(g).id},
                       {"pop", catalog_.pops.at(p).id},
                       {"rtt_ms", cell->rtt_ms ? json(*cell->rtt_ms) : json(nullptr)},
                       {"loss", cell->loss},
                       {"age_ms", std::max<std::int64_t>(age, 0)},
                       {"samples", cell->samples}});
    }
  }
  json sequences = json::object();
  for (PopIndex p = 0; p < report_sequences.size() && p < catalog_.pops.size(); ++p) {
    if (report_sequences[p]) sequences[catalog_.pops[p].id] = *report_sequences[p];
  }
  const json state = {{"format", kFormat},
                      {"zone", zone_},
                      {"saved_at_unix_ms", now_unix_ms},
                      {"mapping", {{"version", table.Version()}, {"rows", rows}}},
                      {"measurements", cells},
                      {"report_sequences", sequences}};
  WriteFileAtomically(Path(), state.dump(1) + "\n", 0600);
}

std::optional<ControllerState> ControllerStateFile::Load(SimTime now, std::int64_t now_unix_ms) const {
  std::ifstream in(Path(), std::ios::binary);
  if (!in) {
    if (std::filesystem::exists(Path())) throw ControllerStateError(Path() + ": cannot be read");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  ControllerState state;
  try {
    const json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) jw::Fail("", "not JSON (truncated or corrupt)");
    jw::RequireObject(doc, "", {"format", "zone", "saved_at_unix_ms", "mapping", "measurements", "report_sequences"});
    if (Text(jw::Required(doc, "", "format"), "format") != kFormat) {
      jw::Fail("format", std::string("expected \"") + kFormat + "\": not a cdnlab controller state file");
    }
    const std::string zone = Text(jw::Required(doc, "", "zone"), "zone");
    if (zone != zone_) jw::Fail("zone", "'" + zone + "' is not the scenario's zone '" + zone_ + "': another controller's state");
    const json& saved_at = jw::Required(doc, "", "saved_at_unix_ms");
    if (!saved_at.is_number_integer()) jw::Fail("saved_at_unix_ms", "expected a whole number");
    // Down time ages the measurements; a clock that went back counts as no time.
    const std::int64_t down_ms = std::max<std::int64_t>(now_unix_ms - saved_at.get<std::int64_t>(), 0);

    const json& mapping = jw::Required(doc, "", "mapping");
    jw::RequireObject(mapping, "mapping", {"version", "rows"});
    state.mapping_version = Unsigned(jw::Required(mapping, "mapping", "version"), "mapping.version");
    const json& rows = jw::Required(mapping, "mapping", "rows");
    if (!rows.is_array()) jw::Fail("mapping.rows", "expected an array");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string path = jw::At("mapping.rows", i);
      jw::RequireObject(rows[i], path, {"prefix", "pops"});
      MappingEntry row;
      auto prefix = ParseIpPrefix(Text(jw::Required(rows[i], path, "prefix"), path + ".prefix"));
      if (auto* problem = std::get_if<std::string>(&prefix)) jw::Fail(path + ".prefix", *problem);
      row.prefix = std::get<IpPrefix>(prefix);
      const json& pops = jw::Required(rows[i], path, "pops");
      if (!pops.is_array()) jw::Fail(path + ".pops", "expected an array of PoP ids");
      for (std::size_t k = 0; k < pops.size(); ++k) {
        const auto p = catalog_.PopById(Text(pops[k], jw::At(path + ".pops", k)));
        if (p) {
          row.ranked_pops.push_back(*p);
        } else {
          ++state.dropped;
        }
      }
      if (!row.ranked_pops.empty()) state.rows.push_back(std::move(row));
    }

    const json& cells = jw::Required(doc, "", "measurements");
    if (!cells.is_array()) jw::Fail("measurements", "expected an array");
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string path = jw::At("measurements", i);
      jw::RequireObject(cells[i], path, {"group", "pop", "rtt_ms", "loss", "age_ms", "samples"});
      const auto g = catalog_.GroupById(Text(jw::Required(cells[i], path, "group"), path + ".group"));
      const auto p = catalog_.PopById(Text(jw::Required(cells[i], path, "pop"), path + ".pop"));
      MeasurementStore::SavedCell cell;
      const json& rtt = jw::Required(cells[i], path, "rtt_ms");
      if (!rtt.is_null()) cell.rtt_ms = Number(rtt, path + ".rtt_ms", 0, 1e9);
      cell.loss = Number(jw::Required(cells[i], path, "loss"), path + ".loss", 0, 1);
      const std::uint64_t age_ms = Unsigned(jw::Required(cells[i], path, "age_ms"), path + ".age_ms");
      const std::uint64_t samples = Unsigned(jw::Required(cells[i], path, "samples"), path + ".samples");
      if (samples == 0 || samples > 0xffffffffu) jw::Fail(path + ".samples", "expected 1 to 4294967295");
      cell.samples = static_cast<std::uint32_t>(samples);
      const std::uint64_t total_ms = std::min<std::uint64_t>(age_ms + static_cast<std::uint64_t>(down_ms), 1ull << 40);
      cell.last_sample = now - std::chrono::milliseconds(static_cast<std::int64_t>(total_ms));
      if (g && p) {
        state.cells.push_back({*g, *p, cell});
      } else {
        ++state.dropped;
      }
    }

    const json& sequences = jw::Required(doc, "", "report_sequences");
    if (!sequences.is_object()) jw::Fail("report_sequences", "expected an object of PoP id -> sequence number");
    for (const auto& [id, value] : sequences.items()) {
      const std::uint64_t sequence = Unsigned(value, jw::Join("report_sequences", id));
      if (const auto p = catalog_.PopById(id)) {
        state.report_sequences.emplace_back(*p, sequence);
      } else {
        ++state.dropped;
      }
    }
  } catch (const jw::Failure& f) {
    throw ControllerStateError(Path() + ": " + (f.path.empty() ? "" : "field '" + f.path + "': ") + f.message);
  }
  return state;
}

std::string ControllerStateFile::SetAside(std::int64_t now_unix_ms) const {
  const std::string aside = Path() + ".bad-" + std::to_string(now_unix_ms);
  if (std::rename(Path().c_str(), aside.c_str()) != 0) {
    throw std::runtime_error("cannot move " + Path() + " aside: " + std::strerror(errno));
  }
  return aside;
}

}  // namespace cdnlab
