// SPDX-License-Identifier: Apache-2.0
//
// The generic netlink sockets of `ipckit` (libnl-genl-3): resolving the
// "binder" and "ipckit" families, the GET_STATS and GET_PROC requests, and
// the multicast subscription `monitor` reads. What the messages mean is
// netlink_events.h's business; this file only moves them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ipckit/result.h>

#include "netlink_events.h"

struct nl_sock;
struct nlmsghdr;

namespace ipckit::cli {

struct NlSockDeleter {
    void operator()(nl_sock* sock) const;
};
using NlSock = std::unique_ptr<nl_sock, NlSockDeleter>;

// A connected generic netlink socket.
Result<NlSock> OpenGenl();

// The family's id, or ENOENT with a sentence saying it is not registered
// and what that likely means.
Result<int> ResolveFamily(nl_sock* sock, const std::string& family);

// IPCKIT_CMD_GET_STATS for one device (its name, "binder"), or every
// device. ENOENT when the family is missing (no module offers it).
Result<std::vector<DeviceStats>> NetlinkStats(const std::optional<std::string>& device);
// IPCKIT_CMD_GET_PROC: one process on one device (both given), or every
// process the caller may see (on `device` if given).
Result<std::vector<ProcInfo>> NetlinkProcs(const std::optional<std::string>& device,
                                           const std::optional<uint32_t>& pid);

// The multicast groups `monitor` listens to, on one socket.
class Monitor {
public:
    struct Subscription {
        bool reports = false;  // binder's "report" group joined
        bool events = false;   // ipckit's "events" group joined
        std::string missing;   // why a wanted family is not there ("" if none is)
    };
    // The socket's receive buffer unless asked otherwise: room for bursts.
    static constexpr int kDefaultRcvbuf = 1 << 20;

    // Joins binder's "report" group if `reports`, ipckit's "events" group if
    // `events`, with a receive buffer of `rcvbuf` bytes (SO_RCVBUF: the
    // kernel doubles it and caps it at net.core.rmem_max). Fails when none
    // of those could be joined.
    static Result<Monitor> Open(bool reports, bool events, int rcvbuf = kDefaultRcvbuf);

    const Subscription& subscription() const { return sub_; }

    // What one received message is.
    struct Message {
        enum Kind { ReportMsg, EventMsg, Lost, Other } kind = Other;
        const nlmsghdr* header = nullptr;
        std::size_t size = 0;  // bytes at header (the rest of the datagram)
    };
    // Waits for the next datagram and calls `each` for every message in it
    // (a socket overrun is one Lost message). Returns EINTR when a signal
    // cut the wait short, other errors as they come.
    Status Receive(const std::function<void(const Message&)>& each);

private:
    NlSock sock_;
    int reportFamily_ = -1;
    int eventFamily_ = -1;
    Subscription sub_;
    std::vector<unsigned char> buffer_;
};

}  // namespace ipckit::cli
