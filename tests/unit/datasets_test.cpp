// Dataset generators are byte-for-byte reproducible, their manifest checksums
// are recorded and hold, and the header corpus is assembled as documented.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "datasets/corpus.h"
#include "datasets/dataset.h"
#include "strategies_test_support.h"

namespace membench::datasets {
namespace {

using catalogue_test::generated_prefix;
using catalogue_test::hex_sha256;
using catalogue_test::smallest_of_kind;

// SHA-256 of the first 64 KiB each generator writes. A change here means the
// generator changed, and every manifest checksum of its kind with it.
const std::map<std::string, std::string> kFirst64KiB = {
    {"text", "8c7ca45674c78ffe973eedcc9db2cc1493e8769fdff3b22ba1ee05381684347a"},
    {"csv", "25732edd33eab167dab5e7ae0ec8113565501966e4e3d637b2fffecbfd641579"},
    {"identifiers", "56472afe88bc2487a8fde0797500997dbd1350efa9059fe15dc6e9c8dc64758c"},
    {"documents", "67924283abf0bb82f3c5744726557e6ea9761f8de313554581885e5d2e0d1fc9"},
};

TEST(Datasets, GeneratorsAreReproducible) {
  for (const auto& [kind, expected] : kFirst64KiB) {
    const DatasetDef* def = smallest_of_kind(kind);
    ASSERT_NE(def, nullptr) << kind;
    std::string first = generated_prefix(*def, 64 * 1024);
    ASSERT_EQ(first.size(), 64u * 1024) << kind;
    EXPECT_EQ(hex_sha256(first), expected) << kind;
    EXPECT_EQ(generated_prefix(*def, 64 * 1024), first) << kind << ": a second run differs";
    // The size only limits the output: a longer dataset starts with the same bytes.
    EXPECT_EQ(generated_prefix(*def, 96 * 1024).substr(0, first.size()), first) << kind;
  }
}

TEST(Datasets, EveryGeneratedDatasetHasAManifestChecksum) {
  int generated = 0;
  for (const DatasetDef& d : dataset_registry()) {
    if (!d.generate) continue;
    ++generated;
    std::string_view sha(d.sha256 ? d.sha256 : "");
    EXPECT_EQ(sha.size(), 64u) << d.name;
    EXPECT_EQ(sha.find_first_not_of("0123456789abcdef"), std::string_view::npos) << d.name;
  }
  EXPECT_GE(generated, 4 * 3);
}

TEST(Datasets, SmallestOfEachKindMatchesItsManifest) {
  // Materialised into MEMBENCH_DATA_DIR (the build tree's test-datasets).
  for (const char* kind : {"text", "csv", "identifiers", "documents"}) {
    const DatasetDef* def = smallest_of_kind(kind);
    ASSERT_NE(def, nullptr) << kind;
    std::string path = materialise(*def);
    EXPECT_EQ(std::filesystem::file_size(path), def->size) << def->name;
    EXPECT_EQ(file_sha256(path), def->sha256) << def->name;
  }
}

TEST(Datasets, KindsOfTheCatalogueWorkloadsExist) {
  for (const char* kind : {"text", "csv", "identifiers", "documents"}) {
    int sizes = 0;
    for (const DatasetDef& d : dataset_registry()) sizes += kind == std::string_view(d.kind);
    EXPECT_GE(sizes, 3) << kind << ": scaling needs three sizes or more";
  }
}

// A directory tree removed when the test ends.
class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "membench-corpus-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~TempTree() { std::filesystem::remove_all(root_); }
  void add(const std::string& relative, const std::string& content) {
    std::filesystem::path p = root_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::string build_corpus(const std::filesystem::path& root, std::uint64_t max_bytes = UINT64_MAX) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  {
    ByteWriter out(file.get(), UINT64_MAX);
    build_header_corpus(root, out, max_bytes);
  }
  std::rewind(file.get());
  std::string bytes;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file.get())) > 0;) bytes.append(buf, n);
  return bytes;
}

TEST(Datasets, HeaderCorpusTakesHeadersInSortedPathOrder) {
  TempTree tree;
  tree.add("zlib.h", "[zlib.h]");
  tree.add("Alpha.h", "[Alpha.h]");
  tree.add("sys/types.h", "[sys/types.h]");
  tree.add("c++/12/vector", "[c++/12/vector]");
  tree.add("c++/12/bits/stl_vector.h", "[stl_vector.h]");
  tree.add("c++/12/bits/vector.tcc", "[vector.tcc: not a header]");
  tree.add("notes.txt", "[notes.txt: not a header]");
  tree.add("README", "[README: extensionless outside c++/]");
  std::filesystem::create_symlink(tree.root() / "zlib.h", tree.root() / "alias.h");  // not followed
  EXPECT_EQ(build_corpus(tree.root()), "[Alpha.h][stl_vector.h][c++/12/vector][sys/types.h][zlib.h]");
}

TEST(Datasets, HeaderCorpusCapTakesWholeHeadersUpToTheLimit) {
  TempTree tree;
  tree.add("a.h", "[a.h]");        // 5 bytes
  tree.add("b.h", "[b.h: 12]");    // 9: 14 in all
  tree.add("c.h", "[c]");          // 3 would fit after b.h, but the corpus is a prefix
  auto capped = [&](std::uint64_t max_bytes) { return build_corpus(tree.root(), max_bytes); };
  EXPECT_EQ(capped(17), "[a.h][b.h: 12][c]");
  EXPECT_EQ(capped(16), "[a.h][b.h: 12]");
  EXPECT_EQ(capped(13), "[a.h]");  // b.h is never cut in two
  EXPECT_EQ(capped(4), "");
}

// A corpus registered for the test only (opt-in tier, a kind no workload
// uses), so materialise() can be tested on a tree of known content.
std::filesystem::path unit_test_corpus_root;
void build_unit_test_corpus(ByteWriter& out) { build_header_corpus(unit_test_corpus_root, out); }
MEMBENCH_CORPUS(unit_test_corpus, "unit-test-corpus", "unit-test", kLarge, build_unit_test_corpus,
                "headers of a temporary tree (unit tests only)");

TEST(Datasets, MaterialiseBuildsACorpusOnceAndReusesIt) {
  TempTree tree;
  tree.add("a.h", "first ");
  tree.add("b/c.h", "second");
  unit_test_corpus_root = tree.root();
  const DatasetDef* def = find_dataset("unit-test-corpus");
  ASSERT_NE(def, nullptr);
  std::filesystem::remove(std::filesystem::path(data_dir()) / def->name);
  std::string path = materialise(*def);
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "first second");
  tree.add("a.h", "changed");  // a built corpus is reused as it is
  EXPECT_EQ(materialise(*def), path);
  EXPECT_EQ(std::filesystem::file_size(path), 12u);
  std::filesystem::remove(path);
}

TEST(Datasets, UsrIncludeIsACorpusWhoseFirst16MiBAreInTheDefaultSuite) {
  for (const char* name : {"usr-include", "usr-include-16MiB"}) {
    const DatasetDef* def = find_dataset(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_EQ(def->generate, nullptr);
    EXPECT_STREQ(def->kind, "text");
    const CorpusDef* corpus = find_corpus(*def);
    ASSERT_NE(corpus, nullptr);
    EXPECT_EQ(corpus->dataset, def);
  }
  // The whole corpus grows with the installed packages: opt-in only.
  EXPECT_EQ(find_dataset("usr-include")->tiers, unsigned{kLarge});
  EXPECT_EQ(find_dataset("usr-include-16MiB")->tiers, unsigned{kStandard});
  EXPECT_EQ(find_corpus(*smallest_of_kind("text")), nullptr);
}

}  // namespace
}  // namespace membench::datasets
