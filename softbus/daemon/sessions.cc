// SPDX-License-Identifier: Apache-2.0
//
// Sessions: a named, bidirectional stream of messages between a process
// here and one on a peer device, multiplexed on the pair's link.
//
// Process -> peer: the process writes [u32 length][bytes] to its session
// socket; we read a message's bytes only while the peer gave us credit
// and the link's buffer is below its high water, and send them as DATA
// chunks of at most MAX_CHUNK (FLAG_FIRST carries the total length).
// Peer -> process: DATA chunks are checked against the message they
// continue and against the window we granted, queued, and written to the
// process's socket; what it took is credited back to the peer.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "daemon/daemon.h"
#include "daemon/log.h"
#include "wire/service.h"

namespace ipckit::softbus {

Session* Daemon::FindSession(uint64_t id)
{
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

Result<uint64_t> Daemon::NewSession(Channel& channel, const std::string& name,
                                    const std::string& peer, bool server)
{
    std::size_t held = ProcessSessions(channel.pid);
    if (held >= options_.maxSessions)
        return Error{SOFTBUS_ERR_QUOTA, "process " + std::to_string(channel.pid) + " has " +
                                            std::to_string(held) +
                                            " sessions open (limit " +
                                            std::to_string(options_.maxSessions) +
                                            ", softbusd --max-sessions)"};
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return Error{errno, std::string("socketpair: ") + std::strerror(errno)};
    auto session = std::make_unique<Session>();
    session->fd = UniqueFd(pair[0]);
    session->theirs = UniqueFd(pair[1]);
    ::fcntl(session->fd.get(), F_SETFL, O_NONBLOCK);
    session->id = nextId_++;
    session->name = name;
    session->peerId = peer;
    session->channel = channel.id;
    session->server = server;
    // Before the session counts: its own window is not promised yet.
    session->window = WindowFor(channel.pid);
    session->allowance = session->window;
    uint64_t id = session->id;
    channel.sessions.insert(id);
    sessions_[id] = std::move(session);
    return id;
}

void Daemon::DoBind(Channel& channel, uint32_t request, const nlohmann::json& body)
{
    auto networkId = JsonString(body, "networkId", 64);
    auto name = JsonString(body, "name", MAX_SESSION_NAME);
    auto timeoutMs = JsonUint(body, "timeoutMs");
    if (!networkId || !IsNetworkIdText(*networkId) || !name || !IsSessionName(*name))
        return ChannelResult(channel, request, SOFTBUS_ERR_BAD_NAME,
                             "BIND needs a networkId (64 hex) and a session name");
    Device* device = FindDevice(*networkId);
    if (!device || !Online(*device))
        return ChannelResult(channel, request, SOFTBUS_ERR_NO_DEVICE,
                             "device " + networkId->substr(0, 16) + "… is not online");
    if (!device->link && device->state.rfind("untrusted", 0) == 0)
        return ChannelResult(channel, request, SOFTBUS_ERR_NOT_TRUSTED,
                             "device " + networkId->substr(0, 16) + "… is not trusted: " +
                                 device->state.substr(11));
    auto created = NewSession(channel, *name, *networkId, false);
    if (!created)
        return ChannelResult(channel, request, created.error().code, created.error().message);
    Session& session = *FindSession(created.value());
    session.bindRequest = request;
    session.deadline = Clock::now() + std::chrono::milliseconds(std::min<uint64_t>(
                                          timeoutMs.value_or(5000), 60000));
    if (Link* link = device->link ? FindLink(device->link) : nullptr)
        StartOpen(session, *link);
    // else LinkUp() starts it, or ExpireBinds() fails it.
}

void Daemon::StartOpen(Session& session, Link& link)
{
    session.link = link.id;
    session.wireId = link.nextWireId;
    link.nextWireId += 2;
    link.sessions[session.wireId] = session.id;
    SendLinkJson(link, FrameType::OPEN, session.wireId,
                 {{"name", session.name}, {"window", session.window}});
}

void Daemon::LinkUp(Device& device, Link& link)
{
    std::vector<uint64_t> waiting;
    for (auto& [id, session] : sessions_)
        if (session->state == SessionState::Binding && !session->link &&
            session->peerId == device.networkId)
            waiting.push_back(id);
    for (uint64_t id : waiting)
        if (Session* session = FindSession(id))
            StartOpen(*session, link);
}

void Daemon::ExpireBinds()
{
    auto now = Clock::now();
    std::vector<uint64_t> expired;
    std::vector<uint64_t> untrusted;
    for (auto& [id, session] : sessions_) {
        if (session->state != SessionState::Binding)
            continue;
        if (now >= session->deadline) {
            expired.push_back(id);
        } else if (!session->link) {
            Device* device = FindDevice(session->peerId);
            if (device && device->state.rfind("untrusted", 0) == 0)
                untrusted.push_back(id);
        }
    }
    for (uint64_t id : expired)
        if (Session* session = FindSession(id))
            FailBind(*session, SOFTBUS_ERR_TIMEOUT,
                     "device " + session->peerId.substr(0, 16) + "… did not answer in time");
    for (uint64_t id : untrusted)
        if (Session* session = FindSession(id)) {
            Device* device = FindDevice(session->peerId);
            FailBind(*session, SOFTBUS_ERR_NOT_TRUSTED,
                     "device " + session->peerId.substr(0, 16) + "… is not trusted: " +
                         (device ? device->state.substr(11) : std::string("?")));
        }
}

void Daemon::FailBind(Session& session, int code, const std::string& message)
{
    uint64_t id = session.id;
    if (Channel* channel = FindChannel(session.channel))
        ChannelResult(*channel, session.bindRequest, code, message);
    if (Link* link = session.link ? FindLink(session.link) : nullptr) {
        // The peer may still open it: tell it we gave up.
        SendLinkJson(*link, FrameType::CLOSE, session.wireId, {{"reason", "peer closed"}});
        link->sessions.erase(session.wireId);
    }
    if (Channel* channel = FindChannel(session.channel))
        channel->sessions.erase(id);
    sessions_.erase(id);
}

void Daemon::PeerOpen(Link& link, uint32_t wire, const nlohmann::json& body)
{
    auto name = JsonString(body, "name", MAX_SESSION_NAME);
    auto window = JsonUint(body, "window");
    // The peer's ids have the other parity; reuse is a protocol error.
    if (!name || !window || *window == 0 || *window > SESSION_WINDOW * 4 ||
        (wire & 1) != (link.dialer ? 0u : 1u) || link.sessions.count(wire)) {
        CloseLink(link.id, ShutdownReason::LinkDown, "bad OPEN");
        return;
    }
    auto fail = [&](int code, const std::string& message) {
        Log("session '%s' from %.16s… refused: %s", name->c_str(), link.peerId.c_str(),
            message.c_str());
        SendLinkJson(link, FrameType::OPEN_FAIL, wire, {{"code", code}, {"message", message}});
    };
    auto it = listens_.find(*name);
    Channel* channel = it == listens_.end() ? nullptr : FindChannel(it->second);
    if (!channel)
        return fail(SOFTBUS_ERR_NO_SERVER,
                    "no session server '" + *name + "' on device \"" + identity_.name + "\"");
    auto created = NewSession(*channel, *name, link.peerId, true);
    if (!created)
        return fail(created.error().code, created.error().message);
    Session& session = *FindSession(created.value());
    session.link = link.id;
    session.wireId = wire;
    session.state = SessionState::Open;
    session.credit = static_cast<uint32_t>(*window);
    link.sessions[wire] = session.id;
    uint64_t id = session.id;
    SendLinkJson(link, FrameType::OPEN_OK, wire, {{"window", session.window}});
    ChannelSend(*channel, FrameType::SESSION_OPENED, 0,
                {{"session", id}, {"name", *name}, {"peer", link.peerId}},
                std::move(session.theirs));
    if (Session* s = FindSession(id)) {
        Watch(s->fd.get(), 0, SESSION, id);
        SessionUpdateInterest(*s);
    }
}

void Daemon::PeerOpenResult(Link& link, const Frame& frame)
{
    auto it = link.sessions.find(frame.header.channel);
    if (it == link.sessions.end())
        return;  // we gave up on it already
    Session* session = FindSession(it->second);
    if (!session || session->state != SessionState::Binding) {
        CloseLink(link.id, ShutdownReason::LinkDown, "unexpected OPEN result");
        return;
    }
    auto body = ParseControlBody(frame.body);
    if (!body) {
        CloseLink(link.id, ShutdownReason::LinkDown, "bad OPEN result: " + body.error().message);
        return;
    }
    if (frame.header.type == FrameType::OPEN_FAIL) {
        auto code = JsonUint(body.value(), "code");
        auto message = JsonString(body.value(), "message", 512);
        link.sessions.erase(it);
        session->link = 0;
        int c = code && *code > 0 && *code < 100000 ? static_cast<int>(*code) : EPROTO;
        FailBind(*session, c, "device " + link.peerId.substr(0, 16) + "…: " +
                                  message.value_or("refused"));
        return;
    }
    auto window = JsonUint(body.value(), "window");
    if (!window || *window == 0 || *window > SESSION_WINDOW * 4) {
        CloseLink(link.id, ShutdownReason::LinkDown, "bad OPEN_OK window");
        return;
    }
    session->credit = static_cast<uint32_t>(*window);
    session->state = SessionState::Open;
    uint64_t id = session->id;
    if (Channel* channel = FindChannel(session->channel))
        ChannelResult(*channel, session->bindRequest, 0, "", {{"session", id}},
                      std::move(session->theirs));
    if (Session* s = FindSession(id)) {
        Watch(s->fd.get(), 0, SESSION, id);
        SessionUpdateInterest(*s);
    }
}

void Daemon::PeerData(Link& link, Frame& frame)
{
    auto it = link.sessions.find(frame.header.channel);
    Session* session = it == link.sessions.end() ? nullptr : FindSession(it->second);
    if (!session) {
        // Data for a session we closed a moment ago: drop it.
        return;
    }
    if (session->state != SessionState::Open) {
        CloseLink(link.id, ShutdownReason::LinkDown, "DATA before OPEN_OK");
        return;
    }
    const uint8_t* data = frame.body.data();
    std::size_t len = frame.body.size();
    uint8_t flags = frame.header.flags;
    if (flags & FLAG_FIRST) {
        if (session->rxInMessage) {
            CloseLink(link.id, ShutdownReason::LinkDown, "DATA starts a message inside another");
            return;
        }
        uint32_t total = GetU32(data);
        if (total > MAX_MESSAGE_BYTES) {
            CloseLink(link.id, ShutdownReason::LinkDown,
                      "message of " + std::to_string(total) + " bytes announced");
            return;
        }
        data += 4;
        len -= 4;
        session->rxInMessage = true;
        session->rxLeft = total;
        PendingChunk head;
        head.bytes.resize(SESSION_MESSAGE_HEADER);
        PutU32(head.bytes.data(), total);
        head.counts = false;
        session->toProcessBytes += head.bytes.size();
        session->toProcess.push_back(std::move(head));
    } else if (!session->rxInMessage) {
        CloseLink(link.id, ShutdownReason::LinkDown, "DATA continues no message");
        return;
    }
    if (len > session->rxLeft || len > session->allowance) {
        CloseLink(link.id, ShutdownReason::LinkDown,
                  len > session->rxLeft ? "DATA beyond its message's length"
                                        : "DATA beyond the window we granted");
        return;
    }
    session->rxLeft -= static_cast<uint32_t>(len);
    session->allowance -= static_cast<uint32_t>(len);
    bool last = flags & FLAG_LAST;
    if (last != (session->rxLeft == 0)) {
        CloseLink(link.id, ShutdownReason::LinkDown, "DATA's LAST flag does not match its length");
        return;
    }
    if (last)
        session->rxInMessage = false;
    if (len) {
        PendingChunk chunk;
        chunk.bytes.assign(data, data + len);
        session->toProcessBytes += len;
        session->toProcess.push_back(std::move(chunk));
    }
    if (Channel* channel = FindChannel(session->channel))
        channel->pendingBytes += len + ((flags & FLAG_FIRST) ? SESSION_MESSAGE_HEADER : 0);
    SessionWriteProcess(*session);
}

void Daemon::PeerCredit(Link& link, const Frame& frame)
{
    auto it = link.sessions.find(frame.header.channel);
    Session* session = it == link.sessions.end() ? nullptr : FindSession(it->second);
    if (!session || frame.body.size() != 4)
        return;
    uint64_t credit = uint64_t{session->credit} + GetU32(frame.body.data());
    if (credit > SESSION_WINDOW * 4ull) {
        CloseLink(link.id, ShutdownReason::LinkDown, "CREDIT beyond any window");
        return;
    }
    session->credit = static_cast<uint32_t>(credit);
    SessionUpdateInterest(*session);
}

void Daemon::PeerClose(Link& link, const Frame& frame)
{
    auto it = link.sessions.find(frame.header.channel);
    if (it == link.sessions.end())
        return;
    uint64_t id = it->second;
    link.sessions.erase(it);
    Session* session = FindSession(id);
    if (!session)
        return;
    session->link = 0;
    if (session->state == SessionState::Binding) {
        FailBind(*session, SOFTBUS_ERR_CLOSED, "the peer closed the session while opening it");
        return;
    }
    EndSession(id, ShutdownReason::PeerClosed, false);
}

void Daemon::OnSessionEvent(uint64_t id, uint32_t events)
{
    Session* session = FindSession(id);
    if (!session)
        return;
    if (events & EPOLLOUT) {
        SessionWriteProcess(*session);
        if (!(session = FindSession(id)))
            return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        SessionReadProcess(*session);
}

void Daemon::SessionReadProcess(Session& session)
{
    uint64_t id = session.id;
    Link* link = session.link ? FindLink(session.link) : nullptr;
    if (!link)
        return;
    uint8_t buf[MAX_CHUNK + 4];
    for (int round = 0; round < 16; round++) {
        if (!session.inMessage) {
            ssize_t n = ::recv(session.fd.get(), session.lenBuf + session.lenHave,
                               4 - session.lenHave, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (n <= 0) {
                // The process closed its end (or exited).
                EndSession(id, ShutdownReason::PeerClosed, true);
                return;
            }
            session.lenHave += static_cast<std::size_t>(n);
            if (session.lenHave < 4)
                continue;
            session.lenHave = 0;
            uint32_t total = GetU32(session.lenBuf);
            if (total > MAX_MESSAGE_BYTES) {
                Log("session %llu: process sent a message of %u bytes (limit %zu)",
                    static_cast<unsigned long long>(id), total, MAX_MESSAGE_BYTES);
                EndSession(id, ShutdownReason::Refused, true);
                return;
            }
            session.inMessage = true;
            session.firstChunk = true;
            session.msgTotal = total;
            session.msgLeft = total;
        }
        if (link->high || (session.msgLeft && session.credit == 0))
            break;
        std::size_t want = std::min<std::size_t>({MAX_CHUNK, session.msgLeft, session.credit});
        std::size_t got = 0;
        if (want) {
            ssize_t n = ::recv(session.fd.get(), buf + 4, want, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (n <= 0) {
                EndSession(id, ShutdownReason::PeerClosed, true);
                return;
            }
            got = static_cast<std::size_t>(n);
        }
        session.msgLeft -= static_cast<uint32_t>(got);
        session.credit -= static_cast<uint32_t>(got);
        uint8_t flags = 0;
        const uint8_t* body = buf + 4;
        std::size_t bodyLen = got;
        if (session.firstChunk) {
            flags |= FLAG_FIRST;
            PutU32(buf, session.msgTotal);
            body = buf;
            bodyLen += 4;
            session.firstChunk = false;
        }
        if (session.msgLeft == 0) {
            flags |= FLAG_LAST;
            session.inMessage = false;
        }
        SendLink(*link, FrameType::DATA, session.wireId, {body, bodyLen}, flags);
        if (link->doomed)
            return;
    }
    SessionUpdateInterest(session);
}

void Daemon::SessionWriteProcess(Session& session)
{
    uint64_t id = session.id;
    Channel* channel = FindChannel(session.channel);
    while (!session.toProcess.empty()) {
        PendingChunk& chunk = session.toProcess.front();
        ssize_t n = ::send(session.fd.get(), chunk.bytes.data() + chunk.off,
                           chunk.bytes.size() - chunk.off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0) {
            // The process closed its end: nothing more to deliver.
            EndSession(id, ShutdownReason::PeerClosed, true);
            return;
        }
        std::size_t put = static_cast<std::size_t>(n);
        chunk.off += put;
        session.toProcessBytes -= put;
        if (channel)
            channel->pendingBytes -= std::min(channel->pendingBytes, put);
        if (chunk.counts)
            session.consumed += static_cast<uint32_t>(put);
        if (chunk.off == chunk.bytes.size())
            session.toProcess.pop_front();
    }
    if (session.closing && session.toProcess.empty()) {
        sessions_.erase(id);  // closes our end: the process reads EOF
        return;
    }
    MaybeGrantCredit(session);
    SessionUpdateInterest(session);
    if (channel)
        ReleaseWithheld(channel->pid);
}

// Grants held back while a process was over its pending-bytes quota go
// out once it is under again, for every session of it that has some.
void Daemon::ReleaseWithheld(pid_t pid)
{
    if (ProcessPending(pid) >= options_.maxPendingBytes)
        return;
    std::vector<uint64_t> ids;
    auto [first, last] = channelsByPid_.equal_range(pid);
    for (auto it = first; it != last; ++it) {
        Channel* channel = FindChannel(it->second);
        if (!channel || !channel->withheld)
            continue;
        channel->withheld = false;
        ids.insert(ids.end(), channel->sessions.begin(), channel->sessions.end());
    }
    for (uint64_t id : ids)
        if (Session* session = FindSession(id); session && session->consumed)
            MaybeGrantCredit(*session);
}

void Daemon::MaybeGrantCredit(Session& session)
{
    Channel* channel = FindChannel(session.channel);
    Link* link = session.link ? FindLink(session.link) : nullptr;
    if (!link || !channel || session.closing)
        return;
    // Grant in quarter windows: the sender still holds three quarters,
    // so it never waits for a grant of less, and small messages cost no
    // extra frame. Grants wait while the process is over its
    // pending-bytes quota: its peers then wait.
    if (session.consumed < session.window / 4)
        return;
    if (session.consumed == 0)
        return;
    if (ProcessPending(channel->pid) >= options_.maxPendingBytes) {
        channel->withheld = true;  // ReleaseWithheld() grants it later
        return;
    }
    uint8_t body[4];
    PutU32(body, session.consumed);
    session.allowance += session.consumed;
    session.consumed = 0;
    SendLink(*link, FrameType::CREDIT, session.wireId, body);
}

void Daemon::SessionUpdateInterest(Session& session)
{
    if (session.closing || session.state != SessionState::Open || session.theirs.valid())
        return;
    Link* link = session.link ? FindLink(session.link) : nullptr;
    uint32_t events = 0;
    bool canSend = link && !link->high && (!session.inMessage || session.msgLeft == 0 ||
                                           session.credit > 0);
    if (canSend)
        events |= EPOLLIN;
    if (!session.toProcess.empty())
        events |= EPOLLOUT;
    if (events != session.events) {
        session.events = events;
        Rewatch(session.fd.get(), events, SESSION, session.id);
    }
}

void Daemon::LinkSessionsInterest(Link& link)
{
    for (auto& [wire, id] : link.sessions)
        if (Session* session = FindSession(id))
            SessionUpdateInterest(*session);
}

void Daemon::EndSession(uint64_t id, ShutdownReason reason, bool tellPeer)
{
    Session* session = FindSession(id);
    if (!session || session->closing)
        return;
    if (session->state == SessionState::Binding) {
        FailBind(*session, reason == ShutdownReason::Timeout ? SOFTBUS_ERR_TIMEOUT
                                                             : SOFTBUS_ERR_CLOSED,
                 std::string("the link went away: ") + ToString(reason));
        return;
    }
    if (Link* link = session->link ? FindLink(session->link) : nullptr) {
        if (tellPeer)
            SendLinkJson(*link, FrameType::CLOSE, session->wireId,
                         {{"reason", ToString(ShutdownReason::PeerClosed)}});
        link->sessions.erase(session->wireId);
    }
    session->link = 0;
    if (Channel* channel = FindChannel(session->channel)) {
        channel->sessions.erase(id);
        channel->pendingBytes -= std::min(channel->pendingBytes, session->toProcessBytes);
        if (reason != ShutdownReason::LocalShutdown)
            ChannelSend(*channel, FrameType::SESSION_CLOSED, 0,
                        {{"session", id}, {"reason", ToString(reason)}});
    }
    if (!(session = FindSession(id)))
        return;
    if (session->fd.valid())
        Unwatch(session->fd.get());
    // What already arrived is still delivered; then our end closes.
    if (reason == ShutdownReason::PeerClosed && !session->toProcess.empty() &&
        FindChannel(session->channel)) {
        session->closing = true;
        Watch(session->fd.get(), EPOLLOUT, SESSION, id);
        return;
    }
    sessions_.erase(id);
}

}  // namespace ipckit::softbus
