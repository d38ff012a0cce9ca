// The guest's main console as the bridge passes it on: drops UML's harmless
// "epollctl add err" noise and keeps the last lines for error messages. Pure.
#pragma once

#include <deque>
#include <string>
#include <string_view>

namespace umla::bridge {

class ConsoleTail {
 public:
  explicit ConsoleTail(size_t keep_lines = 15) : keep_lines_(keep_lines) {}
  // Returns the bytes worth passing on (whole lines; a partial line is held back).
  std::string Feed(std::string_view bytes);
  std::string Flush();  // the held-back partial line
  // The last lines, sanitised for a terminal, each prefixed with "  | ".
  std::string LastLines() const;

 private:
  void Keep(const std::string& line);
  size_t keep_lines_;
  std::string partial_;
  std::deque<std::string> last_;
};

}  // namespace umla::bridge
