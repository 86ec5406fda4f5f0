#include "analysis/federation_csv_writer.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace cdnlab {
namespace {

// Quotes a field that needs it (RFC 4180): commas, quotes or line breaks inside.
std::string Field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Number(const std::optional<double>& v) { return v ? fmt::format("{:.3f}", *v) : std::string(); }

std::string Errors(const FederationCommandResult& c) {
  std::string out;
  for (const auto& e : c.errors) {
    if (!out.empty()) out += ';';
    out += e.error;
    if (e.servers.empty()) continue;
    out += ':';
    for (std::size_t i = 0; i < e.servers.size(); ++i) out += (i ? " " : "") + e.servers[i];
  }
  return out;
}

}  // namespace

void WriteFederationCommandsCsv(const std::string& path, const FederationRunResult& run) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << "id,type,platform,by,issued_at_s,status_id,status,targeted,acknowledged,applied,wrongly_targeted,"
         "completion_ms,bound_ms,errors\n";
  for (const auto& c : run.commands) {
    const bool cancel = c.type == "cancel";
    out << fmt::format("{},{},{},{},{:.3f},{},{},", Field(c.id), Field(c.type), Field(c.platform), Field(c.by),
                       c.issued_at_s, Field(c.status_id), Field(c.status));
    if (cancel) {
      out << ",,,,,,\n";
      continue;
    }
    out << fmt::format("{},{},{},{},{},{},{}\n", c.targeted_servers.size(), c.acknowledged_servers.size(),
                       c.applied_servers.size(), c.wrongly_targeted_servers.size(), Number(c.completion_ms),
                       Number(c.bound_ms), Field(Errors(c)));
  }
  if (!out) throw std::runtime_error("error while writing " + path);
}

}  // namespace cdnlab
