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

namespace {

// mkdir -p from the deep end: where the parent exists (the usual case) it is one
// mkdir, and a directory that is there already costs a mkdir and a stat.
Status MakeHostDirectories(const std::string& host, mode_t mode) {
  if (::mkdir(host.c_str(), mode) == 0) return Status::Ok();
  int err = errno;
  size_t slash = host.rfind('/');
  if (err == ENOENT && slash != std::string::npos && slash > 0) {
    Status parent = MakeHostDirectories(host.substr(0, slash), mode);
    if (!parent.ok()) return parent;
    if (::mkdir(host.c_str(), mode) == 0) return Status::Ok();
    err = errno;
  }
  if (err != EEXIST) return Status::FromErrno("mkdir " + host, err);
  struct stat st;
  if (::stat(host.c_str(), &st) != 0) return Status::FromErrno("stat " + host, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Error(host + " exists and is not a directory");
  return Status::Ok();
}

}  // namespace

Status GuestRoot::MakeDirectories(const std::string& path, unsigned mode) const {
  std::string host = HostPath(path);
  while (host.size() > 1 && host.back() == '/') host.pop_back();
  return MakeHostDirectories(host, static_cast<mode_t>(mode));
}

}  // namespace umla::agent
