// uml-bridge: command-line front end only; each subcommand lives in commands/.
#include <algorithm>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "host-bridge/commands/net_setup.h"
#include "host-bridge/commands/netconf.h"
#include "host-bridge/commands/bake.h"
#include "host-bridge/commands/run.h"
#include "host-bridge/commands/run_preflight.h"
#include "host-bridge/commands/wait.h"
#include "host-bridge/watch/exit_codes.h"

namespace po = boost::program_options;
using namespace umla::bridge;

namespace {

void AddWatchOptions(po::options_description& options, WatchOptions* watch) {
  options.add_options()
      ("timeout", po::value(&watch->timeout_s)->default_value(watch->timeout_s),
       "seconds to wait for ready")
      ("json", po::bool_switch(&watch->json), "print each event as a JSON object per line on stdout")
      ("quiet,q", po::bool_switch(&watch->quiet),
       "no progress lines on stderr (why a run ends with status 2 or more is still said)")
      ("line", po::value(&watch->line)->default_value(watch->line),
       "guest console line the agent reports on (/dev/ttyN)");
}

// Parses `args` against `options`; prints help or the error. Returns -1 to go on.
int Parse(const std::string& usage, po::options_description& options,
          const std::vector<std::string>& args, const char* exit_help = kExitStatusHelp) {
  po::options_description all(usage);
  all.add_options()("help,h", "show this help");
  all.add(options);
  po::variables_map vm;
  try {
    // No guessing: an abbreviation would be taken for an option whose exact name some
    // code looks for (--no-image for --no-image-args, --mod for --modules) and ignored.
    po::store(po::command_line_parser(args)
                  .options(all)
                  .style(po::command_line_style::default_style &
                         ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    // --help before notify(): notify() fails on missing required options.
    if (vm.count("help")) {
      std::cout << all << "\n" << exit_help;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& error) {
    std::cerr << "uml-bridge: " << error.what() << "\n(try --help)\n";
    return kExitUsage;
  }
  return -1;
}

bool CheckWatch(const WatchOptions& watch) {
  umla::Status checked = CheckWatchOptions(watch);
  if (!checked.ok()) std::cerr << "uml-bridge: " << checked.message() << "\n";
  return checked.ok();
}

int RunCommand(const std::vector<std::string>& args) {
  RunOptions run;
  std::string mirror;
  std::string guest_ip;
  auto separator = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> ours(args.begin(), separator);
  po::options_description options;
  AddWatchOptions(options, &run.watch);
  AddPreflightOptions(options, &run);
  options.add_options()
      ("console-log", po::value(&run.console_log),
       "write the guest's main console (con0) to FILE, every byte, instead of stderr "
       "(where a terminal gets control bytes made visible, e.g. ESC as ^[); with --detach "
       "the console is discarded unless this is given")
      ("detach", po::bool_switch(&run.detach),
       "return once the guest is ready and leave it running")
      ("pidfile", po::value(&run.pidfile), "with --detach: write the kernel's pid to F")
      ("mirror", po::value(&mirror),
       "give the guest a network like this host's on IFACE (see netconf); needs --guest-ip")
      ("guest-ip", po::value(&guest_ip), "with --mirror: the guest's ADDR/PREFIX")
      ("no-image-args", "do not add the kernel arguments a baked ubd0 image asks for (only "
       "init=/PATH and uml_agent.* are ever taken from an image)");
  int parsed = Parse(
      "Usage: uml-bridge run [OPTIONS] -- KERNEL [KERNEL-ARGS...]\n\n"
      "Starts a UML kernel with the agent's console line wired to the bridge and waits\n"
      "until the agent reports ready. Adds conN=fd:3,fd:3, umid= (unless given) and\n"
      "mconsole=notify:... to the kernel arguments. Without --detach it stays until\n"
      "the guest exits; on timeout it halts the guest it started. Before starting the\n"
      "kernel it checks the host (see --no-preflight); under systemd (NOTIFY_SOCKET set)\n"
      "it sends STATUS= lines and READY=1 once the guest is ready.\n\nOptions",
      options, ours);
  if (parsed >= 0) return parsed;
  run.image_args = std::find(ours.begin(), ours.end(), "--no-image-args") == ours.end();
  if (separator == args.end() || separator + 1 == args.end()) {
    std::cerr << "uml-bridge run: missing \"-- KERNEL [ARGS...]\" (try --help)\n";
    return kExitUsage;
  }
  if (!run.pidfile.empty() && !run.detach) {
    std::cerr << "uml-bridge run: --pidfile needs --detach\n";
    return kExitUsage;
  }
  if (!CheckWatch(run.watch)) return kExitUsage;
  if (mirror.empty() != guest_ip.empty()) {
    std::cerr << "uml-bridge run: --mirror and --guest-ip go together\n";
    return kExitUsage;
  }
  run.kernel = *(separator + 1);
  run.kernel_args.assign(separator + 2, args.end());
  if (!mirror.empty()) {
    // On the kernel command line: there before the agent starts, and again after a
    // reboot of the guest, without any exchange over the console line.
    std::vector<std::string> warnings;
    auto network = MirrorArguments(mirror, guest_ip, run.kernel_args, &warnings);
    for (const auto& warning : warnings) std::cerr << "uml-bridge run: warning: " << warning << "\n";
    if (!network.ok()) {
      std::cerr << "uml-bridge run: " << network.status().message() << "\n";
      return kExitUsage;
    }
    run.extra_args.insert(run.extra_args.end(), network->begin(), network->end());
  }

  if (int refused = PrepareRun(run); refused >= 0) return refused;
  return RunGuest(run);
}

int WaitCommand(const std::vector<std::string>& args) {
  WaitOptions wait;
  po::options_description options;
  AddWatchOptions(options, &wait.watch);
  options.add_options()(
      "channel", po::value(&wait.channels)->required()->composing(),
      "fifo:PATH (start the guest with conN=null,fd:3 3<>PATH), pts:PATH, or umid:NAME\n"
      "(the guest's line is conN=pts; its pts is found through its mconsole, asked "
      "again until the guest is up; once it has answered, a guest that powers off "
      "before ready ends the wait with exit 4).\n"
      "Repeat to wait for several guests at once.");
  int parsed = Parse(
      "Usage: uml-bridge wait --channel SPEC [--channel SPEC...] [OPTIONS]\n\n"
      "Waits until the agent in each guest started by someone else reports ready. With\n"
      "several guests the exit status is the worst: 4 over 3 over 1 over 0.\n\nOptions",
      options, args);
  if (parsed >= 0) return parsed;
  if (!CheckWatch(wait.watch)) return kExitUsage;
  return WaitForGuest(wait);
}

const char* kNetExitHelp = "Exit status: 0 done; 2 usage error or failure (the message says which).\n";

int NetconfCommand(const std::vector<std::string>& args) {
  NetconfOptions netconf;
  po::options_description options;
  options.add_options()
      ("mirror", po::value(&netconf.mirror)->required(), "host interface the guest is bridged to (br0)")
      ("guest-ip", po::value(&netconf.guest_ip)->required(), "the guest's ADDR/PREFIX on that subnet")
      ("format", po::value(&netconf.format)->default_value(netconf.format),
       "json, or cmdline (the uml_agent.* kernel arguments `run --mirror` adds)");
  int parsed = Parse(
      "Usage: uml-bridge netconf --mirror IFACE --guest-ip ADDR/PREFIX [--format json|cmdline]\n\n"
      "Prints the network a guest on IFACE's subnet should have, read from this host:\n"
      "the subnet's prefix, broadcast and MTU, the host's default gateway, the routes\n"
      "the host has through IFACE, and the resolvers of /etc/resolv.conf (the upstream\n"
      "servers of systemd-resolved when it is the 127.0.0.53 stub). Warnings go to\n"
      "stderr. Exit status 2 when IFACE has no IPv4 address or the guest address does\n"
      "not fit its subnet.\n\nOptions",
      options, args, kNetExitHelp);
  if (parsed >= 0) return parsed;
  return RunNetconf(netconf);
}

int NetSetupCommand(const std::vector<std::string>& args) {
  NetSetupOptions setup;
  po::options_description options;
  options.add_options()
      ("bridge", po::value(&setup.bridge)->required(), "bridge to create or reuse (br0)")
      ("tap", po::value(&setup.tap), "persistent tap to create or reuse as its port")
      ("user", po::value(&setup.user), "owner of the tap (user name or uid)")
      ("uplink", po::value(&setup.uplink),
       "also make this host interface a port of the bridge, moving its IPv4 addresses "
       "and routes to the bridge")
      ("down", po::bool_switch(&setup.down), "remove what earlier runs created, nothing else");
  int parsed = Parse(
      "Usage: uml-bridge net-setup --bridge BR --tap TAP [--user USER] [--uplink IF]\n"
      "       uml-bridge net-setup --bridge BR --down\n\n"
      "Creates (if missing) bridge BR and persistent tap TAP as its port, both up, through\n"
      "rtnetlink and /dev/net/tun; running it again changes nothing. What it created is\n"
      "recorded in /run/uml-bridge/net-setup.NETNS.BR.json with their interface index,\n"
      "and --down removes exactly that (a device made since under the same name is left,\n"
      "with a warning) and takes the uplink out of the bridge, with its addresses and\n"
      "routes, if net-setup put it there.\n\nOptions",
      options, args, kNetExitHelp);
  if (parsed >= 0) return parsed;
  return RunNetSetup(setup);
}

int BakeCommand(const std::vector<std::string>& args) {
  BakeOptions bake;
  std::string modules;
  po::options_description options;
  options.add_options()
      ("rootfs", po::value(&bake.rootfs),
       "root directory or ext2/3/4 image file to bake into (an image is changed "
       "through debugfs, without mounting it)")
      ("init", po::value(&bake.init)->default_value(bake.init),
       "auto, systemd, sysvinit, busybox, openrc or wrapper (only the PID-1 wrapper). "
       "auto detects the init system; for systemd it also installs the wrapper")
      ("wrapper", po::bool_switch(&bake.wrapper),
       "also boot through the PID-1 wrapper (init=/sbin/uml-agent, recorded in "
       "/etc/uml-agent/kernel-args for `uml-bridge run`)")
      ("agent", po::value(&bake.agent),
       "the static uml-agent to install (default: ../sbin/uml-agent beside uml-bridge, "
       "or the build tree's, or /sbin/uml-agent)")
      ("modules", po::value(&modules)->implicit_value(""),
       "--modules[=VERSION]: also copy /usr/lib/uml/modules/VERSION into the image's "
       "/lib/modules (default: the only version there)")
      ("uninstall", po::bool_switch(&bake.uninstall),
       "remove exactly what earlier bakes added (from the image's manifest)");
  int parsed = Parse(
      "Usage: uml-bridge bake --rootfs DIR|IMAGE [OPTIONS]\n\n"
      "Installs uml-agent into a guest root: /sbin/uml-agent, /etc/uml-agent/config.json\n"
      "(unless present) and the init integration. Idempotent; what it added is listed in\n"
      "/var/lib/uml-agent/bake-manifest.json inside the root. Exit 0 done, 1 nothing to\n"
      "uninstall, 2 error.\n\nOptions",
      options, args, "");
  if (parsed >= 0) return parsed;
  if (bake.rootfs.empty()) {
    std::cerr << "uml-bridge bake: --rootfs DIR|IMAGE is required (try --help)\n";
    return kExitUsage;
  }
  if (std::find(args.begin(), args.end(), "--modules") != args.end() ||
      std::any_of(args.begin(), args.end(),
                  [](const std::string& a) { return a.rfind("--modules=", 0) == 0; })) {
    bake.modules = modules;
  }
  return RunBake(bake);
}

struct Subcommand {
  const char* name;
  const char* summary;
  std::function<int(const std::vector<std::string>&)> run;
};

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> table = {
      {"run", "start a UML guest and wait until its agent reports ready", RunCommand},
      {"wait", "wait for the agent of a guest started elsewhere", WaitCommand},
      {"netconf", "print the network a guest mirroring a host interface gets", NetconfCommand},
      {"net-setup", "create (or --down remove) a bridge with a persistent tap", NetSetupCommand},
      {"bake", "install the agent and its init integration into a root dir or image", BakeCommand},
  };
  return table;
}

void PrintUsage(std::ostream& out) {
  out << "Usage: uml-bridge COMMAND [OPTIONS]   (uml-bridge COMMAND --help for more)\n\n"
         "Host side of uml-agent: starts or watches User-Mode Linux guests and waits\n"
         "for their agent's \"ready\".\n\nCommands:\n";
  for (const auto& command : Subcommands()) {
    out << "  " << command.name << std::string(10 - std::strlen(command.name), ' ')
        << command.summary << "\n";
  }
  out << "\n" << kExitStatusHelp;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(std::cout);
    return 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "uml-bridge " << UMLA_VERSION << "\n";
    return 0;
  }
  for (const auto& command : Subcommands()) {
    if (args[0] == command.name) return command.run({args.begin() + 1, args.end()});
  }
  std::cerr << "uml-bridge: unknown command \"" << args[0] << "\"\n\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}
