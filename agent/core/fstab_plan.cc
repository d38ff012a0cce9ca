#include "agent/core/fstab_plan.h"

#include <algorithm>

#include "common/strings.h"

namespace umla::agent {
namespace {

bool IsOwned(const FstabFile& file, size_t index) {
  return index > 0 && file.lines[index - 1].IsMarker();
}

// Puts `text` in line `index`, with `marker` on the line above (replacing an
// agent marker that is already there), recording the +/- lines.
void Rewrite(FstabFile* file, size_t index, const std::string& text, const std::string& marker,
             std::vector<std::string>* changes) {
  changes->push_back("- " + file->lines[index].text);
  file->lines[index] = ParseFstabLine(text);
  if (IsOwned(*file, index)) {
    changes->push_back("- " + file->lines[index - 1].text);
    file->lines[index - 1] = ParseFstabLine(marker);
  } else {
    file->lines.insert(file->lines.begin() + static_cast<long>(index), ParseFstabLine(marker));
  }
  changes->push_back("+ " + marker);
  changes->push_back("+ " + text);
}

void Append(FstabFile* file, const std::string& text, const std::string& marker,
            std::vector<std::string>* changes) {
  file->final_newline = true;  // the old last line needs its newline now
  file->lines.push_back(ParseFstabLine(marker));
  file->lines.push_back(ParseFstabLine(text));
  changes->push_back("+ " + marker);
  changes->push_back("+ " + text);
}

void PlanSwap(const FstabSnapshot& snapshot, FstabFile* file, std::vector<std::string>* changes,
              std::vector<std::string>* notes) {
  if (!snapshot.devices_known) return;  // nothing can be judged, nothing added
  std::vector<bool> claimed(snapshot.swaps.size(), false);
  std::vector<size_t> to_fix;
  bool any_swap_entry = false;
  for (size_t i = 0; i < file->lines.size(); ++i) {
    const FstabLine& line = file->lines[i];
    if (!line.is_entry || line.type() != "swap") continue;
    any_swap_entry = true;
    SpecResolution found = ResolveSwapSpec(line.spec(), snapshot.swaps, snapshot.unprobed,
                                          snapshot.present);
    if (found.match == SpecMatch::kSwap) claimed[found.index] = true;
    if (found.match == SpecMatch::kMissing) to_fix.push_back(i);
  }
  size_t inserted = 0;  // each rewrite of an unowned line inserts a marker above it
  for (size_t original : to_fix) {
    size_t index = original + inserted;
    auto free = std::find(claimed.begin(), claimed.end(), false);
    if (free == claimed.end()) {  // no swap device left to point at: leave it
      notes->push_back("line " + std::to_string(original + 1) + ": swap on " +
                       file->lines[index].spec() +
                       " names no working device, and no ubd device with swap is left to "
                       "point it at; left as it is");
      continue;
    }
    const SwapDevice& swap = snapshot.swaps[static_cast<size_t>(free - claimed.begin())];
    *free = true;
    std::string old_spec = file->lines[index].spec();
    if (!IsOwned(*file, index)) ++inserted;
    Rewrite(file, index, ReplaceSpec(file->lines[index], swap.path),
            std::string(kOwnedMarker) + " swap on " + swap.path + " (was " + old_spec + ")",
            changes);
  }
  if (any_swap_entry) return;
  for (const SwapDevice& swap : snapshot.swaps) {
    Append(file, swap.path + " none swap sw 0 0",
           std::string(kOwnedMarker) + " swap on " + swap.path, changes);
  }
}

void PlanHostfs(const FstabOptions& options, FstabFile* file, std::vector<std::string>* changes) {
  std::string wanted = HostfsLine(options);
  std::string marker = std::string(kOwnedMarker) + " host files";
  bool any = false;
  for (size_t i = 0; i < file->lines.size(); ++i) {
    const FstabLine& line = file->lines[i];
    if (!line.is_entry || line.type() != "hostfs") continue;
    any = true;
    // An entry the agent wrote follows the settings; one the user wrote is theirs.
    if (IsOwned(*file, i) && line.text != wanted) Rewrite(file, i, wanted, marker, changes);
  }
  if (!any) Append(file, wanted, marker, changes);
}

}  // namespace

std::string HostfsLine(const FstabOptions& options) {
  std::string data = options.hostdir.empty() ? "defaults" : EncodeOctalEscapes(options.hostdir);
  return "none " + EncodeOctalEscapes(options.mountpoint) + " hostfs " + data + " 0 0";
}

std::vector<std::string> HostfsMountpoints(const FstabFile& file) {
  std::vector<std::string> mountpoints;
  for (const FstabLine& line : file.lines) {
    if (!line.is_entry || line.type() != "hostfs") continue;
    // Only a mount point mount(8) could use that stays where it says (never made or
    // mounted on: "mnt/x" or "/../x" would land beside or above an image tree).
    std::string mountpoint = DecodeOctalEscapes(line.file());
    if (IsPlainAbsolutePath(mountpoint)) mountpoints.push_back(mountpoint);
  }
  return mountpoints;
}

std::string DescribeMountPoint(const std::string& dir) { return "+ " + dir + "/ d 0755"; }

FstabPlan PlanFstab(const FstabSnapshot& snapshot, const FstabOptions& options) {
  FstabPlan plan;
  FstabFile file = ParseFstab(snapshot.text.value_or(""));
  if (options.swap) PlanSwap(snapshot, &file, &plan.changes, &plan.notes);
  if (options.hostfs) PlanHostfs(options, &file, &plan.changes);
  plan.text = RenderFstab(file);
  // No fstab and nothing to put in one: there is still no fstab.
  plan.changed = snapshot.text ? plan.text != *snapshot.text : !plan.text.empty();
  if (options.hostfs) {
    for (const std::string& dir : HostfsMountpoints(file)) {
      bool known =
          std::find(plan.make_dirs.begin(), plan.make_dirs.end(), dir) != plan.make_dirs.end();
      if (!known && !snapshot.existing_dirs.count(dir)) {
        plan.make_dirs.push_back(dir);
      }
    }
  }
  return plan;
}

}  // namespace umla::agent
