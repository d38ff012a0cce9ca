// Applies a BakePlan to a RootTree, recording what it created in the manifest and
// printing one line per path: "+" added, "~" edited (original kept), "=" unchanged.
// And the reverse for --uninstall.
#pragma once

#include <ostream>
#include <string>

#include "common/status.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/manifest.h"
#include "host-bridge/bake/root_tree.h"

namespace umla::bridge {

Status ApplyBakeItem(const BakeItem& item, RootTree& tree, Manifest* manifest, std::ostream& out);

// Copies the host directory `host_dir` to `guest_dir` (which must not exist yet).
Status CopyHostTree(const std::string& host_dir, const std::string& guest_dir, RootTree& tree,
                    Manifest* manifest, std::ostream& out);

// Removes every manifest entry in reverse order, then the manifest itself.
Status UndoManifest(const Manifest& manifest, RootTree& tree, std::ostream& out);

}  // namespace umla::bridge
