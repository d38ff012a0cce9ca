// Files as the agent sees them: every path is a guest path ("/etc/fstab") resolved
// under a root directory (--root). All changes to existing files go through
// WriteFileAtomic, so a crash or a full disk leaves the old or the new content.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/system/guest_root.h"
#include "common/status.h"

namespace umla::agent {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Whole file; fails naming the path when missing or unreadable.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // The whole file, or nullopt when there is none (a dangling symlink is an error);
  // fails naming the path otherwise.
  // (The real one asks open() alone: each syscall counts inside UML.)
  virtual Result<std::optional<std::string>> ReadFileIfPresent(const std::string& path) {
    if (!Exists(path)) return std::optional<std::string>();
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    return std::optional<std::string>(std::move(*text));
  }
  // Temp file in the same directory (OldVersionBase(path) + ".uml-agent.tmp"), its
  // content made durable (a synchronous write, or an fsync where owner or mode are set
  // after it), rename over `path`, fsync the directory (or, where the directory syncs
  // are deferred, leave that to SyncDirectories).
  // When the old content differs it is kept: as BackupPath(path) the first time,
  // never replaced after; later as PreviousPath(path) (a hard link to
  // the old file, or where that is not possible an atomically written copy; a symlink
  // is kept as a symlink).
  // Keeps the old file's mode, owner and group. `current`: the file's content as the
  // caller has just read it (saves reading it again; trusted), or nullptr.
  virtual Status WriteFileAtomic(const std::string& path, const std::string& content,
                                 const std::string* current = nullptr) = 0;
  // The agent's own files of this boot (/run/uml-agent/...: a tmpfs, gone at the
  // next boot): replaced atomically like WriteFileAtomic, but with no backup and no
  // fsync (on a /run that is not a tmpfs a crash may leave one empty: `status` takes
  // that as no report, the state file's reader as one to ignore); creates the
  // directory (its parent must exist).
  // This default (for fakes) is WriteFileAtomic itself.
  virtual Status WriteRunFile(const std::string& path, const std::string& content) {
    return WriteFileAtomic(path, content);
  }
  // The target of symlink `path` as stored (may be relative); fails when `path` is
  // not a symlink. Not pure virtual, so fakes that never meet a symlink need nothing.
  virtual Result<std::string> ReadLink(const std::string& path) {
    return Status::Error(path + " is not a symlink");
  }
  // Creates directory `path` (mode 0755) if missing; its parent must exist.
  virtual Status MakeDirectory(const std::string& path) {
    return Status::Error("mkdir " + path + ": not supported here");
  }
  // Entry names of directory `path` (no "." or ".."), sorted; empty when it does not
  // exist. Fails naming the path otherwise.
  virtual Result<std::vector<std::string>> ListDirectory(const std::string& path) {
    return Status::Error("opendir " + path + ": not supported here");
  }
  // Takes file `path` out of use and keeps it: renames it to `hidden`, a dot name in
  // the same directory (HiddenPath(path), as a rule), replacing what is there (the
  // caller makes sure that may go). Made durable like WriteFileAtomic's rename (its
  // directory fsync deferred the same way). Fails naming both paths.
  virtual Status HideFile(const std::string& path, const std::string& /*hidden*/) {
    return Status::Error("rename " + path + ": not supported here");
  }
  // Makes the renames of the replacements whose directory fsync was deferred durable:
  // one fsync a directory. Fails naming each directory that could not be synced.
  virtual Status SyncDirectories() { return Status::Ok(); }
};

// The real filesystem under `root` ("/" in a guest).
class RealFileSystem : public FileSystem {
 public:
  explicit RealFileSystem(std::string root);
  Result<std::string> ReadFile(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Result<std::optional<std::string>> ReadFileIfPresent(const std::string& path) override;
  Status WriteFileAtomic(const std::string& path, const std::string& content,
                         const std::string* current = nullptr) override;
  Status WriteRunFile(const std::string& path, const std::string& content) override;
  Result<std::string> ReadLink(const std::string& path) override;
  Status MakeDirectory(const std::string& path) override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) override;
  Status HideFile(const std::string& path, const std::string& hidden) override;
  // From now on WriteFileAtomic leaves the directory fsync to SyncDirectories: a boot
  // that replaces /etc/fstab and /etc/resolv.conf syncs /etc once (an fsync and two
  // more syscalls, each ~0.1 ms inside UML), and a rename is durable once the run
  // syncs, not when its step ends (it is atomic either way).
  void DeferDirectorySyncs();
  Status SyncDirectories() override;
  // While on, what this object reads or writes of a file is kept, and a later read of
  // it comes from memory: the boot's steps read /etc/fstab twice (fstab, activate),
  // and each read is ~4 syscalls inside UML. Only for a stretch where no one else
  // changes the files read (the steps of one boot run; readiness gates, which wait
  // for other programs, must see the disk); turning it off forgets everything.
  // What is kept also answers two questions without a syscall: ReadLink of a file
  // read without meeting a symlink (or written here) is "not a symlink", and a file
  // read as missing is created without an lstat first (the rename refuses to replace
  // one that appeared meanwhile, which is then replaced the usual way, with a backup).
  void RememberContents(bool on);
  // Forgets what was kept, and goes on remembering (after a mount, which may cover a
  // file that was read).
  void ForgetContents();
  std::string HostPath(const std::string& path) const;
  Result<std::optional<std::string>> ReadTreeFile(const std::string& path, bool* symlink);

 private:
  GuestRoot root_;
  std::optional<std::set<std::string>> deferred_syncs_;  // engaged: deferring
  // Engaged while remembering: guest path -> its content, or nullopt for "no file".
  std::optional<std::map<std::string, std::optional<std::string>>> remembered_;
  // Remembered paths that were symlinks when read (ReadLink asks the disk for these).
  std::set<std::string> symlinks_read_;
  void Remember(const std::string& path, std::optional<std::string> content);
  // While remembering: this run read `path` and found nothing there.
  bool SeenMissing(const std::string& path) const;
  Status ReplaceAtomic(const std::string& path, const std::string& content,
                       const std::string* current);
  // Keeps `content` as `path`'s when `written` is ok, else forgets `path`; returns it.
  Status Written(const std::string& path, const std::string& content, Status written);
};

// Reads a host path (not under any root) until EOF or `limit` bytes, which is how
// /proc and /sys files (size 0) must be read. With `missing_is_empty` a file that
// does not exist reads as "". Fails naming the path and the errno text.
Result<std::string> ReadHostFile(const std::string& host_path, size_t limit = SIZE_MAX,
                                 bool missing_is_empty = false);
// The same, with nullopt for a file that does not exist (a dangling symlink fails).
// `symlink`, if given, says whether `host_path` itself was a symlink (followed).
Result<std::optional<std::string>> ReadHostFileIfPresent(const std::string& host_path,
                                                         size_t limit = SIZE_MAX,
                                                         bool* symlink = nullptr);

// Entry names of a host directory (no "." or ".."), sorted; a missing directory lists
// as empty (and sets *missing). Fails naming the path and the errno text.
Result<std::vector<std::string>> ListHostDirectory(const std::string& host_path,
                                                   bool* missing = nullptr);

// The first line of a host path, without its newline: what a one-line /proc file
// (the kernel command line, the boot id) holds. Stops reading at the newline, which
// saves the read that would only see the end (a syscall inside UML). A first line of
// `limit` bytes or more is an error naming the path.
Result<std::string> ReadHostFirstLine(const std::string& host_path, size_t limit = 1 << 16);

// True when a file this process creates with `mode` gets exactly that mode and the
// owner `uid`:`gid` (we are that owner and the umask clears none of the bits), so the
// chown and chmod after creating it can be skipped: inside UML each syscall costs
// ~0.1 ms (docs/benchmarks.md). The ids and umask are read once per process.
bool CreatesAs(uint32_t mode, uint32_t uid, uint32_t gid);

// While alive, the process creates files and nodes with exactly the modes it asks for
// (umask 0: the agent always passes a mode), so the usual 0660 device node or 0664
// file needs no chmod after it is made. The previous umask comes back afterwards.
class ExactCreationModes {
 public:
  ExactCreationModes();
  ~ExactCreationModes();
  ExactCreationModes(const ExactCreationModes&) = delete;
  ExactCreationModes& operator=(const ExactCreationModes&) = delete;

 private:
  uint32_t previous_;
};

// Runs `create` (a syscall-like call: >= 0 on success, else -1 with errno). When it
// fails with EEXIST because a run killed mid-way left its temp `path` behind (never
// live content), removes that and runs `create` once more.
template <typename Create>
int CreateOverLeftover(const std::string& path, Create create) {
  int result = create();
  if (result < 0 && errno == EEXIST && ::unlink(path.c_str()) == 0) result = create();
  return result;
}

// A changed file's old versions: the first backup (the file before the agent first
// changed it; never replaced) and, once that exists, the version the latest change
// replaced.
inline constexpr const char* kBackupSuffix = ".uml-agent.bak";
inline constexpr const char* kPreviousSuffix = ".uml-agent.prev";

// The name a changed file's old versions are kept under (+ kBackupSuffix or
// kPreviousSuffix): the path itself, or its HiddenPath in a directory whose every
// entry a distribution reads as configuration (ifupdown's `source
// /etc/network/interfaces.d/*` would read a backup as a second stanza for the
// interface; Red Hat's scripts read every ifcfg-* but a few suffixes, `.prev` not
// among them). Works on guest and host paths alike (it looks at the path's end).
std::string OldVersionBase(const std::string& path);
inline std::string BackupPath(const std::string& path) { return OldVersionBase(path) + kBackupSuffix; }
inline std::string PreviousPath(const std::string& path) {
  return OldVersionBase(path) + kPreviousSuffix;
}

// Where FileSystem::HideFile keeps a file it takes out of use: DIR/.NAME, in the same
// directory (a rename, no copy), a name that shell globs (ifupdown's "source DIR/*"),
// run-parts and the distributions' "ifcfg-*" or "*.network" scans all pass over.
std::string HiddenPath(const std::string& path);

// Fault injection for the crash-safety tests: the hook is asked at each point of an
// atomic replace ("create", "write", "fsync", "rename", "link", "fsync-dir") and
// returns an errno to fail that call with, or 0. Never set outside tests.
using FaultHook = int (*)(const char* point);
void SetFaultHookForTesting(FaultHook hook);

}  // namespace umla::agent
