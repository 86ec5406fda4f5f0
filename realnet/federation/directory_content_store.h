#pragma once
// A server's cache as real files, so `cdnlab realnet federation-agent` purges, invalidates
// and prepositions objects an operator can see with ls:
//   https://Host:443/img/a.png?v=2  ->  <cache_dir>/host/img/a.png%3Fv%3D2
// The host is lower-cased (port and scheme dropped); each path segment keeps [A-Za-z0-9._~-]
// and %-escapes every other byte (an empty segment is the lone name "%"); the query, with
// its '?', is escaped onto the last segment. An origin directory is laid out the same way.
// Hostile URLs (not absolute, a bad host, a "." or ".." segment also when %-encoded, control
// characters or NUL, a fragment, userinfo, a segment over 255 bytes or a path over 1024) map
// to no file: they are never stored or matched.
// Per-object metadata (the exact URL, ccid, stale flag) lives in <cache_dir>/.cdnlab-index.json,
// configuration metadata state in <cache_dir>/.cdnlab-metadata.json; both are replaced
// atomically (write, fsync, rename). A file without an index entry is an object with URL
// https://<host>/<unescaped path>, no ccid, fresh. Symbolic links are never followed.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "models/federation/content_store.h"

namespace cdnlab {

class DirectoryContentStore final : public ContentStore {
 public:
  // Creates cache_dir if missing; throws std::runtime_error when it cannot be used.
  // origin_dir may be empty (nothing can be prepositioned).
  DirectoryContentStore(std::filesystem::path cache_dir, std::filesystem::path origin_dir);

  std::vector<CachedObject> List() const override;
  std::optional<CachedObject> Get(const std::string& url) const override;
  bool MarkStale(const std::string& url) override;
  bool Remove(const std::string& url) override;
  // The index is written once per batch (per object, a 100,000-URL purge would rewrite it
  // 100,000 times).
  std::size_t MarkStaleAll(const std::vector<std::string>& urls) override;
  std::size_t RemoveAll(const std::vector<std::string>& urls) override;
  bool Preposition(const std::string& url) override;
  void InvalidateMetadata(const std::string& configuration) override;
  void PrepositionMetadata(const std::string& configuration) override;

  bool MetadataStale(const std::string& configuration) const { return stale_metadata_.count(configuration) > 0; }
  // Stores bytes for a URL (tests, tools); false for a URL that maps to no file.
  bool Put(const std::string& url, const std::string& bytes, const std::string& ccid = "");
  // Where a URL's object lives under `root` (the relative path), if the URL is acceptable.
  static std::optional<std::filesystem::path> RelativePathOf(const std::string& url);

  const std::filesystem::path& CacheDir() const { return cache_dir_; }

 private:
  struct Entry {
    std::string url;
    std::string ccid;
    bool stale = false;
  };
  // Index of one directory (cache or origin), keyed by the object's relative path.
  static std::map<std::string, Entry> ReadIndex(const std::filesystem::path& dir);
  void SaveIndex() const;
  void SaveMetadataState() const;
  void WriteAtomically(const std::filesystem::path& target, const std::string& bytes) const;
  bool IsObjectFile(const std::filesystem::path& relative) const;
  CachedObject ObjectAt(const std::string& relative) const;
  // Deletes the file and the directories it leaves empty; the index is left to the caller.
  bool RemoveFile(const std::filesystem::path& relative);

  std::filesystem::path cache_dir_;
  std::filesystem::path origin_dir_;
  std::map<std::string, Entry> index_;
  std::set<std::string> stale_metadata_;
};

}  // namespace cdnlab
