#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "models/net/endpoint.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/routing/catalog.h"

namespace cdnlab {

struct DnsUpdateTarget {
  Endpoint server;                        // the primary authoritative server (Knot, BIND, ...)
  std::string zone = "example.net";
  std::string hostname = "cdn.example.net";
  std::string key_name = "cdnlab-key";
  std::string key_secret;                 // base64, as in the server's key configuration
  std::string algorithm = "hmac-sha256";
  std::chrono::seconds ttl{20};
  std::chrono::seconds timeout{3};
};

// Keeps the CDN name's plain record in an operator's zone on the mapping's default row
// (0.0.0.0/0 -> <hostname> A <servers of its top PoP>) through RFC 2136 dynamic updates signed
// with TSIG (RFC 8945), one signed update over TCP (delete RRset, add) per change of that row;
// the reply's TSIG is verified. Diffs that leave the default row alone send nothing.
//
// Only the default row: a plain zone cannot answer per client subnet, and the names this used
// to write per row (10-1-0-0-24.map.<zone>) were reached by no query. Per-subnet answers come
// from cdnlab's own server or from Knot's geoip module (KnotGeoipWriter). The plain record still
// serves: it is what clients outside every subnet get where the module is not loaded, it is the
// default RRset Knot's geoip docs require in the zone (DNSSEC denial), and unlike a module's
// file it travels to secondaries by zone transfer.
class DnsUpdatePublisher final : public ResolverConfigSink {
 public:
  DnsUpdatePublisher(RoutingCatalog catalog, DnsUpdateTarget target, MetricsSink& metrics);
  void Apply(const MappingDiff& diff) override;
  // A reload: new PoP servers and answer TTL for the next update of the default row.
  void Reconfigure(const RoutingCatalog& catalog, const AuthoritativeConfig& dns) override {
    catalog_ = catalog;
    target_.ttl = std::chrono::duration_cast<std::chrono::seconds>(dns.ttl);
  }

  std::uint64_t UpdatesAccepted() const { return accepted_; }
  std::uint64_t UpdatesFailed() const { return failed_; }
  const std::string& LastError() const { return last_error_; }

 private:
  RoutingCatalog catalog_;  // a copy: the publisher often outlives the catalog it was built from
  DnsUpdateTarget target_;
  MetricsSink& metrics_;
  std::uint64_t accepted_ = 0;
  std::uint64_t failed_ = 0;
  std::string last_error_;
};

}  // namespace cdnlab
