// The devnodes planner: missing, wrong minor, wrong type, correct, partitions,
// legacy names, prune, and a second plan after applying the first being empty.
#include "agent/core/devnodes_plan.h"

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

NodeStat Node(NodeKind kind, uint32_t major, uint32_t minor, uint32_t mode = 0660, uint32_t uid = 0,
              uint32_t gid = 0) {
  NodeStat node;
  node.kind = kind;
  node.major = major;
  node.minor = minor;
  node.mode = mode;
  node.uid = uid;
  node.gid = gid;
  return node;
}

// The seed image: static /dev with /dev/ubd/0..7 at minors 0..7, disks ubda and ubdb.
DevnodesSnapshot SeedSnapshot() {
  DevnodesSnapshot snapshot;
  snapshot.devices = {{"ubda", 98, 0}, {"ubdb", 98, 16}, {"loop0", 7, 0}};
  snapshot.nodes["/dev/ubd"] = Node(NodeKind::kDirectory, 0, 0, 0755);
  for (uint32_t n = 0; n < 8; ++n) {
    snapshot.nodes["/dev/ubd/" + std::to_string(n)] = Node(NodeKind::kBlock, 98, n, 0640, 0, 6);
  }
  return snapshot;
}

// What the plan's actions do to the snapshot (as the fakes would).
void ApplyTo(DevnodesSnapshot* snapshot, const DevnodesPlan& plan) {
  for (const NodeAction& action : plan.actions) {
    if (action.kind == NodeActionKind::kRemove)
      snapshot->nodes.erase(action.path);
    else
      snapshot->nodes[action.path] = action.after;
  }
}

std::vector<std::string> Lines(const DevnodesPlan& plan) {
  std::vector<std::string> lines;
  for (const NodeAction& action : plan.actions) {
    for (const std::string& line : DescribeNodeAction(action)) lines.push_back(line);
  }
  return lines;
}

TEST(DevnodesPlan, SeedImageGetsRightMinorsKeepingModeAndOwner) {
  DevnodesSnapshot snapshot = SeedSnapshot();
  DevnodesPlan plan = PlanDevnodes(snapshot, DevnodesOptions{});
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{
                             "+ /dev/ubda b 98:0 0660 0:0", "+ /dev/ubd0 b 98:0 0660 0:0",
                             "+ /dev/ubdb b 98:16 0660 0:0", "- /dev/ubd/1 b 98:1 0640 0:6",
                             "+ /dev/ubd/1 b 98:16 0640 0:6", "+ /dev/ubd1 b 98:16 0660 0:0"}));
  EXPECT_TRUE(plan.warnings.empty());
  ApplyTo(&snapshot, plan);
  EXPECT_TRUE(PlanDevnodes(snapshot, DevnodesOptions{}).actions.empty());
}

TEST(DevnodesPlan, WrongTypeIsReplacedCorrectNodesAndUnrelatedOnesAreLeft) {
  DevnodesSnapshot snapshot;
  snapshot.devices = {{"ubda", 98, 0}};
  snapshot.nodes["/dev/ubda"] = Node(NodeKind::kChar, 98, 0, 0600, 5, 5);
  snapshot.nodes["/dev/ubd0"] = Node(NodeKind::kBlock, 98, 0);
  snapshot.nodes["/dev/ubd"] = Node(NodeKind::kDirectory, 0, 0);
  snapshot.nodes["/dev/ubd/0"] = Node(NodeKind::kSymlink, 0, 0);
  snapshot.nodes["/dev/sda"] = Node(NodeKind::kBlock, 8, 0);
  DevnodesPlan plan = PlanDevnodes(snapshot, DevnodesOptions{});
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{"- /dev/ubda c 98:0 0600 5:5",
                                                   "+ /dev/ubda b 98:0 0600 5:5"}));
  EXPECT_EQ(plan.warnings,
            (std::vector<std::string>{"/dev/ubd/0 is not a device node; left alone"}));
}

TEST(DevnodesPlan, PartitionsAndNoLegacyDirectoryYet) {
  DevnodesSnapshot snapshot;
  snapshot.devices = {{"ubdc", 98, 32}, {"ubdc1", 98, 33}, {"ubdc2", 98, 34}};
  DevnodesPlan plan = PlanDevnodes(snapshot, DevnodesOptions{});
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{
                             "+ /dev/ubd/ d 0755", "+ /dev/ubdc b 98:32 0660 0:0",
                             "+ /dev/ubd/2 b 98:32 0660 0:0", "+ /dev/ubd2 b 98:32 0660 0:0",
                             "+ /dev/ubdc1 b 98:33 0660 0:0", "+ /dev/ubdc2 b 98:34 0660 0:0"}));
  DevnodesOptions no_legacy;
  no_legacy.legacy = false;
  EXPECT_EQ(PlanDevnodes(snapshot, no_legacy).actions.size(), 3u);
}

TEST(DevnodesPlan, PruneRemovesOnlyStaleUbdBlockNodesAndOnlyWhenAsked) {
  DevnodesSnapshot snapshot = SeedSnapshot();
  snapshot.nodes["/dev/ubdh"] = Node(NodeKind::kBlock, 98, 112);
  snapshot.nodes["/dev/ubdb3"] = Node(NodeKind::kBlock, 98, 19);
  snapshot.nodes["/dev/ubd9"] = Node(NodeKind::kChar, 4, 9);  // not a ubd node: kept
  DevnodesSnapshot without = snapshot;
  ApplyTo(&without, PlanDevnodes(snapshot, DevnodesOptions{}));
  EXPECT_TRUE(PlanDevnodes(without, DevnodesOptions{}).actions.empty());

  DevnodesOptions prune;
  prune.prune = true;
  DevnodesPlan plan = PlanDevnodes(without, prune);
  std::vector<std::string> removed;
  for (const NodeAction& action : plan.actions) {
    ASSERT_EQ(action.kind, NodeActionKind::kRemove);
    removed.push_back(action.path);
  }
  EXPECT_EQ(removed,
            (std::vector<std::string>{"/dev/ubd/2", "/dev/ubd/3", "/dev/ubd/4", "/dev/ubd/5",
                                      "/dev/ubd/6", "/dev/ubd/7", "/dev/ubdb3", "/dev/ubdh"}));
  ApplyTo(&without, plan);
  EXPECT_TRUE(PlanDevnodes(without, prune).actions.empty());
}

TEST(DevnodesPlan, LegacyPathThatIsNotADirectoryIsLeftAlone) {
  DevnodesSnapshot snapshot;
  snapshot.devices = {{"ubda", 98, 0}};
  snapshot.nodes["/dev/ubd"] = Node(NodeKind::kOther, 0, 0);
  DevnodesPlan plan = PlanDevnodes(snapshot, DevnodesOptions{});
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{"+ /dev/ubda b 98:0 0660 0:0",
                                                   "+ /dev/ubd0 b 98:0 0660 0:0"}));
  EXPECT_EQ(plan.warnings.size(), 1u);
}

}  // namespace
}  // namespace umla::agent
