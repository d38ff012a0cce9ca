#include "agent/commands/state_file.h"

#include <spdlog/spdlog.h>

namespace umla::agent {

namespace {

// The state `parse` makes of the file at `path` (as `read` reads it), if it is of the
// boot `boot_id`.
std::optional<BootState> LoadOfBoot(const PathReader& read, const char* path,
                                    const std::string& boot_id,
                                    Result<BootState> (*parse)(std::string_view, const std::string&)) {
  Result<std::optional<std::string>> text = read(path);
  if (!text.ok()) {
    spdlog::warn("{}", text.status().message());
    return std::nullopt;
  }
  if (!*text) return std::nullopt;
  Result<BootState> state = parse(**text, path);
  if (!state.ok()) {
    spdlog::warn("{}", state.status().message());
    return std::nullopt;
  }
  if (state->hello.boot_id != boot_id) return std::nullopt;
  return *state;
}

// The later run's: a report (ready sent) of the run the state file describes, or of a
// run after it, makes the state file out of date; a state file of a run after the
// report (one that stopped before its ready) is the boot's state.
std::optional<BootState> LoadLater(const PathReader& read, const std::string& boot_id) {
  std::optional<BootState> unfinished = LoadOfBoot(read, kStatePath, boot_id, ParseBootState);
  std::optional<BootState> finished = LoadOfBoot(read, kReportPath, boot_id, ParseReportAsBootState);
  if (finished && (!unfinished || finished->start_us >= unfinished->start_us)) return finished;
  return unfinished;
}

}  // namespace

std::optional<BootState> LoadBootState(FileSystem& files, const std::string& boot_id,
                                       const PathReader& below_mounts) {
  std::optional<BootState> state = LoadLater(
      [&files](const std::string& path) { return files.ReadFileIfPresent(path); }, boot_id);
  if (state || !below_mounts) return state;
  state = LoadLater(below_mounts, boot_id);
  if (state) {
    spdlog::info("this boot's state was hidden by a filesystem mounted after the fixups ran; "
                 "read it below that mount");
  }
  return state;
}

void SaveBootState(FileSystem& files, const protocol::Hello& hello, const BootRunner& runner) {
  BootState state;
  state.hello = hello;
  state.next_seq = runner.next_seq();
  state.start_us = runner.start_us();
  state.steps = runner.results();
  Status written = files.WriteRunFile(kStatePath, RenderBootState(state));
  if (!written.ok()) spdlog::warn("keeping the boot state: {}", written.message());
}

}  // namespace umla::agent
