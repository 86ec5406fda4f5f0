// Worker threads read published copies of the answerer while its owner applies diffs: each
// reader sees a whole mapping version, the newest after Publish, and old copies stay valid.
#include "realnet/dns/published_answerer.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "models/routing/mapping_table.h"

namespace cdnlab {
namespace {

RoutingCatalog TwoPops() {
  RoutingCatalog c;
  c.pops = {{"a", {}, {Ipv4Address{0xC000020A}}, 1}, {"b", {}, {Ipv4Address{0xC6336414}}, 1}};
  return c;
}

DnsQuestion Ask() {
  DnsQuestion q;
  q.qname = "cdn.example.net";
  q.source = Ipv4Address{0x0A010005};
  return q;
}

TEST(PublishedAnswerer, ReadersFollowPublishAndNeverSeeTheLiveCopyChange) {
  const RoutingCatalog catalog = TwoPops();
  AuthoritativeAnswerer live(catalog, AuthoritativeConfig{});
  MappingTable master;
  live.ApplyDiff(master.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {0}}}));
  PublishedAnswerer published(live);
  PublishedAnswerer::Reader reader(published);
  EXPECT_EQ(reader.Get().Answer(Ask()).addresses.front().value, 0xC000020Au);

  live.ApplyDiff(master.Replace({{Ipv4Prefix{Ipv4Address{0}, 0}, {1}}}));
  EXPECT_EQ(reader.Get().Answer(Ask()).addresses.front().value, 0xC000020Au) << "not published yet";
  const AuthoritativeAnswerer& held = reader.Get();
  published.Publish(live);
  EXPECT_EQ(reader.Get().Answer(Ask()).addresses.front().value, 0xC6336414u);
  EXPECT_EQ(held.Table().Version(), 1u) << "a copy a reader held before stays as it was";
}

TEST(PublishedAnswerer, ConcurrentReadersAlwaysSeeAWholeVersion) {
  const RoutingCatalog catalog = TwoPops();
  AuthoritativeAnswerer live(catalog, AuthoritativeConfig{});
  MappingTable master;
  // Version v maps 10.1.0.0/24 to PoP v % 2 and the default to the same PoP: a torn read
  // would show the two disagreeing.
  auto rows = [](PopIndex p) {
    return std::vector<MappingEntry>{{Ipv4Prefix{Ipv4Address{0x0A010000}, 24}, {p}}, {Ipv4Prefix{Ipv4Address{0}, 0}, {p}}};
  };
  live.ApplyDiff(master.Replace(rows(0)));
  PublishedAnswerer published(live);
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      PublishedAnswerer::Reader reader(published);
      DnsQuestion subnet = Ask();
      subnet.client_subnet = Ipv4Prefix{Ipv4Address{0x0A010000}, 24};
      DnsQuestion other = Ask();
      other.source = Ipv4Address{0xC0000201};
      while (!stop) {
        const AuthoritativeAnswerer& a = reader.Get();
        if (a.Answer(subnet).addresses != a.Answer(other).addresses) ++torn;
      }
    });
  }
  for (PopIndex v = 1; v <= 200; ++v) {
    live.ApplyDiff(master.Replace(rows(v % 2)));
    published.Publish(live);
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(published.Current()->Table().Version(), 201u);
}

}  // namespace
}  // namespace cdnlab
