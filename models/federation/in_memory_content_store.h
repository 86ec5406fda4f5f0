#pragma once
#include <map>
#include <set>
#include <string>

#include "models/federation/content_store.h"

namespace cdnlab {

// A server cache kept in memory, with an origin (the set of URLs upstream can supply, and
// their ccid) for preposition. Counts what happened to it, for tests and metrics.
class InMemoryContentStore final : public ContentStore {
 public:
  void AddOriginObject(const std::string& url, const std::string& ccid = "") { origin_[url] = ccid; }
  void Put(const std::string& url, const std::string& ccid = "") { objects_[url] = CachedObject{url, ccid, false}; }

  std::vector<CachedObject> List() const override;
  std::optional<CachedObject> Get(const std::string& url) const override;
  bool MarkStale(const std::string& url) override;
  bool Remove(const std::string& url) override;
  bool Preposition(const std::string& url) override;
  void InvalidateMetadata(const std::string& configuration) override { stale_metadata_.insert(configuration); }
  void PrepositionMetadata(const std::string& configuration) override { stale_metadata_.erase(configuration); }

  bool MetadataStale(const std::string& configuration) const { return stale_metadata_.count(configuration) > 0; }
  std::size_t Size() const { return objects_.size(); }

 private:
  std::map<std::string, CachedObject> objects_;
  std::map<std::string, std::string> origin_;
  std::set<std::string> stale_metadata_;
};

}  // namespace cdnlab
