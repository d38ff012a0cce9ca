// Applying a plan and undoing it on an in-memory tree that can be told to fail:
// a bake that fails part-way still knows what it changed, and the original of an
// edited file is never replaced by an edited copy.
#include "host-bridge/bake/bake_apply.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "host-bridge/bake/change_lines.h"
#include "host-bridge/bake/manifest_in_tree.h"
#include "host-bridge/commands/bake.h"
#include "tests/unit/fake_tree.h"

namespace umla::bridge {
namespace {

class FakeRootTree : public InMemoryTree<RootTree> {
 public:
  Status MakeDirectory(const std::string& path) override {
    if (path == fail_at) return Status::Error("mkdir " + path + ": No space left on device");
    dirs.insert(path);
    return Status::Ok();
  }
  Status WriteFile(const std::string& path, const std::string& content, const std::string&,
                   uint32_t) override {
    if (path == fail_at) return Status::Error("write " + path + ": No space left on device");
    files[path] = content;
    files.erase(TempNameFor(path));  // as both trees do: a leftover goes
    return Status::Ok();
  }
  Status MakeSymlink(const std::string& path, const std::string& target) override {
    if (path == fail_at) return Status::Error("symlink " + path + ": No space left on device");
    links[path] = target;
    files[path] = "";
    return Status::Ok();
  }
  // As both trees do: a leftover temporary name goes with the path.
  Status Remove(const std::string& path) override {
    if (path == fail_at) return Status::Error("remove " + path + ": Input/output error");
    for (const std::string& name : {path, TempNameFor(path)}) {
      files.erase(name);
      links.erase(name);
    }
    return Status::Ok();
  }
  Status RemoveDirectory(const std::string& path) override {
    dirs.erase(path);
    return Status::Ok();
  }
  bool ChangesWaitForCommit() const override { return waits; }
  Status Commit() override { return Status::Ok(); }
  std::string Describe() const override { return "fake"; }

  std::string fail_at;
  bool waits = false;  // as an image does
};

constexpr const char* kBackup = "/var/lib/uml-agent/backup/etc_inittab";

BakePlan InittabPlan(const std::string& edited) {
  BakePlan plan;
  for (const char* dir : {"/var", "/var/lib", "/var/lib/uml-agent"}) {
    plan.items.push_back({BakeItem::Kind::kDirectory, dir, "", "", "", 0755});
  }
  plan.items.push_back({BakeItem::Kind::kEdit, "/etc/inittab", edited, "", "", 0644});
  plan.items.push_back({BakeItem::Kind::kFile, "/etc/uml-agent/config.json", "{}", "", "", 0644});
  return plan;
}

TEST(BakeApply, AFailurePartWayLeavesTheManifestOfWhatWasDone) {
  FakeRootTree tree;
  tree.dirs = {"/etc"};
  tree.files["/etc/inittab"] = "original\n";
  tree.fail_at = "/etc/uml-agent/config.json";
  Manifest manifest;
  std::ostringstream out;
  Status applied = ApplyBakePlan(InittabPlan("edited\n"), tree, &manifest, out);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(tree.files["/etc/inittab"], "edited\n");
  ASSERT_TRUE(manifest.Has("/etc/inittab"));
  // What --uninstall does with it: the original is back.
  tree.fail_at.clear();
  ASSERT_TRUE(UndoManifest(manifest, tree, out).ok());
  EXPECT_EQ(tree.files["/etc/inittab"], "original\n");
  EXPECT_FALSE(tree.Exists(kBackup));
  EXPECT_FALSE(tree.Exists("/var"));
}

TEST(BakeApply, AnEarlierBackupIsNeverReplaced) {
  // A bake whose manifest was lost edited inittab and kept the original.
  FakeRootTree tree;
  tree.dirs = {"/etc", "/var", "/var/lib", "/var/lib/uml-agent", "/var/lib/uml-agent/backup"};
  tree.files["/etc/inittab"] = "edited by an older bake\n";
  tree.files[kBackup] = "original\n";
  Manifest manifest;
  std::ostringstream out;
  ASSERT_TRUE(ApplyBakePlan(InittabPlan("edited\n"), tree, &manifest, out).ok());
  EXPECT_EQ(tree.files[kBackup], "original\n");
  EXPECT_NE(out.str().find("by an earlier bake"), std::string::npos) << out.str();
  ASSERT_TRUE(UndoManifest(manifest, tree, out).ok());
  EXPECT_EQ(tree.files["/etc/inittab"], "original\n");
}

TEST(BakeApply, AnEditAlreadyMadeIsListedAgainWithItsBackup) {
  FakeRootTree tree;
  tree.dirs = {"/etc", "/var", "/var/lib", "/var/lib/uml-agent", "/var/lib/uml-agent/backup"};
  tree.files["/etc/inittab"] = "edited\n";
  tree.files[kBackup] = "original\n";
  Manifest manifest;
  std::ostringstream out;
  ASSERT_TRUE(ApplyBakePlan(InittabPlan("edited\n"), tree, &manifest, out).ok());
  ASSERT_TRUE(manifest.Has("/etc/inittab"));
  ASSERT_TRUE(UndoManifest(manifest, tree, out).ok());
  EXPECT_EQ(tree.files["/etc/inittab"], "original\n");
}

TEST(BakeApply, AFailedUninstallKeepsListingWhatIsLeft) {
  FakeRootTree tree;
  tree.dirs = {"/var", "/var/lib", "/var/lib/uml-agent", "/etc/uml-agent"};
  tree.files["/etc/uml-agent/config.json"] = "{}";
  tree.files["/sbin/uml-agent"] = "agent";
  Manifest manifest;
  manifest.Add({ManifestEntry::Kind::kFile, "/sbin/uml-agent", "", 0755});
  manifest.Add({ManifestEntry::Kind::kDirectory, "/etc/uml-agent", "", 0755});
  manifest.Add({ManifestEntry::Kind::kFile, "/etc/uml-agent/config.json", "", 0644});
  tree.fail_at = "/sbin/uml-agent";
  std::ostringstream out;
  ASSERT_FALSE(UndoManifest(manifest, tree, out).ok());
  EXPECT_FALSE(tree.Exists("/etc/uml-agent"));
  Result<Manifest> left = ParseManifest(tree.files[kManifestPath], "m");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->entries.size(), 1u);
  EXPECT_EQ(left->entries[0].path, "/sbin/uml-agent");
}

TEST(BakeApply, NewKernelArgsAreDroppedButAnEditedFileIsKept) {
  FakeRootTree tree;
  tree.files[kKernelArgsPath] = "init=/sbin/uml-agent\n";
  Manifest manifest;
  manifest.Add({ManifestEntry::Kind::kEdit, kKernelArgsPath, "/b", 0644});
  std::ostringstream out;
  ASSERT_TRUE(ApplyBakePlan(BakePlan(), tree, &manifest, out).ok());
  EXPECT_TRUE(tree.Exists(kKernelArgsPath));
  manifest.entries[0].kind = ManifestEntry::Kind::kFile;
  ASSERT_TRUE(ApplyBakePlan(BakePlan(), tree, &manifest, out).ok());
  EXPECT_FALSE(tree.Exists(kKernelArgsPath));
  EXPECT_TRUE(manifest.entries.empty());
}

// A directory changes at once: a "~" line is printed only once the file is changed.
TEST(BakeApply, AFailedEditPrintsNoChangeLine) {
  FakeRootTree tree;
  tree.dirs = {"/etc"};
  tree.files["/etc/inittab"] = "original\n";
  tree.fail_at = "/etc/inittab";
  Manifest manifest;
  std::ostringstream out;
  ASSERT_FALSE(ApplyBakePlan(InittabPlan("edited\n"), tree, &manifest, out).ok());
  EXPECT_EQ(out.str().find("~ /etc/inittab"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("+ /var/lib/uml-agent/"), std::string::npos) << out.str();
  tree.fail_at.clear();
  out.str("");
  ASSERT_TRUE(ApplyBakePlan(InittabPlan("edited\n"), tree, &manifest, out).ok());
  EXPECT_NE(out.str().find("~ /etc/inittab (original kept in " + std::string(kBackup) + ")"),
            std::string::npos)
      << out.str();
}

// An image changes only in Commit(): until it succeeds, its lines are not printed as
// done, and after a failed one each change is shown as planned.
TEST(ChangeLines, AnImageShowsItsChangesOnlyOnceCommitted) {
  FakeRootTree tree;
  tree.waits = true;
  tree.files["/etc/inittab"] = "original\n";
  for (bool fails : {false, true}) {
    FakeRootTree image = tree;
    std::ostringstream out;
    ChangeLines lines(image, out);
    Manifest manifest;
    ASSERT_TRUE(ApplyBakePlan(InittabPlan("edited\n"), image, &manifest, lines.stream()).ok());
    EXPECT_EQ(out.str(), "");  // nothing before the commit
    lines.Flush(fails ? Status::Error("debugfs failed") : Status::Ok());
    EXPECT_EQ(out.str().find("planned: ") != std::string::npos, fails) << out.str();
    std::string line = "~ /etc/inittab (original kept in " + std::string(kBackup) + ")\n";
    EXPECT_NE(out.str().find(fails ? "planned: " + line : "\n" + line), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find(fails ? "planned: + /var/\n" : "+ /var/\n"), std::string::npos);
  }
  FakeRootTree directory;
  std::ostringstream out;
  ChangeLines lines(directory, out);
  lines.stream() << "+ /var/\n";
  EXPECT_EQ(out.str(), "+ /var/\n");  // made at once, printed at once
  lines.Flush(Status::Error("sync failed"));
  EXPECT_EQ(out.str(), "+ /var/\n");
}

// An image whose second debugfs run failed during a second bake: the old manifest is
// in place, the new one (listing more) under its temporary name; /etc/inittab's `ln`
// failed (only its temporary name is left), /sbin/uml-agent was moved in (both
// names). --uninstall undoes both bakes' entries and leaves no temporary name.
TEST(BakeApply, AnInterruptedImageCommitIsUndoneFromBothManifests) {
  FakeRootTree tree;
  tree.dirs = {"/etc", "/etc/init.d", "/sbin", "/var", "/var/lib", "/var/lib/uml-agent"};
  Manifest old;
  old.Add({ManifestEntry::Kind::kFile, "/sbin/uml-agent", "", 0755});
  Manifest newer = old;
  newer.Add({ManifestEntry::Kind::kDirectory, "/etc/init.d", "", 0755});
  newer.Add({ManifestEntry::Kind::kFile, "/etc/init.d/uml-agent", "", 0755});
  newer.Add({ManifestEntry::Kind::kEdit, "/etc/inittab", kBackup, 0644});
  tree.files[kManifestPath] = RenderManifest(old);
  tree.files[TempNameFor(kManifestPath)] = RenderManifest(newer);
  tree.files["/sbin/uml-agent"] = tree.files[TempNameFor("/sbin/uml-agent")] = "agent 2\n";
  tree.files["/etc/init.d/uml-agent"] = "script\n";
  tree.files[kBackup] = "original\n";
  tree.files[TempNameFor("/etc/inittab")] = "edited\n";

  Result<std::optional<Manifest>> read = ReadManifest(tree);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_TRUE(*read);
  EXPECT_EQ((*read)->entries.size(), 4u);
  std::ostringstream out;
  ASSERT_TRUE(UndoManifest(**read, tree, out).ok());
  EXPECT_EQ(tree.files["/etc/inittab"], "original\n");
  tree.files.erase("/etc/inittab");
  EXPECT_TRUE(tree.files.empty()) << tree.files.begin()->first;
  EXPECT_FALSE(tree.Exists("/etc/init.d"));
}

// Only the temporary manifest is left (its own `ln` failed): it is the manifest. One
// that is not whole (a write cut short) is ignored.
TEST(BakeApply, AManifestLeftUnderItsTemporaryNameIsRead) {
  FakeRootTree tree;
  Manifest newer;
  newer.init = "busybox";
  newer.Add({ManifestEntry::Kind::kFile, "/sbin/uml-agent", "", 0755});
  tree.files[TempNameFor(kManifestPath)] = RenderManifest(newer);
  Result<std::optional<Manifest>> read = ReadManifest(tree);
  ASSERT_TRUE(read.ok() && *read);
  EXPECT_EQ((*read)->init, "busybox");
  EXPECT_TRUE((*read)->Has("/sbin/uml-agent"));
  tree.files[TempNameFor(kManifestPath)] = "{\"version\": 1, \"ini";
  read = ReadManifest(tree);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(*read);
  tree.files[kManifestPath] = "{not json";
  EXPECT_FALSE(ReadManifest(tree).ok());
}

}  // namespace
}  // namespace umla::bridge
