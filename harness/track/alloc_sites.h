// Allocation sites of a counting window (internal to the counter): the call
// stack of every allocation, aggregated per unique stack in a table of its
// own anonymous mapping, so that recording a site never allocates through
// malloc. The counter (alloc_interpose.cpp) updates each site's figures
// under its own lock; this file holds the table, the stack capture and the
// writer of what the parent symbolizes (runner/sites.cpp reads it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace membench::track::sites {

// Deeper stacks keep their innermost frames and are marked truncated.
inline constexpr unsigned kMaxDepth = 128;

// Site 0 gathers what has no stack of its own: allocations made by the
// unwinder while it takes a stack, and those after the table filled up.
inline constexpr std::uint32_t kUnattributed = 0;

struct Stack {
  unsigned depth = 0;
  bool truncated = false;
  std::uintptr_t frames[kMaxDepth];  // innermost first; each inside its call instruction
};

struct Site {
  std::uint64_t hash = 0;
  std::uint64_t frames_at = 0;  // index of the first frame in the frame pool
  std::uint32_t depth = 0;
  std::uint32_t truncated = 0;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t temporary = 0;
  std::uint64_t live = 0;       // requested, not yet freed; the leaked bytes at the end
  std::uint64_t peak_live = 0;  // live when the window last reached its peak (see epoch)
  std::uint64_t epoch = 0;      // the peak epoch peak_live was taken in
  std::uint64_t threads = 0;    // bit i: thread i of the window allocated here (63: 63 and later)
};

// Maps the table; false when it cannot be mapped.
bool open_table();
// Releases it.
void close_table();
bool table_open();

// Takes the calling thread's stack. `outer_cfa`, when not 0, ends the walk
// at the first frame whose canonical frame address lies above it (the
// harness around the strategy). False when re-entered from the unwinder.
bool capture(Stack& out, std::uintptr_t outer_cfa);

// The canonical frame address of the frame `frames_out` steps out from the
// caller of frame_cfa (0: the caller's own); 0 when the stack is shorter or
// no unwinder is found. An `outer_cfa` for capture that keeps that frame and
// cuts the ones above it.
std::uintptr_t frame_cfa(unsigned frames_out);

// The site of `stack` (created on first sight), kUnattributed when full.
// Called under the counter's lock.
std::uint32_t intern(const Stack& stack);

Site& at(std::uint32_t id);

// The epoch of the window's latest peak; bumped by the counter on a new peak.
std::uint64_t& peak_epoch();

// Before a site's live bytes change: if the window reached a new peak since
// the site last changed, its live bytes then are its share of that peak.
inline void touch(Site& s) {
  std::uint64_t e = peak_epoch();
  if (s.epoch != e) {
    s.peak_live = s.live;
    s.epoch = e;
  }
}

// At the window's end: every site not changed since the latest peak.
void settle_peaks();

// Writes the sites and this process's memory map to fd; false on a failed write.
bool write_table(int fd, std::uint64_t count, std::uint64_t bytes, std::uint64_t peak_live,
                 std::uint64_t temporary, std::uint64_t leaked_bytes);

}  // namespace membench::track::sites
