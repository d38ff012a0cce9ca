#include "agent/core/activate_plan.h"

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

std::string DescribeSwapon(const std::string& device) { return "+ swapon " + device; }

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

  for (const FstabLine& line : ParseFstab(snapshot.fstab_text).lines) {
    if (!line.is_entry || HasOption(line, "noauto")) continue;
    if (line.type() == "swap") {
      SpecResolution found = ResolveSwapSpec(line.spec(), snapshot.swaps, snapshot.unprobed,
                                          snapshot.present);
      if (found.match != SpecMatch::kSwap || active[found.index]) continue;
      active[found.index] = true;
      plan.swapon.push_back(snapshot.swaps[found.index].path);
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
