#include "runner/protocol.h"

#include <gtest/gtest.h>

using membench::runner::ChildReport;

TEST(Protocol, ParsesValuesNotesAndRepetitions) {
  ChildReport r;
  for (const char* line : {"input_bytes 1024", "start", "end", "note stack_bytes 4096", "rep 1.5 1.25 10",
                           "digest abc", "done"})
    r.add_line(line);
  EXPECT_TRUE(r.saw_start);
  EXPECT_TRUE(r.saw_end);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.u64("input_bytes"), 1024u);
  EXPECT_EQ(r.text("digest"), "abc");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].second, 4096u);
  ASSERT_EQ(r.repeated.size(), 1u);
  EXPECT_TRUE(r.malformed.empty());
}

TEST(Protocol, GarbageIsMalformedAndNumbersAreStrict) {
  ChildReport r;
  r.add_line("\x01\xff junk");
  r.add_line("count -5");
  r.add_line("other 12abc");
  EXPECT_EQ(r.malformed, "\\x01\\xff junk");
  EXPECT_FALSE(r.u64("count"));
  EXPECT_FALSE(r.u64("other"));
  EXPECT_FALSE(r.u64("missing"));
}
