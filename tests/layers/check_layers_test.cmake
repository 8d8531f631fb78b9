# Proves the layer check (cmake/check_layers.cmake) fails the build on a
# wrong-way include and names file, line and rule; and that it passes on a
# tree that keeps the layers, and on the real sources.
#
#   cmake -DCHECKER=cmake/check_layers.cmake -DSOURCE=<source root> -DWORK=<scratch dir> -P check_layers_test.cmake
cmake_minimum_required(VERSION 3.25)

set(failures 0)
macro(fail what)
  message(NOTICE "FAIL: ${what}")
  math(EXPR failures "${failures} + 1")
endmacro()

# Runs the checker on `root`; sets rc and out.
function(check root)
  execute_process(COMMAND ${CMAKE_COMMAND} -DMEMBENCH_ROOT=${root} -P ${CHECKER}
                  RESULT_VARIABLE result OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  set(rc ${result} PARENT_SCOPE)
  set(out "${stdout}${stderr}" PARENT_SCOPE)
endfunction()

# A tree of files, "relative/path|content" each.
function(make_tree root)
  file(REMOVE_RECURSE ${root})
  foreach(entry IN LISTS ARGN)
    string(FIND "${entry}" "|" bar)
    string(SUBSTRING "${entry}" 0 ${bar} path)
    math(EXPR start "${bar} + 1")
    string(SUBSTRING "${entry}" ${start} -1 content)
    string(REPLACE "\\n" "\n" content "${content}")
    file(WRITE ${root}/${path} "${content}")
  endforeach()
endfunction()

function(expect_contains text needle what)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    fail("${what}: output lacks '${needle}':\n${text}")
    set(failures ${failures} PARENT_SCOPE)
  endif()
endfunction()

# 1. A tree that keeps the layers: passes.
make_tree(${WORK}/good
  "harness/util/a.h|#pragma once\\n"
  "harness/runner/r.cpp|#include \"util/a.h\"\\n#include \"report/model.h\"\\n#include \"datasets/dataset.h\"\\n#include <vector>\\n"
  "harness/cli/c.cpp|#include \"runner/r.h\"\\n#include \"render/html.h\"\\n"
  "datasets/d.cpp|#include \"datasets/dataset.h\"\\n#include \"util/fd.h\"\\n"
  "strategies/s.cpp|#include \"core/strategy.h\"\\n#include \"strategies/text_util.h\"\\n#include \"hash_common.h\"\\n"
  "strategies/selftest_faults.cpp|#include \"runner/protocol.h\"\\n")
check(${WORK}/good)
if(NOT rc EQUAL 0)
  fail("a tree that keeps the layers was refused:\n${out}")
endif()

# 2. Wrong-way includes: refused, each named with file, line and rule.
make_tree(${WORK}/bad
  "harness/runner/r.cpp|// the runner\\n#include \"util/a.h\"\\n#include \"cli/command.h\"\\n"
  "harness/analyze/m.cpp|#include <vector>\\n\\n  #  include \"render/html.h\"\\n"
  "harness/util/u.h|#pragma once\\n#include \"core/strategy.h\"\\n"
  "datasets/d.cpp|#include \"report/json.h\"\\n"
  "harness/core/c.cpp|#include \"strategies/text_util.h\"\\n"
  "strategies/s.cpp|#include \"runner/child_process.h\"\\n"
  "strategies/selftest_other.cpp|#include \"runner/protocol.h\"\\n")
check(${WORK}/bad)
if(rc EQUAL 0)
  fail("a tree with wrong-way includes passed the check:\n${out}")
endif()
expect_contains("${out}" "harness/runner/r.cpp:3: error: #include \"cli/command.h\": runner may not include cli"
                "runner including cli")
expect_contains("${out}" "util < track < core < report < analyze < runner < render < cli" "the rule")
expect_contains("${out}" "harness/analyze/m.cpp:3: error: #include \"render/html.h\": analyze may not include render"
                "analyze including render (spaced directive, after a blank line)")
expect_contains("${out}" "harness/util/u.h:2: error: #include \"core/strategy.h\": util may not include core"
                "a header of the lowest layer")
expect_contains("${out}" "datasets/d.cpp:1: error: #include \"report/json.h\": core may not include report"
                "datasets belong to core")
expect_contains("${out}" "harness/core/c.cpp:1: error: #include \"strategies/text_util.h\": core may not include strategies"
                "no layer includes the strategies")
expect_contains("${out}" "strategies/s.cpp:1: error: #include \"runner/child_process.h\": strategies may not include runner"
                "strategies see only util, track and core")
expect_contains("${out}" "strategies/selftest_other.cpp:1: error:" "the exception names one file only")
expect_contains("${out}" "7 wrong-way include(s)" "the count")

# 3. The real sources pass (the build runs the same check).
check(${SOURCE})
if(NOT rc EQUAL 0)
  fail("the source tree has wrong-way includes:\n${out}")
endif()

file(REMOVE_RECURSE ${WORK}/good ${WORK}/bad)
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} layer check expectation(s) failed")
endif()
message(STATUS "layer check: refuses wrong-way includes, passes the sources")
