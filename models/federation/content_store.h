#pragma once
// The cache of one server, as the server agent sees it (a port): the objects it holds, and
// the three things a trigger can do to them. In simulation an in-memory map; in realnet
// files in a cache directory.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

struct CachedObject {
  std::string url;
  std::string ccid;      // content collection id ("" = none)
  bool stale = false;    // invalidated: must be revalidated upstream before it is served
};

class ContentStore {
 public:
  virtual ~ContentStore() = default;
  virtual std::vector<CachedObject> List() const = 0;
  virtual std::optional<CachedObject> Get(const std::string& url) const = 0;
  // Invalidate: keep the bytes, force revalidation. False when absent.
  virtual bool MarkStale(const std::string& url) = 0;
  // Purge: remove. False when absent.
  virtual bool Remove(const std::string& url) = 0;
  // Many at once (a large purge or invalidate): a store with durable bookkeeping writes it
  // once, not once per object. Returns how many objects changed. By default, one by one.
  virtual std::size_t MarkStaleAll(const std::vector<std::string>& urls) {
    std::size_t done = 0;
    for (const auto& url : urls) done += MarkStale(url) ? 1 : 0;
    return done;
  }
  virtual std::size_t RemoveAll(const std::vector<std::string>& urls) {
    std::size_t done = 0;
    for (const auto& url : urls) done += Remove(url) ? 1 : 0;
    return done;
  }
  // Preposition: fetch from upstream (parent or origin) and store. False when upstream
  // does not have it (the agent reports econtent).
  virtual bool Preposition(const std::string& url) = 0;
  // Metadata of a configuration: invalidate (re-acquire before next use) or preposition.
  virtual void InvalidateMetadata(const std::string& configuration) = 0;
  virtual void PrepositionMetadata(const std::string& configuration) = 0;
};

}  // namespace cdnlab
