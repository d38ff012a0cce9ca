// Telling this very program by its file, under whatever name it is reached.
#pragma once

#include <string>

namespace umla::agent {

// Whether `path` is the file this process runs (/proc/self/exe): a link to it, another
// hard link, the same path. False when either cannot be looked at.
bool IsThisProgram(const std::string& path);

}  // namespace umla::agent
