#include "emulation/real_client_workload.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scenarios/routing/download_arrivals_config.h"

namespace cdnlab {
namespace {

// One user's download, as a shell runs it inside the group's namespace (arguments, not text
// pasted into the script: $1 DNS address, $2 DNS port, $3 client subnet or "", $4 hostname,
// $5 object port, $6 object path, $7 curl's time limit in seconds). The output is the result
// file: "server ADDRESS", then curl's "fetched STATUS BYTES SECONDS" or its error, then "done".
constexpr const char* kDownloadScript = R"sh(
answer=$(kdig @"$1" -p "$2" ${3:+"+subnet=$3"} +short +timeout=2 +retry=0 "$4" A 2>&1)
server=$(printf '%s\n' "$answer" | grep -m1 -E '^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$')
if [ -z "$server" ]; then
  echo "dns-failed $(printf '%s' "$answer" | tr '\n' ' ')"
else
  echo "server $server"
  curl -sS -o /dev/null --max-time "$7" -w 'fetched %{http_code} %{size_download} %{time_total}\n' \
    "http://$server:$5$6" 2>&1
fi
echo done
)sh";

}  // namespace

RealClientWorkload::RealClientWorkload(std::vector<RealClientGroup> groups, RealClientWorkloadConfig config,
                                       GroupArrivalsConfig arrivals, std::uint64_t seed, Clock& clock,
                                       TimerScheduler& timers)
    : groups_(std::move(groups)),
      config_(std::move(config)),
      clock_(clock),
      random_(seed, kDownloadArrivalStream),
      arrivals_(groups_.size(), arrivals, clock, timers, random_, [this](GroupIndex g) { Begin(g); }) {}

void RealClientWorkload::Start() {
  std::filesystem::remove_all(config_.out_dir);
  std::filesystem::create_directories(config_.out_dir);
  arrivals_.Start();
}

void RealClientWorkload::Stop() { arrivals_.Stop(); }

void RealClientWorkload::Begin(GroupIndex g) {
  const RealClientGroup& group = groups_.at(g);
  StartedDownload s;
  s.group = group.id;
  s.at_s = ToSeconds(clock_.Now());
  s.result_file = fmt::format("{}/{:03}-{}.txt", config_.out_dir, started_.size(), group.id);
  // curl may use the time left in the run: a download that has not finished by then is
  // unfinished, as in simulation, where the run ends with it.
  const double time_left_s = std::max(0.001, config_.run_end_s - s.at_s);
  group.ns->Spawn({"sh", "-c", kDownloadScript, "download", config_.dns.address.ToString(),
                   std::to_string(config_.dns.port), group.client_subnet ? group.client_subnet->ToString() : "",
                   config_.hostname, std::to_string(config_.object_port), config_.object_path,
                   fmt::format("{:.3f}", time_left_s)},
                  s.result_file);
  started_.push_back(std::move(s));
}

std::vector<TestbedDownload> RealClientWorkload::Results(const std::map<std::string, std::string>& pop_of_server) const {
  std::vector<TestbedDownload> results;
  for (const auto& s : started_) {
    TestbedDownload d;
    d.group = s.group;
    d.at_s = s.at_s;
    std::ifstream in(s.result_file);
    std::string line;
    bool done = false;
    std::optional<int> status;
    double bytes = 0;
    std::string curl_errors;  // anything else curl printed: its error messages
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string word;
      words >> word;
      if (word == "done") {
        done = true;
      } else if (word == "dns-failed") {
        d.error = "DNS:" + line.substr(word.size());
      } else if (word == "server") {
        words >> d.server;
        const auto pop = pop_of_server.find(d.server);
        d.pop = pop == pop_of_server.end() ? "" : pop->second;
      } else if (word == "fetched") {
        double seconds = 0;
        status.emplace();
        words >> *status >> bytes >> seconds;
        d.elapsed_ms = seconds * 1000;
      } else if (!line.empty()) {
        curl_errors += (curl_errors.empty() ? "" : " ") + line;
      }
    }
    if (!done) {
      d.error = "unfinished when the run ended";
    } else if (d.server.empty()) {
      if (d.error.empty()) d.error = "DNS: no answer";
    } else if (!curl_errors.empty()) {
      d.error = curl_errors;
    } else if (!status) {
      d.error = "curl printed no result";
    } else if (*status != 200 || bytes != static_cast<double>(config_.object_bytes)) {
      d.error = fmt::format("HTTP status {} with {} of {} bytes", *status, bytes, config_.object_bytes);
    } else {
      d.ok = true;
    }
    results.push_back(std::move(d));
  }
  return results;
}

}  // namespace cdnlab
