// Runs a host program (no shell) and captures its output: bake drives e2fsprogs'
// debugfs this way. Host side only; the agent never runs programs like this.
#pragma once

#include <string>
#include <vector>

namespace umla::bridge {

// Runs `argv` (argv[0] looked up in PATH), stdout and stderr into the strings (either
// may be null); returns the exit status, 127 when it could not be started.
int RunCapture(const std::vector<std::string>& argv, std::string* out, std::string* err);

// Whether debugfs can take `path` as one command argument (no blanks, quotes, controls).
bool SafeForDebugfs(const std::string& path);

}  // namespace umla::bridge
