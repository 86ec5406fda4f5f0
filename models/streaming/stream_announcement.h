#pragma once
// The announcement channel between ingests and caches. An ingest announces the streams it
// holds (on start, on stop, and as a heartbeat) to the relays it was told about (the
// mid-tier, or any announcement address); relays pass announcements on to the caches that
// subscribed to them. Every entry carries an expiry: an ingest that stops announcing ages
// out everywhere without anybody being reconfigured. One datagram each, JSON encoded.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/streaming/live_stream.h"

namespace cdnlab {

enum class StreamState { kLive, kStopped };

struct AnnouncedStream {
  StreamId stream;
  StreamState state = StreamState::kLive;
  std::uint64_t last_sequence = 0;  // newest segment the ingest holds
};

// Ingest -> relay -> cache.
struct StreamAnnouncement {
  std::string ingest;           // ingest id
  Endpoint content_endpoint;    // where caches fetch this ingest's streams
  std::uint64_t serial = 0;     // per ingest, increasing: older announcements are ignored
  Duration ttl{0};              // entries expire this long after arrival unless refreshed
  std::vector<AnnouncedStream> streams;  // the full set the ingest holds now
};

// Cache -> relay: "send me announcements", refreshed like any soft state.
struct AnnouncementSubscribe {
  std::string node;             // subscriber id
  Endpoint announce_endpoint;   // where it listens for announcements
  Duration ttl{0};
};

using AnnouncementMessage = std::variant<StreamAnnouncement, AnnouncementSubscribe>;

// Wire format (stream_announcement.cpp has examples): one JSON object, "kind" = "announce" or
// "subscribe"; endpoints as "a.b.c.d:port" strings, ttl as integer nanoseconds ("ttl_ns",
// at most one day); every member required, no others, no duplicate keys or streams.
std::string EncodeAnnouncementMessage(const AnnouncementMessage& message);
// nullopt for anything malformed (wrong JSON, wrong types, out-of-range numbers).
std::optional<AnnouncementMessage> DecodeAnnouncementMessage(const std::string& text);

}  // namespace cdnlab
