// Running a shell command from the parent side (never inside a measured
// process): quoting, and capturing what it prints.
#pragma once

#include <string>

namespace membench {

// 'text' with embedded single quotes escaped, for /bin/sh.
std::string shell_quote(const std::string& text);

// Runs `command` with /bin/sh and returns its standard output. `status` gets
// the wait status (-1 when it could not start), `seconds` its wall time.
std::string shell_capture(const std::string& command, int* status = nullptr, double* seconds = nullptr);

}  // namespace membench
