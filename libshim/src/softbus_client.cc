// SPDX-License-Identifier: Apache-2.0
//
// SoftBus (ipckit/softbus.h): the client side of softbusd.
//
// Device queries are binder calls to softbusd's system ability. Sessions
// go over a channel, a unix socket softbusd hands out (OPEN_CHANNEL): the
// process sends requests there and hears results and events; each session
// then has a socket of its own, passed over the channel with SCM_RIGHTS,
// carrying length-prefixed messages (service.h).
//
// One thread per SoftBus reads the channel and the session sockets and
// runs the listeners, one callback at a time, never under lock_. Callers
// of Send write to the session socket themselves (blocking: that is the
// back-pressure).
//
// Locking: lock_ guards pending_, sessions_, listeners_, devices_, dead_
// and the fd queue; writeLock_ serialises frames on the channel; each
// session's sendLock serialises its messages. Order: sendLock, writeLock_,
// lock_ — never the other way.
#include <ipckit/softbus.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <ipckit/ipc_errors.h>
#include <ipckit/iservice_registry.h>
#include <ipckit/message_option.h>
#include <ipckit/message_parcel.h>
#include <ipckit/unique_fd.h>

#include "softbus_client.h"
#include "wire/frame.h"
#include "wire/service.h"

namespace ipckit::softbus {

const char* ToString(ShutdownReason reason)
{
    switch (reason) {
    case ShutdownReason::LocalShutdown:
        return "local shutdown";
    case ShutdownReason::PeerClosed:
        return "peer closed";
    case ShutdownReason::DeviceOffline:
        return "device offline";
    case ShutdownReason::LinkDown:
        return "link down";
    case ShutdownReason::Timeout:
        return "timeout";
    case ShutdownReason::ServiceDied:
        return "softbusd died";
    case ShutdownReason::Refused:
        return "refused by softbusd";
    }
    return "unknown";
}

namespace {

using nlohmann::json;

std::optional<ShutdownReason> ReasonFromText(const std::string& text)
{
    for (auto r : {ShutdownReason::LocalShutdown, ShutdownReason::PeerClosed,
                   ShutdownReason::DeviceOffline, ShutdownReason::LinkDown,
                   ShutdownReason::Timeout, ShutdownReason::ServiceDied,
                   ShutdownReason::Refused})
        if (text == ToString(r))
            return r;
    return std::nullopt;
}

Error Errno(int err, const std::string& what)
{
    return Error{err, what + ": " + std::strerror(err)};
}

// Writes all of `len` bytes to a blocking stream socket.
bool SendAll(int fd, const uint8_t* data, std::size_t len)
{
    while (len) {
        ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

bool ReadDevice(MessageParcel& reply, DeviceInfo& device)
{
    return reply.ReadString(device.networkId) && reply.ReadString(device.name) &&
           reply.ReadString(device.address) && reply.ReadString(device.state) &&
           reply.ReadBool(device.online) && reply.ReadBool(device.trusted) &&
           reply.ReadInt64(device.rttUs);
}

DeviceInfo DeviceFromJson(const json& j)
{
    DeviceInfo d;
    d.networkId = JsonString(j, "networkId", 64).value_or("");
    d.name = JsonString(j, "name", 256).value_or("");
    d.address = JsonString(j, "address", 128).value_or("");
    d.state = JsonString(j, "state", 512).value_or("");
    d.online = JsonBool(j, "online").value_or(false);
    d.trusted = JsonBool(j, "trusted").value_or(false);
    return d;
}

struct Reply {
    json body;
    UniqueFd fd;
};

struct Session {
    SessionInfo info;
    UniqueFd fd;
    std::shared_ptr<SessionListener> listener;
    std::mutex sendLock;
    // Loop thread only: the message being read.
    std::vector<uint8_t> inbox;
    bool eof = false;
    std::optional<ShutdownReason> reason;
    bool closed = false;  // Send fails from here on
};

class SoftBusClient final : public SoftBus {
public:
    SoftBusClient(ServiceQuery query, UniqueFd channel, UniqueFd wake)
        : query_(std::move(query)), channel_(std::move(channel)), wake_(std::move(wake))
    {
        loop_ = std::thread([this] { Loop(); });
    }

    ~SoftBusClient() override
    {
        {
            std::lock_guard<std::mutex> guard(lock_);
            stopping_ = true;
        }
        Wake();
        if (loop_.joinable())
            loop_.join();
    }

    Result<DeviceInfo> GetLocalDevice() override
    {
        MessageParcel reply;
        auto status = Query(SERVICE_GET_LOCAL_DEVICE, reply);
        if (!status)
            return status.error();
        DeviceInfo device;
        if (!ReadDevice(reply, device))
            return Error{ERR_INVALID_REPLY, "softbusd's local device reply is malformed"};
        return device;
    }

    Result<std::vector<DeviceInfo>> GetDevices() override
    {
        MessageParcel reply;
        auto status = Query(SERVICE_GET_DEVICES, reply);
        if (!status)
            return status.error();
        int32_t n = 0;
        // softbusd bounds its table; a larger count is a broken reply.
        if (!reply.ReadInt32(n) || n < 0 || n > 4096)
            return Error{ERR_INVALID_REPLY, "softbusd's device list reply is malformed"};
        std::vector<DeviceInfo> devices(static_cast<std::size_t>(n));
        for (auto& device : devices)
            if (!ReadDevice(reply, device))
                return Error{ERR_INVALID_REPLY, "softbusd's device list reply is malformed"};
        return devices;
    }

    Result<std::vector<DeviceInfo>> GetOnlineDevices() override
    {
        auto all = GetDevices();
        if (!all)
            return all.error();
        std::vector<DeviceInfo> online;
        for (auto& device : all.value())
            if (device.online && device.trusted)
                online.push_back(std::move(device));
        return online;
    }

    Status Listen(const std::string& name, std::shared_ptr<SessionListener> listener) override
    {
        if (!listener)
            return Error{EINVAL, "Listen: no listener"};
        if (!IsSessionName(name))
            return Error{SOFTBUS_ERR_BAD_NAME,
                         "session name '" + name + "' is not 1..64 of [A-Za-z0-9._-]"};
        {
            // Before the request: a peer may bind as soon as softbusd has it.
            std::lock_guard<std::mutex> guard(lock_);
            if (listeners_.count(name))
                return Error{SOFTBUS_ERR_EXISTS, "this process already listens on '" + name + "'"};
            listeners_[name] = listener;
        }
        auto result = Call(FrameType::LISTEN, {{"name", name}}, 5000, nullptr);
        if (!result) {
            std::lock_guard<std::mutex> guard(lock_);
            listeners_.erase(name);
            return result.error();
        }
        return Ok{};
    }

    Status StopListening(const std::string& name) override
    {
        auto result = Call(FrameType::UNLISTEN, {{"name", name}}, 5000, nullptr);
        std::lock_guard<std::mutex> guard(lock_);
        listeners_.erase(name);
        if (!result)
            return result.error();
        return Ok{};
    }

    Result<SessionId> Bind(const std::string& networkId, const std::string& name,
                           std::shared_ptr<SessionListener> listener, int timeoutMs) override
    {
        if (!listener)
            return Error{EINVAL, "Bind: no listener"};
        if (!IsNetworkIdText(networkId))
            return Error{SOFTBUS_ERR_BAD_NAME, "'" + networkId + "' is not a networkId (64 hex)"};
        if (!IsSessionName(name))
            return Error{SOFTBUS_ERR_BAD_NAME,
                         "session name '" + name + "' is not 1..64 of [A-Za-z0-9._-]"};
        if (timeoutMs < 0)
            timeoutMs = 0;
        UniqueFd fd;
        auto result = Call(FrameType::BIND,
                           {{"networkId", networkId}, {"name", name}, {"timeoutMs", timeoutMs}},
                           timeoutMs + 5000, &fd);
        if (!result)
            return result.error();
        auto id = JsonUint(result.value(), "session");
        if (!id || !fd.valid())
            return Error{ERR_INVALID_REPLY, "softbusd's BIND reply has no session"};
        auto session = std::make_shared<Session>();
        session->info = {*id, name, networkId, false};
        session->fd = std::move(fd);
        session->listener = std::move(listener);
        {
            std::lock_guard<std::mutex> guard(lock_);
            sessions_[*id] = session;
        }
        Wake();
        return *id;
    }

    Status Send(SessionId id, std::span<const uint8_t> data) override
    {
        if (data.size() > MAX_MESSAGE_BYTES)
            return Error{SOFTBUS_ERR_TOO_BIG, "message of " + std::to_string(data.size()) +
                                                  " bytes is larger than the limit (" +
                                                  std::to_string(MAX_MESSAGE_BYTES) + ")"};
        std::shared_ptr<Session> session = Find(id);
        if (!session)
            return Error{SOFTBUS_ERR_CLOSED, "no session " + std::to_string(id)};
        std::lock_guard<std::mutex> guard(session->sendLock);
        if (session->closed)
            return Error{SOFTBUS_ERR_CLOSED, "session " + std::to_string(id) + " is closed"};
        uint8_t head[SESSION_MESSAGE_HEADER];
        PutU32(head, static_cast<uint32_t>(data.size()));
        if (!SendAll(session->fd.get(), head, sizeof(head)) ||
            !SendAll(session->fd.get(), data.data(), data.size()))
            return Error{SOFTBUS_ERR_CLOSED, "session " + std::to_string(id) + " is closed (" +
                                                 std::strerror(errno) + ")"};
        return Ok{};
    }

    Status Shutdown(SessionId id) override
    {
        std::shared_ptr<Session> session = Find(id);
        if (!session)
            return Ok{};
        {
            std::lock_guard<std::mutex> guard(session->sendLock);
            session->closed = true;
        }
        Result<json> result = json::object();
        if (OnLoopThread())
            Post(FrameType::SHUTDOWN, {{"session", id}});
        else
            result = Call(FrameType::SHUTDOWN, {{"session", id}}, 5000, nullptr);
        {
            std::lock_guard<std::mutex> guard(lock_);
            sessions_.erase(id);
        }
        Wake();
        if (!result && result.error().code != SOFTBUS_ERR_CLOSED)
            return result.error();
        return Ok{};
    }

    Status SubscribeDevices(std::shared_ptr<DeviceListener> listener) override
    {
        if (!listener)
            return Error{EINVAL, "SubscribeDevices: no listener"};
        bool first;
        {
            std::lock_guard<std::mutex> guard(lock_);
            first = deviceListeners_.empty();
            deviceListeners_.push_back(std::move(listener));
        }
        if (first) {
            auto result = Call(FrameType::SUBSCRIBE, {{"on", true}}, 5000, nullptr);
            if (!result)
                return result.error();
        }
        return Ok{};
    }

    Status UnsubscribeDevices(const std::shared_ptr<DeviceListener>& listener) override
    {
        bool last;
        {
            std::lock_guard<std::mutex> guard(lock_);
            std::erase(deviceListeners_, listener);
            last = deviceListeners_.empty();
        }
        if (last) {
            auto result = Call(FrameType::SUBSCRIBE, {{"on", false}}, 5000, nullptr);
            if (!result)
                return result.error();
        }
        return Ok{};
    }

private:
    Status Query(uint32_t code, MessageParcel& reply)
    {
        int err = query_(code, reply);
        if (err != ERR_NONE)
            return Error{err == ERR_DEAD_OBJECT ? SOFTBUS_ERR_NOT_RUNNING : err,
                         std::string("softbusd did not answer: ") + ErrorString(err)};
        int32_t result = 0;
        std::string message;
        if (!reply.ReadInt32(result) || !reply.ReadString(message))
            return Error{ERR_INVALID_REPLY, "softbusd's reply is malformed"};
        if (result != 0)
            return Error{result, message};
        return Ok{};
    }

    std::shared_ptr<Session> Find(SessionId id)
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = sessions_.find(id);
        return it == sessions_.end() ? nullptr : it->second;
    }

    void Wake()
    {
        uint64_t one = 1;
        ssize_t n = ::write(wake_.get(), &one, sizeof(one));
        (void)n;  // a full counter already means "wake up"
    }

    bool OnLoopThread() const { return std::this_thread::get_id() == loop_.get_id(); }

    // A request without waiting for its RESULT (which the loop drops).
    void Post(FrameType type, const json& body)
    {
        std::vector<uint8_t> frame;
        AppendJsonFrame(frame, type, 0, body);
        std::lock_guard<std::mutex> guard(writeLock_);
        SendAll(channel_.get(), frame.data(), frame.size());
    }

    // A request on the channel and its RESULT: {code, message, ...}.
    Result<json> Call(FrameType type, const json& body, int timeoutMs, UniqueFd* fd)
    {
        if (OnLoopThread())
            return Error{EDEADLK, std::string(ToString(type)) +
                                      " cannot wait for softbusd in a SoftBus callback "
                                      "(that thread reads the answers): call it from another thread"};
        uint32_t id;
        {
            std::lock_guard<std::mutex> guard(lock_);
            if (dead_)
                return Error{SOFTBUS_ERR_NOT_RUNNING, "softbusd is gone (its channel closed)"};
            id = nextRequest_++;
            if (nextRequest_ == 0)
                nextRequest_ = 1;
            pending_[id];
        }
        std::vector<uint8_t> frame;
        AppendJsonFrame(frame, type, id, body);
        bool sent;
        {
            std::lock_guard<std::mutex> guard(writeLock_);
            sent = SendAll(channel_.get(), frame.data(), frame.size());
        }
        std::unique_lock<std::mutex> guard(lock_);
        auto& slot = pending_[id];
        if (sent)
            cv_.wait_for(guard, std::chrono::milliseconds(timeoutMs),
                         [&] { return slot.has_value() || dead_; });
        std::optional<Reply> reply = std::move(slot);
        pending_.erase(id);
        if (!reply) {
            if (dead_ || !sent)
                return Error{SOFTBUS_ERR_NOT_RUNNING, "softbusd is gone (its channel closed)"};
            return Error{SOFTBUS_ERR_TIMEOUT, std::string("softbusd did not answer ") +
                                                  ToString(type) + " in time"};
        }
        auto code = JsonUint(reply->body, "code");
        if (!code)
            return Error{ERR_INVALID_REPLY, "softbusd's RESULT has no code"};
        if (*code != 0)
            return Error{static_cast<int>(*code),
                         JsonString(reply->body, "message", MAX_CONTROL_BODY).value_or("")};
        if (fd)
            *fd = std::move(reply->fd);
        return std::move(reply->body);
    }

    // --- the loop thread ------------------------------------------------

    void Loop()
    {
        std::vector<pollfd> fds;
        std::vector<std::shared_ptr<Session>> polled;
        for (;;) {
            fds.clear();
            polled.clear();
            {
                std::lock_guard<std::mutex> guard(lock_);
                if (stopping_)
                    return;
                fds.push_back({wake_.get(), POLLIN, 0});
                if (!dead_)
                    fds.push_back({channel_.get(), POLLIN, 0});
                for (auto& [id, session] : sessions_)
                    if (!session->eof) {
                        fds.push_back({session->fd.get(), POLLIN, 0});
                        polled.push_back(session);
                    }
            }
            if (::poll(fds.data(), fds.size(), -1) < 0) {
                if (errno == EINTR)
                    continue;
                return;
            }
            if (fds[0].revents) {
                uint64_t count;
                ssize_t n = ::read(wake_.get(), &count, sizeof(count));
                (void)n;
            }
            std::size_t first = 1;
            if (fds.size() > 1 && fds[1].fd == channel_.get()) {
                first = 2;
                if (fds[1].revents)
                    ReadChannel();
            }
            for (std::size_t i = first; i < fds.size(); i++)
                if (fds[i].revents)
                    ReadSession(polled[i - first]);
        }
    }

    void ReadChannel()
    {
        uint8_t buf[16384];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
        iovec iov{buf, sizeof(buf)};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        ssize_t n = ::recvmsg(channel_.get(), &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; i++) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                fdQueue_.emplace_back(fd);
            }
        }
        if (n <= 0) {
            ChannelDied();
            return;
        }
        std::size_t off = 0;
        while (off < static_cast<std::size_t>(n)) {
            std::size_t used = 0;
            if (!decoder_.Feed(buf + off, static_cast<std::size_t>(n) - off, &used)) {
                std::fprintf(stderr, "ipckit: softbus channel: %s\n", decoder_.error().c_str());
                ChannelDied();
                return;
            }
            off += used;
            while (auto frame = decoder_.Next())
                HandleFrame(*frame);
        }
    }

    UniqueFd TakeFd()
    {
        if (fdQueue_.empty())
            return UniqueFd();
        UniqueFd fd = std::move(fdQueue_.front());
        fdQueue_.pop_front();
        return fd;
    }

    void HandleFrame(const Frame& frame)
    {
        auto body = ParseControlBody(frame.body);
        if (!body) {
            std::fprintf(stderr, "ipckit: softbus channel: %s %s\n", ToString(frame.header.type),
                         body.error().message.c_str());
            return;
        }
        const json& j = body.value();
        switch (frame.header.type) {
        case FrameType::RESULT: {
            UniqueFd fd;
            if (JsonBool(j, "fd").value_or(false))
                fd = TakeFd();
            std::lock_guard<std::mutex> guard(lock_);
            auto it = pending_.find(frame.header.channel);
            if (it != pending_.end()) {
                it->second = Reply{j, std::move(fd)};
                cv_.notify_all();
            }
            // else the caller timed out: fd closes here, softbusd sees it.
            break;
        }
        case FrameType::SESSION_OPENED: {
            UniqueFd fd = TakeFd();
            auto id = JsonUint(j, "session");
            auto name = JsonString(j, "name", MAX_SESSION_NAME);
            auto peer = JsonString(j, "peer", 64);
            if (!id || !name || !peer || !fd.valid())
                break;
            auto session = std::make_shared<Session>();
            session->info = {*id, *name, *peer, true};
            session->fd = std::move(fd);
            {
                std::lock_guard<std::mutex> guard(lock_);
                auto it = listeners_.find(*name);
                if (it == listeners_.end())
                    break;  // stopped listening meanwhile: the fd closes
                session->listener = it->second;
                sessions_[*id] = session;
            }
            session->listener->OnSessionOpened(session->info);
            break;
        }
        case FrameType::SESSION_CLOSED: {
            auto id = JsonUint(j, "session");
            auto reason = ReasonFromText(JsonString(j, "reason", 64).value_or(""));
            if (!id)
                break;
            std::shared_ptr<Session> session = Find(*id);
            if (!session)
                break;
            session->reason = reason.value_or(ShutdownReason::Refused);
            MaybeClosed(session);
            break;
        }
        case FrameType::DEVICE_EVENT: {
            auto online = JsonBool(j, "online");
            auto it = j.find("device");
            if (!online || it == j.end() || !it->is_object())
                break;
            DeviceInfo device = DeviceFromJson(*it);
            std::vector<std::shared_ptr<DeviceListener>> listeners;
            {
                std::lock_guard<std::mutex> guard(lock_);
                listeners = deviceListeners_;
            }
            for (auto& l : listeners) {
                if (*online)
                    l->OnDeviceOnline(device);
                else
                    l->OnDeviceOffline(device);
            }
            break;
        }
        default:
            break;
        }
    }

    // A session ends for the listener once its socket is drained (no data
    // lost) and softbusd said why.
    void MaybeClosed(const std::shared_ptr<Session>& session)
    {
        if (!session->eof || !session->reason)
            return;
        {
            std::lock_guard<std::mutex> guard(session->sendLock);
            session->closed = true;
        }
        {
            std::lock_guard<std::mutex> guard(lock_);
            auto it = sessions_.find(session->info.id);
            if (it == sessions_.end() || it->second != session)
                return;  // Shutdown() took it already
            sessions_.erase(it);
        }
        session->listener->OnSessionClosed(session->info.id, *session->reason);
    }

    void ReadSession(const std::shared_ptr<Session>& session)
    {
        uint8_t buf[65536];
        ssize_t n = ::recv(session->fd.get(), buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            session->eof = true;
            bool dead;
            {
                std::lock_guard<std::mutex> guard(lock_);
                dead = dead_;
            }
            if (dead && !session->reason)
                session->reason = ShutdownReason::ServiceDied;
            MaybeClosed(session);
            return;
        }
        auto& in = session->inbox;
        in.insert(in.end(), buf, buf + n);
        // Deliver every whole message; softbusd checked the sizes, but
        // this is another process's data: check again.
        std::size_t off = 0;
        while (in.size() - off >= SESSION_MESSAGE_HEADER) {
            uint32_t len = GetU32(in.data() + off);
            if (len > MAX_MESSAGE_BYTES) {
                std::fprintf(stderr, "ipckit: softbus session %llu: message of %u bytes\n",
                             static_cast<unsigned long long>(session->info.id), len);
                session->eof = true;
                session->reason = ShutdownReason::Refused;
                MaybeClosed(session);
                return;
            }
            if (in.size() - off - SESSION_MESSAGE_HEADER < len)
                break;
            session->listener->OnBytesReceived(
                session->info.id, {in.data() + off + SESSION_MESSAGE_HEADER, len});
            off += SESSION_MESSAGE_HEADER + len;
        }
        in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(off));
    }

    void ChannelDied()
    {
        std::vector<std::shared_ptr<Session>> sessions;
        {
            std::lock_guard<std::mutex> guard(lock_);
            if (dead_)
                return;
            dead_ = true;
            cv_.notify_all();
            for (auto& [id, session] : sessions_)
                sessions.push_back(session);
        }
        // softbusd held the other ends of the session sockets: they read
        // EOF once drained, and then close as ServiceDied.
        for (auto& session : sessions)
            if (!session->reason)
                session->reason = ShutdownReason::ServiceDied;
        for (auto& session : sessions)
            MaybeClosed(session);
    }

    ServiceQuery query_;
    UniqueFd channel_;
    UniqueFd wake_;
    std::thread loop_;

    std::mutex writeLock_;
    std::mutex lock_;
    std::condition_variable cv_;
    bool stopping_ = false;
    bool dead_ = false;
    uint32_t nextRequest_ = 1;
    std::map<uint32_t, std::optional<Reply>> pending_;
    std::map<SessionId, std::shared_ptr<Session>> sessions_;
    std::map<std::string, std::shared_ptr<SessionListener>> listeners_;
    std::vector<std::shared_ptr<DeviceListener>> deviceListeners_;

    // Loop thread only.
    FrameDecoder decoder_;
    std::deque<UniqueFd> fdQueue_;
};

}  // namespace

std::shared_ptr<SoftBus> MakeSoftBusClient(ServiceQuery query, UniqueFd channel)
{
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake.valid())
        return nullptr;
    return std::make_shared<SoftBusClient>(std::move(query), std::move(channel), std::move(wake));
}

Result<std::shared_ptr<SoftBus>> SoftBus::Connect()
{
    auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (!samgr)
        return Error{SOFTBUS_ERR_NOT_RUNNING, "no samgr (start samgr, then softbusd)"};
    sptr<IRemoteObject> service = samgr->CheckSystemAbility(SOFTBUS_SA_ID);
    if (!service)
        return Error{SOFTBUS_ERR_NOT_RUNNING, "softbusd is not running (no system ability " +
                                                  std::to_string(SOFTBUS_SA_ID) + " in samgr)"};
    MessageParcel data, reply;
    MessageOption option;
    if (!data.WriteInterfaceToken(SERVICE_DESCRIPTOR))
        return Error{ERR_INVALID_DATA, "cannot write the request"};
    int err = service->SendRequest(SERVICE_OPEN_CHANNEL, data, reply, option);
    if (err != ERR_NONE)
        return Error{SOFTBUS_ERR_NOT_RUNNING,
                     std::string("softbusd did not answer: ") + ErrorString(err)};
    int32_t result = 0;
    std::string message;
    if (!reply.ReadInt32(result) || !reply.ReadString(message))
        return Error{ERR_INVALID_REPLY, "softbusd's OPEN_CHANNEL reply is malformed"};
    if (result != 0)
        return Error{result, message};
    UniqueFd channel(reply.ReadFileDescriptor());
    if (!channel.valid())
        return Error{ERR_INVALID_REPLY, "softbusd's OPEN_CHANNEL reply has no socket"};
    auto query = [service](uint32_t code, MessageParcel& reply) {
        MessageParcel request;
        MessageOption sync;
        if (!request.WriteInterfaceToken(SERVICE_DESCRIPTOR))
            return static_cast<int>(ERR_INVALID_DATA);
        return service->SendRequest(code, request, reply, sync);
    };
    auto bus = MakeSoftBusClient(std::move(query), std::move(channel));
    if (!bus)
        return Errno(errno, "eventfd");
    return bus;
}

}  // namespace ipckit::softbus
