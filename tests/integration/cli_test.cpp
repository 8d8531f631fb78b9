// Runs the real binary as a user would.
#include <gtest/gtest.h>

#include "process_helpers.h"

TEST(Cli, HelpExitsZero) {
  auto r = run_membench({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: membench"), std::string::npos);
}

TEST(Cli, UnknownCommandIsUsageError) {
  auto r = run_membench({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command"), std::string::npos);
}
