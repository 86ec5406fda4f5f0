#include "realnet/federation/directory_content_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace fs = std::filesystem;
namespace {

constexpr const char* kIndexFile = ".cdnlab-index.json";
constexpr const char* kMetadataFile = ".cdnlab-metadata.json";
constexpr std::size_t kMaxName = 255;   // NAME_MAX on Linux file systems
constexpr std::size_t kMaxPath = 1024;  // well inside PATH_MAX with any sane cache directory

bool Unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string EscapeSegment(const std::string& segment) {
  if (segment.empty()) return "%";  // never produced otherwise: a '%' is always followed by two hex digits
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (Unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The inverse of EscapeSegment; nullopt for a name EscapeSegment cannot have produced.
std::optional<std::string> UnescapeName(const std::string& name) {
  if (name == "%") return std::string();
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '%') {
      out += name[i];
      continue;
    }
    if (i + 2 >= name.size()) return std::nullopt;
    const int hi = HexValue(name[i + 1]);
    const int lo = HexValue(name[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (EscapeSegment(out) != name) return std::nullopt;  // not canonical: a stray file, not an object
  return out;
}

// Percent-decoding, only to recognise dot segments written as %2e.
std::string PercentDecoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool ValidHost(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
      continue;
    }
    const unsigned char c = host[i];
    if (!std::islower(c) && !std::isdigit(c) && c != '-') return false;
    ++label;
  }
  return true;
}

}  // namespace

std::optional<fs::path> DirectoryContentStore::RelativePathOf(const std::string& url) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return std::nullopt;  // NUL, controls, spaces, non-ASCII
  }
  if (url.find('#') != std::string::npos) return std::nullopt;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0 || !std::isalpha(static_cast<unsigned char>(url[0]))) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < scheme_end; ++i) {
    const unsigned char c = url[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  const auto start = scheme_end + 3;
  const auto end = url.find_first_of("/?", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.find('@') != std::string::npos) return std::nullopt;
  const auto colon = authority.find(':');
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    for (unsigned char c : port) {
      if (!std::isdigit(c)) return std::nullopt;
    }
    authority.erase(colon);
  }
  for (auto& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!ValidHost(authority)) return std::nullopt;

  std::string rest = end == std::string::npos ? "" : url.substr(end);
  std::string query;
  const auto question = rest.find('?');
  if (question != std::string::npos) {
    query = rest.substr(question);
    rest.erase(question);
  }
  if (!rest.empty()) rest.erase(0, 1);  // the leading '/'
  std::vector<std::string> segments;
  std::size_t from = 0;
  while (true) {
    const auto slash = rest.find('/', from);
    segments.push_back(rest.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  fs::path out = authority;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string decoded = PercentDecoded(segments[i]);
    if (decoded == "." || decoded == ".." || decoded.find('\0') != std::string::npos) return std::nullopt;
    const std::string name = EscapeSegment(i + 1 == segments.size() ? segments[i] + query : segments[i]);
    if (name.size() > kMaxName) return std::nullopt;
    out /= name;
  }
  if (out.native().size() > kMaxPath) return std::nullopt;
  return out;
}

DirectoryContentStore::DirectoryContentStore(fs::path cache_dir, fs::path origin_dir)
    : cache_dir_(std::move(cache_dir)), origin_dir_(std::move(origin_dir)) {
  std::error_code ec;
  fs::create_directories(cache_dir_, ec);
  if (!fs::is_directory(cache_dir_)) {
    throw std::runtime_error("cannot use cache directory '" + cache_dir_.string() + "'" +
                             (ec ? ": " + ec.message() : ": not a directory"));
  }
  if (!origin_dir_.empty() && !fs::is_directory(origin_dir_)) {
    throw std::runtime_error("origin directory '" + origin_dir_.string() + "' does not exist");
  }
  index_ = ReadIndex(cache_dir_);
  std::ifstream in(cache_dir_ / kMetadataFile);
  if (in) {
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_object() && json.contains("stale") && json["stale"].is_array()) {
      for (const auto& c : json["stale"]) {
        if (c.is_string()) stale_metadata_.insert(c.get<std::string>());
      }
    }
  }
}

std::map<std::string, DirectoryContentStore::Entry> DirectoryContentStore::ReadIndex(const fs::path& dir) {
  std::map<std::string, Entry> out;
  std::ifstream in(dir / kIndexFile);
  if (!in) return out;
  // A damaged index loses ccids and stale flags, never objects: the files are the truth.
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (!json.is_object() || !json.contains("objects") || !json["objects"].is_object()) return out;
  for (const auto& [relative, e] : json["objects"].items()) {
    if (!e.is_object()) continue;
    Entry entry;
    if (e.contains("url") && e["url"].is_string()) entry.url = e["url"].get<std::string>();
    if (e.contains("ccid") && e["ccid"].is_string()) entry.ccid = e["ccid"].get<std::string>();
    if (e.contains("stale") && e["stale"].is_boolean()) entry.stale = e["stale"].get<bool>();
    // An entry is trusted only for the file its URL maps to.
    const auto mapped = RelativePathOf(entry.url);
    if (mapped && mapped->generic_string() == relative) out[relative] = entry;
  }
  return out;
}

void DirectoryContentStore::WriteAtomically(const fs::path& target, const std::string& bytes) const {
  static std::atomic<unsigned> counter{0};
  const fs::path temp = cache_dir_ / (".cdnlab-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + temp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      throw std::runtime_error("cannot write " + temp.string() + ": " + reason);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fsync(fd);  // the rename below must never expose a half-written file after a crash
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot replace " + target.string() + ": " + reason);
  }
}

void DirectoryContentStore::SaveIndex() const {
  nlohmann::ordered_json objects = nlohmann::ordered_json::object();
  for (const auto& [relative, e] : index_) {
    objects[relative] = {{"url", e.url}, {"ccid", e.ccid}, {"stale", e.stale}};
  }
  WriteAtomically(cache_dir_ / kIndexFile, nlohmann::ordered_json{{"objects", objects}}.dump(1) + "\n");
}

void DirectoryContentStore::SaveMetadataState() const {
  nlohmann::ordered_json stale = nlohmann::ordered_json::array();
  for (const auto& c : stale_metadata_) stale.push_back(c);
  WriteAtomically(cache_dir_ / kMetadataFile, nlohmann::ordered_json{{"stale", stale}}.dump() + "\n");
}

// True when cache_dir/relative is a regular file reached through real directories only.
bool DirectoryContentStore::IsObjectFile(const fs::path& relative) const {
  fs::path at = cache_dir_;
  std::error_code ec;
  for (auto it = relative.begin(); it != relative.end(); ++it) {
    at /= *it;
    const auto status = fs::symlink_status(at, ec);
    if (ec) return false;
    const bool last = std::next(it) == relative.end();
    if (last ? !fs::is_regular_file(status) : !fs::is_directory(status)) return false;
  }
  return true;
}

CachedObject DirectoryContentStore::ObjectAt(const std::string& relative) const {
  auto it = index_.find(relative);
  if (it != index_.end()) return CachedObject{it->second.url, it->second.ccid, it->second.stale};
  // An object placed without an index entry: its URL is rebuilt from the path.
  std::string url = "https://";
  bool first = true;
  for (const auto& part : fs::path(relative)) {
    if (!first) url += '/';
    url += first ? part.string() : *UnescapeName(part.string());
    first = false;
  }
  return CachedObject{url, "", false};
}

std::vector<CachedObject> DirectoryContentStore::List() const {
  std::vector<CachedObject> out;
  std::error_code ec;
  for (fs::directory_iterator host(cache_dir_, ec), end; !ec && host != end; host.increment(ec)) {
    const std::string name = host->path().filename().string();
    if (!ValidHost(name) || !host->is_directory(ec) || host->is_symlink(ec)) continue;
    // recursive_directory_iterator does not follow directory symlinks unless asked to.
    for (fs::recursive_directory_iterator file(host->path(), ec), fend; !ec && file != fend; file.increment(ec)) {
      if (file->is_symlink(ec) || !file->is_regular_file(ec)) continue;
      const fs::path relative = fs::relative(file->path(), cache_dir_, ec);
      if (ec) break;
      bool canonical = true;
      bool first = true;
      for (const auto& part : relative) {
        if (!first && !UnescapeName(part.string())) canonical = false;
        first = false;
      }
      if (canonical) out.push_back(ObjectAt(relative.generic_string()));
    }
  }
  return out;
}

std::optional<CachedObject> DirectoryContentStore::Get(const std::string& url) const {
  const auto relative = RelativePathOf(url);
  if (!relative || !IsObjectFile(*relative)) return std::nullopt;
  CachedObject object = ObjectAt(relative->generic_string());
  if (index_.count(relative->generic_string()) == 0) object.url = url;
  return object;
}

bool DirectoryContentStore::MarkStale(const std::string& url) { return MarkStaleAll({url}) == 1; }

std::size_t DirectoryContentStore::MarkStaleAll(const std::vector<std::string>& urls) {
  std::map<std::string, std::optional<Entry>> before;  // the entries before this batch, to undo it
  std::size_t marked = 0;
  for (const auto& url : urls) {
    const auto relative = RelativePathOf(url);
    if (!relative || !IsObjectFile(*relative)) continue;
    const std::string key = relative->generic_string();
    auto it = index_.find(key);
    if (before.count(key) == 0) before.emplace(key, it == index_.end() ? std::nullopt : std::optional<Entry>(it->second));
    if (it == index_.end()) it = index_.emplace(key, Entry{ObjectAt(key).url, "", false}).first;
    it->second.stale = true;
    ++marked;
  }
  if (before.empty()) return 0;
  try {
    SaveIndex();
  } catch (const std::runtime_error&) {
    // Not recorded durably: nothing invalidated (the gateway hears of it).
    for (auto& [key, entry] : before) {
      if (entry) {
        index_[key] = *entry;
      } else {
        index_.erase(key);
      }
    }
    return 0;
  }
  return marked;
}

bool DirectoryContentStore::Remove(const std::string& url) { return RemoveAll({url}) == 1; }

std::size_t DirectoryContentStore::RemoveAll(const std::vector<std::string>& urls) {
  std::size_t removed = 0;
  bool index_changed = false;
  for (const auto& url : urls) {
    const auto relative = RelativePathOf(url);
    if (!relative || !RemoveFile(*relative)) continue;
    ++removed;
    if (index_.erase(relative->generic_string()) > 0) index_changed = true;
  }
  if (index_changed) {
    try {
      SaveIndex();
    } catch (const std::runtime_error&) {
      // The files are gone, which is what counts; entries left behind for them are never used.
    }
  }
  return removed;
}

bool DirectoryContentStore::RemoveFile(const fs::path& relative) {
  if (!IsObjectFile(relative)) return false;
  std::error_code ec;
  if (!fs::remove(cache_dir_ / relative, ec)) return false;
  // Drop directories the purge emptied, up to the host directory included.
  for (fs::path dir = relative.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (!fs::remove(cache_dir_ / dir, ec)) break;  // not empty (or gone): stop
  }
  return true;
}

bool DirectoryContentStore::Put(const std::string& url, const std::string& bytes, const std::string& ccid) {
  const auto relative = RelativePathOf(url);
  if (!relative) return false;
  // Parents must be real directories (never a symlink an attacker left in the cache).
  fs::path at = cache_dir_;
  std::error_code ec;
  for (const auto& part : relative->parent_path()) {
    at /= part;
    const auto status = fs::symlink_status(at, ec);
    if (fs::exists(status)) {
      if (!fs::is_directory(status)) return false;  // a file where a directory must be (/a vs /a/b)
    } else if (!fs::create_directory(at, ec) && ec) {
      return false;
    }
  }
  const auto target_status = fs::symlink_status(cache_dir_ / *relative, ec);
  if (fs::exists(target_status) && !fs::is_regular_file(target_status)) return false;
  try {
    WriteAtomically(cache_dir_ / *relative, bytes);
  } catch (const std::runtime_error&) {
    return false;  // the object could not be stored (full disk, permissions): reported as not prepositioned
  }
  index_[relative->generic_string()] = Entry{url, ccid, false};
  try {
    SaveIndex();
  } catch (const std::runtime_error&) {
    // The bytes are stored; only the exact URL and ccid could not be recorded.
  }
  return true;
}

bool DirectoryContentStore::Preposition(const std::string& url) {
  if (origin_dir_.empty()) return false;
  const auto relative = RelativePathOf(url);
  if (!relative) return false;
  // The origin is checked component by component too: no symlink leads out of it.
  fs::path at = origin_dir_;
  std::error_code ec;
  for (auto it = relative->begin(); it != relative->end(); ++it) {
    at /= *it;
    const auto status = fs::symlink_status(at, ec);
    const bool last = std::next(it) == relative->end();
    if (ec || (last ? !fs::is_regular_file(status) : !fs::is_directory(status))) return false;
  }
  std::ifstream in(at, std::ios::binary);
  if (!in) return false;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const auto origin_index = ReadIndex(origin_dir_);
  const auto entry = origin_index.find(relative->generic_string());
  return Put(url, bytes.str(), entry == origin_index.end() ? "" : entry->second.ccid);
}

// The port has no way to report a failure here: the state is kept in memory in any case,
// and written to disk when possible.
void DirectoryContentStore::InvalidateMetadata(const std::string& configuration) {
  if (!stale_metadata_.insert(configuration).second) return;
  try {
    SaveMetadataState();
  } catch (const std::runtime_error&) {
  }
}

void DirectoryContentStore::PrepositionMetadata(const std::string& configuration) {
  if (stale_metadata_.erase(configuration) == 0) return;
  try {
    SaveMetadataState();
  } catch (const std::runtime_error&) {
  }
}

}  // namespace cdnlab
