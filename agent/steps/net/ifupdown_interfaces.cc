#include "agent/steps/net/ifupdown_interfaces.h"

#include <vector>

#include "agent/steps/net/persistent_files.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

// Lines of the image's own stanza for the interface are kept, commented out with this.
constexpr std::string_view kDisabledPrefix = "#uml-agent: ";
constexpr std::string_view kSourceComment =
    "# Added by uml-agent: read the interface files in interfaces.d";

std::string SourceLine() { return std::string("source ") + kIfupdownPartsDir + "/*"; }

// The lines of `text`, without the empty one after its last newline.
std::vector<std::string_view> Lines(std::string_view text) {
  if (text.empty()) return {};
  if (text.back() == '\n') text.remove_suffix(1);
  return Split(text, '\n');
}

// The words of a line, its comment left out.
std::vector<std::string_view> Words(std::string_view line) {
  return SplitWhitespace(line.substr(0, line.find('#')));
}

// `auto` and `allow-*` lines list interfaces to bring up.
bool ListsInterfaces(const std::vector<std::string_view>& words) {
  return !words.empty() && (words[0] == "auto" || StartsWith(words[0], "allow-"));
}

// What is left of such a line without `iface`: the keyword alone when it named only that.
std::string Without(const std::vector<std::string_view>& words, std::string_view iface) {
  std::string kept(words[0]);
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i] != iface) kept += " " + std::string(words[i]);
  }
  return kept;
}

}  // namespace

std::string AdaptIfupdownInterfaces(std::string_view current, const std::string& iface) {
  std::string restored = current.empty() ? "auto lo\niface lo inet loopback\n"
                                         : RestoreIfupdownInterfaces(current, false);
  std::string out;
  bool sources_parts = false;
  bool in_our_stanza = false;
  for (std::string_view line : Lines(restored)) {
    auto words = Words(line);
    std::string_view keyword = words.empty() ? "" : words[0];
    bool stanza_start = keyword == "iface" || keyword == "mapping" || ListsInterfaces(words) ||
                        StartsWith(keyword, "source");
    if (stanza_start) in_our_stanza = keyword == "iface" && words.size() > 1 && words[1] == iface;
    if (StartsWith(keyword, "source") && line.find("interfaces.d") != std::string_view::npos) {
      sources_parts = true;
    }
    if (in_our_stanza && !words.empty()) {  // blank and comment lines are nobody's
      out += std::string(kDisabledPrefix) + std::string(line) + "\n";
      continue;
    }
    bool names_iface = false;
    for (size_t i = 1; i < words.size(); ++i) names_iface = names_iface || words[i] == iface;
    if (ListsInterfaces(words) && names_iface) {
      std::string kept = Without(words, iface);
      out += std::string(kDisabledPrefix) + std::string(line) + "\n";
      if (kept != keyword) out += kept + "\n";
      continue;
    }
    out += std::string(line) + "\n";
  }
  if (!sources_parts) out += "\n" + std::string(kSourceComment) + "\n" + SourceLine() + "\n";
  return out;
}

std::string RestoreIfupdownInterfaces(std::string_view current, bool drop_source_line) {
  std::vector<std::string_view> lines = Lines(current);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    bool has_next = i + 1 < lines.size();
    if (drop_source_line && line == kSourceComment && has_next && lines[i + 1] == SourceLine()) {
      // The blank line Adapt put before the comment goes with it.
      if (out.size() >= 2 && out.compare(out.size() - 2, 2, "\n\n") == 0) out.pop_back();
      ++i;
      continue;
    }
    if (!StartsWith(line, kDisabledPrefix)) {
      out += std::string(line) + "\n";
      continue;
    }
    std::string_view original = line.substr(kDisabledPrefix.size());
    out += std::string(original) + "\n";
    // Adapt wrote what it kept of an auto or allow-* line right after it: that goes.
    auto words = Words(original);
    if (!has_next || !ListsInterfaces(words)) continue;
    for (size_t w = 1; w < words.size(); ++w) {
      std::string kept = Without(words, words[w]);
      if (kept != words[0] && lines[i + 1] == kept) {
        ++i;
        break;
      }
    }
  }
  return out;
}

}  // namespace umla::agent
