#include "host-bridge/bake/root_tree.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>

#include "host-bridge/bake/run_capture.h"
#include "host-bridge/bake/tree_impl.h"
#include "host-bridge/files/durable_write.h"

namespace fs = std::filesystem;

namespace umla::bridge {

// The directory tree writes through WriteFileDurably, so both trees use its name.
std::string TempNameFor(const std::string& path) { return DurableTempName(path); }

Result<std::unique_ptr<RootTree>> OpenRootTree(const std::string& spec) {
  std::error_code ec;
  std::string root = fs::absolute(spec, ec).lexically_normal().string();
  if (fs::is_directory(root, ec)) {
    if (root.size() > 1 && root.back() == '/') root.pop_back();
    return MakeDirectoryTree(root == "/" ? "" : root);
  }
  if (!fs::is_regular_file(root, ec)) {
    return Status::Error(spec + ": neither a directory nor an image file");
  }
  // Before anything is read: what a running UML has open is not baked.
  Result<ImageLock> lock = ImageLock::Take(root);
  if (!lock.ok()) return lock.status();
  std::string out;
  RunCapture({"debugfs", "-R", "stats", root}, &out, nullptr);
  if (out.find("Filesystem magic number:  0xEF53") == std::string::npos) {
    return Status::Error(
        spec + ": not an ext2/3/4 image (debugfs cannot read it; is e2fsprogs installed?)");
  }
  char scratch[] = "/tmp/uml-bridge-bake.XXXXXX";
  if (!mkdtemp(scratch)) return Status::FromErrno("mkdtemp", errno);
  return MakeImageTree(root, scratch, std::move(*lock));
}

}  // namespace umla::bridge
