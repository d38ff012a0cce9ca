// CRC-32 (IEEE 802.3, the one zlib and `crc32` use), so a frame can be checked by hand.
#pragma once

#include <cstdint>
#include <string_view>

namespace umla::protocol {

uint32_t Crc32(std::string_view data);

}  // namespace umla::protocol
