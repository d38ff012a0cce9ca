#include "host-bridge/bake/root_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/strings.h"

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

// Runs `argv` (no shell), capturing stdout and stderr; returns the exit status.
int RunCapture(const std::vector<std::string>& argv, std::string* out, std::string* err) {
  char out_name[] = "/tmp/uml-bridge-out.XXXXXX";
  char err_name[] = "/tmp/uml-bridge-err.XXXXXX";
  int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name);
  unlink(out_name);
  unlink(err_name);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto slurp = [](int fd, std::string* into) {
    lseek(fd, 0, SEEK_SET);
    char buffer[65536];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
      if (into) into->append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  };
  slurp(out_fd, out);
  slurp(err_fd, err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool SafeForDebugfs(const std::string& path) {
  for (char c : path) {
    if (c <= ' ' || c == '"' || c == '\\' || c == 127) return false;
  }
  return !path.empty();
}

class DirectoryTree : public RootTree {
 public:
  explicit DirectoryTree(std::string root) : root_(std::move(root)) {}
  std::string Host(const std::string& path) const { return root_ + path; }
  bool Exists(const std::string& path) override {
    std::error_code ec;
    return fs::exists(fs::symlink_status(Host(path), ec));
  }
  bool IsDirectory(const std::string& path) override {
    std::error_code ec;
    return fs::is_directory(fs::symlink_status(Host(path), ec));
  }
  std::optional<std::string> ReadFile(const std::string& path) override {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(Host(path), ec))) return std::nullopt;
    std::ifstream in(Host(path), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    std::error_code ec;
    fs::path target = fs::read_symlink(Host(path), ec);
    if (ec) return std::nullopt;
    return target.string();
  }
  Status MakeDirectory(const std::string& path) override {
    if (::mkdir(Host(path).c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + Host(path), errno);
    }
    return Status::Ok();
  }
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
    std::string temp = Host(path) + ".uml-bridge.tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << data;
      if (!out.flush()) return Status::FromErrno("write " + temp, errno);
    }
    ::chmod(temp.c_str(), mode);
    if (::rename(temp.c_str(), Host(path).c_str()) != 0) {
      return Status::FromErrno("rename to " + Host(path), errno);
    }
    return Status::Ok();
  }
  Status MakeSymlink(const std::string& path, const std::string& target) override {
    ::unlink(Host(path).c_str());
    if (::symlink(target.c_str(), Host(path).c_str()) != 0) {
      return Status::FromErrno("symlink " + Host(path), errno);
    }
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    if (::unlink(Host(path).c_str()) != 0 && errno != ENOENT) {
      return Status::FromErrno("remove " + Host(path), errno);
    }
    return Status::Ok();
  }
  Status RemoveDirectory(const std::string& path) override {
    if (::rmdir(Host(path).c_str()) != 0 && errno != ENOENT) {
      return Status::FromErrno("rmdir " + Host(path), errno);
    }
    return Status::Ok();
  }
  Status Commit() override { return Status::Ok(); }
  std::string Describe() const override { return "directory " + root_; }

 private:
  std::string root_;
};

class ImageTree : public RootTree {
 public:
  ImageTree(std::string image, std::string scratch)
      : image_(std::move(image)), scratch_(std::move(scratch)) {}
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
  std::optional<std::string> ReadFile(const std::string& path) override {
    if (Stat(path).find("Type: regular") == std::string::npos) return std::nullopt;
    return ReadImageFile(image_, Resolve(path));
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    std::string stat = Stat(path);
    if (stat.find("Type: symlink") == std::string::npos) return std::nullopt;
    size_t at = stat.find("Fast link dest: \"");
    if (at != std::string::npos) {
      size_t begin = at + 17;
      return stat.substr(begin, stat.find('"', begin) - begin);
    }
    // A long ("slow") link keeps its target in a data block: dump reads it.
    return ReadImageFile(image_, Resolve(path));
  }
  Status Queue(const std::string& path, const std::string& commands) {
    if (!SafeForDebugfs(path)) return Status::Error("path not supported in an image: " + path);
    commands_ += commands;
    return Status::Ok();
  }
  Status MakeDirectory(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    pending_[path] = true;
    pending_dirs_.insert(path);
    return Queue(path, "mkdir " + path + "\nsif " + path + " mode 040755\nsif " + path +
                           " uid 0\nsif " + path + " gid 0\n");
  }
  Status WriteFile(const std::string& raw_path, const std::string& content,
                   const std::string& host_source, uint32_t mode) override {
    std::string path = Resolve(raw_path);
    std::string source = host_source;
    if (source.empty()) {
      source = scratch_ + "/f" + std::to_string(++files_);
      std::ofstream out(source, std::ios::binary);
      out << content;
      if (!out.flush()) return Status::FromErrno("write " + source, errno);
    }
    if (!SafeForDebugfs(source)) return Status::Error("host path not supported: " + source);
    char octal[16];
    std::snprintf(octal, sizeof octal, "0100%03o", mode & 07777);
    std::string rm = Exists(path) ? "rm " + path + "\n" : "";
    pending_[path] = true;
    return Queue(path, rm + "write " + source + " " + path + "\nsif " + path + " mode " + octal +
                           "\nsif " + path + " uid 0\nsif " + path + " gid 0\n");
  }
  Status MakeSymlink(const std::string& raw_path, const std::string& target) override {
    std::string path = Resolve(raw_path);
    if (!SafeForDebugfs(target)) return Status::Error("link target not supported: " + target);
    std::string rm = Exists(path) ? "rm " + path + "\n" : "";
    pending_[path] = true;
    return Queue(path, rm + "symlink " + path + " " + target + "\n");
  }
  Status Remove(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    pending_[path] = false;
    return Queue(path, "rm " + path + "\n");
  }
  Status RemoveDirectory(const std::string& raw_path) override {
    std::string path = Resolve(raw_path);
    pending_[path] = false;
    pending_dirs_.erase(path);
    return Queue(path, "rmdir " + path + "\n");
  }
  Status Commit() override {
    if (commands_.empty()) return Status::Ok();
    std::string file = scratch_ + "/commands";
    std::ofstream(file) << commands_;
    std::string err;
    int status = RunCapture({"debugfs", "-w", "-f", file, image_}, nullptr, &err);
    commands_.clear();
    std::string problems;
    for (std::string_view line : Split(err, '\n')) {
      if (line.empty() || StartsWith(line, "debugfs ") || StartsWith(line, "Allocated inode")) continue;
      problems += "\n  " + std::string(line);
    }
    if (status != 0 || !problems.empty()) {
      return Status::Error("debugfs -w " + image_ + " failed (status " + std::to_string(status) +
                           "):" + problems);
    }
    return Status::Ok();
  }
  std::string Describe() const override { return "image " + image_; }

 private:
  std::string image_;
  std::string scratch_;
  std::string commands_;
  int files_ = 0;
  std::map<std::string, bool> pending_;  // path -> exists after the queued commands
  std::set<std::string> pending_dirs_;
  std::map<std::string, std::optional<std::string>> links_;  // symlink targets read so far
};

}  // namespace

std::optional<std::string> ReadImageFile(const std::string& image, const std::string& path) {
  if (!SafeForDebugfs(path)) return std::nullopt;
  std::string out, err;
  RunCapture({"debugfs", "-R", "cat \"" + path + "\"", image}, &out, &err);
  if (err.find("File not found") != std::string::npos) return std::nullopt;
  return out;
}

Result<std::unique_ptr<RootTree>> OpenRootTree(const std::string& spec) {
  std::error_code ec;
  std::string root = fs::absolute(spec, ec).lexically_normal().string();
  if (fs::is_directory(root, ec)) {
    if (root.size() > 1 && root.back() == '/') root.pop_back();
    return std::unique_ptr<RootTree>(new DirectoryTree(root == "/" ? "" : root));
  }
  if (!fs::is_regular_file(root, ec)) {
    return Status::Error(spec + ": neither a directory nor an image file");
  }
  std::string out;
  RunCapture({"debugfs", "-R", "stats", root}, &out, nullptr);
  if (out.find("Filesystem magic number:  0xEF53") == std::string::npos) {
    return Status::Error(spec + ": not an ext2/3/4 image (debugfs cannot read it; is e2fsprogs installed?)");
  }
  char scratch[] = "/tmp/uml-bridge-bake.XXXXXX";
  if (!mkdtemp(scratch)) return Status::FromErrno("mkdtemp", errno);
  return std::unique_ptr<RootTree>(new ImageTree(root, scratch));
}

}  // namespace umla::bridge
