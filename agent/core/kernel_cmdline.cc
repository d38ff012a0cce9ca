#include "agent/core/kernel_cmdline.h"

namespace umla::agent {

std::vector<CmdlineParam> ParseKernelCmdline(std::string_view text) {
  std::vector<CmdlineParam> params;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    if (i >= text.size()) break;
    std::string token;
    bool quoted = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (!quoted && (c == ' ' || c == '\t' || c == '\n')) break;
      if (c == '\0') continue;
      token += c;
    }
    CmdlineParam param;
    size_t equals = token.find('=');
    if (equals == std::string::npos) {
      param.key = token;
    } else {
      param.key = token.substr(0, equals);
      param.value = token.substr(equals + 1);
      param.has_value = true;
    }
    params.push_back(std::move(param));
  }
  return params;
}

}  // namespace umla::agent
