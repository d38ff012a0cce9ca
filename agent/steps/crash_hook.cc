#include "agent/steps/crash_hook.h"

#include <unistd.h>

#include <cstdlib>

namespace umla::agent {
namespace {

class CrashHookStep : public Step {
 public:
  explicit CrashHookStep(bool hang) : hang_(hang) {}
  std::string_view name() const override { return "debug-crash"; }
  StepOutcome Run(StepContext& context) override {
    if (context.dry_run) return {};
    if (hang_) {
      while (true) ::pause();
    }
    std::abort();
  }

 private:
  bool hang_;
};

}  // namespace

std::unique_ptr<Step> MakeCrashHookStep(const Settings& settings) {
  auto value = settings.Get("debug.crash_step");
  if (!value || value->value == "0" || value->value == "no") return nullptr;
  return std::make_unique<CrashHookStep>(value->value == "hang");
}

}  // namespace umla::agent
