// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManagerStub: the service side of ISystemAbilityManager. It
// checks the interface token and decodes each call into the virtuals; a
// samgr implementation derives from it, implements them, and reads the
// caller with IPCSkeleton::GetCallingPid/Uid. SetLastError(text) inside a
// call sends `text` back with a failing result, for the caller's
// GetLastError().
#pragma once

#include <string>
#include <vector>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/message_parcel.h"

namespace ipckit {

class SystemAbilityManagerStub : public IRemoteStub<ISystemAbilityManager> {
public:
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;

    // rpcd's calls (GET/LIST_DISTRIBUTED, samgr_distributed.h has the
    // client side). `mode` is an RpcGetMode. On failure: null, and `err`
    // an ipc_errors.h code (with SetLastError saying why). The defaults
    // offer nothing: RPC_ERR_NOT_DISTRIBUTED and an empty list.
    virtual sptr<IRemoteObject> GetDistributedAbility(int32_t systemAbilityId, int32_t mode,
                                                      int32_t timeout, int32_t& err);
    virtual int32_t ListDistributedAbilities(std::vector<SystemAbilityInfo>& infos);

protected:
    // Why the call being served fails; sent to the caller with the result.
    void SetLastError(std::string text);
    // What SetLastError last set on this thread (for the implementation's
    // logs).
    std::string GetLastErrorText() const;
};

}  // namespace ipckit
