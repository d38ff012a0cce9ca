#include "agent/steps/registry.h"

#include "agent/steps/activate_step.h"
#include "agent/steps/devnodes_step.h"
#include "agent/steps/fstab_step.h"
#include "agent/steps/net/dns_step.h"
#include "agent/steps/net/net_step.h"
#include "agent/steps/modules_step.h"

namespace umla::agent {

std::vector<std::unique_ptr<Step>> MakeBootSteps() {
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(MakeDevnodesStep());
  steps.push_back(MakeFstabStep());
  steps.push_back(MakeActivateStep());
  steps.push_back(MakeNetStep());
  steps.push_back(MakeDnsStep());
  // Last: the module tree is independent of the storage and network fixups.
  steps.push_back(MakeModulesStep());
  return steps;
}

}  // namespace umla::agent
