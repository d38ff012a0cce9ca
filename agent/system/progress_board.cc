#include "agent/system/progress_board.h"

#include <sys/mman.h>

#include <algorithm>

#include <atomic>
#include <cstring>
#include <new>

#include "agent/system/prewarm.h"

namespace umla::agent {

// The committed length, then the log itself.
struct ProgressBoard::Layout {
  std::atomic<size_t> committed;
};

static_assert(std::atomic<size_t>::is_always_lock_free,
              "the board is shared between processes: its length must be lock-free");

std::unique_ptr<ProgressBoard> ProgressBoard::Create(size_t capacity) {
  size_t bytes = sizeof(Layout) + capacity;
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  // A boot's log is a few KiB: those pages are mapped before the child that writes
  // them starts (agent/system/prewarm.h).
  PopulateForWrite(memory, std::min<size_t>(bytes, 16 << 10));
  auto* layout = new (memory) Layout{};
  return std::unique_ptr<ProgressBoard>(new ProgressBoard(layout, bytes, capacity));
}

ProgressBoard::~ProgressBoard() { ::munmap(layout_, mapped_bytes_); }

char* ProgressBoard::Data() const { return reinterpret_cast<char*>(layout_ + 1); }

bool ProgressBoard::Append(std::string_view record) {
  size_t used = layout_->committed.load(std::memory_order_relaxed);
  if (record.size() > capacity_ - used) return false;
  std::memcpy(Data() + used, record.data(), record.size());
  layout_->committed.store(used + record.size(), std::memory_order_release);
  return true;
}

std::string ProgressBoard::Contents() const {
  return std::string(Data(), layout_->committed.load(std::memory_order_acquire));
}

}  // namespace umla::agent
