#include "agent/system/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace umla::agent {
namespace {

constexpr const char* kTempSuffix = ".uml-agent.tmp";
FaultHook g_fault_hook = nullptr;

// Returns true (with errno set) when a test asked this point to fail.
bool Injected(const char* point) {
  int err = g_fault_hook ? g_fault_hook(point) : 0;
  if (err != 0) errno = err;
  return err != 0;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = Injected("write") ? -1 : ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Makes the renames in directory `dir` durable.
Status SyncDirectory(const std::string& dir) {
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || Injected("fsync-dir") || ::fsync(dir_fd.get()) != 0) {
    return Status::FromErrno("fsync directory " + dir, errno);
  }
  return Status::Ok();
}

// Creates `temp` exclusively, over a leftover of a writer killed mid-way. `flags`:
// O_DSYNC or 0.
int CreateTemp(const std::string& temp, mode_t mode, int flags) {
  if (Injected("create")) return -1;
  return CreateOverLeftover(temp, [&] {
    return ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | flags, mode);
  });
}

// How much of a replacement is made durable before it counts as done.
enum class Sync {
  kFileAndDirectory,  // the content, then the rename
  kFile,              // the caller fsyncs the directory after another rename in it
  kNothing,           // a file on /run: gone at the next boot anyway
};

// The directories whose fsync a run defers (RealFileSystem::DeferDirectorySyncs).
using DeferredSyncs = std::set<std::string>;

// rename(2) that refuses to replace anything (RENAME_NOREPLACE); where the filesystem
// cannot refuse (EINVAL), an lstat first: nothing there, a plain rename.
int RenameIfStillMissing(const std::string& from, const std::string& to) {
  if (!Injected("renameat2") &&
      ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS) return -1;
  struct stat st;
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return errno == ENOENT ? ::rename(from.c_str(), to.c_str()) : -1;
}

// Writes `content` to a fresh temp file beside `target` and renames it over `target`.
// With `later`, a kFileAndDirectory replace leaves its directory's fsync to the caller.
// With `appeared`, `target` was seen missing: the rename only creates it, and sets
// `*appeared` (and fails, leaving nothing behind) when a file is there after all.
Status ReplaceFile(const std::string& target, const std::string& content,
                   const struct stat* like, Sync sync, DeferredSyncs* later = nullptr,
                   bool* appeared = nullptr) {
  // Named like the old versions, hidden where every entry is read as configuration:
  // a temp left by a crash must not be taken for a second stanza.
  std::string temp = OldVersionBase(target) + kTempSuffix;
  mode_t mode = like ? (like->st_mode & 07777) : 0644;
  bool as_wanted = !like || CreatesAs(mode, like->st_uid, like->st_gid);
  // A file created as wanted needs only its data durable: the write itself waits for
  // it (O_DSYNC, as fdatasync), a syscall less than an fsync after it (~0.1 ms in UML).
  // Owner and mode set after the write need the fsync.
  bool sync_on_write = sync != Sync::kNothing && as_wanted;
  Fd fd(CreateTemp(temp, mode, sync_on_write ? O_DSYNC : 0));
  if (fd.get() < 0) return Status::FromErrno("create " + temp, errno);
  Status status = WriteAll(fd.get(), content, temp);
  if (status.ok() && !as_wanted && ::fchown(fd.get(), like->st_uid, like->st_gid) != 0 &&
      errno != EPERM) {
    status = Status::FromErrno("chown " + temp, errno);
  }
  if (status.ok() && !as_wanted && ::fchmod(fd.get(), mode) != 0) {
    status = Status::FromErrno("chmod " + temp, errno);
  }
  if (status.ok() && sync != Sync::kNothing && !sync_on_write &&
      (Injected("fsync") || ::fsync(fd.get()) != 0)) {
    status = Status::FromErrno("fsync " + temp, errno);
  }
  if (::close(fd.release()) != 0 && status.ok()) status = Status::FromErrno("close " + temp, errno);
  if (status.ok()) {
    int renamed = -1;
    if (!Injected("rename")) {
      renamed = appeared != nullptr ? RenameIfStillMissing(temp, target)
                                    : ::rename(temp.c_str(), target.c_str());
    }
    int err = errno;
    if (renamed != 0) status = Status::FromErrno("rename " + temp + " to " + target, err);
    if (renamed != 0 && appeared != nullptr && err == EEXIST) *appeared = true;
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  if (sync != Sync::kFileAndDirectory) return Status::Ok();
  if (later == nullptr) return SyncDirectory(DirName(target));
  later->insert(DirName(target));
  return Status::Ok();
}

// Where the version a change replaces is kept: the first backup (BackupPath(target),
// the file before the agent first changed it) is never replaced, so the original
// survives any number of runs; once it exists, each change keeps the version it
// replaces as the previous one (PreviousPath), so a hand edit made since is not lost
// either. Moves `temp` (a fresh link, copy or symlink of that
// version) into the first slot that applies.
int PlaceOldVersion(const std::string& temp, const std::string& target) {
  if (RenameIfStillMissing(temp, BackupPath(target)) == 0) return 0;
  if (errno != EEXIST) return -1;
  return Injected("rename") ? -1 : ::rename(temp.c_str(), PreviousPath(target).c_str());
}

// Replaces `target` (stat `st`) and keeps `old` as its old version, written first:
// that rename is made durable by the directory fsync after the target's (same
// directory).
Status ReplaceKeepingCopy(const std::string& target, const std::string& content,
                          const std::string& old, const struct stat& st, DeferredSyncs* later) {
  bool taken = false;
  Status copied = ReplaceFile(BackupPath(target), old, &st, Sync::kFile, nullptr, &taken);
  if (taken) copied = ReplaceFile(PreviousPath(target), old, &st, Sync::kFile);
  if (!copied.ok()) return copied.Annotate("keeping a backup of " + target);
  return ReplaceFile(target, content, &st, Sync::kFileAndDirectory, later);
}

// Replaces the regular file `target` (stat `st`) and keeps its old version: a hard
// link to the old file outlives the rename of the new content over it with the old
// content, owner and mode, and costs neither a write nor an fsync (inside UML each
// fsync is ~1 ms; the old file's content is on disk already). As with a copy, the old
// version is in place before the target is touched. Where the filesystem has no hard
// links, a copy instead. The first backup is linked under its own name (one syscall on
// a first boot); a later version goes over the previous one by a rename, from a temp
// link.
Status ReplaceKeepingLink(const std::string& target, const std::string& content,
                          const struct stat& st, DeferredSyncs* later) {
  int linked = Injected("link") ? -1 : ::link(target.c_str(), BackupPath(target).c_str());
  if (linked == 0) return ReplaceFile(target, content, &st, Sync::kFileAndDirectory, later);
  std::string previous = PreviousPath(target);
  std::string temp = previous + kTempSuffix;
  if (errno == EEXIST) {
    linked = Injected("link") ? -1 : CreateOverLeftover(temp, [&] {
      return ::link(target.c_str(), temp.c_str());
    });
  }
  if (linked != 0) {
    Result<std::string> old = ReadHostFile(target);
    if (!old.ok()) return old.status();
    return ReplaceKeepingCopy(target, content, *old, st, later);
  }
  if (Injected("rename") || ::rename(temp.c_str(), previous.c_str()) != 0) {
    Status failed = Status::FromErrno("rename " + temp + " to " + previous, errno)
                        .Annotate("keeping a backup of " + target);
    ::unlink(temp.c_str());
    return failed;
  }
  // A rename between two links of one file does nothing: the previous version was a
  // link to the target already (a run that failed after this point), and the temp
  // name remains.
  if (st.st_nlink > 1) ::unlink(temp.c_str());
  return ReplaceFile(target, content, &st, Sync::kFileAndDirectory, later);
}

// Keeps the symlink `target` itself as its old version (a symlink with the same
// target), so that putting the backup back restores the link, dangling or not.
Status KeepSymlink(const std::string& target) {
  char link[PATH_MAX];
  ssize_t length = ::readlink(target.c_str(), link, sizeof(link));
  if (length < 0 || static_cast<size_t>(length) >= sizeof(link)) {
    return Status::FromErrno("readlink " + target, length < 0 ? errno : ENAMETOOLONG);
  }
  std::string points_to(link, static_cast<size_t>(length));
  std::string temp = BackupPath(target) + kTempSuffix;
  if (Injected("link") || CreateOverLeftover(temp, [&] {
        return ::symlink(points_to.c_str(), temp.c_str());
      }) != 0) {
    return Status::FromErrno("symlink " + temp, errno);
  }
  if (PlaceOldVersion(temp, target) != 0) {
    Status failed = Status::FromErrno("rename " + temp, errno);
    ::unlink(temp.c_str());
    return failed;
  }
  return Status::Ok();
}

}  // namespace

void SetFaultHookForTesting(FaultHook hook) { g_fault_hook = hook; }

namespace {
// The process's umask as far as we know it (read once, then kept by ExactCreationModes).
std::optional<mode_t> g_umask;

mode_t CurrentUmask() {
  if (!g_umask) {
    g_umask = ::umask(0);
    ::umask(*g_umask);
  }
  return *g_umask;
}

// An id the kernel passed at exec (the agent never changes its ids): no syscall.
unsigned long IdFromExec(unsigned long type, unsigned long (*ask)()) {
  errno = 0;
  unsigned long id = ::getauxval(type);
  return id == 0 && errno == ENOENT ? ask() : id;
}

}  // namespace

bool CreatesAs(uint32_t mode, uint32_t uid, uint32_t gid) {
  static const unsigned long euid =
      IdFromExec(AT_EUID, [] { return static_cast<unsigned long>(::geteuid()); });
  static const unsigned long egid =
      IdFromExec(AT_EGID, [] { return static_cast<unsigned long>(::getegid()); });
  return uid == euid && gid == egid && (mode & CurrentUmask()) == 0;
}

ExactCreationModes::ExactCreationModes() : previous_(::umask(0)) { g_umask = 0; }

ExactCreationModes::~ExactCreationModes() {
  ::umask(static_cast<mode_t>(previous_));
  g_umask = static_cast<mode_t>(previous_);
}
RealFileSystem::RealFileSystem(std::string root) : root_(std::move(root)) {}

std::string RealFileSystem::HostPath(const std::string& path) const {
  return root_.HostPath(path);
}

namespace {

// Reads until EOF, `limit` bytes, or (with `first_line`) a newline.
Result<std::optional<std::string>> ReadHostFileUntil(const std::string& host_path, size_t limit,
                                                     bool first_line, bool* symlink) {
  // Not following a symlink first tells "nothing there" (ENOENT) from a symlink to
  // nowhere (its filesystem not mounted yet: an error, not "no file") in one syscall
  // for what is usually read here, a plain file or none; a symlink costs a second open.
  int opened = ::open(host_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (symlink) *symlink = opened < 0 && errno == ELOOP;
  if (opened < 0 && errno == ELOOP) {
    opened = ::open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
  } else if (opened < 0 && errno == ENOENT) {
    return std::optional<std::string>();
  }
  if (opened < 0) return Status::FromErrno("open " + host_path, errno);
  Fd fd(opened);
  std::string content;
  char buffer[8192];
  while (content.size() < limit) {
    size_t want = std::min(sizeof buffer, limit - content.size());
    ssize_t n = ::read(fd.get(), buffer, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + host_path, errno);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (first_line && std::memchr(buffer, '\n', static_cast<size_t>(n)) != nullptr) break;
  }
  return std::optional<std::string>(std::move(content));
}

}  // namespace

Result<std::optional<std::string>> ReadHostFileIfPresent(const std::string& host_path,
                                                         size_t limit, bool* symlink) {
  return ReadHostFileUntil(host_path, limit, /*first_line=*/false, symlink);
}

Result<std::vector<std::string>> ListHostDirectory(const std::string& host_path, bool* missing) {
  std::vector<std::string> names;
  // getdents64 itself, not opendir: that asks fstat too (a syscall, ~0.1 ms in UML).
  int opened = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (missing) *missing = opened < 0 && errno == ENOENT;
  if (opened < 0 && errno == ENOENT) return names;
  if (opened < 0) return Status::FromErrno("opendir " + host_path, errno);
  Fd dir(opened);
  alignas(struct dirent64) char buffer[8192];
  for (;;) {
    ssize_t n = ::getdents64(dir.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("readdir " + host_path, errno);
    if (n == 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
      at += entry->d_reclen;
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ReadHostFirstLine(const std::string& host_path, size_t limit) {
  Result<std::optional<std::string>> content =
      ReadHostFileUntil(host_path, limit, /*first_line=*/true, nullptr);
  if (!content.ok()) return content.status();
  if (!*content) return Status::FromErrno("open " + host_path, ENOENT);
  std::string& text = **content;
  size_t end = text.find('\n');
  if (end != std::string::npos) {
    text.resize(end);
  } else if (text.size() >= limit) {  // stopped by the limit: the line goes on
    return Status::Error(host_path + ": its first line is longer than " + std::to_string(limit) +
                         " bytes");
  }
  return std::move(text);
}

Result<std::string> ReadHostFile(const std::string& host_path, size_t limit,
                                 bool missing_is_empty) {
  Result<std::optional<std::string>> content = ReadHostFileIfPresent(host_path, limit);
  if (!content.ok()) return content.status();
  if (*content) return std::move(**content);
  if (missing_is_empty) return std::string();
  return Status::FromErrno("open " + host_path, ENOENT);
}

Result<std::string> RealFileSystem::ReadFile(const std::string& path) {
  Result<std::optional<std::string>> content = ReadFileIfPresent(path);
  if (!content.ok()) return content.status();
  if (!*content) return Status::FromErrno("open " + HostPath(path), ENOENT);
  return std::move(**content);
}

Result<std::optional<std::string>> RealFileSystem::ReadFileIfPresent(const std::string& path) {
  if (remembered_) {
    auto known = remembered_->find(path);
    if (known != remembered_->end()) return known->second;
  }
  bool symlink = false;
  Result<std::optional<std::string>> content =
      root_.IsRunningSystem() ? ReadHostFileIfPresent(HostPath(path), SIZE_MAX, &symlink)
                              : ReadTreeFile(path, &symlink);
  if (content.ok()) Remember(path, *content);
  if (remembered_ && symlink) symlinks_read_.insert(path);
  return content;
}

// In an image tree (--root) a symlink is followed inside the tree, and only a regular
// file is read: a device node there is one of this machine's devices (an image's
// /etc/fstab made a node of the host's disk, or a link to /dev/zero, is an error, not
// content).
Result<std::optional<std::string>> RealFileSystem::ReadTreeFile(const std::string& path,
                                                               bool* symlink) {
  struct stat st;
  *symlink = ::lstat(HostPath(path).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
  std::string host = root_.FollowPath(path);
  std::string named = HostPath(path) + (*symlink ? " (a symlink to " + host + ")" : "");
  if (::stat(host.c_str(), &st) != 0) {
    // Nothing there is no file; a symlink to nowhere is an error, as on a running system.
    if (errno == ENOENT && !*symlink) return std::optional<std::string>();
    return Status::FromErrno("open " + named, errno);
  }
  if (!S_ISREG(st.st_mode)) return Status::Error(named + " is not a regular file; not read");
  return ReadHostFileIfPresent(host, SIZE_MAX);
}

void RealFileSystem::RememberContents(bool on) {
  if (on == remembered_.has_value()) return;
  if (on) {
    remembered_.emplace();
  } else {
    remembered_.reset();
  }
  symlinks_read_.clear();
}

void RealFileSystem::ForgetContents() {
  if (remembered_) remembered_->clear();
  symlinks_read_.clear();
}

void RealFileSystem::Remember(const std::string& path, std::optional<std::string> content) {
  if (remembered_) (*remembered_)[path] = std::move(content);
}

bool RealFileSystem::SeenMissing(const std::string& path) const {
  if (!remembered_) return false;
  auto known = remembered_->find(path);
  return known != remembered_->end() && !known->second.has_value();
}

bool RealFileSystem::Exists(const std::string& path) {
  if (remembered_) {
    auto known = remembered_->find(path);
    if (known != remembered_->end()) return known->second.has_value();
  }
  struct stat st;
  return ::lstat(HostPath(path).c_str(), &st) == 0;
}

Status RealFileSystem::WriteFileAtomic(const std::string& path, const std::string& content,
                                       const std::string* current) {
  return Written(path, content, ReplaceAtomic(path, content, current));
}

Status RealFileSystem::Written(const std::string& path, const std::string& content,
                               Status written) {
  // A replacement makes the file its own (no longer a symlink); content that was the
  // same already was not written, and a symlink stays one.
  bool unchanged = written.ok() && remembered_ && remembered_->count(path) &&
                   remembered_->at(path) == content;
  if (!unchanged) symlinks_read_.erase(path);
  if (written.ok()) {
    Remember(path, content);
  } else if (remembered_) {
    remembered_->erase(path);  // may be either version now
  }
  return written;
}

Status RealFileSystem::ReplaceAtomic(const std::string& path, const std::string& content,
                                     const std::string* current) {
  std::string host = HostPath(path);
  DeferredSyncs* later = deferred_syncs_ ? &*deferred_syncs_ : nullptr;
  if (SeenMissing(path)) {
    // No lstat: the rename creates the file only if it is still missing; one that
    // appeared meanwhile is replaced the usual way below, keeping its backup.
    bool appeared = false;
    Status created = ReplaceFile(host, content, nullptr, Sync::kFileAndDirectory, later, &appeared);
    if (!appeared) return created;
    remembered_->erase(path);  // it is there after all
  }
  struct stat st;
  if (::lstat(host.c_str(), &st) != 0) {
    return ReplaceFile(host, content, nullptr, Sync::kFileAndDirectory, later);
  }
  if (S_ISLNK(st.st_mode)) {
    // A symlink's file is replaced by a file of its own (its mode kept); the link is
    // the old version.
    struct stat file;
    bool live = ::stat(root_.FollowPath(path).c_str(), &file) == 0;  // inside a tree
    if (live) {
      Result<std::string> old = ReadFile(path);
      if (!old.ok()) return old.status();
      if (*old == content) return Status::Ok();
    }
    Status kept = KeepSymlink(host);
    if (!kept.ok()) return kept.Annotate("keeping a backup of " + host);
    return ReplaceFile(host, content, live ? &file : nullptr, Sync::kFileAndDirectory, later);
  }
  bool regular = S_ISREG(st.st_mode);
  if (current == nullptr || !regular) {
    Result<std::string> old = ReadFile(path);
    if (!old.ok()) return old.status();
    if (*old == content) return Status::Ok();
    if (!regular) return ReplaceKeepingCopy(host, content, *old, st, later);
  } else if (*current == content) {
    return Status::Ok();
  }
  return ReplaceKeepingLink(host, content, st, later);
}

void RealFileSystem::DeferDirectorySyncs() {
  if (!deferred_syncs_) deferred_syncs_.emplace();
}

Status RealFileSystem::SyncDirectories() {
  std::vector<std::string> errors;
  if (deferred_syncs_) {
    for (const std::string& dir : *deferred_syncs_) {
      Status synced = SyncDirectory(dir);
      if (!synced.ok()) errors.push_back(synced.message());
    }
    deferred_syncs_->clear();
  }
  return JoinErrors(errors);
}

Status RealFileSystem::WriteRunFile(const std::string& path, const std::string& content) {
  std::string host = HostPath(path);
  // /run starts empty at each boot, and a boot's one process (init script) writes one
  // file there, its report: the directory is made first rather than after an open
  // found none, a syscall less inside UML (one more, EEXIST, where an earlier process
  // of the boot made it: the wrapper's split phases).
  std::string dir = DirName(host);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Written(path, content, Status::FromErrno("mkdir " + dir, errno));
  }
  return Written(path, content, ReplaceFile(host, content, nullptr, Sync::kNothing));
}

Result<std::string> RealFileSystem::ReadLink(const std::string& path) {
  std::string host = HostPath(path);
  // A file this run read without following a symlink, or wrote itself, is none.
  if (remembered_ && remembered_->count(path) && !symlinks_read_.count(path)) {
    return Status::FromErrno("readlink " + host, remembered_->at(path) ? EINVAL : ENOENT);
  }
  char target[4096];
  ssize_t n = ::readlink(host.c_str(), target, sizeof target - 1);
  if (n < 0) return Status::FromErrno("readlink " + host, errno);
  return std::string(target, static_cast<size_t>(n));
}

Result<std::vector<std::string>> RealFileSystem::ListDirectory(const std::string& path) {
  return ListHostDirectory(root_.FollowPath(path));
}

Status RealFileSystem::HideFile(const std::string& path, const std::string& hidden) {
  std::string host = HostPath(path);
  std::string host_hidden = HostPath(hidden);
  if (Injected("rename") || ::rename(host.c_str(), host_hidden.c_str()) != 0) {
    return Status::FromErrno("rename " + host + " to " + host_hidden, errno);
  }
  Remember(path, std::nullopt);
  if (remembered_) remembered_->erase(hidden);
  symlinks_read_.erase(path);
  if (!deferred_syncs_) return SyncDirectory(DirName(host));
  deferred_syncs_->insert(DirName(host));
  return Status::Ok();
}

Status RealFileSystem::MakeDirectory(const std::string& path) {
  std::string host = HostPath(path);
  if (::mkdir(host.c_str(), 0755) != 0 && errno != EEXIST) return Status::FromErrno("mkdir " + host, errno);
  return Status::Ok();
}

std::string HiddenPath(const std::string& path) {
  size_t slash = path.rfind('/');
  return path.substr(0, slash + 1) + "." + path.substr(slash + 1);
}

std::string OldVersionBase(const std::string& path) {
  std::string dir = path.substr(0, path.rfind('/') + 1);
  for (const char* scanned : {"/etc/network/interfaces.d/", "/etc/sysconfig/network-scripts/"}) {
    std::string_view tail(scanned);
    if (dir.size() >= tail.size() && dir.compare(dir.size() - tail.size(), tail.size(), tail) == 0) {
      return HiddenPath(path);
    }
  }
  return path;
}

}  // namespace umla::agent
