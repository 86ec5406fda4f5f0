#pragma once
#include <chrono>
#include <string>
#include <vector>

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

// Makes an existing authoritative server follow the mapping through RFC 2136 dynamic
// updates signed with TSIG (RFC 8945), for operators who keep their DNS. A plain zone
// cannot answer per client subnet, so each mapping row becomes its own name:
//   the default row (0.0.0.0/0)  -> <hostname>            A <servers of its top PoP>
//   a row for 10.1.0.0/24        -> 10-1-0-0-24.map.<zone> A <servers of its top PoP>
// (a view/geo module or a CNAME chain can then select among them). Each changed row is
// replaced (delete RRset, add) in one signed update over TCP; the reply's TSIG is verified.
class DnsUpdatePublisher final : public ResolverConfigSink {
 public:
  DnsUpdatePublisher(RoutingCatalog catalog, DnsUpdateTarget target, MetricsSink& metrics);
  void Apply(const MappingDiff& diff) override;

  std::uint64_t UpdatesAccepted() const { return accepted_; }
  std::uint64_t UpdatesFailed() const { return failed_; }
  const std::string& LastError() const { return last_error_; }

  // The owner name a mapping row is published under.
  std::string NameFor(const Ipv4Prefix& prefix) const;

 private:
  RoutingCatalog catalog_;  // a copy: the publisher often outlives the catalog it was built from
  DnsUpdateTarget target_;
  MetricsSink& metrics_;
  std::uint64_t accepted_ = 0;
  std::uint64_t failed_ = 0;
  std::string last_error_;
};

}  // namespace cdnlab
