# Refuses wrong-way includes (see layers.cmake): scans every .h and .cpp of
# every layer and plug-in directory under MEMBENCH_ROOT and fails, naming
# file, line and rule, when one includes a header of a layer it may not.
#
#   cmake -DMEMBENCH_ROOT=<source tree> -P cmake/check_layers.cmake
#
# The build runs it before compiling anything (target membench_layer_check);
# tests/layers/ proves it fails on a tree with a wrong-way include.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/layers.cmake)

if(NOT MEMBENCH_ROOT)
  message(FATAL_ERROR "usage: cmake -DMEMBENCH_ROOT=<source tree> -P check_layers.cmake")
endif()
string(REPLACE ";" " < " order "${MEMBENCH_LAYERS}")

# unit: a layer or plug-in name; allowed: what it may include; rule: how
# a violation is explained.
function(check_unit unit allowed rule)
  set(found 0)
  foreach(dir IN LISTS MEMBENCH_LAYER_${unit}_DIRS MEMBENCH_PLUGIN_${unit}_DIRS)
    file(GLOB_RECURSE files RELATIVE ${MEMBENCH_ROOT} ${MEMBENCH_ROOT}/${dir}/*.h ${MEMBENCH_ROOT}/${dir}/*.cpp)
    foreach(file IN LISTS files)
      file(READ ${MEMBENCH_ROOT}/${file} text)
      # One list element per line, line numbers intact: characters that CMake
      # lists treat specially are neutralised first (include lines hold none
      # of them).
      string(REPLACE "\\" "/" text "${text}")
      string(REPLACE ";" "," text "${text}")
      string(REPLACE "[" "(" text "${text}")
      string(REPLACE "]" ")" text "${text}")
      string(REPLACE "\n" ";" lines "${text}")
      set(n 0)
      foreach(line IN LISTS lines)
        math(EXPR n "${n} + 1")
        if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*[\"<](([A-Za-z0-9_]+)/[^\">]*)[\">]")
          continue()
        endif()
        set(included ${CMAKE_MATCH_1})
        set(target_layer "${MEMBENCH_INCLUDE_PREFIX_${CMAKE_MATCH_2}}")
        if(target_layer STREQUAL "" OR target_layer IN_LIST allowed)
          continue()
        endif()
        if("${file}>${included}" IN_LIST MEMBENCH_LAYER_EXCEPTIONS)
          continue()
        endif()
        message(NOTICE "${file}:${n}: error: #include \"${included}\": ${unit} may not include ${target_layer} (${rule})")
        math(EXPR found "${found} + 1")
      endforeach()
    endforeach()
  endforeach()
  set(violations ${found} PARENT_SCOPE)
endfunction()

set(total 0)
set(below "")
foreach(layer IN LISTS MEMBENCH_LAYERS)
  list(APPEND below ${layer})
  check_unit(${layer} "${below}"
    "a layer includes only itself and the layers below it: ${order}")
  math(EXPR total "${total} + ${violations}")
endforeach()
foreach(plugin IN LISTS MEMBENCH_PLUGINS)
  set(allowed ${plugin} ${MEMBENCH_PLUGIN_${plugin}_MAY_INCLUDE})
  string(REPLACE ";" ", " shown "${MEMBENCH_PLUGIN_${plugin}_MAY_INCLUDE}")
  check_unit(${plugin} "${allowed}" "${plugin} may include only ${shown} and itself")
  math(EXPR total "${total} + ${violations}")
endforeach()

if(total GREATER 0)
  message(FATAL_ERROR "membench layer check: ${total} wrong-way include(s) under ${MEMBENCH_ROOT}; "
                      "the layers and their rules are in cmake/layers.cmake and docs/architecture.md")
endif()
