// Memory that a guarded fixups process shares with the process waiting for it (see
// agent/commands/init.h): the child publishes its boot state before each step, and
// when it crashes or hangs, the guard reads the last snapshot to blame the step it was
// in and to carry on the same report. It replaces a file write per step: an atomic
// file replace is several syscalls, and inside UML each one costs ~0.1 ms on the build
// machines (docs/benchmarks.md).
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
  static std::unique_ptr<ProgressBoard> Create(size_t slot_bytes = 256 * 1024);
  ~ProgressBoard();
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // Copies `text` into the slot that is not current, then makes it current, so a
  // writer killed halfway leaves the previous snapshot intact. False (and nothing
  // changes) when `text` does not fit a slot.
  bool Publish(std::string_view text);
  // The last complete snapshot; "" when nothing was published.
  std::string Latest() const;

 private:
  struct Layout;
  ProgressBoard(Layout* layout, size_t mapped_bytes, size_t slot_bytes)
      : layout_(layout), mapped_bytes_(mapped_bytes), slot_bytes_(slot_bytes) {}
  char* Slot(unsigned index) const;

  Layout* layout_;
  size_t mapped_bytes_;
  size_t slot_bytes_;
};

}  // namespace umla::agent
