#include "agent/system/progress_board.h"

#include <sys/mman.h>

#include <atomic>
#include <cstring>

namespace umla::agent {

// The header, then two slots. `current` is 0 (nothing yet), 1 or 2 (that slot, 1-based).
struct ProgressBoard::Layout {
  std::atomic<unsigned> current;
  size_t sizes[2];
};

static_assert(std::atomic<unsigned>::is_always_lock_free,
              "the board is shared between processes: its flag must be lock-free");

std::unique_ptr<ProgressBoard> ProgressBoard::Create(size_t slot_bytes) {
  size_t bytes = sizeof(Layout) + 2 * slot_bytes;
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  auto* layout = new (memory) Layout{};
  return std::unique_ptr<ProgressBoard>(new ProgressBoard(layout, bytes, slot_bytes));
}

ProgressBoard::~ProgressBoard() { ::munmap(layout_, mapped_bytes_); }

char* ProgressBoard::Slot(unsigned index) const {
  return reinterpret_cast<char*>(layout_ + 1) + index * slot_bytes_;
}

bool ProgressBoard::Publish(std::string_view text) {
  if (text.size() > slot_bytes_) return false;
  unsigned current = layout_->current.load(std::memory_order_relaxed);
  unsigned next = current == 1 ? 1 : 0;  // the slot (0-based) that is not current
  std::memcpy(Slot(next), text.data(), text.size());
  layout_->sizes[next] = text.size();
  layout_->current.store(next + 1, std::memory_order_release);
  return true;
}

std::string ProgressBoard::Latest() const {
  unsigned current = layout_->current.load(std::memory_order_acquire);
  if (current == 0) return "";
  return std::string(Slot(current - 1), layout_->sizes[current - 1]);
}

}  // namespace umla::agent
