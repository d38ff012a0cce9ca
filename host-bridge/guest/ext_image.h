// Telling an ext2/3/4 image from other files without running e2fsprogs.
#pragma once

#include <string>

namespace umla::bridge {

// Whether `image` starts like an ext2/3/4 file system: its superblock's magic number.
bool LooksLikeExtImage(const std::string& image);

}  // namespace umla::bridge
