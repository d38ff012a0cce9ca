// A root tree that baking can read and change: a directory on the host, or an
// ext2/3/4 image changed in place through e2fsprogs' debugfs (no mount, no root
// privileges beyond write access to the file). Changes to an image are queued and
// made by `debugfs -w` runs in Commit() (debugfs_script.h).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "host-bridge/bake/bake_plan.h"

namespace umla::bridge {

class RootTree : public TreeView {
 public:
  // A directory (mode 0755) owned by root.
  virtual Status MakeDirectory(const std::string& path) = 0;
  // Replaces `path` with `content` (or the host file `host_source` when not empty),
  // through TempNameFor(path); a leftover file or link of that name goes.
  virtual Status WriteFile(const std::string& path, const std::string& content,
                           const std::string& host_source, uint32_t mode) = 0;
  virtual Status MakeSymlink(const std::string& path, const std::string& target) = 0;
  // A file or symlink, and a leftover file or link at its TempNameFor name.
  virtual Status Remove(const std::string& path) = 0;
  virtual Status RemoveDirectory(const std::string& path) = 0;  // only when empty
  // False: each change is made when it is asked for. True: changes are queued and
  // made in Commit(); until it succeeds, none of them may have been made.
  virtual bool ChangesWaitForCommit() const = 0;
  virtual Status Commit() = 0;
  virtual std::string Describe() const = 0;
};

// The name a new `path` is written under before it takes its place. One is left
// behind by an interrupted bake (a failed commit in an image: the new file, maybe
// also under `path`).
std::string TempNameFor(const std::string& path);

// A directory tree (`root` is a host path) or an image file, chosen by what `spec` is.
Result<std::unique_ptr<RootTree>> OpenRootTree(const std::string& spec);

// Reads one file from an ext2/3/4 image with debugfs; nullopt when it is missing.
// Fails (naming the image and the file, with debugfs's own words) when debugfs cannot
// read it or it holds more than `max_bytes`: the guest decides the sizes of its files.
Result<std::optional<std::string>> ReadImageFileAtMost(const std::string& image,
                                                       const std::string& path, size_t max_bytes);

}  // namespace umla::bridge
