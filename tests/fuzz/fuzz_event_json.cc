// The JSON event decoder on its own (what survives the CRC check is still hostile).
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto event = umla::protocol::DecodeEvent(text);
  if (event.ok()) {
    // Whatever decodes must encode and decode again to the same thing.
    auto again = umla::protocol::DecodeEvent(umla::protocol::EncodeEvent(*event));
    if (!again.ok()) __builtin_trap();
  }
  return 0;
}
