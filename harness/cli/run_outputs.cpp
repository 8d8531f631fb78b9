#include "cli/run_outputs.h"

#include <stdexcept>

#include "util/atomic_file.h"

#ifdef MEMBENCH_HAVE_HTML
#include "render/html.h"
#endif
#ifdef MEMBENCH_HAVE_GBENCH
#include "render/gbench_json.h"
#endif

namespace membench::cli {

void write_run_outputs(const report::Report& report, const std::optional<std::string>& html_path,
                       const std::optional<std::string>& gbench_json_path) {
  if (html_path) {
#ifdef MEMBENCH_HAVE_HTML
    write_file_atomically(*html_path, render::html_report({report}));
#else
    throw std::runtime_error("--html: this build has no HTML renderer");
#endif
  }
  if (gbench_json_path) {
#ifdef MEMBENCH_HAVE_GBENCH
    write_file_atomically(*gbench_json_path, render::gbench_json(report));
#else
    throw std::runtime_error("--gbench-json: this build has no Google Benchmark exporter");
#endif
  }
}

}  // namespace membench::cli
