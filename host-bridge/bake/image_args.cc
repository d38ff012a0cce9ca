#include "host-bridge/bake/image_args.h"

#include "common/strings.h"
#include "host-bridge/guest/kernel_args.h"

namespace umla::bridge {

std::optional<std::string> RootImageOf(const std::vector<std::string>& kernel_args) {
  std::optional<std::string> image;
  for (const std::string& arg : kernel_args) {
    if (arg == "--") break;
    if (!StartsWith(arg, "ubd0")) continue;
    size_t equals = arg.find('=');
    if (equals == std::string::npos) continue;
    // Flags between "ubd0" and "=": r (read-only), s (sync), d (data), c (cluster).
    bool flags_only = arg.find_first_not_of("rsdc", 4) >= equals;
    if (!flags_only) continue;
    std::string value = arg.substr(equals + 1);
    size_t comma = value.find_first_of(",:");
    image = comma == std::string::npos ? value : value.substr(comma + 1);
  }
  return image;
}

std::vector<std::string> MergeImageArgs(std::string_view image_args_text,
                                        const std::vector<std::string>& user_args) {
  std::vector<std::string> added;
  std::string text(image_args_text);
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  for (std::string_view token : SplitWhitespace(text)) {
    std::string arg(token);
    std::string key = arg.substr(0, arg.find('='));
    if (arg.find('=') != std::string::npos && FindKernelArg(user_args, key)) continue;
    bool repeated = false;
    for (const std::string& user : user_args) repeated = repeated || user == arg;
    if (!repeated) added.push_back(arg);
  }
  return added;
}

}  // namespace umla::bridge
