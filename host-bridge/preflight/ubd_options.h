// UML block-device options on a kernel command line, `ubd<N><flags>=FILE[,BACKING][,SERIAL]`
// (arch/um/drivers/ubd_kern.c), and the other arguments the preflight reads. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

struct UbdOption {
  int unit = 0;             // 0..15; `ubd0`/`ubda` is unit 0
  bool read_only = false;   // flag r
  bool sync = false;        // flag s
  bool no_cow = false;      // flag d: FILE is data, never a COW layer
  bool shared = false;      // flag c: no host lock, several guests may open FILE
  bool no_trim = false;     // flag t
  std::string file;         // with a backing file: the COW layer the guest writes
  std::string backing;      // empty unless `FILE,BACKING`
  std::string serial;
  bool cow() const { return !backing.empty(); }
  // The file that holds the filesystem's base: the backing file of a COW pair.
  const std::string& image() const { return cow() ? backing : file; }
};

// nullopt when `arg` is not a ubd device option (ubd=MAJOR, other keys); an error
// naming the argument when it is one the kernel would reject.
std::optional<Result<UbdOption>> ParseUbdArg(std::string_view arg);
// The argument that gives `option` to the kernel (inverse of ParseUbdArg).
std::string RenderUbdArg(const UbdOption& option);

// Every ubd option before a bare "--"; an error for a malformed one or a unit given
// twice (the kernel keeps the first and ignores the rest, which is never meant).
Result<std::vector<UbdOption>> FindUbdOptions(const std::vector<std::string>& args);

// The ubd unit holding the root filesystem: root=/dev/ubdX, /dev/ubd/N, /dev/ubdN or
// 98:16N, and unit 0 when root= is absent (UML's default). nullopt for a partition
// (/dev/ubda1), hostfs or any other root.
std::optional<int> RootUbdUnit(const std::vector<std::string>& args);

// Bytes in a kernel size such as 64M, 1G, 524288K or 100000000 (memparse: k/m/g/t
// suffixes, either case). nullopt for anything else.
std::optional<uint64_t> ParseMemSize(std::string_view text);
// UML's memory when mem= is absent (arch/um/kernel/um_arch.c).
inline constexpr uint64_t kUmlDefaultMem = 64ull << 20;
// The guest's mem= (last one wins), or the default.
uint64_t GuestMemBytes(const std::vector<std::string>& args);
// "256 MiB", "1.5 GiB": for messages.
std::string FormatBytes(uint64_t bytes);

}  // namespace umla::bridge
