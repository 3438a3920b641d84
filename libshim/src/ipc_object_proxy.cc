// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_object_proxy.h"

#include <linux/ipckit.h>

#include "ipc_process.h"
#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/message_parcel.h"

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

}  // namespace

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
    return Transact(code, data, reply, option);
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
    if (!recipient)
        return false;
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
        if (!recipients_.empty() || dead_ || !deathCookie_)
            return true;
        cookie = std::exchange(deathCookie_, 0);
    }
    auto& thread = detail::IPCThread::Current();
    thread.QueueHandleCookie(BC_CLEAR_DEATH_NOTIFICATION, handle_, cookie);
    thread.Flush();
    return true;
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
