// Joining the shard reports of one run (run --shard I/N) into one report.
// Pure: reports in, report out; reading and writing files is the caller's.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "report/model.h"

namespace membench::report {

// The inputs are not shards of one run, or two of them hold the same case;
// what() is one line naming the input (by its source) and the conflict.
class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MergeInput {
  std::string source;  // how messages name this report (its path)
  Report report;
};

struct MergeResult {
  Report report;
  std::vector<std::string> warnings;  // merged anyway: shards missing, fits that differ, ...
};

// Refuses (MergeError) inputs of different schemas, whose context.suite,
// membench_version, git_commit or build_id differ, the same shard twice,
// shards of different splits, a malformed context.shard, and a case id in
// two inputs. Cases keep their shard's order, shards sorted by index when
// every input names one. Identical scaling fits are kept once; of two fits of
// one curve that differ, the one over more sizes. The context is the first
// shard's, with the union of context.datasets, allocators and workloads when
// no entry is described differently by two shards (else that key stays per
// shard), context.merged_shards listing the shards, and
// context.shard_contexts holding what differs per shard.
MergeResult merge_reports(std::vector<MergeInput> inputs);

}  // namespace membench::report
