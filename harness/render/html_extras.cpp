#include "render/html_extras.h"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <utility>

#include "render/html_page.h"
#include "util/format.h"

namespace membench::render::html {
namespace {

using nlohmann::json;

bool looks_like_bytes(const std::string& key) {
  static const char* const names[] = {"allocated", "active", "resident", "mapped", "metadata", "retained"};
  if (key.find("bytes") != std::string::npos) return true;
  std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  return std::find(std::begin(names), std::end(names), last) != std::end(names);
}

std::string generic_cell(const std::string& key, const json* v) {
  if (!v || v->is_null()) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  if (v->is_number()) {
    double d = v->get<double>();
    std::string text = looks_like_bytes(key) ? format_bytes(d)
                       : (v->is_number_integer() || v->is_number_unsigned()) ? format_count(d)
                                                                             : format_significant(d);
    return "<td class=\"num\" data-v=\"" + sort_key(d) + "\" title=\"" + esc(v->dump()) + "\">" + esc(text) + "</td>";
  }
  if (v->is_string()) return "<td class=\"mono\">" + esc(v->get<std::string>()) + "</td>";
  return "<td class=\"mono\">" + esc(v->dump()) + "</td>";
}

void flatten_json(const json& j, const std::string& prefix, std::vector<std::pair<std::string, const json*>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten_json(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    return;
  }
  out.emplace_back(prefix.empty() ? "value" : prefix, &j);
}

using Flat = std::vector<std::pair<std::string, const json*>>;

// Cases x keys when the keys are few, else one row per (case, key).
std::string generic_table(const std::string& title, const std::vector<std::pair<std::string, const json*>>& cases) {
  std::vector<std::string> keys;
  std::vector<Flat> flat;
  for (const auto& [id, j] : cases) {
    flat.emplace_back();
    flatten_json(*j, "", flat.back());
    for (const auto& kv : flat.back())
      if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) keys.push_back(kv.first);
  }
  if (keys.empty()) return "";
  std::ostringstream o;
  o << "<h4>" << esc(title) << "</h4><div class=\"scroll\">";
  if (keys.size() <= 12) {
    o << "<table class=\"sortable generic\"><thead><tr><th>case</th>";
    for (const std::string& k : keys) o << "<th class=\"num\">" << esc(k) << "</th>";
    o << "</tr></thead><tbody>";
    for (std::size_t i = 0; i < cases.size(); ++i) {
      o << "<tr><td class=\"mono\">" << esc(cases[i].first) << "</td>";
      for (const std::string& k : keys) {
        const json* v = nullptr;
        for (const auto& kv : flat[i])
          if (kv.first == k) v = kv.second;
        o << generic_cell(k, v);
      }
      o << "</tr>";
    }
  } else {
    o << "<table class=\"sortable generic\"><thead><tr><th>case</th><th>key</th><th class=\"num\">value</th></tr>"
         "</thead><tbody>";
    for (std::size_t i = 0; i < cases.size(); ++i)
      for (const auto& [k, v] : flat[i])
        o << "<tr><td class=\"mono\">" << esc(cases[i].first) << "</td><td class=\"mono\">" << esc(k) << "</td>"
          << generic_cell(k, v) << "</tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

}  // namespace

std::string extras_section(const std::vector<const report::CaseResult*>& cases) {
  std::vector<std::pair<std::string, const json*>> extra, alloc, heap;
  for (const report::CaseResult* c : cases) {
    std::string label = c->strategy + " · " + c->dataset + " · " + c->allocator;
    if (!c->extra.is_null()) extra.emplace_back(label, &c->extra);
    if (!c->allocator_stats.is_null()) alloc.emplace_back(label, &c->allocator_stats);
    if (!c->heaptrack.is_null()) heap.emplace_back(label, &c->heaptrack);
  }
  std::string body = generic_table("Extra figures", extra) + generic_table("Allocator statistics", alloc) +
                     generic_table("heaptrack", heap);
  if (body.empty()) return "";
  return "<details><summary>Extra figures, allocator statistics, heaptrack</summary>" + body + "</details>";
}

}  // namespace membench::render::html
