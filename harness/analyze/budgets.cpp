#include "analyze/budgets.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "analyze/compare.h"
#include "core/strategy.h"
#include "report/sites.h"
#include "util/read_file.h"

namespace membench::analyze {
namespace {

using report::AllocationSite;
using report::BudgetCheck;
using report::BudgetOutcome;
using report::CaseResult;
using report::LeakEntry;

// Whitespace-separated words of one line, a '#' to the end of the line dropped.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line.substr(0, line.find('#')));
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string known_metric_names() {
  std::string out;
  for (const report::Metric& m : report::metrics()) out += (out.empty() ? "" : ", ") + std::string(m.name);
  return out;
}

// Each line of `text` with its number, for the two line-based formats.
template <typename OnLine>
void for_each_line(const std::string& text, OnLine on_line) {
  std::istringstream in(text);
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) on_line(++number, line);
}

std::string read_rules_file(const std::string& path, const char* what) {
  try {
    return read_regular_file(path, what);
  } catch (const InputFileError& e) {
    throw BudgetError(e.what());
  }
}

double scale_of(const std::string& suffix, const report::Metric& m, bool& ok) {
  ok = true;
  if (suffix.empty()) return 1;
  using U = report::MetricUnit;
  if (m.unit == U::bytes || m.unit == U::bytes_per_second) {
    const std::string unit = m.unit == U::bytes_per_second && suffix.ends_with("/s")
                                 ? suffix.substr(0, suffix.size() - 2) : suffix;
    if (unit == "B") return 1;
    if (unit == "KiB" || unit == "K") return 1024.0;
    if (unit == "MiB" || unit == "M") return 1024.0 * 1024;
    if (unit == "GiB" || unit == "G") return 1024.0 * 1024 * 1024;
    if (unit == "kB" || unit == "KB") return 1e3;
    if (unit == "MB") return 1e6;
    if (unit == "GB") return 1e9;
  }
  if (m.unit == U::ratio && suffix == "%") return 0.01;
  if (m.unit == U::nanoseconds) {
    if (suffix == "ns") return 1;
    if (suffix == "us") return 1e3;
    if (suffix == "ms") return 1e6;
    if (suffix == "s") return 1e9;
  }
  ok = false;
  return 0;
}

const char* op_text(BudgetOp op) { return op == BudgetOp::at_most ? "<=" : ">="; }

// The figure a budget judges; the leak budget counts unsuppressed leaks only.
std::optional<double> judged_value(const Budget& b, const CaseResult& c, const BudgetOutcome& outcome) {
  if (b.metric->id != report::MetricId::leaked || !c.allocations) return b.metric->value(c);
  double counted = 0;
  for (const LeakEntry& l : outcome.leaks)
    if (l.suppressed_by.empty()) counted += static_cast<double>(l.bytes);
  return counted;
}

std::string site_name(const AllocationSite& s) {
  const report::SiteFrame* f = report::site_location(s);
  return f ? report::frame_label(*f) : "(sites not recorded one by one)";
}

// The case's leaking sites, each with the suppression that drops it. All of
// them when the run still holds every site, else the report's (the rest in
// one "other" entry), else the total alone when no sites were recorded.
std::vector<LeakEntry> leaks_of(const CaseResult& c, const std::vector<LeakSuppression>& suppressions) {
  std::vector<LeakEntry> out;
  if (!c.allocations || c.allocations->leaked_bytes == 0) return out;
  const auto& sites = c.allocations->sites;
  if (!sites) {
    out.push_back({"(no allocation sites recorded: run --sites N)", c.allocations->leaked_bytes, ""});
    return out;
  }
  std::vector<const AllocationSite*> leaking;
  for (const AllocationSite& s : sites->all.empty() ? sites->entries : sites->all)
    if (s.leaked_bytes > 0) leaking.push_back(&s);
  if (sites->all.empty() && sites->other.leaked_bytes > 0) leaking.push_back(&sites->other);
  for (const AllocationSite* s : leaking) {
    LeakEntry entry{site_name(*s), s->leaked_bytes, ""};
    for (const LeakSuppression& rule : suppressions)
      if (suppression_matches(rule.pattern, *s)) {
        entry.suppressed_by = "leak:" + rule.pattern + " (" + rule.source + ")";
        break;
      }
    out.push_back(std::move(entry));
  }
  return out;
}

bool applies(const Budget& b, const CaseResult& c) {
  if (!b.workload.empty()) return b.workload == c.workload && b.strategy == c.strategy;
  return std::regex_search(c.id, b.regex);
}

// Glob match of `pattern` (with '*') against all of `text`.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// LeakSanitizer's rule: a substring unless anchored with ^ or $.
bool lsan_match(const std::string& pattern, const std::string& text) {
  if (text.empty()) return false;
  std::string_view p = pattern;
  const bool head = p.starts_with('^'), tail = p.ends_with('$') && p.size() > 1;
  if (head) p.remove_prefix(1);
  if (tail) p.remove_suffix(1);
  const std::string glob = std::string(head ? "" : "*") + std::string(p) + (tail ? "" : "*");
  return glob_match(glob, text);
}

}  // namespace

std::optional<double> parse_budget_value(const std::string& text, const report::Metric& metric) {
  const char* start = text.c_str();
  char* end = nullptr;
  const double number = std::strtod(start, &end);
  if (end == start || !std::isfinite(number) || number < 0) return std::nullopt;
  bool ok = false;
  const double scale = scale_of(std::string(end), metric, ok);
  if (!ok) return std::nullopt;
  return number * scale;
}

std::vector<Budget> parse_budgets(const std::string& text, const std::string& source) {
  std::vector<Budget> out;
  for_each_line(text, [&](std::size_t number, const std::string& line) {
    const std::vector<std::string> w = words_of(line);
    if (w.empty()) return;
    const std::string where = source + ":" + std::to_string(number);
    if (w.size() != 4)
      throw BudgetError(where + ": expected PATTERN METRIC <= VALUE (or >=), found " + std::to_string(w.size()) +
                        " words");
    Budget b;
    b.pattern = w[0];
    b.source = where;
    try {
      b.regex = std::regex(b.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw BudgetError(where + ": invalid regular expression '" + b.pattern + "': " + e.what());
    }
    b.metric = report::find_metric(w[1]);
    if (!b.metric) throw BudgetError(where + ": unknown metric '" + w[1] + "' (known: " + known_metric_names() + ")");
    if (w[2] == "<=") b.op = BudgetOp::at_most;
    else if (w[2] == ">=") b.op = BudgetOp::at_least;
    else throw BudgetError(where + ": '" + w[2] + "' is not <= or >=");
    std::optional<double> limit = parse_budget_value(w[3], *b.metric);
    if (!limit)
      throw BudgetError(where + ": '" + w[3] + "' is not a value >= 0 for " + b.metric->name +
                        " (a number; sizes may end in B, KiB, MiB, GiB; ratios in %; times in ns, us, ms, s)");
    b.limit = *limit;
    out.push_back(std::move(b));
  });
  return out;
}

std::vector<LeakSuppression> parse_suppressions(const std::string& text, const std::string& source) {
  std::vector<LeakSuppression> out;
  for_each_line(text, [&](std::size_t number, const std::string& line) {
    const std::vector<std::string> w = words_of(line);
    if (w.empty()) return;
    const std::string where = source + ":" + std::to_string(number);
    if (w.size() != 1 || !w[0].starts_with("leak:") || w[0].size() == 5)
      throw BudgetError(where + ": expected leak:PATTERN (a function or file name; * matches anything)");
    out.push_back({w[0].substr(5), where});
  });
  return out;
}

std::vector<Budget> read_budgets_file(const std::string& path) {
  return parse_budgets(read_rules_file(path, "budgets file"), path);
}

std::vector<LeakSuppression> read_suppressions_file(const std::string& path) {
  return parse_suppressions(read_rules_file(path, "suppressions file"), path);
}

std::vector<Budget> registered_budgets() {
  std::vector<Budget> out;
  for (const StrategyBudget& sb : strategy_budget_registry()) {
    Budget b;
    b.metric = report::find_metric(sb.metric);
    b.workload = sb.workload;
    b.strategy = sb.strategy;
    if (!b.metric)
      throw BudgetError("budget of " + b.workload + "/" + b.strategy + ": unknown metric '" + sb.metric + "'");
    b.pattern = "^" + b.workload + "/" + b.strategy + "/";
    b.limit = sb.at_most;
    b.source = "registration";
    out.push_back(std::move(b));
  }
  return out;
}

bool suppression_matches(const std::string& pattern, const AllocationSite& site) {
  for (const report::SiteFrame& f : site.frames)
    if (lsan_match(pattern, f.function) || lsan_match(pattern, f.file)) return true;
  return false;
}

int judge_budgets(report::Report& rep, const BudgetRules& rules) {
  int over = 0;
  for (CaseResult& c : rep.results) {
    c.budget.reset();
    if (c.status != report::Status::ok) continue;
    BudgetOutcome outcome;
    outcome.leaks = leaks_of(c, rules.suppressions);
    for (const Budget& b : rules.budgets) {
      if (!applies(b, c)) continue;
      BudgetCheck check{b.metric->name, op_text(b.op), b.limit, judged_value(b, c, outcome), b.source, false};
      if (check.value)
        check.over = b.op == BudgetOp::at_most ? *check.value > b.limit : *check.value < b.limit;
      outcome.checks.push_back(std::move(check));
    }
    if (outcome.checks.empty() && outcome.leaks.empty()) continue;
    over += outcome.over() ? 1 : 0;
    c.budget = std::move(outcome);
  }
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& f : rules.files) files.push_back(f);
  std::size_t registered = 0;
  for (const Budget& b : rules.budgets) registered += b.workload.empty() ? 0 : 1;
  rep.context["budgets"] = {{"files", files},
                            {"budgets", rules.budgets.size()},
                            {"declared_with_strategies", registered},
                            {"suppressions", rules.suppressions.size()}};
  return over;
}

int cases_over_budget(const report::Report& rep) {
  int over = 0;
  for (const CaseResult& c : rep.results) over += c.budget && c.budget->over() ? 1 : 0;
  return over;
}

std::string describe_check(const BudgetCheck& check) {
  const report::Metric* m = report::find_metric(check.metric);
  auto shown = [&](double v) { return report::metric_value_text(check.metric, v); };
  const char* label = m ? m->label : check.metric.c_str();
  std::string relation = check.over ? (check.op == "<=" ? " > " : " < ") : (" " + check.op + " ");
  std::string value = check.value ? shown(*check.value) : "not measured";
  return std::string(label) + " " + value + relation + "limit " + shown(check.limit) + " (" + check.metric +
         ", " + check.source + ")";
}

std::string describe_leak(const LeakEntry& leak) {
  std::string out = format_bytes(static_cast<double>(leak.bytes)) + " at " + leak.site;
  if (!leak.suppressed_by.empty()) out += ", suppressed by " + leak.suppressed_by;
  return out;
}

const char* budgets_format_help() {
  return "budgets file: one budget a line, PATTERN METRIC <= VALUE (or >=), # comments:\n"
         "  ^hash/stream/            memory.peak_rss_delta_bytes  <=  64KiB\n"
         "  ^fields/vector_reserve/  allocations.count_per_item   <=  1.01\n"
         "  .                        allocations.leaked_bytes     <=  0\n"
         "  PATTERN is a regular expression searched in the case id; METRIC a name of the\n"
         "  metric's name as the report JSON has it (docs/budgets.md lists them); sizes\n"
         "  may end in B, KiB, MiB, GiB, ratios in %. Budgets declared with a strategy's\n"
         "  registration\n"
         "  (MEMBENCH_STRATEGY_BUDGET) apply too.\n"
         "suppressions file: leak:PATTERN lines (LeakSanitizer's format), # comments;\n"
         "  a leaking site whose function or file matches is listed as suppressed and\n"
         "  does not count against allocations.leaked_bytes.\n";
}

}  // namespace membench::analyze
