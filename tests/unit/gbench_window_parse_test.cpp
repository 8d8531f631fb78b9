// The window file of a Google Benchmark executable (track/gbench_window.h).
#include <gtest/gtest.h>

#include "track/gbench_window.h"

namespace gb = membench::track::gbench;

namespace {
const char* kWindow =
    "window seq 1 threads 1 iterations 100 counted 1 count 1100 bytes 818800 temporary 100 peak_live 6144 "
    "leaked_bytes 0 leaked_count 0 overflow 0 hwm_reset 1 rss_start 4096000 hwm_end 4198400\n";
}

TEST(GbenchWindowFile, ReadsHookAndWindows) {
  gb::WindowFile f;
  std::string error;
  std::string text = std::string("hook shared\n") + kWindow + kWindow;
  ASSERT_TRUE(gb::parse_window_file(text, f, error)) << error;
  EXPECT_TRUE(f.hook_seen);
  EXPECT_TRUE(f.hooked);
  ASSERT_EQ(f.windows.size(), 2u);
  const gb::Window* w = f.reported();
  EXPECT_EQ(w->iterations, 100u);
  EXPECT_EQ(w->count, 1100u);
  EXPECT_EQ(w->peak_live_bytes, 6144u);
  EXPECT_TRUE(w->counted);
  EXPECT_TRUE(w->hwm_reset);
  EXPECT_EQ(w->peak_rss_delta(), 102400u);
}

TEST(GbenchWindowFile, HookNoneKeepsItsReason) {
  gb::WindowFile f;
  std::string error;
  ASSERT_TRUE(gb::parse_window_file("hook none reason linked statically\n", f, error)) << error;
  EXPECT_TRUE(f.hook_seen);
  EXPECT_FALSE(f.hooked);
  EXPECT_EQ(f.hook_reason, "linked statically");
  EXPECT_EQ(f.reported(), nullptr);
}

TEST(GbenchWindowFile, UnknownKeysAreSkippedMissingOnesRefused) {
  gb::WindowFile f;
  std::string error;
  std::string extended = std::string(kWindow);
  extended.insert(extended.size() - 1, " future_key 7");
  EXPECT_TRUE(gb::parse_window_file(extended, f, error)) << error;
  EXPECT_FALSE(gb::parse_window_file("window seq 1 iterations 2\n", f, error));
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
  EXPECT_FALSE(gb::parse_window_file("window seq x\n", f, error));
  EXPECT_FALSE(gb::parse_window_file("garbage\n", f, error));
}
