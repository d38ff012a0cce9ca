#include "agent/core/boot_state.h"

#include <nlohmann/json.hpp>

namespace umla::agent {

std::string RenderBootState(const BootState& state) {
  protocol::Event ready;
  ready.type = protocol::EventType::kReady;
  ready.ready.steps = state.steps;
  nlohmann::json json = {
      {"hello",
       {{"agent_version", state.hello.agent_version},
        {"kernel", state.hello.kernel},
        {"boot_id", state.hello.boot_id},
        {"mode", state.hello.mode}}},
      {"next_seq", state.next_seq},
      {"start_us", state.start_us},
      {"running_step", state.running_step},
      {"ready_sent", state.ready_sent},
      // The steps in the event encoding, so one decoder validates both.
      {"steps", protocol::EventToJson(ready)["steps"]},
  };
  return json.dump(2) + "\n";
}

Result<BootState> ParseBootState(std::string_view text, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return Status::Error(source + ": not a uml-agent boot state (" + why + ")");
  };
  if (json.is_discarded() || !json.is_object()) return bad("not a JSON object");
  try {
    BootState state;
    const auto& hello = json.at("hello");
    state.hello.agent_version = hello.at("agent_version").get<std::string>();
    state.hello.kernel = hello.at("kernel").get<std::string>();
    state.hello.boot_id = hello.at("boot_id").get<std::string>();
    state.hello.mode = hello.at("mode").get<std::string>();
    state.next_seq = json.at("next_seq").get<uint64_t>();
    state.start_us = json.at("start_us").get<uint64_t>();
    state.running_step = json.at("running_step").get<std::string>();
    state.ready_sent = json.at("ready_sent").get<bool>();
    // Reuse the protocol's checked decoder for the step list.
    nlohmann::json event = {
        {"type", "ready"}, {"seq", 1}, {"ok", true}, {"total_us", 0}, {"steps", json.at("steps")}};
    Result<protocol::Event> decoded = protocol::DecodeEvent(event.dump());
    if (!decoded.ok()) return bad(decoded.status().message());
    state.steps = decoded->ready.steps;
    return state;
  } catch (const nlohmann::json::exception& error) {
    return bad(error.what());
  }
}

}  // namespace umla::agent
