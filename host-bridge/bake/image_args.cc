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

namespace {

// Only arguments the guest could set for itself anyway: the program its kernel starts
// (an absolute guest path) and the agent's own settings. Everything else a UML kernel
// takes (ubdN=, conN=, sslN=, ethN=, hostfs=, initrd=, mem=, umid=...) opens host
// files, ports or devices, or changes how the host runs the guest.
bool ImageMayAsk(std::string_view arg) {
  for (char c : arg) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7f) return false;  // printable ASCII only
  }
  if (StartsWith(arg, "init=/")) return true;
  return StartsWith(arg, "uml_agent.") && arg.size() > 10 && arg[10] != '=';
}

}  // namespace

ImageArgs MergeImageArgs(std::string_view image_args_text,
                         const std::vector<std::string>& user_args) {
  ImageArgs result;
  std::string text(image_args_text);
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  for (std::string_view token : SplitWhitespace(text)) {
    std::string arg(token);
    if (!ImageMayAsk(arg)) {
      result.refused.push_back("the image asks for kernel argument " +
                               SanitizeForTerminal(arg, 200) +
                               ", which uml-bridge does not take from an image: only init= "
                               "and uml_agent.* are");
      continue;
    }
    std::string key = arg.substr(0, arg.find('='));
    if (arg.find('=') != std::string::npos && FindKernelArg(user_args, key)) continue;
    bool repeated = false;
    for (const std::string& user : user_args) repeated = repeated || user == arg;
    if (!repeated) result.added.push_back(arg);
  }
  return result;
}

}  // namespace umla::bridge
