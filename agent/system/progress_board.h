// Memory that a guarded fixups process shares with the process waiting for it (see
// agent/commands/init.h): an append-only log of what the child did (the frames it
// sent, the step it is starting; agent/core/boot_state.h reads it back). When the
// child crashes or hangs, the guard rebuilds the boot state from the log to blame the
// step it was in and carry on the same report. Appending is a memcpy: no file write
// and no rendering per step, as each syscall inside UML costs ~0.1 ms and each fresh
// page ~0.3 ms on the build machines (docs/benchmarks.md).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace umla::agent {

class ProgressBoard {
 public:
  // Maps shared anonymous memory (only the pages written are ever touched); nullptr
  // when that fails, and then no progress is kept.
  static std::unique_ptr<ProgressBoard> Create(size_t capacity = 256 * 1024);
  ~ProgressBoard();
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // Appends `record`, then commits it, so a writer killed halfway leaves only whole
  // records. False (and nothing changes) when the log is full.
  bool Append(std::string_view record);
  // Every committed record, in order.
  std::string Contents() const;

 private:
  struct Layout;
  ProgressBoard(Layout* layout, size_t mapped_bytes, size_t capacity)
      : layout_(layout), mapped_bytes_(mapped_bytes), capacity_(capacity) {}
  char* Data() const;

  Layout* layout_;
  size_t mapped_bytes_;
  size_t capacity_;
};

}  // namespace umla::agent
