#include "agent/core/fstab_text.h"

#include "common/strings.h"

namespace umla::agent {

bool FstabLine::IsMarker() const { return StartsWith(Trim(text), kOwnedMarker); }

FstabLine ParseFstabLine(std::string text) {
  FstabLine line;
  line.text = std::move(text);
  // A line no mount(8) would read either (DescribeUnreadableLines names it) is kept
  // byte for byte and never acted on.
  if (line.text.find('\0') != std::string::npos || line.text.size() > kMaxFstabLine) return line;
  std::string_view content = Trim(line.text);
  if (content.empty() || content[0] == '#') return line;
  std::vector<std::string_view> fields = SplitWhitespace(content);
  if (fields.size() < 3) return line;
  line.is_entry = true;
  for (std::string_view field : fields) line.fields.emplace_back(field);
  return line;
}

FstabFile ParseFstab(std::string_view text) {
  FstabFile file;
  if (text.empty()) return file;
  file.final_newline = text.back() == '\n';
  if (file.final_newline) text.remove_suffix(1);
  for (std::string_view line : Split(text, '\n'))
    file.lines.push_back(ParseFstabLine(std::string(line)));
  return file;
}

std::vector<std::string> DescribeUnreadableLines(const FstabFile& file, std::string_view path) {
  std::vector<std::string> messages;
  for (size_t i = 0; i < file.lines.size(); ++i) {
    const FstabLine& line = file.lines[i];
    std::string where = std::string(path) + ":" + std::to_string(i + 1) + ": ";
    if (line.text.find('\0') != std::string::npos) {
      messages.push_back(where + "contains a NUL byte; left as it is");
    } else if (line.text.size() > kMaxFstabLine) {
      messages.push_back(where + "longer than " + std::to_string(kMaxFstabLine) +
                         " bytes; left as it is");
    } else if (!line.is_entry && !Trim(line.text).empty() && Trim(line.text)[0] != '#') {
      messages.push_back(where + "not an fstab entry (" +
                         std::to_string(SplitWhitespace(line.text).size()) +
                         " fields, at least 3 needed); left as it is");
    }
  }
  return messages;
}

std::string RenderFstab(const FstabFile& file) {
  std::string text;
  for (size_t i = 0; i < file.lines.size(); ++i) {
    if (i > 0) text += '\n';
    text += file.lines[i].text;
  }
  if (!file.lines.empty() && file.final_newline) text += '\n';
  return text;
}

std::string ReplaceSpec(const FstabLine& line, std::string_view spec) {
  size_t begin = line.text.find_first_not_of(" \t");
  size_t end = line.text.find_first_of(" \t", begin);
  return line.text.substr(0, begin) + std::string(spec) + line.text.substr(end);
}

}  // namespace umla::agent
