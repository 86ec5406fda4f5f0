// A server cache as files: where URLs land, purge / invalidate / preposition on real files,
// state that survives a restart of the agent, and hostile URLs that must never reach outside
// the cache directory.
#include "realnet/federation/directory_content_store.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "models/federation/server_agent.h"

namespace cdnlab {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

class DirectoryContentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cdnlab-store-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    cache_ = root_ / "cache";
    origin_ = root_ / "origin";
    fs::create_directories(origin_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> Urls(const DirectoryContentStore& store) {
    std::vector<std::string> out;
    for (const auto& o : store.List()) out.push_back(o.url);
    std::sort(out.begin(), out.end());
    return out;
  }
  // Every regular file under the test root but the store's own state files, relative, for
  // "nothing else was touched" checks.
  std::vector<std::string> AllFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.path().filename().string().rfind(".cdnlab-", 0) == 0) continue;
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root_).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path root_, cache_, origin_;
};

TEST_F(DirectoryContentStoreTest, UrlsMapToEscapedPathsUnderTheirHost) {
  EXPECT_EQ(DirectoryContentStore::RelativePathOf("https://News.Example:8443/img/Logo.PNG?v=2")->generic_string(),
            "news.example/img/Logo.PNG%3Fv%3D2");
  EXPECT_FALSE(DirectoryContentStore::RelativePathOf("https://news.example/a%20b/c d"));  // a raw space
  EXPECT_EQ(DirectoryContentStore::RelativePathOf("https://news.example/a%20b")->generic_string(),
            "news.example/a%2520b");
  EXPECT_EQ(DirectoryContentStore::RelativePathOf("https://news.example/")->generic_string(), "news.example/%");
  EXPECT_EQ(DirectoryContentStore::RelativePathOf("https://news.example")->generic_string(), "news.example/%");
  EXPECT_EQ(DirectoryContentStore::RelativePathOf("http://news.example/dir/")->generic_string(),
            "news.example/dir/%");
}

TEST_F(DirectoryContentStoreTest, PutListGetAndPurge) {
  DirectoryContentStore store(cache_, origin_);
  ASSERT_TRUE(store.Put("https://news.example/a.html", "A", "front"));
  ASSERT_TRUE(store.Put("https://news.example/img/Logo.PNG?v=2", "LOGO"));
  EXPECT_EQ(Read(cache_ / "news.example" / "a.html"), "A");
  EXPECT_EQ(Read(cache_ / "news.example" / "img" / "Logo.PNG%3Fv%3D2"), "LOGO");
  EXPECT_EQ(Urls(store), (std::vector<std::string>{"https://news.example/a.html", "https://news.example/img/Logo.PNG?v=2"}));
  const auto a = store.Get("https://news.example/a.html");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ccid, "front");
  EXPECT_FALSE(a->stale);
  EXPECT_FALSE(store.Get("https://news.example/missing.html"));

  EXPECT_TRUE(store.Remove("https://news.example/img/Logo.PNG?v=2"));
  EXPECT_FALSE(fs::exists(cache_ / "news.example" / "img"));  // emptied directories go too
  EXPECT_FALSE(store.Remove("https://news.example/img/Logo.PNG?v=2"));
  EXPECT_EQ(Urls(store), std::vector<std::string>{"https://news.example/a.html"});
}

TEST_F(DirectoryContentStoreTest, PrefilledFilesAreObjectsWithUrlsFromTheirPaths) {
  // What an operator (or the end-to-end test) puts there by hand: no index at all.
  Write(cache_ / "news.example" / "a.html", "A");
  Write(cache_ / "news.example" / "img" / "Logo.PNG%3Fv%3D2", "L");
  Write(cache_ / "news.example" / "not canonical?", "stray");  // not a name the store writes: ignored
  Write(cache_ / "Not_A_Host" / "x", "stray");
  DirectoryContentStore store(cache_, origin_);
  EXPECT_EQ(Urls(store), (std::vector<std::string>{"https://news.example/a.html", "https://news.example/img/Logo.PNG?v=2"}));
  EXPECT_TRUE(store.Remove("https://news.example/a.html"));
  EXPECT_FALSE(fs::exists(cache_ / "news.example" / "a.html"));
}

TEST_F(DirectoryContentStoreTest, InvalidateKeepsBytesAndSurvivesRestart) {
  {
    DirectoryContentStore store(cache_, origin_);
    ASSERT_TRUE(store.Put("https://news.example/a.html", "A", "front"));
    EXPECT_TRUE(store.MarkStale("https://news.example/a.html"));
    EXPECT_FALSE(store.MarkStale("https://news.example/b.html"));
    store.InvalidateMetadata("news");
    EXPECT_TRUE(store.MetadataStale("news"));
  }
  DirectoryContentStore again(cache_, origin_);
  const auto a = again.Get("https://news.example/a.html");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->stale);
  EXPECT_EQ(a->ccid, "front");
  EXPECT_EQ(Read(cache_ / "news.example" / "a.html"), "A");
  EXPECT_TRUE(again.MetadataStale("news"));
  again.PrepositionMetadata("news");
  EXPECT_FALSE(DirectoryContentStore(cache_, origin_).MetadataStale("news"));
}

// A large purge or invalidate is one batch: the index is written once, not once per object
// (3,000 index rewrites of a 3,000-entry index would take minutes), and the result is durable.
TEST_F(DirectoryContentStoreTest, BatchesOfThousandsAreFastAndDurable) {
  std::vector<std::string> odd, even;
  for (int i = 0; i < 3000; ++i) {
    const std::string name = "item-" + std::to_string(i) + ".jpg";
    fs::create_directories(cache_ / "bulk.example" / std::to_string(i % 7));
    std::ofstream(cache_ / "bulk.example" / std::to_string(i % 7) / name) << i;
    (i % 2 ? odd : even).push_back("https://bulk.example/" + std::to_string(i % 7) + "/" + name);
  }
  const auto begin = std::chrono::steady_clock::now();
  {
    DirectoryContentStore store(cache_, origin_);
    std::vector<std::string> stale = odd;
    stale.push_back("https://bulk.example/missing.jpg");
    EXPECT_EQ(store.MarkStaleAll(stale), odd.size());
    EXPECT_EQ(store.RemoveAll(even), even.size());
    EXPECT_EQ(store.RemoveAll(even), 0u) << "already gone";
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(), 20.0);
  DirectoryContentStore again(cache_, origin_);
  const auto objects = again.List();
  EXPECT_EQ(objects.size(), odd.size());
  EXPECT_TRUE(std::all_of(objects.begin(), objects.end(), [](const CachedObject& o) { return o.stale; }));
  EXPECT_FALSE(again.Get(even.front()));
}

TEST_F(DirectoryContentStoreTest, PrepositionCopiesFromTheOriginOrReportsItMissing) {
  Write(origin_ / "news.example" / "new.html", "NEW");
  Write(origin_ / "news.example" / "q%3Fa%3D1", "Q");
  DirectoryContentStore store(cache_, origin_);
  EXPECT_TRUE(store.Preposition("https://news.example/new.html"));
  EXPECT_EQ(Read(cache_ / "news.example" / "new.html"), "NEW");
  EXPECT_TRUE(store.Preposition("https://news.example/q?a=1"));
  EXPECT_EQ(Read(cache_ / "news.example" / "q%3Fa%3D1"), "Q");
  EXPECT_FALSE(store.Preposition("https://news.example/absent.html"));
  EXPECT_FALSE(fs::exists(cache_ / "news.example" / "absent.html"));
  // A refetch replaces a stale copy with a fresh one.
  ASSERT_TRUE(store.MarkStale("https://news.example/new.html"));
  EXPECT_TRUE(store.Preposition("https://news.example/new.html"));
  EXPECT_FALSE(store.Get("https://news.example/new.html")->stale);
  // Without an origin nothing can be prepositioned.
  DirectoryContentStore no_origin(root_ / "cache2", "");
  EXPECT_FALSE(no_origin.Preposition("https://news.example/new.html"));
}

TEST_F(DirectoryContentStoreTest, HostileUrlsNeverReachOutsideTheCache) {
  Write(root_ / "secret.txt", "SECRET");
  Write(origin_ / "secret.txt", "ORIGIN SECRET");
  Write(cache_ / "news.example" / "a.html", "A");
  DirectoryContentStore store(cache_, origin_);
  const auto before = AllFiles();
  for (const std::string& url : {
           std::string("https://news.example/../../secret.txt"),
           std::string("https://news.example/a/../../../secret.txt"),
           std::string("https://news.example/%2e%2e/%2E%2E/secret.txt"),
           std::string("https://news.example/.%2e/secret.txt"),
           std::string("https://news.example/./a.html"),
           std::string("https://../secret.txt"),
           std::string("https://./secret.txt"),
           std::string("https:///secret.txt"),
           std::string("/etc/passwd"),
           std::string("../secret.txt"),
           std::string("file:///etc/passwd"),
           std::string("https://news.example/a.html") + '\0' + "/../../secret.txt",
           std::string("https://news.example/%00"),
           std::string("https://user@news.example/a.html"),
           std::string("https://news.example/a.html#frag"),
           std::string("https://news.example/a\nb"),
           std::string("https://news_example/a.html"),
           std::string("https://news.example:99999999/a.html"),
           std::string("https://news.example/") + std::string(300, 'x'),
           [] {
             std::string deep = "https://news.example";
             for (int i = 0; i < 30; ++i) deep += "/" + std::string(100, 'd');
             return deep;
           }(),
       }) {
    SCOPED_TRACE(url);
    EXPECT_FALSE(DirectoryContentStore::RelativePathOf(url));
    EXPECT_FALSE(store.Get(url));
    EXPECT_FALSE(store.Remove(url));
    EXPECT_FALSE(store.MarkStale(url));
    EXPECT_FALSE(store.Preposition(url));
    EXPECT_FALSE(store.Put(url, "EVIL"));
  }
  // "..%2F" and backslashes are plain characters in one segment: escaped, harmless.
  EXPECT_TRUE(store.Put("https://news.example/..%2F..%2Fsecret.txt", "x"));
  EXPECT_TRUE(fs::exists(cache_ / "news.example" / "..%252F..%252Fsecret.txt"));
  EXPECT_TRUE(store.Put("https://news.example/..\\..\\secret.txt", "y"));
  EXPECT_TRUE(fs::exists(cache_ / "news.example" / "..%5C..%5Csecret.txt"));
  EXPECT_TRUE(store.Remove("https://news.example/..%2F..%2Fsecret.txt"));
  EXPECT_TRUE(store.Remove("https://news.example/..\\..\\secret.txt"));
  EXPECT_EQ(AllFiles(), before);
  EXPECT_EQ(Read(root_ / "secret.txt"), "SECRET");
}

TEST_F(DirectoryContentStoreTest, SymlinksInTheCacheAreNeverFollowed) {
  Write(root_ / "outside" / "victim.html", "VICTIM");
  fs::create_directories(cache_);
  fs::create_directory_symlink(root_ / "outside", cache_ / "evil.example");
  fs::create_directories(cache_ / "news.example");
  fs::create_symlink(root_ / "outside" / "victim.html", cache_ / "news.example" / "link.html");
  DirectoryContentStore store(cache_, origin_);
  EXPECT_TRUE(store.List().empty());
  EXPECT_FALSE(store.Remove("https://evil.example/victim.html"));
  EXPECT_FALSE(store.Remove("https://news.example/link.html"));
  EXPECT_FALSE(store.Put("https://evil.example/victim.html", "overwritten"));
  EXPECT_EQ(Read(root_ / "outside" / "victim.html"), "VICTIM");
}

TEST_F(DirectoryContentStoreTest, ServerAgentRulesSelectFilesByUrlPatternAndCcid) {
  DirectoryContentStore store(cache_, origin_);
  store.Put("https://news.example/a.html", "A", "breaking");
  store.Put("https://news.example/b.html", "B");
  store.Put("https://news.example/img/x.jpg", "X");
  TriggerSpec purge;
  purge.type = TriggerType::kPurge;
  purge.content_patterns.push_back(PatternMatch{"https://news.example/img/*"});
  purge.content_ccids.push_back("breaking");
  int removed = 0;
  for (const auto& object : store.List()) {
    if (TriggerSelectsContent(purge, object) && store.Remove(object.url)) ++removed;
  }
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(Urls(store), std::vector<std::string>{"https://news.example/b.html"});
}

TEST_F(DirectoryContentStoreTest, UnusableDirectoriesGiveClearErrors) {
  Write(root_ / "file", "x");
  EXPECT_THROW(DirectoryContentStore(root_ / "file", origin_), std::runtime_error);
  EXPECT_THROW(DirectoryContentStore(cache_, root_ / "no-origin"), std::runtime_error);
}

}  // namespace
}  // namespace cdnlab
