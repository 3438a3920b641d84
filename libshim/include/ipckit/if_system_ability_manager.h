// SPDX-License-Identifier: Apache-2.0
//
// ISystemAbilityManager: the interface of samgr, the context manager
// (handle 0) with which services register system abilities (SAs) by
// numeric id and from which clients get them. Names follow IPC Kit's
// samgr so ported code reads the same; the wire format is ipckit's own.
//
// Get one with SystemAbilityManagerClient (iservice_registry.h). Calls that
// change state return ERR_NONE or an error code; when samgr refuses a call
// it also says why, and GetLastError() on the proxy returns that text for
// the calling thread's last call.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ipckit/iremote_broker.h"
#include "ipckit/isystem_ability_status_change.h"
#include "ipckit/refbase.h"

namespace ipckit {

// SA ids samgr accepts.
inline constexpr int32_t FIRST_SYS_ABILITY_ID = 0x00000000;
inline constexpr int32_t LAST_SYS_ABILITY_ID = 0x00ffffff;
inline bool CheckInputSysAbilityId(int32_t id)
{
    return id >= FIRST_SYS_ABILITY_ID && id <= LAST_SYS_ABILITY_ID;
}

// What a service says about an SA when it adds it.
struct SAExtraProp {
    bool isDistributed = false;  // may be offered to other devices (RPC)
    uint32_t dumpFlags = 0;
    std::u16string capability;
    std::u16string permission;  // what a remote caller needs
};

// One registered SA as samgr sees it (ipckit's ListSystemAbilityInfos).
struct SystemAbilityInfo {
    int32_t id = 0;
    pid_t pid = 0;  // the process that added it
    uid_t uid = 0;
    std::u16string descriptor;  // the object's interface descriptor
    bool isDistributed = false;
    std::u16string permission;
};

// Hears how LoadSystemAbility(id, networkId, callback) ended.
class SystemAbilityLoadCallback : public virtual RefBase {
public:
    virtual void OnLoadSystemAbilitySuccess(int32_t systemAbilityId,
                                            const sptr<IRemoteObject>& object) = 0;
    // `error` is an ipc_errors.h code, `why` says it in words.
    virtual void OnLoadSystemAbilityFail(int32_t systemAbilityId, int32_t error,
                                         const std::string& why) = 0;
};

class ISystemAbilityManager : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"OHOS.ISystemAbilityManager");

    // Transaction codes on the wire.
    enum : uint32_t {
        GET_SYSTEM_ABILITY_TRANSACTION = 1,
        CHECK_SYSTEM_ABILITY_TRANSACTION = 2,
        ADD_SYSTEM_ABILITY_TRANSACTION = 3,
        REMOVE_SYSTEM_ABILITY_TRANSACTION = 4,
        LIST_SYSTEM_ABILITY_TRANSACTION = 5,
        SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION = 6,
        UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION = 7,
        LOAD_SYSTEM_ABILITY_TRANSACTION = 8,
        LIST_SYSTEM_ABILITY_INFO_TRANSACTION = 9,  // ipckit extension
        // ipckit, for rpcd only: an SA samgr's config marks distributed.
        GET_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION = 10,
        LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION = 11,
    };

    // The SA, waiting up to GET_WAIT_MS if it is being loaded on demand;
    // null if it is not registered.
    static constexpr int GET_WAIT_MS = 5000;
    virtual sptr<IRemoteObject> GetSystemAbility(int32_t systemAbilityId) = 0;
    // The SA or null, without waiting.
    virtual sptr<IRemoteObject> CheckSystemAbility(int32_t systemAbilityId) = 0;
    // Registers `ability` (a stub of the calling process) under the id.
    // samgr watches it and removes it when its process dies. Fails with
    // ERR_NO_PERMISSION when samgr's policy does not allow the caller's
    // uid, or the id belongs to another process; ERR_INVALID_DATA for an id
    // out of range or a null object.
    virtual int32_t AddSystemAbility(int32_t systemAbilityId, const sptr<IRemoteObject>& ability,
                                     const SAExtraProp& extraProp = {}) = 0;
    // Only the process that added the SA, or root, may remove it.
    virtual int32_t RemoveSystemAbility(int32_t systemAbilityId) = 0;
    // The registered ids as decimal strings, in ascending order.
    virtual std::vector<std::u16string> ListSystemAbilities(unsigned int dumpFlags = 0) = 0;
    // `listener` hears OnAddSystemAbility/OnRemoveSystemAbility for the id
    // (one-way calls, in order); if the SA is already there it hears
    // OnAddSystemAbility at once. A listener whose process dies is dropped.
    virtual int32_t SubscribeSystemAbility(int32_t systemAbilityId,
                                           const sptr<ISystemAbilityStatusChange>& listener) = 0;
    virtual int32_t UnSubscribeSystemAbility(int32_t systemAbilityId,
                                             const sptr<ISystemAbilityStatusChange>& listener) = 0;
    // Starts the SA's configured executable unless it is registered or
    // already starting, and waits up to `timeout` seconds for it to add
    // itself. Null (and GetLastError() says why) on timeout, for an id
    // with no configured command, or when the command cannot be started.
    virtual sptr<IRemoteObject> LoadSystemAbility(int32_t systemAbilityId, int32_t timeout) = 0;
    // ipckit: every registered SA with its owner and descriptor, by id.
    virtual int32_t ListSystemAbilityInfos(std::vector<SystemAbilityInfo>& infos) = 0;

    // --- other devices (Documentation/rpc.rst) -------------------------
    // The SA `systemAbilityId` on device `networkId` (a soft bus networkId;
    // "" or this device's own id mean this device). The result is a proxy
    // like a local one. Null on failure, and GetLastErrorCode() says which:
    // RPC_ERR_NO_DEVICE, RPC_ERR_UNTRUSTED_DEVICE, RPC_ERR_NOT_DISTRIBUTED,
    // RPC_ERR_NO_SYSTEM_ABILITY, RPC_ERR_NOT_RUNNING, ... GetSystemAbility
    // waits while the SA is being loaded there, CheckSystemAbility does not.
    virtual sptr<IRemoteObject> GetSystemAbility(int32_t systemAbilityId,
                                                 const std::string& networkId);
    virtual sptr<IRemoteObject> CheckSystemAbility(int32_t systemAbilityId,
                                                   const std::string& networkId);
    // Starts the SA on demand on that device; `callback` hears the result
    // on a library thread. False (and GetLastErrorCode) if the request
    // cannot be started; the callback is then not called.
    virtual bool LoadSystemAbility(int32_t systemAbilityId, const std::string& networkId,
                                   const sptr<SystemAbilityLoadCallback>& callback);
    // The distributed SAs of that device (id, descriptor; pid and uid 0).
    virtual int32_t ListRemoteSystemAbilities(const std::string& networkId,
                                              std::vector<SystemAbilityInfo>& infos);

    // Why the calling thread's last call through this object failed, or
    // "" if it did not.
    virtual std::string GetLastError() { return {}; }
    // Its error code, ERR_NONE if it did not fail.
    virtual int32_t GetLastErrorCode() { return 0; }
};

}  // namespace ipckit
