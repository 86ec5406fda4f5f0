#include "models/federation/in_memory_content_store.h"

namespace cdnlab {

std::vector<CachedObject> InMemoryContentStore::List() const {
  std::vector<CachedObject> out;
  out.reserve(objects_.size());
  for (const auto& [url, object] : objects_) out.push_back(object);
  return out;
}

std::optional<CachedObject> InMemoryContentStore::Get(const std::string& url) const {
  auto it = objects_.find(url);
  return it == objects_.end() ? std::nullopt : std::optional<CachedObject>(it->second);
}

bool InMemoryContentStore::MarkStale(const std::string& url) {
  auto it = objects_.find(url);
  if (it == objects_.end()) return false;
  it->second.stale = true;
  return true;
}

bool InMemoryContentStore::Remove(const std::string& url) { return objects_.erase(url) > 0; }

bool InMemoryContentStore::Preposition(const std::string& url) {
  auto origin = origin_.find(url);
  if (origin == origin_.end()) return false;  // upstream lacks it: the agent reports econtent
  objects_[url] = CachedObject{url, origin->second, false};  // a fresh copy, stale or not before
  return true;
}

}  // namespace cdnlab
