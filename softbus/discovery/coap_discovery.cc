// SPDX-License-Identifier: Apache-2.0
//
// CoAP discovery on one UDP socket. libcoap is the codec (coap_message.cc);
// the socket is ours because libcoap 4.3.1 cannot send to 255.255.255.255
// (its client session connect()s, which fails with EACCES without
// SO_BROADCAST, and it exposes no socket to set that on), and because a
// datagram libcoap drops as malformed never reaches its caller, while we
// count and log those.
#include "discovery/coap_discovery.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <random>

#include "discovery/coap_message.h"

namespace ipckit::softbus {
namespace {

using Clock = std::chrono::steady_clock;
using Endpoint = CoapDiscovery::Endpoint;

// Bounds on what a flood of senders can make us keep or do per call.
constexpr std::size_t kMaxTrackedPeers = 256;
constexpr int kMaxDatagramsPerProcess = 64;
constexpr std::size_t kReceiveBuffer = 2048;

Error Fail(int code, std::string what)
{
    return Error{code, "discovery: " + std::move(what)};
}

Error Errno(const std::string& what)
{
    int e = errno;
    return Fail(e, what + ": " + std::strerror(e));
}

// "eth0" or "3" -> interface index; 0 when there is no such interface.
unsigned InterfaceIndex(const std::string& name)
{
    if (unsigned index = if_nametoindex(name.c_str()))
        return index;
    unsigned index = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index, 10);
    return ec == std::errc() && end == name.data() + name.size() ? index : 0;
}

bool IsIpv4(const sockaddr_storage& ss)
{
    if (ss.ss_family == AF_INET)
        return true;
    auto& sin6 = reinterpret_cast<const sockaddr_in6&>(ss);
    return ss.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr);
}

// The address without its port, as OnHeard reports it: IPv4-mapped IPv6
// as plain IPv4, link-local IPv6 with its interface.
std::string AddressText(const sockaddr_storage& ss)
{
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = "?";
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof(buf));
        return buf;
    }
    if (ss.ss_family != AF_INET6)
        return buf;
    auto& sin6 = reinterpret_cast<const sockaddr_in6&>(ss);
    if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
        inet_ntop(AF_INET, &sin6.sin6_addr.s6_addr[12], buf, sizeof(buf));
        return buf;
    }
    inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof(buf));
    std::string text = buf;
    if (sin6.sin6_scope_id) {
        char name[IF_NAMESIZE];
        text += '%';
        text += if_indextoname(sin6.sin6_scope_id, name) ? std::string(name)
                                                         : std::to_string(sin6.sin6_scope_id);
    }
    return text;
}

uint16_t PortOf(const sockaddr_storage& ss)
{
    return ntohs(ss.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(ss).sin_port
                                         : reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
}

void SetPort(Endpoint& ep, uint16_t port)
{
    if (ep.addr.ss_family == AF_INET)
        reinterpret_cast<sockaddr_in&>(ep.addr).sin_port = htons(port);
    else
        reinterpret_cast<sockaddr_in6&>(ep.addr).sin6_port = htons(port);
}

// "1.2.3.4", "1.2.3.4:5684", "fe80::1%eth0", "[ff02::1%eth0]:5684". For a
// socket of family AF_INET6, IPv4 becomes IPv4-mapped IPv6. *port is 0
// when the text has none.
Result<Endpoint> ParseEndpoint(const std::string& text, int family, uint16_t* port)
{
    if (text.empty())
        return Fail(EINVAL, "empty address");
    std::string host = text, portText;
    if (text[0] == '[') {
        std::size_t close = text.find(']');
        if (close == std::string::npos ||
            (close + 1 < text.size() && text[close + 1] != ':'))
            return Fail(EINVAL, "bad address '" + text + "'");
        host = text.substr(1, close - 1);
        if (close + 1 < text.size())
            portText = text.substr(close + 2);
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        std::size_t colon = text.find(':');
        host = text.substr(0, colon);
        portText = text.substr(colon + 1);
    }
    *port = 0;
    if (!portText.empty() || text.back() == ':') {
        unsigned p = 0;
        auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), p);
        if (ec != std::errc() || end != portText.data() + portText.size() || p == 0 || p > 65535)
            return Fail(EINVAL, "bad port in '" + text + "'");
        *port = static_cast<uint16_t>(p);
    }
    unsigned scope = 0;
    if (std::size_t pct = host.find('%'); pct != std::string::npos) {
        scope = InterfaceIndex(host.substr(pct + 1));
        if (!scope)
            return Fail(ENODEV, "no interface '" + host.substr(pct + 1) + "' in '" + text + "'");
        host.resize(pct);
    }

    Endpoint ep;
    ep.text = text;
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1 && !scope) {
        if (family == AF_INET) {
            auto& sin = reinterpret_cast<sockaddr_in&>(ep.addr);
            sin.sin_family = AF_INET;
            sin.sin_addr = v4;
            ep.len = sizeof(sin);
            return ep;
        }
        auto& sin6 = reinterpret_cast<sockaddr_in6&>(ep.addr);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr.s6_addr[10] = sin6.sin6_addr.s6_addr[11] = 0xff;
        std::memcpy(&sin6.sin6_addr.s6_addr[12], &v4, 4);
        ep.len = sizeof(sin6);
        return ep;
    }
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1)
        return Fail(EINVAL, "bad address '" + text + "' (want a numeric IPv4 or IPv6 address)");
    if (family == AF_INET)
        return Fail(EAFNOSUPPORT, "'" + text + "' is IPv6 but the socket is IPv4-only");
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(ep.addr);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = v6;
    sin6.sin6_scope_id = scope;
    ep.len = sizeof(sin6);
    return ep;
}

}  // namespace

CoapDiscovery::CoapDiscovery(const Options& options, std::string ignoreNetworkId, OnHeard onHeard)
    : options_(options), ignore_(std::move(ignoreNetworkId)), onHeard_(std::move(onHeard))
{
    std::random_device rd;
    nextMessageId_ = static_cast<uint16_t>(rd());
    token_ = rd();
}

CoapDiscovery::~CoapDiscovery() = default;

Result<std::unique_ptr<CoapDiscovery>> CoapDiscovery::Create(const Options& options,
                                                             std::string ignoreNetworkId,
                                                             OnHeard onHeard)
{
    std::unique_ptr<CoapDiscovery> d(
        new CoapDiscovery(options, std::move(ignoreNetworkId), std::move(onHeard)));
    if (options.port == 0)
        return Fail(EINVAL, "port 0 (want the UDP port to listen on)");
    if (!options.iface.empty() && !(d->ifindex_ = InterfaceIndex(options.iface)))
        return Fail(ENODEV, "no interface '" + options.iface + "'");

    // The socket: dual-stack unless an address of one family is given.
    Endpoint local;
    if (options.bindAddress.empty()) {
        d->fd_.reset(socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        d->family_ = AF_INET6;
        if (!d->fd_.valid() && errno == EAFNOSUPPORT) {  // a kernel without IPv6
            d->fd_.reset(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
            d->family_ = AF_INET;
        }
        local.addr.ss_family = static_cast<sa_family_t>(d->family_);
        local.len = d->family_ == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    } else {
        uint16_t port = 0;
        std::string host = options.bindAddress;
        bool v4 = host.find(':') == std::string::npos;
        auto ep = ParseEndpoint(host, v4 ? AF_INET : AF_INET6, &port);
        if (!ep.ok() || port)
            return Fail(EINVAL, "bad bind address '" + host + "' (want an address, no port)");
        local = ep.value();
        d->family_ = v4 ? AF_INET : AF_INET6;
        d->fd_.reset(socket(d->family_, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    }
    if (!d->fd_.valid())
        return Errno("socket");
    SetPort(local, options.port);
    int on = 1, off = 0;
    if (d->family_ == AF_INET6 &&
        setsockopt(d->fd_.get(), IPPROTO_IPV6, IPV6_V6ONLY, options.bindAddress.empty() ? &off : &on,
                   sizeof(int)) < 0)
        return Errno("IPV6_V6ONLY");
    // SO_BROADCAST: without it the kernel refuses 255.255.255.255 (EACCES).
    // No SO_REUSEADDR: a second softbusd on the port must fail, not share it.
    if (setsockopt(d->fd_.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) < 0)
        return Errno("SO_BROADCAST");
    if (bind(d->fd_.get(), reinterpret_cast<const sockaddr*>(&local.addr), local.len) < 0)
        return Errno("bind " + (options.bindAddress.empty() ? "*" : options.bindAddress) + ":" +
                     std::to_string(options.port));

    std::vector<std::string> targets = options.targets;
    bool v6only = d->family_ == AF_INET6 && !options.bindAddress.empty();
    if (targets.empty()) {
        if (!v6only)
            targets.push_back("255.255.255.255:" + std::to_string(options.port));
        if (!options.iface.empty() && d->family_ == AF_INET6)
            targets.push_back("[ff02::1%" + options.iface + "]:" + std::to_string(options.port));
    }
    for (const std::string& t : targets) {
        uint16_t port = 0;
        auto ep = ParseEndpoint(t, d->family_, &port);
        if (!ep.ok())
            return Fail(ep.error().code, "target: " + ep.error().message);
        SetPort(ep.value(), port ? port : options.port);
        d->targets_.push_back(std::move(ep.value()));
    }
    return d;
}

std::vector<uint8_t> CoapDiscovery::Message(const DiscoveryPayload& payload)
{
    std::string json = EncodeDiscoveryPayload(payload);
    return EncodeDiscoveryMessage(
        std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()), nextMessageId_++,
        token_++);
}

void CoapDiscovery::Publish(const DiscoveryPayload& payload)
{
    std::vector<uint8_t> message = Message(payload);
    for (const Endpoint& target : targets_)
        Send(message, target);
}

void CoapDiscovery::PublishTo(const DiscoveryPayload& payload, const std::string& address)
{
    uint16_t port = 0;
    auto ep = ParseEndpoint(address, family_, &port);
    if (!ep.ok()) {
        if (MayLog(address))
            std::fprintf(stderr, "softbusd: %s\n", ep.error().message.c_str());
        return;
    }
    if (!port) {
        auto it = peerPorts_.find(address);
        port = it != peerPorts_.end() ? it->second : options_.port;
    }
    SetPort(ep.value(), port);
    Send(Message(payload), ep.value());
}

void CoapDiscovery::Send(const std::vector<uint8_t>& message, const Endpoint& to)
{
    iovec iov{const_cast<uint8_t*>(message.data()), message.size()};
    msghdr mh{};
    mh.msg_name = const_cast<sockaddr_storage*>(&to.addr);
    mh.msg_namelen = to.len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    // IPv4 (broadcast above all) leaves by the route unless told which
    // interface; IPv6 link-local carries its scope in the address.
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
    if (ifindex_ && IsIpv4(to.addr)) {
        mh.msg_control = control;
        mh.msg_controllen = sizeof(control);
        cmsghdr* cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = static_cast<int>(ifindex_);
        std::memcpy(CMSG_DATA(cm), &info, sizeof(info));
    }
    if (sendmsg(fd_.get(), &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
        int e = errno;
        if (MayLog(to.text))
            std::fprintf(stderr, "softbusd: discovery: send to %s: %s\n", to.text.c_str(),
                         std::strerror(e));
    }
}

void CoapDiscovery::Process()
{
    uint8_t buf[kReceiveBuffer];
    for (int i = 0; i < kMaxDatagramsPerProcess; i++) {
        Endpoint from;
        from.len = sizeof(from.addr);
        // MSG_TRUNC: the datagram's real size, to tell an oversized one.
        ssize_t n = recvfrom(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
                             reinterpret_cast<sockaddr*>(&from.addr), &from.len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;  // EAGAIN: drained; anything else will show again on poll
        }
        from.text = AddressText(from.addr);
        auto size = static_cast<std::size_t>(n);
        Handle(std::span<const uint8_t>(buf, std::min(size, sizeof(buf))), size, from);
    }
}

void CoapDiscovery::Handle(std::span<const uint8_t> datagram, std::size_t fullSize,
                           const Endpoint& from)
{
    if (fullSize > datagram.size())
        return Garbage("datagram of " + std::to_string(fullSize) + " bytes", from.text);
    auto message = ParseDiscoveryMessage(datagram);
    if (!message.ok())
        return Garbage(message.error().message, from.text);
    if (message->confirmable)
        Send(EncodeEmptyAck(message->messageId), from);
    auto payload = DecodeDiscoveryPayload(message->payload);
    if (!payload.ok())
        return Garbage(payload.error().message, from.text);
    if (payload->networkId == ignore_)
        return;  // our own announcement, looped back
    if (peerPorts_.size() >= kMaxTrackedPeers && !peerPorts_.count(from.text))
        peerPorts_.clear();
    peerPorts_[from.text] = PortOf(from.addr);
    onHeard_(payload.value(), from.text);
}

void CoapDiscovery::Garbage(const std::string& what, const std::string& address)
{
    garbage_++;
    if (MayLog(address))
        std::fprintf(stderr, "softbusd: discovery: %s from %s\n", what.c_str(), address.c_str());
}

bool CoapDiscovery::MayLog(const std::string& address)
{
    auto now = Clock::now();
    if (lastLog_.size() >= kMaxTrackedPeers) {
        std::erase_if(lastLog_, [&](const auto& kv) { return now - kv.second >= std::chrono::seconds(1); });
        if (lastLog_.size() >= kMaxTrackedPeers)
            return false;  // a flood from many addresses: stay quiet until it ages
    }
    auto [it, fresh] = lastLog_.try_emplace(address, now);
    if (!fresh && now - it->second < std::chrono::seconds(1))
        return false;
    it->second = now;
    return true;
}

}  // namespace ipckit::softbus
