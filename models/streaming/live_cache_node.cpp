#include "models/streaming/live_cache_node.h"

#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {
namespace {

const char* TierName(CacheTier tier) { return tier == CacheTier::kEdge ? "edge" : "mid"; }

}  // namespace

LiveCacheNode::LiveCacheNode(std::string node, CacheTier tier, std::optional<Endpoint> parent,
                             const StreamDirectory* directory, LiveCache& cache, ContentFetcher& fetcher,
                             const Clock& clock, MetricsSink& metrics)
    : node_(std::move(node)),
      tier_(tier),
      parent_(std::move(parent)),
      directory_(directory),
      cache_(cache),
      fetcher_(fetcher),
      clock_(clock),
      metrics_(metrics),
      hit_labels_{{"node", node_}, {"tier", TierName(tier_)}, {"result", "hit"}},
      collapsed_labels_{{"node", node_}, {"tier", TierName(tier_)}, {"result", "collapsed"}},
      miss_labels_{{"node", node_}, {"tier", TierName(tier_)}, {"result", "miss"}},
      upstream_labels_{{"node", node_}, {"tier", TierName(tier_)}} {}

void LiveCacheNode::Serve(const ContentKey& key, ContentFetcher::Done done) {
  ++stats_.requests;
  if (std::optional<ContentResponse> hit = cache_.Lookup(key, clock_.Now())) {
    ++stats_.hits;
    metrics_.Count(streaming_metrics::kCacheRequest, 1, hit_labels_);
    hit->from_cache = true;
    hit->served_by = node_;
    done(*hit);
    return;
  }
  // Each round of a key (a playlist every time its copy expires) is its own upstream request:
  // the collapser forgets a key when that request completes, so a later miss never gets an
  // older round's answer.
  if (!collapser_.Join(key, std::move(done))) {
    ++stats_.collapsed;
    metrics_.Count(streaming_metrics::kCacheRequest, 1, collapsed_labels_);
    return;
  }
  metrics_.Count(streaming_metrics::kCacheRequest, 1, miss_labels_);
  FetchUpstream(key);
}

void LiveCacheNode::FetchUpstream(const ContentKey& key) {
  Endpoint upstream;
  if (parent_) {
    upstream = *parent_;
  } else {
    std::optional<StreamLocation> location =
        directory_ != nullptr ? directory_->Locate(key.stream, clock_.Now()) : std::nullopt;
    if (!location) {
      ContentResponse missing;
      missing.served_by = node_;
      ContentResponse answer = Answer(key, missing);
      if (!answer.found) ++stats_.not_found;
      collapser_.Complete(key, answer);
      return;
    }
    upstream = location->content_endpoint;
  }
  ++stats_.upstream_requests;
  if (!key.playlist) ++upstream_per_segment_[key];
  metrics_.Count(streaming_metrics::kUpstreamRequest, 1, upstream_labels_);
  // The fetcher calls back exactly once; the node must outlive its fetches.
  fetcher_.Fetch(node_, upstream, key, [this, key](const ContentResponse& response) {
    if (!response.found) ++stats_.upstream_failures;  // not cached: the next request asks again
    collapser_.Complete(key, Answer(key, response));
  });
}

ContentResponse LiveCacheNode::Answer(const ContentKey& key, const ContentResponse& response) {
  std::optional<ContentResponse> held = cache_.LookupIfError(key, clock_.Now());
  const bool regression = response.found && held && key.playlist && held->playlist && response.playlist &&
                          !held->playlist->ended && response.playlist->LastSequence() < held->playlist->LastSequence();
  if (response.found && !regression) {
    cache_.Store(key, response, clock_.Now());
    ContentResponse answer = response;
    answer.from_cache = false;
    return answer;
  }
  if (!held) return response;  // nothing to fall back on: the failure (or the older playlist) it is
  if (regression) {
    ++stats_.playlist_regressions;
  } else if (held->stale) {
    ++stats_.stale_served;
    metrics_.Count(streaming_metrics::kStaleServed, 1,
                   {{"node", node_}, {"tier", TierName(tier_)}, {"kind", key.playlist ? "playlist" : "segment"}});
  }
  held->from_cache = true;
  held->served_by = node_;
  return *held;
}

}  // namespace cdnlab
