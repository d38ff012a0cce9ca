#include "host-bridge/commands/bake.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "host-bridge/bake/bake_apply.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/change_lines.h"
#include "host-bridge/bake/init_detect.h"
#include "host-bridge/bake/manifest.h"
#include "host-bridge/bake/manifest_in_tree.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/watch/exit_codes.h"

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

// The agent installed beside this uml-bridge (PREFIX/bin -> PREFIX/sbin), else the
// one in the same build tree (build/host-bridge -> build/agent), else where the
// uml-agent package puts it (/sbin, which is not /usr/bin/../sbin on a host without a
// merged /usr).
std::string DefaultAgentPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const fs::path& candidate :
       {self / "../sbin/uml-agent", self / "../agent/uml-agent", fs::path("/sbin/uml-agent")}) {
    if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return "";
}

// systemd installed without its /sbin/init link (no systemd-sysv) boots only with an
// init= naming it, which the wrapper's init= takes the place of: the wrapper is told.
std::string InitExecFor(const BakeRequest& request, TreeView& tree) {
  if (!request.integration || request.init != InitSystem::kSystemd) return "";
  if (tree.LinkTarget("/sbin/init") || tree.IsRegularFile("/sbin/init")) return "";
  return tree.Exists("/lib/systemd/systemd") ? "/lib/systemd/systemd" : "/usr/lib/systemd/systemd";
}

InitFacts ReadInitFacts(TreeView& tree) {
  InitFacts facts;
  facts.sbin_init_link = tree.LinkTarget("/sbin/init");
  if (!facts.sbin_init_link && tree.LinkTarget("/sbin")) {
    facts.sbin_init_link = tree.LinkTarget("/usr/sbin/init");  // usrmerge: /sbin -> usr/sbin
  }
  // Only whether one is there (not read: it is a program of some MiB).
  facts.sbin_init_file = !facts.sbin_init_link && (tree.IsRegularFile("/sbin/init") ||
                                                   tree.IsRegularFile("/usr/sbin/init"));
  facts.lib_systemd_systemd =
      tree.Exists("/lib/systemd/systemd") || tree.Exists("/usr/lib/systemd/systemd");
  facts.etc_inittab = tree.Exists("/etc/inittab");
  facts.openrc_run = tree.Exists("/sbin/openrc-run") || tree.Exists("/usr/sbin/openrc-run");
  return facts;
}

// The one version under `modules_dir` when `wanted` is empty.
Result<std::string> ModulesVersion(const std::string& modules_dir, const std::string& wanted) {
  std::error_code ec;
  if (!wanted.empty()) {
    // One directory name: it is also the name under the image's /lib/modules.
    if (wanted == "." || wanted == ".." || wanted.find('/') != std::string::npos) {
      return Status::Error("--modules=" + wanted + ": expected a kernel version, such as 6.1.0");
    }
    if (!fs::is_directory(modules_dir + "/" + wanted, ec)) {
      return Status::Error(modules_dir + "/" + wanted + ": no such module tree");
    }
    return wanted;
  }
  std::vector<std::string> versions;
  for (const auto& entry : fs::directory_iterator(modules_dir, ec)) {
    if (entry.is_directory()) versions.push_back(entry.path().filename().string());
  }
  if (versions.size() != 1) {
    return Status::Error(modules_dir + " has " + std::to_string(versions.size()) +
                         " module trees: name one with --modules=VERSION");
  }
  return versions[0];
}

// A manifest that cannot be read stops the bake: writing a new one would lose what
// it lists, which --uninstall could then no longer remove.
Result<Manifest> LoadManifest(RootTree& tree) {
  Result<std::optional<Manifest>> read = ReadManifest(tree);
  if (read.ok()) return read->value_or(Manifest());
  return Status::Error(read.status().message() +
                       ": move it away to bake anyway (what it lists is then not removed by "
                       "--uninstall)");
}

int Fail(const Status& status) {
  std::cerr << "uml-bridge bake: " << status.message() << "\n";
  return kExitUsage;
}

int Uninstall(RootTree& tree) {
  Result<std::optional<Manifest>> manifest = ReadManifest(tree);
  if (!manifest.ok()) return Fail(manifest.status());
  if (!*manifest) {
    std::cerr << "uml-bridge bake: no " << kManifestPath << " in " << tree.Describe()
              << ": nothing was baked into it\n";
    return 1;
  }
  ChangeLines lines(tree, std::cout);
  Status undone = UndoManifest(**manifest, tree, lines.stream());
  // Also after a failure: what was undone, and the manifest of what is left.
  Status committed = tree.Commit();
  lines.Flush(committed);
  if (!undone.ok()) return Fail(undone);
  if (!committed.ok()) return Fail(committed);
  std::cout << "removed what was baked into " << tree.Describe() << "\n";
  return 0;
}

}  // namespace

int RunBake(const BakeOptions& options) {
  std::error_code ec;
  if (fs::equivalent(options.rootfs, "/", ec)) {
    return Fail(Status::Error("refusing to bake into the host's own root directory"));
  }
  Result<std::unique_ptr<RootTree>> opened = OpenRootTree(options.rootfs);
  if (!opened.ok()) return Fail(opened.status());
  RootTree& tree = **opened;
  if (options.uninstall) return Uninstall(tree);

  // Everything given is checked before anything is changed.
  BakeRequest request;
  request.agent_path = options.agent.empty() ? DefaultAgentPath() : options.agent;
  if (request.agent_path.empty() || !fs::is_regular_file(request.agent_path, ec) ||
      ::access(request.agent_path.c_str(), R_OK) != 0) {
    return Fail(Status::Error(
        "no readable agent binary (" +
        (request.agent_path.empty() ? std::string("none beside uml-bridge") : request.agent_path) +
        "): give --agent PATH"));
  }
  // Which of the candidates was taken is not obvious (an installed one, or a build's).
  if (options.agent.empty()) std::cout << "agent binary: " << request.agent_path << "\n";
  if (options.modules) {
    Result<std::string> version = ModulesVersion(options.modules_dir, *options.modules);
    if (!version.ok()) return Fail(version.status());
    request.modules_version = *version;
    request.modules_root = options.modules_dir;
  }
  request.wrapper = options.wrapper;
  if (options.init == "wrapper") {
    request.integration = false;
    request.wrapper = true;
  } else if (options.init == "auto") {
    Result<InitSystem> detected = DetectInit(ReadInitFacts(tree));
    if (!detected.ok()) return Fail(detected.status());
    request.init = *detected;
    // systemd reads fstab in generators before any unit: fix it before systemd runs.
    if (request.init == InitSystem::kSystemd) request.wrapper = true;
    std::cout << "detected init system: " << InitSystemName(request.init) << "\n";
  } else if (auto init = ParseInitSystem(options.init)) {
    request.init = *init;
  } else {
    return Fail(Status::Error("--init " + options.init +
                              ": expected auto, systemd, sysvinit, busybox, openrc or wrapper"));
  }
  request.init_exec = InitExecFor(request, tree);

  Result<BakePlan> plan = PlanBake(request, tree);
  if (!plan.ok()) return Fail(plan.status());
  Result<Manifest> loaded = LoadManifest(tree);
  if (!loaded.ok()) return Fail(loaded.status());
  Manifest& manifest = *loaded;
  manifest.init = request.integration ? InitSystemName(request.init) : "wrapper";
  manifest.kernel_args = plan->kernel_args;
  for (const std::string& note : plan->notes) std::cout << "note: " << note << "\n";
  ChangeLines lines(tree, std::cout);
  Status applied = ApplyBakePlan(*plan, tree, &manifest, lines.stream());
  // Also after a failure part-way: the manifest lists what was changed, for --uninstall.
  Status saved;
  if (applied.ok() || !manifest.entries.empty()) {
    saved = tree.WriteFile(kManifestPath, RenderManifest(manifest), "", 0644);
  }
  Status committed = tree.Commit();
  lines.Flush(committed);
  if (saved.ok()) saved = committed;
  if (!applied.ok()) {
    std::string message = applied.message();
    if (!saved.ok()) {
      message += "; and " + saved.message();
    } else if (!manifest.entries.empty()) {
      message += std::string("\n(what was changed is listed in ") + kManifestPath +
                 "; `uml-bridge bake --uninstall` removes it)";
    }
    return Fail(Status::Error(message));
  }
  if (!saved.ok()) return Fail(saved);
  std::cout << "baked uml-agent (" << manifest.init << ") into " << tree.Describe() << "\n";
  if (!plan->kernel_args.empty()) {
    std::cout << "kernel arguments this image needs: " << plan->kernel_args << " (kept in "
              << kKernelArgsPath << "; `uml-bridge run` adds them)\n";
  }
  return 0;
}

}  // namespace umla::bridge
