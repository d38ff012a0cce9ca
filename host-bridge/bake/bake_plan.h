// What baking puts into a root tree for one init system, and the text edits it makes
// to files the image already has. Pure: the tree is only read, through TreeView.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "host-bridge/bake/init_detect.h"

namespace umla::bridge {

// The most baking reads of one file in a tree. Well above anything bake compares or
// edits (an inittab, its manifest, the agent it copied in: ~41 MB with debug info),
// but an image a guest has written may hold a huge or sparse file under such a name:
// it must not take the host's memory.
inline constexpr size_t kMaxTreeFileBytes = 256u << 20;

// Read-only view of a root tree (a directory or an ext2/3/4 image); guest paths.
class TreeView {
 public:
  virtual ~TreeView() = default;
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual bool IsRegularFile(const std::string& path) = 0;  // not a symlink to one
  // The whole regular file; nullopt when there is none (missing, or something else
  // under the name). Fails naming the file when it cannot be read or holds more than
  // kMaxTreeFileBytes.
  virtual Result<std::optional<std::string>> ReadFile(const std::string& path) = 0;
  virtual std::optional<std::string> LinkTarget(const std::string& path) = 0;
};

struct BakeItem {
  enum class Kind { kDirectory, kFile, kSymlink, kEdit };
  Kind kind = Kind::kFile;
  std::string path;
  std::string content;      // kFile, kEdit (the new content)
  std::string host_source;  // kFile copied from a host file instead of `content`
  std::string target;       // kSymlink
  uint32_t mode = 0644;
  bool keep_existing = false;  // kFile: never replace a file the image already had
};

struct BakeRequest {
  InitSystem init = InitSystem::kSystemd;
  bool integration = true;  // install the init system's scripts (false: --init wrapper)
  bool wrapper = false;     // boot with init=/sbin/uml-agent (kernel-args file)
  std::string agent_path;   // host path of the static agent
  // The real init the wrapper execs when /sbin/init is not it ("" = /sbin/init):
  // systemd without the /sbin/init link (no systemd-sysv).
  std::string init_exec;
  // --modules: a version checked to exist under modules_root ("" = no modules).
  std::string modules_version;
  std::string modules_root;
};

// A host tree of kernel modules copied into the image, unless it has that version.
struct ModulesCopy {
  std::string host_dir;   // modules_root/VERSION
  std::string guest_dir;  // /lib/modules/VERSION (/usr/lib/... when /lib is a link)
};

struct BakePlan {
  std::vector<BakeItem> items;  // parents before children
  std::optional<ModulesCopy> modules;
  std::string kernel_args;      // what the image asks `uml-bridge run` to add
  std::vector<std::string> notes;
};

inline constexpr const char* kAgentPath = "/sbin/uml-agent";
inline constexpr const char* kKernelArgsPath = "/etc/uml-agent/kernel-args";
inline constexpr const char* kManifestPath = "/var/lib/uml-agent/bake-manifest.json";
inline constexpr const char* kBackupDir = "/var/lib/uml-agent/backup";

// Everything for `request`, before comparing with what the tree has.
Result<BakePlan> PlanBake(const BakeRequest& request, TreeView& tree);

}  // namespace umla::bridge
