// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_object_proxy.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include <linux/ipckit.h>

#include "ipc_process.h"
#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/message_parcel.h"
#include "rpc_protocol.h"
#include "rpc_trailer.h"

namespace ipckit {
namespace {

bool IsReservedCode(uint32_t code)
{
    return code == IRemoteObject::PING_TRANSACTION || code == IRemoteObject::DUMP_TRANSACTION ||
           code == IRemoteObject::INTERFACE_TRANSACTION ||
           code == IRemoteObject::SYNCHRONIZE_REFERENCE ||
           code == IRemoteObject::RPC_QUERY_TRANSACTION ||
           code == IRemoteObject::RPC_DEATH_TRANSACTION ||
           code == IRemoteObject::RPC_OBITUARY_TRANSACTION ||
           code == IRemoteObject::RPC_FORWARD_TRANSACTION ||
           code == IRemoteObject::RPC_TIMED_TRANSACTION;
}

// Whether `data` holds a file descriptor rpcd would refuse to carry to
// another device: any but raw data's memfd (RPC_RAW_DATA_COOKIE). `any` says
// whether it holds fds at all (only then is it worth asking the object).
bool HoldsForeignFd(const MessageParcel& data, bool& any)
{
    any = false;
    bool foreign = false;
    const auto* base = reinterpret_cast<const uint8_t*>(data.GetData());
    for (uint64_t off : data.GetObjectOffsets()) {
        binder_object_header hdr;
        std::memcpy(&hdr, base + off, sizeof(hdr));
        if (hdr.type == BINDER_TYPE_FDA) {
            any = foreign = true;
        } else if (hdr.type == BINDER_TYPE_FD) {
            binder_fd_object fdo;
            std::memcpy(&fdo, base + off, sizeof(fdo));
            any = true;
            if (fdo.cookie != detail::RPC_RAW_DATA_COOKIE)
                foreign = true;
        }
    }
    return foreign;
}

std::string ShortId(const std::string& networkId)
{
    return networkId.substr(0, 8) + "...";
}

}  // namespace

// rpcd calls it (one-way, RPC_OBITUARY_TRANSACTION) when the remote SA
// behind the proxy dies.
class IPCObjectProxy::RpcDeathCallback : public IPCObjectStub {
public:
    explicit RpcDeathCallback(const wptr<IPCObjectProxy>& proxy)
        : IPCObjectStub(u"ipckit.RpcDeathCallback"), proxy_(proxy)
    {
    }
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code != RPC_OBITUARY_TRANSACTION)
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        // Only rpcd (root) may say an object died.
        if (detail::IPCThread::Current().CallingUid() != 0)
            return ERR_NO_PERMISSION;
        if (sptr<IPCObjectProxy> proxy = proxy_.promote())
            proxy->OnRpcObituary();
        return ERR_NONE;
    }

private:
    wptr<IPCObjectProxy> proxy_;
};

IPCObjectProxy::IPCObjectProxy(uint32_t handle, std::u16string descriptor)
    : IRemoteObject(std::move(descriptor)), handle_(handle)
{
}

IPCObjectProxy::~IPCObjectProxy()
{
    auto& proc = detail::IPCProcess::Get();
    proc.ForgetProxy(handle_, this);
    auto& thread = detail::IPCThread::Current();
    if (deathCookie_)
        thread.QueueHandleCookie(BC_CLEAR_DEATH_NOTIFICATION, handle_, deathCookie_);
    thread.QueueHandle(BC_RELEASE, handle_);
    thread.QueueHandle(BC_DECREFS, handle_);
    thread.Flush();
}

int IPCObjectProxy::SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                MessageOption& option)
{
    if ((code < MIN_TRANSACTION_ID || code > MAX_TRANSACTION_ID) && !IsReservedCode(code))
        return IPC_PROXY_INVALID_CODE_ERR;
    // Only these two cases need to know whether the object is remote: a
    // plain call costs no query.
    bool anyFd = false;
    bool foreignFd = HoldsForeignFd(data, anyFd);
    bool timed = !option.IsAsync() && option.GetWaitTime() != MessageOption::TF_WAIT_TIME &&
                 code >= MIN_TRANSACTION_ID && code <= MAX_TRANSACTION_ID;
    bool tooBig = data.GetDataSize() > detail::RPC_MAX_CALL_DATA;
    if (!foreignFd && !timed && !tooBig)
        return Transact(code, data, reply, option);
    RpcInfo info = GetRpcInfo();
    if (!info.isRemote)
        return Transact(code, data, reply, option);
    if (tooBig) {
        std::fprintf(stderr,
                     "ipckit: call %u to an object on device %s refused: %zu bytes of data, "
                     "more than the %zu a call to another device may hold "
                     "(RPC_ERR_PACKET_TOO_BIG)\n",
                     code, ShortId(info.networkId).c_str(), data.GetDataSize(),
                     detail::RPC_MAX_CALL_DATA);
        return RPC_ERR_PACKET_TOO_BIG;
    }
    if (foreignFd) {
        std::fprintf(stderr,
                     "ipckit: call %u to an object on device %s refused: file descriptors and "
                     "shared memory do not cross devices (RPC_ERR_FD_NOT_ALLOWED)\n",
                     code, ShortId(info.networkId).c_str());
        return RPC_ERR_FD_NOT_ALLOWED;
    }
    if (!timed)
        return Transact(code, data, reply, option);
    // The trailer goes on the caller's parcel for the call and comes off
    // again after, whatever the result.
    const std::size_t size = data.GetDataSize();
    if (!detail::AppendTimedTrailer(data, code, option.GetWaitTime())) {
        std::fprintf(stderr,
                     "ipckit: call %u to device %s: cannot append the wait time to this parcel "
                     "(received, or written past its end); sent with the default wait time\n",
                     code, ShortId(info.networkId).c_str());
        return Transact(code, data, reply, option);
    }
    int err = Transact(RPC_TIMED_TRANSACTION, data, reply, option);
    data.RewindWrite(size);
    return err;
}

IPCObjectProxy::RpcInfo IPCObjectProxy::GetRpcInfo()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (haveRpcInfo_)
            return rpcInfo_;
    }
    MessageParcel data, reply;
    MessageOption option;
    RpcInfo info;
    int err = Transact(RPC_QUERY_TRANSACTION, data, reply, option);
    int32_t isRemote = 0;
    // An object that does not know the code is a local one (rpcd's stand-ins
    // all answer): remembered like an answer.
    bool unknown = err == ERR_UNKNOWN_TRANSACTION || err == IPC_STUB_UNKNOW_TRANS_ERR;
    if (!unknown && (err != ERR_NONE || !reply.ReadInt32(isRemote))) {
        // Not remembered: a transient failure must not make a remote object
        // look local for good. A dead one no longer matters.
        return info;
    }
    if (isRemote != 0) {
        info.isRemote = true;
        if (!reply.ReadString(info.networkId) || !reply.ReadInt32(info.said)) {
            std::fprintf(stderr, "ipckit: rpcd's RPC_QUERY reply is malformed\n");
            info.said = -1;
        }
    }
    std::lock_guard<std::mutex> guard(lock_);
    haveRpcInfo_ = true;
    rpcInfo_ = info;
    return info;
}

int IPCObjectProxy::SendRpcDeath(const sptr<IRemoteObject>& callback, bool add)
{
    MessageParcel data, reply;
    MessageOption option;
    if (!data.WriteRemoteObject(callback) || !data.WriteInt32(add ? 1 : 0))
        return ERR_INVALID_DATA;
    int err = Transact(RPC_DEATH_TRANSACTION, data, reply, option);
    if (err != ERR_NONE)
        return err;
    int32_t result = ERR_INVALID_REPLY;
    if (!reply.ReadInt32(result))
        return ERR_INVALID_REPLY;
    return result;
}

bool IPCObjectProxy::WatchRemoteDeath(const RpcInfo& info)
{
    if (info.said < 0) {
        std::fprintf(stderr,
                     "ipckit: AddDeathRecipient: death notification of anonymous remote "
                     "objects is not supported across devices (object on device %s)\n",
                     ShortId(info.networkId).c_str());
        return false;
    }
    if (!rpcDeathCallback_) {
        auto callback = MakeSptr<RpcDeathCallback>(wptr<IPCObjectProxy>(this));
        int err = SendRpcDeath(callback, true);
        if (err != ERR_NONE) {
            std::fprintf(stderr,
                         "ipckit: AddDeathRecipient: rpcd cannot watch SA %d on device %s: "
                         "%s\n",
                         info.said, ShortId(info.networkId).c_str(), ErrorString(err));
            return false;
        }
        rpcDeathCallback_ = callback;
    }
    return true;
}

int IPCObjectProxy::Transact(uint32_t code, MessageParcel& data, MessageParcel& reply,
                             MessageOption& option)
{
    if (IsObjectDead())
        return ERR_DEAD_OBJECT;
    uint32_t flags = static_cast<uint32_t>(option.GetFlags()) | TF_ACCEPT_FDS;
    int err = detail::IPCThread::Current().Transact(handle_, code, data, &reply, flags);
    if (err == ERR_DEAD_OBJECT)
        MarkDead();
    return err;
}

int IPCObjectProxy::Ping()
{
    MessageParcel data, reply;
    MessageOption option;
    return Transact(PING_TRANSACTION, data, reply, option);
}

bool IPCObjectProxy::AddDeathRecipient(const sptr<DeathRecipient>& recipient)
{
    if (!recipient || IsObjectDead())
        return false;
    // The driver's notice below covers rpcd itself dying; rpcd's covers the
    // object on the other device.
    RpcInfo info = GetRpcInfo();
    std::unique_lock<std::mutex> order(rpcDeathLock_, std::defer_lock);
    if (info.isRemote) {
        order.lock();  // until the recipient is in the list
        if (!WatchRemoteDeath(info))
            return false;
    }
    uint64_t cookie = 0;
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (dead_)
            return false;
        recipients_.push_back(recipient);
        if (deathCookie_)
            return true;
        deathCookie_ = cookie = detail::IPCProcess::Get().AddDeathCookie(this);
    }
    // Notices go to a looper: make sure there is one.
    detail::IPCProcess::Get().EnsureLooper();
    auto& thread = detail::IPCThread::Current();
    thread.QueueHandleCookie(BC_REQUEST_DEATH_NOTIFICATION, handle_, cookie);
    return thread.Flush() == ERR_NONE;
}

bool IPCObjectProxy::RemoveDeathRecipient(const sptr<DeathRecipient>& recipient)
{
    uint64_t cookie = 0;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = std::find(recipients_.begin(), recipients_.end(), recipient);
        if (it == recipients_.end())
            return false;
        recipients_.erase(it);
        if (!recipients_.empty() || dead_)
            return true;
        cookie = std::exchange(deathCookie_, 0);
    }
    ClearDriverDeath(cookie);
    // The last one gone: rpcd need not watch the remote SA for us any more.
    std::lock_guard<std::mutex> order(rpcDeathLock_);
    bool stillWanted;
    {
        std::lock_guard<std::mutex> guard(lock_);
        stillWanted = !recipients_.empty();
    }
    if (rpcDeathCallback_ && !stillWanted) {
        sptr<IRemoteObject> callback = std::exchange(rpcDeathCallback_, nullptr);
        int err = SendRpcDeath(callback, false);
        if (err != ERR_NONE && err != ERR_DEAD_OBJECT)
            std::fprintf(stderr, "ipckit: RemoveDeathRecipient: rpcd did not drop the watch: %s\n",
                         ErrorString(err));
    }
    return true;
}

void IPCObjectProxy::ClearDriverDeath(uint64_t cookie)
{
    if (!cookie)
        return;
    auto& thread = detail::IPCThread::Current();
    thread.QueueHandleCookie(BC_CLEAR_DEATH_NOTIFICATION, handle_, cookie);
    thread.Flush();
}

void IPCObjectProxy::OnRpcObituary()
{
    uint64_t cookie = 0;
    {
        std::lock_guard<std::mutex> guard(lock_);
        dead_ = true;  // from now on no recipient is added
        cookie = std::exchange(deathCookie_, 0);
    }
    // The driver's notice is of no use now; rpcd dropped its callback. The
    // rest is the driver's obituary: dead, each recipient told once.
    ClearDriverDeath(cookie);
    SendObituary();
}

bool IPCObjectProxy::IsObjectDead() const
{
    std::lock_guard<std::mutex> guard(lock_);
    return dead_;
}

void IPCObjectProxy::MarkDead()
{
    std::lock_guard<std::mutex> guard(lock_);
    dead_ = true;
}

void IPCObjectProxy::SendObituary()
{
    std::vector<sptr<DeathRecipient>> recipients;
    {
        std::lock_guard<std::mutex> guard(lock_);
        dead_ = true;
        recipients.swap(recipients_);
        deathCookie_ = 0;  // the driver is done with it (BC_DEAD_BINDER_DONE)
    }
    wptr<IRemoteObject> self(static_cast<IRemoteObject*>(this));
    for (auto& r : recipients)
        r->OnRemoteDied(self);
}

std::u16string IPCObjectProxy::GetInterfaceDescriptor()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (haveDescriptor_)
            return remoteDescriptor_;
    }
    MessageParcel data, reply;
    MessageOption option;
    if (Transact(INTERFACE_TRANSACTION, data, reply, option) != ERR_NONE)
        return u"";
    std::u16string d = reply.ReadString16();
    std::lock_guard<std::mutex> guard(lock_);
    remoteDescriptor_ = d;
    haveDescriptor_ = true;
    return d;
}

int IPCObjectProxy::Dump(int fd, const std::vector<std::u16string>& args)
{
    MessageParcel data, reply;
    MessageOption option;
    if (!data.WriteFileDescriptor(fd) || !data.WriteString16Vector(args))
        return ERR_INVALID_DATA;
    return Transact(DUMP_TRANSACTION, data, reply, option);
}

}  // namespace ipckit
