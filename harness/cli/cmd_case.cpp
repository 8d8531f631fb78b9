// membench __case: the measured process, started by the runner for each phase
// of each case. Registered here so that only cli/ knows about commands; the
// work is the runner's (runner/case_child.cpp).
#include "cli/command.h"
#include "runner/case_child.h"

MEMBENCH_COMMAND(case_child, "__case", "internal: runs one phase of one case", ::membench::runner::case_main,
                 true);
