// What the preflight needs to know about the host, behind one narrow interface so the
// checks (preflight.h) run against a fake in unit tests. LinuxHostProbe is the real one.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

struct PathInfo {
  bool exists = false;
  bool is_dir = false;
  bool readable = false;
  bool writable = false;   // for a missing file: its directory is writable
  dev_t device = 0;        // identity, to match the same file under another name
  ino_t inode = 0;
  std::string error;       // why it does not exist or cannot be looked at
};

struct SpaceInfo {
  bool tmpfs = false;
  std::string fs_type;     // "tmpfs", "ext4", or the magic in hex
  uint64_t total = 0;      // bytes
  uint64_t available = 0;  // bytes free for an unprivileged writer
};

struct RunningGuest {
  std::string umid;
  pid_t pid = 0;
  std::vector<std::string> args;  // its kernel arguments (argv without argv[0])
  std::string cwd;                // to resolve its relative ubd paths
};

struct FsckResult {
  int status = 0;          // e2fsck's exit status
  std::string output;      // what it printed (stdout and stderr)
};

class HostProbe {
 public:
  virtual ~HostProbe() = default;
  virtual PathInfo Path(const std::string& path) = 0;
  virtual std::optional<std::string> Env(const std::string& name) = 0;
  // An error naming the directory when it cannot be looked at.
  virtual Result<SpaceInfo> Space(const std::string& dir) = 0;
  // Guests with a live pid under the UML directory (~/.uml/*/pid).
  virtual std::vector<RunningGuest> RunningGuests() = 0;
  // True when the file holds an ext2/3/4 superblock (magic 0xEF53 at byte 1080).
  virtual bool LooksLikeExtFs(const std::string& image) = 0;
  // Runs e2fsck on `image`: `-p` (repair what is safe) or `-n` (read-only).
  virtual Result<FsckResult> Fsck(const std::string& image, bool read_only) = 0;
};

class LinuxHostProbe : public HostProbe {
 public:
  PathInfo Path(const std::string& path) override;
  std::optional<std::string> Env(const std::string& name) override;
  Result<SpaceInfo> Space(const std::string& dir) override;
  std::vector<RunningGuest> RunningGuests() override;
  bool LooksLikeExtFs(const std::string& image) override;
  Result<FsckResult> Fsck(const std::string& image, bool read_only) override;
};

}  // namespace umla::bridge
