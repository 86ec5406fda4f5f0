#include "scenarios/streaming/checks.h"

#include <cmath>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "scenarios/federation/from_scenario.h"
#include "scenarios/streaming/from_scenario.h"

namespace cdnlab {
namespace {

std::string Field(const char* list, std::size_t i, const std::string& key) {
  return fmt::format("streaming.{}[{}].{}", list, i, key);
}

class StreamingChecker {
 public:
  StreamingChecker(const Scenario& s, const FieldMarks& marks, IssueLog& log,
                   const std::map<std::string, std::string>& topology_ids)
      : s_(s), st_(s.streaming), marks_(marks), log_(log), topology_ids_(topology_ids), ids_(topology_ids) {}

  void Run() {
    DeclareOtherIds();
    CheckIds();
    CheckAttachments();
    CheckParents();
    CheckPublishers();
    CheckViewers();
    CheckIngests();
    CheckEvents();
  }

 private:
  void Error(const std::string& field, const std::string& message) { log_.Add(marks_.Of(field), field, message); }

  // The federation's ids (its own checks report duplicates among them).
  void DeclareOtherIds() {
    const auto& f = s_.federation;
    if (!f.present) return;
    for (std::size_t i = 0; i < f.platforms.size(); ++i) {
      const auto& p = f.platforms[i];
      const std::string field = fmt::format("federation.platforms[{}].id", i);
      ids_.emplace(p.id, field);
      ids_.emplace(GatewayNodeId(p.id), fmt::format("the gateway of platform '{}' ({})", p.id, field));
      for (std::size_t j = 0; j < p.servers.size(); ++j) {
        ids_.emplace(p.servers[j].id, fmt::format("federation.platforms[{}].servers[{}].id", i, j));
      }
    }
    for (std::size_t i = 0; i < f.providers.size(); ++i) {
      ids_.emplace(f.providers[i].id, fmt::format("federation.providers[{}].id", i));
    }
    for (std::size_t i = 0; i < f.configurations.size(); ++i) {
      ids_.emplace(f.configurations[i].id, fmt::format("federation.configurations[{}].id", i));
    }
  }

  bool Declare(const std::string& id, const std::string& field, const std::string& what) {
    if (id.empty()) return false;  // unreadable, reported by the reader
    auto [it, added] = ids_.emplace(id, what.empty() ? field : what);
    if (!added) Error(field, fmt::format("id '{}' is already used by {}", id, it->second));
    return added;
  }

  void CheckIds() {
    // The hosts the section implies come first, so a named node that takes one of their ids
    // is the one reported.
    Declare(StreamingLoadBalancerNodeId(), "streaming.load_balancer_at",
            "the load balancer host of the ingest pool's virtual address (streaming.load_balancer_at)");
    for (std::size_t i = 0; i < st_.publishers.size(); ++i) {
      const auto& p = st_.publishers[i];
      if (p.stream.empty()) continue;
      const std::string field = Field("publishers", i, "stream");
      const std::string node = StreamingPublisherNodeId(p.stream);
      if (ids_.count(node) && publisher_hosts_.count(node)) continue;  // a second publisher: CheckPublishers
      auto [it, added] = ids_.emplace(node, fmt::format("the publisher host of stream '{}' ({})", p.stream, field));
      if (!added) {
        Error(field, fmt::format("the publisher host's node id '{}' is already used by {}", node, it->second));
      }
      publisher_hosts_.insert(node);
    }
    for (std::size_t i = 0; i < st_.ingests.size(); ++i) {
      const std::string field = Field("ingests", i, "id");
      if (Declare(st_.ingests[i].id, field, "")) ingests_.emplace(st_.ingests[i].id, i);
    }
    for (std::size_t i = 0; i < st_.mids.size(); ++i) {
      const std::string field = Field("mids", i, "id");
      if (Declare(st_.mids[i].id, field, "")) mids_.emplace(st_.mids[i].id, i);
    }
    for (std::size_t i = 0; i < st_.edges.size(); ++i) {
      const std::string field = Field("edges", i, "id");
      if (Declare(st_.edges[i].id, field, "")) edges_.emplace(st_.edges[i].id, i);
    }
    for (std::size_t i = 0; i < st_.viewers.size(); ++i) {
      Declare(st_.viewers[i].id, Field("viewers", i, "id"), "");
    }
  }

  void CheckAt(const std::string& field, const std::string& node) {
    if (node.empty()) return;
    if (topology_ids_.count(node) == 0) {
      Error(field, fmt::format("no network node with id '{}'; expected a router or another node of the topology", node));
    }
  }

  void CheckAttachments() {
    CheckAt("streaming.load_balancer_at", st_.load_balancer_at);
    for (std::size_t i = 0; i < st_.ingests.size(); ++i) CheckAt(Field("ingests", i, "at"), st_.ingests[i].at);
    for (std::size_t i = 0; i < st_.mids.size(); ++i) CheckAt(Field("mids", i, "at"), st_.mids[i].at);
    for (std::size_t i = 0; i < st_.edges.size(); ++i) CheckAt(Field("edges", i, "at"), st_.edges[i].at);
    for (std::size_t i = 0; i < st_.publishers.size(); ++i) {
      CheckAt(Field("publishers", i, "at"), st_.publishers[i].at);
    }
    for (std::size_t i = 0; i < st_.viewers.size(); ++i) CheckAt(Field("viewers", i, "at"), st_.viewers[i].at);
  }

  // What kind of streaming node an id is, for messages ("" when none).
  std::string KindOf(const std::string& id) const {
    if (ingests_.count(id)) return "an ingest server";
    if (mids_.count(id)) return "a mid-tier cache";
    if (edges_.count(id)) return "an edge cache";
    return "";
  }

  void CheckParents() {
    for (std::size_t i = 0; i < st_.edges.size(); ++i) {
      const auto& e = st_.edges[i];
      if (e.parent.empty() || mids_.count(e.parent)) continue;
      const std::string field = Field("edges", i, "parent");
      const std::string kind = KindOf(e.parent);
      if (e.parent == e.id) {
        Error(field, "an edge cannot be its own parent");
      } else if (!kind.empty()) {
        Error(field, fmt::format("'{}' is {}; an edge's parent must be a mid-tier cache (streaming.mids), or leave "
                                 "parent out to pull from the ingests", e.parent, kind));
      } else {
        Error(field, fmt::format("no mid-tier cache with id '{}' (mid-tier caches are listed under streaming.mids)",
                                 e.parent));
      }
    }
  }

  void CheckPublishers() {
    for (std::size_t i = 0; i < st_.publishers.size(); ++i) {
      const auto& p = st_.publishers[i];
      if (p.stream.empty()) continue;
      auto [it, added] = streams_.emplace(p.stream, i);
      if (!added) {
        Error(Field("publishers", i, "stream"),
              fmt::format("stream '{}' is already published by streaming.publishers[{}]; a stream has one publisher",
                          p.stream, it->second));
      }
    }
  }

  // The end of a stream's publication (the run's end when it does not stop).
  double StopOf(const StreamingPublisherSpec& p) const { return p.stop_s > 0 ? p.stop_s : s_.duration_s; }

  void CheckViewers() {
    for (std::size_t i = 0; i < st_.viewers.size(); ++i) {
      const auto& v = st_.viewers[i];
      if (!v.edge.empty() && !edges_.count(v.edge)) {
        const std::string kind = KindOf(v.edge);
        Error(Field("viewers", i, "edge"),
              kind.empty() ? fmt::format("no edge cache with id '{}' (edges are listed under streaming.edges)", v.edge)
                           : fmt::format("'{}' is {}; viewers watch at an edge cache (streaming.edges)", v.edge, kind));
      }
      if (v.stream.empty()) continue;
      auto it = streams_.find(v.stream);
      if (it == streams_.end()) {
        Error(Field("viewers", i, "stream"),
              fmt::format("no publisher publishes stream '{}' (streams are named by streaming.publishers[].stream)",
                          v.stream));
        continue;
      }
      const auto& p = st_.publishers[it->second];
      if (v.join_s >= StopOf(p)) {
        Error(Field("viewers", i, "join_s"),
              fmt::format("stream '{}' stops at {} s (streaming.publishers[{}].stop_s), before these viewers join at "
                          "{} s", v.stream, StopOf(p), it->second, v.join_s));
      }
    }
  }

  void CheckIngests() {
    bool from_start = false;
    for (const auto& i : st_.ingests) from_start = from_start || i.join_at_s == 0;
    if (!from_start && !st_.ingests.empty()) {
      Error("streaming.ingests", "no ingest is in the pool from the start: at least one ingest must leave join_at_s "
                                 "out (or 0), or the virtual address would have nowhere to send publishers");
    }
  }

  void CheckEvents() {
    std::map<std::string, std::size_t> failed;  // ingest -> event index
    for (std::size_t i = 0; i < st_.events.size(); ++i) {
      const auto& e = st_.events[i];
      if (!e.ingest.empty()) {
        const std::string field = Field("events", i, "ingest");
        auto it = ingests_.find(e.ingest);
        if (it == ingests_.end()) {
          const std::string kind = KindOf(e.ingest);
          Error(field, kind.empty() ? fmt::format("no ingest server with id '{}' (ingests are listed under "
                                                  "streaming.ingests)", e.ingest)
                                    : fmt::format("'{}' is {}; an ingest_fail names an ingest server", e.ingest, kind));
          continue;
        }
        const auto& ingest = st_.ingests[it->second];
        if (ingest.join_at_s > 0 && e.at_s < ingest.join_at_s) {
          Error(Field("events", i, "at_s"),
                fmt::format("ingest '{}' joins the pool at {} s (streaming.ingests[{}].join_at_s); it cannot fail "
                            "before that, at {} s", e.ingest, ingest.join_at_s, it->second, e.at_s));
        }
        auto [f, added] = failed.emplace(e.ingest, i);
        if (!added) {
          Error(field, fmt::format("ingest '{}' already fails in streaming.events[{}]; a failed ingest stays down",
                                   e.ingest, f->second));
        }
      }
      if (!e.stream.empty()) {
        auto it = streams_.find(e.stream);
        if (it == streams_.end()) {
          Error(Field("events", i, "stream"),
                fmt::format("no publisher publishes stream '{}' (streams are named by streaming.publishers[].stream)",
                            e.stream));
          continue;
        }
        const auto& p = st_.publishers[it->second];
        if (e.at_s <= p.start_s || e.at_s >= StopOf(p)) {
          Error(Field("events", i, "at_s"),
                fmt::format("stream '{}' is published from {} s to {} s (streaming.publishers[{}]); no ingest holds "
                            "it at {} s", e.stream, p.start_s, StopOf(p), it->second, e.at_s));
        }
      }
    }
  }

  const Scenario& s_;
  const StreamingSpec& st_;
  const FieldMarks& marks_;
  IssueLog& log_;
  const std::map<std::string, std::string>& topology_ids_;
  std::map<std::string, std::string> ids_;  // every id of the scenario -> field that declared it
  std::set<std::string> publisher_hosts_;
  std::map<std::string, std::size_t> ingests_;
  std::map<std::string, std::size_t> mids_;
  std::map<std::string, std::size_t> edges_;
  std::map<std::string, std::size_t> streams_;  // stream -> publisher index
};

}  // namespace

void CheckStreaming(const Scenario& scenario, const FieldMarks& marks, IssueLog& log,
                    const std::map<std::string, std::string>& topology_ids) {
  if (!scenario.streaming.present) return;
  StreamingChecker(scenario, marks, log, topology_ids).Run();
}

void CheckStreamingReachability(const Scenario& scenario, const TopologyGraph& graph, const FieldMarks& marks,
                                IssueLog& log) {
  const auto& st = scenario.streaming;
  if (!st.present) return;
  const auto lb = graph.FindNode(st.load_balancer_at);
  if (!lb) return;  // reported by CheckStreaming
  const auto latencies = graph.LatenciesFromMs(*lb);
  auto check = [&](const std::string& field, const std::string& at) {
    const auto node = graph.FindNode(at);
    if (!node || std::isfinite(latencies[*node])) return;
    log.Add(marks.Of(field), field,
            fmt::format("'{}' has no path to '{}', where the load balancer is (streaming.load_balancer_at); add a "
                        "link", at, st.load_balancer_at));
  };
  for (std::size_t i = 0; i < st.ingests.size(); ++i) check(Field("ingests", i, "at"), st.ingests[i].at);
  for (std::size_t i = 0; i < st.mids.size(); ++i) check(Field("mids", i, "at"), st.mids[i].at);
  for (std::size_t i = 0; i < st.edges.size(); ++i) check(Field("edges", i, "at"), st.edges[i].at);
  for (std::size_t i = 0; i < st.publishers.size(); ++i) check(Field("publishers", i, "at"), st.publishers[i].at);
  for (std::size_t i = 0; i < st.viewers.size(); ++i) check(Field("viewers", i, "at"), st.viewers[i].at);
}

}  // namespace cdnlab
