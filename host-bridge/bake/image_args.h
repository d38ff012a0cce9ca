// The kernel arguments a baked image asks for (/etc/uml-agent/kernel-args, written by
// `uml-bridge bake`, e.g. "init=/sbin/uml-agent"), found through the ubd0 image among
// the user's kernel arguments. `uml-bridge run` adds them; the user's own arguments
// win over the image's (an explicit init= is kept).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace umla::bridge {

// The image file of ubd0 ("ubd0=root.img", "ubd0r=...", the backing file of
// "ubd0=cow,backing"); nullopt without one.
std::optional<std::string> RootImageOf(const std::vector<std::string>& kernel_args);

// The image's arguments minus those whose key the user already gave. Pure.
std::vector<std::string> MergeImageArgs(std::string_view image_args_text,
                                        const std::vector<std::string>& user_args);

}  // namespace umla::bridge
