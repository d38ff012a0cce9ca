// The kernel arguments a baked image asks for (/etc/uml-agent/kernel-args, written by
// `uml-bridge bake`, e.g. "init=/sbin/uml-agent"), found through the ubd0 image among
// the user's kernel arguments. `uml-bridge run` adds them; the user's own arguments
// win over the image's (an explicit init= is kept). The image is guest data: only
// arguments that stay inside the guest are taken from it (init= and uml_agent.*),
// never ones that reach the host (ubdN=, conN=, hostfs=, ethN=, initrd=...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace umla::bridge {

// The image file of ubd0 ("ubd0=root.img", "ubd0r=...", the backing file of
// "ubd0=cow,backing"); nullopt without one.
std::optional<std::string> RootImageOf(const std::vector<std::string>& kernel_args);

// At most this much of the image's kernel-args file is read (a baked one is ~50 bytes).
inline constexpr size_t kMaxImageArgsBytes = 4096;

struct ImageArgs {
  std::vector<std::string> added;    // to add to the kernel command line
  std::vector<std::string> refused;  // one message per argument not taken from the image
};

// The image's arguments minus those whose key the user already gave; an argument
// other than init=/PATH and uml_agent.* is refused with a message naming it. Pure.
ImageArgs MergeImageArgs(std::string_view image_args_text,
                         const std::vector<std::string>& user_args);

}  // namespace umla::bridge
