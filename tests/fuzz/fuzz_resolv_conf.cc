// The host's resolv.conf as `netconf` reads it, and the guest's as the dns step
// renders it from what was parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/steps/net/resolv_conf_render.h"
#include "host-bridge/hostnet/resolv_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = umla::bridge::ParseResolvConf(text);
  (void)umla::agent::RenderResolvConf(parsed);
  return 0;
}
