#include "render/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "util/format.h"

namespace membench::render::html {

std::string css_var(const std::string& colour) { return "var(--" + colour + ")"; }

std::string palette(std::size_t i) { return std::string("series-").append(std::to_string(i % 10)); }

namespace {

double nice_step(double raw) {
  if (!(raw > 0)) return 1;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

// Ticks spanning [lo, hi]; binary ones step in round numbers of KiB/MiB/GiB.
std::vector<double> nice_ticks(double lo, double hi, bool binary, int target = 5) {
  if (!(hi > lo)) hi = lo + 1;
  double scale = 1;
  if (binary) {
    double m = std::max(std::fabs(lo), std::fabs(hi));
    while (m / scale >= 1024) scale *= 1024;
  }
  double step = nice_step((hi - lo) / scale / target) * scale;
  std::vector<double> ticks;
  double first = std::floor(lo / step + 1e-9) * step;
  for (double v = first; ticks.size() < 50; v += step) {
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    if (v >= hi - step * 1e-9) break;
  }
  return ticks;
}

// Keeps the shape, peaks included: per bucket the lowest and the highest point.
std::vector<std::pair<double, double>> downsample(const std::vector<std::pair<double, double>>& pts,
                                                   std::size_t max_points) {
  if (pts.size() <= max_points || max_points < 4) return pts;
  std::size_t buckets = max_points / 2;
  std::size_t per = (pts.size() + buckets - 1) / buckets;
  std::vector<std::pair<double, double>> out;
  for (std::size_t start = 0; start < pts.size(); start += per) {
    std::size_t end = std::min(pts.size(), start + per);
    std::size_t lo = start, hi = start;
    for (std::size_t i = start; i < end; ++i) {
      if (pts[i].second < pts[lo].second) lo = i;
      if (pts[i].second > pts[hi].second) hi = i;
    }
    out.push_back(pts[std::min(lo, hi)]);
    if (lo != hi) out.push_back(pts[std::max(lo, hi)]);
  }
  if (out.back() != pts.back()) out.push_back(pts.back());
  return out;
}

std::string legend_html(const std::vector<LineSeries>& series, const std::vector<HLine>& hlines) {
  std::string out = "<div class=\"legend\">";
  std::set<std::string> seen;
  for (const LineSeries& s : series) {
    if (s.name.empty() || !seen.insert(s.name).second) continue;
    out += std::string("<span class=\"sw") + (s.dashed ? " dash" : "") + "\" style=\"" +
           (s.dashed ? "border-color:" : "background:") + css_var(s.colour) + "\"></span>" + esc(s.name);
  }
  for (const HLine& h : hlines)
    out += "<span class=\"sw dash\" style=\"border-color:" + css_var(h.colour) + "\"></span>" + esc(h.label);
  return out + "</div>";
}

// The drawing area of a line chart: data domain, ticks and the mapping to pixels.
struct Frame {
  static constexpr double L = 64, R = 28, T = 10, B = 32;
  double W, H;
  bool log_x;
  std::vector<double> xt, yt;
  double xd0 = 0, xd1 = 1, yd0 = 0, yd1 = 1;

  double X(double x) const {
    double f = log_x ? (std::log2(x) - xd0) / (xd1 - xd0) : (x - xd0) / (xd1 - xd0);
    return L + f * (W - L - R);
  }
  double Y(double y) const { return H - B - (y - yd0) / (yd1 - yd0) * (H - T - B); }
  bool drawable(double x, double y) const { return std::isfinite(x) && std::isfinite(y) && !(log_x && x <= 0); }
};

Frame frame_of(const LineChart& c) {
  Frame f{static_cast<double>(c.width), static_cast<double>(c.height), c.log_x, {}, {}};
  const double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = 0, yhi = -inf;
  for (const LineSeries& s : c.series)
    for (const auto& [x, y] : s.points) {
      if (!f.drawable(x, y)) continue;
      xlo = std::min(xlo, x);
      xhi = std::max(xhi, x);
      ylo = std::min(ylo, y);
      yhi = std::max(yhi, y);
    }
  for (const HLine& h : c.hlines) yhi = std::max(yhi, h.y);
  if (xlo > xhi) xlo = 0, xhi = 1;
  if (!(yhi > ylo)) yhi = ylo + 1;
  if (c.log_x) {
    double e0 = std::floor(std::log2(xlo)), e1 = std::ceil(std::log2(xhi));
    if (e1 <= e0) e1 = e0 + 1;
    double step = std::max(1.0, std::ceil((e1 - e0) / 6));
    for (double e = e0; e <= e1 + 1e-9; e += step) f.xt.push_back(std::exp2(e));
    f.xd0 = e0;
    f.xd1 = std::max(e1, std::log2(f.xt.back()));
  } else {
    if (!(xhi > xlo)) xhi = xlo + 1;
    f.xt = nice_ticks(xlo, xhi, c.x_fmt == Unit::bytes);
    f.xd0 = f.xt.front();
    f.xd1 = f.xt.back();
  }
  f.yt = nice_ticks(ylo, yhi, c.y_fmt == Unit::bytes || c.y_fmt == Unit::bytes_per_second);
  f.yd0 = f.yt.front();
  f.yd1 = f.yt.back();
  return f;
}

void draw_axes(std::ostringstream& o, const LineChart& c, const Frame& f) {
  const double L = Frame::L, R = Frame::R, B = Frame::B, T = Frame::T, W = f.W, H = f.H;
  for (double y : f.yt) {
    o << "<line class=\"grid\" x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << format_fixed(f.Y(y)) << "\" y2=\""
      << format_fixed(f.Y(y)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << L - 5 << "\" y=\"" << format_fixed(f.Y(y) + 3.5) << "\" text-anchor=\"end\">"
      << esc(format_tick(c.y_fmt, y)) << "</text>";
  }
  for (double x : f.xt) {
    o << "<line class=\"axis\" x1=\"" << format_fixed(f.X(x)) << "\" x2=\"" << format_fixed(f.X(x)) << "\" y1=\"" << H - B
      << "\" y2=\"" << H - B + 4 << "\"/>";
    o << "<text class=\"tick\" x=\"" << format_fixed(f.X(x)) << "\" y=\"" << H - B + 15 << "\" text-anchor=\"middle\">"
      << esc(format_tick(c.x_fmt, x)) << "</text>";
  }
  o << "<line class=\"axis\" x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << H - B << "\" y2=\"" << H - B
    << "\"/><line class=\"axis\" x1=\"" << L << "\" x2=\"" << L << "\" y1=\"" << T << "\" y2=\"" << H - B
    << "\"/>";
  if (!c.x_label.empty())
    o << "<text class=\"tick\" x=\"" << W - R << "\" y=\"" << H - 3 << "\" text-anchor=\"end\">" << esc(c.x_label)
      << "</text>";
  for (const HLine& h : c.hlines)
    o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << format_fixed(f.Y(h.y)) << "\" y2=\"" << format_fixed(f.Y(h.y))
      << "\" style=\"stroke:" << css_var(h.colour) << "\" stroke-dasharray=\"4 3\" stroke-width=\"1\"><title>"
      << esc(h.label) << ": " << esc(format_value(c.y_fmt, h.y)) << "</title></line>";
}

void draw_series(std::ostringstream& o, const LineChart& c, const Frame& f, const LineSeries& s) {
  std::vector<std::pair<double, double>> pts;
  for (const auto& p : s.points)
    if (f.drawable(p.first, p.second)) pts.push_back(p);
  if (pts.empty()) return;
  if (s.line) {
    std::vector<std::pair<double, double>> drawn = s.markers ? pts : downsample(pts, 700);
    o << "<polyline fill=\"none\" style=\"stroke:" << css_var(s.colour) << "\" stroke-width=\"" << s.width << "\""
      << (s.dashed ? " stroke-dasharray=\"5 3\"" : "") << " points=\"";
    for (std::size_t i = 0; i < drawn.size(); ++i)
      o << (i ? " " : "") << format_fixed(f.X(drawn[i].first)) << "," << format_fixed(f.Y(drawn[i].second));
    o << "\"><title>" << esc(s.name) << "</title></polyline>";
  }
  if (!s.markers) return;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    o << "<circle cx=\"" << format_fixed(f.X(pts[i].first)) << "\" cy=\"" << format_fixed(f.Y(pts[i].second))
      << "\" r=\"3.2\" style=\"fill:" << css_var(s.colour) << "\"><title>";
    if (i < s.titles.size()) o << esc(s.titles[i]);
    else o << esc(s.name) << ": " << esc(format_value(c.y_fmt, pts[i].second));
    o << "</title></circle>";
  }
}

std::string figure(const std::string& title, const std::string& note, const std::string& body) {
  std::string out = "<figure class=\"chart-box\"><figcaption>" + esc(title);
  if (!note.empty()) out += " <span class=\"note\">" + esc(note) + "</span>";
  return out + "</figcaption>" + body + "</figure>";
}

}  // namespace

std::string line_chart(const LineChart& c) {
  const Frame f = frame_of(c);
  std::ostringstream o;
  o << "<svg class=\"" << c.svg_class << "\" viewBox=\"0 0 " << f.W << " " << f.H << "\" role=\"img\" aria-label=\""
    << esc(c.title) << "\" data-px0=\"" << Frame::L << "\" data-px1=\"" << f.W - Frame::R << "\" data-py0=\""
    << Frame::T << "\" data-py1=\"" << f.H - Frame::B << "\" data-xmin=\""
    << sort_key(c.log_x ? std::exp2(f.xd0) : f.xd0) << "\" data-xmax=\"" << sort_key(c.log_x ? std::exp2(f.xd1) : f.xd1)
    << "\"" << c.svg_attrs << ">";
  draw_axes(o, c, f);
  for (const LineSeries& s : c.series) draw_series(o, c, f, s);
  o << "</svg>" << legend_html(c.series, c.hlines);
  if (c.readout) o << "<div class=\"readout\"></div>";
  return figure(c.title, c.note, o.str());
}

std::string bar_chart(const std::string& title, const std::string& note, const std::vector<BarItem>& items) {
  const double W = 520, label_w = 140, value_w = 100, row = 18, group_h = 20;
  double max_v = 0;
  for (const BarItem& b : items)
    if (!b.missing) max_v = std::max(max_v, b.value);
  if (!(max_v > 0)) max_v = 1;
  std::ostringstream body;
  double y = 4;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const BarItem& b = items[i];
    if (i == 0 || b.group != items[i - 1].group) {
      body << "<text class=\"group\" x=\"2\" y=\"" << format_fixed(y + 14) << "\">" << esc(b.group) << "</text>";
      y += group_h;
    }
    body << "<text x=\"" << label_w - 6 << "\" y=\"" << format_fixed(y + 13) << "\" text-anchor=\"end\">"
         << esc(b.label) << "</text>";
    if (b.missing) {
      body << "<text class=\"" << (b.bad ? "bad-text" : "tick") << "\" x=\"" << label_w << "\" y=\""
           << format_fixed(y + 13) << "\">" << esc(b.value_text) << "<title>" << esc(b.title) << "</title></text>";
    } else {
      double w = b.value / max_v * (W - label_w - value_w);
      if (b.value > 0) w = std::max(w, 1.0);
      body << "<rect x=\"" << label_w << "\" y=\"" << format_fixed(y + 3) << "\" width=\"" << format_fixed(w, 2)
           << "\" height=\"" << row - 6 << "\" rx=\"2\" style=\"fill:" << css_var(b.colour) << "\"><title>"
           << esc(b.title) << "</title></rect>";
      body << "<text x=\"" << format_fixed(label_w + w + 4) << "\" y=\"" << format_fixed(y + 13) << "\">" << esc(b.value_text)
           << "</text>";
    }
    y += row;
  }
  return figure(title, note,
                "<svg class=\"chart bars\" viewBox=\"0 0 " + format_significant(W) + " " + format_fixed(y + 4) +
                    "\" role=\"img\" aria-label=\"" + esc(title) + "\">" + body.str() + "</svg>");
}

namespace {

struct ClusterLayout {
  static constexpr double W = 520, label_w = 92, value_w = 70, bar_h = 7, gap = 1, row_gap = 7, group_h = 20;
};

void cluster_row(std::ostringstream& body, const ClusterRow& r,
                 const std::vector<std::pair<std::string, std::string>>& series, double y, double max_v) {
  using C = ClusterLayout;
  const double h = static_cast<double>(series.size()) * (C::bar_h + C::gap);
  body << "<text x=\"" << C::label_w - 6 << "\" y=\"" << format_fixed(y + h / 2 + 4) << "\" text-anchor=\"end\">"
       << esc(r.label) << "</text>";
  if (!r.missing.empty()) {
    body << "<text class=\"bad-text\" x=\"" << C::label_w << "\" y=\"" << format_fixed(y + h / 2 + 4) << "\">"
         << esc(r.missing) << "</text>";
    return;
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    double by = y + static_cast<double>(s) * (C::bar_h + C::gap);
    const bool has = s < r.values.size() && r.values[s].has_value();
    const double v = has ? r.values[s].value_or(0) : 0;
    std::string text = has ? format_value(Unit::bytes, v) : "not reported";
    std::string tip = r.label + " · " + series[s].first + ": " + text;
    double w = v > 0 ? std::max(v / max_v * (C::W - C::label_w - C::value_w), 1.0) : 0;
    if (w > 0)
      body << "<rect x=\"" << C::label_w << "\" y=\"" << format_fixed(by) << "\" width=\"" << format_fixed(w, 2) << "\" height=\""
           << C::bar_h << "\" rx=\"1\" style=\"fill:" << css_var(series[s].second) << "\"><title>" << esc(tip)
           << "</title></rect>";
    body << "<text class=\"tick\" x=\"" << format_fixed(C::label_w + w + 3) << "\" y=\"" << format_fixed(by + C::bar_h - 0.5)
         << "\" style=\"font-size:8.5px\">" << esc(text) << "<title>" << esc(tip) << "</title></text>";
  }
}

}  // namespace

std::string cluster_chart(const std::string& title, const std::string& note,
                          const std::vector<std::pair<std::string, std::string>>& series,
                          const std::vector<ClusterGroup>& groups) {
  using C = ClusterLayout;
  double max_v = 0;
  for (const ClusterGroup& g : groups)
    for (const ClusterRow& r : g.rows)
      for (const auto& v : r.values)
        if (v) max_v = std::max(max_v, *v);
  if (!(max_v > 0)) max_v = 1;
  std::ostringstream body;
  double y = 4;
  for (const ClusterGroup& g : groups) {
    body << "<text class=\"group\" x=\"2\" y=\"" << format_fixed(y + 14) << "\">" << esc(g.name) << "</text>";
    y += C::group_h;
    for (const ClusterRow& r : g.rows) {
      cluster_row(body, r, series, y, max_v);
      y += static_cast<double>(series.size()) * (C::bar_h + C::gap) + C::row_gap;
    }
  }
  std::ostringstream o;
  o << "<svg class=\"chart clusters\" viewBox=\"0 0 " << C::W << " " << format_fixed(y + 2) << "\" role=\"img\" aria-label=\""
    << esc(title) << "\">" << body.str() << "</svg><div class=\"legend\">";
  for (const auto& [name, colour] : series)
    o << "<span class=\"sw\" style=\"background:" << css_var(colour) << "\"></span>" << esc(name);
  o << "</div>";
  return figure(title, note, o.str());
}

std::string sparkline(const std::vector<std::optional<double>>& values, const std::vector<bool>& regressed,
                      const std::vector<std::string>& titles) {
  const double W = 130, H = 30, P = 4;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& v : values)
    if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
  if (lo > hi) return "";
  // A flat span of at least 10 % of the value keeps run-to-run noise small on screen.
  double span = std::max({hi - lo, std::fabs(hi) * 0.1, 1e-12});
  double mid = (hi + lo) / 2;
  lo = mid - span / 2;
  const std::size_t n = values.size();
  auto X = [&](std::size_t i) {
    return n == 1 ? W / 2 : P + static_cast<double>(i) * (W - 2 * P) / static_cast<double>(n - 1);
  };
  auto Y = [&](double v) { return H - P - (v - lo) / span * (H - 2 * P); };
  std::ostringstream o;
  o << "<svg class=\"spark\" viewBox=\"0 0 " << W << " " << H << "\" width=\"" << W << "\" height=\"" << H
    << "\" role=\"img\">";
  std::string pts;
  auto flush = [&] {  // a gap in the values breaks the line
    if (!pts.empty()) o << "<polyline fill=\"none\" stroke-width=\"1.4\" points=\"" << pts << "\"/>";
    pts.clear();
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!values[i]) {
      flush();
      continue;
    }
    if (!pts.empty()) pts += ' ';
    pts.append(format_fixed(X(i))).append(",").append(format_fixed(Y(*values[i])));
  }
  flush();
  for (std::size_t i = 0; i < n; ++i) {
    if (!values[i]) continue;
    bool bad = i < regressed.size() && regressed[i];
    bool last = i + 1 == n;
    o << "<circle cx=\"" << format_fixed(X(i)) << "\" cy=\"" << format_fixed(Y(*values[i])) << "\" r=\""
      << (bad ? "3.4" : last ? "2.4" : "1.8") << "\"" << (bad ? " class=\"regressed\"" : "") << "><title>"
      << (i < titles.size() ? esc(titles[i]) : "") << "</title></circle>";
  }
  o << "</svg>";
  return o.str();
}

std::string status_strip(const std::vector<std::optional<report::Status>>& history,
                         const std::vector<std::string>& labels) {
  const double cell = 10;
  std::ostringstream o;
  o << "<svg class=\"strip\" viewBox=\"0 0 " << static_cast<double>(history.size()) * cell << " 12\" width=\""
    << static_cast<double>(history.size()) * cell << "\" height=\"12\" role=\"img\">";
  for (std::size_t i = 0; i < history.size(); ++i) {
    const char* cls = !history[i]                             ? "run-none"
                      : *history[i] == report::Status::ok      ? "run-ok"
                      : *history[i] == report::Status::skipped ? "run-skip"
                                                               : "run-bad";
    o << "<rect class=\"" << cls << "\" x=\"" << static_cast<double>(i) * cell + 1
      << "\" y=\"1\" width=\"" << cell - 2 << "\" height=\"10\" rx=\"1.5\"><title>" << esc(labels[i]) << ": "
      << (history[i] ? report::to_string(*history[i]) : "not run") << "</title></rect>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace membench::render::html
