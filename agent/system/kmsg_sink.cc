#include "agent/system/kmsg_sink.h"

#include <fcntl.h>
#include <unistd.h>

namespace umla::agent {

std::shared_ptr<KmsgSink> KmsgSink::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::shared_ptr<KmsgSink>(new KmsgSink(fd));
}

KmsgSink::~KmsgSink() { ::close(fd_); }

void KmsgSink::sink_it_(const spdlog::details::log_msg& msg) {
  // syslog priority prefix: 3 err, 4 warning, 6 info, 7 debug.
  int priority = msg.level >= spdlog::level::err ? 3 : msg.level == spdlog::level::warn ? 4
               : msg.level == spdlog::level::debug ? 7 : 6;
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  std::string record = "<" + std::to_string(priority) + ">";
  record.append(formatted.data(), formatted.size());
  // One write is one kernel log record; failure to log is not worth failing for.
  ssize_t ignored = ::write(fd_, record.data(), record.size());
  (void)ignored;
}

}  // namespace umla::agent
