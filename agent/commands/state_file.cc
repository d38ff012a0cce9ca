#include "agent/commands/state_file.h"

#include <spdlog/spdlog.h>

namespace umla::agent {

namespace {

// The state `parse` makes of the file at `path`, if it is of the boot `boot_id`.
std::optional<BootState> LoadOfBoot(FileSystem& files, const char* path, const std::string& boot_id,
                                    Result<BootState> (*parse)(std::string_view, const std::string&)) {
  Result<std::optional<std::string>> text = files.ReadFileIfPresent(path);
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

}  // namespace

std::optional<BootState> LoadBootState(FileSystem& files, const std::string& boot_id) {
  // The later run's: a report (ready sent) of the run the state file describes, or of
  // a run after it, makes the state file out of date; a state file of a run after the
  // report (one that stopped before its ready) is the boot's state.
  std::optional<BootState> unfinished = LoadOfBoot(files, kStatePath, boot_id, ParseBootState);
  std::optional<BootState> finished = LoadOfBoot(files, kReportPath, boot_id, ParseReportAsBootState);
  if (finished && (!unfinished || finished->start_us >= unfinished->start_us)) return finished;
  return unfinished;
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
