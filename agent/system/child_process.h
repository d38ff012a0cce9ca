// Running a piece of the agent in a child process with a time limit, so a step that
// crashes or hangs takes down only the child (agent/commands/init.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace umla::agent {

// How a child run ended: `stopped` is "" when it exited by itself (with `status`),
// else what happened to it ("killed by signal 6 (Aborted)", "still running after
// 3000 ms (killed)").
struct ChildEnd {
  std::string stopped;
  int status = 0;
};

// How the child gets its memory.
enum class ChildMemory {
  // fork(): a copy. Nothing the child does can touch the caller's memory: what PID 1
  // uses, where a corrupted heap would panic the kernel.
  kCopy,
  // clone(CLONE_VM) on a stack of its own: the same memory, so the child faults in
  // no page the caller already has. Inside UML a fork costs the child a host round
  // trip (~0.3 ms) for every page it touches again, ~45 ms per boot on the build
  // machines (docs/benchmarks.md). A child that dies mid-write can leave the shared
  // heap damaged, so callers must not rely on their heap after a failed child.
  kShared,
};

// Runs `work` in a child process (its own process group) and waits at most
// `timeout_ms` (then kills the group). The caller must not run concurrently with a
// kShared child: it only waits.
ChildEnd RunInChild(const std::function<int()>& work, uint64_t timeout_ms,
                    ChildMemory memory = ChildMemory::kCopy);

}  // namespace umla::agent
