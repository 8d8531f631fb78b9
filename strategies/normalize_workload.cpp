// Workload "normalize": identifiers, one per line; each space becomes an
// underscore; output the normalized identifiers one per line. Most
// identifiers (about 90% of the dataset) contain no space and need no change:
// the case the guide's Cow (clone on write) is made for.
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "normalize", .description = "replace spaces with underscores in identifiers",
                  .input = membench::InputKind::bytes, .dataset_kind = "identifiers",
                  .reference_strategy = "always_copy", .item_unit = "identifiers");
