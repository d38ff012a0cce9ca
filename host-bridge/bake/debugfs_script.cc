#include "host-bridge/bake/debugfs_script.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/strings.h"

namespace umla::bridge {
namespace {

std::string Owner(const std::string& path, const char* mode) {
  return "sif " + path + " mode " + mode + "\nsif " + path + " uid 0\nsif " + path + " gid 0\n";
}

// Runs `commands`; the error lines, or "" when there were none.
std::string RunCommands(const std::string& image, const std::string& file,
                        const std::string& commands, const CommandRunner& run) {
  std::ofstream(file) << commands;
  std::string err;
  int status = run({"debugfs", "-w", "-f", file, image}, nullptr, &err);
  std::string problems = DebugfsProblems(err);
  if (status != 0) problems += "\n  (debugfs exit status " + std::to_string(status) + ")";
  return problems;
}

}  // namespace

std::string TempNameFor(const std::string& path) { return path + ".uml-bridge.tmp"; }

std::string DebugfsProblems(std::string_view err) {
  std::string problems;
  size_t count = 0;
  for (std::string_view line : Split(err, '\n')) {
    if (line.empty() || StartsWith(line, "debugfs ") || StartsWith(line, "Allocated inode"))
      continue;
    // The first errors say why; the rest are mostly the commands that followed them.
    if (++count <= 5) problems += "\n  " + std::string(line);
  }
  if (count > 5) problems += "\n  (and " + std::to_string(count - 5) + " more lines)";
  return problems;
}

void DebugfsScript::MakeDirectory(const std::string& path) {
  adds_ += "mkdir " + path + "\n" + Owner(path, "040755");
  undo_.push_back("rmdir " + path + "\n");
}

void DebugfsScript::Write(const std::string& source, const std::string& path, uint32_t mode,
                          bool replace, bool leftover) {
  char octal[16];
  std::snprintf(octal, sizeof octal, "0100%03o", mode & 07777);
  std::string at = replace ? TempNameFor(path) : path;
  if (replace && leftover) adds_ += "rm " + at + "\n";
  adds_ += "write " + source + " " + at + "\n" + Owner(at, octal);
  // A failed write may leave a partial file: the undo removes it too.
  undo_.push_back("rm " + at + "\n");
  if (replace) Replace(path, at);
}

void DebugfsScript::Symlink(const std::string& path, const std::string& target, bool replace,
                            bool leftover) {
  std::string at = replace ? TempNameFor(path) : path;
  if (replace && leftover) adds_ += "rm " + at + "\n";
  adds_ += "symlink " + at + " " + target + "\n";
  undo_.push_back("rm " + at + "\n");
  if (replace) Replace(path, at);
}

void DebugfsScript::Replace(const std::string& path, const std::string& temp) {
  std::string removal = "rm " + path + "\n";
  removals_.erase(std::remove(removals_.begin(), removals_.end(), removal), removals_.end());
  moves_ += removal + "ln " + temp + " " + path + "\n";
  removals_.push_back("unlink " + temp + "\n");
  temps_.push_back(temp + " (the new " + path + ")");
}

void DebugfsScript::Remove(const std::string& path) { removals_.push_back("rm " + path + "\n"); }

void DebugfsScript::RemoveDirectory(const std::string& path) {
  removals_.push_back("rmdir " + path + "\n");
}

std::string DebugfsScript::removals() const {
  std::string all;
  for (const std::string& command : removals_) all += command;
  return all;
}

Status DebugfsScript::Run(const std::string& image, const std::string& scratch,
                          const CommandRunner& run) {
  std::string adds = std::move(adds_), moves = std::move(moves_), removals = this->removals();
  std::string undo;
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) undo += *it;
  std::vector<std::string> temps = std::move(temps_);
  adds_.clear();
  moves_.clear();
  removals_.clear();
  undo_.clear();
  temps_.clear();
  if (!adds.empty()) {
    std::string problems = RunCommands(image, scratch + "/adds", adds, run);
    if (!problems.empty()) {
      std::string undone = RunCommands(image, scratch + "/undo", undo, run), left;
      // What the failure kept from being made is not there to remove.
      for (std::string_view line : Split(undone, '\n')) {
        if (!line.empty() && line.find("File not found") == std::string_view::npos)
          left += "\n" + std::string(line);
      }
      return Status::Error(
          "debugfs -w " + image + " could not add the new files:" + problems +
          (left.empty() ? "\nnothing in the image was replaced or removed, and what was added "
                          "is removed again"
                        : "\nnothing in the image was replaced or removed; removing what was "
                          "added failed too:" +
                              left));
    }
  }
  if (!moves.empty()) {
    std::string problems = RunCommands(image, scratch + "/moves", moves, run);
    if (!problems.empty()) {
      // Which `ln` failed is not known: every new file stays under its temporary name
      // (a name left twice is what e2fsck repairs; a file with no name is lost).
      std::string kept;
      for (const std::string& temp : temps) kept += "\n  " + temp;
      return Status::Error("debugfs -w " + image + " failed moving the new files in:" +
                           problems +
                           "\nnothing was removed; the new files are kept under their "
                           "temporary names (an original may be gone already):" +
                           kept);
    }
  }
  if (!removals.empty()) {
    std::string problems = RunCommands(image, scratch + "/removals", removals, run);
    if (!problems.empty())
      return Status::Error("debugfs -w " + image + " failed removing files:" + problems);
  }
  return Status::Ok();
}

}  // namespace umla::bridge
