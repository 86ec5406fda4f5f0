#pragma once
// A ContentFetcher in front of another that tells an observer what each fetch brought, after the
// caller (a player) has had it, so the observer sees the caller's state after that response.
// Both runtimes use it to record per-viewer outcomes without changing the player.
#include <functional>
#include <string>
#include <utility>

#include "models/streaming/content_fetcher.h"

namespace cdnlab {

class ObservedFetcher final : public ContentFetcher {
 public:
  using Observer = std::function<void(const ContentKey&, const ContentResponse&)>;
  ObservedFetcher(ContentFetcher& inner, Observer observer) : inner_(inner), observer_(std::move(observer)) {}
  void Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) override {
    inner_.Fetch(from_node, to, key, [observer = observer_, key, done = std::move(done)](const ContentResponse& r) {
      done(r);  // the caller first
      observer(key, r);
    });
  }

 private:
  ContentFetcher& inner_;
  Observer observer_;
};

}  // namespace cdnlab
