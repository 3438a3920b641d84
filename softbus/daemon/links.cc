// SPDX-License-Identifier: Apache-2.0
//
// Links: one TLS connection per pair of devices (the lower networkId
// dials), HELLO both ways, then keepalives and the sessions' frames.
// A link that misbehaves (bad frame, more data than its window) is closed
// with a log line; its sessions end with LinkDown.
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/daemon.h"
#include "daemon/log.h"
#include "link/group_secret.h"

namespace ipckit::softbus {

namespace {

std::string AddressText(const sockaddr_storage& addr)
{
    char host[NI_MAXHOST];
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), host, sizeof(host),
                      nullptr, 0, NI_NUMERICHOST) != 0)
        return "?";
    std::string text = host;
    // v4-mapped: show it as v4.
    if (text.rfind("::ffff:", 0) == 0 && text.find('.') != std::string::npos)
        text = text.substr(7);
    return text;
}

void TuneSocket(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

Status Daemon::OpenListener()
{
    int family = AF_INET6;
    UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid() || !options_.bindAddress.empty()) {
        family = AF_INET;
        fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    }
    if (!fd.valid())
        return Error{errno, std::string("socket: ") + std::strerror(errno)};
    int one = 1, zero = 0;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_storage addr{};
    socklen_t len;
    if (family == AF_INET6) {
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(options_.port);
        a->sin6_addr = in6addr_any;
        len = sizeof(*a);
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&addr);
        a->sin_family = AF_INET;
        a->sin_port = htons(options_.port);
        if (options_.bindAddress.empty())
            a->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (::inet_pton(AF_INET, options_.bindAddress.c_str(), &a->sin_addr) != 1)
            return Error{EINVAL, "bad bind address " + options_.bindAddress};
        len = sizeof(*a);
    }
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0)
        return Error{errno, "cannot bind the session port " + std::to_string(options_.port) +
                                ": " + std::strerror(errno)};
    if (::listen(fd.get(), 16) != 0)
        return Error{errno, std::string("listen: ") + std::strerror(errno)};
    // Port 0 (tests): announce the one the kernel picked.
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        options_.port = ntohs(family == AF_INET6
                                  ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                  : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    listener_ = std::move(fd);
    Watch(listener_.get(), EPOLLIN, LISTENER, 0);
    return Ok{};
}

void Daemon::Accept()
{
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof(addr);
        UniqueFd fd(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len,
                              SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd.valid())
            return;
        std::string address = AddressText(addr);
        if (handshakes_ >= MAX_HANDSHAKES) {
            Log("link from %s refused: %zu handshakes already in progress", address.c_str(),
                handshakes_);
            continue;
        }
        TuneSocket(fd.get());
        std::string secretPath = options_.stateDir + "/group.key";
        auto tls = TlsLink::Create(std::move(fd), TlsLink::Role::Server, identity_.networkId, "",
                                   [secretPath] { return LoadGroupSecret(secretPath); }, address);
        if (!tls) {
            Log("link from %s refused: %s", address.c_str(), tls.error().message.c_str());
            continue;
        }
        auto link = std::make_unique<Link>();
        link->id = nextId_++;
        link->tls = std::move(tls.value());
        link->address = address;
        link->started = link->lastRx = Clock::now();
        link->nextWireId = 2;  // the acceptor's wire ids are even
        handshakes_++;
        Watch(link->fd(), EPOLLIN, LINK, link->id);
        uint64_t id = link->id;
        links_[id] = std::move(link);
        LinkHandshake(*links_[id]);
    }
}

void Daemon::Dial(Device& device)
{
    device.backoffMs = device.backoffMs ? std::min(device.backoffMs * 2, 30000) : 1000;
    device.nextDial = Clock::now() + std::chrono::milliseconds(device.backoffMs);
    if (handshakes_ >= MAX_HANDSHAKES)
        return;
    std::string host = device.address;
    std::string scope;
    if (auto pct = host.find('%'); pct != std::string::npos) {
        scope = host.substr(pct + 1);
        host = host.substr(0, pct);
    }
    sockaddr_storage addr{};
    socklen_t len;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(device.port);
        len = sizeof(*v4);
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(device.port);
        v6->sin6_scope_id = scope.empty() ? 0 : if_nametoindex(scope.c_str());
        len = sizeof(*v6);
    } else {
        Log("device %.16s…: cannot dial address '%s'", device.networkId.c_str(),
            device.address.c_str());
        return;
    }
    UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        return;
    TuneSocket(fd.get());
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 &&
        errno != EINPROGRESS) {
        device.state = std::string("cannot connect: ") + std::strerror(errno);
        snapshotDirty_ = true;
        return;
    }
    auto link = std::make_unique<Link>();
    link->id = nextId_++;
    link->sock = std::move(fd);
    link->address = device.address;
    link->dialer = true;
    link->connecting = true;
    link->peerId = device.networkId;
    link->started = link->lastRx = Clock::now();
    link->nextWireId = 1;  // the dialer's wire ids are odd
    handshakes_++;
    device.state = "connecting";
    snapshotDirty_ = true;
    Watch(link->fd(), EPOLLOUT, LINK, link->id);
    links_[link->id] = std::move(link);
}

Link* Daemon::FindLink(uint64_t id)
{
    auto it = links_.find(id);
    return it == links_.end() ? nullptr : it->second.get();
}

void Daemon::OnLinkEvent(uint64_t id, uint32_t events)
{
    Link* link = FindLink(id);
    if (!link)
        return;
    if (link->connecting) {
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(link->sock.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            CloseLink(id, ShutdownReason::LinkDown,
                      std::string("cannot connect: ") + std::strerror(err));
            return;
        }
        link->connecting = false;
        std::string secretPath = options_.stateDir + "/group.key";
        auto tls = TlsLink::Create(std::move(link->sock), TlsLink::Role::Client,
                                   identity_.networkId, link->peerId,
                                   [secretPath] { return LoadGroupSecret(secretPath); },
                                   link->address);
        if (!tls) {
            CloseLink(id, ShutdownReason::LinkDown, tls.error().message);
            return;
        }
        link->tls = std::move(tls.value());
        LinkHandshake(*link);
        return;
    }
    if (!link->handshaken) {
        LinkHandshake(*link);
        return;
    }
    if (link->doomed)
        return;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        LinkRead(*link);
    if ((link = FindLink(id)) && (events & EPOLLOUT))
        LinkFlush(*link);
}

void Daemon::LinkHandshake(Link& link)
{
    uint64_t id = link.id;
    TlsIo io = link.tls->Handshake();
    if (io == TlsIo::WantRead || io == TlsIo::WantWrite) {
        Rewatch(link.fd(), io == TlsIo::WantRead ? EPOLLIN : EPOLLOUT, LINK, id);
        return;
    }
    if (io != TlsIo::Done) {
        std::string why = link.tls->error().empty() ? "the peer closed the connection"
                                                    : link.tls->error();
        std::string peer = link.tls->peerNetworkId();
        Device* device = IsNetworkId(peer) ? FindDevice(peer) : nullptr;
        // The identity of a failed handshake is unproven: it may not
        // spoil a device that has a working link.
        if (device && !device->link) {
            device->trusted = false;
            device->state = "untrusted: " + why;
            // Retry now and then: the secret may have been fixed (`ipckit bind`).
            device->backoffMs = 10000;
            device->nextDial = Clock::now() + std::chrono::milliseconds(10000);
            snapshotDirty_ = true;
        }
        CloseLink(id, ShutdownReason::LinkDown, why);
        return;
    }
    link.handshaken = true;
    link.peerId = link.tls->peerNetworkId();
    link.lastRx = Clock::now();
    SendLinkJson(link, FrameType::HELLO, 0,
                 {{"version", PROTOCOL_VERSION},
                  {"networkId", identity_.networkId},
                  {"name", identity_.name}});
    if (Link* still = FindLink(id))
        LinkUpdateInterest(*still);
}

void Daemon::LinkUpdateInterest(Link& link)
{
    uint32_t events = EPOLLIN;
    if (link.OutSize())
        events |= EPOLLOUT;
    Rewatch(link.fd(), events, LINK, link.id);
}

void Daemon::LinkRead(Link& link)
{
    uint64_t id = link.id;
    uint8_t buf[65536];
    // A bounded number of reads per wake keeps the loop fair; what TLS
    // already decrypted is not on the socket any more, so a link left
    // with Pending() bytes is read again on the next pass (readAgain_).
    for (int round = 0; round < 16; round++) {
        std::size_t want = std::min(sizeof(buf), link.decoder.Wanted());
        if (want == 0)
            want = sizeof(buf);
        std::size_t got = 0;
        TlsIo io = link.tls->Read(buf, want, &got);
        if (io == TlsIo::WantRead || io == TlsIo::WantWrite)
            return;
        if (io == TlsIo::Closed) {
            CloseLink(id, ShutdownReason::LinkDown, "the peer closed the link");
            return;
        }
        if (io == TlsIo::Error) {
            CloseLink(id, ShutdownReason::LinkDown, link.tls->error());
            return;
        }
        link.lastRx = Clock::now();
        std::size_t off = 0;
        while (off < got) {
            std::size_t used = 0;
            if (!link.decoder.Feed(buf + off, got - off, &used)) {
                CloseLink(id, ShutdownReason::LinkDown, "bad frame: " + link.decoder.error());
                return;
            }
            off += used;
            while (auto frame = link.decoder.Next()) {
                LinkFrame(link, *frame);
                if (!FindLink(id) || link.doomed)
                    return;
            }
        }
    }
    if (link.tls->Pending())
        readAgain_.insert(id);
}

void Daemon::DoomLink(Link& link, ShutdownReason reason, const std::string& why)
{
    if (link.doomed)
        return;
    link.doomed = true;
    link.doomReason = reason;
    link.doomWhy = why;
    doomed_.insert(link.id);
}

void Daemon::FlushLinks()
{
    std::set<uint64_t> ids;
    ids.swap(unflushed_);
    for (uint64_t id : ids)
        if (Link* link = FindLink(id))
            LinkFlush(*link);
}

void Daemon::CloseDoomedLinks()
{
    std::set<uint64_t> doomed;
    doomed.swap(doomed_);
    for (uint64_t id : doomed)
        if (Link* link = FindLink(id))
            CloseLink(id, link->doomReason, link->doomWhy);
}

void Daemon::LinkFlush(Link& link)
{
    if (link.doomed)
        return;
    while (link.OutSize()) {
        std::size_t put = 0;
        TlsIo io = link.tls->Write(link.out.data() + link.outOff, link.OutSize(), &put);
        if (io == TlsIo::WantWrite || io == TlsIo::WantRead)
            break;
        if (io != TlsIo::Done) {
            DoomLink(link, ShutdownReason::LinkDown, link.tls->error());
            return;
        }
        link.outOff += put;
    }
    if (link.outOff == link.out.size()) {
        link.out.clear();
        link.outOff = 0;
    } else if (link.outOff > (1u << 20)) {
        link.out.erase(link.out.begin(), link.out.begin() + static_cast<std::ptrdiff_t>(link.outOff));
        link.outOff = 0;
    }
    if (link.handshaken)
        LinkUpdateInterest(link);
    bool high = link.OutSize() > LINK_HIGH_WATER;
    if (high != link.high) {
        link.high = high;
        LinkSessionsInterest(link);
    }
}

void Daemon::SendLink(Link& link, FrameType type, uint32_t wire, std::span<const uint8_t> body,
                      uint8_t flags)
{
    if (link.doomed)
        return;
    if (link.OutSize() + FRAME_HEADER + body.size() > LINK_OUT_LIMIT) {
        DoomLink(link, ShutdownReason::LinkDown,
                 "the peer does not read (" + std::to_string(link.OutSize()) +
                     " bytes queued for it)");
        return;
    }
    AppendFrame(link.out, type, wire, body, flags);
    // Written once per pass of the loop (FlushLinks): the frames of one
    // pass leave in one TLS record, not one small segment each.
    if (link.handshaken)
        unflushed_.insert(link.id);
    if (link.OutSize() > LINK_HIGH_WATER && !link.high) {
        link.high = true;
        LinkSessionsInterest(link);
    }
}

void Daemon::SendLinkJson(Link& link, FrameType type, uint32_t wire, const nlohmann::json& body)
{
    std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    SendLink(link, type, wire, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

void Daemon::LinkEstablished(Link& link, const nlohmann::json& hello)
{
    auto version = JsonUint(hello, "version");
    auto id = JsonString(hello, "networkId", 64);
    auto name = JsonString(hello, "name", 64);
    if (!version || *version != PROTOCOL_VERSION || !id || *id != link.peerId || !name) {
        CloseLink(link.id, ShutdownReason::LinkDown,
                  "bad HELLO (protocol version or networkId does not match)");
        return;
    }
    link.established = true;
    handshakes_--;
    Device& device = devices_[link.peerId];
    device.networkId = link.peerId;
    if (device.name.empty())
        device.name = *name;
    if (device.address.empty())
        device.address = link.address;
    // A newer link replaces an older one (the peer restarted, say).
    if (device.link && device.link != link.id)
        CloseLink(device.link, ShutdownReason::LinkDown, "replaced by a new link");
    device.link = link.id;
    device.trusted = true;
    device.state = "connected";
    device.backoffMs = 0;
    snapshotDirty_ = true;
    Log("link to %.16s… \"%s\" at %s up (%s)", link.peerId.c_str(), device.name.c_str(),
        link.address.c_str(), link.tls->Describe().c_str());
    LinkUp(device, link);
}

void Daemon::LinkFrame(Link& link, Frame& frame)
{
    FrameType type = frame.header.type;
    if (!IsLinkFrame(type)) {
        CloseLink(link.id, ShutdownReason::LinkDown,
                  std::string("process frame ") + ToString(type) + " on a link");
        return;
    }
    if (!link.established && type != FrameType::HELLO) {
        CloseLink(link.id, ShutdownReason::LinkDown,
                  std::string(ToString(type)) + " before HELLO");
        return;
    }
    switch (type) {
    case FrameType::HELLO: {
        auto body = ParseControlBody(frame.body);
        if (!body || link.established) {
            CloseLink(link.id, ShutdownReason::LinkDown, "bad or repeated HELLO");
            return;
        }
        LinkEstablished(link, body.value());
        return;
    }
    case FrameType::PING:
        if (frame.body.size() != 8) {
            CloseLink(link.id, ShutdownReason::LinkDown, "bad PING");
            return;
        }
        SendLink(link, FrameType::PONG, 0, frame.body);
        return;
    case FrameType::PONG:
        if (frame.body.size() == 8 && link.pingOutstanding &&
            GetU64(frame.body.data()) == link.pingToken) {
            link.pingOutstanding = false;
            if (Device* device = FindDevice(link.peerId)) {
                device->rttUs = std::chrono::duration_cast<std::chrono::microseconds>(
                                    Clock::now() - link.pingSent)
                                    .count();
                snapshotDirty_ = true;
            }
        }
        return;
    case FrameType::GOODBYE:
        if (Device* device = FindDevice(link.peerId)) {
            device->heard = false;  // offline now, not at the TTL
            device->state = "said goodbye";
        }
        CloseLink(link.id, ShutdownReason::DeviceOffline, "the peer said goodbye");
        return;
    case FrameType::OPEN: {
        auto body = ParseControlBody(frame.body);
        if (!body) {
            CloseLink(link.id, ShutdownReason::LinkDown, "bad OPEN: " + body.error().message);
            return;
        }
        PeerOpen(link, frame.header.channel, body.value());
        return;
    }
    case FrameType::OPEN_OK:
    case FrameType::OPEN_FAIL:
        PeerOpenResult(link, frame);
        return;
    case FrameType::DATA:
        PeerData(link, frame);
        return;
    case FrameType::CREDIT:
        PeerCredit(link, frame);
        return;
    case FrameType::CLOSE:
        PeerClose(link, frame);
        return;
    default:
        return;
    }
}

void Daemon::CloseLink(uint64_t id, ShutdownReason reason, const std::string& why)
{
    auto it = links_.find(id);
    if (it == links_.end())
        return;
    std::unique_ptr<Link> link = std::move(it->second);
    links_.erase(it);
    if (!link->established)
        handshakes_--;
    Log("link %s %.16s… at %s closed: %s", link->established ? "to" : "with",
        link->peerId.empty() ? "(unknown)" : link->peerId.c_str(), link->address.c_str(),
        why.c_str());
    if (link->fd() >= 0)
        Unwatch(link->fd());
    if (Device* device = link->peerId.empty() ? nullptr : FindDevice(link->peerId)) {
        if (device->link == id) {
            device->link = 0;
            device->rttUs = -1;
            device->state = "link down: " + why;
            device->nextDial = Clock::now() + std::chrono::milliseconds(500);
        } else if (!link->established && device->state == "connecting") {
            device->state = "cannot connect: " + why;
        }
        snapshotDirty_ = true;
    }
    for (auto& [wire, session] : link->sessions)
        EndSession(session, reason, false);
    if (link->tls)
        link->tls->Shutdown();
}

void Daemon::Goodbye()
{
    std::vector<uint64_t> ids;
    for (auto& [id, link] : links_)
        if (link->established)
            ids.push_back(id);
    for (uint64_t id : ids) {
        Link* link = FindLink(id);
        if (!link)
            continue;
        SendLinkJson(*link, FrameType::GOODBYE, 0, {{"reason", "softbusd stopping"}});
        // Best effort, bounded: the peer learns we left without waiting
        // for its keepalive timeout.
        for (int i = 0; i < 50 && (link = FindLink(id)) && link->OutSize() && !link->doomed;
             i++) {
            LinkFlush(*link);
            if ((link = FindLink(id)) && link->OutSize())
                ::usleep(10000);
        }
    }
}

}  // namespace ipckit::softbus
