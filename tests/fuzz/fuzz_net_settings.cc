// Network settings as they arrive on the kernel command line (uml_agent.net.*,
// uml_agent.dns.*): addresses, prefixes, routes and lists typed by hand.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/steps/net/net_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  umla::agent::Settings settings;
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline(text, &warnings);
  (void)umla::agent::ReadNetSettings(settings);
  (void)umla::agent::ReadDnsSettings(settings);
  return 0;
}
