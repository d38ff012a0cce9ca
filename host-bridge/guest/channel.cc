#include "host-bridge/guest/channel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace

Result<int> OpenChannel(const ChannelSpec& spec, int line, bool* pending) {
  *pending = false;
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
      std::string socket = MconsoleSocketForUmid(spec.value);
      Result<std::string> reply =
          MconsoleCommand(socket, "config con" + std::to_string(line), 1000);
      if (!reply.ok()) return reply.status();
      // "pts" until the guest opens the line, then "pts:/dev/pts/N".
      std::string answer(Trim(*reply));
      if (!StartsWith(answer, "pts:/dev/pts/")) {
        if (answer == "pts") {
          *pending = true;
          return -1;
        }
        return Status::Error("guest " + spec.value + ": con" + std::to_string(line) +
                             " is \"" + SanitizeForTerminal(answer, 80) +
                             "\", not a pts (start it with con" + std::to_string(line) + "=pts)");
      }
      return OpenTty(answer.substr(4));
    }
  }
  return Status::Error("unknown channel kind");
}

}  // namespace umla::bridge
