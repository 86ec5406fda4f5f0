#pragma once
// An edge or mid-tier cache serving live streams. A request is answered from the cache when
// fresh; otherwise it joins the one upstream request for that key (collapsing), which goes
// to the parent cache if this node has one, else to the ingest the stream directory names.
// Responses are stored with live freshness. When the upstream fails (or has no copy), the
// copy held answers for CacheFreshness::stale_if_error past its expiry (stale-if-error), and
// a playlist from upstream older than the one held (a failover to an ingest behind) never
// replaces it: viewers see no 404 and no media sequence going back. Counts upstream
// requests per key so "one upstream fetch per segment per cache node" can be checked.
#include <map>
#include <optional>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/content_fetcher.h"
#include "models/streaming/live_cache.h"
#include "models/streaming/request_collapser.h"
#include "models/streaming/stream_directory.h"

namespace cdnlab {

enum class CacheTier { kEdge, kMid };

struct CacheNodeStats {
  std::uint64_t requests = 0;
  std::uint64_t hits = 0;
  std::uint64_t collapsed = 0;          // misses that joined a request in flight
  std::uint64_t upstream_requests = 0;
  std::uint64_t upstream_failures = 0;
  std::uint64_t not_found = 0;          // no fresh copy, no upstream that has it
  // The upstream failed and an expired copy (within CacheFreshness::stale_if_error) answered.
  std::uint64_t stale_served = 0;
  // The upstream's playlist went back (older newest segment) and the copy held answered.
  std::uint64_t playlist_regressions = 0;
};

class LiveCacheNode {
 public:
  // `parent`: the upstream cache (edges: their mid-tier); none = fetch from the ingest found
  // in `directory` (which must then be non-null).
  LiveCacheNode(std::string node, CacheTier tier, std::optional<Endpoint> parent, const StreamDirectory* directory,
                LiveCache& cache, ContentFetcher& fetcher, const Clock& clock, MetricsSink& metrics);

  // Serves one request; `done` is called exactly once.
  void Serve(const ContentKey& key, ContentFetcher::Done done);

  const CacheNodeStats& Stats() const { return stats_; }
  // Upstream requests made for each segment key (playlists excluded).
  const std::map<ContentKey, std::uint64_t>& UpstreamPerSegment() const { return upstream_per_segment_; }
  const std::string& Node() const { return node_; }
  CacheTier Tier() const { return tier_; }

 private:
  void FetchUpstream(const ContentKey& key);
  // The answer to a round whose upstream fetch brought `response` (see the .cpp).
  ContentResponse Answer(const ContentKey& key, const ContentResponse& response);

  std::string node_;
  CacheTier tier_;
  std::optional<Endpoint> parent_;
  const StreamDirectory* directory_;
  LiveCache& cache_;
  ContentFetcher& fetcher_;
  const Clock& clock_;
  MetricsSink& metrics_;
  RequestCollapser<ContentKey, ContentResponse> collapser_;
  CacheNodeStats stats_;
  std::map<ContentKey, std::uint64_t> upstream_per_segment_;
  // Built once: a request's metric labels cost no allocation (100,000-viewer runs).
  MetricLabels hit_labels_, collapsed_labels_, miss_labels_, upstream_labels_;
};

}  // namespace cdnlab
