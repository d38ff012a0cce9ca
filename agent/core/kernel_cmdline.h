// Parses the kernel command line (/proc/cmdline) the way the kernel splits it:
// whitespace separates parameters, double quotes group ("a=\"x y\"" -> a = x y).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace umla::agent {

struct CmdlineParam {
  std::string key;
  std::string value;  // empty for a bare flag
  bool has_value = false;
};

std::vector<CmdlineParam> ParseKernelCmdline(std::string_view text);

}  // namespace umla::agent
