#include "cli/run_outputs.h"

#include <stdexcept>

#include "util/atomic_file.h"

#include "render/gbench_json.h"
#include "render/html.h"

namespace membench::cli {

void write_run_outputs(const report::Report& report, const std::optional<std::string>& html_path,
                       const std::optional<std::string>& gbench_json_path) {
  if (html_path)
    write_file_atomically(*html_path, render::html_report({report}, render::read_attachments(report, *html_path)));
  if (gbench_json_path) write_file_atomically(*gbench_json_path, render::gbench_json(report));
}

}  // namespace membench::cli
