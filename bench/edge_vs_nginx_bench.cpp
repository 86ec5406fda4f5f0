// Benchmark: requests per second an edge live cache (`cdnlab realnet stream-cache`) serves
// from memory, against nginx serving the same files from disk (page cache), on the same
// machine in the same run, with the same wrk load. Setup: an ingest receives a playlist and
// six segments by HTTP PUT (as from ffmpeg); a mid-tier and an edge cache pull them; each
// is fetched once through the edge (warming it), and the bytes the edge served are written to
// nginx's root, so both serve identical files. Both servers get one core's worth of
// process (the edge is one io_context thread; nginx runs one worker), with keep-alive.
// Each file is loaded for `seconds` per server, edge and nginx alternating, twice; the mean
// is reported. Prints JSON: the segment's numbers at top level ({"edge_rps","nginx_rps",
// "ratio"}, ratio = edge / nginx), the playlist's under "playlist".
//   cdnlab_edge_vs_nginx_bench [seconds per run, default 5] [--cdnlab PATH] [--segment-bytes N]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

constexpr int kSegments = 6;
constexpr int kThreads = 2;
constexpr int kConnections = 50;
constexpr int kRounds = 2;

// Free loopback ports, distinct: each stays bound until all are chosen.
class FreePorts {
 public:
  std::uint16_t Tcp() {
    tcp_.emplace_back(io_, tcp::endpoint(boost::asio::ip::make_address_v4("127.0.0.1"), 0));
    return tcp_.back().local_endpoint().port();
  }
  std::uint16_t Udp() {
    udp_.emplace_back(io_, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address_v4("127.0.0.1"), 0));
    return udp_.back().local_endpoint().port();
  }
  void Release() {
    tcp_.clear();
    udp_.clear();
  }

 private:
  boost::asio::io_context io_;
  std::deque<tcp::acceptor> tcp_;
  std::deque<boost::asio::ip::udp::socket> udp_;
};

// A child process (stdout and stderr to `log`), killed and reaped when this goes away.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  ~Child() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool Running() const { return waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

struct Reply {
  int status = 0;
  std::string body;
  std::string cache;  // X-Cache
};

Reply Request(std::uint16_t port, http::verb method, const std::string& target, const std::string& body = "") {
  Reply out;
  try {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.body() = body;
    if (method == http::verb::put) request.prepare_payload();
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    http::read(stream, buffer, parser);
    out.status = parser.get().result_int();
    out.body = parser.get().body();
    out.cache = std::string(parser.get()["X-Cache"]);
  } catch (const std::exception&) {
    out.status = 0;
  }
  return out;
}

// Polls until `f` holds (at most 10 s).
template <typename F>
void WaitFor(const std::string& what, F f) {
  for (int i = 0; i < 200; ++i) {
    if (f()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("timed out waiting for " + what);
}

struct WrkResult {
  double rps = 0;
  double transfer_mb_s = 0;
  std::string output;
};

double Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::stod(m[1]) : 0.0;
}

WrkResult Wrk(std::uint16_t port, const std::string& target, int seconds) {
  const std::string command = fmt::format("wrk -t{} -c{} -d{}s http://127.0.0.1:{}{} 2>&1", kThreads, kConnections,
                                          seconds, port, target);
  WrkResult out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run wrk");
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out.output += buffer.data();
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("wrk failed:\n" + out.output);
  if (out.output.find("Non-2xx or 3xx responses") != std::string::npos) {
    throw std::runtime_error("wrk saw error responses:\n" + out.output);
  }
  out.rps = Capture(out.output, R"(Requests/sec:\s+([0-9.]+))");
  const double transfer = Capture(out.output, R"(Transfer/sec:\s+([0-9.]+))");
  const bool gb = std::regex_search(out.output, std::regex(R"(Transfer/sec:\s+[0-9.]+GB)"));
  const bool kb = std::regex_search(out.output, std::regex(R"(Transfer/sec:\s+[0-9.]+KB)"));
  out.transfer_mb_s = gb ? transfer * 1024 : kb ? transfer / 1024 : transfer;
  if (out.rps <= 0) throw std::runtime_error("wrk gave no result:\n" + out.output);
  return out;
}

// A stand-in for one encoded segment: MPEG-TS sized packets (0x47 sync byte) of noise.
std::string SegmentBytes(std::size_t bytes, int n) {
  std::mt19937 random(static_cast<unsigned>(n + 1));
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) out[i] = i % 188 == 0 ? '\x47' : static_cast<char>(random() & 0xff);
  return out;
}

int Run(int seconds, const std::string& cdnlab, std::size_t segment_bytes) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("cdnlab-edge-bench-{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "www" / "news");
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};

  FreePorts ports;
  const auto ingest_http = ports.Tcp(), mid_http = ports.Tcp(), edge_http = ports.Tcp(), nginx_http = ports.Tcp();
  const auto ingest_health = ports.Udp(), ingest_announce = ports.Udp(), mid_announce = ports.Udp();
  const auto edge_announce = ports.Udp();
  ports.Release();
  const auto at = [](std::uint16_t port) { return fmt::format("127.0.0.1:{}", port); };
  const fs::path log = dir / "cdnlab.log";
  std::cerr << "edge_vs_nginx: starting ingest, mid and edge caches, nginx\n";
  Child ingest({cdnlab, "realnet", "stream-ingest", "--id", "ingest-1", "--listen", at(ingest_http), "--health",
                at(ingest_health), "--announce-from", at(ingest_announce), "--relay", at(mid_announce),
                "--idle-end-s", "3600", "--plain-http"},  // no publisher keeps uploading: the stream must not end
               log);
  Child mid({cdnlab, "realnet", "stream-cache", "--id", "mid-1", "--tier", "mid", "--listen", at(mid_http),
             "--announce", at(mid_announce), "--segment-ttl-s", "3600", "--plain-http"},
            log);
  Child edge({cdnlab, "realnet", "stream-cache", "--id", "edge-1", "--tier", "edge", "--listen", at(edge_http),
              "--announce", at(edge_announce), "--parent", at(mid_http), "--parent-announce", at(mid_announce),
              "--segment-ttl-s", "3600", "--plain-http"},
             log);

  // The publisher's upload, as ffmpeg's HLS muxer sends it.
  std::vector<std::string> segments;
  std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n";
  for (int n = 0; n < kSegments; ++n) {
    segments.push_back(SegmentBytes(segment_bytes, n));
    playlist += "#EXTINF:2.000000,\nseg-" + std::to_string(n) + ".ts\n";
  }
  WaitFor("the ingest", [&] { return Request(ingest_http, http::verb::get, "/news/playlist.m3u8").status == 404; });
  for (int n = 0; n < kSegments; ++n) {
    const auto r = Request(ingest_http, http::verb::put, fmt::format("/news/seg-{}.ts", n), segments[n]);
    if (r.status != 201) throw std::runtime_error(fmt::format("segment upload: HTTP {}", r.status));
  }
  if (Request(ingest_http, http::verb::put, "/news/playlist.m3u8", playlist).status / 100 != 2) {
    throw std::runtime_error("playlist upload refused");
  }

  // Warm the edge (and mid) with one request per file; nginx gets the bytes the edge served.
  std::string edge_playlist;
  WaitFor("the edge to serve the playlist", [&] {
    const auto r = Request(edge_http, http::verb::get, "/news/playlist.m3u8");
    edge_playlist = r.body;
    return r.status == 200;
  });
  std::ofstream(dir / "www" / "news" / "playlist.m3u8", std::ios::binary) << edge_playlist;
  for (int n = 0; n < kSegments; ++n) {
    const auto r = Request(edge_http, http::verb::get, fmt::format("/news/seg-{}.ts", n));
    if (r.status != 200 || r.body != segments[n]) throw std::runtime_error(fmt::format("edge segment {} differs", n));
    std::ofstream(dir / "www" / "news" / fmt::format("seg-{}.ts", n), std::ios::binary) << r.body;
  }
  const auto hit = Request(edge_http, http::verb::get, "/news/seg-3.ts");
  if (hit.cache != "HIT") throw std::runtime_error("the edge did not answer a warmed segment from memory");

  // nginx: one worker (like the edge's one thread), files from the same bytes, keep-alive.
  fs::create_directories(dir / "nginx-tmp");
  std::ofstream(dir / "nginx.conf")
      << "daemon off;\nmaster_process on;\nworker_processes 1;\npid " << (dir / "nginx.pid").string() << ";\n"
      << "error_log " << (dir / "nginx-error.log").string() << " warn;\n"
      << "events { worker_connections 4096; }\n"
      << "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n"
      << "  keepalive_requests 1000000;\n  open_file_cache max=64 inactive=60s;\n"
      << "  client_body_temp_path " << (dir / "nginx-tmp").string() << ";\n"
      << "  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }\n"
      << "  server {\n    listen 127.0.0.1:" << nginx_http << ";\n    root " << (dir / "www").string() << ";\n"
      << "    location ~ \\.m3u8$ { add_header Cache-Control \"public, max-age=1\"; }\n"
      << "    location ~ \\.ts$ { add_header Cache-Control \"public, max-age=3600\"; }\n  }\n}\n";
  Child nginx({"nginx", "-p", dir.string(), "-e", (dir / "nginx-error.log").string(), "-c",
               (dir / "nginx.conf").string()},
              dir / "nginx.log");
  WaitFor("nginx", [&] { return Request(nginx_http, http::verb::get, "/news/seg-3.ts").body == segments[3]; });
  if (Request(nginx_http, http::verb::get, "/news/playlist.m3u8").body != edge_playlist) {
    throw std::runtime_error("nginx serves another playlist");
  }

  std::cerr << fmt::format("edge_vs_nginx: wrk -t{} -c{} -d{}s, segment {} bytes, {} alternating rounds\n", kThreads,
                           kConnections, seconds, segment_bytes, kRounds);
  // Alternating rounds, averaged: on a small shared machine one run can land on a busy core.
  struct Series {
    std::vector<double> rps;
    double mb_s = 0;
    double Mean() const {
      double sum = 0;
      for (double r : rps) sum += r;
      return sum / static_cast<double>(rps.size());
    }
  };
  Series edge_segment, nginx_segment, edge_list, nginx_list;
  const auto add = [](Series& series, const WrkResult& r) {
    series.rps.push_back(r.rps);
    series.mb_s += r.transfer_mb_s / kRounds;
  };
  for (int round = 0; round < kRounds; ++round) {
    add(edge_segment, Wrk(edge_http, "/news/seg-3.ts", seconds));
    add(nginx_segment, Wrk(nginx_http, "/news/seg-3.ts", seconds));
    add(edge_list, Wrk(edge_http, "/news/playlist.m3u8", seconds));
    add(nginx_list, Wrk(nginx_http, "/news/playlist.m3u8", seconds));
  }
  if (!edge.Running() || !nginx.Running()) throw std::runtime_error("a server exited during the run");
  if (Request(edge_http, http::verb::get, "/news/seg-3.ts").cache != "HIT") {
    throw std::runtime_error("the edge stopped answering from memory");
  }

  nlohmann::ordered_json out;
  out["benchmark"] = "edge_vs_nginx";
  out["seconds_per_run"] = seconds;
  out["wrk_threads"] = kThreads;
  out["wrk_connections"] = kConnections;
  out["rounds"] = kRounds;
  out["segment_bytes"] = segment_bytes;
  out["edge_rps"] = edge_segment.Mean();
  out["nginx_rps"] = nginx_segment.Mean();
  out["ratio"] = edge_segment.Mean() / nginx_segment.Mean();
  out["edge_rps_per_round"] = edge_segment.rps;
  out["nginx_rps_per_round"] = nginx_segment.rps;
  out["edge_mb_per_s"] = edge_segment.mb_s;
  out["nginx_mb_per_s"] = nginx_segment.mb_s;
  out["playlist"] = {{"bytes", edge_playlist.size()},
                     {"edge_rps", edge_list.Mean()},
                     {"nginx_rps", nginx_list.Mean()},
                     {"ratio", edge_list.Mean() / nginx_list.Mean()},
                     {"edge_rps_per_round", edge_list.rps},
                     {"nginx_rps_per_round", nginx_list.rps}};
  std::cout << out.dump(2) << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5;
  std::string cdnlab = CDNLAB_BINARY;
  std::size_t segment_bytes = 188 * 1000;  // 1 s at 1.5 Mbit/s
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cdnlab" && i + 1 < argc) {
      cdnlab = argv[++i];
    } else if (arg == "--segment-bytes" && i + 1 < argc) {
      segment_bytes = static_cast<std::size_t>(std::max(188L, std::atol(argv[++i])));
    } else {
      seconds = std::max(1, std::atoi(argv[i]));
    }
  }
  try {
    return Run(seconds, cdnlab, segment_bytes);  // children are stopped by destructors on every path
  } catch (const std::exception& e) {
    std::cerr << "cdnlab_edge_vs_nginx_bench: " << e.what() << '\n';
    return 1;
  }
}
