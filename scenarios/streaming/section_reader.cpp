#include "scenarios/streaming/section_reader.h"

#include <cctype>
#include <cmath>
#include <functional>
#include <set>

#include <fmt/format.h>

namespace cdnlab {
namespace {

// A stream name becomes part of every content key and URL ("news/seg-42.ts"), so it is
// restricted to what needs no escaping anywhere.
bool ValidStreamName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

class StreamingReader {
 public:
  StreamingReader(double duration_s, StreamingSpec& out, IssueLog& log, FieldMarks& marks)
      : duration_s_(duration_s), out_(out), log_(log), marks_(marks) {}

  void Read(const YAML::Node& node) {
    MapReader s(node, "streaming", log_,
                {"balancing", "load_balancer_at", "segment_s", "window_segments", "playlist_ttl_s", "segment_ttl_s",
                 "parts_per_segment", "part_target_s", "can_skip_until_s",
                 "eviction", "announce_interval_s", "announce_ttl_s", "health_interval_s", "health_unhealthy_after",
                 "player_live_sync_s", "stale_if_error_s", "replicate_segments", "ingests", "mids", "edges", "publishers", "viewers", "events"});
    if (!s.Valid()) return;
    out_.present = true;
    marks_.Remember("streaming", s.Node().Mark());
    ReadSettings(s);
    ReadLowLatency(s);
    Each(s, "ingests", true, {"id", "at", "access_delay_ms", "join_at_s"}, [&](MapReader& m) {
      StreamingIngestSpec i;
      i.id = Str(m, "id", true);
      i.at = Str(m, "at", true);
      if (auto v = m.Number("access_delay_ms", false, Range::Millis())) i.access_delay_ms = *v;
      i.join_at_s = Time(m, "join_at_s", false, i.join_at_s);
      out_.ingests.push_back(i);
    });
    Each(s, "mids", false, {"id", "at", "access_delay_ms", "capacity_mb"},
         [&](MapReader& m) { out_.mids.push_back(ReadCache(m)); });
    Each(s, "edges", true, {"id", "at", "parent", "access_delay_ms", "capacity_mb"},
         [&](MapReader& m) { out_.edges.push_back(ReadCache(m)); });
    Each(s, "publishers", true, {"stream", "at", "start_s", "stop_s", "bitrate_mbps"},
         [&](MapReader& m) { ReadPublisher(m); });
    Each(s, "viewers", false,
         {"id", "edge", "stream", "at", "count", "join_s", "spread_s", "access_delay_ms", "bandwidth_mbps"},
         [&](MapReader& m) { ReadViewers(m); });
    Each(s, "events", false, {"at_s", "type", "ingest", "stream", "mode"}, [&](MapReader& m) { ReadEvent(m); });
  }

 private:
  using ItemReader = std::function<void(MapReader&)>;

  // Each mapping of the list under `key` (required lists must also be non-empty).
  void Each(MapReader& parent, const std::string& key, bool required, std::set<std::string> keys,
            const ItemReader& read) {
    marks_.Remember(parent.FieldPath(key), parent.MarkOf(key));
    const auto items = parent.Sequence(key, required, required);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = fmt::format("{}[{}]", parent.FieldPath(key), i);
      marks_.Remember(path, items[i].Mark());
      MapReader m(items[i], path, log_, keys);
      if (m.Valid()) read(m);
    }
  }

  // A string field, remembered for the cross-checks ("" when absent or wrong).
  std::string Str(MapReader& m, const std::string& key, bool required) {
    marks_.Remember(m.FieldPath(key), m.MarkOf(key));
    const auto v = m.String(key, required);
    return v ? *v : "";
  }

  // A time in seconds from the start of the run, within it; `fallback` when absent or wrong.
  double Time(MapReader& m, const std::string& key, bool required, double fallback) {
    marks_.Remember(m.FieldPath(key), m.MarkOf(key));
    const auto v = m.Number(key, required, Range::Seconds());
    if (!v) return fallback;
    if (*v > duration_s_) {
      m.Error(key, fmt::format("expected a time within the run (<= duration_s {}), got {}", duration_s_, *v));
      return fallback;
    }
    return *v;
  }

  // LL-HLS: the publisher's short segments are the parts, so parts_per_segment of them must
  // make one segment exactly (the latency of every part is counted from that).
  void ReadLowLatency(MapReader& s) {
    StreamingSpec& o = out_;
    if (auto v = s.Integer("parts_per_segment", false, 0, 100)) o.parts_per_segment = static_cast<int>(*v);
    const bool on = o.parts_per_segment > 0;
    for (const char* key : {"part_target_s", "can_skip_until_s"}) {
      if (s.Has(key) && !on) {
        s.Error(key, "LL-HLS settings need parts_per_segment (the parts in one segment_s segment, 1 to 100)");
      }
    }
    if (!on) return;
    o.part_target_s = o.segment_s / o.parts_per_segment;
    if (auto v = s.Number("part_target_s", false, Range::PositiveSeconds())) {
      if (std::abs(*v * o.parts_per_segment - o.segment_s) > 0.001) {
        s.Error("part_target_s",
                fmt::format("parts_per_segment x part_target_s must equal segment_s ({} x {} != {}): each part is "
                            "one short segment of the publisher",
                            o.parts_per_segment, *v, o.segment_s));
      } else {
        o.part_target_s = *v;
      }
    }
    o.can_skip_until_s = 6 * o.segment_s;
    if (auto v = s.Number("can_skip_until_s", false, Range::Seconds())) {
      if (*v > 0 && *v < 6 * o.segment_s - 1e-9) {
        s.Error("can_skip_until_s", fmt::format("delta updates need at least 6 target durations (6 x segment_s = {}), "
                                                "or 0 for none; got {}",
                                                6 * o.segment_s, *v));
      } else {
        o.can_skip_until_s = *v;
      }
    }
  }

  void ReadSettings(MapReader& s) {
    StreamingSpec& o = out_;
    if (auto v = s.String("balancing", false)) {
      if (*v == "consistent_hash" || *v == "least_load") {
        o.balancing = *v;
      } else {
        s.Error("balancing", fmt::format("unknown balancing '{}'; expected one of: consistent_hash, least_load", *v));
      }
    }
    o.load_balancer_at = Str(s, "load_balancer_at", true);
    if (auto v = s.Number("segment_s", false, Range::Between(0.1, 60, "a segment duration in [0.1, 60] seconds"))) {
      o.segment_s = *v;
    }
    if (auto v = s.Integer("window_segments", false, 1, 1000)) o.window_segments = static_cast<int>(*v);
    if (auto v = s.Number("playlist_ttl_s", false, Range::PositiveSeconds())) {
      // A playlist changes every segment: a cache holding it longer keeps its viewers behind.
      if (*v > o.segment_s) {
        s.Error("playlist_ttl_s", fmt::format("a cached playlist must expire within one segment (segment_s {}), got {}",
                                              o.segment_s, *v));
      } else {
        o.playlist_ttl_s = *v;
      }
    } else if (!s.Has("playlist_ttl_s") && o.playlist_ttl_s > o.segment_s) {
      o.playlist_ttl_s = o.segment_s;  // the default (1 s) follows shorter segments down
    }
    if (auto v = s.Number("segment_ttl_s", false, Range::PositiveSeconds())) o.segment_ttl_s = *v;
    if (auto v = s.String("eviction", false)) {
      if (*v == "lru" || *v == "slru") {
        o.eviction = *v;
      } else {
        s.Error("eviction", fmt::format("unknown eviction policy '{}'; expected one of: lru, slru", *v));
      }
    }
    if (auto v = s.Number("announce_interval_s", false, Range::PositiveSeconds())) o.announce_interval_s = *v;
    if (auto v = s.Number("announce_ttl_s", false, Range::PositiveSeconds())) o.announce_ttl_s = *v;
    if (o.announce_ttl_s <= o.announce_interval_s) {
      s.Error(s.Has("announce_ttl_s") ? "announce_ttl_s" : "announce_interval_s",
              fmt::format("announcements must live longer than the interval between them (announce_ttl_s {} > "
                          "announce_interval_s {}), or every stream would blink out between heartbeats",
                          o.announce_ttl_s, o.announce_interval_s));
    }
    if (auto v = s.Number("health_interval_s", false, Range::PositiveSeconds())) o.health_interval_s = *v;
    if (auto v = s.Integer("health_unhealthy_after", false, 1, 100)) o.health_unhealthy_after = static_cast<int>(*v);
    if (auto v = s.Number("stale_if_error_s", false, Range::Between(0, 3600, "seconds in [0, 3600]"))) {
      o.stale_if_error_s = *v;
    }
    if (auto v = s.Bool("replicate_segments", false)) o.replicate_segments = *v;
    if (auto v = s.Number("player_live_sync_s", false,
                          Range::Between(0, 600, "seconds in [0, 600] behind the live edge (0 = three segments)"))) {
      o.player_live_sync_s = *v;
    }
  }

  StreamingCacheSpec ReadCache(MapReader& m) {
    StreamingCacheSpec c;
    c.id = Str(m, "id", true);
    c.at = Str(m, "at", true);
    c.parent = Str(m, "parent", false);
    if (auto v = m.Number("access_delay_ms", false, Range::Millis())) c.access_delay_ms = *v;
    if (auto v = m.Integer("capacity_mb", false, 1, 1 << 20)) c.capacity_mb = static_cast<std::uint64_t>(*v);
    return c;
  }

  // A stream name field: present, and spelled so it fits in a URL path.
  std::string Stream(MapReader& m, const std::string& key, bool required) {
    const std::string name = Str(m, key, required);
    if (!name.empty() && !ValidStreamName(name)) {
      m.Error(key, fmt::format("expected a stream name of letters, digits, '-', '_' and '.' (at most 64), got '{}'",
                               name));
      return "";
    }
    return name;
  }

  void ReadPublisher(MapReader& m) {
    StreamingPublisherSpec p;
    p.stream = Stream(m, "stream", true);
    p.at = Str(m, "at", true);
    p.start_s = Time(m, "start_s", false, p.start_s);
    p.stop_s = Time(m, "stop_s", false, p.stop_s);
    if (m.Has("stop_s") && p.stop_s <= p.start_s) {
      m.Error("stop_s", fmt::format("the stream must stop after it starts (start_s {}), got {}; leave stop_s out to "
                                    "publish until the end", p.start_s, p.stop_s));
      p.stop_s = 0;
    }
    if (auto v = m.Number("bitrate_mbps", false, Range::Between(0.01, 1000, "a bitrate in [0.01, 1000] Mbit/s"))) {
      p.bitrate_mbps = *v;
    }
    out_.publishers.push_back(p);
  }

  void ReadViewers(MapReader& m) {
    StreamingViewerGroupSpec v;
    v.id = Str(m, "id", true);
    v.edge = Str(m, "edge", true);
    v.stream = Stream(m, "stream", true);
    v.at = Str(m, "at", true);
    if (auto n = m.Integer("count", true, 1, 100000)) v.count = static_cast<int>(*n);
    v.join_s = Time(m, "join_s", false, v.join_s);
    if (auto s = m.Number("spread_s", false, Range::Seconds())) {
      if (v.join_s + *s > duration_s_) {
        m.Error("spread_s", fmt::format("the last viewer would join at {} s, after the run ends (duration_s {})",
                                        v.join_s + *s, duration_s_));
      } else {
        v.spread_s = *s;
      }
    }
    if (auto d = m.Number("access_delay_ms", false, Range::Millis())) v.access_delay_ms = *d;
    if (auto b = m.Number("bandwidth_mbps", false, Range::Mbps())) v.bandwidth_mbps = *b;
    out_.viewers.push_back(v);
  }

  void ReadEvent(MapReader& m) {
    StreamingEventSpec e;
    e.at_s = Time(m, "at_s", true, e.at_s);
    if (auto type = m.String("type", true)) {
      if (*type == "ingest_fail") {
        e.type = StreamingEventType::kIngestFail;
        e.ingest = Str(m, "ingest", false);
        e.stream = Stream(m, "stream", false);
        if (auto mode = m.String("mode", false)) {
          if (*mode == "crash") {
            e.mode = IngestFailMode::kCrash;
          } else if (*mode == "blackhole") {
            e.mode = IngestFailMode::kBlackhole;
          } else {
            m.Error("mode", fmt::format("unknown ingest_fail mode '{}'; expected one of: crash (the process dies, "
                                        "its host refuses connections), blackhole (its access link is cut)", *mode));
          }
        }
        if (m.Has("ingest") && m.Has("stream")) {
          m.Error("stream", "an ingest_fail names either ingest (that server fails) or stream (whichever ingest "
                            "holds it then fails), not both");
        } else if (!m.Has("ingest") && !m.Has("stream")) {
          m.Error("", "an ingest_fail must name ingest (that server fails) or stream (whichever ingest holds it "
                      "then fails)");
        }
      } else {
        m.Error("type", fmt::format("unknown event type '{}'; expected one of: ingest_fail", *type));
      }
    }
    out_.events.push_back(e);
  }

  double duration_s_;
  StreamingSpec& out_;
  IssueLog& log_;
  FieldMarks& marks_;
};

}  // namespace

void ReadStreamingSection(const YAML::Node& node, double duration_s, StreamingSpec& out, IssueLog& log,
                          FieldMarks& marks) {
  StreamingReader(duration_s, out, log, marks).Read(node);
}

}  // namespace cdnlab
