#include "agent/steps/net/dns_step.h"

#include "agent/steps/net/net_settings.h"
#include "agent/steps/net/persistent_plan.h"
#include "agent/steps/net/resolv_conf_render.h"
#include "agent/system/file_system.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class DnsStep : public Step {
 public:
  std::string_view name() const override { return "dns"; }
  std::vector<std::string_view> keys() const override { return DnsKeys(); }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    auto dns = ReadDnsSettings(context.settings);
    if (!dns.ok()) {
      outcome.status = dns.status();
      return outcome;
    }
    if (dns->empty()) {
      outcome.skipped = true;
      outcome.skip_reason = "no resolvers configured (uml_agent.dns.* is not set)";
      return outcome;
    }
    FileSystem& files = *context.system->files;
    // Read first: the read tells a symlink from a file, so the symlink check of a
    // plain file (or of none, the usual cases) costs no syscall of its own; a symlink
    // costs a few more than asking first would (its target is read, then left alone).
    std::vector<FileWrite> writes = ChangedFiles(files, {{kResolvConfPath, RenderResolvConf(*dns)}});
    Result<std::string> target = files.ReadLink(kResolvConfPath);
    if (target.ok() && IsResolverManagedTarget(kResolvConfPath, *target)) {
      outcome.skipped = true;
      outcome.skip_reason = std::string(kResolvConfPath) + " is a symlink to " + *target +
                            ", managed by a resolver daemon: left alone";
      return outcome;
    }
    if (context.dry_run) {
      for (const auto& write : writes) context.PlanLine("+ write " + write.path);
      return outcome;
    }
    outcome.status = WriteFiles(files, writes, &outcome.changes);
    return outcome;
  }
};

}  // namespace

std::unique_ptr<Step> MakeDnsStep() { return std::make_unique<DnsStep>(); }

}  // namespace umla::agent
