// mconsole notify datagrams: a guest kernel (or anything that can reach the socket)
// chooses every byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host-bridge/guest/mconsole.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)umla::bridge::ParseNotify(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
