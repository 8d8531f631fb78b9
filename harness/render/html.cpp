#include "render/html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "report/json.h"

namespace membench::render {

using nlohmann::json;
using report::CaseResult;
using report::Report;
using report::ScalingFit;
using report::Status;
namespace an = membench::analyze;

namespace {

// ---- inline assets: style sheet and script (nothing is loaded from elsewhere) ----

const char* const kPageCss = R"CSS(
:root{--bg:#fff;--fg:#1d232a;--muted:#5f6b7a;--line:#d9dee5;--soft:#f4f6f9;--accent:#2f6296;
--bad:#c62828;--bad-bg:#fdecea;--good:#2e7d32;--good-bg:#e8f5e9;--warn:#9a5b00;--warn-bg:#fff4e0}
@media (prefers-color-scheme:dark){:root{--bg:#15191e;--fg:#e3e7ec;--muted:#9aa5b1;--line:#333b45;
--soft:#1d232a;--accent:#8cb4e0;--bad:#ef6f6c;--bad-bg:#3a1d1d;--good:#7bc47f;--good-bg:#1c3320;
--warn:#f0b35a;--warn-bg:#3a2c14}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
background:var(--bg);color:var(--fg)}
header.top{padding:16px 28px 12px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{margin:0 0 4px;font-size:22px}
h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:20px 0 8px} h4{font-size:14px;margin:14px 0 6px}
main{padding:6px 28px 48px}
a{color:var(--accent)}
nav.toc{margin-top:10px} nav.toc a{margin-right:16px}
nav.toc button,button{font:inherit;font-size:12px;padding:2px 10px;border:1px solid var(--line);
border-radius:4px;background:var(--bg);color:var(--fg);cursor:pointer}
.meta{color:var(--muted);font-weight:400}
.chips span{display:inline-block;margin:8px 6px 0 0;padding:1px 10px;border-radius:12px;
background:var(--bg);border:1px solid var(--line);font-weight:600}
table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--soft);position:sticky;top:0;font-weight:600;white-space:nowrap;z-index:1}
table.kv th{background:var(--soft);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.na{color:var(--muted)} td.nw{white-space:nowrap}
td .err{min-width:260px}
tbody tr:hover td{background:var(--soft)}
.scroll{overflow-x:auto;max-width:100%}
tr.bad td,tr.bad:hover td{background:var(--bad-bg)}
tr.skip td{color:var(--muted)}
tr.diff td{background:var(--warn-bg)}
tr.hidden{display:none}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;
border:1px solid currentColor;white-space:nowrap}
.st-ok{color:var(--good)} .st-bad{color:var(--bad)} .st-skip{color:var(--muted)}
.cls-1{color:var(--good)} .cls-n{color:var(--warn)} .cls-q{color:var(--muted)}
.err{color:var(--bad);font-size:12px;max-width:440px;white-space:pre-wrap;word-break:break-word}
.problems{border:2px solid var(--bad);background:var(--bad-bg);border-radius:6px;padding:8px 14px;margin:16px 0}
.problems ul{margin:6px 0 0;padding-left:20px}
.v-bad{color:var(--bad);font-weight:600} .v-good{color:var(--good)} .v-warn{color:var(--warn)}
.v-dim{color:var(--muted)}
.banner{padding:9px 14px;border-radius:6px;font-size:16px;font-weight:600;margin:10px 0 0}
.banner.bad{background:var(--bad-bg);color:var(--bad);border:1px solid var(--bad)}
.banner.good{background:var(--good-bg);color:var(--good);border:1px solid var(--good)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px;margin:10px 0}
.charts.small{grid-template-columns:repeat(auto-fill,minmax(360px,1fr))}
figure.chart-box{margin:0;padding:8px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);
position:relative}
figcaption{font-weight:600;font-size:13px;margin-bottom:4px}
figcaption .note{font-weight:400;color:var(--muted);font-size:12px}
svg.chart{width:100%;height:auto;display:block}
svg text{fill:var(--fg);font-size:11px}
svg .tick{fill:var(--muted);font-size:10px}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .group{font-weight:600}
svg .bad-text{fill:var(--bad);font-weight:600}
svg .cursor{stroke:var(--muted);stroke-width:1;stroke-dasharray:2 2}
svg.spark{display:block;margin-left:auto}
.legend{font-size:12px;color:var(--muted);margin-top:4px}
.legend span.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
.legend span.sw:first-child{margin-left:0}
.legend span.sw.dash{height:0;width:16px;border-top:2px dashed;border-radius:0;background:none}
.readout{font-size:12px;color:var(--muted);min-height:1.5em;font-variant-numeric:tabular-nums}
th.sort{cursor:pointer;user-select:none}
th.sort .arrow{color:var(--muted);font-size:10px;margin-left:4px}
dl.legend-text dt{font-weight:600;margin-top:10px}
dl.legend-text dd{margin:2px 0 0;max-width:920px}
.cards .card{border:1px solid var(--line);border-radius:6px;padding:4px 14px 10px;margin:12px 0}
.cards .card.bad{border:2px solid var(--bad)}
.card-body{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.card-body>figure{flex:1 1 420px;max-width:640px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
.script-error{background:var(--bad);color:#fff;padding:8px 28px;font-weight:600}
input.case-filter{font:inherit;padding:4px 8px;width:300px;border:1px solid var(--line);border-radius:4px;
background:var(--bg);color:var(--fg)}
details>summary{cursor:pointer;color:var(--accent);margin:8px 0;font-weight:600}
td.spark-cell div{font-size:12px}
tr.group th{background:var(--soft);font-size:13px;text-align:left;padding-top:8px}
table.heaptrack th.pair{text-align:center;border-left:1px solid var(--line)}
table.heaptrack td.ht,table.heaptrack th.ht{border-right:1px solid var(--line)}
table.heaptrack td.ht{font-weight:600}
table.heaptrack .diff{font-weight:400;font-size:11px}
table.heaptrack .err{max-width:230px;min-width:0}
table.heaptrack td,table.heaptrack th{padding:4px 6px}
details.flame{margin:4px 0 10px}
details.flame>summary{font-weight:400;color:var(--fg)}
figure.flame-box{max-width:none}
svg.flame g.f{cursor:pointer}
svg.flame text{fill:#1d232a;font-size:11px;pointer-events:none}
svg.flame g.f:hover rect{stroke:#1d232a;stroke-width:1}
)CSS";

// Progressive enhancement only: every figure is already in the HTML. The
// script sorts and filters tables, reads out timeline values on hover from
// the embedded report, and offers the embedded JSON for download. It marks
// the page when it has run (#membench-ready) or failed (#membench-script-error).
const char* const kPageScript = R"JS(
(function () {
  'use strict';
  function reportError(message) {
    var box = document.getElementById('membench-script-error');
    if (!box) {
      box = document.createElement('div');
      box.id = 'membench-script-error';
      box.className = 'script-error';
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.textContent = 'This page\'s script failed: ' + message;
  }
  window.addEventListener('error', function (e) {
    reportError((e.message || 'error') + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });
  // The page must load nothing; the content security policy blocks any attempt, and says so here.
  document.addEventListener('securitypolicyviolation', function (e) {
    reportError('blocked loading ' + (e.blockedURI || e.violatedDirective));
  });

  var data = JSON.parse(document.getElementById('membench-data').textContent);

  function formatBytes(v) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var a = Math.abs(v), u = 0;
    while (a >= 1024 && u < units.length - 1) { a /= 1024; u++; }
    return (v < 0 ? '-' : '') + (u === 0 ? a.toFixed(0) : a.toFixed(a < 10 ? 2 : 1)) + ' ' + units[u];
  }

  // Sortable tables: numeric cells carry their raw value in data-v.
  function cellKey(row, col) {
    var cell = row.cells[col];
    if (!cell) return { num: null, text: '' };
    var v = cell.getAttribute('data-v');
    if (v !== null) return { num: v === '' ? null : parseFloat(v), text: '' };
    return { num: null, text: cell.textContent.trim().toLowerCase() };
  }
  function sortTable(table, col, th) {
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(th.parentNode.cells, function (h) {
      if (h.classList.contains('sort')) {
        h.setAttribute('aria-sort', 'none');
        h.querySelector('.arrow').textContent = '\u2195';
      }
    });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    th.querySelector('.arrow').textContent = asc ? '\u25b2' : '\u25bc';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return { r: r, i: i, k: cellKey(r, col) }; });
    rows.sort(function (a, b) {
      var x = a.k, y = b.k, c;
      if (x.num === null && y.num === null && (x.text || y.text)) c = x.text < y.text ? -1 : x.text > y.text ? 1 : 0;
      else if (x.num === null && y.num === null) c = 0;
      else if (x.num === null) return 1;  // missing figures last, whatever the direction
      else if (y.num === null) return -1;
      else c = x.num - y.num;
      if (!asc) c = -c;
      return c !== 0 ? c : a.i - b.i;
    });
    rows.forEach(function (e) { body.appendChild(e.r); });
  }
  var sortable = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(sortable, function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.classList.add('sort');
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      var arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.textContent = '\u2195';
      th.appendChild(arrow);
      th.addEventListener('click', function () { sortTable(table, col, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, col, th); }
      });
    });
  });

  // Row filters: each filters the tables of its own section.
  Array.prototype.forEach.call(document.querySelectorAll('input.case-filter'), function (input) {
    var scope = input.closest('section') || document.body;
    input.addEventListener('input', function () {
      var text = input.value.trim(), re = null;
      try { re = text ? new RegExp(text, 'i') : null; } catch (err) { re = null; }
      Array.prototype.forEach.call(scope.querySelectorAll('table.sortable tbody tr'), function (row) {
        var s = row.getAttribute('data-case') || row.textContent;
        var match = !text || (re ? re.test(s) : s.toLowerCase().indexOf(text.toLowerCase()) >= 0);
        row.classList.toggle('hidden', !match);
      });
    });
  });

  // Timeline read-out from the embedded report.
  var byId = {};
  (data.results || []).forEach(function (c) { byId[c.id] = c; });
  var timelines = document.querySelectorAll('svg.timeline[data-case]');
  Array.prototype.forEach.call(timelines, function (svg) {
    var c = byId[svg.getAttribute('data-case')];
    var readout = svg.parentNode.querySelector('.readout');
    if (!c || !c.timeline || !readout) return;
    var t = c.timeline, px0 = +svg.getAttribute('data-px0'), px1 = +svg.getAttribute('data-px1');
    var xmin = +svg.getAttribute('data-xmin'), xmax = +svg.getAttribute('data-xmax');
    var cursor = document.createElementNS(svg.namespaceURI, 'line');
    cursor.setAttribute('class', 'cursor');
    cursor.setAttribute('y1', svg.getAttribute('data-py0'));
    cursor.setAttribute('y2', svg.getAttribute('data-py1'));
    cursor.style.display = 'none';
    svg.appendChild(cursor);
    svg.addEventListener('mousemove', function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      var x = p.matrixTransform(m.inverse()).x;
      var ms = xmin + (x - px0) / (px1 - px0) * (xmax - xmin);
      var i = Math.round(ms / t.interval_ms);
      if (!(t.interval_ms > 0) || i < 0 || i >= t.rss_bytes.length) { cursor.style.display = 'none'; return; }
      var cx = px0 + (i * t.interval_ms - xmin) / (xmax - xmin) * (px1 - px0);
      cursor.setAttribute('x1', cx); cursor.setAttribute('x2', cx);
      cursor.style.display = '';
      var parts = [(i * t.interval_ms).toFixed(0) + ' ms', 'RSS ' + formatBytes(t.rss_bytes[i])];
      if (t.anon_bytes && i < t.anon_bytes.length) parts.push('anon ' + formatBytes(t.anon_bytes[i]));
      if (t.file_bytes && i < t.file_bytes.length) parts.push('file ' + formatBytes(t.file_bytes[i]));
      readout.textContent = parts.join(' \u00b7 ');
    });
    svg.addEventListener('mouseleave', function () { cursor.style.display = 'none'; readout.textContent = ''; });
  });

  // Flame graphs: a click zooms to a frame, its ancestors span the width.
  var flames = document.querySelectorAll('svg.flame');
  Array.prototype.forEach.call(flames, function (svg) {
    var W = +svg.getAttribute('data-width'), cw = +svg.getAttribute('data-char'), row = +svg.getAttribute('data-row');
    var frames = Array.prototype.map.call(svg.querySelectorAll('g.f'), function (g) {
      var title = g.querySelector('title');
      return { g: g, r: g.querySelector('rect'), t: g.querySelector('text'), x: +g.getAttribute('data-x'),
               w: +g.getAttribute('data-w'), d: +g.getAttribute('data-d'),
               n: title ? title.textContent.split('\n')[0] : '' };
    });
    function label(f, px) {
      var room = Math.floor((px - 6) / cw);
      if (room < 3) return '';
      return f.n.length <= room ? f.n : f.n.slice(0, room - 1) + '\u2026';
    }
    function zoom(z) {
      var eps = 1e-5;  // fractions are written with six digits
      frames.forEach(function (f) {
        var x = null, w = 0;
        if (f.d < z.d) {
          if (f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps) { x = 0; w = 1; }
        } else if (f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps) {
          x = (f.x - z.x) / z.w; w = f.w / z.w;
        }
        if (x === null) { f.g.style.display = 'none'; return; }
        f.g.style.display = '';
        f.r.setAttribute('x', (x * W).toFixed(1));
        f.r.setAttribute('width', Math.max(w * W - 1, 0.5).toFixed(1));
        var text = label(f, w * W);
        if (!f.t && text) {
          f.t = document.createElementNS(svg.namespaceURI, 'text');
          f.t.setAttribute('y', (f.d * row + 13).toFixed(1));
          f.g.appendChild(f.t);
        }
        if (f.t) { f.t.setAttribute('x', (x * W + 3).toFixed(1)); f.t.textContent = text; }
      });
    }
    frames.forEach(function (f) { f.g.addEventListener('click', function () { zoom(f); }); });
  });

  var download = document.getElementById('download-json');
  if (download) {
    download.addEventListener('click', function () {
      var blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'membench-report.json';
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  var ready = document.createElement('div');
  ready.id = 'membench-ready';
  ready.hidden = true;
  ready.setAttribute('data-sortable-tables', String(sortable.length));
  ready.setAttribute('data-charts', String(document.querySelectorAll('svg.chart').length));
  ready.setAttribute('data-timelines', String(timelines.length));
  ready.setAttribute('data-flames', String(flames.length));
  ready.setAttribute('data-cases', String((data.results || data.cases || []).length));
  document.body.appendChild(ready);
})();
)JS";


// ---- text ------------------------------------------------------------------------

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

std::string fixed(double v, int decimals = 1) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A number for a data-v sort key; missing figures sort as empty.
std::string sort_key(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "1e308" : "-1e308";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string percent(double fraction) { return fixed(fraction * 100, 1) + "%"; }

const char* status_class(Status s) {
  if (s == Status::ok) return "st-ok";
  if (s == Status::skipped) return "st-skip";
  return "st-bad";
}

std::string status_badge(Status s) {
  return std::string("<span class=\"badge ") + status_class(s) + "\">" + report::to_string(s) + "</span>";
}

bool completed(const CaseResult& c) { return c.status == Status::ok; }

std::string short_digest(const std::string& d) { return d.size() > 12 ? d.substr(0, 12) : d; }

std::string slug(std::string_view s) {
  std::string out;
  for (char ch : s) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
  return out;
}

const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f"};
std::string palette(std::size_t i) { return kPalette[i % std::size(kPalette)]; }

const char* const kRssColour = "#4e79a7";
const char* const kAnonColour = "#f28e2b";
const char* const kFileColour = "#59a14f";

// ---- context -----------------------------------------------------------------------

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
    if (scalars)
      for (const json& e : j) text += (text.empty() ? "" : " ") + (e.is_string() ? e.get<std::string>() : e.dump());
    else text = j.dump();
  } else if (!j.is_null()) {
    text = j.dump();
  }
  out.emplace_back(prefix, text);
}

// Known context fields first, in a reading order; the rest as they come.
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

std::string created_of(const json& context) {
  return an::context_text(context, {"created", "created_utc", "created_at", "date", "timestamp"});
}

// ---- charts ----------------------------------------------------------------------

enum class Fmt { plain, bytes, ms, count, ns, bytes_per_second };

std::string trim_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string tick_text(Fmt f, double v) {
  switch (f) {
    case Fmt::bytes: {
      static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
      double a = std::fabs(v);
      int u = 0;
      while (a >= 1024 && u < 4) {
        a /= 1024;
        ++u;
      }
      return (v < 0 ? "-" : "") + trim_number(a) + " " + units[u];
    }
    case Fmt::bytes_per_second:  // decimal, as format_rate writes rates everywhere
      if (std::fabs(v) >= 1e9) return trim_number(v / 1e9) + " GB/s";
      if (std::fabs(v) >= 1e6) return trim_number(v / 1e6) + " MB/s";
      return trim_number(v / 1e3) + " kB/s";
    case Fmt::ms:
      if (std::fabs(v) >= 1000) return trim_number(v / 1000) + " s";
      return trim_number(v) + " ms";
    case Fmt::ns: return an::format_duration_ns(v);
    case Fmt::count:
      if (std::fabs(v) >= 1e9) return trim_number(v / 1e9) + "G";
      if (std::fabs(v) >= 1e6) return trim_number(v / 1e6) + "M";
      if (std::fabs(v) >= 1e3) return trim_number(v / 1e3) + "k";
      return trim_number(v);
    case Fmt::plain: return trim_number(v);
  }
  return trim_number(v);
}

std::string value_text(Fmt f, double v) {
  switch (f) {
    case Fmt::bytes: return format_bytes(v);
    case Fmt::bytes_per_second: return format_rate(v);
    case Fmt::ms: return fixed(v, 0) + " ms";
    case Fmt::ns: return an::format_duration_ns(v);
    case Fmt::count: return format_count(v);
    case Fmt::plain: return trim_number(v);
  }
  return trim_number(v);
}

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
  bool readout = false;
};

std::string legend_html(const std::vector<LineSeries>& series, const std::vector<HLine>& hlines) {
  std::string out = "<div class=\"legend\">";
  std::set<std::string> seen;
  for (const LineSeries& s : series) {
    if (s.name.empty() || !seen.insert(s.name).second) continue;
    out += std::string("<span class=\"sw") + (s.dashed ? " dash" : "") + "\" style=\"" +
           (s.dashed ? "border-color:" : "background:") + s.colour + "\"></span>" + esc(s.name);
  }
  for (const HLine& h : hlines)
    out += "<span class=\"sw dash\" style=\"border-color:" + h.colour + "\"></span>" + esc(h.label);
  return out + "</div>";
}

std::string line_chart(const LineChart& c) {
  const double W = c.width, H = c.height, L = 64, R = 28, T = 10, B = 32;
  const double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = 0, yhi = -inf;
  for (const LineSeries& s : c.series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (c.log_x && x <= 0)) continue;
      xlo = std::min(xlo, x);
      xhi = std::max(xhi, x);
      ylo = std::min(ylo, y);
      yhi = std::max(yhi, y);
    }
  for (const HLine& h : c.hlines) yhi = std::max(yhi, h.y);
  if (xlo > xhi) xlo = 0, xhi = 1;
  if (!(yhi > ylo)) yhi = ylo + 1;

  std::vector<double> xt;
  double xd0, xd1;
  if (c.log_x) {
    double e0 = std::floor(std::log2(xlo)), e1 = std::ceil(std::log2(xhi));
    if (e1 <= e0) e1 = e0 + 1;
    double step = std::max(1.0, std::ceil((e1 - e0) / 6));
    for (double e = e0; e <= e1 + 1e-9; e += step) xt.push_back(std::exp2(e));
    xd0 = e0;
    xd1 = std::max(e1, std::log2(xt.back()));
  } else {
    if (!(xhi > xlo)) xhi = xlo + 1;
    xt = nice_ticks(xlo, xhi, c.x_fmt == Fmt::bytes);
    xd0 = xt.front();
    xd1 = xt.back();
  }
  std::vector<double> yt = nice_ticks(ylo, yhi, c.y_fmt == Fmt::bytes || c.y_fmt == Fmt::bytes_per_second);
  const double yd0 = yt.front(), yd1 = yt.back();
  auto X = [&](double x) {
    double f = c.log_x ? (std::log2(x) - xd0) / (xd1 - xd0) : (x - xd0) / (xd1 - xd0);
    return L + f * (W - L - R);
  };
  auto Y = [&](double y) { return H - B - (y - yd0) / (yd1 - yd0) * (H - T - B); };

  std::ostringstream o;
  o << "<figure class=\"chart-box\"><figcaption>" << esc(c.title);
  if (!c.note.empty()) o << " <span class=\"note\">" << esc(c.note) << "</span>";
  o << "</figcaption>";
  o << "<svg class=\"" << c.svg_class << "\" viewBox=\"0 0 " << W << " " << H
    << "\" role=\"img\" aria-label=\"" << esc(c.title) << "\" data-px0=\"" << L << "\" data-px1=\""
    << W - R << "\" data-py0=\"" << T << "\" data-py1=\"" << H - B << "\" data-xmin=\""
    << sort_key(c.log_x ? std::exp2(xd0) : xd0) << "\" data-xmax=\"" << sort_key(c.log_x ? std::exp2(xd1) : xd1)
    << "\"" << c.svg_attrs << ">";
  for (double y : yt) {
    o << "<line class=\"grid\" x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << fixed(Y(y)) << "\" y2=\""
      << fixed(Y(y)) << "\"/>";
    o << "<text class=\"tick\" x=\"" << L - 5 << "\" y=\"" << fixed(Y(y) + 3.5) << "\" text-anchor=\"end\">"
      << esc(tick_text(c.y_fmt, y)) << "</text>";
  }
  for (double x : xt) {
    o << "<line class=\"axis\" x1=\"" << fixed(X(x)) << "\" x2=\"" << fixed(X(x)) << "\" y1=\"" << H - B
      << "\" y2=\"" << H - B + 4 << "\"/>";
    o << "<text class=\"tick\" x=\"" << fixed(X(x)) << "\" y=\"" << H - B + 15 << "\" text-anchor=\"middle\">"
      << esc(tick_text(c.x_fmt, x)) << "</text>";
  }
  o << "<line class=\"axis\" x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << H - B << "\" y2=\"" << H - B
    << "\"/><line class=\"axis\" x1=\"" << L << "\" x2=\"" << L << "\" y1=\"" << T << "\" y2=\"" << H - B
    << "\"/>";
  if (!c.x_label.empty())
    o << "<text class=\"tick\" x=\"" << W - R << "\" y=\"" << H - 3 << "\" text-anchor=\"end\">"
      << esc(c.x_label) << "</text>";
  for (const HLine& h : c.hlines)
    o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << fixed(Y(h.y)) << "\" y2=\"" << fixed(Y(h.y))
      << "\" stroke=\"" << h.colour << "\" stroke-dasharray=\"4 3\" stroke-width=\"1\"><title>" << esc(h.label)
      << ": " << esc(value_text(c.y_fmt, h.y)) << "</title></line>";
  for (const LineSeries& s : c.series) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& p : s.points)
      if (std::isfinite(p.first) && std::isfinite(p.second) && !(c.log_x && p.first <= 0)) pts.push_back(p);
    if (pts.empty()) continue;
    if (s.line) {
      std::vector<std::pair<double, double>> drawn = s.markers ? pts : downsample(pts, 700);
      o << "<polyline fill=\"none\" stroke=\"" << s.colour << "\" stroke-width=\"" << s.width << "\""
        << (s.dashed ? " stroke-dasharray=\"5 3\"" : "") << " points=\"";
      for (std::size_t i = 0; i < drawn.size(); ++i)
        o << (i ? " " : "") << fixed(X(drawn[i].first)) << "," << fixed(Y(drawn[i].second));
      o << "\"><title>" << esc(s.name) << "</title></polyline>";
    }
    if (s.markers)
      for (std::size_t i = 0; i < pts.size(); ++i) {
        o << "<circle cx=\"" << fixed(X(pts[i].first)) << "\" cy=\"" << fixed(Y(pts[i].second))
          << "\" r=\"3.2\" fill=\"" << s.colour << "\"><title>";
        if (i < s.titles.size()) o << esc(s.titles[i]);
        else o << esc(s.name) << ": " << esc(value_text(c.y_fmt, pts[i].second));
        o << "</title></circle>";
      }
  }
  o << "</svg>" << legend_html(c.series, c.hlines);
  if (c.readout) o << "<div class=\"readout\"></div>";
  o << "</figure>";
  return o.str();
}

struct BarItem {
  std::string group, label, colour, value_text, title;
  double value = 0;
  bool missing = false;  // no bar: value_text says why
  bool bad = false;      // the case did not complete
};

std::string bar_chart(const std::string& title, const std::string& note, const std::vector<BarItem>& items) {
  const double W = 520, label_w = 140, value_w = 100, row = 18, group_h = 20;
  double max_v = 0;
  for (const BarItem& b : items)
    if (!b.missing) max_v = std::max(max_v, b.value);
  if (!(max_v > 0)) max_v = 1;
  std::ostringstream body;
  double y = 4;
  std::string group;
  bool first = true;
  for (const BarItem& b : items) {
    if (first || b.group != group) {
      group = b.group;
      first = false;
      body << "<text class=\"group\" x=\"2\" y=\"" << fixed(y + 14) << "\">" << esc(group) << "</text>";
      y += group_h;
    }
    body << "<text x=\"" << label_w - 6 << "\" y=\"" << fixed(y + 13) << "\" text-anchor=\"end\">"
         << esc(b.label) << "</text>";
    if (b.missing) {
      body << "<text class=\"" << (b.bad ? "bad-text" : "tick") << "\" x=\"" << label_w << "\" y=\""
           << fixed(y + 13) << "\">" << esc(b.value_text) << "<title>" << esc(b.title) << "</title></text>";
    } else {
      double w = b.value / max_v * (W - label_w - value_w);
      if (b.value > 0) w = std::max(w, 1.0);
      body << "<rect x=\"" << label_w << "\" y=\"" << fixed(y + 3) << "\" width=\"" << fixed(w, 2)
           << "\" height=\"" << row - 6 << "\" rx=\"2\" fill=\"" << b.colour << "\"><title>" << esc(b.title)
           << "</title></rect>";
      body << "<text x=\"" << fixed(label_w + w + 4) << "\" y=\"" << fixed(y + 13) << "\">" << esc(b.value_text)
           << "</text>";
    }
    y += row;
  }
  std::ostringstream o;
  o << "<figure class=\"chart-box\"><figcaption>" << esc(title);
  if (!note.empty()) o << " <span class=\"note\">" << esc(note) << "</span>";
  o << "</figcaption><svg class=\"chart bars\" viewBox=\"0 0 " << W << " " << fixed(y + 4)
    << "\" role=\"img\" aria-label=\"" << esc(title) << "\">" << body.str() << "</svg></figure>";
  return o.str();
}

// A small line of a metric over runs; regressed points in red.
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
  auto X = [&](std::size_t i) { return n == 1 ? W / 2 : P + static_cast<double>(i) * (W - 2 * P) / static_cast<double>(n - 1); };
  auto Y = [&](double v) { return H - P - (v - lo) / span * (H - 2 * P); };
  std::ostringstream o;
  o << "<svg class=\"spark\" viewBox=\"0 0 " << W << " " << H << "\" width=\"" << W << "\" height=\"" << H
    << "\" role=\"img\">";
  std::string pts;
  auto flush = [&] {
    if (!pts.empty()) o << "<polyline fill=\"none\" stroke=\"" << kRssColour << "\" stroke-width=\"1.4\" points=\"" << pts << "\"/>";
    pts.clear();
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!values[i]) {
      flush();
      continue;
    }
    pts += (pts.empty() ? "" : " ") + fixed(X(i)) + "," + fixed(Y(*values[i]));
  }
  flush();
  for (std::size_t i = 0; i < n; ++i) {
    if (!values[i]) continue;
    bool bad = i < regressed.size() && regressed[i];
    bool last = i + 1 == n;
    o << "<circle cx=\"" << fixed(X(i)) << "\" cy=\"" << fixed(Y(*values[i])) << "\" r=\""
      << (bad ? "3.4" : last ? "2.4" : "1.8") << "\" fill=\"" << (bad ? "#d62728" : kRssColour) << "\""
      << (bad ? " class=\"regressed\"" : "") << "><title>" << (i < titles.size() ? esc(titles[i]) : "")
      << "</title></circle>";
  }
  o << "</svg>";
  return o.str();
}

// ---- tables ----------------------------------------------------------------------

std::string num_cell(std::optional<double> v, Fmt f, const std::string& title = "",
                     const std::string& cls = "") {
  if (!v) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  std::string out = "<td class=\"num" + (cls.empty() ? "" : " " + cls) + "\" data-v=\"" + sort_key(*v) + "\"";
  if (!title.empty()) out += " title=\"" + esc(title) + "\"";
  return out + ">" + esc(value_text(f, *v)) + "</td>";
}

std::string kv_table(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& cls = "kv") {
  std::string out = "<table class=\"" + cls + "\"><tbody>";
  for (const auto& [k, v] : rows)
    out += "<tr><th scope=\"row\">" + esc(k) + "</th><td class=\"mono\">" + esc(v) + "</td></tr>";
  return out + "</tbody></table>";
}

bool looks_like_bytes(const std::string& key) {
  static const char* const names[] = {"allocated", "active", "resident", "mapped", "metadata", "retained"};
  if (key.find("bytes") != std::string::npos) return true;
  std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  return std::find(std::begin(names), std::end(names), last) != std::end(names);
}

// A figure of unknown meaning from extra/allocator_stats/heaptrack: shown as
// given, with sizes in binary units where the key says they are bytes.
std::string generic_cell(const std::string& key, const json* v) {
  if (!v || v->is_null()) return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
  if (v->is_number()) {
    double d = v->get<double>();
    std::string text = looks_like_bytes(key) ? format_bytes(d)
                       : (v->is_number_integer() || v->is_number_unsigned()) ? format_count(d)
                                                                             : trim_number(d);
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

// Cases x keys when the keys are few, else one row per (case, key).
std::string generic_table(const std::string& title, const std::vector<std::pair<std::string, const json*>>& cases) {
  std::vector<std::string> keys;
  std::vector<std::vector<std::pair<std::string, const json*>>> flat;
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
    o << "<table class=\"sortable generic\"><thead><tr><th>case</th><th>key</th><th class=\"num\">value</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < cases.size(); ++i)
      for (const auto& [k, v] : flat[i])
        o << "<tr><td class=\"mono\">" << esc(cases[i].first) << "</td><td class=\"mono\">" << esc(k) << "</td>"
          << generic_cell(k, v) << "</tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

// ---- page frame -----------------------------------------------------------------------

std::string page_start(const std::string& title) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // The page may load nothing: everything it needs is inline.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
      "<title>" + esc(title) + "</title>\n<style>\n";
  out += kPageCss;
  out += "</style>\n</head>\n<body>\n";
  return out;
}

std::string page_end(const json& data) {
  std::string out = "<script type=\"application/json\" id=\"membench-data\">";
  out += embed_json(data);
  out += "</script>\n<script>\n";
  out += kPageScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

// ---- the report page ----------------------------------------------------------------

std::vector<std::string> workloads_of(const Report& r) {
  std::vector<std::string> out;
  for (const CaseResult& c : r.results)
    if (std::find(out.begin(), out.end(), c.workload) == out.end()) out.push_back(c.workload);
  for (const ScalingFit& s : r.scaling)
    if (std::find(out.begin(), out.end(), s.workload) == out.end()) out.push_back(s.workload);
  return out;
}

std::optional<double> anon_delta(const CaseResult& c) {
  if (!c.memory) return std::nullopt;
  return static_cast<double>(c.memory->peak_anon_bytes) - static_cast<double>(c.memory->baseline_anon_bytes);
}

std::optional<double> file_delta(const CaseResult& c) {
  if (!c.memory) return std::nullopt;
  return static_cast<double>(c.memory->peak_file_bytes) - static_cast<double>(c.memory->baseline_file_bytes);
}

std::string params_text(const CaseResult& c) {
  std::string s;
  for (const auto& [k, v] : c.params) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s;
}

std::string results_table(const std::vector<const CaseResult*>& cases) {
  std::ostringstream o;
  o << "<div class=\"scroll\"><table class=\"sortable results\"><thead><tr>"
       "<th>strategy</th><th>dataset</th><th>allocator</th><th class=\"num\">input</th><th>status</th>"
       "<th class=\"num\" title=\"peak RSS minus the RSS before the strategy started\">peak RSS &Delta;</th>"
       "<th class=\"num\" title=\"peak anonymous memory minus its baseline\">anon &Delta;</th>"
       "<th class=\"num\" title=\"peak file-backed memory minus its baseline\">file &Delta;</th>"
       "<th class=\"num\">allocations</th><th class=\"num\">bytes allocated</th>"
       "<th class=\"num\">peak live</th><th class=\"num\">temporary</th><th class=\"num\">leaked</th>"
       "<th class=\"num\">median time</th><th class=\"num\">throughput</th>"
       "<th class=\"num\" title=\"coefficient of variation of the repetitions' real time\">CV</th>"
       "<th>params</th><th>output digest</th></tr></thead><tbody>";
  for (const CaseResult* c : cases) {
    bool ok = completed(*c);
    o << "<tr id=\"case-" << esc(slug(c->id)) << "\" class=\"" << (ok ? "" : c->status == Status::skipped ? "skip" : "bad")
      << "\" data-case=\"" << esc(c->id) << "\">";
    o << "<td class=\"nw\">" << esc(c->strategy) << "</td><td class=\"nw\">" << esc(c->dataset)
      << "</td><td class=\"nw\">" << esc(c->allocator) << "</td>";
    o << num_cell(static_cast<double>(c->input_bytes), Fmt::bytes,
                  c->input_items ? format_count(static_cast<double>(c->input_items)) + " items" : "");
    o << "<td>" << status_badge(c->status);
    if (!c->error.empty()) o << "<div class=\"err\">" << esc(c->error) << "</div>";
    o << "</td>";
    auto mem = [&](auto field) -> std::optional<double> {
      if (!c->memory) return std::nullopt;
      return static_cast<double>((*c->memory).*field);
    };
    std::string rss_title;
    if (c->memory)
      rss_title = "peak " + format_bytes(static_cast<double>(c->memory->peak_rss_bytes)) + ", baseline " +
                  format_bytes(static_cast<double>(c->memory->baseline_rss_bytes)) + ", faults " +
                  format_count(static_cast<double>(c->memory->minor_faults)) + " minor / " +
                  format_count(static_cast<double>(c->memory->major_faults)) + " major";
    o << num_cell(mem(&report::MemoryStats::peak_rss_delta_bytes), Fmt::bytes, rss_title);
    o << num_cell(anon_delta(*c), Fmt::bytes,
                  c->memory ? "peak " + format_bytes(static_cast<double>(c->memory->peak_anon_bytes)) : "");
    o << num_cell(file_delta(*c), Fmt::bytes,
                  c->memory ? "peak " + format_bytes(static_cast<double>(c->memory->peak_file_bytes)) : "");
    auto alloc = [&](auto field) -> std::optional<double> {
      if (!c->allocations) return std::nullopt;
      return static_cast<double>((*c->allocations).*field);
    };
    o << num_cell(alloc(&report::Allocations::count), Fmt::count);
    o << num_cell(alloc(&report::Allocations::bytes), Fmt::bytes);
    o << num_cell(alloc(&report::Allocations::peak_live_bytes), Fmt::bytes);
    o << num_cell(alloc(&report::Allocations::temporary), Fmt::count);
    auto leaked = alloc(&report::Allocations::leaked_bytes);
    o << num_cell(leaked, Fmt::bytes, "", leaked && *leaked > 0 ? "v-warn" : "");
    std::optional<double> median, tput, cv;
    std::string time_title, tput_title;
    if (c->time) {
      median = c->time->median_real_ns;
      cv = c->time->cv;
      time_title = std::to_string(c->time->repetitions) + " repetitions x " + std::to_string(c->time->iterations) +
                   " iterations";
    }
    if (c->throughput) {
      tput = c->throughput->bytes_per_second;
      if (c->throughput->items_per_second)
        tput_title = an::format_value(an::MetricUnit::items_per_second, *c->throughput->items_per_second);
    }
    o << num_cell(median, Fmt::ns, time_title) << num_cell(tput, Fmt::bytes_per_second, tput_title);
    if (cv) {
      o << "<td class=\"num" << (*cv > 0.05 ? " v-warn" : "") << "\" data-v=\"" << sort_key(*cv) << "\">&plusmn;"
        << percent(*cv) << "</td>";
    } else {
      o << "<td class=\"num na\" data-v=\"\">&ndash;</td>";
    }
    o << "<td class=\"mono\">" << esc(params_text(*c)) << "</td>";
    o << "<td class=\"mono\" title=\"" << esc(c->output_digest) << "\">" << esc(short_digest(c->output_digest))
      << "</td></tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

std::string bar_charts(const std::vector<const CaseResult*>& cases) {
  std::vector<std::string> strategies;
  for (const CaseResult* c : cases)
    if (std::find(strategies.begin(), strategies.end(), c->strategy) == strategies.end())
      strategies.push_back(c->strategy);
  auto colour_of = [&](const std::string& s) {
    return palette(static_cast<std::size_t>(std::find(strategies.begin(), strategies.end(), s) - strategies.begin()));
  };
  // Bars grouped by (dataset, allocator), one per strategy, in report order.
  std::vector<const CaseResult*> ordered = cases;
  std::vector<std::string> groups;
  for (const CaseResult* c : cases) {
    std::string g = c->dataset + " · " + c->allocator;
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [&](const CaseResult* a, const CaseResult* b) {
    auto ga = std::find(groups.begin(), groups.end(), a->dataset + " · " + a->allocator);
    auto gb = std::find(groups.begin(), groups.end(), b->dataset + " · " + b->allocator);
    return ga < gb;
  });
  struct Spec {
    const char* title;
    const char* note;
    Fmt fmt;
    std::optional<double> (*get)(const CaseResult&);
  };
  const Spec specs[] = {
      {"Peak RSS Δ", "lower is better", Fmt::bytes,
       [](const CaseResult& c) -> std::optional<double> {
         if (!c.memory) return std::nullopt;
         return static_cast<double>(c.memory->peak_rss_delta_bytes);
       }},
      {"Peak live heap bytes", "lower is better", Fmt::bytes,
       [](const CaseResult& c) -> std::optional<double> {
         if (!c.allocations) return std::nullopt;
         return static_cast<double>(c.allocations->peak_live_bytes);
       }},
      {"Allocation count", "lower is better", Fmt::count,
       [](const CaseResult& c) -> std::optional<double> {
         if (!c.allocations) return std::nullopt;
         return static_cast<double>(c.allocations->count);
       }},
      {"Throughput", "higher is better", Fmt::bytes_per_second,
       [](const CaseResult& c) -> std::optional<double> {
         if (!c.throughput) return std::nullopt;
         return c.throughput->bytes_per_second;
       }},
  };
  std::string out = "<div class=\"charts\">";
  for (const Spec& s : specs) {
    std::vector<BarItem> items;
    bool any = false;
    for (const CaseResult* c : ordered) {
      BarItem b;
      b.group = c->dataset + " · " + c->allocator;
      b.label = c->strategy;
      b.colour = colour_of(c->strategy);
      std::optional<double> v = s.get(*c);
      if (!completed(*c)) {
        b.missing = true;
        b.bad = c->status != Status::skipped;
        b.value_text = report::to_string(c->status) + (c->error.empty() ? "" : ": " + c->error);
        if (b.value_text.size() > 60) b.value_text = b.value_text.substr(0, 57) + "...";
        b.title = c->id + ": " + report::to_string(c->status) + (c->error.empty() ? "" : " - " + c->error);
      } else if (!v) {
        b.missing = true;
        b.value_text = "not measured";
        b.title = c->id;
      } else {
        any = true;
        b.value = *v;
        b.value_text = value_text(s.fmt, *v);
        b.title = c->id + ": " + b.value_text;
      }
      items.push_back(std::move(b));
    }
    if (any) out += bar_chart(s.title, s.note, items);
  }
  return out + "</div>";
}

std::string timeline_chart(const CaseResult& c, const std::string& title, int width, int height) {
  const report::Timeline& t = *c.timeline;
  LineChart chart;
  chart.title = title;
  chart.note = "every " + trim_number(t.interval_ms) + " ms";
  chart.svg_class = "chart timeline";
  chart.svg_attrs = " data-case=\"" + esc(c.id) + "\"";
  chart.x_fmt = Fmt::ms;
  chart.y_fmt = Fmt::bytes;
  chart.width = width;
  chart.height = height;
  chart.readout = true;
  auto series = [&](const char* name, const char* colour, const std::vector<std::uint64_t>& v) {
    if (v.empty()) return;
    LineSeries s;
    s.name = name;
    s.colour = colour;
    for (std::size_t i = 0; i < v.size(); ++i)
      s.points.emplace_back(static_cast<double>(i) * t.interval_ms, static_cast<double>(v[i]));
    chart.series.push_back(std::move(s));
  };
  series("RSS", kRssColour, t.rss_bytes);
  series("anon", kAnonColour, t.anon_bytes);
  series("file", kFileColour, t.file_bytes);
  if (c.memory && c.memory->baseline_rss_bytes)
    chart.hlines.push_back({static_cast<double>(c.memory->baseline_rss_bytes), "baseline RSS", "#7f7f7f"});
  return line_chart(chart);
}

std::string timelines(const std::vector<const CaseResult*>& cases) {
  std::string charts;
  int n = 0;
  for (const CaseResult* c : cases) {
    if (!c->timeline || c->timeline->rss_bytes.empty()) continue;
    std::string title = c->strategy + " · " + c->dataset + " · " + c->allocator;
    if (!completed(*c)) title += " (" + std::string(report::to_string(c->status)) + ")";
    charts += timeline_chart(*c, title, 420, 200);
    ++n;
  }
  if (!n) return "";
  return "<details open><summary>Memory timelines (" + std::to_string(n) +
         ")</summary><div class=\"charts small\">" + charts + "</div></details>";
}

std::string class_badge(const std::string& cls) {
  const char* css = cls == "O(1)" ? "cls-1" : cls == "O(n)" ? "cls-n" : "cls-q";
  return std::string("<span class=\"badge ") + css + "\">" + esc(cls) + "</span>";
}

bool count_metric(const std::string& metric) {
  return metric.find("count") != std::string::npos || metric.find("temporary") != std::string::npos ||
         metric.find("faults") != std::string::npos;
}

std::string scaling_section(const std::vector<const ScalingFit*>& fits) {
  if (fits.empty()) return "";
  std::vector<std::string> metrics;
  for (const ScalingFit* f : fits)
    if (std::find(metrics.begin(), metrics.end(), f->metric) == metrics.end()) metrics.push_back(f->metric);
  std::ostringstream o;
  o << "<h3>Memory vs input size</h3><div class=\"charts\">";
  for (const std::string& metric : metrics) {
    LineChart chart;
    chart.title = metric;
    chart.note = "points: measured; dashed: fitted line";
    chart.x_fmt = Fmt::bytes;
    chart.x_label = "input size";
    chart.y_fmt = count_metric(metric) ? Fmt::count : Fmt::bytes;
    std::size_t i = 0;
    for (const ScalingFit* f : fits) {
      if (f->metric != metric) continue;
      std::string colour = palette(i++);
      LineSeries pts;
      pts.name = f->strategy + "/" + f->allocator + " " + f->complexity;
      pts.colour = colour;
      pts.line = false;
      pts.markers = true;
      for (const auto& [x, y] : f->points) {
        pts.points.emplace_back(x, y);
        pts.titles.push_back(f->strategy + "/" + f->allocator + " at " + format_bytes(x) + ": " +
                             value_text(chart.y_fmt, y));
      }
      LineSeries fit;
      fit.colour = colour;
      fit.dashed = true;
      fit.width = 1.2;
      double lo = std::numeric_limits<double>::infinity(), hi = 0;
      for (const auto& p : f->points)
        if (p.first > 0) lo = std::min(lo, p.first), hi = std::max(hi, p.first);
      if (hi > 0 && lo <= hi) {
        fit.points.emplace_back(lo, f->slope * lo + f->intercept);
        fit.points.emplace_back(hi, f->slope * hi + f->intercept);
      }
      chart.series.push_back(std::move(fit));
      chart.series.push_back(std::move(pts));
    }
    o << line_chart(chart);
  }
  o << "</div><table class=\"sortable\"><thead><tr><th>strategy</th><th>allocator</th><th>metric</th>"
       "<th class=\"num\">sizes</th><th class=\"num\" title=\"growth per input byte\">slope</th>"
       "<th class=\"num\">intercept</th><th class=\"num\">r&sup2;</th><th>class</th></tr></thead><tbody>";
  for (const ScalingFit* f : fits) {
    o << "<tr><td>" << esc(f->strategy) << "</td><td>" << esc(f->allocator) << "</td><td class=\"mono\">"
      << esc(f->metric) << "</td><td class=\"num\" data-v=\"" << f->points.size() << "\">" << f->points.size()
      << "</td><td class=\"num\" data-v=\"" << sort_key(f->slope) << "\">" << esc(trim_number(f->slope))
      << "</td><td class=\"num\" data-v=\"" << sort_key(f->intercept) << "\">"
      << esc(value_text(count_metric(f->metric) ? Fmt::count : Fmt::bytes, f->intercept)) << "</td><td class=\"num\" data-v=\"" << sort_key(f->r2)
      << "\">" << fixed(f->r2, 3) << "</td><td>" << class_badge(f->complexity) << "</td></tr>";
  }
  o << "</tbody></table>";
  return o.str();
}

std::string extras_section(const std::vector<const CaseResult*>& cases) {
  std::vector<std::pair<std::string, const json*>> extra, alloc, heap;
  for (const CaseResult* c : cases) {
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

// ---- allocators ------------------------------------------------------------------------

bool allocator_view_wanted(const Report& r) {
  std::set<std::string> allocators;
  for (const CaseResult& c : r.results) {
    allocators.insert(c.allocator);
    if (c.allocator_stats.is_object() && !c.allocator_stats.empty()) return true;
  }
  return allocators.size() > 1;
}

std::optional<double> json_number(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<double> stat_of(const json& stats, const char* side, const char* key) {
  if (!stats.is_object()) return std::nullopt;
  auto it = stats.find(side);
  if (it == stats.end()) return std::nullopt;
  return json_number(*it, key);
}

// Some allocators answer glibc's mallinfo2 with zeros only: no figures, not a zero heap.
bool stats_reported(const json& stats) {
  for (const char* side : {"before", "after"}) {
    if (!stats.is_object() || !stats.contains(side) || !stats[side].is_object()) continue;
    for (const auto& v : stats[side])
      if (v.is_number() && v.get<double>() != 0) return true;
  }
  return false;
}

// What the allocator itself holds, measured before and right after the
// strategy: a difference of two snapshots, so it shows what the allocator
// kept (retention), not its peak during the strategy.
struct AllocatorFigure {
  std::optional<double> delta;
  std::string source;  // the allocator's own name for the figure
  std::string title;
};

AllocatorFigure allocator_figure(const json& stats, std::initializer_list<const char*> keys) {
  AllocatorFigure f;
  if (!stats_reported(stats)) {
    f.title = "this allocator reported no statistics";
    return f;
  }
  for (const char* key : keys) {
    auto before = stat_of(stats, "before", key), after = stat_of(stats, "after", key);
    if (!before || !after) continue;
    f.delta = *after - *before;
    f.source = key;
    f.title = std::string(key) + ": " + format_bytes(*before) + " before, " + format_bytes(*after) +
              " right after the strategy";
    return f;
  }
  f.title = "not among this allocator's statistics";
  return f;
}

// Every before/after figure of the allocator, for a tooltip.
std::string stats_title(const json& stats) {
  std::string out;
  if (!stats.is_object() || !stats.contains("after") || !stats["after"].is_object()) return out;
  for (auto it = stats["after"].begin(); it != stats["after"].end(); ++it) {
    if (!it->is_number()) continue;
    auto before = stat_of(stats, "before", it.key().c_str());
    out += (out.empty() ? "" : "\n") + it.key() + ": " + (before ? format_bytes(*before) : "?") + " -> " +
           format_bytes(it->get<double>());
  }
  return out;
}

std::string version_of(const CaseResult& c) {
  if (c.allocator_stats.is_object()) {
    auto it = c.allocator_stats.find("version");
    if (it != c.allocator_stats.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// Bars in clusters: per group, per row one bar for each series, one scale.
struct ClusterRow {
  std::string label;
  std::vector<std::optional<double>> values;
  std::string missing;  // shown instead of bars when no value exists
};
struct ClusterGroup {
  std::string name;
  std::vector<ClusterRow> rows;
};

std::string cluster_chart(const std::string& title, const std::string& note,
                          const std::vector<std::pair<std::string, std::string>>& series,  // name, colour
                          const std::vector<ClusterGroup>& groups) {
  const double W = 520, label_w = 92, value_w = 70, bar_h = 7, gap = 1, row_gap = 7, group_h = 20;
  double max_v = 0;
  for (const ClusterGroup& g : groups)
    for (const ClusterRow& r : g.rows)
      for (const auto& v : r.values)
        if (v) max_v = std::max(max_v, *v);
  if (!(max_v > 0)) max_v = 1;
  std::ostringstream body;
  double y = 4;
  for (const ClusterGroup& g : groups) {
    body << "<text class=\"group\" x=\"2\" y=\"" << fixed(y + 14) << "\">" << esc(g.name) << "</text>";
    y += group_h;
    for (const ClusterRow& r : g.rows) {
      const double h = static_cast<double>(series.size()) * (bar_h + gap);
      body << "<text x=\"" << label_w - 6 << "\" y=\"" << fixed(y + h / 2 + 4) << "\" text-anchor=\"end\">"
           << esc(r.label) << "</text>";
      if (!r.missing.empty()) {
        body << "<text class=\"bad-text\" x=\"" << label_w << "\" y=\"" << fixed(y + h / 2 + 4) << "\">"
             << esc(r.missing) << "</text>";
      } else {
        for (std::size_t s = 0; s < series.size(); ++s) {
          double by = y + static_cast<double>(s) * (bar_h + gap);
          const bool has = s < r.values.size() && r.values[s].has_value();
          const double v = has ? r.values[s].value_or(0) : 0;
          std::string text = has ? value_text(Fmt::bytes, v) : "not reported";
          std::string tip = r.label + " · " + series[s].first + ": " + text;
          double w = v > 0 ? std::max(v / max_v * (W - label_w - value_w), 1.0) : 0;
          if (w > 0)
            body << "<rect x=\"" << label_w << "\" y=\"" << fixed(by) << "\" width=\"" << fixed(w, 2)
                 << "\" height=\"" << bar_h << "\" rx=\"1\" fill=\"" << series[s].second << "\"><title>"
                 << esc(tip) << "</title></rect>";
          body << "<text class=\"tick\" x=\"" << fixed(label_w + w + 3) << "\" y=\"" << fixed(by + bar_h - 0.5)
               << "\" style=\"font-size:8.5px\">" << esc(text) << "<title>" << esc(tip) << "</title></text>";
        }
      }
      y += h + row_gap;
    }
  }
  std::ostringstream o;
  o << "<figure class=\"chart-box\"><figcaption>" << esc(title);
  if (!note.empty()) o << " <span class=\"note\">" << esc(note) << "</span>";
  o << "</figcaption><svg class=\"chart clusters\" viewBox=\"0 0 " << W << " " << fixed(y + 2)
    << "\" role=\"img\" aria-label=\"" << esc(title) << "\">" << body.str() << "</svg><div class=\"legend\">";
  for (const auto& [name, colour] : series)
    o << "<span class=\"sw\" style=\"background:" << colour << "\"></span>" << esc(name);
  o << "</div></figure>";
  return o.str();
}

const char* const kRequestedColour = "#59a14f";
const char* const kHeldColour = "#e15759";

std::string allocators_section(const std::vector<const CaseResult*>& cases) {
  if (cases.empty()) return "";
  // (strategy, dataset) groups in report order, allocators in report order within each.
  std::vector<std::pair<std::string, std::string>> groups;
  for (const CaseResult* c : cases)
    if (std::find(groups.begin(), groups.end(), std::pair{c->strategy, c->dataset}) == groups.end())
      groups.emplace_back(c->strategy, c->dataset);
  bool any_thread_count = false, any_stats = false;
  std::string measured;
  for (const CaseResult* c : cases) {
    any_thread_count |= json_number(c->allocator_stats, "thread_allocated_delta").has_value();
    any_stats |= stats_reported(c->allocator_stats);
    if (measured.empty() && c->allocator_stats.is_object() && c->allocator_stats.contains("measured") &&
        c->allocator_stats["measured"].is_string())
      measured = c->allocator_stats["measured"].get<std::string>();
  }
  std::ostringstream o;
  o << "<h3>Allocators</h3><p class=\"meta\">Per strategy and dataset, one row per allocator: what the strategy "
       "requested (membench's counts, the same under every allocator), what the process's resident memory grew "
       "to, and what the allocator itself still held right after the strategy returned.";
  if (any_stats)
    o << " <em>Held after</em> is a difference of two snapshots of the allocator's own statistics"
      << (measured.empty() ? "" : " (" + esc(measured) + ")")
      << ", so it shows what the allocator kept (retention), not its peak.";
  o << "</p><div class=\"scroll\"><table class=\"allocators\"><thead><tr><th>allocator</th><th>version</th>"
       "<th>status</th><th class=\"num\" title=\"bytes the strategy requested in total\">bytes requested</th>";
  if (any_thread_count)
    o << "<th class=\"num\" title=\"the allocator's own count of bytes handed out to the thread during the "
         "strategy (jemalloc thread.allocated difference): requests rounded up to its size classes\">allocator-"
         "counted bytes</th>";
  o << "<th class=\"num\" title=\"high-water mark of requested-and-not-freed bytes during the strategy\">peak live "
       "(requested)</th><th class=\"num\" title=\"the process's peak RSS minus its RSS before the strategy\">peak "
       "RSS &Delta;</th>";
  if (any_stats)
    o << "<th class=\"num\" title=\"the allocator's resident memory (jemalloc stats.resident) or memory obtained "
         "from the system (glibc mallinfo2 system), right after the strategy minus right before\">held after "
         "&Delta;</th><th class=\"num\" title=\"bytes in live allocations (jemalloc stats.active, glibc mallinfo2 "
         "in_use), right after the strategy minus right before\">in use after &Delta;</th>";
  o << "</tr></thead><tbody>";
  const std::size_t columns = 6 + (any_thread_count ? 1 : 0) + (any_stats ? 2 : 0);

  std::vector<std::string> strategies;
  std::map<std::string, std::vector<ClusterGroup>> chart_groups;  // per strategy
  for (const auto& [strategy, dataset] : groups) {
    if (std::find(strategies.begin(), strategies.end(), strategy) == strategies.end()) strategies.push_back(strategy);
    ClusterGroup cg;
    cg.name = dataset;
    o << "<tr class=\"group\"><th colspan=\"" << columns << "\">" << esc(strategy) << " <span class=\"meta\">· "
      << esc(dataset) << "</span></th></tr>";
    for (const CaseResult* c : cases) {
      if (c->strategy != strategy || c->dataset != dataset) continue;
      const bool ok = completed(*c);
      std::string version = version_of(*c);
      std::string short_version = version.size() > 18 ? version.substr(0, 17) + "…" : version;
      o << "<tr data-case=\"" << esc(c->id) << "\"" << (ok ? "" : c->status == Status::skipped ? " class=\"skip\"" : " class=\"bad\"")
        << "><td class=\"nw\"><strong>" << esc(c->allocator) << "</strong></td><td class=\"meta mono\" title=\""
        << esc(version) << "\">" << esc(short_version) << "</td><td>" << status_badge(c->status) << "</td>";
      auto alloc = [&](auto field) -> std::optional<double> {
        if (!ok || !c->allocations) return std::nullopt;
        return static_cast<double>((*c->allocations).*field);
      };
      std::optional<double> requested = alloc(&report::Allocations::bytes);
      o << num_cell(requested, Fmt::bytes);
      if (any_thread_count) {
        std::optional<double> counted;
        if (ok) counted = json_number(c->allocator_stats, "thread_allocated_delta");
        std::string title;
        const double req = requested.value_or(0);
        if (counted && req > 0) title = fixed(counted.value_or(0) / req, 2) + "x the bytes requested";
        o << num_cell(counted, Fmt::bytes, title);
      }
      std::optional<double> live = alloc(&report::Allocations::peak_live_bytes);
      std::optional<double> rss;
      if (ok && c->memory) rss = static_cast<double>(c->memory->peak_rss_delta_bytes);
      o << num_cell(live, Fmt::bytes);
      o << num_cell(rss, Fmt::bytes,
                    c->memory ? "peak RSS " + format_bytes(static_cast<double>(c->memory->peak_rss_bytes)) : "");
      AllocatorFigure held, in_use;
      if (ok) {
        held = allocator_figure(c->allocator_stats, {"resident", "system"});
        in_use = allocator_figure(c->allocator_stats, {"active", "in_use"});
      }
      if (any_stats) {
        std::string all = stats_title(c->allocator_stats);
        for (const AllocatorFigure* f : {&held, &in_use}) {
          if (!f->delta) {
            o << "<td class=\"num na\" title=\"" << esc(f->title) << "\">&ndash;</td>";
            continue;
          }
          o << "<td class=\"num\" data-v=\"" << sort_key(*f->delta) << "\" title=\""
            << esc(f->title + (all.empty() ? "" : "\n\n" + all)) << "\">" << esc(format_bytes(*f->delta))
            << " <span class=\"meta\">" << esc(f->source) << "</span></td>";
        }
      }
      o << "</tr>";
      ClusterRow row;
      row.label = c->allocator;
      if (!ok) row.missing = report::to_string(c->status);
      row.values = {live, rss, held.delta};
      cg.rows.push_back(std::move(row));
    }
    chart_groups[strategy].push_back(std::move(cg));
  }
  o << "</tbody></table></div>";
  std::vector<std::pair<std::string, std::string>> series = {{"peak live (requested)", kRequestedColour},
                                                             {"peak RSS Δ", kRssColour}};
  if (any_stats) series.emplace_back("held after Δ (allocator)", kHeldColour);
  o << "<div class=\"charts\">";
  for (const std::string& s : strategies) {
    std::vector<ClusterGroup>& gs = chart_groups[s];
    if (!any_stats)
      for (ClusterGroup& g : gs)
        for (ClusterRow& r : g.rows) r.values.resize(2);
    o << cluster_chart(s + ": requested vs held", "bytes; one scale per chart", series, gs);
  }
  o << "</div>";
  return o.str();
}

// ---- heaptrack ---------------------------------------------------------------------------

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

std::string json_text(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Folded stacks as a tree: identical stacks merge, frames under a share of
// the total are left out, so the page stays small.
struct FlameNode {
  std::string name;
  std::uint64_t value = 0;
  std::vector<FlameNode> children;
  std::map<std::string, std::size_t> index;
};

struct Flame {
  FlameNode root;
  std::uint64_t dropped = 0;  // calls in frames below the threshold
  std::size_t stacks = 0;     // lines read
  std::size_t depth = 0;      // rows drawn below the root
  bool cut = false;           // some stacks were deeper than drawn
};

constexpr double kFlameMinShare = 0.005;
constexpr std::size_t kFlameMaxDepth = 64;

Flame parse_flame(const std::string& text) {
  Flame f;
  f.root.name = "all";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    std::size_t sp = line.find_last_of(" \t");
    if (sp == std::string_view::npos) continue;
    std::string count_text(line.substr(sp + 1));
    char* stop = nullptr;
    unsigned long long count = std::strtoull(count_text.c_str(), &stop, 10);
    if (count_text.empty() || !stop || *stop != '\0' || count == 0) continue;
    ++f.stacks;
    f.root.value += count;
    FlameNode* node = &f.root;
    std::string_view stack = line.substr(0, sp);
    std::size_t depth = 0;
    while (!stack.empty()) {
      std::size_t semi = stack.find(';');
      std::string_view frame = stack.substr(0, semi);
      stack = semi == std::string_view::npos ? std::string_view() : stack.substr(semi + 1);
      while (!frame.empty() && frame.front() == ' ') frame.remove_prefix(1);
      while (!frame.empty() && frame.back() == ' ') frame.remove_suffix(1);
      if (frame.empty()) continue;
      if (depth == kFlameMaxDepth) {
        f.cut = true;
        break;
      }
      ++depth;
      std::string name(frame);
      auto it = node->index.find(name);
      std::size_t i;
      if (it == node->index.end()) {
        i = node->children.size();
        node->index.emplace(name, i);
        node->children.push_back(FlameNode{name, 0, {}, {}});
      } else {
        i = it->second;
      }
      node = &node->children[i];
      node->value += count;
    }
  }
  const double threshold = static_cast<double>(f.root.value) * kFlameMinShare;
  std::function<std::size_t(FlameNode&)> prune = [&](FlameNode& n) -> std::size_t {
    n.index.clear();
    std::vector<FlameNode> kept;
    for (FlameNode& c : n.children) {
      if (static_cast<double>(c.value) < threshold) f.dropped += c.value;
      else kept.push_back(std::move(c));
    }
    std::sort(kept.begin(), kept.end(), [](const FlameNode& a, const FlameNode& b) {
      return a.value != b.value ? a.value > b.value : a.name < b.name;
    });
    n.children = std::move(kept);
    std::size_t deepest = 0;
    for (FlameNode& c : n.children) deepest = std::max(deepest, 1 + prune(c));
    return deepest;
  };
  f.depth = prune(f.root);
  return f;
}

std::string flame_colour(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  return "hsl(" + std::to_string(8 + h % 44) + "," + std::to_string(62 + (h >> 8) % 22) + "%," +
         std::to_string(60 + (h >> 16) % 14) + "%)";
}

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

std::string flame_graph(const std::string& id, const std::string& caption, const Flame& f) {
  const double W = 1200, row = 17, char_w = 6.3;
  const double total = static_cast<double>(f.root.value);
  const double H = static_cast<double>(f.depth + 1) * row + 2;
  std::ostringstream body;
  std::size_t frames = 0;
  std::function<void(const FlameNode&, double, std::size_t)> draw = [&](const FlameNode& n, double x, std::size_t d) {
    double fx = x / total, fw = static_cast<double>(n.value) / total;
    double px = fx * W, pw = fw * W;
    ++frames;
    body << "<g class=\"f\" data-x=\"" << short_fraction(fx) << "\" data-w=\"" << short_fraction(fw) << "\" data-d=\"" << d
         << "\"><title>" << esc(n.name) << "\n"
         << esc(format_count(static_cast<double>(n.value))) << " allocation call" << (n.value == 1 ? "" : "s")
         << " · " << esc(percent(fw)) << "</title><rect x=\"" << fixed(px) << "\" y=\""
         << fixed(static_cast<double>(d) * row + 1) << "\" width=\"" << fixed(std::max(pw - 1, 0.5))
         << "\" height=\"" << row - 1 << "\" fill=\"" << (d == 0 ? "#c5cad1" : flame_colour(n.name)) << "\"/>";
    // Frames too narrow for a label get one from the script when zoomed.
    if (std::string label = fit_label(n.name, pw, char_w); !label.empty())
      body << "<text x=\"" << fixed(px + 3) << "\" y=\"" << fixed(static_cast<double>(d) * row + 13) << "\">"
           << esc(label) << "</text>";
    body << "</g>";
    double cx = x;
    for (const FlameNode& c : n.children) {
      draw(c, cx, d + 1);
      cx += static_cast<double>(c.value);
    }
  };
  draw(f.root, 0, 0);
  std::ostringstream o;
  o << "<figure class=\"chart-box flame-box\" id=\"flame-" << esc(slug(id)) << "\"><figcaption>" << esc(caption)
    << " <span class=\"note\">" << esc(format_count(total)) << " allocation calls in " << f.stacks
    << " stacks through the strategy (heaptrack's backtraces under the case's strategy frame); "
    << frames << " frames drawn";
  if (f.dropped)
    o << ", " << esc(format_count(static_cast<double>(f.dropped))) << " calls in frames under "
      << fixed(kFlameMinShare * 100, 1) << "% of the total left out";
  if (f.cut) o << ", stacks cut at " << kFlameMaxDepth << " frames";
  o << ". Click a frame to zoom, the top row to reset.</span></figcaption>"
    << "<svg class=\"chart flame\" viewBox=\"0 0 " << W << " " << fixed(H) << "\" data-width=\"" << W
    << "\" data-char=\"" << char_w << "\" data-row=\"" << row << "\" role=\"img\" aria-label=\"" << esc("allocation flame graph of " + id)
    << "\">" << body.str() << "</svg></figure>";
  return o.str();
}

std::string heaptrack_section(const std::vector<const CaseResult*>& all, const ReportAttachments& att) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult* c : all)
    if (c->heaptrack.is_object() && !c->heaptrack.empty()) cases.push_back(c);
  if (cases.empty()) return "";
  struct Pair {
    const char* title;
    const char* heaptrack_key;
    Fmt fmt;
    bool judged;  // part of the agreement verdict
    std::uint64_t report::Allocations::*field;
  };
  const Pair pairs[] = {
      {"allocation calls", "calls", Fmt::count, true, &report::Allocations::count},
      {"temporary", "temporary", Fmt::count, true, &report::Allocations::temporary},
      {"peak live / peak heap", "peak_heap_bytes", Fmt::bytes, false, &report::Allocations::peak_live_bytes},
      {"leaked", "leaked_bytes", Fmt::bytes, false, &report::Allocations::leaked_bytes},
  };
  int agree = 0, disagree = 0, errors = 0;
  std::ostringstream rows;
  std::vector<std::pair<const CaseResult*, Flame>> flames;
  std::vector<std::pair<const CaseResult*, std::string>> notes;
  for (const CaseResult* c : cases) {
    const json& h = c->heaptrack;
    auto a = att.by_case.find(c->id);
    const CaseAttachment* attachment = a == att.by_case.end() ? nullptr : &a->second;
    std::string error = json_text(h, "error");
    std::optional<bool> agrees;
    if (h.contains("agrees") && h["agrees"].is_boolean()) agrees = h["agrees"].get<bool>();
    bool bad = !error.empty() || (agrees && !*agrees);
    if (!error.empty()) ++errors;
    else if (agrees && *agrees) ++agree;
    else if (agrees) ++disagree;
    rows << "<tr data-case=\"" << esc(c->id) << "\"" << (bad ? " class=\"bad\"" : "") << "><td class=\"nw\">"
         << esc(c->strategy) << " <span class=\"meta\">· " << esc(c->dataset) << " · " << esc(c->allocator)
         << "</span></td><td>";
    if (!error.empty()) rows << "<span class=\"badge st-bad\">error</span><div class=\"err\">" << esc(error) << "</div>";
    else if (!agrees) rows << "<span class=\"badge st-skip\">not compared</span>";
    else if (*agrees) rows << "<span class=\"badge st-ok\">agrees</span>";
    else
      rows << "<span class=\"badge st-bad\">disagrees</span><div class=\"err\">"
           << esc(json_text(h, "disagreement")) << "</div>";
    rows << "</td>";
    for (const Pair& p : pairs) {
      std::optional<double> mine, theirs = error.empty() ? json_number(h, p.heaptrack_key) : std::nullopt;
      if (c->allocations) mine = static_cast<double>((*c->allocations).*(p.field));
      rows << num_cell(mine, p.fmt);
      if (!theirs) {
        rows << "<td class=\"num na ht\">&ndash;</td>";
        continue;
      }
      const double h_value = theirs.value_or(0);
      const double m_value = mine.value_or(0);
      rows << "<td class=\"num ht";
      if (mine && m_value != h_value) {
        // The difference is written out: two figures that round alike can still differ.
        double d = h_value - m_value;
        std::string diff = std::string(d > 0 ? "+" : "") + (p.fmt == Fmt::bytes ? format_bytes(d) : format_count(d));
        rows << (p.judged ? " v-bad" : " v-warn") << "\" title=\"heaptrack " << esc(diff) << " vs membench\">"
             << esc(value_text(p.fmt, h_value)) << " <span class=\"diff\">(" << esc(diff) << ")</span></td>";
      } else {
        rows << "\"" << (mine ? " title=\"the same figure\"" : "") << ">" << esc(value_text(p.fmt, h_value)) << "</td>";
      }
    }
    rows << "<td class=\"nw\">";
    std::string recording = json_text(h, "recording");
    if (attachment && !attachment->recording_link.empty())
      rows << "<a href=\"" << esc(url_path(attachment->recording_link)) << "\" title=\"" << esc(recording)
           << " (opens in heaptrack_gui)\">recording</a>";
    else if (!recording.empty())
      rows << "<span class=\"meta\" title=\"" << esc(recording) << " (not found when this page was written)\">"
           << "recording</span>";
    rows << "</td><td class=\"nw\">";
    if (attachment && attachment->has_stacks) {
      Flame f = parse_flame(attachment->stacks);
      if (f.root.value > 0) {
        rows << "<a href=\"#flame-" << esc(slug(c->id)) << "\">flame graph</a>";
        flames.emplace_back(c, std::move(f));
      } else {
        rows << "<span class=\"meta\">no stacks in the file</span>";
      }
    } else if (attachment && !attachment->stacks_note.empty()) {
      rows << "<span class=\"meta\" title=\"" << esc(attachment->stacks_note) << "\">no flame graph</span>";
      notes.emplace_back(c, attachment->stacks_note);
    } else {
      rows << "<span class=\"meta\">&ndash;</span>";
    }
    rows << "</td></tr>";
  }
  std::ostringstream o;
  o << "<h3>heaptrack</h3><p>";
  o << cases.size() << " case" << (cases.size() == 1 ? "" : "s") << " recorded under heaptrack: ";
  std::vector<std::string> parts;
  if (agree) parts.push_back("<span class=\"v-good\">" + std::to_string(agree) + " agree</span>");
  if (disagree)
    parts.push_back("<span class=\"v-bad\">" + std::to_string(disagree) + " disagree" + "</span>");
  if (errors) parts.push_back("<span class=\"v-bad\">" + std::to_string(errors) + " failed</span>");
  std::size_t uncompared = cases.size() - static_cast<std::size_t>(agree + disagree + errors);
  if (uncompared) parts.push_back(std::to_string(uncompared) + " not compared");
  for (std::size_t i = 0; i < parts.size(); ++i) o << (i ? ", " : "") << parts[i];
  o << " with membench's own counts. <span class=\"meta\">heaptrack's figures are attributed to the strategy: the "
       "case's recording minus that of a do-nothing calibration run. Agreement is judged on allocation calls and "
       "temporary allocations; byte figures that differ are marked but not judged.</span></p>";
  o << "<div class=\"scroll\"><table class=\"heaptrack\"><thead><tr><th rowspan=\"2\">case</th>"
       "<th rowspan=\"2\">agreement</th>";
  for (const Pair& p : pairs) o << "<th colspan=\"2\" class=\"pair\">" << esc(p.title) << "</th>";
  o << "<th rowspan=\"2\" colspan=\"2\">files</th></tr><tr>";
  for (std::size_t i = 0; i < std::size(pairs); ++i)
    o << "<th class=\"num\">membench</th><th class=\"num ht\">heaptrack</th>";
  o << "</tr></thead><tbody>" << rows.str() << "</tbody></table></div>";
  if (!flames.empty() || !notes.empty()) {
    o << "<h4>Allocation flame graphs <span class=\"meta\">(" << flames.size()
      << "): allocation calls per call stack, root at the top, wider is more calls</span></h4>";
    bool first = true;
    for (const auto& [c, f] : flames) {
      o << "<details class=\"flame\"" << (first ? " open" : "") << "><summary>" << esc(c->strategy)
        << " <span class=\"meta\">· " << esc(c->dataset) << " · " << esc(c->allocator) << "</span></summary>"
        << flame_graph(c->id, c->id, f) << "</details>";
      first = false;
    }
    for (const auto& [c, note] : notes)
      o << "<p class=\"meta\">No flame graph for <span class=\"mono\">" << esc(c->id) << "</span>: " << esc(note)
        << "</p>";
  }
  return o.str();
}

std::string workload_section(const Report& r, const std::string& workload, const ReportAttachments& att) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult& c : r.results)
    if (c.workload == workload) cases.push_back(&c);
  std::vector<const ScalingFit*> fits;
  for (const ScalingFit& f : r.scaling)
    if (f.workload == workload) fits.push_back(&f);
  int bad = 0;
  for (const CaseResult* c : cases) bad += completed(*c) || c->status == Status::skipped ? 0 : 1;
  std::ostringstream o;
  o << "<section class=\"workload\" id=\"wl-" << esc(slug(workload)) << "\"><h2>Workload " << esc(workload)
    << " <span class=\"meta\">" << cases.size() << " case" << (cases.size() == 1 ? "" : "s");
  if (bad) o << ", <span class=\"v-bad\">" << bad << " not ok</span>";
  o << "</span></h2>";
  if (!cases.empty()) {
    o << "<p><input class=\"case-filter\" type=\"search\" placeholder=\"filter rows (text or regex)\" "
         "aria-label=\"filter rows\"></p>";
    o << results_table(cases) << bar_charts(cases) << timelines(cases);
    if (allocator_view_wanted(r)) o << allocators_section(cases);
    o << heaptrack_section(cases, att);
  }
  o << scaling_section(fits) << extras_section(cases) << "</section>";
  return o.str();
}

std::string problems_box(const Report& r) {
  std::vector<const CaseResult*> bad;
  for (const CaseResult& c : r.results)
    if (!completed(c) && c.status != Status::skipped) bad.push_back(&c);
  if (bad.empty()) return "";
  std::ostringstream o;
  o << "<div class=\"problems\" id=\"problems\"><strong>" << bad.size() << " case" << (bad.size() == 1 ? "" : "s")
    << " did not complete</strong><ul>";
  for (const CaseResult* c : bad)
    o << "<li><a href=\"#case-" << esc(slug(c->id)) << "\" class=\"mono\">" << esc(c->id) << "</a> "
      << status_badge(c->status) << (c->error.empty() ? "" : " <span class=\"err\">" + esc(c->error) + "</span>")
      << "</li>";
  o << "</ul></div>";
  return o.str();
}

std::string legend_section() {
  return R"(<section id="legend"><h2>How to read these metrics</h2><dl class="legend-text">
<dt>Peak RSS &Delta;</dt><dd>The case process's peak resident set size (the kernel's high-water mark, as <code>/usr/bin/time -v</code> reports it) minus its RSS right before the strategy started. Every case runs in a process of its own, so this is what the strategy itself added to physical memory.</dd>
<dt>anon &Delta; / file &Delta;</dt><dd>The sampled peaks of anonymous memory (heap, stacks, private buffers) and of file-backed pages (page cache mapped into the process, e.g. an mmap of the input), each minus its baseline. An mmap strategy shows up under <em>file</em>, a read buffer under <em>anon</em>. Samples can miss short spikes; the peak RSS cannot.</dd>
<dt>allocations, bytes allocated</dt><dd>Every malloc/calloc/realloc/aligned allocation and operator new between the strategy's start and end, counted once each, and the bytes requested. Exact and deterministic: the same binary on the same data gives the same counts.</dd>
<dt>peak live</dt><dd>The high-water mark of requested-and-not-yet-freed bytes during the strategy.</dd>
<dt>temporary</dt><dd>Allocations freed with no other allocation in between (heaptrack's definition): churn that a reused buffer would avoid.</dd>
<dt>leaked</dt><dd>Bytes the strategy allocated and had not freed when it ended.</dd>
<dt>median time, CV</dt><dd>Median over the repetitions of the real time per iteration (Google Benchmark), from runs separate from the memory run. CV is the spread of the repetitions (standard deviation / mean); above 5&nbsp;% treat small differences as noise.</dd>
<dt>throughput</dt><dd>Input bytes divided by the median real time.</dd>
<dt>timeline</dt><dd>RSS, anonymous and file-backed memory of the memory run, sampled from outside the process at a fixed interval; the dashed line is the baseline RSS. Hover a chart for the values at a point in time.</dd>
<dt>memory vs input size</dt><dd>The metric measured at three or more input sizes with a least-squares line through the points: <span class="badge cls-1">O(1)</span> stays flat as the input grows, <span class="badge cls-n">O(n)</span> grows with it, <span class="badge cls-q">O(?)</span> fits neither well.</dd>
<dt>allocators</dt><dd>With more than one allocator in a run, each case is repeated under each. <em>peak live (requested)</em> is what the strategy asked for, the same under every allocator; <em>peak RSS &Delta;</em> is what the process really grew by, so the gap between them is the allocator's overhead and fragmentation at the peak. <em>held after &Delta;</em> is the allocator's own figure (jemalloc: resident bytes; glibc: memory obtained from the system) right after the strategy returned minus right before it started: memory it kept after the strategy freed everything, not its peak. <em>in use after &Delta;</em> (jemalloc: active; glibc: in use) is what was still allocated. <em>allocator-counted bytes</em> (jemalloc) is the bytes it handed out, requests rounded up to its size classes.</dd>
<dt>heaptrack</dt><dd>With <code>run --heaptrack</code> each case also runs under heaptrack, and heaptrack's own figures for the strategy (its recording minus a do-nothing calibration run's) stand beside membench's: allocation calls, temporary allocations, peak heap, leaked bytes. The two count independently; calls and temporary must agree exactly, and a case where they do not is marked red. The recording opens in heaptrack_gui. The flame graph shows the strategy's allocation calls by call stack (heaptrack's backtraces through the strategy), root at the top; frames under 0.5&nbsp;% of the total are left out.</dd>
<dt>status</dt><dd><span class="badge st-ok">ok</span> completed; <span class="badge st-bad">failed</span> crashed or threw; <span class="badge st-bad">timeout</span> exceeded the time limit; <span class="badge st-bad">oom</span> exceeded the memory limit; <span class="badge st-bad">mismatch</span> its output differs from the other strategies of the workload; <span class="badge st-skip">skipped</span> not run.</dd>
</dl></section>)";
}

std::string context_section(const json& context) {
  return "<section id=\"context\"><h2>Run context</h2>" + kv_table(context_rows(context)) + "</section>";
}

std::string summary_chips(const Report& r) {
  std::map<std::string, int> by_status;
  for (const CaseResult& c : r.results) ++by_status[report::to_string(c.status)];
  std::ostringstream o;
  o << "<div class=\"chips\"><span>" << r.results.size() << " cases</span>";
  for (Status s : {Status::ok, Status::failed, Status::timeout, Status::oom, Status::mismatch, Status::skipped}) {
    auto it = by_status.find(report::to_string(s));
    if (it == by_status.end()) continue;
    o << "<span class=\"" << status_class(s) << "\">" << it->second << " " << it->first << "</span>";
  }
  int disagree = 0, heaptrack_errors = 0;
  for (const CaseResult& c : r.results) {
    if (!c.heaptrack.is_object()) continue;
    if (c.heaptrack.contains("error")) ++heaptrack_errors;
    else if (c.heaptrack.contains("agrees") && c.heaptrack["agrees"] == false) ++disagree;
  }
  if (disagree)
    o << "<span class=\"st-bad\">" << disagree << " heaptrack disagreement" << (disagree == 1 ? "" : "s") << "</span>";
  if (heaptrack_errors)
    o << "<span class=\"st-bad\">" << heaptrack_errors << " heaptrack error" << (heaptrack_errors == 1 ? "" : "s")
      << "</span>";
  o << "</div>";
  return o.str();
}

std::string header_meta(const json& context) {
  std::vector<std::string> parts;
  auto add = [&](const std::string& label, const std::string& v) {
    if (!v.empty()) parts.push_back(label + esc(v));
  };
  add("suite ", an::context_text(context, {"suite"}));
  add("", created_of(context));
  add("host ", an::context_text(context, {"host", "hostname", "host_name"}));
  add("commit ", an::context_text(context, {"git_commit", "commit"}).substr(0, 12));
  add("", an::context_text(context, {"compiler"}));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

// ---- trend -------------------------------------------------------------------------------

struct TrendMetric {
  const char* metric;
  const char* title;
  Fmt fmt;
};
const TrendMetric kTrendMetrics[] = {
    {"memory.peak_rss_delta_bytes", "peak RSS Δ", Fmt::bytes},
    {"allocations.count", "allocations", Fmt::count},
    {"allocations.peak_live_bytes", "peak live", Fmt::bytes},
    {"time.median_real_ns", "median time", Fmt::ns},
    {"throughput.bytes_per_second", "throughput", Fmt::bytes_per_second},
};

std::string run_label(const Report& r, std::size_t i) {
  std::string created = created_of(r.context);
  return "#" + std::to_string(i + 1) + (created.empty() ? "" : " " + created);
}

std::string status_strip(const std::vector<std::optional<Status>>& history, const std::vector<std::string>& labels) {
  const double cell = 10;
  std::ostringstream o;
  o << "<svg class=\"strip\" viewBox=\"0 0 " << history.size() * cell << " 12\" width=\"" << history.size() * cell
    << "\" height=\"12\" role=\"img\">";
  for (std::size_t i = 0; i < history.size(); ++i) {
    const char* fill = !history[i] ? "#d0d4da" : *history[i] == Status::ok ? "#59a14f"
                       : *history[i] == Status::skipped                    ? "#9aa5b1"
                                                                           : "#d62728";
    o << "<rect x=\"" << i * cell + 1 << "\" y=\"1\" width=\"" << cell - 2 << "\" height=\"10\" rx=\"1.5\" fill=\""
      << fill << "\"><title>" << esc(labels[i]) << ": " << (history[i] ? report::to_string(*history[i]) : "not run")
      << "</title></rect>";
  }
  o << "</svg>";
  return o.str();
}

std::string trend_section(const std::vector<Report>& reports) {
  const std::size_t n = reports.size();
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < n; ++i) labels.push_back(run_label(reports[i], i));

  // Regressions between consecutive runs, judged as `compare` would.
  std::set<std::string> regressed;  // "run|id|metric"
  std::ostringstream regress_rows;
  int regress_count = 0;
  for (std::size_t i = 1; i < n; ++i) {
    an::Comparison cmp = an::compare_reports(reports[i - 1], reports[i]);
    for (const an::CaseComparison& cc : cmp.cases) {
      if (cc.status_regressed()) {
        regressed.insert(std::to_string(i) + "|" + cc.id + "|status");
        ++regress_count;
        regress_rows << "<tr class=\"bad\"><td>" << esc(labels[i]) << "</td><td class=\"mono\">" << esc(cc.id)
                     << "</td><td>status</td><td>" << report::to_string(cc.base_status) << " &rarr; "
                     << status_badge(cc.head_status) << "</td><td class=\"err\">" << esc(cc.head_error)
                     << "</td></tr>";
      }
      for (const an::MetricChange& m : cc.metrics) {
        if (m.verdict != an::Verdict::regressed) continue;
        regressed.insert(std::to_string(i) + "|" + cc.id + "|" + m.metric->name);
        ++regress_count;
        regress_rows << "<tr><td>" << esc(labels[i]) << "</td><td class=\"mono\">" << esc(cc.id)
                     << "</td><td class=\"mono\">" << esc(m.metric->name) << "</td><td class=\"num v-bad\">"
                     << esc(an::format_value(m.metric->unit, m.base)) << " &rarr; "
                     << esc(an::format_value(m.metric->unit, m.head)) << " (" << esc(an::format_relative(m.relative))
                     << ")</td><td>" << esc(m.note) << "</td></tr>";
      }
    }
  }

  std::ostringstream o;
  o << "<section id=\"trend\"><h2>Trend over " << n << " runs</h2>";
  o << "<div class=\"scroll\"><table class=\"runs\"><thead><tr><th>run</th><th>commit</th><th>host</th>"
       "<th class=\"num\">cases</th><th class=\"num\">not ok</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < n; ++i) {
    int bad = 0;
    for (const CaseResult& c : reports[i].results) bad += completed(c) || c.status == Status::skipped ? 0 : 1;
    o << "<tr><td>" << esc(labels[i]) << (i + 1 == n ? " <span class=\"meta\">(shown below)</span>" : "")
      << "</td><td class=\"mono\">" << esc(an::context_text(reports[i].context, {"git_commit", "commit"}).substr(0, 12))
      << "</td><td>" << esc(an::context_text(reports[i].context, {"host", "hostname", "host_name"}))
      << "</td><td class=\"num\">" << reports[i].results.size() << "</td><td class=\"num" << (bad ? " v-bad" : "")
      << "\">" << bad << "</td></tr>";
  }
  o << "</tbody></table></div>";
  if (regress_count) {
    o << "<h3 class=\"v-bad\">" << regress_count << " regression" << (regress_count == 1 ? "" : "s")
      << " between consecutive runs</h3><div class=\"scroll\"><table class=\"sortable regressions\"><thead><tr>"
         "<th>run</th><th>case</th><th>metric</th><th class=\"num\">change</th><th>note</th></tr></thead><tbody>"
      << regress_rows.str() << "</tbody></table></div>";
  } else {
    o << "<p class=\"v-good\">No regression between consecutive runs (default thresholds).</p>";
  }

  // Cases of the newest run first, then those only older runs have.
  std::vector<std::string> ids;
  for (std::size_t k = n; k-- > 0;)
    for (const CaseResult& c : reports[k].results)
      if (std::find(ids.begin(), ids.end(), c.id) == ids.end()) ids.push_back(c.id);
  std::vector<std::map<std::string, const CaseResult*>> index(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const CaseResult& c : reports[i].results) index[i].emplace(c.id, &c);
  std::vector<std::string> workloads;
  std::map<std::string, std::string> workload_of;
  for (const std::string& id : ids) {
    for (std::size_t i = 0; i < n && !workload_of.count(id); ++i)
      if (auto it = index[i].find(id); it != index[i].end()) workload_of[id] = it->second->workload;
    if (std::find(workloads.begin(), workloads.end(), workload_of[id]) == workloads.end())
      workloads.push_back(workload_of[id]);
  }
  for (const std::string& wl : workloads) {
    o << "<h3>" << esc(wl) << "</h3><div class=\"scroll\"><table class=\"sortable trend\"><thead><tr><th>case</th>"
         "<th>status</th>";
    for (const TrendMetric& m : kTrendMetrics) o << "<th class=\"num\">" << esc(m.title) << "</th>";
    o << "</tr></thead><tbody>";
    for (const std::string& id : ids) {
      if (workload_of[id] != wl) continue;
      std::vector<std::optional<Status>> statuses(n);
      bool status_bad = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (auto it = index[i].find(id); it != index[i].end()) statuses[i] = it->second->status;
        status_bad |= regressed.count(std::to_string(i) + "|" + id + "|status") > 0;
      }
      o << "<tr" << (status_bad ? " class=\"bad\"" : "") << "><td class=\"mono\">"
        << esc(id.substr(wl.size() + 1)) << "</td><td>" << status_strip(statuses, labels) << "</td>";
      for (const TrendMetric& m : kTrendMetrics) {
        std::vector<std::optional<double>> values(n);
        std::vector<bool> marks(n, false);
        std::vector<std::string> titles(n);
        std::optional<double> first, last;
        for (std::size_t i = 0; i < n; ++i) {
          auto it = index[i].find(id);
          if (it == index[i].end() || !completed(*it->second)) continue;
          values[i] = an::metric_value(*it->second, m.metric);
          if (!values[i]) continue;
          if (!first) first = values[i];
          last = values[i];
          marks[i] = regressed.count(std::to_string(i) + "|" + id + "|" + m.metric) > 0;
          titles[i] = labels[i] + ": " + value_text(m.fmt, *values[i]) + (marks[i] ? " (regression)" : "");
        }
        if (!last) {
          o << "<td class=\"num na\" data-v=\"\">&ndash;</td>";
          continue;
        }
        double change = *first != 0 ? (*last - *first) / std::fabs(*first) : 0;
        o << "<td class=\"num spark-cell\" data-v=\"" << sort_key(change) << "\">" << sparkline(values, marks, titles)
          << "<div>";
        // The newest run is what the row stands for: say so when it has no figure.
        if (statuses[n - 1] && *statuses[n - 1] != Status::ok)
          o << "<span class=\"" << status_class(*statuses[n - 1]) << "\">" << report::to_string(*statuses[n - 1])
            << "</span>";
        else if (!statuses[n - 1])
          o << "<span class=\"meta\">not run</span>";
        else
          o << esc(value_text(m.fmt, *last)) << " <span class=\"meta\">" << esc(an::format_relative(change))
            << "</span>";
        o << "</div></td>";
      }
      o << "</tr>";
    }
    o << "</tbody></table></div>";
  }
  o << "<p class=\"meta\">Each cell: the metric per run (oldest left), the newest value and its change since the "
       "first run. Red points: a regression against the previous run by compare's default thresholds.</p>";
  o << "</section>";
  return o.str();
}

// ---- the compare page ------------------------------------------------------------------

const char* verdict_class(an::Verdict v) {
  switch (v) {
    case an::Verdict::regressed: return "v-bad";
    case an::Verdict::improved: return "v-good";
    case an::Verdict::not_significant:
    case an::Verdict::unavailable: return "v-warn";
    case an::Verdict::within: return "";
    case an::Verdict::unchanged: return "v-dim";
  }
  return "";
}

std::string case_verdict(const an::CaseComparison& cc) {
  if (int n = cc.regression_count()) return "REGRESSED (" + std::to_string(n) + ")";
  if (cc.status_fixed()) return "fixed";
  if (cc.head_status != Status::ok) return "still " + std::string(report::to_string(cc.head_status));
  for (const an::MetricChange& m : cc.metrics)
    if (m.verdict == an::Verdict::improved) return "improved";
  return cc.changed() ? "changed" : "same";
}

std::string p_text(const an::MetricChange& m) {
  if (m.p_value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, *m.p_value < 0.001 ? "%.1e" : "%.3f", *m.p_value);
    return buf;
  }
  if (m.threshold_only) return "n/a";
  return "";
}

std::string compare_timeline(const an::CaseComparison& cc) {
  const report::CaseResult* sides[] = {cc.base, cc.head};
  LineChart chart;
  chart.title = "Memory timeline, base vs head";
  chart.x_fmt = Fmt::ms;
  chart.y_fmt = Fmt::bytes;
  chart.width = 520;
  chart.height = 220;
  for (int side = 0; side < 2; ++side) {
    const report::CaseResult* c = sides[side];
    if (!c || !c->timeline) continue;
    const report::Timeline& t = *c->timeline;
    auto add = [&](const char* name, const char* colour, const std::vector<std::uint64_t>& v) {
      if (v.empty()) return;
      LineSeries s;
      s.name = std::string(side == 0 ? "base " : "head ") + name;
      s.colour = colour;
      s.dashed = side == 0;
      s.width = side == 0 ? 1.4 : 1.8;
      for (std::size_t i = 0; i < v.size(); ++i)
        s.points.emplace_back(static_cast<double>(i) * t.interval_ms, static_cast<double>(v[i]));
      chart.series.push_back(std::move(s));
    };
    add("RSS", side == 0 ? "#7f9cc0" : kRssColour, t.rss_bytes);
    add("anon", side == 0 ? "#f4b77a" : kAnonColour, t.anon_bytes);
  }
  if (chart.series.empty()) return "";
  return line_chart(chart);
}

std::string compare_card(const an::CaseComparison& cc) {
  std::ostringstream o;
  bool bad = cc.regression_count() > 0;
  o << "<div class=\"card" << (bad ? " bad" : "") << "\" id=\"cmp-" << esc(slug(cc.id)) << "\"><h3><span class=\"mono\">"
    << esc(cc.id) << "</span> <span class=\"" << (bad ? "v-bad" : cc.changed() ? "v-warn" : "v-dim") << "\">"
    << esc(case_verdict(cc)) << "</span></h3>";
  o << "<p>status: " << status_badge(cc.base_status) << " &rarr; " << status_badge(cc.head_status);
  o << " · repetitions " << cc.base_repetitions << " vs " << cc.head_repetitions;
  if (cc.digest_changed)
    o << " · <span class=\"v-warn\">output digest changed: <span class=\"mono\">" << esc(short_digest(cc.base_digest))
      << "</span> &rarr; <span class=\"mono\">" << esc(short_digest(cc.head_digest)) << "</span></span>";
  o << "</p>";
  if (!cc.base_error.empty()) o << "<div class=\"err\">base: " << esc(cc.base_error) << "</div>";
  if (!cc.head_error.empty()) o << "<div class=\"err\">head: " << esc(cc.head_error) << "</div>";
  o << "<div class=\"card-body\">";
  if (!cc.metrics.empty()) {
    o << "<table class=\"metrics\"><thead><tr><th>metric</th><th class=\"num\">base</th><th class=\"num\">head</th>"
         "<th class=\"num\">&Delta;</th><th class=\"num\">&Delta;%</th><th class=\"num\">p</th><th>verdict</th>"
         "</tr></thead><tbody>";
    for (const an::MetricChange& m : cc.metrics) {
      const char* cls = verdict_class(m.verdict);
      o << "<tr><td class=\"mono\">" << esc(m.metric->name) << "</td><td class=\"num\">"
        << esc(an::format_value(m.metric->unit, m.base)) << "</td><td class=\"num\">"
        << esc(an::format_value(m.metric->unit, m.head)) << "</td><td class=\"num " << cls << "\">"
        << (m.verdict == an::Verdict::unavailable ? "" : esc(an::format_delta(m.metric->unit, m.delta)))
        << "</td><td class=\"num " << cls << "\">"
        << (m.verdict == an::Verdict::unavailable ? "" : esc(an::format_relative(m.relative)))
        << "</td><td class=\"num\">" << esc(p_text(m)) << "</td><td class=\"" << cls << "\">"
        << esc(an::to_string(m.verdict)) << (m.note.empty() ? "" : "<div class=\"meta\">" + esc(m.note) + "</div>")
        << "</td></tr>";
    }
    o << "</tbody></table>";
  }
  o << compare_timeline(cc) << "</div></div>";
  return o.str();
}

std::string overview_cell(const an::CaseComparison& cc, const char* metric) {
  for (const an::MetricChange& m : cc.metrics) {
    if (std::string(m.metric->name) != metric) continue;
    std::string title = an::format_value(m.metric->unit, m.base) + " → " + an::format_value(m.metric->unit, m.head) +
                        " (" + an::to_string(m.verdict) + (m.note.empty() ? "" : "; " + m.note) + ")";
    std::string text = m.verdict == an::Verdict::unavailable ? "n/a" : an::format_relative(m.relative);
    return std::string("<td class=\"num ") + verdict_class(m.verdict) + "\" data-v=\"" + sort_key(m.relative) +
           "\" title=\"" + esc(title) + "\">" + esc(text) + "</td>";
  }
  return "<td class=\"num na\" data-v=\"\">&ndash;</td>";
}

std::string context_compare(const json& base, const json& head) {
  std::vector<std::pair<std::string, std::string>> b = context_rows(base), h = context_rows(head);
  std::vector<std::string> keys;
  for (const auto& r : b) keys.push_back(r.first);
  for (const auto& r : h)
    if (std::find(keys.begin(), keys.end(), r.first) == keys.end()) keys.push_back(r.first);
  auto find = [](const std::vector<std::pair<std::string, std::string>>& rows, const std::string& k) {
    for (const auto& r : rows)
      if (r.first == k) return r.second;
    return std::string();
  };
  std::ostringstream o;
  o << "<div class=\"scroll\"><table class=\"kv\"><thead><tr><th></th><th>base</th><th>head</th></tr></thead><tbody>";
  for (const std::string& k : keys) {
    std::string bv = find(b, k), hv = find(h, k);
    o << "<tr" << (bv != hv ? " class=\"diff\"" : "") << "><th scope=\"row\">" << esc(k) << "</th><td class=\"mono\">"
      << esc(bv) << "</td><td class=\"mono\">" << esc(hv) << "</td></tr>";
  }
  o << "</tbody></table></div>";
  return o.str();
}

}  // namespace

std::string embed_json(const json& j) {
  std::string raw = j.dump(-1, ' ', false, json::error_handler_t::replace);
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

std::string html_report(const std::vector<Report>& reports) { return html_report(reports, ReportAttachments{}); }

std::string html_report(const std::vector<Report>& reports, const ReportAttachments& attachments) {
  if (reports.empty()) return page_start("membench report") + "<main><p>No report.</p></main>" + page_end(json::object());
  const Report& main_report = reports.back();
  std::vector<std::string> workloads = workloads_of(main_report);
  std::string suite = an::context_text(main_report.context, {"suite"});
  std::string title = "membench report" + (suite.empty() ? "" : " – " + suite);
  std::ostringstream o;
  o << page_start(title);
  o << "<header class=\"top\"><h1>" << esc(title) << "</h1><div class=\"meta\">" << header_meta(main_report.context)
    << "</div>" << summary_chips(main_report) << "<nav class=\"toc\">";
  if (reports.size() > 1) o << "<a href=\"#trend\">trend</a>";
  for (const std::string& wl : workloads) o << "<a href=\"#wl-" << esc(slug(wl)) << "\">" << esc(wl) << "</a>";
  o << "<a href=\"#context\">context</a><a href=\"#legend\">how to read</a>"
       "<button type=\"button\" id=\"download-json\">download report JSON</button></nav></header><main>";
  o << problems_box(main_report);
  if (reports.size() > 1) o << trend_section(reports);
  if (main_report.results.empty()) o << "<p>This report holds no results.</p>";
  for (const std::string& wl : workloads) o << workload_section(main_report, wl, attachments);
  o << context_section(main_report.context) << legend_section() << "</main>";
  o << page_end(report::to_json(main_report));
  return o.str();
}

std::string compare_html(const an::Comparison& c) {
  std::ostringstream o;
  o << page_start("membench compare: " + c.base_label + " vs " + c.head_label);
  const int n = c.regression_count();
  o << "<header class=\"top\"><h1>membench compare</h1><div class=\"meta\">base <span class=\"mono\">"
    << esc(c.base_label) << "</span> &rarr; head <span class=\"mono\">" << esc(c.head_label) << "</span></div>";
  o << "<div class=\"banner " << (n ? "bad" : "good") << "\" id=\"verdict\">";
  if (n)
    o << n << " regression" << (n == 1 ? "" : "s") << " in " << c.regressed_case_count() << " of " << c.cases.size()
      << " case" << (c.cases.size() == 1 ? "" : "s");
  else
    o << "No regression in " << c.cases.size() << " compared case" << (c.cases.size() == 1 ? "" : "s");
  o << "</div><nav class=\"toc\"><a href=\"#overview\">overview</a><a href=\"#cases\">cases</a>"
       "<a href=\"#context\">context</a></nav></header><main>";
  o << "<p class=\"meta\">Thresholds: " << esc(c.thresholds.describe()) << "</p>";

  o << "<section id=\"overview\"><h2>Overview</h2><p><input class=\"case-filter\" type=\"search\" "
       "placeholder=\"filter rows (text or regex)\" aria-label=\"filter rows\"></p>"
       "<div class=\"scroll\"><table class=\"sortable overview\"><thead><tr><th>case</th><th>status</th>"
       "<th>verdict</th><th class=\"num\">allocations</th><th class=\"num\">bytes allocated</th>"
       "<th class=\"num\">peak live</th><th class=\"num\">peak RSS &Delta;</th><th class=\"num\">median time</th>"
       "<th class=\"num\">throughput</th></tr></thead><tbody>";
  for (const an::CaseComparison& cc : c.cases) {
    bool bad = cc.regression_count() > 0;
    o << "<tr" << (bad ? " class=\"bad\"" : "") << "><td class=\"mono\"><a href=\"#cmp-" << esc(slug(cc.id)) << "\">"
      << esc(cc.id) << "</a></td><td>";
    if (cc.base_status == cc.head_status) o << status_badge(cc.head_status);
    else o << status_badge(cc.base_status) << " &rarr; " << status_badge(cc.head_status);
    o << "</td><td class=\"" << (bad ? "v-bad" : cc.changed() ? "v-warn" : "v-dim") << "\">" << esc(case_verdict(cc))
      << "</td>";
    for (const char* m : {"allocations.count", "allocations.bytes", "allocations.peak_live_bytes",
                          "memory.peak_rss_delta_bytes", "time.median_real_ns", "throughput.bytes_per_second"})
      o << overview_cell(cc, m);
    o << "</tr>";
  }
  o << "</tbody></table></div>";
  auto id_list = [&](const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    o << "<h3>" << title << " (" << ids.size() << ", not judged)</h3><ul>";
    for (const std::string& id : ids) o << "<li class=\"mono\">" << esc(id) << "</li>";
    o << "</ul>";
  };
  id_list("Only in base", c.only_in_base);
  id_list("Only in head", c.only_in_head);
  o << "</section><section id=\"cases\" class=\"cards\"><h2>Cases</h2>";
  std::size_t unchanged = 0;
  for (const an::CaseComparison& cc : c.cases) {
    if (!cc.changed() && cc.regression_count() == 0) {
      ++unchanged;
      continue;
    }
    o << compare_card(cc);
  }
  if (unchanged) {
    o << "<details><summary>" << unchanged << " unchanged case" << (unchanged == 1 ? "" : "s") << "</summary>";
    for (const an::CaseComparison& cc : c.cases)
      if (!cc.changed() && cc.regression_count() == 0) o << compare_card(cc);
    o << "</details>";
  }
  o << "</section><section id=\"context\"><h2>Run context</h2>" << context_compare(c.base_context, c.head_context)
    << "</section>" << legend_section() << "</main>";
  o << page_end(an::comparison_to_json(c));
  return o.str();
}

ReportAttachments read_attachments(const Report& report, const std::string& html_path,
                                   std::uintmax_t max_stacks_bytes) {
  namespace fs = std::filesystem;
  ReportAttachments out;
  std::error_code ec;
  fs::path page_dir = fs::absolute(fs::path(html_path), ec).parent_path();
  if (!ec) page_dir = fs::weakly_canonical(page_dir, ec);
  if (ec) page_dir.clear();
  for (const CaseResult& c : report.results) {
    if (!c.heaptrack.is_object()) continue;
    CaseAttachment a;
    std::string recording = json_text(c.heaptrack, "recording");
    if (!recording.empty() && !page_dir.empty()) {
      std::error_code e;
      fs::path p = fs::weakly_canonical(fs::absolute(recording, e), e);
      if (!e && fs::is_regular_file(p, e)) {
        fs::path rel = p.lexically_relative(page_dir);
        if (!rel.empty()) a.recording_link = rel.generic_string();
      }
    }
    std::string stacks = json_text(c.heaptrack, "flamegraph");
    if (!stacks.empty()) {
      std::error_code e;
      if (!fs::is_regular_file(stacks, e)) {
        a.stacks_note = "the stacks file " + stacks + " was not found";
      } else if (std::uintmax_t size = fs::file_size(stacks, e); e || size > max_stacks_bytes) {
        a.stacks_note = "the stacks file " + stacks + " is larger than " +
                        format_bytes(static_cast<double>(max_stacks_bytes)) + ", not embedded";
      } else {
        std::ifstream in(stacks, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) a.stacks_note = "the stacks file " + stacks + " could not be read";
        else if (text.size() > max_stacks_bytes) a.stacks_note = "the stacks file " + stacks + " grew while read";
        else {
          a.has_stacks = true;
          a.stacks = std::move(text);
        }
      }
    }
    if (a.recording_link.empty() && !a.has_stacks && a.stacks_note.empty()) continue;
    out.by_case[c.id] = std::move(a);
  }
  return out;
}

}  // namespace membench::render
