// `uml-bridge bake`: installs the static agent, a default config and the init
// integration into a root directory or an ext2/3/4 image (through debugfs, without
// mounting it); `--uninstall` removes exactly what the manifest says was added.
#pragma once

#include <optional>
#include <string>

namespace umla::bridge {

struct BakeOptions {
  std::string rootfs;         // directory or image file
  std::string init = "auto";  // auto, systemd, sysvinit, busybox, openrc, wrapper
  std::string agent;          // empty: beside uml-bridge (../sbin) or in the build tree
  bool wrapper = false;       // also boot through the PID-1 wrapper
  bool uninstall = false;
  std::optional<std::string> modules;  // --modules [VERSION]; "" = the one version there
  std::string modules_dir = "/usr/lib/uml/modules";
};

int RunBake(const BakeOptions& options);

}  // namespace umla::bridge
