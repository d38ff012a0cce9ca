#include "host-bridge/hostnet/net_setup_state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <utility>

#include "common/net_config.h"
#include "host-bridge/files/durable_write.h"

namespace umla::bridge {
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

// A record is a few hundred bytes; more is not one of ours.
constexpr size_t kMaxRecordSize = 1 << 20;

// The directory's lock, taken with flock: an open file description's lock like the
// OFD lock bake takes on an image (host-bridge/bake/image_lock.cc), but one a
// directory can hold (F_OFD_SETLK's write lock needs a descriptor open for writing,
// which a directory never is). The record itself cannot carry it: each save renames
// a new file over it. Waiting (not failing) lets scripts run net-setups side by side.
Status LockDirectory(int dir_fd, const std::string& dir, std::ostream& waiting) {
  if (::flock(dir_fd, LOCK_EX | LOCK_NB) == 0) return Status::Ok();
  if (errno != EWOULDBLOCK) return Status::FromErrno("lock " + dir, errno);
  waiting << "uml-bridge net-setup: waiting for another net-setup (it holds the lock on "
          << dir << ")" << std::endl;
  while (::flock(dir_fd, LOCK_EX) != 0) {
    if (errno != EINTR) return Status::FromErrno("lock " + dir, errno);
  }
  return Status::Ok();
}

}  // namespace

Result<NetSetupStateFile> NetSetupStateFile::Open(const std::string& dir,
                                                  unsigned long netns_inode,
                                                  const std::string& bridge,
                                                  std::ostream& waiting) {
  if (!IsInterfaceName(bridge)) {
    return Status::Error("bridge \"" + bridge + "\": expected " + kInterfaceNameRule);
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::FromErrno("mkdir " + dir, errno);
  }
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + dir, errno);
  Status locked = LockDirectory(fd, dir, waiting);
  if (!locked.ok()) {
    ::close(fd);
    return locked;
  }
  return NetSetupStateFile(fd, dir, NetSetupStateFileName(netns_inode, bridge));
}

NetSetupStateFile::NetSetupStateFile(NetSetupStateFile&& other) noexcept
    : dir_fd_(std::exchange(other.dir_fd_, -1)),
      dir_(std::move(other.dir_)),
      name_(std::move(other.name_)),
      path_(std::move(other.path_)) {}

NetSetupStateFile::~NetSetupStateFile() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

Result<std::optional<NetSetupState>> NetSetupStateFile::Load() const {
  File in(std::fopen(path_.c_str(), "re"), std::fclose);
  if (!in) {
    if (errno == ENOENT) return std::optional<NetSetupState>();
    return Status::FromErrno("open " + path_, errno);
  }
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, in.get())) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxRecordSize) return Status::Error(path_ + ": too large to be a net-setup record");
  }
  if (std::ferror(in.get())) return Status::FromErrno("read " + path_, errno);
  Result<NetSetupState> state = NetSetupStateFromJson(text, path_);
  if (!state.ok()) return state.status();
  return std::optional<NetSetupState>(std::move(*state));
}

Status NetSetupStateFile::Save(const NetSetupState& state) const {
  return WriteFileDurably(dir_fd_, dir_, name_, NetSetupStateToJson(state), 0644);
}

Status NetSetupStateFile::Remove() const {
  if (std::remove(path_.c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno("remove " + path_, errno);
  }
  // A temp file a killed save left goes with the record (its next save would replace it).
  Status leftover = RemoveLeftoverTemp(dir_fd_, DurableTempName(name_), DurableTempName(path_));
  if (!leftover.ok()) return leftover;
  if (::fsync(dir_fd_) != 0) return Status::FromErrno("fsync directory " + dir_, errno);
  return Status::Ok();
}

}  // namespace umla::bridge
