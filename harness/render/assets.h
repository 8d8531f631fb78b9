// The web assets of the HTML pages, embedded at build time from
// harness/render/assets/ (cmake/EmbedAssets.cmake): each file is the single
// source of what it holds, and the program needs no file at run time.
#pragma once

#include <string_view>

namespace membench::render::assets {

extern const std::string_view page_css;     // page.css: layout and every colour (light and dark)
extern const std::string_view membench_js;  // membench.js: the pure functions (tested under Node)
extern const std::string_view page_js;      // page.js: the page's behaviour, on top of membench.js
extern const std::string_view legend_html;  // legend.html: "How to read" entries beyond the metrics

}  // namespace membench::render::assets
