// "usr-include": a real-world corpus no one here wrote: the C/C++ headers
// under /usr/include (every *.h, and the extensionless headers under
// /usr/include/c++), concatenated in sorted path order (see
// build_header_corpus in corpus.h). Code, comments and identifiers of every
// length: tokenize meets a large vocabulary with a long tail of long names.
// Its size (about 100 MiB on a Debian 12 machine with the project's build
// dependencies) and content depend on the installed packages, so it carries
// no manifest checksum.
#include "datasets/corpus.h"

namespace membench::datasets {
namespace {

void build_usr_include(ByteWriter& out) { build_header_corpus("/usr/include", out); }

}  // namespace

MEMBENCH_CORPUS(usr_include, "usr-include", "text", kStandard, build_usr_include,
                "C/C++ headers under /usr/include, concatenated in sorted path order (content depends on the system)");

}  // namespace membench::datasets
