// compare's and ab's verdicts as text: the terminal table and the Markdown
// pull-request comment.
#include "render/compare_text.h"
#include "render/site_text.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace membench::render {

using analyze::CaseComparison;
using analyze::Comparison;
using analyze::MetricChange;
using analyze::MetricKind;
using analyze::Verdict;
using analyze::context_text;
using analyze::format_delta;
using analyze::format_p_value;
using analyze::format_percent;
using analyze::format_relative;
using analyze::format_value;
using analyze::time_basis;
using analyze::to_string;
using nlohmann::json;
using report::Status;

namespace {

struct Row {
  std::string verdict, id, metric, base, head, change, note;
  enum Tone { plain, bad, good, warn, dim } tone = plain;
};

std::string short_digest(const std::string& d) { return d.size() > 12 ? d.substr(0, 12) : d; }

std::string interval_text(double relative, double low, double high) {
  return format_relative(relative) + " [" + format_relative(low) + ", " + format_relative(high) + "]";
}

std::string change_text(const MetricChange& m) {
  // Judged on real and CPU time: both, and which decided.
  if (std::string both = time_measures_text(m); !both.empty()) return both;
  // A paired change is the median per-pair ratio with its interval:
  // "+7.9% [+5.1%, +10.6%]".
  if (m.interval_low && m.interval_high)
    return format_relative(m.relative) + " [" + format_relative(*m.interval_low) + ", " +
           format_relative(*m.interval_high) + "]";
  return format_delta(m.metric->unit, m.delta) + " (" + format_relative(m.relative) + ")";
}

Row::Tone tone_of(Verdict v) {
  switch (v) {
    case Verdict::regressed: return Row::bad;
    case Verdict::improved: return Row::good;
    case Verdict::not_significant:
    case Verdict::unavailable: return Row::warn;
    default: return Row::plain;
  }
}

std::vector<Row> rows_of(const Comparison& c) {
  std::vector<Row> rows;
  for (const CaseComparison& cc : c.cases) {
    std::size_t before = rows.size();
    if (cc.base_status != cc.head_status) {
      Row r;
      r.id = cc.id;
      r.metric = "status";
      r.base = report::to_string(cc.base_status);
      r.head = report::to_string(cc.head_status);
      if (cc.status_regressed()) {
        r.verdict = to_string(Verdict::regressed);
        r.tone = Row::bad;
        r.note = cc.head_error;
      } else if (cc.status_fixed()) {
        r.verdict = "fixed";
        r.tone = Row::good;
      } else {
        r.verdict = "still failing";
        r.tone = Row::warn;
        r.note = cc.head_error;
      }
      rows.push_back(r);
    } else if (cc.head_status != Status::ok) {
      Row r{"still " + std::string(report::to_string(cc.head_status)), cc.id, "status",
            report::to_string(cc.base_status), report::to_string(cc.head_status), "", cc.head_error,
            cc.head_status == Status::skipped ? Row::dim : Row::warn};
      rows.push_back(r);
    }
    for (const MetricChange& m : cc.metrics) {
      bool show = m.verdict == Verdict::regressed || m.verdict == Verdict::improved ||
                  m.verdict == Verdict::not_significant || m.verdict == Verdict::unavailable ||
                  (m.verdict == Verdict::within && m.metric->kind == MetricKind::exact);
      if (!show) continue;
      Row r;
      r.verdict = to_string(m.verdict);
      r.id = cc.id;
      r.metric = m.metric->name;
      r.base = format_value(m.metric->unit, m.base);
      r.head = format_value(m.metric->unit, m.head);
      r.change = m.verdict == Verdict::unavailable ? "" : change_text(m);
      r.note = m.note;
      if (m.p_value && m.note.empty()) r.note = "p = " + format_p_value(*m.p_value);
      if (m.noise_floor && m.note.find("noise floor") == std::string::npos)
        r.note += (r.note.empty() ? "" : "; ") + std::string("noise floor ") + format_percent(*m.noise_floor);
      r.tone = tone_of(m.verdict);
      rows.push_back(r);
    }
    if (cc.digest_changed) {
      rows.push_back({"digest changed", cc.id, "output_digest", short_digest(cc.base_digest),
                      short_digest(cc.head_digest), "", "the strategy's output differs", Row::warn});
    }
    if (rows.size() == before) {
      // One line per unchanged case, showing its time as the figure that moves most.
      Row r{"same", cc.id, "-", "", "", "", "", Row::dim};
      if (cc.metrics.empty()) r.note = "no figures compared";
      else r.note = "all " + std::to_string(cc.metrics.size()) + " metrics within thresholds";
      for (const MetricChange& m : cc.metrics)
        if (m.metric->kind == MetricKind::time) {
          r.metric = m.metric->name;
          r.base = format_value(m.metric->unit, m.base);
          r.head = format_value(m.metric->unit, m.head);
          r.change = m.interval_low ? change_text(m) : format_relative(m.relative);
          if (m.noise_floor) r.note += "; noise floor " + format_percent(*m.noise_floor);
        }
      rows.push_back(r);
    }
  }
  return rows;
}

std::string label_with_commit(const std::string& label, const json& context) {
  std::string commit = context_text(context, {"git_commit", "commit"});
  std::string created = context_text(context, {"created", "created_utc", "date", "timestamp"});
  std::string extra;
  if (!commit.empty()) extra += "commit " + commit.substr(0, 12);
  if (!created.empty()) extra += (extra.empty() ? "" : ", ") + created;
  return extra.empty() ? label : label + " (" + extra + ")";
}

std::string summary_line(const Comparison& c) {
  int n = c.regression_count();
  std::string s;
  if (n == 0)
    s = "no regression in " + std::to_string(c.cases.size()) + " compared case" + (c.cases.size() == 1 ? "" : "s");
  else
    s = std::to_string(n) + " regression" + (n == 1 ? "" : "s") + " in " +
        std::to_string(c.regressed_case_count()) + " of " + std::to_string(c.cases.size()) + " case" +
        (c.cases.size() == 1 ? "" : "s");
  int improved = 0;
  for (const CaseComparison& cc : c.cases) {
    if (cc.status_fixed()) ++improved;
    for (const MetricChange& m : cc.metrics)
      if (m.verdict == Verdict::improved) ++improved;
  }
  if (improved) s += ", " + std::to_string(improved) + " improvement" + (improved == 1 ? "" : "s");
  return s;
}

}  // namespace

std::string time_measures_text(const MetricChange& m) {
  if (!m.cpu || !m.interval_low || !m.interval_high) return "";
  return "decided by " + m.decided_by + ": real " + interval_text(m.relative, *m.interval_low, *m.interval_high) +
         ", CPU " + interval_text(m.cpu->relative, m.cpu->interval_low, m.cpu->interval_high);
}

std::string format_terminal(const Comparison& c, bool colour) {
  std::ostringstream out;
  auto paint = [&](const std::string& text, Row::Tone tone) -> std::string {
    if (!colour) return text;
    switch (tone) {
      case Row::bad: return "\033[1;31m" + text + "\033[0m";
      case Row::good: return "\033[32m" + text + "\033[0m";
      case Row::warn: return "\033[33m" + text + "\033[0m";
      case Row::dim: return "\033[2m" + text + "\033[0m";
      default: return text;
    }
  };
  out << "base: " << label_with_commit(c.base_label, c.base_context) << "\n";
  out << "head: " << label_with_commit(c.head_label, c.head_context) << "\n";
  out << "thresholds: " << c.thresholds.describe() << "\n";
  out << "time: " << time_basis(c) << "\n\n";

  std::vector<Row> rows = rows_of(c);
  const char* headers[] = {"VERDICT", "CASE", "METRIC", "BASE", "HEAD", "CHANGE", "NOTE"};
  std::size_t w[6] = {};
  for (int i = 0; i < 6; ++i) w[i] = std::string(headers[i]).size();
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.verdict.size());
    w[1] = std::max(w[1], r.id.size());
    w[2] = std::max(w[2], r.metric.size());
    w[3] = std::max(w[3], r.base.size());
    w[4] = std::max(w[4], r.head.size());
    w[5] = std::max(w[5], r.change.size());
  }
  auto pad = [](const std::string& s, std::size_t width, bool right) {
    std::string fill(width > s.size() ? width - s.size() : 0, ' ');
    return right ? fill + s : s + fill;
  };
  out << pad(headers[0], w[0], false) << "  " << pad(headers[1], w[1], false) << "  "
      << pad(headers[2], w[2], false) << "  " << pad(headers[3], w[3], true) << "  "
      << pad(headers[4], w[4], true) << "  " << pad(headers[5], w[5], true) << "  " << headers[6] << "\n";
  for (const Row& r : rows) {
    std::string line = pad(r.id, w[1], false) + "  " + pad(r.metric, w[2], false) + "  " +
                       pad(r.base, w[3], true) + "  " + pad(r.head, w[4], true) + "  " +
                       pad(r.change, w[5], true) + "  " + r.note;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << paint(pad(r.verdict, w[0], false), r.tone) << "  " << line << "\n";
  }
  out << site_changes_terminal(c, colour);
  if (!c.only_in_base.empty()) {
    out << "\nonly in base (" << c.only_in_base.size() << ", not judged):";
    for (const std::string& id : c.only_in_base) out << "\n  " << id;
    out << "\n";
  }
  if (!c.only_in_head.empty()) {
    out << "\nonly in head (" << c.only_in_head.size() << ", not judged):";
    for (const std::string& id : c.only_in_head) out << "\n  " << id;
    out << "\n";
  }
  std::string summary = summary_line(c);
  out << "\n"
      << paint("result: " + summary, c.has_regression() ? Row::bad : Row::good) << "\n";
  return out.str();
}

namespace {

std::string md_cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else out += ch;
  }
  return out;
}

std::string md_code(const std::string& s) {
  // Backticks inside a code span would end it.
  std::string clean;
  for (char ch : s) clean += ch == '`' ? '\'' : ch;
  // Built stepwise: GCC 12 warns falsely (-Wrestrict) on "lit" + std::string&&.
  std::string out = "`";
  out += md_cell(clean);
  out += '`';
  return out;
}

}  // namespace

std::string format_markdown(const Comparison& c) {
  std::ostringstream out;
  const int n = c.regression_count();
  out << "### membench: " << (n ? "regression detected" : "no regression") << "\n\n";
  out << "**" << summary_line(c) << "**\n\n";
  out << "base " << md_code(label_with_commit(c.base_label, c.base_context)) << " → head "
      << md_code(label_with_commit(c.head_label, c.head_context)) << "\n\n";

  std::vector<Row> rows = rows_of(c);
  auto table = [&](const std::vector<const Row*>& selected) {
    out << "| verdict | case | metric | base | head | change | note |\n";
    out << "|---|---|---|--:|--:|--:|---|\n";
    // A pull-request comment has a size limit; the HTML page has every row.
    const std::size_t limit = 150;
    for (std::size_t i = 0; i < selected.size() && i < limit; ++i) {
      const Row* r = selected[i];
      std::string verdict = r->tone == Row::bad ? "**" + md_cell(r->verdict) + "**" : md_cell(r->verdict);
      out << "| " << verdict << " | " << md_code(r->id) << " | " << md_cell(r->metric) << " | "
          << md_cell(r->base) << " | " << md_cell(r->head) << " | " << md_cell(r->change) << " | "
          << md_cell(r->note) << " |\n";
    }
    if (selected.size() > limit)
      out << "\n… and " << selected.size() - limit << " more rows (see the terminal output or the HTML page).\n";
    out << "\n";
  };
  std::vector<const Row*> bad, other;
  std::size_t same = 0;
  for (const Row& r : rows) {
    if (r.tone == Row::bad) bad.push_back(&r);
    else if (r.verdict == "same") ++same;
    else other.push_back(&r);
  }
  if (!bad.empty()) {
    out << "#### Regressions\n\n";
    table(bad);
  }
  if (!other.empty()) {
    out << "<details><summary>Other changes (" << other.size() << ")</summary>\n\n";
    table(other);
    out << "</details>\n\n";
  }
  if (same) out << same << " case" << (same == 1 ? "" : "s") << " unchanged within thresholds.\n\n";
  out << site_changes_markdown(c);
  auto id_list = [&](const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out << "<details><summary>" << title << " (" << ids.size() << ", not judged)</summary>\n\n";
    for (const std::string& id : ids) out << "- " << md_code(id) << "\n";
    out << "\n</details>\n\n";
  };
  id_list("Only in base", c.only_in_base);
  id_list("Only in head", c.only_in_head);
  out << "<sub>Thresholds: " << md_cell(c.thresholds.describe()) << ". Time: " << md_cell(time_basis(c))
      << "</sub>\n";
  return out.str();
}


}  // namespace membench::render
