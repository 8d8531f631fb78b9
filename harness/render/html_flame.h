// Flame graphs (icicles: the root on top) as inline SVG, shared by heaptrack's
// stacks, a case's allocation sites and compare's differential graphs. The
// page script zooms them (membench.js flameZoom) and switches a figure's
// metric (flameMetric).
#pragma once

#include <string>
#include <vector>

#include "analyze/site_diff.h"
#include "report/model.h"

namespace membench::render::html {

struct FlameNode {
  std::string name;       // the frame's label
  std::string detail;     // the tooltip's second line (figures)
  std::string css_class;  // its colour: "fc0".."fc11", "fc-root", or a differential "dg1".."ds4"/"dsame"
  double value = 0;       // width, this frame and below
  std::vector<FlameNode> children;
};

// The SVG of a tree; `depth`: rows below the root.
std::string flame_svg(const FlameNode& root, std::size_t depth, const std::string& aria_label);
std::size_t flame_depth(const FlameNode& n);

// One of twelve flame colours, the same for a frame name on every page.
std::string flame_class(const std::string& name);

// A case's allocation sites as a flame graph that switches between
// allocation count, bytes and share of the peak; "" without sites.
std::string sites_flame(const report::CaseResult& c);

// A workload's "Allocation sites" part: one switched flame graph per case
// that has sites; "" when none has.
std::string sites_section(const std::vector<const report::CaseResult*>& cases);

// Base against head: widths are the larger of the two, colours the change
// (grown red, shrunk green), for count, bytes and share of the peak.
std::string sites_diff_flame(const std::string& id, const analyze::SiteDiff& d);

}  // namespace membench::render::html
