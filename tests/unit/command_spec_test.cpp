#include <gtest/gtest.h>

#include "runner/command_case.h"
#include "util/args.h"
#include "util/command_words.h"

using membench::split_command_words;
using membench::CommandWordsError;
using membench::UsageError;
using Words = std::vector<std::string>;

TEST(CommandWords, SplitsAsShDoes) {
  EXPECT_EQ(split_command_words("sort -S 1M  {input}"), (Words{"sort", "-S", "1M", "{input}"}));
  EXPECT_EQ(split_command_words("python3 -c 'print(\"a b\")' x"), (Words{"python3", "-c", "print(\"a b\")", "x"}));
  EXPECT_EQ(split_command_words("echo \"a \\\"b\\\" \\\\ c\""), (Words{"echo", "a \"b\" \\ c"}));
  EXPECT_EQ(split_command_words("echo a\\ b ''"), (Words{"echo", "a b", ""}));
  EXPECT_EQ(split_command_words("echo x#y a~b"), (Words{"echo", "x#y", "a~b"}));
  EXPECT_EQ(split_command_words("  "), Words{});
}

TEST(CommandWords, RefusesWhatOnlyAShellDoes) {
  for (const char* line : {"a | b", "a > f", "a; b", "a && b", "echo $HOME", "echo \"$HOME\"", "ls *.txt", "cd ~",
                           "echo # comment", "echo `date`", "a 'open", "a \"open", "a \\"})
    EXPECT_THROW(split_command_words(line), CommandWordsError) << line;
}

TEST(CommandSpec, ParsesNamesProgramsAndTheInputPlaceholder) {
  auto set = membench::runner::parse_commands({"first=sort {input}", "second=cat"}, "mine", false, false);
  ASSERT_EQ(set->commands.size(), 2u);
  EXPECT_STREQ(set->workload.name, "mine");
  EXPECT_STREQ(set->workload.reference_strategy, "first");
  const auto& first = set->commands[0];
  EXPECT_TRUE(first.input_argument);
  EXPECT_FALSE(set->commands[1].input_argument);
  EXPECT_EQ(first.program.front(), '/');
  EXPECT_STREQ(first.strategy.name, "first");
  EXPECT_STREQ(first.strategy.description, "sort {input}");
  EXPECT_EQ(membench::runner::command_argv(first, *set, "/data/a b.txt"), (Words{"sort", "/data/a b.txt"}));
}

TEST(CommandSpec, ShellQuotesTheInputForSh) {
  auto set = membench::runner::parse_commands({"p=sort {input} | uniq -c"}, "w", true, false);
  EXPECT_EQ(set->commands[0].program, "/bin/sh");
  EXPECT_EQ(membench::runner::command_argv(set->commands[0], *set, "/d/it's"),
            (Words{"/bin/sh", "-c", "sort '/d/it'\\''s' | uniq -c"}));
}

TEST(CommandSpec, RefusesBadSpecs) {
  using membench::runner::parse_commands;
  EXPECT_THROW(parse_commands({"nameless"}, "w", false, false), UsageError);
  EXPECT_THROW(parse_commands({"=cat"}, "w", false, false), UsageError);
  EXPECT_THROW(parse_commands({"a=cat", "a=sort"}, "w", false, false), UsageError);
  EXPECT_THROW(parse_commands({"a=no-such-program-anywhere"}, "w", false, false), UsageError);
  EXPECT_THROW(parse_commands({"a={input}"}, "w", false, false), UsageError);
  EXPECT_THROW(parse_commands({"a=cat"}, "hash", false, false), UsageError);
  EXPECT_THROW(parse_commands({"a=cat"}, "bad/name", false, false), UsageError);
  EXPECT_THROW(parse_commands({}, "w", false, false), UsageError);
}

TEST(CommandSpec, TellsStaticallyLinkedPrograms) {
  EXPECT_EQ(membench::runner::static_binary_reason("/bin/sh"), std::nullopt);
  if (std::filesystem::exists("/sbin/ldconfig")) {
    auto why = membench::runner::static_binary_reason("/sbin/ldconfig");
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("statically linked"), std::string::npos);
  }
}
