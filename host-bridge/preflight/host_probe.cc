#include "host-bridge/preflight/host_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "host-bridge/guest/exec_fds.h"
#include "host-bridge/guest/ext_image.h"
#include "host-bridge/guest/exec_signals.h"
#include "host-bridge/guest/mconsole.h"
#include "host-bridge/guest/system_program.h"

namespace umla::bridge {
namespace {

constexpr long kTmpfsMagic = 0x01021994;
constexpr size_t kMaxFsckOutput = 64 * 1024;  // a badly broken image makes e2fsck chatty

std::string FsTypeName(long magic) {
  switch (static_cast<unsigned long>(magic)) {
    case 0x01021994: return "tmpfs";
    case 0xEF53: return "ext2/3/4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    default: break;
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, "filesystem 0x%lx", static_cast<unsigned long>(magic));
  return hex;
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PathInfo LinuxHostProbe::Path(const std::string& path) {
  PathInfo info;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    info.error = strerror(errno);
    std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
    if (dir.empty()) dir = "/";
    info.writable = errno == ENOENT && access(dir.c_str(), W_OK | X_OK) == 0;
    if (errno == ENOENT && !info.writable) info.error = "directory " + dir + " is not writable";
    return info;
  }
  info.exists = true;
  info.is_dir = S_ISDIR(st.st_mode);
  info.readable = access(path.c_str(), R_OK) == 0;
  info.writable = access(path.c_str(), W_OK) == 0;
  info.device = st.st_dev;
  info.inode = st.st_ino;
  return info;
}

std::optional<std::string> LinuxHostProbe::Env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<SpaceInfo> LinuxHostProbe::Space(const std::string& dir) {
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return Status::FromErrno("statfs " + dir, errno);
  SpaceInfo space;
  space.tmpfs = fs.f_type == kTmpfsMagic;
  space.fs_type = FsTypeName(fs.f_type);
  space.total = static_cast<uint64_t>(fs.f_blocks) * static_cast<uint64_t>(fs.f_frsize);
  space.available = static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize);
  return space;
}

std::vector<RunningGuest> LinuxHostProbe::RunningGuests() {
  std::vector<RunningGuest> guests;
  std::string probe = MconsoleSocketForUmid("_");
  std::string uml_dir = probe.substr(0, probe.size() - std::strlen("/_/mconsole"));
  DIR* dir = opendir(uml_dir.c_str());
  if (!dir) return guests;
  while (struct dirent* entry = readdir(dir)) {
    std::string umid = entry->d_name;
    if (umid == "." || umid == "..") continue;
    auto pid = ParseUnsigned(Trim(ReadSmallFile(uml_dir + "/" + umid + "/pid")), 4194304);
    if (!pid || *pid == 0) continue;
    std::string proc = "/proc/" + std::to_string(*pid);
    std::string cmdline = ReadSmallFile(proc + "/cmdline");
    if (cmdline.empty()) continue;  // gone (a stale directory after a kill)
    RunningGuest guest;
    guest.umid = umid;
    guest.pid = static_cast<pid_t>(*pid);
    std::vector<std::string_view> argv = Split(cmdline, '\0');
    for (size_t i = 1; i < argv.size(); i++) {
      if (!argv[i].empty()) guest.args.emplace_back(argv[i]);
    }
    char cwd[4096];
    ssize_t n = readlink((proc + "/cwd").c_str(), cwd, sizeof cwd - 1);
    if (n > 0) guest.cwd.assign(cwd, static_cast<size_t>(n));
    guests.push_back(std::move(guest));
  }
  closedir(dir);
  return guests;
}

bool LinuxHostProbe::LooksLikeExtFs(const std::string& image) { return LooksLikeExtImage(image); }

Result<FsckResult> LinuxHostProbe::Fsck(const std::string& image, bool read_only) {
  std::string e2fsck = FindSystemProgram("e2fsck");
  if (e2fsck.empty()) return Status::Error("e2fsck not found (install e2fsprogs)");
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return Status::FromErrno("fork", errno);
  }
  if (pid == 0) {
    // Lifted above 0-2 first: a bridge started with some of them closed got them here.
    int null = LiftFd(open("/dev/null", O_RDONLY | O_CLOEXEC), 3), to = LiftFd(out[1], 3);
    if (null < 0 || to < 0 || !WireFd(null, 0) || !WireFd(to, 1) || !WireFd(to, 2)) _exit(127);
    RestoreSignalsForExec();
    const char* mode = read_only ? "-n" : "-p";
    execl(e2fsck.c_str(), "e2fsck", mode, image.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FsckResult result;
  char buffer[4096];
  while (true) {
    ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (result.output.size() < kMaxFsckOutput) result.output.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return Status::Error(e2fsck + " " + image + " was killed by a signal");
  result.status = WEXITSTATUS(status);
  if (result.status == 127) return Status::Error("cannot run " + e2fsck);
  while (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result;
}

}  // namespace umla::bridge
