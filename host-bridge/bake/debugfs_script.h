// The changes bake makes to an image, as commands for two `debugfs -w -f` runs.
// debugfs goes on after a failed command: with one run, a full image fails the
// `write` of a replacement and the `rm` of the original still runs. So the first run
// only adds: directories, new files and links, and each replacement under a temporary
// name; when it reports any error, what it made is removed again and the second run
// does not happen (nothing in the image was replaced or removed). The second run only
// moves the replacements in (rm the old; ln + unlink the new: debugfs has no rename,
// and neither ln nor unlink touches the link count, so the pair moves the name) and
// removes; it needs no new blocks (the new name takes the freed entry's place).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

// Runs a program: argv, stdout, stderr (either may be null) -> exit status.
using CommandRunner =
    std::function<int(const std::vector<std::string>&, std::string*, std::string*)>;

class DebugfsScript {
 public:
  // Paths are resolved image paths that SafeForDebugfs accepts. `replace`: the path
  // exists (it is replaced through a temporary name); `leftover`: that temporary
  // name exists already (an interrupted bake's, removed first).
  void MakeDirectory(const std::string& path);
  void Write(const std::string& source, const std::string& path, uint32_t mode, bool replace,
             bool leftover);
  void Symlink(const std::string& path, const std::string& target, bool replace, bool leftover);
  void Remove(const std::string& path);
  void RemoveDirectory(const std::string& path);
  bool empty() const { return adds_.empty() && moves_.empty(); }

  // Both runs on `image` (command files in `scratch`); clears the script.
  Status Run(const std::string& image, const std::string& scratch, const CommandRunner& run);

  const std::string& adds() const { return adds_; }
  const std::string& moves() const { return moves_; }

 private:
  std::string adds_;               // first run
  std::string moves_;              // second run
  std::vector<std::string> undo_;  // removes what the first run made, in reverse order
};

// The temporary name a replacement of `path` is written under.
std::string TempNameFor(const std::string& path);

// debugfs's error lines in `err` (its banner and "Allocated inode" notes are not).
std::string DebugfsProblems(std::string_view err);

}  // namespace umla::bridge
