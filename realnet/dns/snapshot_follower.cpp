#include "realnet/dns/snapshot_follower.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/net/atomic_file.h"
#include "models/routing/resolver_cache.h"

namespace cdnlab {

SnapshotFollower::SnapshotFollower(boost::asio::io_context& io, AuthoritativeAnswerer& live, RealDnsServer& server,
                                   SnapshotFollowerConfig config, Log log)
    : io_(io),
      live_(live),
      server_(server),
      config_(std::move(config)),
      log_(std::move(log)),
      http_(io, StreamingHttpClientOptions{config_.poll_timeout, 1u << 30, config_.tls}),
      retry_(io) {
  if (!config_.identity.Knows(config_.signer)) {
    throw std::invalid_argument("no public key for the snapshot signer '" + config_.signer + "'");
  }
  if (!config_.state_dir.empty()) std::filesystem::create_directories(config_.state_dir);
}

SnapshotFollower::~SnapshotFollower() { Stop(); }

std::string SnapshotFollower::KeptPath() const { return config_.state_dir + "/snapshot.json"; }

bool SnapshotFollower::LoadKept() {
  if (config_.state_dir.empty()) return false;
  std::ifstream in(KeptPath(), std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  const std::string refusal = Offer(text.str(), /*persist=*/false);
  if (!refusal.empty()) {
    log_(fmt::format("kept snapshot {} refused ({}); waiting for the controller", KeptPath(), refusal));
    return false;
  }
  log_(fmt::format("answering from the kept snapshot, version {}", version_));
  return true;
}

std::string SnapshotFollower::Offer(const std::string& text, bool persist) {
  OpenedSnapshot opened = OpenSnapshot(text, config_.identity, config_.signer);
  std::string refusal = opened.refusal == SnapshotRefusal::kNone ? "" : SnapshotRefusalName(opened.refusal);
  std::string detail = opened.error;
  if (refusal.empty() && opened.snapshot.version <= version_) {
    refusal = "not_newer";
    detail = fmt::format("version {} is not newer than {}", opened.snapshot.version, version_);
  }
  if (refusal.empty() && !zone_.empty() && CanonicalDnsName(opened.snapshot.dns.zone) != zone_) {
    refusal = "other_zone";
    detail = "zone " + opened.snapshot.dns.zone + " is not " + zone_;
  }
  if (!refusal.empty()) {
    ++refused_[refusal];
    if (refusal != "not_newer") log_("snapshot refused: " + refusal + ": " + detail);
    return refusal;
  }
  live_ = opened.snapshot.Answerer();
  server_.Refresh();
  version_ = opened.snapshot.version;
  zone_ = live_.Config().zone;
  ++taken_;
  taken_at_ = std::chrono::steady_clock::now();
  if (persist) Keep(text);
  log_(fmt::format("serving mapping version {} ({} rows)", version_, opened.snapshot.rows.size()));
  return "";
}

void SnapshotFollower::Keep(const std::string& text) {
  if (config_.state_dir.empty()) return;
  // A crash leaves either the old snapshot or the new one, never half.
  try {
    WriteFileAtomically(KeptPath(), text, 0644);
  } catch (const std::runtime_error& e) {
    log_(std::string(e.what()) + " (still serving it)");
  }
}

void SnapshotFollower::Start() {
  if (running_) return;
  running_ = true;
  Poll();
}

void SnapshotFollower::Stop() {
  running_ = false;
  retry_.cancel();
}

void SnapshotFollower::Poll() {
  if (!running_) return;
  http_.Request(config_.source, "GET", "/mapping/snapshot?after=" + std::to_string(version_), "", "",
                [this](const StreamingHttpResponse& r) {
                  if (!running_) return;
                  bool again_now = false;
                  const bool answered = r.ok && (r.status == 200 || r.status == 204);
                  if (answered != reachable_) {
                    reachable_ = answered;
                    log_(answered ? "controller " + config_.source.ToString() + " is back"
                                  : "controller " + config_.source.ToString() + " unreachable (" +
                                        (r.ok ? "HTTP " + std::to_string(r.status) : r.error) +
                                        "); still serving version " + std::to_string(version_));
                  }
                  if (!answered) {
                    ++poll_failures_;
                  } else if (r.status == 200) {
                    // A refused snapshot would come straight back: wait before asking again.
                    again_now = Offer(*r.body).empty();
                  } else {
                    again_now = true;  // 204: held to the end with nothing newer; ask again
                  }
                  if (again_now) return Poll();
                  retry_.expires_after(config_.retry_after);
                  retry_.async_wait([this](const boost::system::error_code& ec) {
                    if (!ec) Poll();
                  });
                });
}

}  // namespace cdnlab
