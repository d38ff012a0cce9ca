// An spdlog sink writing to /dev/kmsg, so the agent's early-boot messages land in the
// kernel log (dmesg) even before any syslog runs. The kernel rate-limits writers of
// /dev/kmsg (a burst of 10 records per 5 s by default) and drops the rest, so info
// lines are gathered into as few records as possible (written on flush, or when a
// record is full); warnings and errors are written at once, after what was gathered.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>

namespace umla::agent {

class KmsgSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Returns nullptr when /dev/kmsg cannot be opened (no devtmpfs yet, not root).
  static std::shared_ptr<KmsgSink> Open(const std::string& path = "/dev/kmsg");
  ~KmsgSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  explicit KmsgSink(int fd) : fd_(fd) {}
  void WriteRecord(int priority, const std::string& text);
  int fd_;
  std::string gathered_;  // info lines not written yet, newline-separated
};

}  // namespace umla::agent
