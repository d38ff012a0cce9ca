#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/strings.h"
#include "host-bridge/bake/debugfs_script.h"
#include "host-bridge/bake/run_capture.h"
#include "host-bridge/bake/tree_impl.h"

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

class ImageTree : public RootTree {
 public:
  ImageTree(std::string image, std::string scratch, ImageLock lock)
      : image_(std::move(image)), scratch_(std::move(scratch)), lock_(std::move(lock)) {}
  ~ImageTree() override {
    std::error_code ignored;
    fs::remove_all(scratch_, ignored);
  }
  // debugfs's "stat" output for `path` (its last component not followed), or "" when
  // it does not exist.
  std::string Stat(const std::string& raw_path) {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return "";
    std::string out;
    RunCapture({"debugfs", "-R", "stat \"" + path + "\"", image_}, &out, nullptr);
    return out;
  }
  // debugfs does not follow symlinks in the directories of a path; usrmerge images
  // have /sbin -> usr/sbin and /lib -> usr/lib, so the directories are resolved here.
  std::string Resolve(const std::string& path) {
    std::string resolved;
    std::vector<std::string_view> parts = Split(path, '/');
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].empty()) continue;
      std::string next = resolved + "/" + std::string(parts[i]);
      if (i + 1 < parts.size()) {
        for (int hops = 0; hops < 8; ++hops) {
          std::optional<std::string> target = RawLinkTarget(next);
          if (!target) break;
          next = (*target)[0] == '/' ? *target : resolved + "/" + *target;
          next = fs::path(next).lexically_normal().string();
        }
      }
      resolved = next;
    }
    return resolved.empty() ? "/" : resolved;
  }
  std::optional<std::string> RawLinkTarget(const std::string& path) {
    auto cached = links_.find(path);
    if (cached != links_.end()) return cached->second;
    std::string out;
    if (SafeForDebugfs(path)) {
      RunCapture({"debugfs", "-R", "stat \"" + path + "\"", image_}, &out, nullptr);
    }
    std::optional<std::string> target;
    size_t at = out.find("Fast link dest: \"");
    if (out.find("Type: symlink") != std::string::npos && at != std::string::npos) {
      size_t begin = at + 17;
      target = out.substr(begin, out.find('"', begin) - begin);
    }
    links_[path] = target;
    return target;
  }
  // Queued changes are not in the image yet: answer from them first.
  bool Exists(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    if (pending_.count(path)) return pending_[path];
    return !Stat(path).empty();
  }
  bool IsDirectory(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    if (pending_dirs_.count(path)) return true;
    if (pending_.count(path) && !pending_[path]) return false;
    return Stat(path).find("Type: directory") != std::string::npos;
  }
  // What the image holds, as ReadFile reads it (a change queued is not seen).
  bool IsRegularFile(const std::string& path) override {
    return Stat(path).find("Type: regular") != std::string::npos;
  }
  Result<std::optional<std::string>> ReadFile(const std::string& path) override {
    if (Stat(path).find("Type: regular") == std::string::npos) return std::optional<std::string>();
    return ReadImageFileAtMost(image_, Resolve(path), kMaxTreeFileBytes);
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    std::string stat = Stat(path);
    if (stat.find("Type: symlink") == std::string::npos) return std::nullopt;
    size_t at = stat.find("Fast link dest: \"");
    if (at != std::string::npos) {
      size_t begin = at + 17;
      return stat.substr(begin, stat.find('"', begin) - begin);
    }
    // A long ("slow") link keeps its target in a data block: cat reads it (at most
    // what a target may hold, whatever the inode says).
    Result<std::optional<std::string>> target = ReadImageFileAtMost(image_, Resolve(path), 4096);
    return target.ok() ? *target : std::nullopt;
  }
  Status MakeDirectory(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return Unsupported(path);
    pending_[path] = true;
    pending_dirs_.insert(path);
    added_[path] = Entry::kDirectory;
    script_.MakeDirectory(path);
    return Status::Ok();
  }
  Status WriteFile(const std::string& raw_path, const std::string& content,
                   const std::string& host_source, uint32_t mode) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return Unsupported(path);
    Entry existing = EntryAt(path);
    if (existing == Entry::kDirectory) return IsADirectory(path);
    std::string source = host_source;
    if (source.empty()) {
      source = scratch_ + "/f" + std::to_string(++files_);
      std::ofstream out(source, std::ios::binary);
      out << content;
      if (!out.flush()) return Status::FromErrno("write " + source, errno);
    }
    if (!SafeForDebugfs(source)) return Status::Error("host path not supported: " + source);
    bool replace = existing == Entry::kOther;
    script_.Write(source, path, mode, replace, HasLeftover(path));
    if (!replace) added_[path] = Entry::kOther;
    pending_[path] = true;
    return Status::Ok();
  }
  Status MakeSymlink(const std::string& raw_path, const std::string& target) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return Unsupported(path);
    if (!SafeForDebugfs(target)) return Status::Error("link target not supported: " + target);
    Entry existing = EntryAt(path);
    if (existing == Entry::kDirectory) return IsADirectory(path);
    bool replace = existing == Entry::kOther;
    script_.Symlink(path, target, replace, HasLeftover(path));
    if (!replace) added_[path] = Entry::kOther;
    pending_[path] = true;
    return Status::Ok();
  }
  // Like a directory tree, a path already gone is not an error (nothing to undo).
  Status Remove(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return Unsupported(path);
    if (Exists(path)) script_.Remove(path);
    if (HasLeftover(path)) script_.RemoveLeftover(path);
    pending_[path] = false;
    return Status::Ok();
  }
  Status RemoveDirectory(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(path)) return Unsupported(path);
    if (Exists(path)) script_.RemoveDirectory(path);
    pending_[path] = false;
    pending_dirs_.erase(path);
    return Status::Ok();
  }
  Status Commit() override {
    Status done = script_.Run(image_, scratch_,
                              [](const std::vector<std::string>& argv, std::string* out,
                                 std::string* err) { return RunCapture(argv, out, err); });
    pending_.clear();
    pending_dirs_.clear();
    added_.clear();
    links_.clear();
    listings_.clear();
    return done;
  }
  bool ChangesWaitForCommit() const override { return true; }
  std::string Describe() const override { return "image " + image_; }

 private:
  static Status Unsupported(const std::string& path) {
    return Status::Error("path not supported in an image: " + path);
  }
  // What a file or link written to `path` meets in the first debugfs run (one stat at
  // most). Removals run last: a path whose removal is queued is still there then, so
  // it is replaced through a temporary name too (and the removal is dropped).
  enum class Entry { kNone, kDirectory, kOther };
  Entry EntryAt(const std::string& path) {
    if (pending_dirs_.count(path)) return Entry::kDirectory;
    auto queued = pending_.find(path);
    if (queued != pending_.end() && queued->second) return Entry::kOther;
    auto added = added_.find(path);
    if (added != added_.end()) return added->second;
    if (InNewDirectory(path)) return Entry::kNone;
    std::string stat = Stat(path);
    if (stat.empty()) return Entry::kNone;
    return stat.find("Type: directory") != std::string::npos ? Entry::kDirectory : Entry::kOther;
  }
  // A directory this change makes is empty in the first run: a module tree's files
  // are known to be new without a debugfs run each.
  bool InNewDirectory(const std::string& path) const {
    return pending_dirs_.count(path.substr(0, path.rfind('/'))) > 0;
  }
  // Whether an interrupted bake left TempNameFor(path) in the image: one `ls` of each
  // directory (removing a module tree asks for every file), and a `stat` to confirm a
  // name found (in a listing, a name with a newline could pass for another).
  bool HasLeftover(const std::string& path) {
    if (InNewDirectory(path)) return false;
    size_t slash = path.rfind('/');
    std::string dir = slash == 0 ? "/" : path.substr(0, slash);
    auto listed = listings_.find(dir);
    if (listed == listings_.end()) listed = listings_.emplace(dir, ListDirectory(dir)).first;
    std::string temp = TempNameFor(path);
    return listed->second.count(temp.substr(slash + 1)) > 0 && !Stat(temp).empty();
  }
  // The names in `dir` (lines "/INODE/MODE/UID/GID/NAME/SIZE/" of `ls -p`).
  std::set<std::string> ListDirectory(const std::string& dir) {
    std::set<std::string> names;
    if (!SafeForDebugfs(dir)) return names;
    std::string out;
    RunCapture({"debugfs", "-R", "ls -p \"" + dir + "\"", image_}, &out, nullptr);
    for (std::string_view line : Split(out, '\n')) {
      std::vector<std::string_view> fields = Split(line, '/');
      if (fields.size() == 8 && fields[0].empty()) names.emplace(fields[5]);
    }
    return names;
  }
  // A file or link replaces only a file or link: the second debugfs run's `rm` cannot
  // remove a directory, and its `ln` would then fail.
  Status IsADirectory(const std::string& path) const {
    auto queued = pending_.find(path);
    if (queued != pending_.end() && !queued->second) {  // removed only after the writes
      return Status::Error(path + " is a directory in " + image_ +
                           " removed in the same change: it cannot be replaced by a file "
                           "before the removal is committed");
    }
    return Status::Error(path + " is a directory in " + image_ + ": remove it to bake");
  }

  std::string image_;
  std::string scratch_;
  ImageLock lock_;  // held from opening to the end (image_lock.h)
  DebugfsScript script_;
  int files_ = 0;
  std::map<std::string, bool> pending_;  // path -> exists after the queued commands
  std::set<std::string> pending_dirs_;
  std::map<std::string, Entry> added_;  // what the first run makes: at `path` until the last
  std::map<std::string, std::optional<std::string>> links_;  // symlink targets read so far
  std::map<std::string, std::set<std::string>> listings_;    // directory -> its names
};

}  // namespace

Result<std::optional<std::string>> ReadImageFileAtMost(const std::string& image,
                                                       const std::string& path, size_t max_bytes) {
  if (!SafeForDebugfs(path)) return std::optional<std::string>();
  std::string out, err;
  int status = RunCapture({"debugfs", "-R", "cat \"" + path + "\"", image}, &out, &err, max_bytes);
  if (status == kCaptureOverLimit) {
    return Status::Error("image " + image + ": " + path + " is larger than " +
                         std::to_string(max_bytes) + " bytes");
  }
  if (err.find("File not found") != std::string::npos) return std::optional<std::string>();
  // debugfs exits 0 whatever went wrong: only its error lines tell a failed read.
  std::string problems = DebugfsProblems(status, err);
  if (!problems.empty()) return Status::Error("image " + image + ": cannot read " + path + problems);
  return std::optional<std::string>(std::move(out));
}

std::unique_ptr<RootTree> MakeImageTree(std::string image, std::string scratch, ImageLock lock) {
  return std::make_unique<ImageTree>(std::move(image), std::move(scratch), std::move(lock));
}

}  // namespace umla::bridge
