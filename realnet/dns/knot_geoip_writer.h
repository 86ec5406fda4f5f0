#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "models/net/endpoint.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/routing/catalog.h"
#include "models/routing/mapping_table.h"

namespace cdnlab {

struct KnotGeoipTarget {
  std::string config_path;   // the file Knot's mod-geoip `config-file` names
  std::string knotc_socket;  // Knot's control socket (`knotc -s`)
  std::string zone = "example.net";          // the zone the module is attached to
  std::string hostname = "cdn.example.net";  // the CDN name the mapping answers
  std::string knotc = "knotc";               // the program (found on PATH)
  std::chrono::seconds timeout{5};           // for each knotc call and the confirming query
};

// Makes Knot DNS answer the mapping per client subnet through its geoip module in subnet mode
// (Debian `knot-module-geoip`): Knot is then the DNS data plane, cdnlab only the control plane.
// Keeps a replica of the mapping (fed by diffs) and, for every version:
//  1. writes the whole module config (temp file + rename, so Knot never reads half a file);
//  2. runs `knotc -f zone-reload ZONE`: with -f Knot re-creates the zone's modules, so
//     mod-geoip re-reads its file (a plain zone-reload keeps the old module data; `knotc reload`
//     would also work but re-reads the whole configuration and every zone's modules);
//  3. confirms: asks Knot for TXT `_cdnlab-mapping.<zone>`, which the file sets to the mapping
//     version. Knot's reload answers OK even when the module fails to load its file (it logs
//     the error and answers from the plain zone), so knotc's word alone is not enough.
// Any failing step counts a failure, keeps the error text and logs it; the next version
// rewrites the whole file, so one failure does not leave Knot behind for good. The steps run
// synchronously in the caller's thread (milliseconds with Knot on the same host; each knotc
// call and the query are bounded by `timeout`).
//
// The file holds the mapping as disjoint blocks (DisjointBlocks), each answered with ONE server
// of its row's top PoP: ServerSlot(row's network), the same hash cdnlab's own answerer uses, so
// a client whose subnet is exactly a row's prefix gets the same server from both. (cdnlab's own
// server hashes the client's subnet itself, so finer subnets spread over a PoP's servers; here a
// row's clients share one server.) The default row (0.0.0.0/0) becomes the blocks left over
// and `::/0` (resolvers asking over IPv6 without a client subnet). A row whose top PoP has no
// server gets no view, is logged, and those clients get the zone's plain record.
// Knot must have `server: edns-client-subnet: on`, or it answers by the resolver's address only;
// the first publish checks it and logs a warning when it is off.
class KnotGeoipWriter final : public ResolverConfigSink {
 public:
  using LogLine = std::function<void(const std::string&)>;
  // `log` receives one line per published version and per failure (empty: std::cerr).
  KnotGeoipWriter(RoutingCatalog catalog, KnotGeoipTarget target, MetricsSink& metrics, LogLine log = {});

  void Apply(const MappingDiff& diff) override;
  // A reload: the next diff (every row again) is written with the new PoPs' servers.
  void Reconfigure(const RoutingCatalog& catalog, const AuthoritativeConfig&) override { catalog_ = catalog; }
  // Writes the current mapping, reloads and confirms; false on any failure (see LastError).
  bool Publish();
  // The module config for the current mapping (what Publish writes).
  std::string ConfigText() const;
  // The name whose TXT record tells which mapping version Knot answers from.
  std::string VersionName() const;

  const MappingTable& Table() const { return table_; }
  std::uint64_t ReloadsConfirmed() const { return confirmed_; }
  std::uint64_t ReloadsFailed() const { return failed_; }
  std::uint64_t ConfirmedVersion() const { return confirmed_version_; }
  const std::string& LastError() const { return last_error_; }

 private:
  bool Fail(const std::string& error);
  // Knot's first IPv4 listen address (0.0.0.0 asked on 127.0.0.1), read once with knotc.
  std::optional<Endpoint> KnotAddress(std::string& error);

  RoutingCatalog catalog_;  // a copy: the writer often outlives the catalog it was built from
  KnotGeoipTarget target_;
  MetricsSink& metrics_;
  LogLine log_;
  MappingTable table_;
  std::optional<Endpoint> knot_address_;
  std::uint64_t confirmed_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t confirmed_version_ = 0;
  std::string last_error_;
};

}  // namespace cdnlab
