// Corpora: datasets assembled from files already on the machine instead of
// generated (e.g. "usr-include", the system's C/C++ headers). A corpus is a
// DatasetDef with generate == nullptr and size == 0 (its size is known only
// once it is built), plus a build function registered next to it.
// materialise() builds a corpus like a generated dataset (to a temporary
// file, renamed into place) and then reuses the cached file: delete it to
// rebuild after the system changes. Its content differs between machines, so
// it has no manifest checksum; a report should record the file's SHA-256.
#pragma once

#include <cstdint>
#include <filesystem>

#include "datasets/dataset.h"

namespace membench::datasets {

// Writes the whole corpus; the writer has no limit.
using BuildFn = void (*)(ByteWriter& out);

struct CorpusDef {
  const DatasetDef* dataset;
  BuildFn build;
};

using CorpusRegistry = Registry<CorpusDef>;
CorpusRegistry& corpus_registry();

// The corpus builder of a dataset, or nullptr for a generated dataset.
const CorpusDef* find_corpus(const DatasetDef& def);

// The C/C++ header corpus of a directory tree: every regular file named *.h,
// and every regular file without an extension under ROOT/c++/ (the standard
// library's headers), concatenated as they are in bytewise-sorted order of
// their paths relative to root. Symbolic links are not followed (they would
// repeat files). With `max_bytes`, only whole files are taken, and the corpus
// ends before the first file that would take it past max_bytes: a prefix of
// the full corpus that never cuts a header in two. Throws std::runtime_error
// when a file cannot be read.
void build_header_corpus(const std::filesystem::path& root, ByteWriter& out,
                         std::uint64_t max_bytes = UINT64_MAX);

}  // namespace membench::datasets

// MEMBENCH_CORPUS(ident, name, kind, tiers, build_function, description)
#define MEMBENCH_CORPUS(ident, name, kind, tiers, build, description)                               \
  MEMBENCH_DATASET(ident, name, kind, 0, tiers, nullptr, "", description);                           \
  static const ::membench::datasets::CorpusDef membench_corpus_##ident{&membench_dataset_##ident, build}; \
  static ::membench::datasets::CorpusRegistry::Entry membench_corpus_entry_##ident{                   \
      ::membench::datasets::corpus_registry(), membench_corpus_##ident}
