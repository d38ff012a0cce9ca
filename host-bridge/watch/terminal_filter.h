// The guest's main console on its way to a terminal: a guest can print escape
// sequences that set the clipboard (OSC 52), retitle the window, remap keys or hide
// text. Control bytes are made visible instead: C0 ones and DEL in caret notation
// ("^[" for ESC), C1 controls and bytes that are not UTF-8 as "\x9b"; newline,
// carriage return, tab and backspace pass, and so does valid UTF-8 (a systemd
// guest's bullets and box lines). Pure; keeps state across Feed() calls so that a
// character split between two reads is judged whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace umla::bridge {

class TerminalFilter {
 public:
  // Returns what is safe to show of `bytes` (an unfinished UTF-8 sequence at its end
  // is held back until the next call).
  std::string Feed(std::string_view bytes);
  // What is held back, made visible (the stream ended inside a character).
  std::string Flush();

 private:
  void Take(unsigned char byte, std::string* out);
  std::string pending_;  // the start of a UTF-8 sequence
  size_t needed_ = 0;    // its whole length
};

}  // namespace umla::bridge
