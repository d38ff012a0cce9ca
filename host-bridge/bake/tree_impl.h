// The two RootTree implementations (root_tree.h), created by OpenRootTree.
#pragma once

#include <memory>
#include <string>

#include "host-bridge/bake/image_lock.h"
#include "host-bridge/bake/root_tree.h"

namespace umla::bridge {

// `root` is a host directory without a trailing slash ("" for /); fails when it
// cannot be opened or the kernel cannot resolve paths inside it (openat2).
Result<std::unique_ptr<RootTree>> MakeDirectoryTree(std::string root);
// `scratch` is a host directory the tree owns and removes (temporary files for debugfs);
// `lock` keeps running UMLs off the image while the tree lives.
std::unique_ptr<RootTree> MakeImageTree(std::string image, std::string scratch, ImageLock lock);

}  // namespace umla::bridge
