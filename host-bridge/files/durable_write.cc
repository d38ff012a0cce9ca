#include "host-bridge/files/durable_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "host-bridge/files/fd.h"

namespace umla::bridge {
namespace {

Status WriteAll(int fd, std::string_view data, const std::string& shown) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("write " + shown, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// The temp file's content, mode and data on disk; the rename comes after.
Status FillTemp(int dir_fd, const std::string& temp, std::string_view data, mode_t mode,
                const std::string& shown) {
  // 0600 until the content is complete: no one reads a half-written file under its mode.
  Fd out(::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600));
  if (!out.ok()) return Status::FromErrno("create " + shown, errno);
  Status filled = WriteAll(out.get(), data, shown);
  if (filled.ok() && ::fchmod(out.get(), mode & 07777) != 0) {
    filled = Status::FromErrno("chmod " + shown, errno);
  }
  if (filled.ok() && ::fsync(out.get()) != 0) filled = Status::FromErrno("fsync " + shown, errno);
  return filled;
}

}  // namespace

std::string DurableTempName(const std::string& name) { return name + ".uml-bridge.tmp"; }

Status WriteFileDurably(int dir_fd, const std::string& shown_dir, const std::string& name,
                        std::string_view data, mode_t mode, DirectorySync sync) {
  std::string temp = DurableTempName(name);
  std::string shown = shown_dir + "/" + name, shown_temp = DurableTempName(shown);
  Status written = RemoveLeftoverTemp(dir_fd, temp, shown_temp);
  if (!written.ok()) return written;
  written = FillTemp(dir_fd, temp, data, mode, shown_temp);
  if (written.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) {
    written = Status::FromErrno("rename " + shown_temp + " to " + shown, errno);
  }
  if (!written.ok()) {
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return written;
  }
  if (sync == DirectorySync::kNow && ::fsync(dir_fd) != 0) {
    return Status::FromErrno("fsync directory " + (shown_dir.empty() ? "/" : shown_dir), errno);
  }
  return Status::Ok();
}

Status RemoveLeftoverTemp(int dir_fd, const std::string& temp, const std::string& shown) {
  struct stat st;
  if (::fstatat(dir_fd, temp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status::Ok() : Status::FromErrno("stat " + shown, errno);
  }
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    return Status::Error(shown + " exists and is not a file or a link: remove it to go on");
  }
  if (::unlinkat(dir_fd, temp.c_str(), 0) != 0 && errno != ENOENT) {
    return Status::FromErrno("remove " + shown, errno);
  }
  return Status::Ok();
}

}  // namespace umla::bridge
