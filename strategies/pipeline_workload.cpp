// Workload "pipeline": load a text file, summarise it (bytes, lines), compute
// a result as large as the input (its uppercase copy), then save it as a
// numbered listing (see pipeline_common.h). The strategies do their own
// loading (InputKind::path), so the input buffer is theirs to free.
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "pipeline", .description = "load, summarise, compute and save a large result",
                  .input = membench::InputKind::path, .dataset_kind = "text", .reference_strategy = "drop_late",
                  .item_unit = "lines");
