// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManagerProxy: ISystemAbilityManager over samgr's handle,
// encoding calls as system_ability_manager_wire.h describes. It registers
// itself for iface_cast; SystemAbilityManagerClient is in this file too so
// that linking the client always links the registration.
#include <string>
#include <utility>

#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/iservice_registry.h"
#include "ipckit/message_parcel.h"
#include "samgr_distributed.h"
#include "system_ability_manager_wire.h"

namespace ipckit {

namespace {

// Why this thread's last call through a samgr proxy failed.
thread_local std::string g_lastError;

class SystemAbilityManagerProxy : public IRemoteProxy<ISystemAbilityManager> {
public:
    explicit SystemAbilityManagerProxy(const sptr<IRemoteObject>& remote)
        : IRemoteProxy<ISystemAbilityManager>(remote)
    {
    }

    sptr<IRemoteObject> GetSystemAbility(int32_t id) override
    {
        return CallForObject(GET_SYSTEM_ABILITY_TRANSACTION, id, nullptr);
    }

    sptr<IRemoteObject> CheckSystemAbility(int32_t id) override
    {
        return CallForObject(CHECK_SYSTEM_ABILITY_TRANSACTION, id, nullptr);
    }

    int32_t AddSystemAbility(int32_t id, const sptr<IRemoteObject>& ability,
                             const SAExtraProp& extra) override
    {
        MessageParcel data, reply;
        if (!ability)
            return Fail(ERR_NULL_OBJECT, "AddSystemAbility: the object is null");
        if (!Start(data) || !data.WriteInt32(id) || !data.WriteRemoteObject(ability) ||
            !data.WriteBool(extra.isDistributed) || !data.WriteUint32(extra.dumpFlags) ||
            !data.WriteString16(extra.capability) || !data.WriteString16(extra.permission))
            return Fail(ERR_INVALID_DATA, "AddSystemAbility: cannot build the request");
        return Call(ADD_SYSTEM_ABILITY_TRANSACTION, data, reply);
    }

    int32_t RemoveSystemAbility(int32_t id) override
    {
        MessageParcel data, reply;
        if (!Start(data) || !data.WriteInt32(id))
            return Fail(ERR_INVALID_DATA, "RemoveSystemAbility: cannot build the request");
        return Call(REMOVE_SYSTEM_ABILITY_TRANSACTION, data, reply);
    }

    std::vector<std::u16string> ListSystemAbilities(unsigned int dumpFlags) override
    {
        MessageParcel data, reply;
        std::vector<std::u16string> ids;
        if (!Start(data) || !data.WriteUint32(dumpFlags)) {
            Fail(ERR_INVALID_DATA, "ListSystemAbilities: cannot build the request");
            return ids;
        }
        if (Call(LIST_SYSTEM_ABILITY_TRANSACTION, data, reply) == ERR_NONE &&
            !reply.ReadString16Vector(&ids))
            Fail(ERR_INVALID_REPLY, "ListSystemAbilities: samgr's reply is malformed");
        return ids;
    }

    int32_t SubscribeSystemAbility(int32_t id,
                                   const sptr<ISystemAbilityStatusChange>& listener) override
    {
        return Subscription(SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION, id, listener);
    }

    int32_t UnSubscribeSystemAbility(int32_t id,
                                     const sptr<ISystemAbilityStatusChange>& listener) override
    {
        return Subscription(UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION, id, listener);
    }

    sptr<IRemoteObject> LoadSystemAbility(int32_t id, int32_t timeout) override
    {
        return CallForObject(LOAD_SYSTEM_ABILITY_TRANSACTION, id, &timeout);
    }

    int32_t ListSystemAbilityInfos(std::vector<SystemAbilityInfo>& infos) override
    {
        MessageParcel data, reply;
        infos.clear();
        if (!Start(data))
            return Fail(ERR_INVALID_DATA, "ListSystemAbilityInfos: cannot build the request");
        int32_t err = Call(LIST_SYSTEM_ABILITY_INFO_TRANSACTION, data, reply);
        if (err != ERR_NONE)
            return err;
        int32_t n = 0;
        if (!reply.ReadInt32(n) || n < 0 || static_cast<size_t>(n) > detail::SAMGR_MAX_INFOS)
            return Fail(ERR_INVALID_REPLY, "ListSystemAbilityInfos: bad count in the reply");
        for (int32_t i = 0; i < n; i++) {
            SystemAbilityInfo info;
            int32_t pid = 0;
            if (!reply.ReadInt32(info.id) || !reply.ReadInt32(pid) ||
                !reply.ReadUint32(info.uid) || !reply.ReadString16(info.descriptor) ||
                !reply.ReadBool(info.isDistributed) || !reply.ReadString16(info.permission)) {
                infos.clear();
                return Fail(ERR_INVALID_REPLY, "ListSystemAbilityInfos: truncated reply");
            }
            info.pid = pid;
            infos.push_back(std::move(info));
        }
        return ERR_NONE;
    }

    std::string GetLastError() override { return g_lastError; }

private:
    static inline BrokerDelegator<SystemAbilityManagerProxy> delegator_;

    static int32_t Fail(int32_t err, std::string text)
    {
        g_lastError = std::move(text);
        return err;
    }

    bool Start(MessageParcel& data)
    {
        g_lastError.clear();
        return data.WriteInterfaceToken(GetDescriptor());
    }

    // Sends the request; on success the reply is positioned at the call's
    // results. Any failure leaves its reason in g_lastError.
    int32_t Call(uint32_t code, MessageParcel& data, MessageParcel& reply)
    {
        MessageOption option;
        int err = Remote()->SendRequest(code, data, reply, option);
        if (err != ERR_NONE)
            return Fail(err, std::string("samgr did not answer: ") + ErrorString(err));
        int32_t result = ERR_NONE;
        std::string text;
        if (!reply.ReadInt32(result) || !reply.ReadString(text))
            return Fail(ERR_INVALID_REPLY, "samgr's reply is malformed");
        if (result != ERR_NONE)
            return Fail(result, text.empty() ? ErrorString(result) : text);
        return ERR_NONE;
    }

    sptr<IRemoteObject> CallForObject(uint32_t code, int32_t id, const int32_t* timeout)
    {
        MessageParcel data, reply;
        if (!Start(data) || !data.WriteInt32(id) || (timeout && !data.WriteInt32(*timeout))) {
            Fail(ERR_INVALID_DATA, "cannot build the request");
            return nullptr;
        }
        if (Call(code, data, reply) != ERR_NONE)
            return nullptr;
        sptr<IRemoteObject> object = reply.ReadRemoteObject();
        if (!object)
            Fail(ERR_INVALID_REPLY, "samgr's reply holds no object");
        return object;
    }

    int32_t Subscription(uint32_t code, int32_t id,
                         const sptr<ISystemAbilityStatusChange>& listener)
    {
        MessageParcel data, reply;
        if (!listener)
            return Fail(ERR_NULL_OBJECT, "the listener is null");
        if (!Start(data) || !data.WriteInt32(id) || !data.WriteRemoteObject(listener->AsObject()))
            return Fail(ERR_INVALID_DATA, "cannot build the request");
        return Call(code, data, reply);
    }
};

}  // namespace

namespace {

// One of samgr's rpcd-only calls: sends it and checks the reply's header;
// on success the reply is positioned at the call's results.
int32_t CallSamgr(const sptr<IRemoteObject>& samgr, uint32_t code, MessageParcel& data,
                  MessageParcel& reply, std::string& why)
{
    why.clear();
    if (!samgr) {
        why = "no samgr object";
        return ERR_NULL_OBJECT;
    }
    MessageOption option;
    int err = samgr->SendRequest(code, data, reply, option);
    if (err != ERR_NONE) {
        why = std::string("samgr did not answer: ") + ErrorString(err);
        return err;
    }
    int32_t result = ERR_NONE;
    std::string text;
    if (!reply.ReadInt32(result) || !reply.ReadString(text)) {
        why = "samgr's reply is malformed";
        return ERR_INVALID_REPLY;
    }
    if (result != ERR_NONE) {
        why = text.empty() ? ErrorString(result) : text;
        return result;
    }
    return ERR_NONE;
}

}  // namespace

sptr<IRemoteObject> GetDistributedSystemAbility(const sptr<IRemoteObject>& samgr, int32_t id,
                                                int32_t mode, int32_t timeout, int32_t& err,
                                                std::string& why)
{
    MessageParcel data, reply;
    if (!data.WriteInterfaceToken(ISystemAbilityManager::GetDescriptor()) ||
        !data.WriteInt32(id) || !data.WriteInt32(mode) || !data.WriteInt32(timeout)) {
        err = ERR_INVALID_DATA;
        why = "GetDistributedSystemAbility: cannot build the request";
        return nullptr;
    }
    err = CallSamgr(samgr, ISystemAbilityManager::GET_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION,
                    data, reply, why);
    if (err != ERR_NONE)
        return nullptr;
    sptr<IRemoteObject> object = reply.ReadRemoteObject();
    if (!object) {
        err = ERR_INVALID_REPLY;
        why = "samgr's reply holds no object";
    }
    return object;
}

int32_t ListDistributedSystemAbilities(const sptr<IRemoteObject>& samgr,
                                       std::vector<SystemAbilityInfo>& infos, std::string& why)
{
    MessageParcel data, reply;
    infos.clear();
    if (!data.WriteInterfaceToken(ISystemAbilityManager::GetDescriptor())) {
        why = "ListDistributedSystemAbilities: cannot build the request";
        return ERR_INVALID_DATA;
    }
    int32_t err = CallSamgr(
        samgr, ISystemAbilityManager::LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION, data, reply,
        why);
    if (err != ERR_NONE)
        return err;
    int32_t n = 0;
    if (!reply.ReadInt32(n) || n < 0 || static_cast<size_t>(n) > detail::SAMGR_MAX_INFOS) {
        why = "ListDistributedSystemAbilities: bad count in the reply";
        return ERR_INVALID_REPLY;
    }
    for (int32_t i = 0; i < n; i++) {
        SystemAbilityInfo info;
        if (!reply.ReadInt32(info.id) || !reply.ReadString16(info.descriptor)) {
            infos.clear();
            why = "ListDistributedSystemAbilities: truncated reply";
            return ERR_INVALID_REPLY;
        }
        info.isDistributed = true;
        infos.push_back(std::move(info));
    }
    return ERR_NONE;
}

SystemAbilityManagerClient& SystemAbilityManagerClient::GetInstance()
{
    static SystemAbilityManagerClient client;
    return client;
}

sptr<ISystemAbilityManager> SystemAbilityManagerClient::GetSystemAbilityManager()
{
    std::lock_guard<std::mutex> guard(lock_);
    if (samgr_ && samgr_->AsObject() && !samgr_->AsObject()->IsObjectDead())
        return samgr_;
    samgr_ = nullptr;
    sptr<IRemoteObject> context = IPCSkeleton::GetContextObject();
    if (!context || context->IsObjectDead())
        return nullptr;
    samgr_ = iface_cast<ISystemAbilityManager>(context);
    return samgr_;
}

void SystemAbilityManagerClient::DestroySystemAbilityManagerObject()
{
    std::lock_guard<std::mutex> guard(lock_);
    samgr_ = nullptr;
}

}  // namespace ipckit
