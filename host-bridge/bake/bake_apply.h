// Applies a BakePlan to a RootTree, recording what it created in the manifest and
// printing one line per path: "+" added, "~" edited (original kept), "=" unchanged.
// And the reverse for --uninstall (bake_undo.cc).
#pragma once

#include <ostream>
#include <string>

#include "common/status.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/manifest.h"
#include "host-bridge/bake/root_tree.h"

namespace umla::bridge {

// Stops at the first failure; `manifest` then lists what was done before it.
Status ApplyBakePlan(const BakePlan& plan, RootTree& tree, Manifest* manifest, std::ostream& out);

Status ApplyBakeItem(const BakeItem& item, RootTree& tree, Manifest* manifest, std::ostream& out);

// Copies the host directory `host_dir` to `guest_dir` (which must not exist yet).
Status CopyHostTree(const std::string& host_dir, const std::string& guest_dir, RootTree& tree,
                    Manifest* manifest, std::ostream& out);

// Undoes every manifest entry in reverse order and removes the manifest. On a failure
// the manifest is rewritten with the entries not undone yet.
Status UndoManifest(const Manifest& manifest, RootTree& tree, std::ostream& out);

}  // namespace umla::bridge
