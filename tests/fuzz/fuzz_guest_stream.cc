// Everything a guest can write on the agent's line, as the host reads it: framing,
// CRC, JSON event decoding, sequence and stage tracking, progress text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host-bridge/watch/guest_watch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  umla::bridge::GuestWatch watch({[](const std::string&) {}, [](const nlohmann::json&) {}});
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Feed in two uneven pieces so that chunk boundaries are exercised too.
  size_t split = size / 3;
  watch.Feed(bytes.substr(0, split));
  watch.Feed(bytes.substr(split));
  watch.ChannelClosed();
  return 0;
}
