// The measured process's entry point: one phase of one case (see
// case_child.cpp). cli/ registers it as the hidden command `membench __case`;
// the runner starts it with fork+exec of its own executable.
#pragma once

#include <string>
#include <vector>

namespace membench::runner {

// Parses the child's arguments (--phase, --workload, --strategy, --input, ...),
// runs the phase and writes its figures to the result channel (protocol.h).
// Returns the process's exit code; bad arguments throw UsageError.
int case_main(const std::vector<std::string>& args);

}  // namespace membench::runner
