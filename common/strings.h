// Pure string helpers used by the parsers on both sides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace umla {

std::string_view Trim(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
// Splits on any run of spaces and tabs; no empty fields.
std::vector<std::string_view> SplitWhitespace(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char separator);
// Whole-string unsigned decimal parse; nullopt on any other character or overflow.
std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max = UINT64_MAX);
// Replaces control bytes and non-ASCII with '?' and caps the length, so text that came
// from a guest can be shown on a host terminal or in a log without escape sequences.
std::string SanitizeForTerminal(std::string_view text, size_t max_length = 512);

}  // namespace umla
