// The result channel between a case child and the runner.
//
// On the wire: one "key value" line per figure, written with plain write(2)
// from a stack buffer so the child allocates nothing to report. Above the
// wire: typed result structs. Each lists its fields once, in a static
// `fields(self, visit)`; the child sends a struct with send(), the runner
// reads it back with receive(), and a round-trip test holds the two
// together (tests/unit/protocol_test.cpp). The runner trusts nothing it
// reads: every line is parsed strictly, and anything malformed fails the case.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "track/alloc_fields.h"

namespace membench::runner {

inline constexpr int kResultFd = 3;  // child writes results here
inline constexpr int kAckFd = 4;     // child waits for EOF here before exiting (memory phase)

// A result line that is missing, malformed, or only half of a struct.
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- the results, one struct per message ----------------------------------

// Every phase: the input the child saw.
struct InputInfo {
  std::uint64_t input_bytes = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) { v("input_bytes", s.input_bytes); }
  bool operator==(const InputInfo&) const = default;
};

// Memory phase, before the strategy: the process's resident memory.
struct MemoryBaseline {
  std::uint64_t rss = 0, anon = 0, file = 0, shmem = 0, hwm = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    v("baseline_rss", s.rss); v("baseline_anon", s.anon); v("baseline_file", s.file);
    v("baseline_shmem", s.shmem); v("baseline_hwm", s.hwm);
  }
  bool operator==(const MemoryBaseline&) const = default;
};

// Memory phase, after the strategy.
struct MemoryEnd {
  std::uint64_t rss = 0, anon = 0, file = 0, shmem = 0;
  std::uint64_t hwm = 0;  // the child's own read of VmHWM
  std::uint64_t minor_faults = 0, major_faults = 0;
  std::uint64_t items = 0, output_bytes = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    v("end_rss", s.rss); v("end_anon", s.anon); v("end_file", s.file); v("end_shmem", s.shmem);
    v("child_hwm", s.hwm); v("minor_faults", s.minor_faults); v("major_faults", s.major_faults);
    v("items", s.items); v("output_bytes", s.output_bytes);
  }
  bool operator==(const MemoryEnd&) const = default;
};

// What the allocator holds, before or after the strategy (sent with the
// prefix "alloc_before" or "alloc_after"); each allocator knows some of these.
struct AllocatorSnapshot {
  // jemalloc's stats.* and thread.allocated
  std::optional<std::uint64_t> allocated{}, active{}, resident{}, mapped{}, retained{}, metadata{}, thread_allocated{};
  // glibc's mallinfo2
  std::optional<std::uint64_t> in_use{}, system{};
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    v("allocated", s.allocated); v("active", s.active); v("resident", s.resident); v("mapped", s.mapped);
    v("retained", s.retained); v("metadata", s.metadata); v("thread_allocated", s.thread_allocated);
    v("in_use", s.in_use); v("system", s.system);
  }
  bool operator==(const AllocatorSnapshot&) const = default;
};

// Count phase: the counter's totals (absent when the build has no counter),
// as track/alloc_fields.h lists them.
struct AllocationFigures {
  MEMBENCH_ALLOCATION_TOTAL_MEMBERS
  std::optional<std::uint64_t> overflow{};  // 1: more live blocks than the size table holds
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    track::for_each_allocation_total([&](const track::AllocationField& f, auto& value) { v(f.protocol_key, value); },
                                     s);
    v("alloc_overflow", s.overflow);
  }
  bool operator==(const AllocationFigures&) const = default;
};

// Count phase: everything but the counter's figures.
struct CountOutput {
  std::string counter;  // "on" or "unavailable"
  std::uint64_t items = 0;
  std::string digest;     // SHA-256 of the strategy's output, hex
  std::string allocator;  // what the interposer forwarded to
  std::optional<std::string> allocator_version{};
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    v("counter", s.counter); v("items", s.items); v("digest", s.digest); v("allocator", s.allocator);
    v("allocator_version", s.allocator_version);
  }
  bool operator==(const CountOutput&) const = default;
};

// Heaptrack and cachegrind phases: the strategy ran (or, calibrating, did not).
struct StrategyItems {
  std::uint64_t items = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) { v("items", s.items); }
  bool operator==(const StrategyItems&) const = default;
};

// Any phase: why the case failed ("failed", "oom"). Sent through
// CaseFailure::View, which does not allocate.
struct CaseFailure {
  std::string status, error;
  struct View {
    const char* status;
    const char* error;
  };
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) { v("status", s.status); v("error", s.error); }
  bool operator==(const CaseFailure&) const = default;
};

// Records: repeated, one line each ("key v1 v2 ..."), read back in order.

// Time phase: one timed repetition.
struct Repetition {
  static constexpr const char* kKey = "rep";
  double real_ns = 0, cpu_ns = 0;  // per iteration
  std::uint64_t iterations = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) {
    v("real_ns", s.real_ns); v("cpu_ns", s.cpu_ns); v("iterations", s.iterations);
  }
  bool operator==(const Repetition&) const = default;
};

// Count phase: a figure a strategy reported about itself (OutputSink::note).
struct Note {
  static constexpr const char* kKey = "note";
  std::string name;  // a key: [a-z0-9_.]
  std::uint64_t value = 0;
  template <class Self, class Visit> static void fields(Self& s, Visit&& v) { v("name", s.name); v("value", s.value); }
  bool operator==(const Note&) const = default;
};

// ---- child side ------------------------------------------------------------

class ResultWriter {
 public:
  explicit ResultWriter(int fd) : fd_(fd) {}
  void marker(const char* key);  // "start", "end", "done"
  void line(const char* key, std::uint64_t value);
  void line(const char* key, double value);
  void line(const char* key, const char* text);  // text: newlines become spaces
  void line(const char* key, const std::string& text) { line(key, text.c_str()); }
  template <class T> void line(const char* key, const std::optional<T>& value) {
    if (value) line(key, *value);
  }
  // A record's values, space-separated after its key (no allocation).
  void record_line(const char* key, const char* values) { line(key, values); }

 private:
  void emit(const char* buf, std::size_t len);
  int fd_;
};

namespace protocol_detail {
// "prefix.key" in a caller's buffer, or key itself.
const char* prefixed(char (&buf)[96], const char* prefix, const char* key);
void append_value(char* buf, std::size_t size, std::size_t& used, std::uint64_t v);
void append_value(char* buf, std::size_t size, std::size_t& used, double v);
void append_value(char* buf, std::size_t size, std::size_t& used, const std::string& v);
}  // namespace protocol_detail

// `fields` is a template on the object it visits, so a view with the same
// member names and non-owning types (const char*) sends a struct without
// allocating: what a child that ran out of memory can still do.
template <class Result, class View>
void send_as(ResultWriter& out, const View& view, const char* prefix = nullptr) {
  Result::fields(view, [&](const char* key, const auto& value) {
    char buf[96];
    out.line(protocol_detail::prefixed(buf, prefix, key), value);
  });
}

template <class Result>
void send(ResultWriter& out, const Result& result, const char* prefix = nullptr) {
  send_as<Result>(out, result, prefix);
}

template <class Record>
void send_record(ResultWriter& out, const Record& record) {
  char values[512];
  std::size_t used = 0;
  values[0] = '\0';
  Record::fields(record, [&](const char*, const auto& value) {
    protocol_detail::append_value(values, sizeof values, used, value);
  });
  out.record_line(Record::kKey, values);
}

// ---- runner side -----------------------------------------------------------

// The accumulated lines of one child.
struct ChildReport {
  std::map<std::string, std::string, std::less<>> values;       // last value per key
  std::vector<std::pair<std::string, std::string>> lines;      // every key and value, in order
  bool saw_start = false;
  bool saw_end = false;
  bool done = false;
  std::string malformed;  // first line that did not parse, if any

  void add_line(std::string_view line);
  std::optional<std::string_view> find(std::string_view key) const;
};

namespace protocol_detail {
bool parse(std::string_view text, std::uint64_t& out);
bool parse(std::string_view text, double& out);
bool parse(std::string_view text, std::string& out);
[[noreturn]] void fail(std::string_view what, std::string_view key, std::string_view value);

template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace protocol_detail

// The struct, when the child sent it: nullopt when none of its fields came
// (the child never got that far); ProtocolError when only some did, or one
// does not parse.
template <class Result>
std::optional<Result> receive(const ChildReport& in, const char* prefix = nullptr) {
  using namespace protocol_detail;
  Result result{};
  int present = 0, required_missing = 0;
  std::string first_missing;
  Result::fields(result, [&](const char* key, auto& value) {
    char buf[96];
    const char* full = prefixed(buf, prefix, key);
    std::optional<std::string_view> text = in.find(full);
    using T = std::remove_reference_t<decltype(value)>;
    if (!text) {
      if constexpr (!IsOptional<T>::value) {
        if (required_missing++ == 0) first_missing = full;
      }
      return;
    }
    ++present;
    bool ok;
    if constexpr (IsOptional<T>::value) {
      typename T::value_type v{};
      ok = parse(*text, v);
      if (ok) value = std::move(v);
    } else {
      ok = parse(*text, value);
    }
    if (!ok) fail("malformed", full, *text);
  });
  if (present == 0) return std::nullopt;
  if (required_missing > 0) fail("missing", first_missing, "");
  return result;
}

// Every record of this kind, in the order sent.
template <class Record>
std::vector<Record> receive_records(const ChildReport& in) {
  using namespace protocol_detail;
  std::vector<Record> records;
  for (const auto& [key, line] : in.lines) {
    if (key != Record::kKey) continue;
    Record record{};
    std::string_view rest = line;
    bool ok = true;
    Record::fields(record, [&](const char*, auto& value) {
      std::size_t sp = rest.find(' ');
      std::string_view word = rest.substr(0, sp);
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
      ok = ok && !word.empty() && parse(word, value);
    });
    if (!ok || !rest.empty()) fail("malformed", key, line);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace membench::runner
