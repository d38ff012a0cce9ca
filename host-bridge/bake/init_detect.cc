#include "host-bridge/bake/init_detect.h"

namespace umla::bridge {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const char* InitSystemName(InitSystem init) {
  switch (init) {
    case InitSystem::kSystemd:
      return "systemd";
    case InitSystem::kSysvinit:
      return "sysvinit";
    case InitSystem::kBusybox:
      return "busybox";
    case InitSystem::kOpenrc:
      return "openrc";
  }
  return "unknown";
}

std::optional<InitSystem> ParseInitSystem(const std::string& name) {
  for (InitSystem init :
       {InitSystem::kSystemd, InitSystem::kSysvinit, InitSystem::kBusybox, InitSystem::kOpenrc}) {
    if (name == InitSystemName(init)) return init;
  }
  return std::nullopt;
}

Result<InitSystem> DetectInit(const InitFacts& facts) {
  if (facts.sbin_init_link) {
    const std::string& target = *facts.sbin_init_link;
    if (EndsWith(target, "/systemd") || target == "systemd") return InitSystem::kSystemd;
    if (EndsWith(target, "/busybox") || target == "busybox") return InitSystem::kBusybox;
    if (EndsWith(target, "openrc-init")) return InitSystem::kOpenrc;
  }
  if (facts.openrc_run) return InitSystem::kOpenrc;
  if (facts.sbin_init_file && facts.etc_inittab) return InitSystem::kSysvinit;
  if (!facts.sbin_init_link && !facts.sbin_init_file && facts.lib_systemd_systemd) {
    return InitSystem::kSystemd;  // usrmerge layouts without the /sbin/init link
  }
  std::string seen = facts.sbin_init_link   ? "/sbin/init -> " + *facts.sbin_init_link
                     : facts.sbin_init_file ? std::string("/sbin/init is a program")
                                            : std::string("no /sbin/init");
  return Status::Error("cannot tell the init system (" + seen +
                       (facts.etc_inittab ? ", /etc/inittab" : ", no /etc/inittab") +
                       "); choose one with --init");
}

}  // namespace umla::bridge
