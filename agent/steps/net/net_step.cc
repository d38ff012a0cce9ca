#include "agent/steps/net/net_step.h"

#include <spdlog/spdlog.h>

#include "agent/steps/net/net_plan.h"
#include "agent/steps/net/net_settings.h"
#include "agent/steps/net/persistent_plan.h"
#include "agent/system/file_system.h"
#include "agent/system/network_control.h"
#include "agent/system/seams.h"

namespace umla::agent {
namespace {

class NetStep : public Step {
 public:
  std::string_view name() const override { return "net"; }
  std::vector<std::string_view> keys() const override { return NetKeys(); }

  StepOutcome Run(StepContext& context) override {
    StepOutcome outcome;
    auto net = ReadNetSettings(context.settings);
    if (!net.ok()) return Failed(net.status());
    if (!*net) {
      outcome.skipped = true;
      outcome.skip_reason = "no network configured (uml_agent.net.* is not set)";
      return outcome;
    }
    NetSettings wanted = **net;
    for (const std::string& note : wanted.notes) spdlog::warn("net: {}", note);
    // The distribution files also carry the resolvers, for resolvconf and resolved;
    // bad dns.* values are the dns step's to report.
    auto dns = ReadDnsSettings(context.settings);
    if (dns.ok()) wanted.config.dns = *dns;
    NetworkControl* network = context.system->network;  // null: files only (--root)
    FileSystem* files = context.system->files;
    std::vector<NetAction> actions;
    if (network) {
      auto snapshot = network->Read(wanted.iface);
      if (!snapshot.ok()) return Failed(snapshot.status());
      if (!snapshot->exists) {
        return Failed(Status::Error("no network interface " + wanted.iface +
                                    " (give the guest one, e.g. eth0=tuntap,TAP, or set net.iface)"));
      }
      actions = PlanInterface(wanted.config, *snapshot);
    } else {
      outcome.skip_reason = "interfaces left alone: not the running system (--root)";
    }
    DistributionFiles distribution = PlanDistributionFiles(*files, wanted);
    std::vector<std::string> errors = distribution.errors;
    if (context.dry_run) {
      for (const auto& action : actions) context.PlanLine(DescribeNetAction(action, wanted.iface));
      for (const auto& line : DescribeDistributionFiles(distribution)) context.PlanLine(line);
      outcome.status = JoinErrors(errors);
      return outcome;
    }
    // Every interface change is tried, each failure reported; the files are written
    // regardless, so the next boot of the distribution agrees.
    std::vector<Status> applied = network ? network->Apply(wanted.iface, actions) : std::vector<Status>{};
    if (applied.size() != actions.size()) {  // a seam that broke its promise
      errors.push_back("interface " + wanted.iface + ": the outcome of its changes is unknown");
      applied.clear();
    }
    for (size_t i = 0; i < applied.size(); ++i) {
      if (applied[i].ok()) {
        outcome.changes.push_back(DescribeNetAction(actions[i], wanted.iface));
      } else {
        errors.push_back(applied[i].message());
      }
    }
    Status written = ApplyDistributionFiles(*files, distribution, &outcome.changes);
    if (!written.ok()) errors.push_back(written.message());
    outcome.status = JoinErrors(errors);
    return outcome;
  }

 private:
  static StepOutcome Failed(Status status) {
    StepOutcome outcome;
    outcome.status = std::move(status);
    return outcome;
  }
};

}  // namespace

std::unique_ptr<Step> MakeNetStep() { return std::make_unique<NetStep>(); }

}  // namespace umla::agent
