#include "realnet/rum/page.h"

#include <nlohmann/json.hpp>

#include "realnet/rum/tag_js.h"

namespace cdnlab {
namespace {

// JSON inside a <script> element: "</script>" or "<!--" in a value must not end it early.
// '<' only ever occurs inside JSON strings, where \u003c means the same.
std::string ScriptSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderRumPage(const RumPageConfig& config) {
  nlohmann::ordered_json j;
  j["pv"] = config.page_view_id;
  j["beacon"] = config.beacon_url;
  j["next"] = config.next_url ? nlohmann::ordered_json(*config.next_url) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json candidates = nlohmann::ordered_json::array();
  for (const auto& c : config.candidates) candidates.push_back({{"pop", c.pop}, {"url", c.url}});
  j["candidates"] = std::move(candidates);

  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>cdnlab page</title></head>\n<body>\n"
      "<h1>cdnlab</h1>\n<p id=\"cdnlab-rum-status\">measuring</p>\n"
      "<script type=\"application/json\" id=\"cdnlab-rum-config\">";
  html += ScriptSafe(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  html += "</script>\n<script>\n";
  html += kRumTagJs;
  html += "</script>\n</body></html>\n";
  return html;
}

}  // namespace cdnlab
