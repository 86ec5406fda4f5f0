#include "realnet/dns/knot_geoip_writer.h"

#include <algorithm>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "realnet/net/atomic_file.h"
#include "models/routing/disjoint_blocks.h"
#include "models/routing/server_slot.h"
#include "scenarios/core/ipv4_text.h"
#include "realnet/dns/ldns_ptr.h"

extern char** environ;

namespace cdnlab {
namespace {

std::string Absolute(const std::string& name) { return !name.empty() && name.back() == '.' ? name : name + "."; }

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// Runs a program (no shell) and waits; its stdout and stderr together end up in `output`.
// Returns the exit status, or -1 when it could not be started or did not exit normally.
int RunProgram(const std::vector<std::string>& argv, std::string& output) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    output = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    output = fmt::format("cannot start {}: {}", argv[0], std::strerror(rc));
    return -1;
  }
  output.clear();
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The first TXT string Knot answers for `name`, quoted as ldns prints it ("\"7\"").
std::optional<std::string> QueryTxt(const Endpoint& server, const std::string& name, std::chrono::seconds timeout,
                                    std::string& error) {
  LdnsPtr<ldns_resolver> resolver(ldns_resolver_new());
  LdnsPtr<ldns_rdf> address(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, server.address.ToString().c_str()));
  ldns_resolver_push_nameserver(resolver.get(), address.get());
  ldns_resolver_set_port(resolver.get(), server.port);
  ldns_resolver_set_recursive(resolver.get(), false);
  ldns_resolver_set_timeout(resolver.get(), timeval{static_cast<time_t>(timeout.count()), 0});
  ldns_resolver_set_retry(resolver.get(), 1);
  LdnsPtr<ldns_rdf> qname(ldns_dname_new_frm_str(name.c_str()));
  ldns_pkt* raw = nullptr;
  const ldns_status status =
      ldns_resolver_query_status(&raw, resolver.get(), qname.get(), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 0);
  LdnsPtr<ldns_pkt> answer(raw);
  if (status != LDNS_STATUS_OK || answer == nullptr) {
    error = fmt::format("no answer from {}: {}", server.ToString(), ldns_get_errorstr_by_id(status));
    return std::nullopt;
  }
  LdnsPtr<ldns_rr_list> txt(ldns_pkt_rr_list_by_type(answer.get(), LDNS_RR_TYPE_TXT, LDNS_SECTION_ANSWER));
  if (txt == nullptr || ldns_rr_list_rr_count(txt.get()) == 0 || ldns_rr_rd_count(ldns_rr_list_rr(txt.get(), 0)) == 0) {
    char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(answer.get()));
    error = fmt::format("{} has no TXT {} (rcode {})", server.ToString(), name, rcode ? rcode : "?");
    free(rcode);
    return std::nullopt;
  }
  char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(txt.get(), 0), 0));
  std::string value = text ? text : "";
  free(text);
  return value;
}

// The servers a row is answered with: one of its top PoP's servers per family, picked like
// cdnlab's own answerer does for a subnet equal to the row; empty when the PoP has none.
struct AnsweringServers {
  std::optional<Ipv4Address> v4;
  std::optional<Ipv6Address> v6;
  bool Any() const { return v4 || v6; }
};

AnsweringServers AnsweringServersOf(const RoutingCatalog& catalog, const MappingEntry& row) {
  AnsweringServers out;
  if (row.ranked_pops.empty() || row.ranked_pops.front() >= catalog.pops.size()) return out;
  const PopInfo& pop = catalog.pops[row.ranked_pops.front()];
  const IpAddress key = row.prefix.Network();
  if (!pop.servers.empty()) out.v4 = pop.servers[ServerSlot(key, pop.servers.size())];
  if (!pop.servers6.empty()) out.v6 = pop.servers6[ServerSlot(key, pop.servers6.size())];
  return out;
}

// The rows Knot must see: the table's, with the default row 0.0.0.0/0 also standing for the
// IPv6 space (as cdnlab's answerer treats it), so both families are split around their rows.
std::vector<MappingEntry> RowsForKnot(const MappingTable& table) {
  std::vector<MappingEntry> rows = table.Entries();
  const MappingEntry* fallback = table.Find(Ipv4Prefix{});
  if (fallback != nullptr && table.Find(Ipv6Prefix{}) == nullptr) {
    MappingEntry everything6{Ipv6Prefix{}, fallback->ranked_pops};
    rows.insert(std::lower_bound(rows.begin(), rows.end(), everything6,
                                 [](const MappingEntry& a, const MappingEntry& b) { return a.prefix < b.prefix; }),
                everything6);
  }
  return rows;
}

}  // namespace

KnotGeoipWriter::KnotGeoipWriter(RoutingCatalog catalog, KnotGeoipTarget target, MetricsSink& metrics, LogLine log)
    : catalog_(std::move(catalog)), target_(std::move(target)), metrics_(metrics), log_(std::move(log)) {
  if (!log_) log_ = [](const std::string& line) { std::cerr << "cdnlab knot-geoip: " << line << std::endl; };
}

std::string KnotGeoipWriter::VersionName() const { return "_cdnlab-mapping." + Absolute(target_.zone); }

std::string KnotGeoipWriter::ConfigText() const {
  // Knot's mod-geoip file (subnet mode): per owner name a list of views, each `- net: PREFIX`
  // followed by its records. Knot picks the longest matching view of the client subnet (ECS),
  // else of the query's source address, and answers with that view's prefix length as scope.
  std::ostringstream out;
  out << "# Knot DNS mod-geoip config (mode: subnet), written by cdnlab for mapping version " << table_.Version()
      << ".\n# The whole file is replaced at every mapping version: edits are lost.\n";
  std::string views;
  for (const auto& b : DisjointBlocks(RowsForKnot(table_))) {
    const AnsweringServers servers = AnsweringServersOf(catalog_, b.row);
    if (!servers.Any()) continue;
    views += fmt::format("  - net: {}\n", b.block.ToString());
    if (servers.v4) views += fmt::format("    A: {}\n", servers.v4->ToString());
    if (servers.v6) views += fmt::format("    AAAA: {}\n", servers.v6->ToString());
  }
  if (!views.empty()) out << Absolute(target_.hostname) << ":\n" << views;
  out << VersionName() << ":\n  - net: 0.0.0.0/0\n    TXT: " << table_.Version() << "\n";
  return out.str();
}

void KnotGeoipWriter::Apply(const MappingDiff& diff) {
  if (!table_.Apply(diff)) {
    Fail(fmt::format("mapping diff v{} -> v{} does not follow the replica's version v{}", diff.from_version,
                     diff.to_version, table_.Version()));
    return;
  }
  Publish();
}

bool KnotGeoipWriter::Publish() {
  for (const auto& row : table_.Entries()) {
    if (!AnsweringServersOf(catalog_, row).Any()) {
      log_(fmt::format("row {} has no server to answer with; its clients get the zone's plain record",
                       row.prefix.ToString()));
      metrics_.Count("dns.knot_geoip_rows_without_server", 1);
    }
  }
  // Knot reads the old file or the new one, never a torn one; 0644 whatever the umask, since
  // knotd usually runs as user `knot`.
  try {
    WriteFileAtomically(target_.config_path, ConfigText(), 0644);
  } catch (const std::runtime_error& e) {
    return Fail(e.what());
  }

  const std::vector<std::string> reload{target_.knotc, "-s", target_.knotc_socket, "-t",
                                        std::to_string(target_.timeout.count()), "-f", "zone-reload", target_.zone};
  std::string output;
  if (RunProgram(reload, output) != 0) return Fail(fmt::format("`{}` failed: {}", Join(reload), output));

  std::string error;
  const auto knot = KnotAddress(error);
  if (!knot) return Fail(error);
  const auto seen = QueryTxt(*knot, VersionName(), target_.timeout, error);
  const std::string expected = fmt::format("\"{}\"", table_.Version());
  if (!seen) {
    return Fail(fmt::format("Knot did not confirm mapping version {} ({}); is mod-geoip attached to zone {} with "
                            "config-file {}? knotd's log names the module's error",
                            table_.Version(), error, target_.zone, target_.config_path));
  }
  if (*seen != expected) {
    return Fail(fmt::format("Knot answers mapping version {} after the reload, not {}: its mod-geoip did not "
                            "load {} (knotd's log says why)",
                            *seen, expected, target_.config_path));
  }
  ++confirmed_;
  confirmed_version_ = table_.Version();
  metrics_.Count("dns.knot_geoip_reloads", 1);
  log_(fmt::format("Knot {} answers mapping version {} ({} rows) from {}", knot->ToString(), table_.Version(),
                   table_.Size(), target_.config_path));
  return true;
}

std::optional<Endpoint> KnotGeoipWriter::KnotAddress(std::string& error) {
  if (knot_address_) return knot_address_;
  const auto read = [&](const std::string& item, std::string& output) {
    return RunProgram({target_.knotc, "-s", target_.knotc_socket, "-t", std::to_string(target_.timeout.count()),
                       "conf-read", item},
                      output);
  };
  std::string output;
  if (read("server.edns-client-subnet", output) == 0 && output.find("= on") == std::string::npos) {
    log_("warning: Knot's server.edns-client-subnet is not on, so it ignores client subnets and answers by the "
         "resolver's address only");
  }
  if (read("server.listen", output) != 0) {
    error = "cannot read Knot's listen addresses: " + output;
    return std::nullopt;
  }
  // "server.listen = 127.0.0.1@53 ::1@53": the first IPv4 one (the port defaults to 53).
  std::istringstream words(output.substr(output.find('=') == std::string::npos ? output.size() : output.find('=') + 1));
  for (std::string word; words >> word;) {
    const auto at = word.find('@');
    const auto address = ParseIpv4Address(word.substr(0, at));
    if (!address) continue;
    int port = 53;
    try {
      if (at != std::string::npos) port = std::stoi(word.substr(at + 1));
    } catch (const std::exception&) {
      continue;
    }
    const Ipv4Address loopback{0x7F000001};
    knot_address_ = Endpoint{address->value == 0 ? loopback : *address, static_cast<std::uint16_t>(port)};
    return knot_address_;
  }
  error = "Knot listens on no IPv4 address (`knotc conf-read server.listen`: " + output + ")";
  return std::nullopt;
}

bool KnotGeoipWriter::Fail(const std::string& error) {
  ++failed_;
  last_error_ = error;
  metrics_.Count("dns.knot_geoip_failures", 1);
  log_("error: " + error);
  return false;
}

}  // namespace cdnlab
