#include "agent/steps/registry.h"

#include "agent/steps/modules_step.h"

namespace umla::agent {

std::vector<std::unique_ptr<Step>> MakeBootSteps() {
  std::vector<std::unique_ptr<Step>> steps;
  // Last: the module tree is independent of the storage and network fixups.
  steps.push_back(MakeModulesStep());
  return steps;
}

}  // namespace umla::agent
