// SPDX-License-Identifier: Apache-2.0
#include "daemon/remote_stub.h"


#include <ipckit/ipc_errors.h>
#include <ipckit/ipc_skeleton.h>
#include <ipckit/message_parcel.h>

#include "daemon/rpcd.h"
#include "rpc_protocol.h"
#include "rpc_trailer.h"

namespace ipckit::rpc {

using detail::RpcTimedTrailer;

RemoteStub::RemoteStub(Rpcd& rpcd, uint64_t session, std::string peer, uint64_t generation,
                       uint64_t index, int32_t said, std::u16string descriptor)
    : IPCObjectStub(std::move(descriptor)),
      rpcd_(rpcd),
      session_(session),
      peer_(std::move(peer)),
      generation_(generation),
      index_(index),
      said_(said)
{
}

RemoteStub::~RemoteStub()
{
    rpcd_.StubGone(session_, generation_, index_, this, received_.load());
}

void RemoteStub::MarkDead()
{
    if (dead_.exchange(true))
        return;
    std::vector<sptr<IRemoteObject>> callbacks;
    {
        std::lock_guard<std::mutex> guard(lock_);
        callbacks.swap(callbacks_);
    }
    for (auto& cb : callbacks) {
        MessageParcel data, reply;
        MessageOption option(MessageOption::TF_ASYNC);
        cb->SendRequest(RPC_OBITUARY_TRANSACTION, data, reply, option);
    }
}

int RemoteStub::Death(MessageParcel& data, MessageParcel& reply)
{
    sptr<IRemoteObject> callback = data.ReadRemoteObject();
    int32_t add = 0;
    if (!callback || !data.ReadInt32(add))
        return ERR_INVALID_DATA;
    if (said_ < 0) {
        Log("death notification asked for anonymous object %llu of %s: not supported across "
            "devices",
            static_cast<unsigned long long>(index_), Short(peer_).c_str());
        return reply.WriteInt32(ERR_INVALID_STATE) ? ERR_NONE : IPC_STUB_WRITE_PARCEL_ERR;
    }
    bool tellNow = false;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto same = [&](const sptr<IRemoteObject>& c) { return c == callback; };
        std::erase_if(callbacks_, same);
        if (add) {
            if (dead_)
                tellNow = true;
            else
                callbacks_.push_back(callback);
        }
    }
    if (tellNow) {
        MessageParcel d, r;
        MessageOption option(MessageOption::TF_ASYNC);
        callback->SendRequest(RPC_OBITUARY_TRANSACTION, d, r, option);
    }
    return reply.WriteInt32(ERR_NONE) ? ERR_NONE : IPC_STUB_WRITE_PARCEL_ERR;
}

int RemoteStub::ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                               MessageOption& option)
{
    switch (code) {
    case RPC_QUERY_TRANSACTION:
        return reply.WriteInt32(1) && reply.WriteString(peer_) && reply.WriteInt32(said_)
                   ? ERR_NONE
                   : IPC_STUB_WRITE_PARCEL_ERR;
    case RPC_DEATH_TRANSACTION:
        return Death(data, reply);
    case SYNCHRONIZE_REFERENCE:
        return ERR_NONE;
    case INTERFACE_TRANSACTION:
        // An SA's descriptor came with it; an anonymous object is asked.
        if (!descriptor_.empty())
            return reply.WriteString16(descriptor_) ? ERR_NONE : IPC_STUB_WRITE_PARCEL_ERR;
        break;
    case RPC_FORWARD_TRANSACTION:
    case RPC_OBITUARY_TRANSACTION:
        // Only real stubs take these; rpcd never forwards to its own stand-ins.
        return ERR_UNKNOWN_TRANSACTION;
    default:
        break;
    }
    if (dead_)
        return ERR_DEAD_OBJECT;

    std::size_t limit = data.GetDataSize();
    int waitSeconds = MessageOption::TF_WAIT_TIME;
    uint32_t realCode = code;
    if (code == RPC_TIMED_TRANSACTION) {
        RpcTimedTrailer t{};
        if (!detail::ReadTimedTrailer(data, t, limit)) {
            Log("a timed call with a malformed trailer from pid %d: refused",
                IPCSkeleton::GetCallingPid());
            return IPC_STUB_INVALID_DATA_ERR;
        }
        waitSeconds = t.waitTime;
        realCode = t.code;
    }
    return rpcd_.Call(session_, generation_, index_, realCode, data, limit, reply,
                      option.IsAsync(), waitSeconds);
}

}  // namespace ipckit::rpc
