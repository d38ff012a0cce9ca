// A root directory on the host. Its content is the guest's (a guest booted from it
// over hostfs changes it at will) and bake often runs as root, so no path may lead
// out of it: the directory of each path is opened with openat2(RESOLVE_IN_ROOT),
// which reads the tree's symlinks as the guest would (usrmerge's /sbin -> usr/sbin,
// absolute ones such as /lib -> /usr/lib as inside the root) and never leaves the
// root; the last component is then used through that directory's descriptor without
// being followed (*at() calls, O_NOFOLLOW, unlinkat never follows).
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <utility>

#include "host-bridge/bake/tree_impl.h"
#include "host-bridge/files/durable_write.h"
#include "host-bridge/files/fd.h"

namespace umla::bridge {
namespace {

// Opens `relative` (a directory) under `root` without ever resolving outside it.
int OpenInRoot(int root, const std::string& relative) {
  struct open_how how = {};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root, relative.c_str(), &how, sizeof how);
    // EAGAIN: a rename raced the lookup (the kernel will not guess); look again.
    if (fd >= 0 || errno != EAGAIN || attempt == 8) return static_cast<int>(fd);
  }
}

class DirectoryTree : public RootTree {
 public:
  DirectoryTree(std::string root, Fd root_fd)
      : root_(std::move(root)), root_fd_(std::move(root_fd)) {}

  bool Exists(const std::string& path) override {
    struct stat st;
    return Lstat(path, &st);
  }
  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return Lstat(path, &st) && S_ISDIR(st.st_mode);
  }
  bool IsRegularFile(const std::string& path) override {
    struct stat st;
    return Lstat(path, &st) && S_ISREG(st.st_mode);
  }
  Result<std::optional<std::string>> ReadFile(const std::string& path) override {
    using Text = std::optional<std::string>;
    Parent parent = OpenParent(path);
    if (!parent.dir.ok()) {
      if (NoSuchFile(parent.error)) return Text();
      return ParentError("read ", path, parent.error);
    }
    // Only a regular file is opened: a device node planted under the name is not (an
    // open alone may act, a watchdog's arms it). What is opened is checked to be what
    // was looked at; O_NONBLOCK: a FIFO swapped in meanwhile must not hang the bake.
    struct stat looked;
    if (::fstatat(parent.dir.get(), parent.name.c_str(), &looked, AT_SYMLINK_NOFOLLOW) != 0) {
      if (NoSuchFile(errno)) return Text();
      return Status::FromErrno("stat " + Host(path), errno);
    }
    if (!S_ISREG(looked.st_mode)) return Text();
    Fd in(::openat(parent.dir.get(), parent.name.c_str(),
                   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!in.ok()) {
      if (NoSuchFile(errno)) return Text();
      return Status::FromErrno("open " + Host(path), errno);
    }
    struct stat st;
    if (::fstat(in.get(), &st) != 0) return Status::FromErrno("stat " + Host(path), errno);
    if (!S_ISREG(st.st_mode) || st.st_dev != looked.st_dev || st.st_ino != looked.st_ino) {
      return Status::Error(Host(path) + " changed while it was read");
    }
    auto too_large = [&] {
      return Status::Error(Host(path) + " is larger than " + std::to_string(kMaxTreeFileBytes) +
                           " bytes: not read");
    };
    if (static_cast<uint64_t>(st.st_size) > kMaxTreeFileBytes) return too_large();
    std::string text;
    char buffer[65536];
    for (;;) {
      ssize_t n = ::read(in.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::FromErrno("read " + Host(path), errno);
      if (n == 0) return Text(std::move(text));
      // Counted as read as well: the file may grow meanwhile.
      if (text.size() + static_cast<size_t>(n) > kMaxTreeFileBytes) return too_large();
      text.append(buffer, static_cast<size_t>(n));
    }
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    Parent parent = OpenParent(path);
    if (!parent.dir.ok()) return std::nullopt;
    char target[4096];
    ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), target, sizeof target);
    if (n < 0 || static_cast<size_t>(n) == sizeof target) return std::nullopt;
    return std::string(target, static_cast<size_t>(n));
  }
  Status MakeDirectory(const std::string& path) override {
    Parent parent = OpenParent(path);
    if (!parent.dir.ok()) return ParentError("mkdir ", path, parent.error);
    if (::mkdirat(parent.dir.get(), parent.name.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + Host(path), errno);
    }
    return Status::Ok();
  }
  // Written under a temporary name, synced, then renamed over `path` (atomic); the
  // directory's sync is Commit's.
  Status WriteFile(const std::string& path, const std::string& content,
                   const std::string& host_source, uint32_t mode) override {
    std::string data = content;
    if (!host_source.empty()) {
      std::ifstream in(host_source, std::ios::binary);
      if (!in) return Status::FromErrno("open " + host_source, errno);
      std::stringstream text;
      text << in.rdbuf();
      data = text.str();
    }
    Parent parent = OpenParent(path);
    if (!parent.dir.ok()) return ParentError("write ", path, parent.error);
    return WriteFileDurably(parent.dir.get(), Host(path.substr(0, path.rfind('/'))), parent.name,
                            data, mode, DirectorySync::kLeftToCaller);
  }
  // Made under a temporary name and renamed over `path`, like a file.
  Status MakeSymlink(const std::string& path, const std::string& target) override {
    Parent parent = OpenParent(path);
    if (!parent.dir.ok()) return ParentError("symlink ", path, parent.error);
    int dir = parent.dir.get();
    std::string temp = TempNameFor(parent.name), shown = Host(TempNameFor(path));
    Status removed = RemoveLeftoverTemp(dir, temp, shown);
    if (!removed.ok()) return removed;
    if (::symlinkat(target.c_str(), dir, temp.c_str()) != 0) {
      return Status::FromErrno("symlink " + shown, errno);
    }
    if (::renameat(dir, temp.c_str(), dir, parent.name.c_str()) != 0) {
      Status failed = Status::FromErrno("rename " + shown + " to " + Host(path), errno);
      ::unlinkat(dir, temp.c_str(), 0);
      return failed;
    }
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    Status removed = Unlink(path, 0, "remove ");
    Parent parent = OpenParent(path);
    if (removed.ok() && parent.dir.ok()) {
      removed = RemoveLeftoverTemp(parent.dir.get(), TempNameFor(parent.name),
                                   Host(TempNameFor(path)));
    }
    return removed;
  }
  Status RemoveDirectory(const std::string& path) override {
    return Unlink(path, AT_REMOVEDIR, "rmdir ");
  }
  // The renames reach the disk with the file system's sync (one call, not one per
  // directory).
  Status Commit() override {
    if (::syncfs(root_fd_.get()) != 0) return Status::FromErrno("sync " + root_, errno);
    return Status::Ok();
  }
  bool ChangesWaitForCommit() const override { return false; }
  std::string Describe() const override { return "directory " + root_; }

 private:
  struct Parent {
    Fd dir;            // not ok(): `error` says why
    std::string name;  // the last component, never followed
    int error = 0;
  };

  // What reading a name that holds no regular file fails with: nothing there, a
  // directory on the way that is not one, a symlink (never followed), a socket.
  static bool NoSuchFile(int error) {
    return error == ENOENT || error == ENOTDIR || error == ELOOP || error == ENXIO;
  }
  // For messages only: the host path is never opened as such.
  std::string Host(const std::string& path) const { return root_ + path; }
  // The directory of `path` could not be opened: say how it was looked up, since a
  // link leading out of the root makes it missing here though the host has it.
  Status ParentError(const char* verb, const std::string& path, int error) const {
    return Status::FromErrno(verb + Host(path) + " (its directory as seen inside " + root_ + ")",
                             error);
  }

  Parent OpenParent(const std::string& path) const {
    Parent parent;
    size_t slash = path.rfind('/');
    parent.name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (slash == std::string::npos || path[0] != '/' || parent.name.empty() || parent.name == "." ||
        parent.name == "..") {
      parent.error = EINVAL;  // guest paths are absolute and name an entry
      return parent;
    }
    std::string dir = path.substr(1, slash == 0 ? 0 : slash - 1);
    parent.dir.reset(OpenInRoot(root_fd_.get(), dir.empty() ? "." : dir));
    if (!parent.dir.ok()) parent.error = errno;
    return parent;
  }
  bool Lstat(const std::string& path, struct stat* st) const {
    Parent parent = OpenParent(path);
    return parent.dir.ok() &&
           ::fstatat(parent.dir.get(), parent.name.c_str(), st, AT_SYMLINK_NOFOLLOW) == 0;
  }
  // A path already gone (or whose directory is) is not an error: there is nothing to undo.
  Status Unlink(const std::string& path, int flags, const char* verb) {
    Parent parent = OpenParent(path);
    int error = parent.error;
    if (parent.dir.ok()) {
      error = ::unlinkat(parent.dir.get(), parent.name.c_str(), flags) == 0 ? 0 : errno;
    }
    if (error != 0 && error != ENOENT) {
      return parent.dir.ok() ? Status::FromErrno(verb + Host(path), error)
                             : ParentError(verb, path, error);
    }
    return Status::Ok();
  }

  std::string root_;  // host path, for messages
  Fd root_fd_;
};

}  // namespace

Result<std::unique_ptr<RootTree>> MakeDirectoryTree(std::string root) {
  Fd root_fd(::open(root.empty() ? "/" : root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.ok()) return Status::FromErrno("open " + root, errno);
  Fd probe(OpenInRoot(root_fd.get(), "."));
  if (!probe.ok() && errno == ENOSYS) {
    return Status::Error("this kernel has no openat2 (Linux 5.6 or newer): bake cannot keep " +
                         root + "'s symlinks from leading out of it");
  }
  if (!probe.ok()) return Status::FromErrno("open " + root, errno);
  return std::unique_ptr<RootTree>(
      std::make_unique<DirectoryTree>(std::move(root), std::move(root_fd)));
}

}  // namespace umla::bridge
