// The heaptrack runs of a case (run --heaptrack, heaptrack_run.cpp); reading
// a recording is heaptrack.h's job.
#pragma once

#include <map>
#include <string>

#include "report/model.h"
#include "runner/heaptrack.h"

namespace membench::runner {

struct CaseRun;  // runner/phases.h

// Opt-in: heaptrack's figures for the strategy. The calibration runs are
// shared by the cases of one workload, dataset and allocator, keyed by
// "workload/calibration/dataset/allocator".
using HeaptrackCalibrations = std::map<std::string, HeaptrackFigures>;
void attach_heaptrack(const CaseRun& run, report::CaseResult& result, HeaptrackCalibrations& calibrations);
// Sets heaptrack.agrees (and the disagreement) from the attributed calls and
// temporaries against the counter's.
void note_heaptrack_agreement(report::CaseResult& result);

}  // namespace membench::runner
