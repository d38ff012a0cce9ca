#include "agent/core/activate_plan.h"

#include <sys/swap.h>

#include <algorithm>

#include "agent/core/fstab_text.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

std::vector<std::string_view> Options(const FstabLine& line) {
  return Split(line.fields.size() > 3 ? std::string_view(line.fields[3]) : "defaults", ',');
}

bool HasOption(const FstabLine& line, std::string_view option) {
  auto options = Options(line);
  return std::find(options.begin(), options.end(), option) != options.end();
}

}  // namespace

MountRequest HostfsRequest(const std::string& source, const std::string& target,
                           const std::string& options) {
  static const std::vector<std::string_view> kGeneric = {
      "defaults", "rw",      "auto", "noauto", "nofail", "user", "nouser",
      "users",    "_netdev", "exec", "suid",   "dev",    "async"};
  MountRequest request{source, target, "hostfs", false, ""};
  for (std::string_view option : Split(options, ',')) {
    if (option == "ro") {
      request.read_only = true;
    } else if (!option.empty() &&
               std::find(kGeneric.begin(), kGeneric.end(), option) == kGeneric.end()) {
      if (!request.data.empty()) request.data += ',';
      request.data += DecodeOctalEscapes(option);
    }
  }
  return request;
}

SwapRequest SwapOnRequest(const std::string& device, const std::string& options,
                          const std::string& where, std::vector<std::string>* problems) {
  SwapRequest request{device};
  for (std::string_view option : Split(options, ',')) {
    if (StartsWith(option, "pri=")) {
      std::string_view value = option.substr(4);
      std::optional<uint64_t> number = ParseUnsigned(value, 32767);
      if (value == "-1") {
        request.priority = -1;
      } else if (number) {
        request.priority = static_cast<int>(*number);
      } else {
        problems->push_back(where + ": " + std::string(option) +
                            ": expected a priority from -1 to 32767; " + device +
                            " goes on with the kernel's own");
      }
    } else if (option == "discard") {
      request.discard = "all";
    } else if (StartsWith(option, "discard=")) {
      std::string_view policy = option.substr(8);
      if (policy == "once" || policy == "pages") {
        request.discard = std::string(policy);
      } else {
        problems->push_back(where + ": " + std::string(option) +
                            ": expected discard, discard=once or discard=pages; " + device +
                            " goes on without discard");
      }
    }
  }
  return request;
}

std::string DescribeSwapon(const SwapRequest& request) {
  std::string line = "+ swapon " + request.device;
  if (request.priority >= 0) line += " -p " + std::to_string(request.priority);
  if (request.discard == "all") line += " --discard";
  if (request.discard == "once" || request.discard == "pages") line += " --discard=" + request.discard;
  return line;
}

// The discard policies (the kernel's include/linux/swap.h; glibc's sys/swap.h has only
// SWAP_FLAG_DISCARD, which alone means both).
constexpr int kSwapFlagDiscardOnce = 0x20000;
constexpr int kSwapFlagDiscardPages = 0x40000;

int SwapFlags(const SwapRequest& request) {
  int flags = 0;
  if (request.priority >= 0) {
    flags |= SWAP_FLAG_PREFER | ((request.priority << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
  }
  if (!request.discard.empty()) flags |= SWAP_FLAG_DISCARD;
  if (request.discard == "once") flags |= kSwapFlagDiscardOnce;
  if (request.discard == "pages") flags |= kSwapFlagDiscardPages;
  return flags;
}

std::string DescribeMount(const MountRequest& request) {
  return "+ mount -t " + request.type + " " + request.source + " " + request.target +
         (request.read_only ? " -r" : "") + (request.data.empty() ? "" : " -o " + request.data);
}

ActivatePlan PlanActivate(const ActivateSnapshot& snapshot) {
  ActivatePlan plan;
  std::vector<bool> active(snapshot.swaps.size(), false);
  for (const std::string& device : snapshot.active_swaps) {
    SpecResolution found = ResolveSwapSpec(device, snapshot.swaps, snapshot.unprobed,
                                          snapshot.present);
    if (found.match == SpecMatch::kSwap) active[found.index] = true;
  }
  std::vector<std::string> targets;  // mounted now or planned
  for (const MountEntry& mount : snapshot.mounts) targets.push_back(mount.target);

  size_t number = 0;
  for (const FstabLine& line : ParseFstab(snapshot.fstab_text).lines) {
    ++number;
    if (!line.is_entry || HasOption(line, "noauto")) continue;
    if (line.type() == "swap") {
      SpecResolution found = ResolveSwapSpec(line.spec(), snapshot.swaps, snapshot.unprobed,
                                          snapshot.present);
      if (found.match != SpecMatch::kSwap || active[found.index]) continue;
      active[found.index] = true;
      plan.swapon.push_back(SwapOnRequest(snapshot.swaps[found.index].path,
                                          line.fields.size() > 3 ? line.fields[3] : "defaults",
                                          snapshot.fstab_path + ":" + std::to_string(number),
                                          &plan.problems));
    } else if (line.type() == "hostfs") {
      std::string target = DecodeOctalEscapes(line.file());
      if (!IsPlainAbsolutePath(target)) continue;  // as the fstab step: never a relative one
      // Something already mounted there (hostfs or not) is never covered up.
      if (std::find(targets.begin(), targets.end(), target) != targets.end()) continue;
      targets.push_back(target);
      MountRequest request = HostfsRequest(DecodeOctalEscapes(line.spec()), target,
                                           line.fields.size() > 3 ? line.fields[3] : "defaults");
      plan.mounts.push_back(std::move(request));
    }
  }
  return plan;
}

}  // namespace umla::agent
