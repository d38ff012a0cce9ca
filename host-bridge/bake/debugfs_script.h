// The changes bake makes to an image, as commands for up to three `debugfs -w -f`
// runs. debugfs goes on after a failed command: with one run, a full image fails the
// `write` of a replacement and the `rm` of the original still runs. So the first run
// only adds: directories, new files and links, and each replacement under a temporary
// name; when it reports any error, what it made is removed again and no other run
// happens (nothing in the image was replaced or removed). The second run only moves
// the replacements in (rm the old; ln the new: debugfs has no rename); it needs no new
// blocks (the new name takes the freed entry's place). `ln` leaves the link count
// alone, so each moved-in file's count is set to its two names right after: a run that
// stops part-way leaves a consistent file system, whose temporary names a later `rm`
// (of a leftover, by --uninstall or a bake run again) removes safely. The third run
// removes the temporary names and makes the removals. It runs only when the second
// reported no error: a removal (the backup of a restored file, say) could take the
// last copy of something.
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
  // exists (it is replaced through TempNameFor(path), root_tree.h); `leftover`: that
  // temporary name exists already (an interrupted bake's): removed first when it is
  // used, else in the third run.
  void MakeDirectory(const std::string& path);
  // A second write or link of the same path before Run() replaces the queued one (the
  // last wins) in its place: one temporary name per path, whose first `replace` and
  // `leftover` stay true. Either drops a queued removal of the path: the second run's
  // `rm` removes the original, and a later one would remove the new file.
  void Write(const std::string& source, const std::string& path, uint32_t mode, bool replace,
             bool leftover);
  void Symlink(const std::string& path, const std::string& target, bool replace, bool leftover);
  void Remove(const std::string& path);
  // A leftover temporary name of `path` that no queued replacement uses goes in the
  // third run.
  void RemoveLeftover(const std::string& path);
  void RemoveDirectory(const std::string& path);
  bool empty() const { return adds_.empty() && removals_.empty(); }

  // The runs on `image` (command files in `scratch`); clears the script.
  Status Run(const std::string& image, const std::string& scratch, const CommandRunner& run);

  std::string adds() const;
  std::string moves() const;
  std::string removals() const;

 private:
  // What the first run makes, in the order queued (directories before their files).
  struct Add {
    std::string path;
    std::string at;  // where the first run makes it: `path`, or its temporary name
    bool directory = false;
    bool leftover = false;  // `at` is a leftover temporary name, removed first
    std::string commands;   // a file's or link's write or symlink (and sif) lines
  };
  // The entry for a file or link at `path`: the one queued already, else a new one.
  Add& Slot(const std::string& path, bool replace, bool leftover);
  void QueueRemoval(const std::string& command);
  void DropRemoval(const std::string& path);
  std::string Undo() const;  // removes what the first run made, in reverse order
  bool Replaces(const Add& add) const { return add.at != add.path; }

  std::vector<Add> adds_;
  std::vector<std::string> removals_;  // third run, after the temporary names
};

// debugfs's error lines in `err` (its banner, its "Allocated inode" notes and a retried
// superblock checksum are not), and its exit status when not 0; "" when all went well.
std::string DebugfsProblems(int status, std::string_view err);

}  // namespace umla::bridge
