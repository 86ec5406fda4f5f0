// Benchmark: cdnlab's authoritative DNS server against Knot DNS serving an equivalent
// static zone, both on loopback, measured with dnsperf in one run. Prints JSON with the
// queries per second of each and their ratio (cdnlab / knot), so the number is relative to
// a production server on the same machine at the same moment; and each server's latency
// percentiles at a fixed offered load (dnsperf -Q, every query's latency read from -v), since
// dnsperf 2.10 reports only the mean at full load.
//   ./build/bench/cdnlab_dns_qps_bench [seconds per server, default 10] [offered qps for latency, default 50000]
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <regex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/routing/mapping_table.h"
#include "realnet/dns/authoritative_server.h"
#include "realnet/dns/static_mapping_config.h"
#include "tests/support/knot_server.h"

namespace {

struct DnsperfResult {
  double qps = 0;
  double avg_latency_ms = 0;
  std::uint64_t completed = 0;
  std::uint64_t lost = 0;
};

double Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::stod(m[1]) : 0.0;
}

// Bounded in time (-l) and rate: 4 clients on loopback only.
DnsperfResult Dnsperf(std::uint16_t port, const std::string& query_file, int seconds, const std::string& extra) {
  const auto r = cdnlab::testing::RunShell(fmt::format("dnsperf -s 127.0.0.1 -p {} -d {} -l {} -c 4 -T 2 {}", port,
                                                       query_file, seconds, extra));
  DnsperfResult out;
  out.qps = Capture(r.output, R"(Queries per second:\s+([0-9.]+))");
  out.avg_latency_ms = 1000 * Capture(r.output, R"(Average Latency \(s\):\s+([0-9.]+))");
  out.completed = static_cast<std::uint64_t>(Capture(r.output, R"(Queries completed:\s+([0-9]+))"));
  out.lost = static_cast<std::uint64_t>(Capture(r.output, R"(Queries lost:\s+([0-9]+))"));
  if (out.qps == 0) throw std::runtime_error("dnsperf gave no result:\n" + r.output);
  return out;
}

struct LatencyResult {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::size_t answered = 0;
};

// Every answered query's latency at `qps` offered for `seconds` (dnsperf -v prints one line each).
LatencyResult Latency(std::uint16_t port, const std::string& query_file, int seconds, int qps, const std::string& extra) {
  const auto r = cdnlab::testing::RunShell(fmt::format("dnsperf -s 127.0.0.1 -p {} -d {} -l {} -c 4 -T 2 -Q {} -v {}",
                                                       port, query_file, seconds, qps, extra));
  std::vector<double> ms;
  static const std::regex line(R"(^> NOERROR \S+ \S+ ([0-9.]+)$)");
  std::istringstream in(r.output);
  std::string text;
  std::smatch m;
  while (std::getline(in, text)) {
    if (std::regex_match(text, m, line)) ms.push_back(1000 * std::stod(m[1]));
  }
  if (ms.empty()) throw std::runtime_error("dnsperf -v gave no latencies:\n" + r.output.substr(0, 2000));
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
  return {at(0.50), at(0.99), ms.back(), ms.size()};
}

nlohmann::ordered_json ToJson(const LatencyResult& r) {
  return {{"p50_ms", r.p50_ms}, {"p99_ms", r.p99_ms}, {"max_ms", r.max_ms}, {"answered", r.answered}};
}

nlohmann::ordered_json ToJson(const DnsperfResult& r) {
  return {{"qps", r.qps}, {"avg_latency_ms", r.avg_latency_ms}, {"completed", r.completed}, {"lost", r.lost}};
}

}  // namespace

int RunBenchmark(int seconds, int latency_qps) {
  const std::string query_file = "/tmp/cdnlab-dnsperf-queries.txt";
  {
    std::ofstream q(query_file);
    for (int i = 0; i < 100; ++i) q << "cdn.example.net A\n";
  }

  // cdnlab: one default row, answering the same single A record Knot serves statically.
  cdnlab::StaticMappingConfig config = cdnlab::LoadStaticMappingText(
      "zone: example.net\nhostname: cdn.example.net\nttl_s: 30\n"
      "pops: [{id: a, servers: [192.0.2.10]}, {id: b, servers: [198.51.100.20]}]\n"
      "mapping: [{prefix: 10.1.0.0/24, pops: [b]}, {prefix: 0.0.0.0/0, pops: [a]}]\n",
      "<bench>");
  cdnlab::AuthoritativeAnswerer answerer(config.catalog, config.dns);
  cdnlab::MappingTable table;
  answerer.ApplyDiff(table.Replace(config.rows));
  boost::asio::io_context io;
  cdnlab::RealDnsServer server(io, answerer, cdnlab::Endpoint{cdnlab::Ipv4Address{0x7F000001}, 0});
  server.Start();
  // Joined on every path out of this function, also when dnsperf fails.
  struct LoopThread {
    boost::asio::io_context& io;
    cdnlab::RealDnsServer& server;
    std::thread thread{[this] { io.run(); }};
    ~LoopThread() {
      boost::asio::post(io, [this] { server.Stop(); });
      io.stop();
      thread.join();
    }
  } loop{io, server};

  cdnlab::testing::KnotServer knot("example.net", "bench-key", "YmVuY2htYXJrIGtleSBub3QgdXNlZCBoZXJl",
                                   "cdn IN A 192.0.2.10");
  const DnsperfResult knot_result = Dnsperf(knot.Port(), query_file, seconds, "");
  const DnsperfResult cdnlab_result = Dnsperf(server.Port(), query_file, seconds, "");
  // With a client subnet (family 1, /24, 10.1.0.0): the per-subnet answer path.
  const std::string ecs = "-E 8:000118000a0100";
  const DnsperfResult cdnlab_ecs = Dnsperf(server.Port(), query_file, seconds, ecs);
  const int latency_seconds = std::max(1, seconds / 2);
  const LatencyResult knot_latency = Latency(knot.Port(), query_file, latency_seconds, latency_qps, "");
  const LatencyResult cdnlab_latency = Latency(server.Port(), query_file, latency_seconds, latency_qps, "");
  const LatencyResult cdnlab_ecs_latency = Latency(server.Port(), query_file, latency_seconds, latency_qps, ecs);

  nlohmann::ordered_json out;
  out["benchmark"] = "dns_qps";
  out["seconds_per_server"] = seconds;
  out["knot"] = ToJson(knot_result);
  out["cdnlab"] = ToJson(cdnlab_result);
  out["cdnlab_with_client_subnet"] = ToJson(cdnlab_ecs);
  out["ratio_cdnlab_over_knot"] = cdnlab_result.qps / knot_result.qps;
  out["ratio_cdnlab_with_client_subnet_over_knot"] = cdnlab_ecs.qps / knot_result.qps;
  out["latency_at_offered_qps"] = latency_qps;
  out["latency_knot"] = ToJson(knot_latency);
  out["latency_cdnlab"] = ToJson(cdnlab_latency);
  out["latency_cdnlab_with_client_subnet"] = ToJson(cdnlab_ecs_latency);
  std::cout << out.dump(2) << std::endl;
  return 0;
}

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
  const int latency_qps = argc > 2 ? std::max(100, std::atoi(argv[2])) : 50000;
  try {
    return RunBenchmark(seconds, latency_qps);  // servers are stopped by destructors on every path
  } catch (const std::exception& e) {
    std::cerr << "cdnlab_dns_qps_bench: " << e.what() << '\n';
    return 1;
  }
}
