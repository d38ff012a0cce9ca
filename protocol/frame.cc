#include "protocol/frame.h"

#include <cstdio>

#include "protocol/crc32.h"

namespace umla::protocol {
namespace {

std::optional<uint32_t> ParseHex8(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    uint32_t digit;
    if (c >= '0' && c <= '9') digit = static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<uint32_t>(c - 'a' + 10);
    else return std::nullopt;
    value = (value << 4) | digit;
  }
  return value;
}

// Finds "UMLA<digits> " in the line; returns the marker position or npos.
size_t FindMarker(std::string_view line, int* version, size_t* after) {
  size_t pos = 0;
  while ((pos = line.find(kMarker, pos)) != std::string_view::npos) {
    size_t i = pos + kMarker.size();
    int v = 0;
    size_t digits = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9' && digits < 4) {
      v = v * 10 + (line[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 0 && i < line.size() && line[i] == ' ') {
      *version = v;
      *after = i + 1;
      return pos;
    }
    pos += kMarker.size();
  }
  return std::string_view::npos;
}

}  // namespace

std::string EncodeFrame(std::string_view json_payload) {
  char header[32];
  std::snprintf(header, sizeof header, "%.*s%d %08x ", static_cast<int>(kMarker.size()),
                kMarker.data(), kProtocolVersion, Crc32(json_payload));
  std::string frame(header);
  frame.append(json_payload);
  frame += '\n';
  return frame;
}

DecodedLine DecodeLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  int version = 0;
  size_t after = 0;
  if (FindMarker(line, &version, &after) == std::string_view::npos) {
    return {LineKind::kNoise, std::string(line.substr(0, kMaxNoiseText)), 0};
  }
  if (version != kProtocolVersion) return {LineKind::kVersionMismatch, {}, version};
  std::string_view rest = line.substr(after);
  if (rest.size() < 10 || rest[8] != ' ') return {LineKind::kCorrupt, {}, version};
  std::optional<uint32_t> crc = ParseHex8(rest.substr(0, 8));
  std::string_view payload = rest.substr(9);
  if (!crc || *crc != Crc32(payload)) return {LineKind::kCorrupt, {}, version};
  return {LineKind::kFrame, std::string(payload), version};
}

void FrameReader::Feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      EndLine();
      continue;
    }
    if (overflowing_) continue;
    if (line_.size() >= kMaxFrameLine) {
      overflowing_ = true;
      line_.clear();
      line_.shrink_to_fit();
      continue;
    }
    line_ += c;
  }
}

void FrameReader::Finish() {
  if (!line_.empty() || overflowing_) EndLine();
}

void FrameReader::EndLine() {
  if (overflowing_) {
    Push({LineKind::kOversize, {}, 0});
  } else {
    Push(DecodeLine(line_));
  }
  overflowing_ = false;
  line_.clear();
}

void FrameReader::Push(DecodedLine decoded) {
  if (pending_.size() >= max_pending_) {
    // Keep frames over noise when the consumer falls behind.
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->kind != LineKind::kFrame) {
        pending_.erase(it);
        break;
      }
    }
    if (pending_.size() >= max_pending_) pending_.pop_front();
  }
  pending_.push_back(std::move(decoded));
}

std::optional<DecodedLine> FrameReader::Next() {
  if (pending_.empty()) return std::nullopt;
  DecodedLine front = std::move(pending_.front());
  pending_.pop_front();
  return front;
}

}  // namespace umla::protocol
