// `uml-agent boot` (RunBoot) on an image tree: the directory sync of a whole run comes
// after its ready event and report, and its failure is the run's own (report, exit
// status); the wrapper's fixups phase syncs before it saves its state.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "agent/commands/boot.h"
#include "agent/commands/init.h"
#include "agent/system/file_system.h"
#include "tests/unit/slurp.h"

namespace umla::agent {
namespace {

namespace fs = std::filesystem;

using umla::testing::Slurp;

// What the directory sync found when it ran (the fault hook sees it first).
std::string g_tree;
int g_syncs = 0;
bool g_reported_before_sync = false;
bool g_ready_sent_before_sync = false;
bool g_state_before_sync = false;
int g_sync_error = 0;
bool g_sync_hangs = false;

int WatchDirectorySync(const char* point) {
  if (std::strcmp(point, "fsync-dir") != 0) return 0;
  ++g_syncs;
  g_reported_before_sync = fs::exists(g_tree + kReportPath);
  g_state_before_sync = fs::exists(g_tree + "/run/uml-agent/state.json");
  g_ready_sent_before_sync = Slurp(g_tree + "/line").find("\"type\":\"ready\"") != std::string::npos;
  if (g_sync_hangs) ::sleep(30);  // the guard stops it long before
  return g_sync_error;
}

class BootRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/umla-bootrun.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    tree_ = pattern;
    fs::create_directories(tree_ + "/etc");
    fs::create_directories(tree_ + "/run");
    std::ofstream(tree_ + "/line").flush();  // the "console line": a plain file
    std::ofstream(tree_ + "/cmdline") << "root=/dev/ubda\n";
    g_tree = tree_;
    g_syncs = 0;
    g_reported_before_sync = g_ready_sent_before_sync = g_state_before_sync = false;
    g_sync_error = 0;
    g_sync_hangs = false;
    SetFaultHookForTesting(WatchDirectorySync);
  }
  void TearDown() override {
    SetFaultHookForTesting(nullptr);
    fs::remove_all(tree_);
  }
  // Only the dns step, which writes /etc/resolv.conf (so /etc has a sync to come).
  BootOptions Options() const {
    BootOptions options;
    options.root = tree_;
    options.channel = tree_ + "/line";
    options.cmdline_path = tree_ + "/cmdline";
    options.settings = {"dns.nameservers=198.51.100.53"};
    options.only_steps = {"dns"};
    return options;
  }
  // Runs `phase` and adds what it sent to sent_ (each run writes the line, a plain
  // file here, from its start).
  int RunPhase(BootPhase phase) {
    BootOptions options = Options();
    options.phase = phase;
    int status = RunBoot(options);
    sent_ += Slurp(tree_ + "/line");
    fs::resize_file(tree_ + "/line", 0);
    return status;
  }
  // The reason of the report's last step, which must be a failed "sync" in a report
  // that is not ok ("" when it is not).
  std::string FailedSyncInReport() const {
    nlohmann::json report = nlohmann::json::parse(Slurp(tree_ + kReportPath), nullptr, false);
    if (!report.is_object() || report.value("ok", true) || !report["steps"].is_array() ||
        report["steps"].empty()) {
      return "";
    }
    const nlohmann::json& last = report["steps"].back();
    if (last.value("name", "") != "sync" || last.value("status", "") != "failed") return "";
    return last.value("reason", "");
  }
  std::string tree_;
  std::string sent_;
};

TEST_F(BootRunTest, AWholeRunSyncsAfterItsReadyAndReport) {
  EXPECT_EQ(RunBoot(Options()), 0);
  EXPECT_EQ(g_syncs, 1);
  EXPECT_TRUE(g_ready_sent_before_sync);
  EXPECT_TRUE(g_reported_before_sync);
  EXPECT_NE(Slurp(tree_ + "/etc/resolv.conf").find("nameserver 198.51.100.53"), std::string::npos);
  nlohmann::json report = nlohmann::json::parse(Slurp(tree_ + kReportPath));
  EXPECT_TRUE(report.value("ok", false));
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// The steps create with umask 0 (exact modes); a gate's command runs with the boot's
// own umask.
TEST_F(BootRunTest, AGateCommandCreatesFilesWithTheBootsUmask) {
  mode_t before = ::umask(022);
  BootOptions options = Options();
  options.settings.push_back("ready.command=touch " + tree_ + "/made-by-gate");
  EXPECT_EQ(RunBoot(options), 0);
  ::umask(before);
  struct stat st;
  ASSERT_EQ(::stat((tree_ + "/made-by-gate").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

// Guest text need not be UTF-8 (a Latin-1 setting here, quoted by the step's error):
// the report and the split phases' state file are still written, the byte replaced.
TEST_F(BootRunTest, ABadByteInAStepsReasonStillLeavesAReportAndState) {
  auto with_bad_byte = [this](BootPhase phase) {
    BootOptions options = Options();
    options.settings = {"dns.nameservers=198.51.100.\xe9"};
    options.phase = phase;
    return RunBoot(options);
  };
  EXPECT_EQ(with_bad_byte(BootPhase::kAll), 1);
  nlohmann::json report = nlohmann::json::parse(Slurp(tree_ + kReportPath));
  ASSERT_EQ(report["steps"].size(), 1u);
  EXPECT_NE(report["steps"][0].value("reason", "").find("\xef\xbf\xbd"), std::string::npos)
      << report.dump();
  fs::remove(tree_ + kReportPath);
  fs::resize_file(tree_ + "/line", 0);
  EXPECT_EQ(with_bad_byte(BootPhase::kFixups), 1);
  EXPECT_TRUE(nlohmann::json::parse(Slurp(tree_ + kStatePath), nullptr, false).is_object());
  fs::resize_file(tree_ + "/line", 0);
  EXPECT_EQ(with_bad_byte(BootPhase::kReady), 1);  // goes on from the fixups' state
  std::string ready_phase = Slurp(tree_ + "/line");
  EXPECT_EQ(Count(ready_phase, "\"type\":\"hello\""), 0u) << ready_phase;
  EXPECT_EQ(Count(ready_phase, "\"type\":\"ready\""), 1u) << ready_phase;
}


// Once ready went out, the run's report is the boot's state: a later `ready` or
// `--phase fixups` of the same boot does nothing, also where the fixups' state file
// (ready not sent yet) is still there.
TEST_F(BootRunTest, AfterReadyTheReportTellsLaterPhasesItWentOut) {
  EXPECT_EQ(RunPhase(BootPhase::kAll), 0);
  EXPECT_FALSE(fs::exists(tree_ + kStatePath));  // a whole run keeps only its report
  EXPECT_EQ(RunPhase(BootPhase::kReady), 0);
  EXPECT_EQ(RunPhase(BootPhase::kFixups), 0);
  EXPECT_EQ(Count(sent_, "\"type\":\"hello\""), 1u) << sent_;
  EXPECT_EQ(Count(sent_, "\"type\":\"ready\""), 1u) << sent_;
}

TEST_F(BootRunTest, ASplitRunSendsReadyOnceThoughItsStateFileStays) {
  EXPECT_EQ(RunPhase(BootPhase::kFixups), 0);
  ASSERT_TRUE(fs::exists(tree_ + kStatePath));
  EXPECT_EQ(RunPhase(BootPhase::kReady), 0);
  EXPECT_EQ(RunPhase(BootPhase::kReady), 0);
  EXPECT_TRUE(fs::exists(tree_ + kStatePath));
  EXPECT_EQ(Count(sent_, "\"type\":\"hello\""), 1u) << sent_;
  EXPECT_EQ(Count(sent_, "\"type\":\"ready\""), 1u) << sent_;
  nlohmann::json report = nlohmann::json::parse(Slurp(tree_ + kReportPath));
  EXPECT_TRUE(report.value("ok", false)) << report.dump();
}

// A second run in the same boot that crashes is recovered from its own state, newer
// than the first run's report: it still ends with a ready, and its report says why.
TEST_F(BootRunTest, ACrashAfterAnEarlierRunsReadyIsStillReported) {
  EXPECT_EQ(RunPhase(BootPhase::kAll), 0);
  BootOptions crashing = Options();
  crashing.settings.push_back("debug.crash_step=1");
  crashing.only_steps.push_back("debug-crash");
  EXPECT_EQ(RunBootGuarded(crashing), 1);
  // (The ready phase's frames are written over the crashed run's here: a plain file.)
  sent_ += Slurp(tree_ + "/line");
  EXPECT_EQ(Count(sent_, "\"type\":\"ready\""), 2u) << sent_;
  nlohmann::json report = nlohmann::json::parse(Slurp(tree_ + kReportPath));
  EXPECT_FALSE(report.value("ok", true)) << report.dump();
  EXPECT_NE(report.dump().find("debug-crash"), std::string::npos) << report.dump();
}

// A report of an earlier boot, or one that does not parse, is no state of this boot.
TEST_F(BootRunTest, OnlyThisBootsReadableReportCountsAsReadySent) {
  fs::create_directories(tree_ + "/run/uml-agent");
  for (const std::string& report :
       {std::string("{\"type\": \"ready\", \"start_us\": 1, \"hello\": {\"agent_version\": \"0\", "
                    "\"kernel\": \"6.1\", \"boot_id\": \"another-boot\", \"mode\": \"boot\"}}"),
        std::string("not a report")}) {
    std::ofstream(tree_ + kReportPath) << report;
    fs::remove(tree_ + kStatePath);
    sent_.clear();
    EXPECT_EQ(RunPhase(BootPhase::kFixups), 0);
    EXPECT_EQ(RunPhase(BootPhase::kReady), 0);
    EXPECT_EQ(Count(sent_, "\"type\":\"ready\""), 1u) << report << "\n" << sent_;
    EXPECT_EQ(Count(sent_, "\"type\":\"hello\""), 1u) << report << "\n" << sent_;
  }
}

// The PID-1 wrapper falls back to the default on a bad value of its own keys; the run
// names each as a failed config step (the other steps still run).
TEST_F(BootRunTest, BadValuesOfTheWrappersKeysAreFailedConfigSteps) {
  BootOptions options = Options();
  options.settings.push_back("init.timeout_ms=10s");
  options.settings.push_back("ready.late=maybe");
  options.settings.push_back("init.exec=sbin/init");
  EXPECT_EQ(RunBoot(options), 1);
  std::string line = Slurp(tree_ + "/line");
  for (const char* key : {"init.timeout_ms=\\\"10s\\\"", "ready.late=\\\"maybe\\\"",
                          "init.exec=\\\"sbin/init\\\""}) {
    EXPECT_NE(line.find(key), std::string::npos) << key << "\n" << line;
  }
  size_t config_steps = 0;  // step events (the ready event lists them again)
  std::istringstream events(line);
  for (std::string event; std::getline(events, event);) {
    config_steps += event.find("\"type\":\"step\"") != std::string::npos &&
                    event.find("\"name\":\"config\"") != std::string::npos;
  }
  EXPECT_EQ(config_steps, 3u) << line;
  EXPECT_NE(Slurp(tree_ + "/etc/resolv.conf").find("nameserver 198.51.100.53"), std::string::npos);
}

TEST_F(BootRunTest, AFailedSyncAfterReadyIsInTheReportAndTheExitStatus) {
  g_sync_error = EIO;
  EXPECT_EQ(RunBoot(Options()), 1);
  EXPECT_TRUE(g_ready_sent_before_sync);
  EXPECT_EQ(FailedSyncInReport(), "fsync directory " + tree_ + "/etc: Input/output error");
  // The host was told ready before: the line's ready says ok.
  std::string line = Slurp(tree_ + "/line");
  EXPECT_NE(line.find("\"ok\":true"), std::string::npos);
}

TEST_F(BootRunTest, TheWrappersFixupsPhaseSyncsBeforeItSavesItsState) {
  g_sync_error = EIO;
  BootOptions options = Options();
  options.phase = BootPhase::kFixups;
  EXPECT_EQ(RunBoot(options), 1);
  EXPECT_EQ(g_syncs, 1);
  EXPECT_FALSE(g_state_before_sync);
  // Its failure is a step like the others: on the line and in the state for the
  // ready phase to report.
  EXPECT_NE(Slurp(tree_ + "/line").find("fsync directory " + tree_ + "/etc"), std::string::npos);
  EXPECT_NE(Slurp(tree_ + "/run/uml-agent/state.json").find("\"sync\""), std::string::npos);
}

// Under the guard (as `uml-agent boot` runs), a sync that hangs after ready is
// stopped, and the report it kept says so instead of ok.
TEST_F(BootRunTest, ASyncThatHangsAfterReadyIsInTheReport) {
  g_sync_hangs = true;
  BootOptions options = Options();
  options.settings.push_back("init.timeout_ms=500");
  EXPECT_EQ(RunBootGuarded(options), 1);
  EXPECT_TRUE(g_ready_sent_before_sync);
  std::string reason = FailedSyncInReport();
  EXPECT_EQ(reason.rfind("the agent stopped during this step: ", 0), 0u) << reason;
}

}  // namespace
}  // namespace umla::agent
