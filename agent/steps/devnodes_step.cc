#include "agent/steps/devnodes_step.h"

#include <spdlog/spdlog.h>

#include "agent/core/devnodes_plan.h"
#include "agent/core/ubd_names.h"
#include "agent/steps/storage_probe.h"
#include "agent/system/device_nodes.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class DevnodesStep : public Step {
 public:
  std::string_view name() const override { return "devnodes"; }
  std::vector<std::string_view> keys() const override {
    return {"devnodes", "devnodes.legacy", "devnodes.prune"};
  }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    SettingReader read(context.settings);
    bool enabled = read.Bool("devnodes", true);
    DevnodesOptions options{read.Bool("devnodes.legacy", true), read.Bool("devnodes.prune", false)};
    if (auto early = EarlyOutcome(read, enabled, "devnodes")) return *early;
    DeviceNodes& nodes = *context.system->nodes;
    Result<DevnodesSnapshot> snapshot = TakeSnapshot(nodes, options);
    if (!snapshot.ok()) {
      outcome.status = snapshot.status();
      return outcome;
    }
    DevnodesPlan plan = PlanDevnodes(*snapshot, options);
    for (const std::string& warning : plan.warnings) spdlog::warn("devnodes: {}", warning);
    std::vector<std::string> errors;
    for (const NodeAction& action : plan.actions) {
      Status applied = context.dry_run ? Status::Ok() : Apply(nodes, action);
      if (!applied.ok()) {
        errors.push_back(applied.message());
        continue;
      }
      for (const std::string& line : DescribeNodeAction(action))
        ReportChange(context, outcome, line);
    }
    outcome.status = JoinErrors(errors);
    return outcome;
  }

 private:
  static Result<DevnodesSnapshot> TakeSnapshot(DeviceNodes& nodes, const DevnodesOptions& options) {
    DevnodesSnapshot snapshot;
    Result<std::vector<BlockDeviceInfo>> devices = nodes.ListBlockDevices();
    if (!devices.ok()) return devices.status();
    snapshot.devices = *devices;
    std::vector<std::string> paths = {kLegacyUbdDir};
    for (const WantedNode& node : WantedUbdNodes(snapshot.devices, options.legacy))
      paths.push_back(node.path);
    if (options.prune) {
      for (const std::string& dir : {std::string("/dev"), std::string(kLegacyUbdDir)}) {
        Result<std::vector<std::string>> names = nodes.ListDirectory(dir);
        if (!names.ok()) return names.status();
        for (const std::string& entry : *names) {
          std::string path = dir + "/" + entry;
          if (ParseUbdPath(path)) paths.push_back(path);
        }
      }
    }
    for (const std::string& path : paths) {
      Result<std::optional<NodeStat>> node = nodes.Lstat(path);
      if (!node.ok()) return node.status();
      snapshot.nodes[path] = *node;
    }
    return snapshot;
  }

  static Status Apply(DeviceNodes& nodes, const NodeAction& action) {
    switch (action.kind) {
      case NodeActionKind::kMakeDirectory:
        return nodes.MakeDirectory(action.path, action.after.mode);
      case NodeActionKind::kCreate:
      case NodeActionKind::kReplace:
        return nodes.MakeBlockNode(action.path, action.after);
      case NodeActionKind::kRemove:
        return nodes.Remove(action.path);
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Step> MakeDevnodesStep() { return std::make_unique<DevnodesStep>(); }

}  // namespace umla::agent
