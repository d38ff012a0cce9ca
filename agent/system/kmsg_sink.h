// An spdlog sink writing to /dev/kmsg, so the agent's early-boot messages land in the
// kernel log (dmesg) even before any syslog runs.
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
  void flush_() override {}

 private:
  explicit KmsgSink(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace umla::agent
