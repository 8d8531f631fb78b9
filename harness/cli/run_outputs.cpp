#include "cli/run_outputs.h"

#include <stdexcept>

#include "util/atomic_file.h"

#include "render/gbench_json.h"
#include "render/html.h"
#include "render/markdown.h"

namespace membench::cli {

void write_run_outputs(const report::Report& report, const RunOutputs& outputs) {
  if (outputs.html)
    write_file_atomically(*outputs.html, render::html_report({report}, render::read_attachments(report, *outputs.html)));
  if (outputs.markdown) write_file_atomically(*outputs.markdown, render::results_markdown(report));
  if (outputs.gbench_json) write_file_atomically(*outputs.gbench_json, render::gbench_json(report));
}

}  // namespace membench::cli
