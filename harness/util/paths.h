// Which files a command reads and which it writes, checked before it reads
// or writes anything: no command may write over one of its own inputs.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace membench {

// An output that is also an input (or two outputs naming one file). what()
// is one line naming the option and the file; commands report it as bad
// usage (exit 2).
class PathConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A path as the user gave it, with what gave it: an option ("-o", "--html",
// "--dataset") or "" for a positional argument.
struct NamedPath {
  std::string option;
  std::string path;
};

// True when a and b name one file. When both exist: the same device and inode
// (so a symbolic link to the file, a hard link to it and a different spelling
// of its path all count). When either does not exist yet: the same path once
// made absolute, with "." and ".." and the symbolic links of the part that
// exists resolved.
bool same_file(const std::string& a, const std::string& b);

// Throws PathConflict for the first output that is the same file as an input:
// "-o IN.json is also an input; refusing to overwrite it". Writing it would
// destroy the very data the command was asked to read, and an atomic rename
// would not help: the rename is what replaces the input.
void refuse_outputs_over_inputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

// Throws PathConflict when two outputs name one file: the second write would
// silently replace the first.
void refuse_outputs_naming_one_file(const std::vector<NamedPath>& outputs);

}  // namespace membench
