#include "host-bridge/bake/change_lines.h"

#include "common/strings.h"

namespace umla::bridge {

void ChangeLines::Flush(const Status& committed) {
  std::string held = held_.str();
  held_.str("");
  for (std::string_view line : Split(held, '\n')) {
    if (line.empty()) continue;
    bool change = StartsWith(line, "+ ") || StartsWith(line, "~ ") || StartsWith(line, "- ");
    out_ << (change && !committed.ok() ? "planned: " : "") << line << "\n";
  }
}

}  // namespace umla::bridge
