#include "cli/output_formats.h"

#include <unistd.h>

#include <filesystem>

#include "render/bmf_json.h"
#include "render/gbench_json.h"
#include "render/html.h"
#include "render/markdown.h"
#include "util/atomic_file.h"

namespace membench::cli {
namespace {

std::string html_page(const std::vector<report::Report>& history, const std::string& path) {
  // The files the newest report names (heaptrack stacks, recordings) are read
  // here; the renderer only presents what it is given.
  return render::html_report(history, render::read_attachments(history.back(), path));
}

std::string markdown_tables(const std::vector<report::Report>& history, const std::string&) {
  return render::results_markdown(history.back());
}

std::string gbench_file(const std::vector<report::Report>& history, const std::string&) {
  return render::gbench_json(history.back());
}

std::string bmf_file(const std::vector<report::Report>& history, const std::string&) {
  return render::bmf_json(history.back());
}

constexpr OutputFormat kFormats[] = {
    {"html", "one self-contained HTML page (with more than one report: a trend over all of them first)", html_page},
    {"markdown", "Markdown tables: one per workload, dataset and allocator, each strategy beside the reference",
     markdown_tables},
    {"gbench-json", "the timed results in Google Benchmark's JSON format", gbench_file},
    {"bmf", "every case's figures in the Bencher Metric Format (JSON; docs/budgets.md)", bmf_file},
};

}  // namespace

std::span<const OutputFormat> output_formats() { return kFormats; }

const OutputFormat* find_output_format(std::string_view option) {
  for (const OutputFormat& f : kFormats)
    if (option == f.option) return &f;
  return nullptr;
}

void check_writable(const std::string& path, const std::string& option) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (std::filesystem::is_directory(path)) throw UsageError(option + " " + path + ": is a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw UsageError(option + " " + path + ": directory " + dir.string() + " is not writable or does not exist");
}

void add_output_options(ArgParser& parser) {
  for (const OutputFormat& f : output_formats()) parser.option(f.option, f.help);
}

RequestedOutputs requested_outputs(const ArgParser& parser, const std::string& command, bool allow_stdout) {
  RequestedOutputs requested;
  bool to_stdout = false;
  for (const OutputFormat& f : output_formats()) {
    std::optional<std::string> path = parser.value(f.option);
    if (!path) continue;
    std::string option = std::string("--") + f.option;
    if (path->empty()) throw UsageError(command + ": " + option + " needs a file name");
    if (*path == "-") {
      if (!allow_stdout) throw UsageError(command + ": " + option + " needs a file name (stdout is taken)");
      if (to_stdout) throw UsageError(command + ": only one output can go to stdout (-)");
      to_stdout = true;
    }
    requested.files.push_back({&f, option, *path});
  }
  return requested;
}

std::vector<OutputArg> RequestedOutputs::as_output_args() const {
  std::vector<OutputArg> args;
  for (const File& f : files)
    if (f.path != "-") args.push_back({f.option.c_str(), f.path});
  return args;
}

void RequestedOutputs::check_writable() const {
  for (const File& f : files)
    if (f.path != "-") cli::check_writable(f.path, f.option);
}

std::vector<std::string> RequestedOutputs::write(const std::vector<report::Report>& history) const {
  // Everything rendered first: a failure leaves no file half done.
  std::vector<std::string> texts;
  for (const File& f : files) texts.push_back(f.format->render(history, f.path));
  std::vector<std::string> written;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].path == "-") {
      std::fwrite(texts[i].data(), 1, texts[i].size(), stdout);
      continue;
    }
    write_file_atomically(files[i].path, texts[i]);
    written.push_back(files[i].path);
  }
  return written;
}

}  // namespace membench::cli
