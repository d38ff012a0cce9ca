// The agent's configuration sources: the kernel command line and the JSON config file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/core/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  umla::agent::Settings settings;
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline(text, &warnings);
  (void)settings.LoadJson(text, "/etc/uml-agent/config.json");
  (void)settings.Path("hostfs.mountpoint", "/mnt/host");
  (void)settings.Unsigned("channel.timeout_ms", 2000, 600000);
  (void)settings.Bool("fstab", true);
  return 0;
}
