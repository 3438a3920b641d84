// SPDX-License-Identifier: Apache-2.0
//
// Channels: one unix socket per local process (OPEN_CHANNEL over binder),
// carrying its requests (LISTEN, BIND, ...) and our results and events.
// A process that sends a bad frame or stops reading loses its channel and
// with it its sessions; nothing else is affected.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "daemon/daemon.h"
#include "daemon/log.h"

namespace ipckit::softbus {

Result<UniqueFd> Daemon::OpenChannel(pid_t pid, uid_t uid)
{
    std::lock_guard<std::mutex> guard(sharedLock_);
    if (channelsPerPid_[pid] >= MAX_CHANNELS)
        return Error{SOFTBUS_ERR_QUOTA, "process " + std::to_string(pid) + " already has " +
                                            std::to_string(MAX_CHANNELS) + " channels"};
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return Error{errno, std::string("socketpair: ") + std::strerror(errno)};
    UniqueFd ours(pair[0]), theirs(pair[1]);
    if (::fcntl(ours.get(), F_SETFL, O_NONBLOCK) != 0)
        return Error{errno, std::string("fcntl: ") + std::strerror(errno)};
    channelsPerPid_[pid]++;
    newChannels_.push_back({std::move(ours), pid, uid});
    uint64_t one = 1;
    ssize_t n = ::write(wake_.get(), &one, sizeof(one));
    (void)n;
    return theirs;
}

void Daemon::AdoptChannels()
{
    std::deque<NewChannel> fresh;
    {
        std::lock_guard<std::mutex> guard(sharedLock_);
        fresh.swap(newChannels_);
    }
    for (auto& n : fresh) {
        auto channel = std::make_unique<Channel>();
        channel->id = nextId_++;
        channel->fd = std::move(n.fd);
        channel->pid = n.pid;
        channel->uid = n.uid;
        Watch(channel->fd.get(), EPOLLIN, CHANNEL, channel->id);
        channelsByPid_.emplace(channel->pid, channel->id);
        channels_[channel->id] = std::move(channel);
    }
}

Channel* Daemon::FindChannel(uint64_t id)
{
    auto it = channels_.find(id);
    return it == channels_.end() ? nullptr : it->second.get();
}

// At most MAX_CHANNELS channels per process: these walks are short.
std::size_t Daemon::ProcessSum(pid_t pid, std::size_t (*of)(const Channel&))
{
    std::size_t n = 0;
    auto [first, last] = channelsByPid_.equal_range(pid);
    for (auto it = first; it != last; ++it)
        if (Channel* channel = FindChannel(it->second))
            n += of(*channel);
    return n;
}

std::size_t Daemon::ProcessSessions(pid_t pid)
{
    return ProcessSum(pid, [](const Channel& c) { return c.sessions.size(); });
}

std::size_t Daemon::ProcessListens(pid_t pid)
{
    return ProcessSum(pid, [](const Channel& c) { return c.listens.size(); });
}

std::size_t Daemon::ProcessPending(pid_t pid)
{
    return ProcessSum(pid, [](const Channel& c) { return c.pendingBytes; });
}

// What is queued towards the process plus what its peers may still send
// it must stay within the quota; each session gets at least the minimum.
uint32_t Daemon::WindowFor(pid_t pid)
{
    std::size_t promised = ProcessPending(pid);
    auto [first, last] = channelsByPid_.equal_range(pid);
    for (auto it = first; it != last; ++it)
        if (Channel* channel = FindChannel(it->second))
            for (uint64_t id : channel->sessions)
                if (Session* session = FindSession(id))
                    promised += session->allowance;
    std::size_t left = promised < options_.maxPendingBytes ? options_.maxPendingBytes - promised : 0;
    return static_cast<uint32_t>(
        std::clamp<std::size_t>(left, MIN_SESSION_WINDOW, SESSION_WINDOW));
}

void Daemon::OnChannelEvent(uint64_t id, uint32_t events)
{
    Channel* channel = FindChannel(id);
    if (!channel)
        return;
    if (events & EPOLLOUT) {
        ChannelFlush(*channel);
        if (!(channel = FindChannel(id)))
            return;
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        return;
    uint8_t buf[8192];
    ssize_t n = ::recv(channel->fd.get(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        CloseChannel(id, "the process closed it");
        return;
    }
    std::size_t off = 0;
    while (off < static_cast<std::size_t>(n)) {
        std::size_t used = 0;
        if (!channel->decoder.Feed(buf + off, static_cast<std::size_t>(n) - off, &used)) {
            CloseChannel(id, "bad frame: " + channel->decoder.error());
            return;
        }
        off += used;
        while (auto frame = channel->decoder.Next()) {
            ChannelFrame(*channel, *frame);
            if (!(channel = FindChannel(id)))
                return;
        }
    }
}

void Daemon::ChannelFrame(Channel& channel, const Frame& frame)
{
    uint32_t request = frame.header.channel;
    FrameType type = frame.header.type;
    auto body = ParseControlBody(frame.body);
    if (!body) {
        CloseChannel(channel.id, std::string(ToString(type)) + ": " + body.error().message);
        return;
    }
    const nlohmann::json& j = body.value();
    switch (type) {
    case FrameType::LISTEN: {
        auto name = JsonString(j, "name", MAX_SESSION_NAME);
        if (!name || !IsSessionName(*name))
            return ChannelResult(channel, request, SOFTBUS_ERR_BAD_NAME,
                                 "session name is not 1..64 of [A-Za-z0-9._-]");
        // The system's own servers (rpcd's "ipckit.rpc") cannot be taken
        // by a user who starts first.
        if (name->rfind(RESERVED_SESSION_PREFIX, 0) == 0 && channel.uid != 0)
            return ChannelResult(channel, request, SOFTBUS_ERR_RESERVED,
                                 "session names starting with '" +
                                     std::string(RESERVED_SESSION_PREFIX) +
                                     "' are for root's services (uid " +
                                     std::to_string(channel.uid) + ")");
        if (listens_.count(*name))
            return ChannelResult(channel, request, SOFTBUS_ERR_EXISTS,
                                 "'" + *name + "' is already listened on by another process");
        if (ProcessListens(channel.pid) >= MAX_LISTENS)
            return ChannelResult(channel, request, SOFTBUS_ERR_QUOTA,
                                 "process " + std::to_string(channel.pid) + " already has " +
                                     std::to_string(MAX_LISTENS) + " session servers");
        listens_[*name] = channel.id;
        channel.listens.insert(*name);
        return ChannelResult(channel, request, 0, "");
    }
    case FrameType::UNLISTEN: {
        auto name = JsonString(j, "name", MAX_SESSION_NAME);
        if (!name || !channel.listens.count(*name))
            return ChannelResult(channel, request, ENOENT, "not listening on that name");
        channel.listens.erase(*name);
        listens_.erase(*name);
        return ChannelResult(channel, request, 0, "");
    }
    case FrameType::BIND:
        return DoBind(channel, request, j);
    case FrameType::SHUTDOWN: {
        auto id = JsonUint(j, "session");
        if (!id || !channel.sessions.count(*id))
            return ChannelResult(channel, request, SOFTBUS_ERR_CLOSED, "no such session");
        EndSession(*id, ShutdownReason::LocalShutdown, true);
        return ChannelResult(channel, request, 0, "");
    }
    case FrameType::SUBSCRIBE: {
        auto on = JsonBool(j, "on");
        if (!on)
            return ChannelResult(channel, request, EINVAL, "SUBSCRIBE without 'on'");
        channel.subscribed = *on;
        uint64_t cid = channel.id;
        ChannelResult(channel, request, 0, "");
        // The devices online now, so the subscriber starts complete. A
        // send may close a channel that does not read: look it up again.
        if (*on)
            for (auto& [id, device] : devices_)
                if (Channel* c = FindChannel(cid); c && device.reportedOnline)
                    ChannelSend(*c, FrameType::DEVICE_EVENT, 0,
                                {{"online", true},
                                 {"device",
                                  {{"networkId", device.networkId},
                                   {"name", device.name},
                                   {"address", device.address},
                                   {"state", "connected"},
                                   {"online", true},
                                   {"trusted", true}}}});
        return;
    }
    default:
        CloseChannel(channel.id, std::string("unexpected frame ") + ToString(type));
        return;
    }
}

void Daemon::DeviceEvent(const Device& device, bool online)
{
    DeviceInfo info = Describe(device);
    nlohmann::json event = {{"online", online},
                            {"device",
                             {{"networkId", info.networkId},
                              {"name", info.name},
                              {"address", info.address},
                              {"state", info.state},
                              {"online", info.online},
                              {"trusted", info.trusted}}}};
    std::vector<uint64_t> ids;
    for (auto& [id, channel] : channels_)
        if (channel->subscribed)
            ids.push_back(id);
    for (uint64_t id : ids)
        if (Channel* channel = FindChannel(id))
            ChannelSend(*channel, FrameType::DEVICE_EVENT, 0, event);
}

void Daemon::ChannelResult(Channel& channel, uint32_t request, int code,
                           const std::string& message, nlohmann::json extra, UniqueFd fd)
{
    extra["code"] = code;
    extra["message"] = message;
    if (fd.valid())
        extra["fd"] = true;
    if (code)
        Log("process %d: %s", channel.pid, message.c_str());
    ChannelSend(channel, FrameType::RESULT, request, extra, std::move(fd));
}

void Daemon::ChannelSend(Channel& channel, FrameType type, uint32_t id, const nlohmann::json& body,
                         UniqueFd fd)
{
    ChannelOut entry;
    AppendJsonFrame(entry.bytes, type, id, body);
    entry.fd = std::move(fd);
    channel.outBytes += entry.bytes.size();
    channel.out.push_back(std::move(entry));
    if (channel.outBytes > CHANNEL_OUT_LIMIT) {
        CloseChannel(channel.id, "the process does not read its channel");
        return;
    }
    ChannelFlush(channel);
}

void Daemon::ChannelFlush(Channel& channel)
{
    while (!channel.out.empty()) {
        ChannelOut& entry = channel.out.front();
        iovec iov{entry.bytes.data() + entry.off, entry.bytes.size() - entry.off};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (entry.fd.valid()) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof(control);
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            int fd = entry.fd.get();
            std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        ssize_t n = ::sendmsg(channel.fd.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0) {
            // EPIPE: the process is gone, which its EOF tells us anyway.
            CloseChannel(channel.id, errno == EPIPE || errno == ECONNRESET
                                         ? "the process closed it"
                                         : std::string("write: ") + std::strerror(errno));
            return;
        }
        entry.fd.reset();  // sent with the first byte
        entry.off += static_cast<std::size_t>(n);
        channel.outBytes -= static_cast<std::size_t>(n);
        if (entry.off == entry.bytes.size())
            channel.out.pop_front();
    }
    Rewatch(channel.fd.get(), channel.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT, CHANNEL,
            channel.id);
}

void Daemon::CloseChannel(uint64_t id, const std::string& why)
{
    auto it = channels_.find(id);
    if (it == channels_.end())
        return;
    std::unique_ptr<Channel> channel = std::move(it->second);
    channels_.erase(it);
    if (why != "the process closed it")
        Log("channel of process %d closed: %s", channel->pid, why.c_str());
    Unwatch(channel->fd.get());
    auto [first, last] = channelsByPid_.equal_range(channel->pid);
    for (auto pit = first; pit != last; ++pit)
        if (pit->second == id) {
            channelsByPid_.erase(pit);
            break;
        }
    for (const auto& name : channel->listens)
        listens_.erase(name);
    // The process is gone (or cut off): its peers hear PeerClosed.
    for (uint64_t session : std::set<uint64_t>(channel->sessions))
        EndSession(session, ShutdownReason::PeerClosed, true);
    std::lock_guard<std::mutex> guard(sharedLock_);
    if (--channelsPerPid_[channel->pid] == 0)
        channelsPerPid_.erase(channel->pid);
}

}  // namespace ipckit::softbus
