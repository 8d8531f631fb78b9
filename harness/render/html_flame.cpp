#include "render/html_flame.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "render/html_page.h"
#include "report/sites.h"
#include "util/format.h"

namespace membench::render::html {
namespace {

using report::SiteMetric;

constexpr SiteMetric kMetrics[] = {SiteMetric::count, SiteMetric::bytes, SiteMetric::peak};

// A label that fits w units, cut at a character boundary.
std::string fit_label(const std::string& name, double w, double char_w) {
  double room = (w - 6) / char_w;
  if (room < 3) return "";
  std::size_t n = static_cast<std::size_t>(room);
  if (name.size() <= n) return name;
  std::size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "…";
}

std::string short_fraction(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string metric_title(SiteMetric m) {
  switch (m) {
    case SiteMetric::count: return "allocations";
    case SiteMetric::bytes: return "bytes allocated";
    case SiteMetric::peak: return "live at the peak";
  }
  return "";
}

std::string metric_text(SiteMetric m, double v) {
  return m == SiteMetric::count ? format_count(v) + " allocation" + (v == 1 ? "" : "s") : format_bytes(v);
}

// Children ordered heaviest first (ties by name): the same frame sits at the
// same place in every graph of the page.
void order(FlameNode& n) {
  std::sort(n.children.begin(), n.children.end(), [](const FlameNode& a, const FlameNode& b) {
    return a.value != b.value ? a.value > b.value : a.name < b.name;
  });
  for (FlameNode& c : n.children) order(c);
}

FlameNode& child(FlameNode& n, const std::string& name) {
  for (FlameNode& c : n.children)
    if (c.name == name) return c;
  n.children.push_back(FlameNode{name, "", flame_class(name), 0, {}});
  return n.children.back();
}

FlameNode sites_tree(const report::AllocationSites& s, SiteMetric m, double total) {
  FlameNode root{"all", "", "fc-root", 0, {}};
  auto add = [&](const std::vector<report::SiteFrame>& frames, const std::string& extra, double v) {
    if (v <= 0) return;
    root.value += v;
    FlameNode* n = &root;
    for (const report::SiteFrame& f : frames) {
      n = &child(*n, report::frame_label(f));
      n->value += v;
    }
    if (!extra.empty()) {
      n = &child(*n, extra);
      n->value += v;
    }
  };
  for (const report::AllocationSite& e : s.entries) add(e.frames, "", static_cast<double>(report::site_value(e, m)));
  std::string other = "[";
  other += std::to_string(s.other_sites);
  other += " other sites]";
  add({}, other, static_cast<double>(report::site_value(s.other, m)));
  std::function<void(FlameNode&)> describe = [&](FlameNode& n) {
    n.detail = metric_text(m, n.value) + " · " + format_percent(total > 0 ? n.value / total : 0);
    for (FlameNode& c : n.children) describe(c);
  };
  describe(root);
  order(root);
  return root;
}

// The switch between the metrics of one figure; the page script wires it.
std::string switched(const std::string& id, const std::string& caption,
                     const std::vector<std::pair<SiteMetric, std::string>>& panels) {
  std::ostringstream o;
  o << "<figure class=\"chart-box flame-box flame-switched\" id=\"" << esc(id) << "\"><figcaption>" << caption
    << " <span class=\"flame-switch\" role=\"group\" aria-label=\"figure shown\">";
  for (std::size_t i = 0; i < panels.size(); ++i)
    o << "<button type=\"button\" data-metric=\"" << report::to_string(panels[i].first) << "\" aria-pressed=\""
      << (i == 0 ? "true" : "false") << "\">" << esc(metric_title(panels[i].first)) << "</button>";
  o << "</span></figcaption>";
  for (std::size_t i = 0; i < panels.size(); ++i)
    o << "<div class=\"flame-panel\" data-metric=\"" << report::to_string(panels[i].first) << "\""
      << (i == 0 ? "" : " hidden") << ">" << panels[i].second << "</div>";
  return o.str() + "</figure>";
}

// Differential colour: the sign and size of the change relative to the larger side.
std::string diff_class(double base, double head) {
  double larger = std::max(base, head);
  if (larger <= 0 || base == head) return "dsame";
  double r = std::abs(head - base) / larger;
  int step = r > 0.6 ? 4 : r > 0.3 ? 3 : r > 0.1 ? 2 : 1;
  return (head > base ? "dg" : "ds") + std::to_string(step);
}

struct DiffNode {
  double base = 0, head = 0;
  std::map<std::string, DiffNode> children;
};

FlameNode diff_flame(const std::string& name, const DiffNode& d, SiteMetric m) {
  FlameNode n{name, "", diff_class(d.base, d.head), std::max(d.base, d.head), {}};
  double delta = d.head - d.base;
  std::string sign = delta > 0 ? "+" : "";
  n.detail = metric_text(m, d.base) + " → " + metric_text(m, d.head) + " (" + sign +
             (m == SiteMetric::count ? format_count(delta) : format_bytes(delta)) + ")";
  // Widths are the larger side's: a parent is at least the sum of its children.
  double children = 0;
  for (const auto& [child_name, c] : d.children) {
    n.children.push_back(diff_flame(child_name, c, m));
    children += n.children.back().value;
  }
  n.value = std::max(n.value, children);
  return n;
}

}  // namespace

std::string flame_class(const std::string& name) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  std::string c = "fc";
  c += std::to_string(h % 12);
  return c;
}

std::size_t flame_depth(const FlameNode& n) {
  std::size_t d = 0;
  for (const FlameNode& c : n.children) d = std::max(d, 1 + flame_depth(c));
  return d;
}

// Frame geometry is written as fractions of the width (data-x, data-w) and a
// depth (data-d): the page's script zooms on them.
std::string flame_svg(const FlameNode& root, std::size_t depth, const std::string& aria_label) {
  const double W = 1200, row = 17, char_w = 6.3;
  const double total = root.value > 0 ? root.value : 1;
  const double H = static_cast<double>(depth + 1) * row + 2;
  std::ostringstream body;
  std::function<void(const FlameNode&, double, std::size_t)> draw = [&](const FlameNode& n, double x, std::size_t d) {
    double fx = x / total, fw = n.value / total;
    double px = fx * W, pw = fw * W;
    body << "<g class=\"f\" data-x=\"" << short_fraction(fx) << "\" data-w=\"" << short_fraction(fw) << "\" data-d=\""
         << d << "\"><title>" << esc(n.name) << "\n"
         << esc(n.detail) << "</title><rect class=\"" << n.css_class << "\" x=\"" << format_fixed(px) << "\" y=\""
         << format_fixed(static_cast<double>(d) * row + 1) << "\" width=\"" << format_fixed(std::max(pw - 1, 0.5)) << "\" height=\""
         << row - 1 << "\"/>";
    // Frames too narrow for a label get one from the script when zoomed.
    if (std::string label = fit_label(n.name, pw, char_w); !label.empty())
      body << "<text x=\"" << format_fixed(px + 3) << "\" y=\"" << format_fixed(static_cast<double>(d) * row + 13) << "\">"
           << esc(label) << "</text>";
    body << "</g>";
    double cx = x;
    for (const FlameNode& c : n.children) {
      draw(c, cx, d + 1);
      cx += c.value;
    }
  };
  draw(root, 0, 0);
  std::ostringstream o;
  o << "<svg class=\"chart flame\" viewBox=\"0 0 " << W << " " << format_fixed(H) << "\" data-width=\"" << W
    << "\" data-char=\"" << char_w << "\" data-row=\"" << row << "\" role=\"img\" aria-label=\"" << esc(aria_label)
    << "\">" << body.str() << "</svg>";
  return o.str();
}

std::string sites_flame(const report::CaseResult& c) {
  if (!c.allocations || !c.allocations->sites || c.allocations->count == 0) return "";
  const report::AllocationSites& s = *c.allocations->sites;
  std::vector<std::pair<SiteMetric, std::string>> panels;
  for (SiteMetric m : kMetrics) {
    double total = static_cast<double>(m == SiteMetric::count   ? c.allocations->count
                                       : m == SiteMetric::bytes ? c.allocations->bytes
                                                                : c.allocations->peak_live_bytes);
    if (total <= 0) continue;
    FlameNode root = sites_tree(s, m, total);
    panels.emplace_back(m, flame_svg(root, flame_depth(root), metric_title(m) + " by call stack in " + c.id));
  }
  std::string caption = esc(c.id) + " <span class=\"note\">" + std::to_string(s.unique_stacks) +
                        " allocation sites of the counting run, the top " + std::to_string(s.top) +
                        " of each figure drawn and the rest as one frame; root at the top, wider is more. Click a "
                        "frame to zoom, the top row to reset.</span>";
  std::string figure_id = "sites-";
  figure_id += slug(c.id);
  return switched(figure_id, caption, panels);
}

std::string sites_section(const std::vector<const report::CaseResult*>& cases) {
  std::ostringstream o;
  std::size_t drawn = 0;
  for (const report::CaseResult* c : cases) {
    std::string flame = sites_flame(*c);
    if (flame.empty()) continue;
    o << "<details class=\"flame\"" << (drawn == 0 ? " open" : "") << "><summary>" << esc(c->strategy)
      << " <span class=\"meta\">· " << esc(c->dataset) << " · " << esc(c->allocator) << "</span></summary>" << flame
      << "</details>";
    ++drawn;
  }
  if (drawn == 0) return "";
  std::string head = "<h3>Allocation sites <span class=\"meta\">(";
  head += std::to_string(drawn);
  head += "): where the counting run's allocations come from, by call stack</span></h3>";
  return head + o.str();
}

std::string sites_diff_flame(const std::string& id, const analyze::SiteDiff& d) {
  std::vector<std::pair<SiteMetric, std::string>> panels;
  for (SiteMetric m : kMetrics) {
    DiffNode root;
    auto add = [&](const std::vector<report::SiteFrame>& frames, const std::string& extra, double b, double h) {
      if (b <= 0 && h <= 0) return;
      DiffNode* n = &root;
      n->base += b;
      n->head += h;
      for (const report::SiteFrame& f : frames) {
        // Matched by function and file, so the label leaves out the line.
        n = &n->children[report::frame_label({f.function, f.file, 0})];
        n->base += b;
        n->head += h;
      }
      if (!extra.empty()) {
        n = &n->children[extra];
        n->base += b;
        n->head += h;
      }
    };
    for (const analyze::SiteChange& s : d.all)
      add(s.frames, "", static_cast<double>(report::site_value(s.base, m)),
          static_cast<double>(report::site_value(s.head, m)));
    add({}, "[other sites]", static_cast<double>(report::site_value(d.base_other, m)),
        static_cast<double>(report::site_value(d.head_other, m)));
    if (root.base <= 0 && root.head <= 0) continue;
    FlameNode tree = diff_flame("all", root, m);
    order(tree);
    std::string label = "differential ";
    label += metric_title(m) + " of " + id;
    panels.emplace_back(m, flame_svg(tree, flame_depth(tree), label));
  }
  if (panels.empty()) return "";
  std::string figure_id = "sites-diff-";
  figure_id += slug(id);
  return switched(figure_id,
                  "Allocation sites, base against head <span class=\"note\">width: the larger of the two; "
                  "<span class=\"v-bad\">red grew</span>, <span class=\"v-good\">green shrank</span>, deeper "
                  "colour for a larger change; frames matched by function and file</span>",
                  panels);
}

}  // namespace membench::render::html
