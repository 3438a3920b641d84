// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManagerStub: decodes samgr's wire calls (see
// system_ability_manager_wire.h) into ISystemAbilityManager's virtuals.
#include "ipckit/system_ability_manager_stub.h"

#include <string>
#include <utility>

#include "ipckit/ipc_errors.h"
#include "system_ability_manager_wire.h"
#include "system_ability_status_change_cast.h"

namespace ipckit {

namespace {

// The text the call being served on this thread fails with.
thread_local std::string g_callError;

}  // namespace

void SystemAbilityManagerStub::SetLastError(std::string text)
{
    g_callError = std::move(text);
}

std::string SystemAbilityManagerStub::GetLastErrorText() const
{
    return g_callError;
}

sptr<IRemoteObject> SystemAbilityManagerStub::GetDistributedAbility(int32_t id, int32_t,
                                                                    int32_t, int32_t& err)
{
    err = RPC_ERR_NOT_DISTRIBUTED;
    g_callError = "SA " + std::to_string(id) + " is not offered to other devices";
    return nullptr;
}

int32_t SystemAbilityManagerStub::ListDistributedAbilities(std::vector<SystemAbilityInfo>& infos)
{
    infos.clear();
    return ERR_NONE;
}

int SystemAbilityManagerStub::OnRemoteRequest(uint32_t code, MessageParcel& data,
                                              MessageParcel& reply, MessageOption& option)
{
    if (code < GET_SYSTEM_ABILITY_TRANSACTION ||
        code > LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION)
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    if (data.ReadInterfaceToken() != GetDescriptor())
        return ERR_INVALID_DATA;

    g_callError.clear();
    int32_t result = ERR_NONE;
    sptr<IRemoteObject> object;
    std::vector<std::u16string> ids;
    std::vector<SystemAbilityInfo> infos;
    bool hasObject = false;
    switch (code) {
    case GET_SYSTEM_ABILITY_TRANSACTION:
    case CHECK_SYSTEM_ABILITY_TRANSACTION: {
        int32_t id = data.ReadInt32();
        object = code == GET_SYSTEM_ABILITY_TRANSACTION ? GetSystemAbility(id)
                                                         : CheckSystemAbility(id);
        hasObject = true;
        if (!object)
            result = ERR_NULL_OBJECT;
        break;
    }
    case ADD_SYSTEM_ABILITY_TRANSACTION: {
        int32_t id = data.ReadInt32();
        sptr<IRemoteObject> ability = data.ReadRemoteObject();
        SAExtraProp extra;
        extra.isDistributed = data.ReadBool();
        extra.dumpFlags = data.ReadUint32();
        extra.capability = data.ReadString16();
        extra.permission = data.ReadString16();
        result = AddSystemAbility(id, ability, extra);
        break;
    }
    case REMOVE_SYSTEM_ABILITY_TRANSACTION:
        result = RemoveSystemAbility(data.ReadInt32());
        break;
    case LIST_SYSTEM_ABILITY_TRANSACTION:
        ids = ListSystemAbilities(data.ReadUint32());
        break;
    case SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION:
    case UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION: {
        int32_t id = data.ReadInt32();
        sptr<IRemoteObject> remote = data.ReadRemoteObject();
        sptr<ISystemAbilityStatusChange> listener = detail::AsStatusChangeListener(remote);
        if (!listener) {
            result = ERR_NULL_OBJECT;
            g_callError = "the listener is not an ISystemAbilityStatusChange";
            break;
        }
        result = code == SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION
                     ? SubscribeSystemAbility(id, listener)
                     : UnSubscribeSystemAbility(id, listener);
        break;
    }
    case LOAD_SYSTEM_ABILITY_TRANSACTION: {
        int32_t id = data.ReadInt32();
        int32_t timeout = data.ReadInt32();
        object = LoadSystemAbility(id, timeout);
        hasObject = true;
        if (!object)
            result = ERR_NULL_OBJECT;
        break;
    }
    case LIST_SYSTEM_ABILITY_INFO_TRANSACTION:
        result = ListSystemAbilityInfos(infos);
        break;
    case GET_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION: {
        int32_t id = data.ReadInt32();
        int32_t mode = data.ReadInt32();
        int32_t timeout = data.ReadInt32();
        result = ERR_NONE;
        object = GetDistributedAbility(id, mode, timeout, result);
        hasObject = true;
        if (!object && result == ERR_NONE)
            result = ERR_NULL_OBJECT;
        break;
    }
    case LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION:
        result = ListDistributedAbilities(infos);
        break;
    }

    if (result != ERR_NONE && g_callError.empty())
        g_callError = ErrorString(result);
    if (!reply.WriteInt32(result) || !reply.WriteString(result == ERR_NONE ? "" : g_callError))
        return ERR_INVALID_DATA;
    g_callError.clear();
    if (result != ERR_NONE)
        return ERR_NONE;
    bool ok = true;
    if (hasObject)
        ok = reply.WriteRemoteObject(object);
    else if (code == LIST_SYSTEM_ABILITY_TRANSACTION)
        ok = reply.WriteString16Vector(ids);
    else if (code == LIST_SYSTEM_ABILITY_INFO_TRANSACTION) {
        ok = reply.WriteInt32(static_cast<int32_t>(infos.size()));
        for (const SystemAbilityInfo& info : infos) {
            ok = ok && reply.WriteInt32(info.id) && reply.WriteInt32(info.pid) &&
                 reply.WriteUint32(info.uid) && reply.WriteString16(info.descriptor) &&
                 reply.WriteBool(info.isDistributed) && reply.WriteString16(info.permission);
        }
    } else if (code == LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION) {
        ok = reply.WriteInt32(static_cast<int32_t>(infos.size()));
        for (const SystemAbilityInfo& info : infos)
            ok = ok && reply.WriteInt32(info.id) && reply.WriteString16(info.descriptor);
    }
    return ok ? ERR_NONE : ERR_INVALID_DATA;
}

}  // namespace ipckit
