// Every OS resource a step may touch, each behind a narrow interface, so that steps
// run on fakes in tests and on Linux in the guest. A step reads only the seams it
// needs; each pointer is set by the agent's boot command, all of them on the running
// system; with --root (an image tree) `network` and `modules` are null, as the
// interfaces and the kernel they would change are the host's.
#pragma once

namespace umla::agent {

class FileSystem;      // agent/system/file_system.h: read, atomic replace, stat
class DeviceNodes;     // agent/system/device_nodes.h: block devices, mknod (storage)
class Mounts;          // agent/system/mounts.h: mount, swapon, /proc views (storage)
class NetworkControl;  // agent/system/network_control.h: rtnetlink (network)
class ModuleMounts;    // agent/system/module_mounts.h: the module tree over hostfs

struct SystemSeams {
  FileSystem* files = nullptr;
  DeviceNodes* nodes = nullptr;
  Mounts* mounts = nullptr;
  NetworkControl* network = nullptr;
  ModuleMounts* modules = nullptr;
};

}  // namespace umla::agent
