// rtnetlink over an AF_NETLINK socket, for the few things both programs need: list
// links, IPv4 addresses and routes; set a link up, its MTU or master; add and delete
// addresses, routes and bridges. Every failure names the operation and the device.
// This is the only code that speaks netlink; the agent wraps it in NetworkControl,
// the bridge in hostnet/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/net_config.h"
#include "common/status.h"

namespace umla::netlink {

struct LinkInfo {
  int index = 0;
  std::string name;
  uint32_t mtu = 0;
  bool up = false;         // IFF_UP (administratively up)
  int master = 0;          // ifindex of the bridge it is a port of, 0 if none
  std::string kind;        // IFLA_INFO_KIND: "bridge", "tun", "dummy", "" (physical)
};

struct AddressInfo {
  int index = 0;
  Ipv4Prefix prefix;       // the address itself with its prefix length
  Ipv4 broadcast = 0;
};

struct RouteInfo {
  uint32_t table = 0;      // RT_TABLE_MAIN is 254
  NetRoute route;
  int oif = 0;
  uint8_t protocol = 0;    // RTPROT_KERNEL (2) for routes the kernel added itself
  uint8_t type = 0;        // RTN_UNICAST (1) for ordinary routes
  uint32_t metric = 0;     // RTA_PRIORITY
};

// What a route added by AddRoute carries beyond its destination and gateway.
struct RouteOrigin {
  uint8_t protocol = 4;  // RTPROT_STATIC; `ip route add` uses RTPROT_BOOT (3)
  uint32_t metric = 0;
};

class Socket {
 public:
  Socket() = default;
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  Status Open();
  Result<std::vector<LinkInfo>> Links();
  // The link called `name` (nullopt: there is none), asked for by name: one request
  // and one answer, where a dump of every link takes a second read for its end.
  Result<std::optional<LinkInfo>> LinkNamed(const std::string& name);
  Result<std::vector<AddressInfo>> Addresses();  // IPv4 only
  // Both in one exchange (one datagram out, the answers read together): the agent
  // looks at one interface and its addresses at each boot, two syscalls fewer inside
  // UML than asking in turn (2 for 4 where the dump ends in its first part).
  struct LinkWithAddresses {
    std::optional<LinkInfo> link;        // nullopt: there is none
    std::vector<AddressInfo> addresses;  // the link's only
  };
  Result<LinkWithAddresses> LinkNamedWithAddresses(const std::string& name);
  Result<std::vector<RouteInfo>> Routes();       // IPv4 only, every table

  // Sets what is given: up/down, MTU (0 keeps it), master (0 releases).
  Status SetLink(const LinkInfo& link, std::optional<bool> up, uint32_t mtu,
                 std::optional<int> master);
  Status AddAddress(const LinkInfo& link, const Ipv4Prefix& prefix, Ipv4 broadcast);
  Status DeleteAddress(const LinkInfo& link, const Ipv4Prefix& prefix);
  // In the main table; `replace` turns an existing route to the same destination
  // into this one instead of failing.
  Status AddRoute(const LinkInfo& link, const NetRoute& route, bool replace,
                  const RouteOrigin& origin = {});
  Status DeleteRoute(const LinkInfo& link, const NetRoute& route);
  Status CreateBridge(const std::string& name);
  Status DeleteLink(const LinkInfo& link);

  // Changes made in one go: each method above also has a form that only encodes its
  // request (`Encode*`), and Batch sends them in one datagram (up to 16 a datagram)
  // and reads the answers with one recvmmsg. The kernel handles them in order and
  // goes on after one fails, so each gets its own status. Inside UML each syscall is
  // ~60 us: three changes cost two syscalls instead of six.
  struct Change {
    std::string request;  // without its sequence number yet
    std::string what;     // names the operation and the device, for its error
    // An error answer with this number means "there is none" (ENODEV for a link asked
    // for by name): no messages, not an error. 0: every error is one.
    int none_errno = 0;
  };
  Change EncodeSetLink(const LinkInfo& link, std::optional<bool> up, uint32_t mtu,
                       std::optional<int> master);
  Change EncodeAddAddress(const LinkInfo& link, const Ipv4Prefix& prefix, Ipv4 broadcast);
  Change EncodeDeleteAddress(const LinkInfo& link, const Ipv4Prefix& prefix);
  Change EncodeAddRoute(const LinkInfo& link, const NetRoute& route, bool replace,
                        const RouteOrigin& origin = {});
  Change EncodeDeleteRoute(const LinkInfo& link, const NetRoute& route);
  std::vector<Status> Batch(std::vector<Change> changes);

  // Questions asked in one go, the same way, and Batch's way too: a change is a
  // question whose answer is the kernel's ack (asked for here if the request does not).
  // A question's answer is one message, or for a dump (a get with NLM_F_DUMP) its parts
  // up to DONE; an error answer ends either. Each query gets its messages or its error,
  // in the order given. A dump ends its datagram (the kernel runs one dump at a time a
  // socket, so a second one goes in the next). A read that fails or an answer too big
  // for its slice fails the questions still open, and the socket is opened afresh (no
  // stale answers or running dump are left in it).
  using Query = Change;
  std::vector<Result<std::vector<std::string>>> Ask(std::vector<Query> queries);

 private:
  Status Transact(Change change);
  Result<std::vector<std::string>> Exchange(Query query);
  // Sends the queries at `order` (one datagram's worth) and reads until each has its
  // answer, in `results` at the same index.
  void AskInOneDatagram(const std::vector<Query>& queries, const std::vector<size_t>& order,
                        std::vector<Result<std::vector<std::string>>>& results);
  char* Buffer();
  // One receive buffer, sliced per read (AskInOneDatagram). 64 KiB: a dump's part is
  // at most 32 KiB (the kernel's cap); more would be fresh pages (a host round trip
  // each in UML) for nothing.
  static constexpr size_t kBufferSize = 64 << 10;
  static constexpr size_t kDumpPart = 32 << 10;
  static constexpr size_t kSlices = 16;  // the most queries a datagram holds
  // With a dump, the others share what its part leaves, 4 KiB each at least.
  static constexpr size_t kSlicesBesideADump = (kBufferSize - kDumpPart) / (4 << 10);
  int fd_ = -1;
  uint32_t seq_ = 1;
  // One receive buffer per socket, never zero-filled: in a UML guest every fresh page
  // a process touches is a host round trip (~0.3 ms on the build machines), so a
  // 64 KiB buffer zeroed per request cost more than the request.
  std::unique_ptr<char[]> buffer_;
};

// The link called `name` among `links`, or nullopt.
std::optional<LinkInfo> FindLink(const std::vector<LinkInfo>& links, const std::string& name);

}  // namespace umla::netlink
