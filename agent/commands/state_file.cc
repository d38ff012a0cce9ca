#include "agent/commands/state_file.h"

#include <spdlog/spdlog.h>

namespace umla::agent {

std::optional<BootState> LoadBootState(FileSystem& files, const std::string& boot_id) {
  Result<std::optional<std::string>> text = files.ReadFileIfPresent(kStatePath);
  if (!text.ok()) {
    spdlog::warn("{}", text.status().message());
    return std::nullopt;
  }
  if (!*text) return std::nullopt;
  Result<BootState> state = ParseBootState(**text, kStatePath);
  if (!state.ok()) {
    spdlog::warn("{}", state.status().message());
    return std::nullopt;
  }
  if (state->hello.boot_id != boot_id) return std::nullopt;
  return *state;
}

void SaveBootState(FileSystem& files, const protocol::Hello& hello,
                   const BootRunner& runner, bool ready_sent) {
  BootState state;
  state.hello = hello;
  state.next_seq = runner.next_seq();
  state.start_us = runner.start_us();
  state.ready_sent = ready_sent;
  state.steps = runner.results();
  Status written = files.WriteRunFile(kStatePath, RenderBootState(state));
  if (!written.ok()) spdlog::warn("keeping the boot state: {}", written.message());
}

}  // namespace umla::agent
