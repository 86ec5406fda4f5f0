#include "scenarios/import/gml_reader.h"

#include <cctype>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/number_text.h"

namespace cdnlab {
namespace {

// A GML token: a key, a number, a "string", '[' or ']', with the line it starts on.
struct Token {
  enum Kind { kKey, kNumber, kString, kOpen, kClose, kEnd } kind = kEnd;
  std::string text;
  int line = 0;
};

class GmlLexer {
 public:
  GmlLexer(std::istream& in, std::string file) : file_(std::move(file)) {
    text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  Token Next() {
    SkipSpaceAndComments();
    Token t;
    t.line = line_;
    if (at_ >= text_.size()) return t;
    const char c = text_[at_];
    if (c == '[' || c == ']') {
      ++at_;
      t.kind = c == '[' ? Token::kOpen : Token::kClose;
      return t;
    }
    if (c == '"') {
      const std::size_t end = text_.find('"', at_ + 1);
      if (end == std::string::npos) throw ImportError(fmt::format("{}:{}: unterminated string", file_, line_));
      t.kind = Token::kString;
      t.text = text_.substr(at_ + 1, end - at_ - 1);
      for (char s : t.text) line_ += s == '\n';
      at_ = end + 1;
      return t;
    }
    const std::size_t start = at_;
    while (at_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[at_])) && text_[at_] != '[' &&
           text_[at_] != ']' && text_[at_] != '"') {
      ++at_;
    }
    t.text = text_.substr(start, at_ - start);
    const bool numeric = std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
    t.kind = numeric ? Token::kNumber : Token::kKey;
    return t;
  }

  const std::string& file() const { return file_; }

 private:
  void SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        ++line_, ++at_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++at_;
      } else if (c == '#') {  // a comment to the end of the line
        while (at_ < text_.size() && text_[at_] != '\n') ++at_;
      } else {
        return;
      }
    }
  }

  std::string file_;
  std::string text_;
  std::size_t at_ = 0;
  int line_ = 1;
};

// One `key value` pair of a node or edge list; lists nested deeper (graphics [...]) are skipped.
struct Attributes {
  std::map<std::string, Token> values;
  int line = 0;
};

Attributes ReadList(GmlLexer& lex, int line) {
  Attributes a;
  a.line = line;
  for (;;) {
    const Token key = lex.Next();
    if (key.kind == Token::kClose) return a;
    if (key.kind != Token::kKey) {
      throw ImportError(fmt::format("{}:{}: expected a key or ']', not \"{}\"", lex.file(), key.line, key.text));
    }
    const Token value = lex.Next();
    if (value.kind == Token::kOpen) {
      ReadList(lex, value.line);  // nested (graphics and the like): not used
      continue;
    }
    if (value.kind != Token::kNumber && value.kind != Token::kString) {
      throw ImportError(fmt::format("{}:{}: key {} has no value", lex.file(), key.line, key.text));
    }
    a.values[key.text] = value;
  }
}

std::optional<double> Number(const GmlLexer& lex, const Attributes& a, const std::string& key) {
  const auto it = a.values.find(key);
  if (it == a.values.end()) return std::nullopt;
  const std::optional<double> v = ParseWholeNumber(it->second.text);
  if (it->second.kind != Token::kNumber || !v) {
    throw ImportError(fmt::format("{}:{}: field {}: \"{}\" is not a number", lex.file(), it->second.line, key,
                                  it->second.text));
  }
  return v;
}

std::string Text(const Attributes& a, const std::string& key) {
  const auto it = a.values.find(key);
  return it == a.values.end() ? "" : it->second.text;
}

}  // namespace

ZooGraph ReadZooGml(std::istream& in, const std::string& file) {
  GmlLexer lex(in, file);
  ZooGraph g;
  g.file = file;
  // Skip anything before `graph [` (Creator, Version ...).
  Token t;
  for (t = lex.Next(); t.kind != Token::kEnd && !(t.kind == Token::kKey && t.text == "graph"); t = lex.Next()) {
  }
  if (t.kind == Token::kEnd) throw ImportError(file + ": not GML: no `graph [` list");
  if (lex.Next().kind != Token::kOpen) throw ImportError(fmt::format("{}:{}: `graph` without '['", file, t.line));
  std::map<std::string, std::size_t> node_index;
  std::vector<Attributes> edges;
  for (;;) {
    const Token key = lex.Next();
    if (key.kind == Token::kClose) break;
    if (key.kind != Token::kKey) throw ImportError(fmt::format("{}:{}: expected a key in `graph`", file, key.line));
    const Token value = lex.Next();
    if (value.kind == Token::kOpen) {
      const Attributes a = ReadList(lex, key.line);
      if (key.text == "node") {
        ZooNode n;
        n.graphml_id = Text(a, "id");
        if (n.graphml_id.empty()) throw ImportError(fmt::format("{}:{}: node without an id", file, a.line));
        if (node_index.count(n.graphml_id)) throw ImportError(fmt::format("{}:{}: node id {} used twice", file, a.line, n.graphml_id));
        n.label = Text(a, "label");
        n.country = Text(a, "Country");
        n.latitude_deg = Number(lex, a, "Latitude");
        n.longitude_deg = Number(lex, a, "Longitude");
        if (auto v = Number(lex, a, "Internal")) n.internal = static_cast<int>(*v);
        if (auto v = Number(lex, a, "hyperedge")) n.hyperedge = *v != 0;
        node_index[n.graphml_id] = g.nodes.size();
        g.nodes.push_back(n);
      } else if (key.text == "edge") {
        edges.push_back(a);  // after every node: GML may list an edge before its nodes
      }
      continue;
    }
    if (key.text == "Network") g.network = value.text;
    if (key.text == "label" && g.network.empty()) g.network = value.text;
    if (key.text == "Source") g.source_url = value.text;
    if (key.text == "DateObtained") g.date_obtained = value.text;
    if (key.text == "NetworkDate") g.network_date = value.text;
  }
  if (g.nodes.empty()) throw ImportError(file + ": no node in the GML graph");
  for (const Attributes& a : edges) {
    ZooEdge e;
    for (const char* end : {"source", "target"}) {
      const std::string id = Text(a, end);
      const auto it = node_index.find(id);
      if (it == node_index.end()) {
        throw ImportError(fmt::format("{}:{}: edge {} \"{}\" is not a node id", file, a.line, end, id));
      }
      (std::string(end) == "source" ? e.a : e.b) = it->second;
    }
    e.link_speed_bps = Number(lex, a, "LinkSpeedRaw");
    e.link_type = Text(a, "LinkType");
    e.link_label = Text(a, "LinkLabel");
    g.edges.push_back(e);
  }
  return g;
}

}  // namespace cdnlab
