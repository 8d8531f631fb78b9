// The files `run` and `report` can write from a report, listed once: both
// commands take `--OPTION FILE` for each format here, check the paths before
// they start, render every file before writing any, and write each
// atomically. A new format is one entry in output_formats.cpp.
#pragma once

#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output_checks.h"
#include "report/model.h"
#include "util/args.h"

namespace membench::cli {

struct OutputFormat {
  const char* option;  // "html": --html FILE
  const char* help;
  // The file's text. `history` is oldest first; the newest is the report
  // written (the HTML page adds a trend section over the others). `path`
  // is where it goes (the page finds the files the report names from there).
  std::string (*render)(const std::vector<report::Report>& history, const std::string& path);
};

std::span<const OutputFormat> output_formats();
const OutputFormat* find_output_format(std::string_view option);

// The formats a command line asks for, and their files ("-": stdout, where
// the command allows it).
struct RequestedOutputs {
  struct File {
    const OutputFormat* format;
    std::string option;  // "--html"
    std::string path;
  };
  std::vector<File> files;

  std::vector<OutputArg> as_output_args() const;
  // Throws UsageError when a file cannot be written (its directory is
  // missing or read-only, or it is a directory).
  void check_writable() const;
  // Renders every file, then writes them; returns the paths written.
  std::vector<std::string> write(const std::vector<report::Report>& history) const;
};

// Adds --OPTION for every format.
void add_output_options(ArgParser& parser);
// What was asked for; `allow_stdout`: "-" writes to stdout.
RequestedOutputs requested_outputs(const ArgParser& parser, const std::string& command, bool allow_stdout);

// Throws UsageError when `path` cannot be written (see check_writable).
void check_writable(const std::string& path, const std::string& option);

}  // namespace membench::cli
