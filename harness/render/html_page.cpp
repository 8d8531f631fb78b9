#include "render/html_page.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "render/assets.h"
#include "render/html.h"
#include "report/json.h"
#include "util/format.h"

namespace membench::render::html {

using nlohmann::json;
using report::CaseResult;
using report::Status;

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string sort_key(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "1e308" : "-1e308";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string slug(std::string_view s) {
  std::string out;
  for (char ch : s) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
  return out;
}

std::string short_digest(const std::string& d) { return d.size() > 12 ? d.substr(0, 12) : d; }

std::string url_path(const std::string& path) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : path) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

bool completed(const CaseResult& c) { return c.status == Status::ok; }

const char* status_class(Status s) {
  if (s == Status::ok) return "st-ok";
  if (s == Status::skipped) return "st-skip";
  return "st-bad";
}

std::string status_badge(Status s) {
  return std::string("<span class=\"badge ") + status_class(s) + "\">" + report::to_string(s) + "</span>";
}

std::string json_text(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<double> json_number(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string created_of(const json& context) {
  return report::context_text(context, {"created", "created_utc", "created_at", "date", "timestamp"});
}

namespace {

void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    return;
  }
  std::string text;
  if (j.is_string()) text = j.get<std::string>();
  else if (j.is_array()) {
    bool scalars = std::all_of(j.begin(), j.end(), [](const json& e) { return !e.is_structured(); });
    if (!scalars) text = j.dump();
    else
      for (const json& e : j) {
        if (!text.empty()) text += ' ';
        text += e.is_string() ? e.get<std::string>() : e.dump();
      }
  } else if (!j.is_null()) {
    text = j.dump();
  }
  out.emplace_back(prefix, text);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> context_rows(const json& context) {
  static const char* const preferred[] = {
      "suite", "created", "created_utc", "date", "membench_version", "git_commit", "git_dirty",
      "build_id", "build_type", "compiler", "cxx_flags", "compiler_flags", "host", "hostname",
      "cpu_model", "cpu", "cores", "core_count", "kernel", "command_line", "shard"};
  std::vector<std::pair<std::string, std::string>> all, out;
  flatten(context, "", all);
  for (const char* key : preferred)
    for (const auto& row : all)
      if (row.first == key) out.push_back(row);
  for (const auto& row : all)
    if (std::find(out.begin(), out.end(), row) == out.end()) out.push_back(row);
  return out;
}

std::string num_cell(std::optional<double> v, Unit f, const std::string& title, const std::string& cls) {
  if (!v) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  std::string out = "<td class=\"num" + (cls.empty() ? "" : " " + cls) + "\" data-v=\"" + sort_key(*v) + "\"";
  if (!title.empty()) out += " title=\"" + esc(title) + "\"";
  return out + ">" + esc(format_value(f, *v)) + "</td>";
}

std::string metric_cell(const report::Metric& m, std::optional<double> v, const std::string& title,
                        const std::string& cls) {
  return num_cell(v, m.unit, title, cls);
}

std::string kv_table(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& cls) {
  std::string out = "<table class=\"" + cls + "\"><tbody>";
  for (const auto& [k, v] : rows)
    out += "<tr><th scope=\"row\">" + esc(k) + "</th><td class=\"mono\">" + esc(v) + "</td></tr>";
  return out + "</tbody></table>";
}

std::string page_start(const std::string& title) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // The page may load nothing: everything it needs is inline.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
      "<title>" + esc(title) + "</title>\n<style>\n";
  out += assets::page_css;
  out += "</style>\n</head>\n<body>\n";
  return out;
}

std::string page_end(const json& data) {
  std::string out = "<script type=\"application/json\" id=\"membench-data\">";
  out += embed_json(data);
  // One script element: the pure functions, then the page's behaviour that uses them.
  out += "</script>\n<script>\n";
  out += assets::membench_js;
  out += assets::page_js;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

std::string legend_section() {
  std::string out = "<section id=\"legend\"><h2>How to read these metrics</h2><dl class=\"legend-text\">\n";
  // Every metric of the catalogue, then what is not a metric (legend.html).
  for (const report::Metric& m : report::metrics())
    out += "<dt>" + esc(m.label) + " <span class=\"meta mono\">" + esc(m.name) + "</span></dt><dd>" +
           esc(m.description) + "</dd>\n";
  out += assets::legend_html;
  return out + "</dl></section>";
}

}  // namespace membench::render::html

namespace membench::render {

std::string embed_json(const nlohmann::json& j) {
  std::string raw = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + 64);
  for (char ch : raw) {
    // These only occur inside JSON strings, where a \u escape means the same.
    if (ch == '<') out += "\\u003c";
    else if (ch == '>') out += "\\u003e";
    else if (ch == '&') out += "\\u0026";
    else out += ch;
  }
  return out;
}

}  // namespace membench::render
