// Reading the bake manifest from a root tree, also after a bake that was interrupted.
#pragma once

#include <optional>

#include "common/status.h"
#include "host-bridge/bake/bake_plan.h"
#include "host-bridge/bake/manifest.h"

namespace umla::bridge {

// The manifest at kManifestPath in `tree`, nullopt when there is none. A bake
// interrupted while changing it (an image whose second debugfs run failed, a crash
// in a directory) may have left the new one under TempNameFor(kManifestPath), beside
// the old one or in its place: its entries are added (its init and kernel arguments
// win), so that what that bake made is still undone by --uninstall and kept listed by
// a new bake. A leftover that is not a whole manifest is ignored; a manifest that
// cannot be parsed fails, naming it.
Result<std::optional<Manifest>> ReadManifest(TreeView& tree);

}  // namespace umla::bridge
