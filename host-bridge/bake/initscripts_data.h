// The files under initscripts/ (and the default config), built into uml-bridge so
// `bake` needs nothing besides the agent binary.
#pragma once

#include <string>

namespace umla::bridge {

// The content of initscripts/RELATIVE_PATH as it was at build time; throws
// std::out_of_range for a name that is not built in (a programming error).
const std::string& InitScript(const std::string& relative_path);

}  // namespace umla::bridge
