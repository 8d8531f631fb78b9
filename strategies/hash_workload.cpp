// Workload "hash": SHA-256 of a file, the guide's `dx hash large_file.txt`.
// Canonical output: the 32 raw digest bytes. Strategies differ only in how the
// bytes get from the file to the hasher; the hasher (OpenSSL EVP, SHA-NI where
// present) bounds them all at roughly 1.9 GB/s on a SHA-NI core.
#include "core/strategy.h"

MEMBENCH_WORKLOAD(.name = "hash", .description = "SHA-256 of a file (sha256sum)", .input = membench::InputKind::path,
                  .dataset_kind = "text", .reference_strategy = "stream");
