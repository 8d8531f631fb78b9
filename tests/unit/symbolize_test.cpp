// The symbolizer kept for the runner's life: the same module mapped at other
// bases by other processes gives the same frames without being read again,
// and a module file changed on disk is read again.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runner/symbolize.h"

namespace {

using membench::runner::parse_mapped_files;
using membench::runner::SymbolFrame;
using membench::runner::Symbolizer;

// The address of the call instruction in its caller, as the counter records
// a return address (noipa: each keeps a frame and a call of its own; the
// empty asm after the call keeps it from being a tail call).
[[gnu::noipa]] std::uintptr_t call_site() {
  return reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)) - 1;
}
[[gnu::noipa]] std::uintptr_t symbolize_test_first_caller() {
  std::uintptr_t at = call_site();
  asm volatile("" : "+r"(at));
  return at;
}
[[gnu::noipa]] std::uintptr_t symbolize_test_second_caller() {
  std::uintptr_t at = call_site();
  asm volatile("" : "+r"(at));
  return at;
}

std::string own_maps() {
  std::ifstream in("/proc/self/maps");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The same map with every mapping moved up by `delta`, as another process
// with other bases (ASLR) would have it.
std::string moved(const std::string& maps, std::uintptr_t delta) {
  std::istringstream lines(maps);
  std::string line, out;
  while (std::getline(lines, line)) {
    unsigned long long start = 0, end = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx%n", &start, &end, &consumed) < 2) continue;
    char range[64];
    std::snprintf(range, sizeof range, "%llx-%llx", start + delta, end + delta);
    out += range + line.substr(static_cast<std::size_t>(consumed)) + '\n';
  }
  return out;
}

std::string source_dir() { return std::filesystem::path(MEMBENCH_TEST_SOURCE_DIR).parent_path().string(); }

std::string describe(const std::vector<SymbolFrame>& frames) {
  std::string out;
  for (const SymbolFrame& f : frames) out += "\n  " + f.function + " " + f.file + ":" + std::to_string(f.line);
  return out;
}

}  // namespace

TEST(Symbolizer, SameModuleAtTwoBasesGivesTheSameFramesAndIsReadOnce) {
  // Two call sites named from the symbol table (the tests are built without
  // debug information), and one inside the harness, which has it.
  const std::uintptr_t first = symbolize_test_first_caller(), second = symbolize_test_second_caller();
  const std::uintptr_t harness = reinterpret_cast<std::uintptr_t>(&membench::runner::short_function_name) + 1;
  const std::string maps = own_maps();
  const std::uintptr_t delta = std::uintptr_t{1} << 40;  // a multiple of any page size
  const std::string other_process = moved(maps, delta);

  Symbolizer symbols(source_dir());
  std::vector<std::vector<SymbolFrame>> here = symbols.frames(maps, {first, harness});
  ASSERT_EQ(here.size(), 2u);
  ASSERT_FALSE(here[0].empty());
  EXPECT_NE(here[0][0].function.find("symbolize_test_first_caller"), std::string::npos) << describe(here[0]);
  ASSERT_FALSE(here[1].empty());
  EXPECT_EQ(here[1].back().function, "membench::runner::short_function_name") << describe(here[1]);
  EXPECT_EQ(here[1].back().file, "harness/runner/symbolize.cpp") << describe(here[1]);
  EXPECT_GT(here[1].back().line, 0u);
  const std::size_t read_for_the_first = symbols.files_read();
  EXPECT_EQ(read_for_the_first, 1u);

  // The other process: the same frames, and the module is not read again,
  // neither for the addresses already seen nor for one not seen yet.
  std::vector<std::vector<SymbolFrame>> there = symbols.frames(other_process, {first + delta, harness + delta, second + delta});
  ASSERT_EQ(there.size(), 3u);
  EXPECT_EQ(there[0], here[0]) << describe(there[0]) << "\nagainst" << describe(here[0]);
  EXPECT_EQ(there[1], here[1]) << describe(there[1]) << "\nagainst" << describe(here[1]);
  ASSERT_FALSE(there[2].empty());
  EXPECT_NE(there[2][0].function.find("symbolize_test_second_caller"), std::string::npos) << describe(there[2]);
  EXPECT_EQ(symbols.files_read(), read_for_the_first);

  // A symbolizer that has seen only the other process agrees: the frames
  // do not depend on which base was seen first.
  Symbolizer fresh(source_dir());
  std::vector<std::vector<SymbolFrame>> only_there = fresh.frames(other_process, {harness + delta, second + delta, first + delta});
  EXPECT_EQ(only_there[0], here[1]) << describe(only_there[0]);
  EXPECT_EQ(only_there[1], there[2]) << describe(only_there[1]);
  EXPECT_EQ(only_there[2], here[0]) << describe(only_there[2]);
  // The address as this process has it means nothing in the other's map.
  EXPECT_EQ(fresh.frames(other_process, {first}).at(0), (std::vector<SymbolFrame>{SymbolFrame{}}));
}

TEST(Symbolizer, AModuleFileChangedOnDiskIsReadAgain) {
  // A copy of a small shared library this process maps, under a name of our own.
  std::string library;
  std::uintmax_t smallest = UINTMAX_MAX;
  for (const auto& m : parse_mapped_files(own_maps())) {
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(m.path, ec);
    if (!ec && m.path.find(".so") != std::string::npos && size < smallest) {
      smallest = size;
      library = m.path;
    }
  }
  ASSERT_FALSE(library.empty());
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("membench-symbolize-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string copy = (dir / "libcopy.so").string();
  std::filesystem::copy_file(library, copy, std::filesystem::copy_options::overwrite_existing);
  char maps[512];
  std::snprintf(maps, sizeof maps, "7f0000000000-7f0000001000 r--p 00000000 08:01 4242 %s\n", copy.c_str());
  const std::uintptr_t address = 0x7f0000000800;

  Symbolizer symbols("");
  std::vector<SymbolFrame> before = symbols.frames(maps, {address}).at(0);
  EXPECT_EQ(symbols.files_read(), 1u);
  (void)symbols.frames(maps, {address});
  EXPECT_EQ(symbols.files_read(), 1u);

  // Rebuilt in place: same name, another modification time.
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, copy.c_str(), times, 0), 0);
  EXPECT_EQ(symbols.frames(maps, {address}).at(0), before);
  EXPECT_EQ(symbols.files_read(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(Symbolizer, AddressesOutsideAnyModuleOrInAFileLibdwCannotReadAreNamedAsTheyCan) {
  Symbolizer symbols("");
  const std::string maps =
      "55d0a0000000-55d0a0001000 r--p 00000000 00:05 7 /dev/zero\n"
      "55d0a0001000-55d0a0002000 rw-p 00000000 00:00 0 [heap]\n"
      "55d0a0002000-55d0a0003000 r-xp 00000000 08:01 99 /nonexistent/membench (deleted)\n";
  std::vector<std::vector<SymbolFrame>> frames = symbols.frames(maps, {0x55d0a0000010, 0x55d0a0001010, 0x55d0a0002010, 0x10});
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0], (std::vector<SymbolFrame>{{"", "zero", 0, false}}));
  EXPECT_EQ(frames[1], (std::vector<SymbolFrame>{SymbolFrame{}}));
  EXPECT_EQ(frames[2], (std::vector<SymbolFrame>{{"", "membench (deleted)", 0, false}}));
  EXPECT_EQ(frames[3], (std::vector<SymbolFrame>{SymbolFrame{}}));
  EXPECT_EQ(symbols.files_read(), 0u);  // neither is a regular file: nothing opened
}

TEST(Symbolizer, MappedFilesAreGroupedAsLibdwGroupsThem) {
  auto files = parse_mapped_files(
      "1000-2000 r--p 00000000 08:01 10 /bin/a\n"
      "2000-3000 r-xp 00001000 08:01 10 /bin/a\n"
      "3000-4000 rw-p 00000000 00:00 0 \n"  // anonymous (a .bss): passed over, the group goes on
      "4000-5000 rw-p 00003000 08:01 10 /bin/a\n"
      "5000-6000 r--p 00000000 08:01 11 /lib/b.so\n"
      "5800-5900 ---p 00000000 00:00 0\n"
      "6000-7000 r--p 00000000 00:00 0 [vvar]\n"
      "7000-8000 r--p 00001000 08:01 10 /bin/a\n");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "/bin/a");
  EXPECT_EQ(files[0].low, 0x1000u);
  EXPECT_EQ(files[0].high, 0x5000u);
  EXPECT_EQ(files[1].path, "/lib/b.so");
  EXPECT_EQ(files[2].low, 0x7000u);
  EXPECT_TRUE(parse_mapped_files("").empty());
  EXPECT_THROW(parse_mapped_files("not a map\n"), std::runtime_error);
  EXPECT_THROW(Symbolizer("").frames("1000-2000 r--p\n", {}), std::runtime_error);
}
