#include "agent/system/guest_root.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <deque>
#include <string_view>
#include <vector>

#include "common/strings.h"

namespace umla::agent {

GuestRoot::GuestRoot(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string path;
  for (const std::string& part : parts) path += "/" + part;
  return path.empty() ? "/" : path;
}

void PushParts(std::string_view path, std::deque<std::string>* todo) {
  std::vector<std::string> parts;
  for (std::string_view part : Split(path, '/')) {
    if (!part.empty() && part != ".") parts.emplace_back(part);
  }
  todo->insert(todo->begin(), parts.begin(), parts.end());
}

}  // namespace

std::string GuestRoot::HostPath(const std::string& path) const {
  if (IsRunningSystem()) return path;
  return ResolveInRoot(path, /*follow_last=*/false);
}

std::string GuestRoot::FollowPath(const std::string& path) const {
  if (IsRunningSystem()) return path;
  return ResolveInRoot(path, /*follow_last=*/true);
}

// Each symlink on the way is looked at as the guest would see it (as openat2's
// RESOLVE_IN_ROOT does): an absolute one starts again at the tree's root and ".."
// stops there, so an image's own links (/etc -> /etc, a hostile ../../..) never lead
// the agent out of the tree. The last component is followed only for `follow_last`
// (reads); otherwise callers lstat it, create it or rename over it. No symlink is ever
// left for the kernel to follow: a path needing more than kMaxLinks of them (a loop,
// or a chain long enough to outlast a count) comes back as kRefusedPath + path, on
// which every call fails (ENOTDIR: /dev/null is no directory), naming the path.
std::string GuestRoot::ResolveInRoot(const std::string& path, bool follow_last) const {
  std::vector<std::string> done;
  std::deque<std::string> todo;
  PushParts(path, &todo);
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    if (todo.empty() && !follow_last) {
      done.push_back(std::move(part));
      continue;
    }
    char target[PATH_MAX];
    ssize_t length = ::readlink((root_ + Join(done) + "/" + part).c_str(), target, sizeof(target));
    if (length < 0) {  // not a symlink (or not there): the kernel sees the same
      done.push_back(std::move(part));
      continue;
    }
    if (++links > kMaxLinks || static_cast<size_t>(length) >= sizeof(target)) {
      return kRefusedPath + path;
    }
    if (target[0] == '/') done.clear();
    PushParts(std::string_view(target, static_cast<size_t>(length)), &todo);
  }
  return root_ + Join(done);
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
