// SPDX-License-Identifier: Apache-2.0
//
// CoAP device discovery on the LAN. Each device listens on one UDP port
// (5684 by default) for POST /device_discover and announces itself there:
// IPv4 broadcast and, with an interface, IPv6 ff02::1. Whoever hears an
// announcement can answer with a unicast one (PublishTo), so both sides
// learn each other in one round.
//
// One socket does both: announcements leave from the listening port, which
// is how a peer learns where to answer. Single-threaded: the owner polls
// fd() and calls Process(); callbacks run inside Process().
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "discovery/discovery_payload.h"
#include "ipckit/result.h"
#include "ipckit/unique_fd.h"

namespace ipckit::softbus {

class CoapDiscovery {
public:
    struct Options {
        uint16_t port = 5684;     // UDP port we listen on (and announce from)
        std::string iface;        // e.g. "eth0": IPv6 ff02::1 needs a scope; "" = all/none
        // Where Publish() sends: "255.255.255.255:5684", "[ff02::1%eth0]:5684",
        // or unicast "127.0.0.1:15684" (no port = port). Empty = the defaults:
        // IPv4 broadcast on port, and ff02::1 on iface if iface is set.
        std::vector<std::string> targets;
        std::string bindAddress;  // "" = any (both families); tests use "127.0.0.1"
    };
    // A valid announcement from another device (our own id is skipped), with
    // the sender's address as text: "10.76.0.2", "fe80::1%eth0" (no port).
    using OnHeard = std::function<void(const DiscoveryPayload&, const std::string& address)>;

    static Result<std::unique_ptr<CoapDiscovery>> Create(const Options& options,
                                                         std::string ignoreNetworkId,
                                                         OnHeard onHeard);
    ~CoapDiscovery();
    CoapDiscovery(const CoapDiscovery&) = delete;
    CoapDiscovery& operator=(const CoapDiscovery&) = delete;

    // The one descriptor to poll for POLLIN.
    int fd() const { return fd_.get(); }
    // A NON-confirmable POST /device_discover to every target, now.
    void Publish(const DiscoveryPayload& payload);
    // The same to one peer: address as OnHeard gave it (the reply goes to
    // the port that peer announced from), or "host:port" / "[v6]:port".
    void PublishTo(const DiscoveryPayload& payload, const std::string& address);
    // Handles what is queued on the socket; never blocks.
    void Process();
    // Malformed datagrams and payloads seen (each logged, rate-limited).
    uint64_t garbageCount() const { return garbage_; }

    // A parsed destination; public for the .cc's helpers.
    struct Endpoint {
        sockaddr_storage addr{};
        socklen_t len = 0;
        std::string text;
    };

private:
    CoapDiscovery(const Options& options, std::string ignoreNetworkId, OnHeard onHeard);
    void Send(const std::vector<uint8_t>& message, const Endpoint& to);
    void Handle(std::span<const uint8_t> datagram, std::size_t fullSize, const Endpoint& from);
    void Garbage(const std::string& what, const std::string& address);
    // Log lines about one address at most once a second.
    bool MayLog(const std::string& address);
    std::vector<uint8_t> Message(const DiscoveryPayload& payload);

    Options options_;
    std::string ignore_;
    OnHeard onHeard_;
    UniqueFd fd_;
    int family_ = AF_UNSPEC;  // of fd_: AF_INET6 is dual-stack unless bound to a v6 address
    unsigned ifindex_ = 0;    // of options_.iface, 0 when none
    std::vector<Endpoint> targets_;
    uint16_t nextMessageId_ = 0;
    uint32_t token_ = 0;
    uint64_t garbage_ = 0;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> lastLog_;
    std::unordered_map<std::string, uint16_t> peerPorts_;  // address -> port it sent from
};

}  // namespace ipckit::softbus
