// Workload "records": build one record per document, each holding a 64 KiB
// bigram table (see records_common.h), keep them all, write them. The
// strategies differ in where the large table lives: inline in the record
// (on the stack while built, copied when the vector grows) or boxed on the
// heap (the guide's "box large types").
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "records", .description = "per-document records holding a 64 KiB table",
                  .input = membench::InputKind::bytes, .dataset_kind = "documents",
                  .reference_strategy = "inline_array", .item_unit = "records");
