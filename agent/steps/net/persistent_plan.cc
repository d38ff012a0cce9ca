#include "agent/steps/net/persistent_plan.h"

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
    writes.push_back({std::string(kRedHatDir) + "/ifcfg-" + iface, RenderIfcfg(iface, config)});
    // Without routes the file is only emptied where an earlier run left one (its routes
    // would come back at the distribution's next ifup); none is made.
    FileWrite routes{std::string(kRedHatDir) + "/route-" + iface, RenderRedHatRoutes(iface, config)};
    routes.only_if_present = config.routes.empty();
    writes.push_back(std::move(routes));
  }
  if (layout.ifupdown) {
    writes.push_back({kIfupdownInterfaces, AdaptIfupdownInterfaces(current_interfaces, iface)});
    writes.push_back({std::string(kIfupdownPartsDir) + "/" + IfupdownPartName(iface),
                      RenderIfupdownStanza(iface, config)});
  }
  if (layout.networkd) {
    writes.push_back({std::string(kNetworkdDir) + "/10-uml-agent-" + iface + ".network",
                      RenderNetworkdUnit(iface, config)});
  }
  return writes;
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

}  // namespace umla::agent
