#include "host-bridge/bake/bake_plan.h"

#include <algorithm>
#include <functional>

#include "common/strings.h"
#include "host-bridge/bake/init_file_edits.h"
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
Status EditIfPresent(TreeView& tree, const std::string& path, BakePlan* plan,
                     const std::function<std::string(std::string_view)>& edit) {
  Result<std::optional<std::string>> text = tree.ReadFile(path);
  if (!text.ok()) return text.status();
  if (*text) plan->items.push_back(Edit(path, edit(**text)));
  return Status::Ok();
}

// Returns whether the late "ready" part is installed (so the wrapper leaves ready to it);
// fails when a file it edits cannot be read.
Result<bool> AddIntegration(InitSystem init, TreeView& tree, BakePlan* plan) {
  auto& items = plan->items;
  switch (init) {
    case InitSystem::kSystemd:
      for (const char* dir :
           {"/etc/systemd", "/etc/systemd/system", "/etc/systemd/system/sysinit.target.wants",
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
      items.push_back(
          File("/etc/init.d/uml-agent-ready", InitScript("sysvinit/uml-agent-ready"), 0755));
      items.push_back(Dir("/etc/rcS.d"));
      items.push_back(Link("/etc/rcS.d/S01uml-agent", "../init.d/uml-agent"));
      for (const char* level : {"2", "3", "4", "5"}) {
        std::string dir = std::string("/etc/rc") + level + ".d";
        if (!tree.IsDirectory(dir)) continue;
        items.push_back(Link(dir + "/S99uml-agent-ready", "../init.d/uml-agent-ready"));
      }
      // insserv's makefile-style boot runs only what its .depend files list.
      if (Status edited = EditIfPresent(tree, "/etc/init.d/.depend.boot", plan,
                                        [](std::string_view text) {
            return AddDependTarget(text, "uml-agent", {"mountkernfs.sh", "mountdevsubfs.sh"},
                                   false, {"checkroot.sh", "mountall.sh", "networking"});
          });
          !edited.ok()) {
        return edited;
      }
      if (Status edited = EditIfPresent(tree, "/etc/init.d/.depend.start", plan,
                                        [](std::string_view text) {
            return AddDependTarget(text, "uml-agent-ready", {}, true, {});
          });
          !edited.ok()) {
        return edited;
      }
      return true;
    case InitSystem::kBusybox: {
      size_t before = items.size();
      if (Status edited = EditIfPresent(tree, "/etc/inittab", plan, [](std::string_view text) {
            return AddInittabLines(text, InitScript("busybox/inittab.lines"));
          });
          !edited.ok()) {
        return edited;
      }
      return items.size() > before;  // no inittab: busybox's built-in default
    }
    case InitSystem::kOpenrc:
      items.push_back(Dir("/etc/init.d"));
      items.push_back(File("/etc/init.d/uml-agent", InitScript("openrc/uml-agent"), 0755));
      items.push_back(
          File("/etc/init.d/uml-agent-ready", InitScript("openrc/uml-agent-ready"), 0755));
      for (const char* dir :
           {"/etc/runlevels", "/etc/runlevels/sysinit", "/etc/runlevels/default"}) {
        items.push_back(Dir(dir));
      }
      items.push_back(Link("/etc/runlevels/sysinit/uml-agent", "/etc/init.d/uml-agent"));
      items.push_back(
          Link("/etc/runlevels/default/uml-agent-ready", "/etc/init.d/uml-agent-ready"));
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
  bool late_ready = false;
  if (request.integration) {
    Result<bool> added = AddIntegration(request.init, tree, &plan);
    if (!added.ok()) return added.status();
    late_ready = *added;
  }
  if (request.integration && request.init == InitSystem::kBusybox && !late_ready) {
    plan.notes.push_back("no /etc/inittab (busybox's built-in default): using the PID-1 wrapper");
    wrapper = true;
  }
  if (wrapper) {
    plan.kernel_args = std::string("init=") + kAgentPath;
    // The late part of the integration sends ready (after the boot is really done).
    if (late_ready) plan.kernel_args += " uml_agent.ready.late=yes";
    if (!request.init_exec.empty()) {
      plan.kernel_args += " uml_agent.init.exec=" + request.init_exec;
      plan.notes.push_back("no /sbin/init: the PID-1 wrapper execs " + request.init_exec);
    }
    plan.items.push_back(File(kKernelArgsPath, plan.kernel_args + "\n", 0644));
  }
  if (!request.modules_version.empty()) {
    // usrmerge images: /lib is a link to usr/lib.
    bool usrmerge = tree.LinkTarget("/lib").has_value();
    std::string lib = usrmerge ? "/usr/lib" : "/lib";
    if (usrmerge) plan.items.push_back(Dir("/usr"));
    plan.items.push_back(Dir(lib));
    plan.items.push_back(Dir(lib + "/modules"));
    plan.modules = ModulesCopy{request.modules_root + "/" + request.modules_version,
                               lib + "/modules/" + request.modules_version};
  }
  return plan;
}

}  // namespace umla::bridge
