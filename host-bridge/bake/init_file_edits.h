// Text edits baking makes to files an image already has, for init systems whose only
// hook is a shared file. Pure; each is idempotent (a second edit changes nothing).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace umla::bridge {

// insserv's .depend.boot/.depend.start format ("TARGETS = a b", "b: a"): adds target
// `name` running after the existing `after` targets (all targets when `after_all`)
// and before the existing `before` ones. Unchanged text when `name` is already there.
std::string AddDependTarget(std::string_view depend, const std::string& name,
                            const std::vector<std::string>& after, bool after_all,
                            const std::vector<std::string>& before);

// busybox inittab: the sysinit line of `our_lines` (initscripts/busybox/inittab.lines)
// before the first sysinit entry, its once line at the end. Unchanged text when both
// are present.
std::string AddInittabLines(std::string_view inittab, std::string_view our_lines);

}  // namespace umla::bridge
