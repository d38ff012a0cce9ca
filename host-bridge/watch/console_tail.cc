#include "host-bridge/watch/console_tail.h"

#include "common/strings.h"

namespace umla::bridge {
namespace {

constexpr size_t kMaxLine = 4096;

bool IsNoise(std::string_view line) {
  // UML prints this when its stdout is a file or pipe it cannot poll; harmless.
  return line.find("epollctl add err fd") != std::string_view::npos;
}

}  // namespace

void ConsoleTail::Keep(const std::string& line) {
  std::string_view trimmed = Trim(line);
  if (trimmed.empty()) return;
  last_.push_back(SanitizeForTerminal(trimmed, 240));
  if (last_.size() > keep_lines_) last_.pop_front();
}

std::string ConsoleTail::Feed(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    if (partial_.size() < kMaxLine) partial_ += c;
    if (c != '\n' && partial_.size() < kMaxLine) continue;
    if (!IsNoise(partial_)) {
      Keep(partial_);
      out += partial_;
    }
    partial_.clear();
  }
  return out;
}

std::string ConsoleTail::Flush() {
  std::string out;
  if (!partial_.empty() && !IsNoise(partial_)) {
    Keep(partial_);
    out = partial_;
  }
  partial_.clear();
  return out;
}

std::string ConsoleTail::LastLines() const {
  std::string out;
  for (const auto& line : last_) out += "  | " + line + "\n";
  return out;
}

}  // namespace umla::bridge
