#include "host-bridge/bake/init_file_edits.h"

#include <algorithm>

#include "common/strings.h"

namespace umla::bridge {

std::string AddDependTarget(std::string_view depend, const std::string& name,
                            const std::vector<std::string>& after, bool after_all,
                            const std::vector<std::string>& before) {
  std::vector<std::string> lines;
  std::vector<std::string> targets;
  for (std::string_view line : Split(depend, '\n')) lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const std::string& line : lines) {
    if (StartsWith(line, "TARGETS =")) {
      for (std::string_view target : SplitWhitespace(std::string_view(line).substr(9))) {
        targets.emplace_back(target);
      }
    }
  }
  if (std::find(targets.begin(), targets.end(), name) != targets.end()) return std::string(depend);
  auto known = [&](const std::string& target) {
    return std::find(targets.begin(), targets.end(), target) != targets.end();
  };
  std::string our_deps;
  for (const std::string& target : after_all ? targets : after) {
    if (known(target)) our_deps += " " + target;
  }
  std::string out;
  bool placed = false;
  for (std::string& line : lines) {
    if (StartsWith(line, "TARGETS =")) line += " " + name;
    size_t colon = line.find(':');
    if (colon != std::string::npos && !StartsWith(line, "TARGETS") &&
        std::find(before.begin(), before.end(), line.substr(0, colon)) != before.end()) {
      line += " " + name;
    }
    // Our own rule goes after the header lines (TARGETS, INTERACTIVE).
    if (!placed && colon != std::string::npos && line.find(" = ") == std::string::npos) {
      out += name + ":" + our_deps + "\n";
      placed = true;
    }
    out += line + "\n";
  }
  if (!placed) out += name + ":" + our_deps + "\n";
  return out;
}

std::string AddInittabLines(std::string_view inittab, std::string_view our_lines) {
  std::string sysinit, ready;
  for (std::string_view line : Split(our_lines, '\n')) {
    if (line.find(":sysinit:") != std::string_view::npos && !StartsWith(line, "#")) sysinit = line;
    if (line.find(":once:") != std::string_view::npos && !StartsWith(line, "#")) ready = line;
  }
  std::string out;
  bool has_sysinit = false, has_ready = false, placed = false;
  for (std::string_view line : Split(inittab, '\n')) {
    has_sysinit = has_sysinit || line == sysinit;
    has_ready = has_ready || line == ready;
  }
  std::vector<std::string_view> lines = Split(inittab, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::string_view line : lines) {
    std::vector<std::string_view> fields = Split(line, ':');
    bool is_sysinit = !StartsWith(Trim(line), "#") && fields.size() >= 4 && fields[2] == "sysinit";
    if (!has_sysinit && !placed && is_sysinit) {
      out += sysinit + "\n";
      placed = true;
    }
    out += std::string(line) + "\n";
  }
  if (!has_sysinit && !placed) out = sysinit + "\n" + out;
  if (!has_ready) out += ready + "\n";
  return out;
}

}  // namespace umla::bridge
