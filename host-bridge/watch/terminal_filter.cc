#include "host-bridge/watch/terminal_filter.h"

#include <cstdio>

namespace umla::bridge {
namespace {

void AppendHex(unsigned char byte, std::string* out) {
  char text[5];
  std::snprintf(text, sizeof text, "\\x%02x", byte);
  out->append(text);
}

void AppendAscii(unsigned char byte, std::string* out) {
  bool harmless = byte == '\n' || byte == '\r' || byte == '\t' || byte == '\b';
  if ((byte >= 0x20 && byte < 0x7f) || harmless) {
    out->push_back(static_cast<char>(byte));
    return;
  }
  out->push_back('^');
  out->push_back(static_cast<char>(byte ^ 0x40));  // ESC -> ^[, NUL -> ^@, DEL -> ^?
}

// The length of the UTF-8 sequence `lead` starts; 0 when it starts none (a stray
// continuation byte, an overlong C0/C1 lead, or past U+10FFFF).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

// Whether `byte` may follow `sequence` (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF).
bool Continues(const std::string& sequence, unsigned char byte) {
  unsigned char low = 0x80, high = 0xbf;
  if (sequence.size() == 1) {
    switch (static_cast<unsigned char>(sequence[0])) {
      case 0xe0: low = 0xa0; break;
      case 0xed: high = 0x9f; break;
      case 0xf0: low = 0x90; break;
      case 0xf4: high = 0x8f; break;
      default: break;
    }
  }
  return byte >= low && byte <= high;
}

bool IsC1Control(const std::string& sequence) {  // U+0080..U+009F
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xc2 &&
         static_cast<unsigned char>(sequence[1]) <= 0x9f;
}

}  // namespace

void TerminalFilter::Take(unsigned char byte, std::string* out) {
  if (!pending_.empty()) {
    if (Continues(pending_, byte)) {
      pending_.push_back(static_cast<char>(byte));
      if (pending_.size() < needed_) return;
      if (IsC1Control(pending_)) {
        for (char c : pending_) AppendHex(static_cast<unsigned char>(c), out);
      } else {
        out->append(pending_);
      }
      pending_.clear();
      return;
    }
    out->append(Flush());  // cut short: this byte starts afresh
  }
  if (byte < 0x80) {
    AppendAscii(byte, out);
  } else if (size_t length = SequenceLength(byte); length == 0) {
    AppendHex(byte, out);  // a raw C1 byte (0x9b is CSI on 8-bit terminals) among them
  } else {
    pending_.push_back(static_cast<char>(byte));
    needed_ = length;
  }
}

std::string TerminalFilter::Feed(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) Take(static_cast<unsigned char>(c), &out);
  return out;
}

std::string TerminalFilter::Flush() {
  std::string out;
  for (char c : pending_) AppendHex(static_cast<unsigned char>(c), &out);
  pending_.clear();
  return out;
}

}  // namespace umla::bridge
