// The lines bake prints for what it changes ("+", "~", "-"), each true when printed.
// A tree whose changes wait for Commit() (an image) has its lines held until then:
// after a failed commit none or only some of the changes were made, so each is shown
// as "planned: ..." (the error says what the tree holds).
#pragma once

#include <ostream>
#include <sstream>

#include "common/status.h"
#include "host-bridge/bake/root_tree.h"

namespace umla::bridge {

class ChangeLines {
 public:
  ChangeLines(const RootTree& tree, std::ostream& out)
      : out_(out), hold_(tree.ChangesWaitForCommit()) {}
  // Where ApplyBakePlan and UndoManifest report: `out` itself when changes are made
  // at once.
  std::ostream& stream() { return hold_ ? held_ : out_; }
  // After Commit(): prints what was held, as planned when `committed` failed.
  void Flush(const Status& committed);

 private:
  std::ostream& out_;
  bool hold_;
  std::ostringstream held_;
};

}  // namespace umla::bridge
