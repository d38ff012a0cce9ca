#include "host-bridge/commands/bake.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "host-bridge/bake/bake_apply.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/init_detect.h"
#include "host-bridge/bake/manifest.h"
#include "host-bridge/bake/root_tree.h"
#include "host-bridge/watch/exit_codes.h"

namespace fs = std::filesystem;

namespace umla::bridge {
namespace {

// The agent installed beside this uml-bridge (PREFIX/bin -> PREFIX/sbin), else the
// one in the same build tree (build/host-bridge -> build/agent).
std::string DefaultAgentPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const fs::path& candidate : {self / "../sbin/uml-agent", self / "../agent/uml-agent"}) {
    if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return "";
}

InitFacts ReadInitFacts(TreeView& tree) {
  InitFacts facts;
  facts.sbin_init_link = tree.LinkTarget("/sbin/init");
  if (!facts.sbin_init_link && tree.LinkTarget("/sbin")) {
    facts.sbin_init_link = tree.LinkTarget("/usr/sbin/init");  // usrmerge: /sbin -> usr/sbin
  }
  facts.sbin_init_file =
      !facts.sbin_init_link && (tree.ReadFile("/sbin/init") || tree.ReadFile("/usr/sbin/init"));
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

Manifest LoadManifest(RootTree& tree) {
  Manifest manifest;
  if (auto text = tree.ReadFile(kManifestPath)) {
    Result<Manifest> parsed = ParseManifest(*text, kManifestPath);
    if (parsed.ok()) return *parsed;
    std::cerr << "uml-bridge bake: " << parsed.status().message() << " (starting a new one)\n";
  }
  return manifest;
}

int Fail(const Status& status) {
  std::cerr << "uml-bridge bake: " << status.message() << "\n";
  return kExitUsage;
}

int Uninstall(RootTree& tree) {
  std::optional<std::string> text = tree.ReadFile(kManifestPath);
  if (!text) {
    std::cerr << "uml-bridge bake: no " << kManifestPath << " in " << tree.Describe()
              << ": nothing was baked into it\n";
    return 1;
  }
  Result<Manifest> manifest = ParseManifest(*text, kManifestPath);
  if (!manifest.ok()) return Fail(manifest.status());
  Status undone = UndoManifest(*manifest, tree, std::cout);
  if (undone.ok()) undone = tree.Commit();
  if (!undone.ok()) return Fail(undone);
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

  BakeRequest request;
  request.agent_path = options.agent.empty() ? DefaultAgentPath() : options.agent;
  if (request.agent_path.empty() || !fs::is_regular_file(request.agent_path, ec)) {
    return Fail(Status::Error(
        "no agent binary (" +
        (request.agent_path.empty() ? std::string("none beside uml-bridge") : request.agent_path) +
        "): give --agent PATH"));
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

  Result<BakePlan> plan = PlanBake(request, tree);
  if (!plan.ok()) return Fail(plan.status());
  Manifest manifest = LoadManifest(tree);
  manifest.init = request.integration ? InitSystemName(request.init) : "wrapper";
  manifest.kernel_args = plan->kernel_args;
  for (const std::string& note : plan->notes) std::cout << "note: " << note << "\n";
  for (const BakeItem& item : plan->items) {
    Status applied = ApplyBakeItem(item, tree, &manifest, std::cout);
    if (!applied.ok()) return Fail(applied);
  }
  // A bake that no longer needs the wrapper drops the kernel arguments an earlier one left.
  if (plan->kernel_args.empty() && manifest.Has(kKernelArgsPath) && tree.Exists(kKernelArgsPath)) {
    Status removed = tree.Remove(kKernelArgsPath);
    if (!removed.ok()) return Fail(removed);
    auto& entries = manifest.entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [](const ManifestEntry& e) { return e.path == kKernelArgsPath; }),
                  entries.end());
    std::cout << "- " << kKernelArgsPath << "\n";
  }
  if (options.modules) {
    Result<std::string> version = ModulesVersion(options.modules_dir, *options.modules);
    if (!version.ok()) return Fail(version.status());
    // usrmerge images: /lib is a link to usr/lib.
    std::string lib = tree.LinkTarget("/lib") ? "/usr/lib" : "/lib";
    std::string target = lib + "/modules/" + *version;
    if (tree.Exists(target)) {
      std::cout << "= " << target << " (present)\n";
    } else {
      Status copied =
          ApplyBakeItem({BakeItem::Kind::kDirectory, lib + "/modules", "", "", "", 0755}, tree,
                        &manifest, std::cout);
      if (copied.ok())
        copied =
            CopyHostTree(options.modules_dir + "/" + *version, target, tree, &manifest, std::cout);
      if (!copied.ok()) return Fail(copied);
    }
  }
  Status saved = tree.WriteFile(kManifestPath, RenderManifest(manifest), "", 0644);
  if (saved.ok()) saved = tree.Commit();
  if (!saved.ok()) return Fail(saved);
  std::cout << "baked uml-agent (" << manifest.init << ") into " << tree.Describe() << "\n";
  if (!plan->kernel_args.empty()) {
    std::cout << "kernel arguments this image needs: " << plan->kernel_args << " (kept in "
              << kKernelArgsPath << "; `uml-bridge run` adds them)\n";
  }
  return 0;
}

}  // namespace umla::bridge
