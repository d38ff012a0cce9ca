#include "host-bridge/bake/debugfs_script.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/strings.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/bake/run_capture.h"

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
  return DebugfsProblems(status, err);
}

}  // namespace

std::string DebugfsProblems(int status, std::string_view err) {
  std::string problems;
  size_t count = 0;
  for (std::string_view line : Split(err, '\n')) {
    // Its banner and notes; a bad superblock checksum is retried, and the read goes on.
    if (line.empty() || StartsWith(line, "debugfs ") || StartsWith(line, "Allocated inode") ||
        StartsWith(line, "Checksum errors in superblock!"))
      continue;
    // The first errors say why; the rest are mostly the commands that followed them.
    if (++count <= 5) problems += "\n  " + std::string(line);
  }
  if (count > 5) problems += "\n  (and " + std::to_string(count - 5) + " more lines)";
  if (status == kCaptureNotStarted) {
    problems += "\n  debugfs not found (install e2fsprogs)";
  } else if (status == kCaptureCannotRun) {
    problems += "\n  debugfs could not be run (no temporary file, pipe or process)";
  } else if (status != 0) {
    problems += "\n  (debugfs exit status " + std::to_string(status) + ")";
  }
  return problems;
}

void DebugfsScript::MakeDirectory(const std::string& path) {
  Add add;
  add.path = add.at = path;
  add.directory = true;
  adds_.push_back(std::move(add));
}

void DebugfsScript::Write(const std::string& source, const std::string& path, uint32_t mode,
                          bool replace, bool leftover) {
  char octal[16];
  std::snprintf(octal, sizeof octal, "0100%03o", mode & 07777);
  Add& add = Slot(path, replace, leftover);
  add.commands = "write " + source + " " + add.at + "\n" + Owner(add.at, octal);
}

void DebugfsScript::Symlink(const std::string& path, const std::string& target, bool replace,
                            bool leftover) {
  Add& add = Slot(path, replace, leftover);
  add.commands = "symlink " + add.at + " " + target + "\n";
}

DebugfsScript::Add& DebugfsScript::Slot(const std::string& path, bool replace, bool leftover) {
  DropRemoval(path);
  auto queued = std::find_if(adds_.begin(), adds_.end(),
                             [&](const Add& add) { return !add.directory && add.path == path; });
  // Whether the path exists in the image was known at the first call (a later one
  // sees the queued write as existing).
  if (queued == adds_.end()) {
    Add add;
    add.path = path;
    add.at = replace ? TempNameFor(path) : path;
    add.leftover = replace && leftover;
    adds_.push_back(std::move(add));
    // A leftover not used as the temporary name is in the way of nothing: it goes last.
    if (leftover && !replace) RemoveLeftover(path);
    queued = adds_.end() - 1;
  }
  if (Replaces(*queued)) DropRemoval(queued->at);  // removed after the moves anyway
  return *queued;
}

void DebugfsScript::DropRemoval(const std::string& path) {
  std::string removal = "rm " + path + "\n";
  removals_.erase(std::remove(removals_.begin(), removals_.end(), removal), removals_.end());
}

void DebugfsScript::Remove(const std::string& path) { QueueRemoval("rm " + path + "\n"); }

void DebugfsScript::RemoveLeftover(const std::string& path) {
  bool in_use = std::any_of(adds_.begin(), adds_.end(),
                            [&](const Add& add) { return add.path == path && Replaces(add); });
  if (!in_use) QueueRemoval("rm " + TempNameFor(path) + "\n");
}

void DebugfsScript::RemoveDirectory(const std::string& path) {
  QueueRemoval("rmdir " + path + "\n");
}

// Once: a second `rm` of a path would fail, and fail the third run.
void DebugfsScript::QueueRemoval(const std::string& command) {
  if (std::find(removals_.begin(), removals_.end(), command) == removals_.end())
    removals_.push_back(command);
}

std::string DebugfsScript::adds() const {
  std::string all;
  for (const Add& add : adds_) {
    if (add.directory) {
      all += "mkdir " + add.path + "\n" + Owner(add.path, "040755");
      continue;
    }
    if (add.leftover) all += "rm " + add.at + "\n";
    all += add.commands;
  }
  return all;
}

std::string DebugfsScript::moves() const {
  std::string all;
  for (const Add& add : adds_) {
    if (!Replaces(add)) continue;
    // After a failed `ln` the path is missing and `sif` fails too: the temporary
    // name stays the file's one name, with its count of one.
    all += "rm " + add.path + "\nln " + add.at + " " + add.path + "\nsif " + add.path +
           " links_count 2\n";
  }
  return all;
}

std::string DebugfsScript::removals() const {
  std::string all;
  for (const Add& add : adds_) {
    if (Replaces(add)) all += "rm " + add.at + "\n";  // the count goes back to one
  }
  for (const std::string& command : removals_) all += command;
  return all;
}

std::string DebugfsScript::Undo() const {
  std::string all;
  // A failed write may leave a partial file: the undo removes it too.
  for (auto it = adds_.rbegin(); it != adds_.rend(); ++it) {
    all += (it->directory ? "rmdir " : "rm ") + it->at + "\n";
  }
  return all;
}

Status DebugfsScript::Run(const std::string& image, const std::string& scratch,
                          const CommandRunner& run) {
  std::string adds = this->adds(), moves = this->moves(), removals = this->removals();
  std::string undo = Undo(), kept;
  for (const Add& add : adds_) {
    if (Replaces(add)) kept += "\n  " + add.at + " (the new " + add.path + ")";
  }
  adds_.clear();
  removals_.clear();
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
      // Which `ln` failed is not known: every new file keeps its temporary name.
      return Status::Error(
          "debugfs -w " + image + " failed moving the new files in:" + problems +
          "\nthe image is partly changed, and consistent: run the same uml-bridge bake command "
          "again to finish the change,\nor `uml-bridge bake --uninstall` to undo what the "
          "manifest lists. Nothing was removed; the new files\nare also kept under their "
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
