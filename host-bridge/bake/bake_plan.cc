#include "host-bridge/bake/bake_plan.h"

#include <algorithm>
#include <functional>

#include "common/strings.h"
#include "host-bridge/bake/initscripts_data.h"

namespace umla::bridge {
namespace {

BakeItem Dir(std::string path) {
  BakeItem item;
  item.kind = BakeItem::Kind::kDirectory;
  item.path = std::move(path);
  item.mode = 0755;
  return item;
}

BakeItem File(std::string path, std::string content, uint32_t mode) {
  BakeItem item;
  item.path = std::move(path);
  item.content = std::move(content);
  item.mode = mode;
  return item;
}

BakeItem Link(std::string path, std::string target) {
  BakeItem item;
  item.kind = BakeItem::Kind::kSymlink;
  item.path = std::move(path);
  item.target = std::move(target);
  return item;
}

BakeItem Edit(std::string path, std::string content) {
  BakeItem item;
  item.kind = BakeItem::Kind::kEdit;
  item.path = std::move(path);
  item.content = std::move(content);
  return item;
}

// Adds an edit when the file exists and the edit changes it.
void EditIfPresent(TreeView& tree, const std::string& path, BakePlan* plan,
                   const std::function<std::string(std::string_view)>& edit) {
  std::optional<std::string> text = tree.ReadFile(path);
  if (!text) return;
  plan->items.push_back(Edit(path, edit(*text)));
}

// Returns whether the late "ready" part is installed (so the wrapper leaves ready to it).
bool AddIntegration(InitSystem init, TreeView& tree, BakePlan* plan) {
  auto& items = plan->items;
  switch (init) {
    case InitSystem::kSystemd:
      for (const char* dir : {"/etc/systemd", "/etc/systemd/system",
                              "/etc/systemd/system/sysinit.target.wants",
                              "/etc/systemd/system/multi-user.target.wants"}) {
        items.push_back(Dir(dir));
      }
      for (const char* unit : {"uml-agent.service", "uml-agent-ready.service"}) {
        items.push_back(File(std::string("/etc/systemd/system/") + unit,
                             InitScript(std::string("systemd/") + unit), 0644));
      }
      items.push_back(Link("/etc/systemd/system/sysinit.target.wants/uml-agent.service",
                           "/etc/systemd/system/uml-agent.service"));
      items.push_back(Link("/etc/systemd/system/multi-user.target.wants/uml-agent-ready.service",
                           "/etc/systemd/system/uml-agent-ready.service"));
      return true;
    case InitSystem::kSysvinit:
      items.push_back(Dir("/etc/init.d"));
      items.push_back(File("/etc/init.d/uml-agent", InitScript("sysvinit/uml-agent"), 0755));
      items.push_back(File("/etc/init.d/uml-agent-ready", InitScript("sysvinit/uml-agent-ready"), 0755));
      items.push_back(Dir("/etc/rcS.d"));
      items.push_back(Link("/etc/rcS.d/S01uml-agent", "../init.d/uml-agent"));
      for (const char* level : {"2", "3", "4", "5"}) {
        std::string dir = std::string("/etc/rc") + level + ".d";
        if (!tree.IsDirectory(dir)) continue;
        items.push_back(Link(dir + "/S99uml-agent-ready", "../init.d/uml-agent-ready"));
      }
      // insserv's makefile-style boot runs only what its .depend files list.
      EditIfPresent(tree, "/etc/init.d/.depend.boot", plan, [](std::string_view text) {
        return AddDependTarget(text, "uml-agent", {"mountkernfs.sh", "mountdevsubfs.sh"}, false,
                               {"checkroot.sh", "mountall.sh", "networking"});
      });
      EditIfPresent(tree, "/etc/init.d/.depend.start", plan, [](std::string_view text) {
        return AddDependTarget(text, "uml-agent-ready", {}, true, {});
      });
      return true;
    case InitSystem::kBusybox:
      if (!tree.ReadFile("/etc/inittab")) return false;
      EditIfPresent(tree, "/etc/inittab", plan, AddInittabLines);
      return true;
    case InitSystem::kOpenrc:
      items.push_back(Dir("/etc/init.d"));
      items.push_back(File("/etc/init.d/uml-agent", InitScript("openrc/uml-agent"), 0755));
      items.push_back(File("/etc/init.d/uml-agent-ready", InitScript("openrc/uml-agent-ready"), 0755));
      for (const char* dir : {"/etc/runlevels", "/etc/runlevels/sysinit", "/etc/runlevels/default"}) {
        items.push_back(Dir(dir));
      }
      items.push_back(Link("/etc/runlevels/sysinit/uml-agent", "/etc/init.d/uml-agent"));
      items.push_back(Link("/etc/runlevels/default/uml-agent-ready", "/etc/init.d/uml-agent-ready"));
      return true;
  }
  return false;
}

}  // namespace

Result<BakePlan> PlanBake(const BakeRequest& request, TreeView& tree) {
  BakePlan plan;
  // First: the manifest and the backups of edited files live there.
  for (const char* dir : {"/var", "/var/lib", "/var/lib/uml-agent"}) plan.items.push_back(Dir(dir));
  plan.items.push_back(Dir("/sbin"));
  BakeItem agent = File(kAgentPath, "", 0755);
  agent.host_source = request.agent_path;
  plan.items.push_back(agent);
  plan.items.push_back(Dir("/etc"));
  plan.items.push_back(Dir("/etc/uml-agent"));
  // The user's own config is theirs: written only when there is none.
  BakeItem config = File("/etc/uml-agent/config.json", InitScript("config.json"), 0644);
  config.keep_existing = true;
  plan.items.push_back(config);
  bool wrapper = request.wrapper;
  bool late_ready = request.integration && AddIntegration(request.init, tree, &plan);
  if (request.integration && request.init == InitSystem::kBusybox && !late_ready) {
    plan.notes.push_back("no /etc/inittab (busybox's built-in default): using the PID-1 wrapper");
    wrapper = true;
  }
  if (wrapper) {
    plan.kernel_args = std::string("init=") + kAgentPath;
    // The late part of the integration sends ready (after the boot is really done).
    if (late_ready) plan.kernel_args += " uml_agent.ready.late=yes";
    plan.items.push_back(File(kKernelArgsPath, plan.kernel_args + "\n", 0644));
  }
  return plan;
}

std::string AddDependTarget(std::string_view depend, const std::string& name,
                            const std::vector<std::string>& after, bool after_all,
                            const std::vector<std::string>& before) {
  std::vector<std::string> lines;
  std::vector<std::string> targets;
  for (std::string_view line : Split(depend, '\n')) lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const std::string& line : lines) {
    if (StartsWith(line, "TARGETS =")) {
      for (std::string_view target : SplitWhitespace(std::string_view(line).substr(9))) {
        targets.emplace_back(target);
      }
    }
  }
  if (std::find(targets.begin(), targets.end(), name) != targets.end()) return std::string(depend);
  auto known = [&](const std::string& target) {
    return std::find(targets.begin(), targets.end(), target) != targets.end();
  };
  std::string our_deps;
  for (const std::string& target : after_all ? targets : after) {
    if (known(target)) our_deps += " " + target;
  }
  std::string out;
  bool placed = false;
  for (std::string& line : lines) {
    if (StartsWith(line, "TARGETS =")) line += " " + name;
    size_t colon = line.find(':');
    if (colon != std::string::npos && !StartsWith(line, "TARGETS") &&
        std::find(before.begin(), before.end(), line.substr(0, colon)) != before.end()) {
      line += " " + name;
    }
    // Our own rule goes after the header lines (TARGETS, INTERACTIVE).
    if (!placed && colon != std::string::npos && line.find(" = ") == std::string::npos) {
      out += name + ":" + our_deps + "\n";
      placed = true;
    }
    out += line + "\n";
  }
  if (!placed) out += name + ":" + our_deps + "\n";
  return out;
}

std::string AddInittabLines(std::string_view inittab) {
  const std::string sysinit = "::sysinit:/sbin/uml-agent boot --phase fixups";
  const std::string ready = "::once:/sbin/uml-agent ready";
  std::string out;
  bool has_sysinit = false, has_ready = false, placed = false;
  for (std::string_view line : Split(inittab, '\n')) {
    has_sysinit = has_sysinit || line == sysinit;
    has_ready = has_ready || line == ready;
  }
  std::vector<std::string_view> lines = Split(inittab, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::string_view line : lines) {
    std::vector<std::string_view> fields = Split(line, ':');
    bool is_sysinit = !StartsWith(Trim(line), "#") && fields.size() >= 4 && fields[2] == "sysinit";
    if (!has_sysinit && !placed && is_sysinit) {
      out += sysinit + "\n";
      placed = true;
    }
    out += std::string(line) + "\n";
  }
  if (!has_sysinit && !placed) out = sysinit + "\n" + out;
  if (!has_ready) out += ready + "\n";
  return out;
}

}  // namespace umla::bridge
