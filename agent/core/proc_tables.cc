#include "agent/core/proc_tables.h"

#include <cstdio>

#include "common/strings.h"

namespace umla::agent {

std::optional<DevNumbers> ParseDevNumbers(std::string_view text) {
  std::vector<std::string_view> parts = Split(Trim(text), ':');
  if (parts.size() != 2) return std::nullopt;
  auto major = ParseUnsigned(parts[0], UINT32_MAX);
  auto minor = ParseUnsigned(parts[1], UINT32_MAX);
  if (!major || !minor) return std::nullopt;
  return DevNumbers{static_cast<uint32_t>(*major), static_cast<uint32_t>(*minor)};
}

std::vector<BlockDeviceInfo> ParseProcPartitions(std::string_view text) {
  std::vector<BlockDeviceInfo> devices;
  for (std::string_view line : Split(text, '\n')) {
    std::vector<std::string_view> fields = SplitWhitespace(line);
    if (fields.size() != 4) continue;  // the header has 4 words too, but not numbers
    auto major = ParseUnsigned(fields[0], UINT32_MAX);
    auto minor = ParseUnsigned(fields[1], UINT32_MAX);
    if (!major || !minor) continue;
    devices.push_back(
        {std::string(fields[3]), static_cast<uint32_t>(*major), static_cast<uint32_t>(*minor)});
  }
  return devices;
}

std::vector<std::string> ParseProcSwaps(std::string_view text) {
  std::vector<std::string> devices;
  bool header = true;
  for (std::string_view line : Split(text, '\n')) {
    if (header) {  // "Filename Type Size Used Priority"
      header = false;
      continue;
    }
    std::vector<std::string_view> fields = SplitWhitespace(line);
    if (fields.size() >= 2) devices.push_back(DecodeOctalEscapes(fields[0]));
  }
  return devices;
}

std::vector<MountEntry> ParseProcMounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  for (std::string_view line : Split(text, '\n')) {
    std::vector<std::string_view> fields = SplitWhitespace(line);
    if (fields.size() < 3) continue;
    mounts.push_back({DecodeOctalEscapes(fields[0]), DecodeOctalEscapes(fields[1]),
                      DecodeOctalEscapes(fields[2]),
                      fields.size() > 3 ? std::string(fields[3]) : std::string()});
  }
  return mounts;
}

std::string FormatProcMountsLine(const MountEntry& entry) {
  return EncodeOctalEscapes(entry.source) + " " + EncodeOctalEscapes(entry.target) + " " +
         EncodeOctalEscapes(entry.type) + " " + (entry.options.empty() ? "rw" : entry.options) +
         " 0 0\n";
}

std::string DecodeOctalEscapes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto octal = [&](size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '7'; };
    if (text[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      int value = (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
      if (value < 256) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string EncodeOctalEscapes(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%03o", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace umla::agent
