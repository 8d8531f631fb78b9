// membench merge IN.json... -o OUT.json: joins the shard reports of one run.
// The joining is report/merge.cpp's; this reads the files and writes the result.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output_checks.h"
#include "report/json.h"
#include "report/merge.h"

namespace membench::cli {
namespace {

int run_merge(const std::vector<std::string>& args) {
  ArgParser parser("merge", "IN.json... -o OUT.json");
  parser.option("out", "the merged report to write").alias('o');
  parser.parse(args);
  if (parser.help_requested()) {
    std::printf(
        "usage: membench merge IN.json... -o OUT.json\n\n"
        "Joins the shard reports of one run (run --shard I/N) into one report. Refuses shards\n"
        "of different runs (schema, context suite, membench_version, git_commit or build_id\n"
        "differ), the same shard twice and duplicate case ids. Scaling fits are kept as the\n"
        "shards computed them (identical ones once); nothing is re-measured or re-fitted.\n\n"
        "options:\n"
        "  -o, --out OUT.json      the merged report (replaced atomically)\n"
        "  --help                  show this help\n");
    return 0;
  }
  std::optional<std::string> out = parser.value("out");
  if (!out || out->empty()) throw UsageError("merge: -o OUT.json is required (see --help)");
  if (parser.positionals().empty()) throw UsageError("merge: no input report given (see --help)");
  check_outputs("merge", {{"-o", out}}, parser.positionals());

  std::vector<report::MergeInput> inputs;
  for (const std::string& path : parser.positionals()) inputs.push_back({path, report::read_report_file(path)});
  const std::size_t count = inputs.size();
  report::MergeResult merged;
  try {
    merged = report::merge_reports(std::move(inputs));
  } catch (const report::MergeError& e) {
    throw UsageError(std::string("merge: ") + e.what());
  }

  report::write_report_file(merged.report, *out);
  for (const std::string& w : merged.warnings) std::fprintf(stderr, "membench: merge: warning: %s\n", w.c_str());
  std::printf("merged %zu report%s (%zu cases, %zu scaling fits) into %s\n", count, count == 1 ? "" : "s",
              merged.report.results.size(), merged.report.scaling.size(), out->c_str());
  return 0;
}

}  // namespace

MEMBENCH_COMMAND(merge, "merge", "join the shard reports of one run", run_merge, false);

}  // namespace membench::cli
