#include "agent/system/guest_root.h"

#include <sys/stat.h>

#include <cerrno>

namespace umla::agent {

GuestRoot::GuestRoot(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string GuestRoot::HostPath(const std::string& path) const {
  if (root_ == "/" || root_.empty()) return path;
  return root_ + path;
}

Status GuestRoot::MakeDirectories(const std::string& path, unsigned mode) const {
  std::string host = HostPath(path);
  for (size_t slash = host.find('/', 1);; slash = host.find('/', slash + 1)) {
    std::string prefix = slash == std::string::npos ? host : host.substr(0, slash);
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + prefix, errno);
    }
    if (slash == std::string::npos) break;
  }
  struct stat st;
  if (::stat(host.c_str(), &st) != 0) return Status::FromErrno("stat " + host, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Error(host + " exists and is not a directory");
  return Status::Ok();
}

}  // namespace umla::agent
