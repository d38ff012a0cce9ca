#include "agent/steps/registry.h"

namespace umla::agent {

std::vector<std::unique_ptr<Step>> MakeBootSteps() {
  std::vector<std::unique_ptr<Step>> steps;
  return steps;
}

}  // namespace umla::agent
