// Framing of agent events on a console line that also carries noise.
//
// One frame is one line:   UMLA<version> <crc32 as 8 lowercase hex> <json>\n
// The marker may be preceded by noise on the same line (echo, kernel messages); a
// trailing \r is ignored. The CRC covers exactly the JSON bytes. docs/protocol.md
// is the reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace umla::protocol {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::string_view kMarker = "UMLA";
// A frame line longer than this is noise: the reader drops it without buffering it.
inline constexpr size_t kMaxFrameLine = 16 * 1024;
// Noise lines are kept only this long (they are shown, never parsed).
inline constexpr size_t kMaxNoiseText = 256;

// Returns the full frame line (with the trailing newline) for a JSON payload.
// The payload must not contain a newline (nlohmann's dump() never emits one).
std::string EncodeFrame(std::string_view json_payload);

// What the reader found on one line.
enum class LineKind {
  kNoise,            // no marker: console text
  kFrame,            // a valid frame; payload() holds the JSON text
  kCorrupt,          // marker present, but CRC, hex or layout wrong, or cut short
  kVersionMismatch,  // marker of a protocol version this reader does not speak
  kOversize,         // line longer than kMaxFrameLine, dropped unread
};

struct DecodedLine {
  LineKind kind = LineKind::kNoise;
  std::string text;  // the JSON payload for kFrame; the line itself for kNoise
  int version = 0;   // for kVersionMismatch
};

// Classifies one line (without its newline). Pure; never throws.
DecodedLine DecodeLine(std::string_view line);

// Incremental reader: feed it bytes as they arrive, take decoded lines out.
// Memory is bounded: a line over kMaxFrameLine is dropped as it streams in, and at
// most `max_pending` decoded lines are queued (older noise is dropped first).
class FrameReader {
 public:
  explicit FrameReader(size_t max_pending = 256) : max_pending_(max_pending) {}
  void Feed(std::string_view bytes);
  // Treats buffered bytes without a newline as a final (cut) line.
  void Finish();
  std::optional<DecodedLine> Next();
  size_t buffered_bytes() const { return line_.size(); }

 private:
  void EndLine();
  void Push(DecodedLine decoded);

  std::string line_;
  bool overflowing_ = false;
  size_t max_pending_;
  std::deque<DecodedLine> pending_;
};

}  // namespace umla::protocol
