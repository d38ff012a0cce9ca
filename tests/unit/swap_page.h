// A first page as mkswap writes it, for tests: magic, UUID and label.
#pragma once

#include <string>

namespace umla::agent {

// `uuid` as "xxxxxxxx-xxxx-..." (empty: all zero); `label` up to 16 bytes.
inline std::string SwapPage(const std::string& uuid, const std::string& label) {
  std::string page(4096, '\0');
  page.replace(4086, 10, "SWAPSPACE2");
  page[1024] = 1;  // version 1
  std::string hex;
  for (char c : uuid)
    if (c != '-') hex += c;
  for (size_t i = 0; i + 1 < hex.size() && i / 2 < 16; i += 2) {
    page[1036 + i / 2] = static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  page.replace(1052, label.size(), label);
  return page;
}

}  // namespace umla::agent
