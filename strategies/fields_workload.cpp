// Workload "fields": parse CSV-like rows (comma-separated, newline-terminated,
// no quoting; see fields_common.h) into per-row field lists kept for all rows,
// then write every field length-prefixed with a row separator. Most rows have
// at most 8 fields, a tail has 20-200: the case small-vector optimisations are
// made for.
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "fields", .description = "split CSV-like rows into per-row field lists",
                  .input = membench::InputKind::bytes, .dataset_kind = "csv", .reference_strategy = "vector",
                  .item_unit = "rows");
