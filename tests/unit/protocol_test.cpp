// The result channel: what a case child sends is what the runner reads back,
// struct by struct, through the real writer and a pipe.
#include "runner/protocol.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "util/fd.h"

using namespace membench::runner;

namespace {

// Everything `write` sends, parsed line by line as the runner does.
template <class Write>
ChildReport through_the_channel(Write&& write) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  membench::UniqueFd read_end(fds[0]), write_end(fds[1]);
  ResultWriter out(write_end.get());
  write(out);
  write_end.reset();
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ChildReport report;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    report.add_line(std::string_view(text).substr(start, nl - start));
  EXPECT_EQ(start, text.size()) << "every line ends in a newline";
  return report;
}

template <class Result>
void expect_round_trip(const Result& sent, const char* prefix = nullptr) {
  ChildReport report = through_the_channel([&](ResultWriter& out) { send(out, sent, prefix); });
  EXPECT_TRUE(report.malformed.empty()) << report.malformed;
  std::optional<Result> received = receive<Result>(report, prefix);
  ASSERT_TRUE(received.has_value());
  EXPECT_TRUE(*received == sent);
}

}  // namespace

TEST(Protocol, EveryResultStructSurvivesTheRoundTrip) {
  expect_round_trip(InputInfo{.input_bytes = 1u << 20});
  expect_round_trip(MemoryBaseline{.rss = 1, .anon = 2, .file = 3, .shmem = 4, .hwm = 5});
  expect_round_trip(MemoryEnd{.rss = 11, .anon = 12, .file = 13, .shmem = 14, .hwm = 15, .minor_faults = 16,
                              .major_faults = 17, .items = 18, .output_bytes = UINT64_MAX});
  expect_round_trip(AllocatorSnapshot{.allocated = 7, .thread_allocated = 0, .in_use = 9}, "alloc_before");
  expect_round_trip(AllocationFigures{.count = 55064, .bytes = 9, .peak_live_bytes = 8, .temporary = 7,
                                      .leaked_bytes = 6, .leaked_count = 5, .overflow = 1});
  expect_round_trip(AllocationFigures{.count = 1});
  expect_round_trip(CountOutput{.counter = "on", .items = 3, .digest = "ab12", .allocator = "jemalloc",
                                .allocator_version = "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c"});
  expect_round_trip(CountOutput{.counter = "unavailable", .digest = "", .allocator = "sanitizer"});
  expect_round_trip(StrategyItems{.items = 42});
  expect_round_trip(CaseFailure{.status = "failed", .error = "cannot open x: No such file or directory"});
}

TEST(Protocol, RecordsComeBackInOrder) {
  ChildReport report = through_the_channel([](ResultWriter& out) {
    send_record(out, Repetition{.real_ns = 1.5e6, .cpu_ns = 1.25e6, .iterations = 10});
    send_record(out, Note{.name = "stack_bytes", .value = 4096});
    send_record(out, Repetition{.real_ns = 0.1 + 0.2, .cpu_ns = 3, .iterations = 1});
  });
  std::vector<Repetition> reps = receive_records<Repetition>(report);
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_TRUE(reps[0] == (Repetition{.real_ns = 1.5e6, .cpu_ns = 1.25e6, .iterations = 10}));
  EXPECT_EQ(reps[1].real_ns, 0.1 + 0.2) << "doubles travel exactly (%.17g)";
  std::vector<Note> notes = receive_records<Note>(report);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_TRUE(notes[0] == (Note{.name = "stack_bytes", .value = 4096}));
}

TEST(Protocol, AFailureCanBeSentWithoutOwningStrings) {
  ChildReport report = through_the_channel([](ResultWriter& out) {
    send_as<CaseFailure>(out, CaseFailure::View{.status = "oom", .error = "out of\nmemory"});
  });
  std::optional<CaseFailure> failure = receive<CaseFailure>(report);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->status, "oom");
  EXPECT_EQ(failure->error, "out of memory") << "a newline cannot split the line";
}

TEST(Protocol, MarkersAreSeenAndAbsentResultsAreNotErrors) {
  ChildReport report = through_the_channel([](ResultWriter& out) {
    out.marker("start");
    out.marker("end");
    out.marker("done");
  });
  EXPECT_TRUE(report.saw_start && report.saw_end && report.done);
  EXPECT_FALSE(receive<MemoryEnd>(report).has_value());
  EXPECT_TRUE(receive_records<Repetition>(report).empty());
}

TEST(Protocol, GarbageIsMalformed) {
  ChildReport r;
  r.add_line("\x01\xff junk");
  EXPECT_EQ(r.malformed, "\\x01\\xff junk");
}

TEST(Protocol, NumbersAreStrict) {
  for (const char* bad : {"input_bytes -5", "input_bytes 12abc", "input_bytes ", "input_bytes 18446744073709551616"}) {
    ChildReport r;
    r.add_line(bad);
    EXPECT_THROW(receive<InputInfo>(r), ProtocolError) << bad;
  }
  ChildReport r;
  r.add_line("rep 1.0 nan 3");
  EXPECT_THROW(receive_records<Repetition>(r), ProtocolError);
  ChildReport extra;
  extra.add_line("rep 1.0 2.0 3 4");
  EXPECT_THROW(receive_records<Repetition>(extra), ProtocolError) << "a record with a field too many";
}

TEST(Protocol, HalfAStructIsAnError) {
  ChildReport r;
  r.add_line("baseline_rss 100");
  r.add_line("baseline_anon 50");
  try {
    receive<MemoryBaseline>(r);
    FAIL() << "a struct with fields missing was accepted";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("baseline_file"), std::string::npos) << e.what();
  }
}
