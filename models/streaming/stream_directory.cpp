#include "models/streaming/stream_directory.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "models/streaming/announcement_decode_memo.h"
#include "models/streaming/metric_names.h"

namespace cdnlab {
namespace {

// What "the location of a stream" means for change detection.
using LocationKey = std::optional<std::tuple<std::string, Endpoint, StreamState>>;

LocationKey KeyOf(const std::optional<StreamLocation>& location) {
  if (!location) return std::nullopt;
  return std::make_tuple(location->ingest, location->content_endpoint, location->state);
}

bool SameKey(const LocationKey& a, const LocationKey& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || *a == *b;
}

}  // namespace

bool StreamDirectory::Accepts(const StreamAnnouncement& announcement, SimTime now) const {
  auto it = ingests_.find(announcement.ingest);
  return it == ingests_.end() || it->second.expires_at <= now || announcement.serial > it->second.serial;
}

bool StreamDirectory::Apply(const StreamAnnouncement& announcement, SimTime now) {
  if (!Accepts(announcement, now)) return false;

  auto previous = ingests_.find(announcement.ingest);
  const bool continuing = previous != ingests_.end() && previous->second.expires_at > now;
  std::set<StreamId> affected;
  if (previous != ingests_.end()) {
    for (const auto& [stream, entry] : previous->second.streams) affected.insert(stream);
  }
  for (const AnnouncedStream& s : announcement.streams) affected.insert(s.stream);
  std::map<StreamId, LocationKey> before;
  for (const StreamId& stream : affected) before[stream] = KeyOf(Locate(stream, now));

  IngestState next;
  next.serial = announcement.serial;
  next.content_endpoint = announcement.content_endpoint;
  next.expires_at = now + announcement.ttl;
  next.learned_at = now;
  for (const AnnouncedStream& s : announcement.streams) {
    next.streams[s.stream] = s;
    if (s.state != StreamState::kLive) continue;
    // A claim continues while the ingest keeps announcing the stream live without expiring.
    SimTime since = now;
    if (continuing) {
      auto claimed = previous->second.claimed_since.find(s.stream);
      if (claimed != previous->second.claimed_since.end()) since = claimed->second;
    }
    next.claimed_since[s.stream] = since;
  }
  ingests_[announcement.ingest] = std::move(next);

  // Forget ingests that have aged out (their serials no longer matter, see Accepts).
  for (auto it = ingests_.begin(); it != ingests_.end();) {
    it = it->second.expires_at <= now ? ingests_.erase(it) : std::next(it);
  }

  bool changed = false;
  for (const auto& [stream, key] : before) changed = changed || !SameKey(key, KeyOf(Locate(stream, now)));
  return changed;
}

std::optional<StreamLocation> StreamDirectory::Locate(const StreamId& stream, SimTime now) const {
  const std::string* best_ingest = nullptr;
  const IngestState* best = nullptr;
  bool best_live = false;
  SimTime best_since{0};
  for (const auto& [ingest, state] : ingests_) {
    if (state.expires_at <= now) continue;
    auto entry = state.streams.find(stream);
    if (entry == state.streams.end()) continue;
    // A live claim beats any stopped one: a stream that ended on one ingest and started again
    // on another is where it plays now.
    const bool live = entry->second.state == StreamState::kLive;
    auto claimed = state.claimed_since.find(stream);
    const SimTime since = claimed == state.claimed_since.end() ? state.learned_at : claimed->second;
    if (best == nullptr || std::tie(live, since, state.serial, ingest) >
                               std::tie(best_live, best_since, best->serial, *best_ingest)) {
      best_ingest = &ingest;
      best = &state;
      best_live = live;
      best_since = since;
    }
  }
  if (best == nullptr) return std::nullopt;
  StreamLocation location;
  location.ingest = *best_ingest;
  location.content_endpoint = best->content_endpoint;
  location.state = best->streams.at(stream).state;
  location.last_sequence = best->streams.at(stream).last_sequence;
  location.learned_at = best->learned_at;
  location.expires_at = best->expires_at;
  return location;
}

std::vector<StreamId> StreamDirectory::LiveStreams(SimTime now) const {
  std::set<StreamId> live;
  for (const auto& [ingest, state] : ingests_) {
    if (state.expires_at <= now) continue;
    for (const auto& [stream, entry] : state.streams) {
      if (entry.state == StreamState::kLive) live.insert(stream);
    }
  }
  return {live.begin(), live.end()};
}

StreamDirectoryNode::StreamDirectoryNode(Config config, DatagramTransport& transport, TimerScheduler& timers,
                                         const Clock& clock, MetricsSink& metrics)
    : config_(std::move(config)), transport_(transport), timers_(timers), clock_(clock), metrics_(metrics) {
  config_.subscribe_interval = std::max(config_.subscribe_interval, Duration{FromMillis(1)});  // never spin
}

StreamDirectoryNode::~StreamDirectoryNode() { Stop(); }

void StreamDirectoryNode::Start() {
  if (running_) return;
  running_ = true;
  transport_.Bind(config_.local, [this](const Endpoint& from, const Bytes& payload) { OnDatagram(from, payload); });
  if (config_.parent) Subscribe();
}

void StreamDirectoryNode::Stop() {
  if (!running_) return;
  running_ = false;
  timers_.Cancel(subscribe_timer_);
  subscribe_timer_ = 0;
  transport_.Unbind(config_.local);
}

void StreamDirectoryNode::OnDatagram(const Endpoint& from, const Bytes& payload) {
  const SimTime now = clock_.Now();
  // Shared by the nodes of a thread (a simulation's caches all run on one): a relayed
  // announcement is parsed once, not once per node that receives it.
  thread_local AnnouncementDecodeMemo decoded;
  const auto message = decoded.Decode(std::string(payload.begin(), payload.end()));
  if (!message) {
    metrics_.Count(streaming_metrics::kAnnouncementsRejected, 1, {{"node", config_.node}});
    return;
  }
  if (const auto* subscribe = std::get_if<AnnouncementSubscribe>(&*message)) {
    subscribers_[subscribe->node] = {subscribe->announce_endpoint, now + subscribe->ttl};
    return;
  }
  const auto& announcement = std::get<StreamAnnouncement>(*message);
  // A stale (or already seen) announcement is neither applied nor passed on: that also ends
  // any loop a misconfigured relay graph could make.
  if (!directory_.Accepts(announcement, now)) return;
  const bool changed = directory_.Apply(announcement, now);
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (it->second.second <= now) {
      it = subscribers_.erase(it);  // its subscription was not refreshed in time
      continue;
    }
    if (!(it->second.first == from)) transport_.Send(config_.local, it->second.first, payload);
    ++it;
  }
  // Last, so a callback that stops or reconfigures the node does not cut the relay short.
  if (changed && on_change_) on_change_(announcement);
}

void StreamDirectoryNode::Subscribe() {
  AnnouncementSubscribe s;
  s.node = config_.node;
  s.announce_endpoint = config_.local;
  s.ttl = config_.subscribe_ttl;
  const std::string text = EncodeAnnouncementMessage(s);
  transport_.Send(config_.local, *config_.parent, Bytes(text.begin(), text.end()));
  subscribe_timer_ = timers_.ScheduleAfter(config_.subscribe_interval, [this] {
    subscribe_timer_ = 0;
    if (running_) Subscribe();
  });
}

}  // namespace cdnlab
