# The layers of membench, bottom to top, and what each may include. Read by
# CMakeLists.txt (one static library per layer) and by check_layers.cmake
# (the build step that refuses a wrong-way include). docs/architecture.md
# says what each layer is for.
#
# A layer may include its own headers and those of the layers below it,
# never those of a layer above: "runner/..." from cli/ is fine, "cli/..."
# from runner/ fails the build. Every header is reached through the same
# include root (harness/, plus the source root for datasets/ and
# strategies/), so check_layers.cmake keeps the include order. The links
# follow from the same list: each layer's library links the layers below it,
# and CMakeLists.txt links each layer whole into a program of its own with
# only those, so a call into a layer above is an undefined reference.
set(MEMBENCH_LAYERS util track core report analyze runner render cli)

# The source directories of each layer, relative to the source root.
set(MEMBENCH_LAYER_util_DIRS harness/util)
set(MEMBENCH_LAYER_track_DIRS harness/track)
set(MEMBENCH_LAYER_core_DIRS harness/core datasets)
set(MEMBENCH_LAYER_report_DIRS harness/report)
set(MEMBENCH_LAYER_analyze_DIRS harness/analyze)
set(MEMBENCH_LAYER_runner_DIRS harness/runner)
set(MEMBENCH_LAYER_render_DIRS harness/render)
set(MEMBENCH_LAYER_cli_DIRS harness/cli)
# Sources of a layer's directories that are not in its library (regexes):
# main() is a library of its own, so that a project can bring its own.
set(MEMBENCH_LAYER_cli_EXCLUDE "/cli/main[.]cpp$")

# Strategies are plug-ins, not a layer: they see what a strategy needs (the
# registry and the helpers below it) and nothing of the harness that runs
# them, and no layer may include them.
set(MEMBENCH_PLUGINS strategies)
set(MEMBENCH_PLUGIN_strategies_DIRS strategies)
set(MEMBENCH_PLUGIN_strategies_MAY_INCLUDE util track core)

# Which layer an include path belongs to, by its first directory.
set(MEMBENCH_INCLUDE_PREFIX_util util)
set(MEMBENCH_INCLUDE_PREFIX_track track)
set(MEMBENCH_INCLUDE_PREFIX_core core)
set(MEMBENCH_INCLUDE_PREFIX_datasets core)
set(MEMBENCH_INCLUDE_PREFIX_report report)
set(MEMBENCH_INCLUDE_PREFIX_analyze analyze)
set(MEMBENCH_INCLUDE_PREFIX_runner runner)
set(MEMBENCH_INCLUDE_PREFIX_render render)
set(MEMBENCH_INCLUDE_PREFIX_cli cli)
set(MEMBENCH_INCLUDE_PREFIX_strategies strategies)

# Allowed exceptions, "file>include", each with its reason:
# - the selftest strategy that writes garbage into the runner's result
#   channel must know that channel's descriptor, to prove the runner
#   refuses what it reads there.
set(MEMBENCH_LAYER_EXCEPTIONS
  "strategies/selftest_faults.cpp>runner/protocol.h")
