#include "host-bridge/guest/channel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/strings.h"
#include "host-bridge/guest/mconsole.h"

namespace umla::bridge {

Result<ChannelSpec> ParseChannelSpec(const std::string& text) {
  size_t colon = text.find(':');
  std::string kind = text.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (value.empty()) {
    return Status::Error("--channel " + text + ": expected fifo:PATH, pts:PATH or umid:NAME");
  }
  if (kind == "fifo") return ChannelSpec{ChannelSpec::Kind::kFifo, value};
  if (kind == "pts") return ChannelSpec{ChannelSpec::Kind::kPts, value};
  if (kind == "umid") {
    if (value.find('/') != std::string::npos || value == "..") {
      return Status::Error("--channel " + text + ": a umid has no '/'");
    }
    return ChannelSpec{ChannelSpec::Kind::kUmid, value};
  }
  return Status::Error("--channel " + text + ": unknown kind \"" + kind +
                       "\" (expected fifo, pts or umid)");
}

std::string ChannelSpecText(const ChannelSpec& spec) {
  switch (spec.kind) {
    case ChannelSpec::Kind::kFifo: return "fifo:" + spec.value;
    case ChannelSpec::Kind::kPts: return "pts:" + spec.value;
    case ChannelSpec::Kind::kUmid: return "umid:" + spec.value;
  }
  return spec.value;
}

bool UmidLiveness::Gone(MconsoleReach now) {
  if (now == MconsoleReach::kAnswered) answered_ = true;
  return answered_ && now == MconsoleReach::kNobodyListening;
}

namespace {

Result<int> OpenTty(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  struct termios tio;
  if (::tcgetattr(fd, &tio) == 0) {
    ::cfmakeraw(&tio);  // no echo back into the guest, no newline translation
    ::tcsetattr(fd, TCSANOW, &tio);
  }
  return fd;
}

// The pts behind a guest's line. UML's mconsole only answers "pts" for such a line,
// never the device, so the device is read off the kernel process instead: the
// ptmx it holds open (its pid is in ~/.uml/UMID/pid) and that fd's tty-index.
Result<std::string> FindGuestPts(const std::string& umid, int line, OpenAttempt* attempt,
                                 int timeout_ms) {
  std::string socket = MconsoleSocketForUmid(umid);
  std::string line_name = "con" + std::to_string(line);
  Result<std::string> reply =
      MconsoleCommand(socket, "config " + line_name, timeout_ms, &attempt->mconsole);
  if (!reply.ok()) return reply.status();
  std::string answer(Trim(*reply));
  if (!StartsWith(answer, "pts")) {
    return Status::Error("guest " + umid + ": " + line_name + " is \"" +
                         SanitizeForTerminal(answer, 80) + "\", not a pts (start it with " +
                         line_name + "=pts)");
  }
  std::string dir = socket.substr(0, socket.rfind('/'));
  std::ifstream pid_file(dir + "/pid");
  std::string pid;
  if (!(pid_file >> pid) || !ParseUnsigned(pid)) return Status::Error(dir + "/pid: no pid");
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + pid + "/fd", error)) {
    std::error_code link_error;
    auto target = std::filesystem::read_symlink(entry.path(), link_error);
    if (link_error || (target != "/dev/ptmx" && target != "/dev/pts/ptmx")) continue;
    std::ifstream info("/proc/" + pid + "/fdinfo/" + entry.path().filename().string());
    std::string key, value;
    while (info >> key >> value) {
      if (key == "tty-index:") found.push_back("/dev/pts/" + value);
    }
  }
  if (error) return Status::Error("/proc/" + pid + "/fd: " + error.message());
  if (found.empty()) {
    attempt->pending = true;  // the guest has not opened its line yet
    return std::string();
  }
  if (found.size() > 1) {
    return Status::Error("guest " + umid + " has several pts lines; name the agent's with pts:PATH");
  }
  return found.front();
}

}  // namespace

Result<int> OpenChannel(const ChannelSpec& spec, int line, OpenAttempt* attempt,
                        int mconsole_timeout_ms) {
  *attempt = OpenAttempt();
  switch (spec.kind) {
    case ChannelSpec::Kind::kFifo: {
      struct stat st;
      if (::stat(spec.value.c_str(), &st) != 0) return Status::FromErrno("fifo " + spec.value, errno);
      if (!S_ISFIFO(st.st_mode)) return Status::Error("fifo " + spec.value + ": not a FIFO");
      int fd = ::open(spec.value.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) return Status::FromErrno("open " + spec.value, errno);
      return fd;
    }
    case ChannelSpec::Kind::kPts:
      return OpenTty(spec.value);
    case ChannelSpec::Kind::kUmid: {
      Result<std::string> pts = FindGuestPts(spec.value, line, attempt, mconsole_timeout_ms);
      if (!pts.ok() || attempt->pending) return pts.ok() ? Result<int>(-1) : pts.status();
      return OpenTty(*pts);
    }
  }
  return Status::Error("unknown channel kind");
}

}  // namespace umla::bridge
