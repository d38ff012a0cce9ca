#include "agent/core/boot_state.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "protocol/frame.h"

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
  return protocol::JsonText(json, 2) + "\n";
}

namespace {

// Throws nlohmann's exceptions for a missing or mistyped field.
protocol::Hello HelloFromJson(const nlohmann::json& hello) {
  protocol::Hello parsed;
  parsed.agent_version = hello.at("agent_version").get<std::string>();
  parsed.kernel = hello.at("kernel").get<std::string>();
  parsed.boot_id = hello.at("boot_id").get<std::string>();
  parsed.mode = hello.at("mode").get<std::string>();
  return parsed;
}

}  // namespace

Result<BootState> ParseBootState(std::string_view text, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return Status::Error(source + ": not a uml-agent boot state (" + why + ")");
  };
  if (json.is_discarded() || !json.is_object()) return bad("not a JSON object");
  try {
    BootState state;
    state.hello = HelloFromJson(json.at("hello"));
    state.next_seq = json.at("next_seq").get<uint64_t>();
    state.start_us = json.at("start_us").get<uint64_t>();
    state.running_step = json.at("running_step").get<std::string>();
    state.ready_sent = json.at("ready_sent").get<bool>();
    // Reuse the protocol's checked decoder for the step list.
    nlohmann::json event = {
        {"type", "ready"}, {"seq", 1}, {"ok", true}, {"total_us", 0}, {"steps", json.at("steps")}};
    Result<protocol::Event> decoded = protocol::DecodeEvent(protocol::JsonText(event));
    if (!decoded.ok()) return bad(decoded.status().message());
    state.steps = decoded->ready.steps;
    return state;
  } catch (const nlohmann::json::exception& error) {
    return bad(error.what());
  }
}

Result<BootState> ParseReportAsBootState(std::string_view report, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(report, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Error(source + ": not a uml-agent report (not a JSON object)");
  }
  try {
    if (json.at("type").get<std::string>() != "ready") {
      return Status::Error(source + ": not a uml-agent report (not a ready event)");
    }
    BootState state;
    state.hello = HelloFromJson(json.at("hello"));
    state.start_us = json.at("start_us").get<uint64_t>();
    state.ready_sent = true;
    return state;
  } catch (const nlohmann::json::exception& error) {
    return Status::Error(source + ": not a uml-agent report (" + std::string(error.what()) + ")");
  }
}

std::string ProgressStartRecord(uint64_t start_us) {
  return "start " + std::to_string(start_us) + "\n";
}

std::string ProgressRunRecord(std::string_view step) { return "run " + std::string(step) + "\n"; }

Result<BootState> ParseProgressLog(std::string_view log) {
  BootState state;
  bool have_hello = false;
  uint64_t last_seq = 0;
  for (std::string_view line : Split(log, '\n')) {
    if (line.rfind("start ", 0) == 0) {
      state.start_us = std::strtoull(std::string(line.substr(6)).c_str(), nullptr, 10);
      continue;
    }
    if (line.rfind("run ", 0) == 0) {
      state.running_step = std::string(line.substr(4));
      continue;
    }
    protocol::DecodedLine decoded = protocol::DecodeLine(line);
    if (decoded.kind != protocol::LineKind::kFrame) continue;
    Result<protocol::Event> event = protocol::DecodeEvent(decoded.text);
    if (!event.ok()) continue;
    last_seq = std::max(last_seq, event->seq);
    switch (event->type) {
      case protocol::EventType::kHello:
        state.hello = event->hello;
        have_hello = true;
        break;
      case protocol::EventType::kStep:
        state.steps.push_back(event->step);
        if (event->step.name == state.running_step) state.running_step.clear();
        break;
      case protocol::EventType::kReady:
        state.ready_sent = true;
        state.running_step.clear();
        break;
      case protocol::EventType::kFatal:
        break;
    }
  }
  if (!have_hello) return Status::Error("the progress log has no hello");
  state.next_seq = last_seq + 1;
  return state;
}

}  // namespace umla::agent
