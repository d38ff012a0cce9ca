// Facts about the running guest for the hello event.
#pragma once

#include <string>

namespace umla::agent {

std::string KernelRelease();  // uname -r; "unknown" if uname fails
// /proc/sys/kernel/random/boot_id without its newline; "unknown" when unreadable.
std::string BootId();

}  // namespace umla::agent
