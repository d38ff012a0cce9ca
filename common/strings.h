// Pure string helpers used by the parsers on both sides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace umla {

std::string_view Trim(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
// Splits on any run of spaces and tabs; no empty fields. The views point into `text`:
// keep the string alive while they are used.
std::vector<std::string_view> SplitWhitespace(std::string_view text);
// Splits on every `separator` (empty fields kept); views into `text` like above.
std::vector<std::string_view> Split(std::string_view text, char separator);
// `value` as a person writes it: 2, 0.5, 120 (printf's %g).
std::string ShortNumber(double value);
// Absolute, no NUL byte, no ".." component: a path that stays where it says.
bool IsPlainAbsolutePath(std::string_view path);

// A temporary std::string would die at the end of the call and leave the views
// dangling: such calls do not compile. Name the string first. (Templates, so that a
// string literal still picks the string_view overloads instead of being ambiguous.)
template <typename S, typename = std::enable_if_t<std::is_same_v<S, std::string>>>
std::vector<std::string_view> SplitWhitespace(S&& temporary) = delete;
template <typename S, typename = std::enable_if_t<std::is_same_v<S, std::string>>>
std::vector<std::string_view> Split(S&& temporary, char separator) = delete;

// Whole-string unsigned decimal parse; nullopt on any other character or overflow.
std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max = UINT64_MAX);
// Replaces control bytes and non-ASCII with '?' and caps the length, so text that came
// from a guest can be shown on a host terminal or in a log without escape sequences.
std::string SanitizeForTerminal(std::string_view text, size_t max_length = 512);

}  // namespace umla
