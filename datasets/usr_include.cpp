// "usr-include-16MiB" and "usr-include": a real-world corpus no one here
// wrote: the C/C++ headers under /usr/include (every *.h, and the
// extensionless headers under /usr/include/c++), concatenated in sorted path
// order (see build_header_corpus in corpus.h). Code, comments and identifiers
// of every length: tokenize meets a large vocabulary with a long tail of long
// names. Content and size depend on the installed packages, so neither
// carries a manifest checksum.
//
// The whole corpus is about 100 MiB on a Debian 12 machine with the
// project's build dependencies, and grows with every -dev package: in the
// default suite it alone took half of `make bench` (docs/workloads.md, "Datasets"), and
// a machine with more headers would take longer still. The default suite
// therefore uses its first 16 MiB (whole headers), the size of the largest
// generated datasets there; the whole corpus is opt-in by name.
#include "datasets/corpus.h"

namespace membench::datasets {
namespace {

constexpr const char* kHeaderRoot = "/usr/include";

void build_usr_include(ByteWriter& out) { build_header_corpus(kHeaderRoot, out); }
void build_usr_include_16mib(ByteWriter& out) { build_header_corpus(kHeaderRoot, out, std::uint64_t{16} << 20); }

}  // namespace

MEMBENCH_CORPUS(usr_include_16mib, "usr-include-16MiB", "text", kStandard, build_usr_include_16mib,
                "the first 16 MiB of whole C/C++ headers under /usr/include, in sorted path order "
                "(content depends on the system)");
MEMBENCH_CORPUS(usr_include, "usr-include", "text", kLarge, build_usr_include,
                "every C/C++ header under /usr/include, concatenated in sorted path order "
                "(content depends on the system)");

}  // namespace membench::datasets
