// SPDX-License-Identifier: Apache-2.0
#include "daemon/service.h"

#include <ipckit/ipc_errors.h>
#include <ipckit/ipc_skeleton.h>
#include <ipckit/message_parcel.h>

#include "daemon/rpcd.h"
#include "rpc_protocol.h"

namespace ipckit::rpc {

RpcService::RpcService(std::shared_ptr<Rpcd> rpcd)
    : IPCObjectStub(detail::RPC_SERVICE_DESCRIPTOR), rpcd_(std::move(rpcd))
{
}

int RpcService::OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                MessageOption&)
{
    auto answer = [&](int32_t err, const std::string& why) {
        return reply.WriteInt32(err) && reply.WriteString(why) ? ERR_NONE
                                                               : IPC_STUB_WRITE_PARCEL_ERR;
    };
    if (!IPCSkeleton::IsLocalCalling()) {
        Log("a call from device %s refused: rpcd serves local processes only",
            Short(IPCSkeleton::GetCallingDeviceID()).c_str());
        return answer(RPC_ERR_CALLER_NOT_AUTHORIZED, "rpcd serves local processes only");
    }
    if (data.ReadInterfaceToken() != detail::RPC_SERVICE_DESCRIPTOR)
        return answer(ERR_INVALID_DATA, "wrong interface token");
    switch (code) {
    case detail::RPC_GET_REMOTE_SA: {
        int32_t said = 0, mode = 0, timeout = 0;
        std::string networkId;
        if (!data.ReadInt32(said) || !data.ReadString(networkId) || !data.ReadInt32(mode) ||
            !data.ReadInt32(timeout) || mode < detail::RPC_MODE_CHECK ||
            mode > detail::RPC_MODE_LOAD || timeout < 0 || timeout > 3600)
            return answer(ERR_INVALID_DATA, "malformed GET_REMOTE_SA request");
        int32_t err = ERR_NONE;
        std::string why;
        sptr<IRemoteObject> object =
            rpcd_->GetRemoteSa(networkId, said, mode, timeout, err, why);
        if (!object)
            return answer(err ? err : RPC_ERR_NO_SYSTEM_ABILITY, why);
        int ret = answer(ERR_NONE, "");
        if (ret == ERR_NONE && !reply.WriteRemoteObject(object))
            return IPC_STUB_WRITE_PARCEL_ERR;
        return ret;
    }
    case detail::RPC_LIST_REMOTE_SA: {
        std::string networkId;
        if (!data.ReadString(networkId))
            return answer(ERR_INVALID_DATA, "malformed LIST_REMOTE_SA request");
        std::vector<SaEntry> entries;
        std::string why;
        int32_t err = rpcd_->ListRemoteSa(networkId, entries, why);
        if (err != ERR_NONE)
            return answer(err, why);
        if (answer(ERR_NONE, "") != ERR_NONE ||
            !reply.WriteInt32(static_cast<int32_t>(entries.size())))
            return IPC_STUB_WRITE_PARCEL_ERR;
        for (auto& e : entries)
            if (!reply.WriteInt32(e.said) || !reply.WriteString16(e.descriptor))
                return IPC_STUB_WRITE_PARCEL_ERR;
        return ERR_NONE;
    }
    case detail::RPC_DUMP:
        if (answer(ERR_NONE, "") != ERR_NONE || !reply.WriteString(rpcd_->Dump()))
            return IPC_STUB_WRITE_PARCEL_ERR;
        return ERR_NONE;
    default:
        return ERR_UNKNOWN_TRANSACTION;
    }
}

}  // namespace ipckit::rpc
