#include "agent/system/kmsg_sink.h"

#include <fcntl.h>
#include <unistd.h>

namespace umla::agent {

std::shared_ptr<KmsgSink> KmsgSink::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::shared_ptr<KmsgSink>(new KmsgSink(fd));
}

namespace {
// A kmsg record holds a little under 1 KiB of text; stay below it.
constexpr size_t kMaxRecord = 900;
}  // namespace

KmsgSink::~KmsgSink() {
  flush_();
  ::close(fd_);
}

void KmsgSink::WriteRecord(int priority, const std::string& text) {
  // The final newline closes the record: without it the kernel keeps it open for a
  // continuation and readers (dmesg) do not see it yet.
  std::string record = "<" + std::to_string(priority) + ">" + text + "\n";
  // One write is one kernel log record; failure to log is not worth failing for.
  ssize_t ignored = ::write(fd_, record.data(), record.size());
  (void)ignored;
}

void KmsgSink::flush_() {
  if (gathered_.empty()) return;
  WriteRecord(6, gathered_);
  gathered_.clear();
}

void KmsgSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  std::string line(formatted.data(), formatted.size());
  while (!line.empty() && line.back() == '\n') line.pop_back();
  if (msg.level >= spdlog::level::warn) {
    flush_();  // keep the order of what was said
    WriteRecord(msg.level >= spdlog::level::err ? 3 : 4, line);
    return;
  }
  if (!gathered_.empty() && gathered_.size() + line.size() + 1 > kMaxRecord) flush_();
  if (!gathered_.empty()) gathered_ += '\n';
  gathered_ += line.substr(0, kMaxRecord);
}

}  // namespace umla::agent
