#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host-bridge/bake/tree_impl.h"

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

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

}  // namespace

std::unique_ptr<RootTree> MakeDirectoryTree(std::string root) {
  return std::make_unique<DirectoryTree>(std::move(root));
}

}  // namespace umla::bridge
