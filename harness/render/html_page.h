// What every HTML page and section shares: the page frame (inline style
// sheet, script and embedded data, nothing loaded from elsewhere; see
// docs/compare.md, "The HTML page"), escaping, and the table cells
// and small texts the sections have in common.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/metrics.h"
#include "report/model.h"

namespace membench::render::html {

// ---- text ----
std::string esc(std::string_view s);                   // for element text and attribute values
std::string fixed(double v, int decimals = 1);         // "%.*f"
std::string sort_key(double v);                        // a data-v sort key; "" for NaN
std::string percent(double fraction);                  // 0.079 -> "7.9%"
std::string slug(std::string_view s);                  // for element ids: alphanumerics, '-' for the rest
std::string short_digest(const std::string& digest);   // the first 12 characters
std::string url_path(const std::string& path);         // percent-encoded, '/' kept
std::string trim_number(double v);                     // "%.3g"

// How a figure is written: each kind in the one way every renderer uses.
enum class Fmt { plain, bytes, ms, count, ns, bytes_per_second, items_per_second, percent };
std::string value_text(Fmt f, double v);
Fmt fmt_of(report::MetricUnit unit);  // how a catalogue metric's values are written

// ---- report fields ----
bool completed(const report::CaseResult& c);
const char* status_class(report::Status s);
std::string status_badge(report::Status s);
std::string json_text(const nlohmann::json& j, const char* key);              // a string member, or ""
std::optional<double> json_number(const nlohmann::json& j, const char* key);  // a number member
std::string created_of(const nlohmann::json& context);
// Context fields flattened to dotted keys, known ones first in reading order.
std::vector<std::pair<std::string, std::string>> context_rows(const nlohmann::json& context);

// ---- table pieces ----
// A right-aligned figure with its raw value as the sort key; a dash when missing.
std::string num_cell(std::optional<double> v, Fmt f, const std::string& title = "", const std::string& cls = "");
// A catalogue metric's cell: its value in the metric's unit.
std::string metric_cell(const report::Metric& m, std::optional<double> v, const std::string& title = "",
                        const std::string& cls = "");
std::string kv_table(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& cls = "kv");

// ---- the frame ----
std::string page_start(const std::string& title);  // up to and including <body>
std::string page_end(const nlohmann::json& data);   // the embedded data, the script, </html>
std::string legend_section();                       // "How to read these metrics"

}  // namespace membench::render::html
