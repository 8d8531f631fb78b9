// Workload "tokenize": split a text into words and build the word-frequency
// table (words are maximal runs of [A-Za-z0-9_], see tokenize_common.h).
// Canonical output: "word\tcount\n" per distinct word, sorted bytewise.
// The strategies compare key types and where the table's memory comes from.
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "tokenize", .description = "word-frequency table of a text, sorted by word",
                  .input = membench::InputKind::bytes, .dataset_kind = "text", .reference_strategy = "std_string",
                  .item_unit = "words");
