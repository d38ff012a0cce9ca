// Which init system a root tree boots with, from a few facts about its files. Pure,
// so each distribution layout is a unit test.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace umla::bridge {

enum class InitSystem { kSystemd, kSysvinit, kBusybox, kOpenrc };
const char* InitSystemName(InitSystem init);
std::optional<InitSystem> ParseInitSystem(const std::string& name);

struct InitFacts {
  std::optional<std::string> sbin_init_link;  // target when /sbin/init is a symlink
  bool sbin_init_file = false;                // /sbin/init is a regular file
  bool lib_systemd_systemd = false;           // /lib/systemd/systemd exists
  bool etc_inittab = false;
  bool openrc_run = false;  // /sbin/openrc-run exists
};

// systemd: /sbin/init -> .../systemd; busybox: /sbin/init -> .../busybox; OpenRC:
// /sbin/openrc-run (Debian's openrc still boots through sysvinit's init and inittab);
// sysvinit: /sbin/init a real program and /etc/inittab. Fails saying what was seen.
Result<InitSystem> DetectInit(const InitFacts& facts);

}  // namespace umla::bridge
