// /etc/fstab as lines, parsed so that rendering an unchanged file gives back every
// byte: comments, blank lines, spacing, unknown lines and a missing final newline.
// Pure: text in, struct out; struct out, text back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace umla::agent {

// Lines the agent wrote carry this comment on the line right above them, e.g.
//   # uml-agent: swap on /dev/ubdb (was /dev/ubd/2)
//   /dev/ubdb none swap sw 0 0
// (a comment line because mount(8) implementations differ on trailing comments).
inline constexpr std::string_view kOwnedMarker = "# uml-agent:";

struct FstabLine {
  std::string text;                 // the line without its '\n'
  bool is_entry = false;            // not a comment, blank or a line of < 3 fields
  std::vector<std::string> fields;  // as written (octal escapes kept); entries only

  const std::string& spec() const { return fields[0]; }
  const std::string& file() const { return fields[1]; }
  const std::string& type() const { return fields[2]; }
  bool IsMarker() const;  // starts with kOwnedMarker
};

struct FstabFile {
  std::vector<FstabLine> lines;
  bool final_newline = true;  // false only for a non-empty file not ending in '\n'
};

FstabLine ParseFstabLine(std::string text);
FstabFile ParseFstab(std::string_view text);
std::string RenderFstab(const FstabFile& file);

// One message per line the agent cannot read as an entry (fewer than 3 fields, a NUL
// byte, longer than kMaxFstabLine), naming "<path>:<line number>". Such lines are
// kept byte for byte; the messages only tell the user why they were not considered.
inline constexpr size_t kMaxFstabLine = 4096;
std::vector<std::string> DescribeUnreadableLines(const FstabFile& file, std::string_view path);

// The line with its first field replaced, all spacing kept ("/dev/ubd/2\tnone..."
// -> "/dev/ubdb\tnone...").
std::string ReplaceSpec(const FstabLine& line, std::string_view spec);

}  // namespace umla::agent
