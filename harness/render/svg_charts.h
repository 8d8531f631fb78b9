// The SVG chart kit of the HTML pages: line charts (timelines, scaling),
// bar charts, clustered bars, sparklines and status strips. A colour is
// always the name of a CSS variable of assets/page.css ("rss", "series-3"),
// never a colour value, so the light and dark schemes reach the charts.
// Own SVG rather than d3 / d3-flame-graph (docs/layout.md): the figures are
// in the page without the script, the C++ tests read them, and a page stays
// small and offline with nothing but Debian packages to build it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "render/html_page.h"

namespace membench::render::html {

std::string css_var(const std::string& colour);  // "rss" -> "var(--rss)"
std::string palette(std::size_t i);              // "series-<i mod 10>"

struct LineSeries {
  std::string name, colour;
  std::vector<std::pair<double, double>> points;
  bool dashed = false;
  bool markers = false;
  bool line = true;
  double width = 1.6;
  std::vector<std::string> titles;  // per point, shown on hover of a marker
};

struct HLine {
  double y;
  std::string label, colour;
};

struct LineChart {
  std::string title, note;
  std::string svg_class = "chart";
  std::string svg_attrs;  // extra attributes for the script
  Fmt x_fmt = Fmt::plain, y_fmt = Fmt::bytes;
  bool log_x = false;
  std::string x_label;
  std::vector<LineSeries> series;
  std::vector<HLine> hlines;
  int width = 480, height = 220;
  bool readout = false;  // a line under the chart the script fills on hover
};
std::string line_chart(const LineChart& c);

struct BarItem {
  std::string group, label, colour, value_text, title;
  double value = 0;
  bool missing = false;  // no bar: value_text says why
  bool bad = false;      // the case did not complete
};
// Horizontal bars in groups (consecutive items of one group), one scale.
std::string bar_chart(const std::string& title, const std::string& note, const std::vector<BarItem>& items);

// Bars in clusters: per group, per row one bar for each series, one scale.
struct ClusterRow {
  std::string label;
  std::vector<std::optional<double>> values;  // one per series
  std::string missing;                        // shown instead of bars when no value exists
};
struct ClusterGroup {
  std::string name;
  std::vector<ClusterRow> rows;
};
std::string cluster_chart(const std::string& title, const std::string& note,
                          const std::vector<std::pair<std::string, std::string>>& series,  // name, colour
                          const std::vector<ClusterGroup>& groups);

// A small line of a metric over runs; regressed points marked.
std::string sparkline(const std::vector<std::optional<double>>& values, const std::vector<bool>& regressed,
                      const std::vector<std::string>& titles);

// One cell per run coloured by the case's status in it; none: not run.
std::string status_strip(const std::vector<std::optional<report::Status>>& history,
                         const std::vector<std::string>& labels);

}  // namespace membench::render::html
