// Finding the host programs the bridge runs (e2fsprogs' debugfs and e2fsck).
#pragma once

#include <string>

namespace umla::bridge {

// The path of program `name`: the first executable one in PATH, then in /usr/sbin and
// /sbin, which are not on every user's PATH (e2fsprogs installs there); "" when none.
// A name with a slash is a path already: itself when executable.
std::string FindSystemProgram(const std::string& name);

}  // namespace umla::bridge
