#include "cli/site_stacks.h"

#include <filesystem>

#include "report/sites.h"
#include "util/atomic_file.h"

namespace membench::cli {

void write_site_stacks(report::Report& report, const std::string& report_path, std::uint32_t top) {
  std::string stem = report_path;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
  nlohmann::json files = nlohmann::json::object();
  for (report::SiteMetric m : {report::SiteMetric::count, report::SiteMetric::bytes, report::SiteMetric::peak}) {
    std::string text;
    for (const report::CaseResult& c : report.results)
      if (c.allocations && c.allocations->sites) text += report::folded_stacks(c.id, c.allocations->sites->all, m);
    if (text.empty()) continue;
    std::string path = stem + ".sites." + report::to_string(m) + ".folded";
    write_file_atomically(path, text);
    files[report::to_string(m)] = std::filesystem::path(path).filename().string();
  }
  if (!files.empty()) report.context["sites"] = {{"top", top}, {"folded", files}};
}

}  // namespace membench::cli
