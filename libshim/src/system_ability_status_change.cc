// SPDX-License-Identifier: Apache-2.0
//
// ISystemAbilityStatusChange on the wire: samgr's side (the proxy, which
// sends one-way calls) and the subscriber's (the stub). Each call is the
// interface token, Int32 SA id, String device id.
#include <string>

#include "ipckit/ipc_errors.h"
#include "ipckit/isystem_ability_status_change.h"

namespace ipckit {

namespace {

class SystemAbilityStatusChangeProxy : public IRemoteProxy<ISystemAbilityStatusChange> {
public:
    explicit SystemAbilityStatusChangeProxy(const sptr<IRemoteObject>& remote)
        : IRemoteProxy<ISystemAbilityStatusChange>(remote)
    {
    }

    void OnAddSystemAbility(int32_t id, const std::string& deviceId) override
    {
        Notify(ON_ADD_SYSTEM_ABILITY, id, deviceId);
    }

    void OnRemoveSystemAbility(int32_t id, const std::string& deviceId) override
    {
        Notify(ON_REMOVE_SYSTEM_ABILITY, id, deviceId);
    }

private:
    static inline BrokerDelegator<SystemAbilityStatusChangeProxy> delegator_;

    // One-way: a slow or dead subscriber must not hold samgr up.
    void Notify(uint32_t code, int32_t id, const std::string& deviceId)
    {
        MessageParcel data, reply;
        MessageOption option(MessageOption::TF_ASYNC);
        if (data.WriteInterfaceToken(GetDescriptor()) && data.WriteInt32(id) &&
            data.WriteString(deviceId))
            Remote()->SendRequest(code, data, reply, option);
    }
};

}  // namespace

int SystemAbilityStatusChangeStub::OnRemoteRequest(uint32_t code, MessageParcel& data,
                                                   MessageParcel& reply, MessageOption& option)
{
    if (code != ON_ADD_SYSTEM_ABILITY && code != ON_REMOVE_SYSTEM_ABILITY)
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    if (data.ReadInterfaceToken() != GetDescriptor())
        return ERR_INVALID_DATA;
    int32_t id = 0;
    std::string deviceId;
    if (!data.ReadInt32(id) || !data.ReadString(deviceId))
        return ERR_INVALID_DATA;
    if (code == ON_ADD_SYSTEM_ABILITY)
        OnAddSystemAbility(id, deviceId);
    else
        OnRemoveSystemAbility(id, deviceId);
    return ERR_NONE;
}

}  // namespace ipckit

namespace ipckit::detail {

sptr<ISystemAbilityStatusChange> AsStatusChangeListener(const sptr<IRemoteObject>& object)
{
    return iface_cast<ISystemAbilityStatusChange>(object);
}

}  // namespace ipckit::detail
