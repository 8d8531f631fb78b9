// Writes a whole file or nothing: a temporary beside the target, fsync, rename.
#pragma once

#include <string>
#include <string_view>

namespace membench {

// Throws std::runtime_error with a one-line message on failure; the target is
// then untouched and no temporary is left behind.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace membench
