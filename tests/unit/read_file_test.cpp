// Reading an input file whole: regular files only, and at most a cap
// (util/read_file.h). Reports and thresholds files are read this way.
#include "util/read_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "report/json.h"

namespace fs = std::filesystem;
using membench::InputFileError;
using membench::read_regular_file;

namespace {

std::string error_of(const std::string& path, std::uint64_t cap = membench::kMaxInputFileBytes) {
  try {
    read_regular_file(path, "report", cap);
  } catch (const InputFileError& e) {
    return e.what();
  }
  return "";
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("membench-read-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(BoundedRead, ReadsARegularFileWhole) {
  TempDir d;
  std::string p = (d.path / "r.json").string();
  std::string text(100000, 'x');
  std::ofstream(p, std::ios::binary) << text;
  EXPECT_EQ(read_regular_file(p, "report"), text);
  EXPECT_EQ(read_regular_file(p, "report", text.size()), text);  // exactly at the cap
}

TEST(BoundedRead, RefusesFifosDevicesAndDirectoriesWithoutReading) {
  TempDir d;
  std::string fifo = (d.path / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // No writer: an open without O_NONBLOCK would wait here for ever.
  EXPECT_NE(error_of(fifo).find("is a FIFO (a report must be a regular file)"), std::string::npos) << error_of(fifo);
  EXPECT_NE(error_of("/dev/zero").find("/dev/zero: is a character device"), std::string::npos);
  EXPECT_NE(error_of(d.path.string()).find("is a directory"), std::string::npos);
  EXPECT_NE(error_of((d.path / "absent").string()).find("cannot open"), std::string::npos);
}

TEST(BoundedRead, RefusesAFileLargerThanTheCapBeforeReadingIt) {
  TempDir d;
  std::string p = (d.path / "big.json").string();
  std::ofstream(p) << "{}";
  // Sparse: st_size beyond the cap, no disk space used.
  fs::resize_file(p, membench::kMaxInputFileBytes + 1);
  std::string why = error_of(p);
  EXPECT_NE(why.find("536870913 bytes is larger than the 512 MiB limit for a report"), std::string::npos) << why;
  fs::resize_file(p, 1001);
  EXPECT_NE(error_of(p, 1000).find("larger than the 1000 bytes limit"), std::string::npos) << error_of(p, 1000);
}

// A file whose size fstat cannot know in advance (it grows, or it is a /proc
// file whose st_size is 0) is held to the cap while it is read.
TEST(BoundedRead, EnforcesTheCapWhileReading) {
  struct stat st{};
  ASSERT_EQ(::stat("/proc/self/maps", &st), 0);
  ASSERT_EQ(st.st_size, 0);
  std::string why = error_of("/proc/self/maps", 64);
  EXPECT_NE(why.find("grew beyond the 64 bytes limit for a report while being read"), std::string::npos) << why;
  EXPECT_FALSE(read_regular_file("/proc/self/maps", "report").empty());
}

TEST(BoundedRead, TheReportReaderStatesTheCap) {
  EXPECT_EQ(membench::report::kMaxReportFileBytes, std::uint64_t{512} << 20);
  EXPECT_EQ(membench::describe_limit(membench::report::kMaxReportFileBytes), "512 MiB");
  try {
    membench::report::read_report_file("/dev/zero");
    FAIL() << "read /dev/zero as a report";
  } catch (const membench::report::ReportError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/zero: is a character device (a report must be a regular file)");
  }
}
