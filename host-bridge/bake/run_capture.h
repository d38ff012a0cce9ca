// Runs a host program (no shell) and captures its output: bake drives e2fsprogs'
// debugfs this way. Host side only; the agent never runs programs like this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace umla::bridge {

// RunCapture's result when the program could not be started (not found).
inline constexpr int kCaptureNotStarted = 127;
// RunCapture's result when this process could not run it (no temporary file, pipe or
// process to be had).
inline constexpr int kCaptureCannotRun = 126;
// RunCapture's result when stdout went over `max_out`.
inline constexpr int kCaptureOverLimit = -1;

// Runs `argv` (argv[0] a name: FindSystemProgram), stdout and stderr into the strings
// (either may be null); returns the exit status, 127 when it could not be started
// (kCaptureNotStarted), 126 (kCaptureCannotRun), 128 when it
// was killed. Stdout is read through a pipe: past `max_out` bytes (what it prints may
// come from an image, i.e. a guest) the program is killed and kCaptureOverLimit
// returned, `out` holding the first `max_out` bytes.
int RunCapture(const std::vector<std::string>& argv, std::string* out, std::string* err,
               size_t max_out = SIZE_MAX);

// Whether debugfs can take `path` as one command argument (no blanks, quotes, controls).
bool SafeForDebugfs(const std::string& path);

}  // namespace umla::bridge
