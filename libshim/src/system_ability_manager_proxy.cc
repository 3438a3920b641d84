// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManagerProxy: ISystemAbilityManager over samgr's handle,
// encoding calls as system_ability_manager_wire.h describes. It registers
// itself for iface_cast; SystemAbilityManagerClient is in this file too so
// that linking the client always links the registration.
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/iservice_registry.h"
#include "ipckit/message_parcel.h"
#include "rpc_protocol.h"
#include "samgr_distributed.h"
#include "system_ability_manager_wire.h"

namespace ipckit {

namespace {

// Why this thread's last call through a samgr proxy failed, and its code.
thread_local std::string g_lastError;
thread_local int32_t g_lastErrorCode = ERR_NONE;

// How long LoadSystemAbility(id, networkId, callback) waits for the SA.
constexpr int32_t kRemoteLoadSeconds = 30;

bool IsThisDevice(const std::string& networkId)
{
    return networkId.empty() || networkId == IPCSkeleton::GetLocalDeviceID();
}

// A call to samgr or rpcd (`who`), whose replies start alike: Int32 result,
// String error text. ERR_NONE with the reply positioned at the call's
// results, or the error with `why` in words.
int32_t CallForStatus(const sptr<IRemoteObject>& object, const char* who, uint32_t code,
                      MessageParcel& data, MessageParcel& reply, std::string& why)
{
    why.clear();
    if (!object) {
        why = std::string("no ") + who + " object";
        return ERR_NULL_OBJECT;
    }
    MessageOption option;
    int err = object->SendRequest(code, data, reply, option);
    if (err != ERR_NONE) {
        why = std::string(who) + " did not answer: " + ErrorString(err);
        return err;
    }
    int32_t result = ERR_NONE;
    std::string text;
    if (!reply.ReadInt32(result) || !reply.ReadString(text)) {
        why = std::string(who) + "'s reply is malformed";
        return ERR_INVALID_REPLY;
    }
    if (result != ERR_NONE) {
        why = text.empty() ? ErrorString(result) : text;
        return result;
    }
    return ERR_NONE;
}

// The distributed SAs a reply lists (Int32 n, n x (Int32 id, String16
// descriptor)), from samgr or rpcd (`who`).
int32_t ReadDistributedInfos(MessageParcel& reply, const char* who,
                             std::vector<SystemAbilityInfo>& infos, std::string& why)
{
    infos.clear();
    int32_t n = 0;
    if (!reply.ReadInt32(n) || n < 0 || static_cast<size_t>(n) > detail::SAMGR_MAX_INFOS) {
        why = std::string(who) + "'s reply has a bad count";
        return ERR_INVALID_REPLY;
    }
    for (int32_t i = 0; i < n; i++) {
        SystemAbilityInfo info;
        if (!reply.ReadInt32(info.id) || !reply.ReadString16(info.descriptor)) {
            infos.clear();
            why = std::string(who) + "'s reply is truncated";
            return ERR_INVALID_REPLY;
        }
        info.isDistributed = true;
        infos.push_back(std::move(info));
    }
    return ERR_NONE;
}

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

    // --- other devices: through rpcd (rpc_protocol.h) ----------------

    sptr<IRemoteObject> GetSystemAbility(int32_t id, const std::string& networkId) override
    {
        if (IsThisDevice(networkId))
            return GetSystemAbility(id);
        return GetRemote("GetSystemAbility", id, networkId, detail::RPC_MODE_GET, 0);
    }

    sptr<IRemoteObject> CheckSystemAbility(int32_t id, const std::string& networkId) override
    {
        if (IsThisDevice(networkId))
            return CheckSystemAbility(id);
        return GetRemote("CheckSystemAbility", id, networkId, detail::RPC_MODE_CHECK, 0);
    }

    bool LoadSystemAbility(int32_t id, const std::string& networkId,
                           const sptr<SystemAbilityLoadCallback>& callback) override
    {
        ClearError();
        if (!callback) {
            Fail(ERR_NULL_OBJECT, "LoadSystemAbility: the callback is null");
            return false;
        }
        bool local = IsThisDevice(networkId);
        // Refused now rather than in the callback when rpcd is not there.
        if (!local && !Rpcd("LoadSystemAbility", id, networkId))
            return false;
        sptr<SystemAbilityManagerProxy> self(this);
        std::thread([self, id, networkId, callback, local] {
            sptr<IRemoteObject> object =
                local ? self->LoadSystemAbility(id, kRemoteLoadSeconds)
                      : self->GetRemote("LoadSystemAbility", id, networkId,
                                        detail::RPC_MODE_LOAD, kRemoteLoadSeconds);
            if (object)
                callback->OnLoadSystemAbilitySuccess(id, object);
            else
                callback->OnLoadSystemAbilityFail(
                    id, g_lastErrorCode == ERR_NONE ? ERR_NULL_OBJECT : g_lastErrorCode,
                    g_lastError);
        }).detach();
        return true;
    }

    int32_t ListRemoteSystemAbilities(const std::string& networkId,
                                      std::vector<SystemAbilityInfo>& infos) override
    {
        ClearError();
        infos.clear();
        if (IsThisDevice(networkId)) {
            std::string why;
            int32_t err = ListDistributedSystemAbilities(Remote(), infos, why);
            return err == ERR_NONE ? err : Fail(err, why);
        }
        sptr<IRemoteObject> rpcd = Rpcd("ListRemoteSystemAbilities", -1, networkId);
        if (!rpcd)
            return g_lastErrorCode;
        MessageParcel data, reply;
        if (!data.WriteInterfaceToken(detail::RPC_SERVICE_DESCRIPTOR) ||
            !data.WriteString(networkId))
            return Fail(ERR_INVALID_DATA, "cannot build the request");
        int32_t err = CallRpcd(rpcd, detail::RPC_LIST_REMOTE_SA, data, reply);
        if (err == ERR_NONE) {
            std::string why;
            err = ReadDistributedInfos(reply, "rpcd", infos, why);
            if (err != ERR_NONE)
                Fail(err, why);
        }
        if (err != ERR_NONE)
            LogRemoteFailure("ListRemoteSystemAbilities", -1, networkId);
        return err;
    }

    std::string GetLastError() override { return g_lastError; }
    int32_t GetLastErrorCode() override { return g_lastErrorCode; }

private:
    static inline BrokerDelegator<SystemAbilityManagerProxy> delegator_;

    static int32_t Fail(int32_t err, std::string text)
    {
        g_lastError = std::move(text);
        g_lastErrorCode = err;
        return err;
    }

    static void ClearError()
    {
        g_lastError.clear();
        g_lastErrorCode = ERR_NONE;
    }

    bool Start(MessageParcel& data)
    {
        ClearError();
        return data.WriteInterfaceToken(GetDescriptor());
    }

    // "ipckit: GetSystemAbility(4801, 1a2b3c4d…): why" on stderr.
    static void LogRemoteFailure(const char* what, int32_t id, const std::string& networkId)
    {
        std::string args = id >= 0 ? std::to_string(id) + ", " : std::string();
        std::fprintf(stderr, "ipckit: %s(%s%s\u2026): %s\n", what, args.c_str(),
                     networkId.substr(0, 8).c_str(), g_lastError.c_str());
    }

    // This device's rpcd, or null (and the error set and logged).
    sptr<IRemoteObject> Rpcd(const char* what, int32_t id, const std::string& networkId)
    {
        sptr<IRemoteObject> rpcd = CheckSystemAbility(detail::RPC_SA_ID);
        ClearError();
        if (!rpcd) {
            Fail(RPC_ERR_NOT_RUNNING, "rpcd is not running on this device");
            LogRemoteFailure(what, id, networkId);
        }
        return rpcd;
    }

    // A call to rpcd; on success the reply is positioned at its results.
    static int32_t CallRpcd(const sptr<IRemoteObject>& rpcd, uint32_t code, MessageParcel& data,
                            MessageParcel& reply)
    {
        std::string why;
        int32_t err = CallForStatus(rpcd, "rpcd", code, data, reply, why);
        return err == ERR_NONE ? err : Fail(err, std::move(why));
    }

    sptr<IRemoteObject> GetRemote(const char* what, int32_t id, const std::string& networkId,
                                  int32_t mode, int32_t timeout)
    {
        sptr<IRemoteObject> rpcd = Rpcd(what, id, networkId);
        if (!rpcd)
            return nullptr;
        MessageParcel data, reply;
        sptr<IRemoteObject> object;
        if (!data.WriteInterfaceToken(detail::RPC_SERVICE_DESCRIPTOR) || !data.WriteInt32(id) ||
            !data.WriteString(networkId) || !data.WriteInt32(mode) || !data.WriteInt32(timeout))
            Fail(ERR_INVALID_DATA, "cannot build the request");
        else if (CallRpcd(rpcd, detail::RPC_GET_REMOTE_SA, data, reply) == ERR_NONE &&
                 !(object = reply.ReadRemoteObject()))
            Fail(ERR_INVALID_REPLY, "rpcd's reply holds no object");
        if (!object)
            LogRemoteFailure(what, id, networkId);
        return object;
    }

    // Sends the request; on success the reply is positioned at the call's
    // results. Any failure leaves its reason in g_lastError.
    int32_t Call(uint32_t code, MessageParcel& data, MessageParcel& reply)
    {
        std::string why;
        int32_t err = CallForStatus(Remote(), "samgr", code, data, reply, why);
        return err == ERR_NONE ? err : Fail(err, std::move(why));
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
    err = CallForStatus(samgr, "samgr",
                        ISystemAbilityManager::GET_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION, data,
                        reply, why);
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
    int32_t err = CallForStatus(
        samgr, "samgr", ISystemAbilityManager::LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION, data,
        reply, why);
    if (err != ERR_NONE)
        return err;
    return ReadDistributedInfos(reply, "samgr", infos, why);
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
