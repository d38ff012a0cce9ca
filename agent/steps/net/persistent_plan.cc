#include "agent/steps/net/persistent_plan.h"

#include <algorithm>
#include <set>

#include "agent/steps/net/ifupdown_interfaces.h"

namespace umla::agent {

NetworkLayout DetectNetworkLayout(FileSystem& files) {
  NetworkLayout layout;
  layout.redhat = files.Exists(kRedHatDir);
  layout.ifupdown = files.Exists(kIfupdownDir);
  for (const char* binary : kNetworkdBinaries) layout.networkd = layout.networkd || files.Exists(binary);
  return layout;
}

std::vector<FileWrite> PlanPersistentFiles(const NetworkLayout& layout, const std::string& iface,
                                           const GuestNetConfig& config,
                                           const std::string& current_interfaces) {
  std::vector<FileWrite> writes;
  if (layout.redhat) {
    writes.push_back({std::string(kRedHatDir) + "/" + kIfcfgPrefix + iface, RenderIfcfg(iface, config)});
    // Without routes the file is only emptied where an earlier run left one (its routes
    // would come back at the distribution's next ifup); none is made.
    FileWrite routes{std::string(kRedHatDir) + "/" + kRedHatRoutePrefix + iface,
                     RenderRedHatRoutes(iface, config)};
    routes.only_if_present = config.routes.empty();
    writes.push_back(std::move(routes));
  }
  if (layout.ifupdown) {
    writes.push_back({kIfupdownInterfaces, AdaptIfupdownInterfaces(current_interfaces, iface)});
    writes.push_back({std::string(kIfupdownPartsDir) + "/" + IfupdownPartName(iface),
                      RenderIfupdownStanza(iface, config)});
  }
  if (layout.networkd) {
    writes.push_back({std::string(kNetworkdDir) + "/" + kNetworkdUnitPrefix + iface + ".network",
                      RenderNetworkdUnit(iface, config)});
  }
  return writes;
}

std::vector<AgentFileDirectory> AgentFileDirectories(const NetworkLayout& layout) {
  std::vector<AgentFileDirectory> dirs;
  if (layout.redhat) dirs.push_back({kRedHatDir, {kIfcfgPrefix, kRedHatRoutePrefix}});
  if (layout.ifupdown) dirs.push_back({kIfupdownPartsDir, {kIfupdownPartPrefix}});
  if (layout.networkd) dirs.push_back({kNetworkdDir, {kNetworkdUnitPrefix}});
  return dirs;
}

std::vector<FileWrite> ChangedFiles(FileSystem& files, const std::vector<FileWrite>& writes) {
  std::vector<FileWrite> changed;
  for (const auto& write : writes) {
    Result<std::string> current = files.ReadFile(write.path);
    if (current.ok() && *current == write.content) continue;
    if (!current.ok() && write.only_if_present) continue;
    changed.push_back(write);
    if (current.ok()) changed.back().current = std::move(*current);
  }
  return changed;
}

Status WriteFiles(FileSystem& files, const std::vector<FileWrite>& writes,
                  std::vector<std::string>* changes) {
  // Each file on its own: one that cannot be written does not keep the others back.
  std::vector<std::string> errors;
  for (const auto& write : writes) {
    const std::string* current = write.current ? &*write.current : nullptr;
    Status written = files.WriteFileAtomic(write.path, write.content, current);
    std::string dir = write.path.substr(0, write.path.rfind('/'));
    // A directory the distribution lacks (interfaces.d on a fresh ifupdown): asked
    // about only then, as the usual write needs no check.
    if (!written.ok() && !dir.empty() && !files.Exists(dir)) {
      Status made = files.MakeDirectory(dir);
      written = made.ok() ? files.WriteFileAtomic(write.path, write.content, current) : made;
    }
    if (!written.ok()) {
      errors.push_back(written.message());
      continue;
    }
    changes->push_back("+ write " + write.path);
  }
  return JoinErrors(errors);
}

// Whether a file the agent writes still has a backup under the visible name an earlier
// agent gave it where backups are hidden now (stale_files.h): one lstat a file there
// (a .prev only comes after a .bak), so that an image whose settings do not change
// has it moved too, and a boot that finds none looks no further.
bool LeftVisibleBackups(FileSystem& files, const std::vector<FileWrite>& wanted) {
  for (const auto& write : wanted) {
    if (OldVersionBase(write.path) != write.path && files.Exists(write.path + kBackupSuffix)) {
      return true;
    }
  }
  return false;
}

DistributionFiles PlanDistributionFiles(FileSystem& files, const NetSettings& net) {
  NetworkLayout layout = DetectNetworkLayout(files);
  Result<std::optional<std::string>> interfaces =
      layout.ifupdown ? files.ReadFileIfPresent(kIfupdownInterfaces)
                      : Result<std::optional<std::string>>(std::nullopt);
  DistributionFiles plan;
  std::vector<FileWrite> wanted;
  if (net.persist) {
    wanted = PlanPersistentFiles(layout, net.iface, net.config,
                                 interfaces.ok() && *interfaces ? **interfaces : "");
  } else if (interfaces.ok() && *interfaces) {
    wanted.push_back({kIfupdownInterfaces, RestoreIfupdownInterfaces(**interfaces, true)});
  }
  // An interfaces file that is there but cannot be read is never replaced by one made
  // from nothing: it is left alone and named; the other files still go ahead.
  if (!interfaces.ok()) {
    plan.errors.push_back(interfaces.status().message() + " (left alone)");
    wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                                [](const FileWrite& write) { return write.path == kIfupdownInterfaces; }),
                 wanted.end());
  }
  plan.writes = ChangedFiles(files, wanted);
  if (net.persist && plan.writes.empty() && !LeftVisibleBackups(files, wanted)) return plan;
  std::set<std::string> kept;
  for (const auto& write : wanted) kept.insert(write.path);
  StaleFiles stale = FindStaleFiles(files, AgentFileDirectories(layout), kept);
  plan.removals = std::move(stale.removals);
  plan.errors.insert(plan.errors.end(), stale.errors.begin(), stale.errors.end());
  return plan;
}

std::vector<std::string> DescribeDistributionFiles(const DistributionFiles& plan) {
  std::vector<std::string> lines;
  for (const auto& removal : plan.removals) {
    for (auto& line : DescribeRemoval(removal)) lines.push_back(std::move(line));
  }
  for (const auto& write : plan.writes) lines.push_back("+ write " + write.path);
  return lines;
}

Status ApplyDistributionFiles(FileSystem& files, const DistributionFiles& plan,
                              std::vector<std::string>* changes) {
  std::vector<std::string> errors;
  Status removed = RemoveStaleFiles(files, plan.removals, changes);
  if (!removed.ok()) errors.push_back(removed.message());
  Status written = WriteFiles(files, plan.writes, changes);
  if (!written.ok()) errors.push_back(written.message());
  return JoinErrors(errors);
}

}  // namespace umla::agent
