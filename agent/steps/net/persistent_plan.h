// Which distribution network files the net step writes, and with what content: the
// layout is detected through the FileSystem seam, the contents are rendered purely.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/steps/net/persistent_files.h"
#include "agent/system/file_system.h"

namespace umla::agent {

struct FileWrite {
  std::string path;
  std::string content;
  // The file's content when ChangedFiles read it (nullopt: missing or unreadable),
  // handed to WriteFileAtomic so it does not read the file again.
  std::optional<std::string> current = std::nullopt;
  // Written only over a file that is there (ChangedFiles drops it otherwise).
  bool only_if_present = false;
};

NetworkLayout DetectNetworkLayout(FileSystem& files);

// Every file the layout calls for, rendered. `current_interfaces` is the image's
// /etc/network/interfaces (empty when missing); it is only used for ifupdown.
std::vector<FileWrite> PlanPersistentFiles(const NetworkLayout& layout, const std::string& iface,
                                           const GuestNetConfig& config,
                                           const std::string& current_interfaces);

// The writes whose content differs from the file's (missing files differ).
std::vector<FileWrite> ChangedFiles(FileSystem& files, const std::vector<FileWrite>& writes);

// Writes each file atomically, creating its directory when missing (one level).
// Appends "+ write PATH" to `changes` per file written; stops at the first failure.
Status WriteFiles(FileSystem& files, const std::vector<FileWrite>& writes,
                  std::vector<std::string>* changes);

}  // namespace umla::agent
