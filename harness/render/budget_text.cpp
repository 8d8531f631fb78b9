#include "render/budget_text.h"

#include <sstream>
#include <vector>

#include "analyze/budgets.h"
#include "report/metrics.h"
#include "render/html_page.h"

namespace membench::render {
namespace {

using report::BudgetCheck;
using report::CaseResult;
using report::LeakEntry;

bool judged(const report::Report& r) { return r.context.contains("budgets"); }

struct Tally {
  std::size_t checks = 0, cases = 0, over = 0, suppressed = 0;
};

Tally tally(const report::Report& r) {
  Tally t;
  for (const CaseResult& c : r.results) {
    if (!c.budget) continue;
    t.checks += c.budget->checks.size();
    t.cases += c.budget->checks.empty() ? 0 : 1;
    t.over += c.budget->over() ? 1 : 0;
    for (const LeakEntry& l : c.budget->leaks) t.suppressed += l.suppressed_by.empty() ? 0 : 1;
  }
  return t;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string tally_text(const Tally& t) {
  return plural(t.checks, "budget check", "budget checks") + " on " + plural(t.cases, "case", "cases") + ": " +
         (t.over == 0 ? "all within budget" : plural(t.over, "case", "cases") + " over budget") +
         (t.suppressed ? ", " + plural(t.suppressed, "leak", "leaks") + " suppressed" : "");
}

// A leaked-bytes check lists the sites it counted.
bool is_leak_check(const BudgetCheck& k) {
  return k.metric == report::metric(report::MetricId::leaked).name;
}

}  // namespace

std::string budget_lines(const report::Report& r) {
  if (!judged(r)) return "";
  std::ostringstream out;
  out << "\n";
  for (const CaseResult& c : r.results) {
    if (!c.budget) continue;
    for (const BudgetCheck& k : c.budget->checks) {
      if (!k.over) continue;
      out << "over budget: " << c.id << ": " << analyze::describe_check(k) << "\n";
      if (is_leak_check(k))
        for (const LeakEntry& l : c.budget->leaks)
          if (l.suppressed_by.empty()) out << "  leaked " << analyze::describe_leak(l) << "\n";
    }
    for (const LeakEntry& l : c.budget->leaks)
      if (!l.suppressed_by.empty()) out << "leak suppressed: " << c.id << ": " << analyze::describe_leak(l) << "\n";
  }
  out << "budgets: " << tally_text(tally(r)) << "\n";
  return out.str();
}

std::string budget_markdown(const report::Report& r) {
  if (!judged(r)) return "";
  auto cell = [](std::string s) {
    std::string o;
    for (char ch : s) o += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
    return o;
  };
  const Tally t = tally(r);
  std::ostringstream out;
  out << "### Budgets\n\n" << (t.over ? "**" : "") << tally_text(t) << (t.over ? "**" : "") << ".\n\n";
  if (t.over) {
    out << "| case | verdict | metric | value | limit | budget |\n| --- | --- | --- | ---: | ---: | --- |\n";
    for (const CaseResult& c : r.results)
      if (c.budget)
        for (const BudgetCheck& k : c.budget->checks) {
          if (!k.over) continue;
          const report::Metric* m = report::find_metric(k.metric);
          const std::string value = k.value ? report::metric_value_text(k.metric, *k.value) : "not measured";
          out << "| `" << cell(c.id) << "` | **over budget** | " << cell(m ? m->label : k.metric) << " | "
              << cell(value) << " | " << cell(k.op + " " + report::metric_value_text(k.metric, k.limit)) << " | "
              << cell(k.source) << " |\n";
        }
    out << "\n";
  }
  bool listed = false;
  for (const CaseResult& c : r.results)
    if (c.budget)
      for (const LeakEntry& l : c.budget->leaks) {
        out << "- `" << cell(c.id) << "`: " << (l.suppressed_by.empty() ? "leaked " : "leak suppressed: ")
            << cell(analyze::describe_leak(l)) << "\n";
        listed = true;
      }
  if (listed) out << "\n";
  return out.str();
}

std::string budget_html(const report::Report& r) {
  using html::esc;
  using html::slug;
  if (!judged(r)) return "";
  const Tally t = tally(r);
  std::ostringstream o;
  o << "<div class=\"" << (t.over ? "problems" : "budgets-ok") << "\" id=\"budgets\"><strong>Budgets: "
    << esc(tally_text(t)) << "</strong><ul>";
  for (const CaseResult& c : r.results) {
    if (!c.budget) continue;
    for (const BudgetCheck& k : c.budget->checks)
      if (k.over)
        o << "<li><a href=\"#case-" << esc(slug(c.id)) << "\" class=\"mono\">" << esc(c.id)
          << "</a> <span class=\"st-bad\">over budget</span> " << esc(analyze::describe_check(k)) << "</li>";
    for (const LeakEntry& l : c.budget->leaks)
      o << "<li><span class=\"mono\">" << esc(c.id) << "</span> "
        << (l.suppressed_by.empty() ? "leaked " : "<span class=\"st-skip\">leak suppressed</span> ")
        << esc(analyze::describe_leak(l)) << "</li>";
  }
  o << "</ul></div>";
  return o.str();
}

}  // namespace membench::render
