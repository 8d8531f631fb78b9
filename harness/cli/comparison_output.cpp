#include "cli/comparison_output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "render/compare_text.h"
#include "render/html.h"
#include "util/atomic_file.h"

namespace membench::cli {

int emit_comparison(const analyze::Comparison& comparison, const ArgParser& parser) {
  if (auto out = parser.value("out"))
    write_file_atomically(*out, analyze::comparison_to_json(comparison).dump(2) + "\n");
  if (auto md = parser.value("markdown")) write_file_atomically(*md, render::format_markdown(comparison));
  if (auto html = parser.value("html")) write_file_atomically(*html, render::compare_html(comparison));
  const bool colour = ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  std::fputs(render::format_terminal(comparison, colour).c_str(), stdout);
  return comparison.has_regression() ? 1 : 0;
}

}  // namespace membench::cli
