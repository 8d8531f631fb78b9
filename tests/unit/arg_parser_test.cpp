// The command-line parser every command shares.
#include "util/args.h"

#include <gtest/gtest.h>

namespace {

using membench::ArgParser;
using membench::UsageError;

ArgParser out_parser() {
  ArgParser p("report", "IN.json -o OUT.html");
  p.option("out", "the page to write").alias('o').option("filter", "a regex").flag("quick", "small ones");
  return p;
}

TEST(ArgParser, ShortAliasIsReadUnderTheLongName) {
  for (std::vector<std::string> args : {std::vector<std::string>{"in.json", "-o", "x.html"},
                                        std::vector<std::string>{"in.json", "--out", "x.html"},
                                        std::vector<std::string>{"in.json", "--out=x.html"}}) {
    ArgParser p = out_parser();
    p.parse(args);
    EXPECT_EQ(p.value("out"), "x.html");
    EXPECT_EQ(p.positionals(), std::vector<std::string>{"in.json"});
  }
}

TEST(ArgParser, BothSpellingsAtOnceAreOneOptionGivenTwice) {
  ArgParser p = out_parser();
  EXPECT_THROW(p.parse({"-o", "a.html", "--out", "b.html"}), UsageError);
}

TEST(ArgParser, UnknownOrValuelessOptionsAreUsageErrors) {
  EXPECT_THROW(out_parser().parse({"-x", "a"}), UsageError);
  EXPECT_THROW(out_parser().parse({"--o", "a"}), UsageError);  // the alias is one dash only
  EXPECT_THROW(out_parser().parse({"-o"}), UsageError);
  EXPECT_THROW(out_parser().parse({"--quick=1"}), UsageError);
  EXPECT_THROW(out_parser().parse({"--nope"}), UsageError);
}

TEST(ArgParser, HelpListsTheAlias) {
  ArgParser p = out_parser();
  p.parse({"--help"});
  EXPECT_TRUE(p.help_requested());
  EXPECT_NE(p.help_text().find("  -o, --out VALUE"), std::string::npos) << p.help_text();
  EXPECT_NE(p.help_text().find("  --filter VALUE"), std::string::npos) << p.help_text();
}

}  // namespace
