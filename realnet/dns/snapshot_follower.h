#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "models/net/endpoint.h"
#include "models/federation/identity.h"
#include "models/routing/authoritative_answerer.h"
#include "realnet/dns/authoritative_server.h"
#include "realnet/dns/mapping_snapshot.h"
#include "realnet/net/http_client.h"

namespace cdnlab {

struct SnapshotFollowerConfig {
  Endpoint source;                 // the controller's snapshot publisher
  std::string state_dir;           // where the last good snapshot is kept (snapshot.json)
  FederationIdentity identity;     // holds the signer's public key
  std::string signer = "controller";
  std::chrono::milliseconds poll_timeout{30000};  // longer than the publisher's hold
  std::chrono::milliseconds retry_after{1000};    // after a failed poll
  TlsClientConfig tls{};                          // HTTPS to the publisher when it has a CA file
};

// A DNS server following the controller: long-polls the publisher for newer snapshots,
// takes one only when it is signed by the configured signer, well formed and newer than
// what it serves; then swaps the live answerer whole, has the server answer from it, and
// keeps the snapshot on disk (written to a temporary file, synced, renamed), so a restart
// answers at once from the last good version while the controller is away.
class SnapshotFollower {
 public:
  using Log = std::function<void(const std::string&)>;
  SnapshotFollower(boost::asio::io_context& io, AuthoritativeAnswerer& live, RealDnsServer& server,
                   SnapshotFollowerConfig config, Log log);
  ~SnapshotFollower();

  // Reads state_dir/snapshot.json if there is one (refused like any other snapshot if bad).
  // True when the server now answers from it.
  bool LoadKept();
  void Start();  // begins polling
  void Stop();

  // Takes or refuses one snapshot document; returns the refusal ("" when taken). Public for tests.
  std::string Offer(const std::string& text, bool persist = true);

  std::uint64_t Version() const { return version_; }
  const std::map<std::string, std::uint64_t>& Refused() const { return refused_; }  // by reason
  std::uint64_t Taken() const { return taken_; }
  // When the version answered from was taken (kept or fetched); the epoch while there is none.
  std::chrono::steady_clock::time_point TakenAt() const { return taken_at_; }
  std::uint64_t PollFailures() const { return poll_failures_; }  // controller unreachable or answering errors

 private:
  void Poll();
  void Keep(const std::string& text);
  std::string KeptPath() const;

  boost::asio::io_context& io_;
  AuthoritativeAnswerer& live_;
  RealDnsServer& server_;
  SnapshotFollowerConfig config_;
  Log log_;
  StreamingHttpClient http_;
  boost::asio::steady_timer retry_;
  bool running_ = false;
  std::uint64_t version_ = 0;
  std::string zone_;  // the zone the first snapshot named: a follower never switches zones
  std::uint64_t taken_ = 0;
  std::chrono::steady_clock::time_point taken_at_{};
  std::uint64_t poll_failures_ = 0;
  bool reachable_ = true;  // to log only when the controller goes away or comes back
  std::map<std::string, std::uint64_t> refused_;
};

}  // namespace cdnlab
