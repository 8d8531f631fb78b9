// The heaptrack runs of a case (run --heaptrack): the case's work once under
// heaptrack, and once per workload, dataset and allocator without the
// strategy (the calibration), so that the difference is the strategy's.
// Reading a recording is heaptrack.cpp's job.
#include "runner/heaptrack_run.h"

#include <filesystem>

#include "runner/phases.h"

namespace membench::runner {

using report::CaseResult;

namespace {

// Recordings are named after the case id with '/' made '.'.
std::string recording_base(const RunOptions& o, const std::string& name) {
  std::string safe;
  for (char ch : name) safe += ch == '/' ? '.' : ch;
  return (o.heaptrack_dir.empty() ? std::string(".") : o.heaptrack_dir) + "/heaptrack." + safe;
}

// heaptrack compresses its recording with zstd when the zstd program is
// installed and with gzip otherwise, and names the file after the compressor.
constexpr const char* kRecordingSuffixes[] = {".zst", ".gz"};

// One run of the case's work under heaptrack.
struct HeaptrackRun {
  bool calibrate = false;        // everything but the strategy
  std::string base;              // the recording's path, without the compressor's suffix
  bool with_flamegraph = false;  // also write base.stacks.txt
};

// The figures of one run under heaptrack; `recording` receives the path of
// the file heaptrack wrote, `error` why there are none.
HeaptrackFigures heaptrack_run(const CaseRun& run, const HeaptrackRun& what, std::string& recording,
                               std::string& error) {
  const std::string& base = what.base;
  // A recording left by an earlier run, under the other suffix, must not be
  // mistaken for this run's.
  for (const char* suffix : kRecordingSuffixes) std::filesystem::remove(base + suffix);
  std::vector<std::string> argv{heaptrack_program(), "-o", base};
  std::vector<std::string> child = run.child_argv("heaptrack");
  argv.insert(argv.end(), child.begin(), child.end());
  // The same arguments, byte for byte, in both: parsing them allocates too.
  argv.insert(argv.end(), {"--calibrate", what.calibrate ? "1" : "0"});
  ChildOutcome out = run_child({.argv = argv, .env_set = run.env, .timeout_seconds = run.remaining_seconds()});
  if (PhaseVerdict v = judge(out, what.calibrate ? "heaptrack calibration" : "heaptrack", run.options); !v.ok) {
    error = v.error;
    return {};
  }
  recording.clear();
  for (const char* suffix : kRecordingSuffixes)
    if (std::filesystem::exists(base + suffix)) recording = base + suffix;
  if (recording.empty()) {
    error = "heaptrack wrote no recording at " + base + ".zst or .gz";
    return {};
  }
  try {
    return analyse_recording(recording, what.with_flamegraph ? std::optional(base + ".stacks.txt") : std::nullopt);
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
}

}  // namespace

void attach_heaptrack(const CaseRun& run, CaseResult& r, HeaptrackCalibrations& calibrations) {
  const PlannedCase& c = run.planned;
  const RunOptions& o = run.options;
  std::string error;
  std::string cal_key = std::string(c.workload->name) + "/calibration/" + c.dataset + "/" + c.allocator;
  if (!calibrations.count(cal_key)) {
    std::string cal_recording;
    HeaptrackFigures cal =
        heaptrack_run(run, {.calibrate = true, .base = recording_base(o, cal_key)}, cal_recording, error);
    if (!error.empty()) {
      r.heaptrack = {{"error", error}};
      return;
    }
    calibrations[cal_key] = cal;
  }
  const HeaptrackFigures& cal = calibrations[cal_key];
  std::string base = recording_base(o, r.id);
  std::string recording;
  HeaptrackFigures whole = heaptrack_run(run, {.base = base, .with_flamegraph = true}, recording, error);
  if (!error.empty()) {
    r.heaptrack = {{"error", error}};
    return;
  }
  auto minus = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
  r.heaptrack = {{"recording", recording},
                 {"flamegraph", base + ".stacks.txt"},
                 {"calls", minus(whole.calls, cal.calls)},
                 {"temporary", minus(whole.temporary, cal.temporary)},
                 {"peak_heap_bytes", minus(whole.peak_heap_bytes, cal.peak_heap_bytes)},
                 {"leaked_bytes", minus(whole.leaked_bytes, cal.leaked_bytes)},
                 {"raw", {{"case", whole.to_json()}, {"calibration", cal.to_json()}}},
                 {"sources",
                  "calls and temporary: heaptrack_print's summary (exact integers); peak_heap_bytes and "
                  "leaked_bytes: sums of heaptrack_print's peak/leaked flame graphs (exact bytes); "
                  "peak_rss_bytes: the summary (rounded, includes heaptrack's own overhead); attributed = case - "
                  "calibration (the same process without the strategy)"}};
  note_heaptrack_agreement(r);
}

void note_heaptrack_agreement(CaseResult& r) {
  if (!r.allocations) return;
  std::uint64_t calls = r.heaptrack["calls"], temporary = r.heaptrack["temporary"];
  bool agrees = calls == r.allocations->count && temporary == r.allocations->temporary;
  r.heaptrack["agrees"] = agrees;
  if (!agrees)
    r.heaptrack["disagreement"] = "membench counted " + std::to_string(r.allocations->count) + " allocations (" +
                                  std::to_string(r.allocations->temporary) + " temporary), heaptrack " +
                                  std::to_string(calls) + " (" + std::to_string(temporary) + ")";
}

}  // namespace membench::runner
