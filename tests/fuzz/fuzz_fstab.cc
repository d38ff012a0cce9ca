// The fstab parser keeps every byte of lines it does not change: parsing and
// rendering any input, however malformed, must give the input back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/core/fstab_text.h"
#include "agent/core/proc_tables.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (umla::agent::RenderFstab(umla::agent::ParseFstab(text)) != text) __builtin_trap();
  (void)umla::agent::ParseProcMounts(text);
  (void)umla::agent::ParseProcSwaps(text);
  (void)umla::agent::ParseProcPartitions(text);
  return 0;
}
