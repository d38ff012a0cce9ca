#include "host-bridge/commands/net_setup.h"

#include <pwd.h>
#include <sys/stat.h>

#include <iostream>
#include <optional>
#include <vector>

#include "common/net_config.h"
#include "common/strings.h"
#include "host-bridge/hostnet/host_links.h"
#include "host-bridge/hostnet/net_setup_apply.h"
#include "host-bridge/hostnet/net_setup_state.h"
#include "host-bridge/hostnet/net_setup_state_file.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

unsigned long NetnsInode() {
  struct stat st;
  return ::stat("/proc/self/ns/net", &st) == 0 ? static_cast<unsigned long>(st.st_ino) : 0;
}

Result<std::optional<uid_t>> ResolveUser(const std::string& user) {
  if (user.empty()) return std::optional<uid_t>();
  if (auto uid = ParseUnsigned(user, 0xFFFFFFFEu)) return std::optional<uid_t>(static_cast<uid_t>(*uid));
  struct passwd* entry = ::getpwnam(user.c_str());
  if (!entry) return Status::Error("--user " + user + ": no such user");
  return std::optional<uid_t>(entry->pw_uid);
}

}  // namespace

std::string RecordedForDownNote(const std::optional<NetSetupState>& record,
                                const std::string& path) {
  bool keeps_something = record && (record->created_bridge || record->created_tap ||
                                     !record->uplink.empty());
  return keeps_something ? " (what is left to undo is recorded in " + path + ")"
                         : " (nothing is recorded for --down to undo)";
}

Status CheckNetSetupOptions(const NetSetupOptions& options) {
  if (!options.down && options.tap.empty()) {
    return Status::Error("--tap is required (except with --down)");
  }
  for (const auto& [option, name] : {std::pair{"--bridge", &options.bridge},
                                     std::pair{"--tap", &options.tap},
                                     std::pair{"--uplink", &options.uplink}}) {
    bool optional = name != &options.bridge;  // the tap only with --down, as above
    if ((optional && name->empty()) || IsInterfaceName(*name)) continue;
    return Status::Error(std::string(option) + " \"" + SanitizeForTerminal(*name) +
                         "\": expected " + kInterfaceNameRule);
  }
  return Status::Ok();
}

int RunNetSetup(const NetSetupOptions& options) {
  auto fail = [](const std::string& message) {
    std::cerr << "uml-bridge net-setup: " << message << "\n";
    return kExitUsage;
  };
  Status names = CheckNetSetupOptions(options);
  if (!names.ok()) return fail(names.message());
  auto owner = ResolveUser(options.user);
  if (!owner.ok()) return fail(owner.status().message());
  NetlinkHostLinks links;
  Status opened = links.Open();
  if (!opened.ok()) return fail(opened.message());

  // Held until the end: another net-setup waits, and cannot save over this one's record.
  auto record = NetSetupStateFile::Open(kNetSetupStateDir, NetnsInode(), options.bridge, std::cerr);
  if (!record.ok()) return fail(record.status().message());
  const std::string& path = record->path();
  auto loaded = record->Load();
  if (!loaded.ok()) return fail(loaded.status().message());
  const std::optional<NetSetupState>& recorded = *loaded;
  if (options.down) {
    if (!recorded) {
      std::cout << "nothing recorded for " << options.bridge << " in this network namespace ("
                << path << "); nothing to undo\n";
      return kExitReady;
    }
    NetSetupState left = *recorded;
    std::vector<std::string> warnings;
    Status undone = TearDownBridge(links, &left, std::cout, &warnings);
    for (const auto& warning : warnings) std::cerr << "uml-bridge net-setup: warning: " << warning << "\n";
    if (!undone.ok()) {
      // What is undone or left leaves the record; the rest stays for another --down.
      Status saved = record->Save(left);
      return fail(undone.message() +
                  (saved.ok() ? RecordedForDownNote(left, path) : "; " + saved.message()));
    }
    Status removed = record->Remove();
    return removed.ok() ? kExitReady : fail(removed.message());
  }
  NetSetupState state = recorded.value_or(NetSetupState{});
  if (recorded && !recorded->tap.empty() && recorded->tap != options.tap) {
    return fail(options.bridge + " was set up with tap " + recorded->tap + " (see " + path +
                "); run --down first");
  }
  // One uplink a record: a second would overwrite what --down gives back to the first.
  if (recorded && !recorded->uplink.empty() && recorded->uplink != options.uplink) {
    return fail(options.bridge + " was set up with uplink " + recorded->uplink + " (see " +
                path + "); run --down first");
  }
  state.bridge = options.bridge;
  state.tap = options.tap;
  NetSetupRequest request{options.bridge, options.tap, *owner, options.uplink};
  std::optional<NetSetupState> on_disk = recorded;  // what the record holds now
  auto save = [&record, &on_disk](const NetSetupState& made) {
    Status saved = record->Save(made);
    if (saved.ok()) on_disk = made;
    return saved;
  };
  Status done = SetUpBridge(links, request, &state, save, std::cout);
  if (!done.ok()) return fail(done.message() + RecordedForDownNote(on_disk, path));
  return kExitReady;
}

}  // namespace umla::bridge
