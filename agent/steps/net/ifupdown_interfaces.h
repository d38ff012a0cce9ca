// Debian's /etc/network/interfaces as the net step leaves it: it must read the agent's
// file in interfaces.d, and the image's own stanza for the interface the agent
// configures must not clash with it. Every edit can be undone from the file alone, so
// an interface the agent no longer configures gets its stanza back. Pure.
#pragma once

#include <string>
#include <string_view>

namespace umla::agent {

// `current` made to read interfaces.d (a source line appended when no line sources
// it), with its own stanza for IFACE commented out (the `iface` block, and IFACE in
// `auto`/`allow-*` lines) and what was commented out for any other interface back.
// Everything else is kept as it was. Empty `current`: a minimal file.
std::string AdaptIfupdownInterfaces(std::string_view current, const std::string& iface);

// `current` with every line the agent commented out back as it was, and (with
// `drop_source_line`) without the source line the agent appended: the file as the
// image had it (net.persist=no).
std::string RestoreIfupdownInterfaces(std::string_view current, bool drop_source_line);

}  // namespace umla::agent
