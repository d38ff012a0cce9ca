#include "protocol/events.h"

#include <nlohmann/json.hpp>

namespace umla::protocol {
namespace {

using nlohmann::json;

const char* TypeName(EventType type) {
  switch (type) {
    case EventType::kHello: return "hello";
    case EventType::kStep: return "step";
    case EventType::kReady: return "ready";
    case EventType::kFatal: return "fatal";
  }
  return "unknown";
}

json StepToJson(const StepResult& step) {
  json out = {{"name", step.name},
              {"status", StepStatusName(step.status)},
              {"duration_us", step.duration_us},
              {"changes", step.changes}};
  if (!step.reason.empty()) out["reason"] = step.reason;
  return out;
}

// Reads fields out of an untrusted object; the first problem wins.
class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  std::string String(const char* key, bool required = true) {
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) Fail(std::string("missing \"") + key + "\"");
      return {};
    }
    if (!it->is_string()) {
      Fail(std::string("\"") + key + "\" is not a string");
      return {};
    }
    const std::string& value = it->get_ref<const std::string&>();
    if (value.size() > kMaxStringField) {
      Fail(std::string("\"") + key + "\" is too long");
      return {};
    }
    return value;
  }

  uint64_t Unsigned(const char* key) {
    auto it = object_.find(key);
    if (it == object_.end() || !it->is_number_unsigned()) {
      Fail(std::string("\"") + key + "\" is not an unsigned number");
      return 0;
    }
    return it->get<uint64_t>();
  }

  bool Bool(const char* key) {
    auto it = object_.find(key);
    if (it == object_.end() || !it->is_boolean()) {
      Fail(std::string("\"") + key + "\" is not a boolean");
      return false;
    }
    return it->get<bool>();
  }

  const json* Array(const char* key, size_t max_size) {
    auto it = object_.find(key);
    if (it == object_.end() || !it->is_array()) {
      Fail(std::string("\"") + key + "\" is not an array");
      return nullptr;
    }
    if (it->size() > max_size) {
      Fail(std::string("\"") + key + "\" has too many entries");
      return nullptr;
    }
    return &*it;
  }

  void Fail(const std::string& problem) {
    if (error_.empty()) error_ = where_ + ": " + problem;
  }
  const std::string& error() const { return error_; }

 private:
  const json& object_;
  std::string where_;
  std::string error_;
};

std::string StepFromJson(const json& object, StepResult* step) {
  if (!object.is_object()) return "step entry is not an object";
  Fields fields(object, "step");
  step->name = fields.String("name");
  std::string status = fields.String("status");
  if (status == "ok") step->status = StepStatus::kOk;
  else if (status == "failed") step->status = StepStatus::kFailed;
  else if (status == "skipped") step->status = StepStatus::kSkipped;
  else fields.Fail("unknown status");
  step->reason = fields.String("reason", /*required=*/false);
  step->duration_us = fields.Unsigned("duration_us");
  if (const json* changes = fields.Array("changes", kMaxChanges)) {
    for (const json& change : *changes) {
      if (!change.is_string() || change.get_ref<const std::string&>().size() > kMaxStringField) {
        fields.Fail("a change is not a string of bounded length");
        break;
      }
      step->changes.push_back(change.get<std::string>());
    }
  }
  return fields.error();
}

}  // namespace

const char* StepStatusName(StepStatus status) {
  switch (status) {
    case StepStatus::kOk: return "ok";
    case StepStatus::kFailed: return "failed";
    case StepStatus::kSkipped: return "skipped";
  }
  return "unknown";
}

json EventToJson(const Event& event) {
  json out = {{"type", TypeName(event.type)}, {"seq", event.seq}};
  if (event.wall_us != 0) out["wall_us"] = event.wall_us;
  switch (event.type) {
    case EventType::kHello:
      out["agent_version"] = event.hello.agent_version;
      out["kernel"] = event.hello.kernel;
      out["boot_id"] = event.hello.boot_id;
      out["mode"] = event.hello.mode;
      out["since_boot_us"] = event.hello.since_boot_us;
      break;
    case EventType::kStep:
      out["step"] = StepToJson(event.step);
      break;
    case EventType::kReady: {
      json steps = json::array();
      for (const StepResult& step : event.ready.steps) steps.push_back(StepToJson(step));
      out["ok"] = event.ready.ok;
      out["steps"] = std::move(steps);
      out["total_us"] = event.ready.total_us;
      if (event.ready.max_rss_kb != 0) out["max_rss_kb"] = event.ready.max_rss_kb;
      break;
    }
    case EventType::kFatal:
      out["reason"] = event.fatal.reason;
      break;
  }
  return out;
}

std::string JsonText(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string EncodeEvent(const Event& event) {
  // Replace invalid UTF-8 rather than throw: a step's message may quote raw bytes.
  return JsonText(EventToJson(event));
}

Result<Event> DecodeEvent(const std::string& json_text) {
  json object = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return Status::Error("event is not valid JSON");
  if (!object.is_object()) return Status::Error("event is not a JSON object");
  Event event;
  Fields fields(object, "event");
  std::string type = fields.String("type");
  event.seq = fields.Unsigned("seq");
  if (object.contains("wall_us")) event.wall_us = fields.Unsigned("wall_us");
  if (type == "hello") {
    event.type = EventType::kHello;
    event.hello.agent_version = fields.String("agent_version");
    event.hello.kernel = fields.String("kernel");
    event.hello.boot_id = fields.String("boot_id");
    event.hello.mode = fields.String("mode");
    if (object.contains("since_boot_us")) event.hello.since_boot_us = fields.Unsigned("since_boot_us");
  } else if (type == "step") {
    event.type = EventType::kStep;
    auto it = object.find("step");
    std::string problem = it == object.end() ? "missing \"step\"" : StepFromJson(*it, &event.step);
    if (!problem.empty()) fields.Fail(problem);
  } else if (type == "ready") {
    event.type = EventType::kReady;
    event.ready.ok = fields.Bool("ok");
    event.ready.total_us = fields.Unsigned("total_us");
    if (object.contains("max_rss_kb")) event.ready.max_rss_kb = fields.Unsigned("max_rss_kb");
    if (const json* steps = fields.Array("steps", kMaxSteps)) {
      for (const json& entry : *steps) {
        StepResult step;
        std::string problem = StepFromJson(entry, &step);
        if (!problem.empty()) {
          fields.Fail(problem);
          break;
        }
        event.ready.steps.push_back(std::move(step));
      }
    }
  } else if (type == "fatal") {
    event.type = EventType::kFatal;
    event.fatal.reason = fields.String("reason");
  } else if (fields.error().empty()) {
    fields.Fail("unknown type");
  }
  if (!fields.error().empty()) return Status::Error(fields.error());
  return event;
}

std::vector<Event> WarmUpEvents(uint64_t wall_us) {
  Event hello;
  hello.seq = 1;
  hello.wall_us = wall_us;
  hello.hello = {"0", "0", "warm-up", "boot", 0};
  Event step;
  step.type = EventType::kStep;
  step.seq = 2;
  step.wall_us = wall_us;
  step.step.name = "warm-up";
  step.step.changes.assign(4, std::string(60, '-'));
  Event ready;
  ready.type = EventType::kReady;
  ready.seq = 3;
  ready.wall_us = wall_us;
  ready.ready.steps.assign(8, step.step);  // every step with a few changes
  return {hello, step, ready};
}

}  // namespace umla::protocol
