// SPDX-License-Identifier: Apache-2.0
//
// softbusd's loop, discovery and device table (daemon.h has the model).
#include "daemon/daemon.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "daemon/log.h"
#include "discovery/discovery_payload.h"

namespace ipckit::softbus {

namespace {

int64_t MsSince(Clock::time_point then)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - then).count();
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}

Daemon::~Daemon() = default;

void Daemon::Watch(int fd, uint32_t events, Kind kind, uint64_t id)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = Tag(kind, id);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
        Log("epoll_ctl add: %s", std::strerror(errno));
}

void Daemon::Rewatch(int fd, uint32_t events, Kind kind, uint64_t id)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = Tag(kind, id);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0)
        Log("epoll_ctl mod: %s", std::strerror(errno));
}

void Daemon::Unwatch(int fd)
{
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

Status Daemon::Start()
{
    auto identity = LoadOrCreateIdentity(options_.stateDir, options_.name);
    if (!identity)
        return identity.error();
    identity_ = identity.value();

    epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!epoll_.valid() || !wake_.valid())
        return Error{errno, std::string("epoll/eventfd: ") + std::strerror(errno)};
    Watch(wake_.get(), EPOLLIN, WAKE, 0);

    auto listening = OpenListener();
    if (!listening)
        return listening.error();

    CoapDiscovery::Options discovery;
    discovery.port = options_.discoveryPort;
    discovery.iface = options_.iface;
    discovery.targets = options_.discoveryTargets;
    discovery.bindAddress = options_.bindAddress;
    auto created = CoapDiscovery::Create(
        discovery, identity_.networkId,
        [this](const DiscoveryPayload& payload, const std::string& address) {
            Heard(payload, address);
        });
    if (!created)
        return Error{created.error().code, "discovery: " + created.error().message};
    discovery_ = std::move(created.value());
    Watch(discovery_->fd(), EPOLLIN, DISCOVERY, 0);
    nextAnnounce_ = Clock::now();
    PublishSnapshot();
    return Ok{};
}

void Daemon::Stop()
{
    stopRequested_ = true;
    uint64_t one = 1;
    ssize_t n = ::write(wake_.get(), &one, sizeof(one));
    (void)n;
}

void Daemon::Run()
{
    epoll_event events[64];
    while (!stopRequested_) {
        int n = ::epoll_wait(epoll_.get(), events, 64, readAgain_.empty() ? 100 : 0);
        if (n < 0 && errno != EINTR) {
            Log("epoll_wait: %s", std::strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            uint64_t tag = events[i].data.u64;
            auto kind = static_cast<Kind>(tag >> 56);
            uint64_t id = tag & ((uint64_t{1} << 56) - 1);
            switch (kind) {
            case WAKE: {
                uint64_t count;
                ssize_t r = ::read(wake_.get(), &count, sizeof(count));
                (void)r;
                AdoptChannels();
                break;
            }
            case DISCOVERY:
                discovery_->Process();
                break;
            case LISTENER:
                Accept();
                break;
            case LINK:
                OnLinkEvent(id, events[i].events);
                break;
            case CHANNEL:
                OnChannelEvent(id, events[i].events);
                break;
            case SESSION:
                OnSessionEvent(id, events[i].events);
                break;
            default:
                break;
            }
        }
        std::set<uint64_t> again;
        again.swap(readAgain_);
        for (uint64_t id : again)
            if (Link* link = FindLink(id); link && link->established && !link->doomed)
                LinkRead(*link);
        CloseDoomedLinks();
        Tick();
        FlushLinks();
        CloseDoomedLinks();
        std::size_t pending = 0;
        for (auto& [id, channel] : channels_)
            pending += channel->pendingBytes;
        pendingBytes_.store(pending, std::memory_order_relaxed);
        if (snapshotDirty_ || publishedCounts_ != std::array<std::size_t, 3>{
                                  sessions_.size(), links_.size(), channels_.size()})
            PublishSnapshot();
    }
    Goodbye();
}

void Daemon::Tick()
{
    auto now = Clock::now();
    if (now >= nextAnnounce_) {
        Announce();
        nextAnnounce_ = now + std::chrono::milliseconds(options_.announceMs);
    }
    // Links: handshake deadlines, keepalives.
    std::vector<std::pair<uint64_t, std::string>> dead;
    std::vector<uint64_t> timedOut;
    for (auto& [id, link] : links_) {
        if (!link->established) {
            if (MsSince(link->started) > HANDSHAKE_TIMEOUT_MS)
                dead.emplace_back(id, "no handshake within " +
                                          std::to_string(HANDSHAKE_TIMEOUT_MS) + " ms");
            continue;
        }
        if (MsSince(link->lastRx) > options_.keepaliveTimeoutMs) {
            timedOut.push_back(id);
            continue;
        }
        if (!link->pingOutstanding && MsSince(link->pingSent) >= options_.keepaliveMs) {
            uint8_t token[8];
            link->pingToken++;
            PutU64(token, link->pingToken);
            link->pingSent = now;
            link->pingOutstanding = true;
            SendLink(*link, FrameType::PING, 0, token);
        }
    }
    for (auto& [id, why] : dead)
        CloseLink(id, ShutdownReason::LinkDown, why);
    for (uint64_t id : timedOut)
        CloseLink(id, ShutdownReason::Timeout,
                  "no keepalive answer for " + std::to_string(options_.keepaliveTimeoutMs) +
                      " ms");
    // Devices: dial the ones we are to dial.
    for (auto& [id, device] : devices_) {
        if (device.link || !device.heard || !Online(device))
            continue;
        if (identity_.networkId >= device.networkId)
            continue;  // the lower networkId dials; we wait for them
        bool dialing = false;
        for (auto& [lid, link] : links_)
            if (link->dialer && link->peerId == device.networkId)
                dialing = true;
        if (!dialing && now >= device.nextDial)
            Dial(device);
    }
    ExpireBinds();
    ReportDevices();
}

// This device's announcement, numbered.
DiscoveryPayload Daemon::SelfPayload()
{
    DiscoveryPayload payload;
    payload.networkId = identity_.networkId;
    payload.name = identity_.name;
    payload.sessionPort = options_.port;
    payload.capabilities = 1;  // sessions
    payload.seq = ++announceSeq_;
    return payload;
}

void Daemon::Announce()
{
    discovery_->Publish(SelfPayload());
}

void Daemon::Heard(const DiscoveryPayload& payload, const std::string& address)
{
    Device* device = FindDevice(payload.networkId);
    if (!device) {
        if (devices_.size() >= MAX_DEVICES) {
            // Forget the longest-silent device without a link.
            auto victim = devices_.end();
            for (auto it = devices_.begin(); it != devices_.end(); ++it)
                if (!it->second.link &&
                    (victim == devices_.end() || it->second.lastHeard < victim->second.lastHeard))
                    victim = it;
            if (victim == devices_.end())
                return;
            devices_.erase(victim);
        }
        device = &devices_[payload.networkId];
        device->networkId = payload.networkId;
        Log("discovered device %.16s… \"%s\" at %s port %u", payload.networkId.c_str(),
            payload.name.c_str(), address.c_str(), payload.sessionPort);
        // Answer at once, so the new device need not wait for our next
        // announcement to know us.
        discovery_->PublishTo(SelfPayload(), address);
    }
    bool wasOnline = Online(*device);
    // Prefer an IPv4 address once heard: no scope to carry around. A
    // linked device keeps the address and name its link proved.
    bool v6 = address.find(':') != std::string::npos;
    bool haveV4 = !device->address.empty() && device->address.find(':') == std::string::npos;
    if (!device->link) {
        if (!v6 || !haveV4 || MsSince(device->lastHeard) > options_.ttlMs)
            device->address = address;
        device->name = payload.name;
        device->port = payload.sessionPort;
    }
    device->heard = true;
    device->lastHeard = Clock::now();
    if (!wasOnline)
        device->nextDial = Clock::now();
    snapshotDirty_ = true;
}

Device* Daemon::FindDevice(const std::string& id)
{
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

bool Daemon::Online(const Device& device) const
{
    return device.link || (device.heard && MsSince(device.lastHeard) <= options_.ttlMs);
}

void Daemon::ReportDevices()
{
    for (auto& [id, device] : devices_) {
        // Discovery's TTL runs out with no event of its own: look.
        if (Online(device) != device.listedOnline) {
            device.listedOnline = !device.listedOnline;
            snapshotDirty_ = true;
        }
        bool online = Online(device) && device.trusted;
        if (online == device.reportedOnline)
            continue;
        device.reportedOnline = online;
        snapshotDirty_ = true;
        Log("device %.16s… \"%s\" is %s", device.networkId.c_str(), device.name.c_str(),
            online ? "online" : "offline");
        DeviceEvent(device, online);
    }
}

DeviceInfo Daemon::Describe(const Device& device) const
{
    DeviceInfo info;
    info.networkId = device.networkId;
    info.name = device.name;
    info.address = device.address;
    info.online = Online(device);
    info.trusted = device.trusted;
    info.rttUs = device.rttUs;
    info.state = device.link ? "connected" : device.state;
    return info;
}

void Daemon::PublishSnapshot()
{
    DeviceSnapshot snapshot;
    snapshot.local.networkId = identity_.networkId;
    snapshot.local.name = identity_.name;
    snapshot.local.online = true;
    snapshot.local.trusted = true;
    snapshot.local.state = "this device";
    for (auto& [id, device] : devices_)
        snapshot.devices.push_back(Describe(device));
    snapshot.sessions = sessions_.size();
    snapshot.links = links_.size();
    snapshot.channels = channels_.size();
    publishedCounts_ = {snapshot.sessions, snapshot.links, snapshot.channels};
    std::lock_guard<std::mutex> guard(sharedLock_);
    snapshot_ = std::move(snapshot);
    snapshotDirty_ = false;
}

DeviceSnapshot Daemon::Snapshot()
{
    std::lock_guard<std::mutex> guard(sharedLock_);
    DeviceSnapshot snapshot = snapshot_;
    snapshot.pendingBytes = pendingBytes_.load(std::memory_order_relaxed);
    return snapshot;
}

}  // namespace ipckit::softbus
