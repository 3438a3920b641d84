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

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/message_parcel.h"

namespace ipckit {

class SystemAbilityManagerStub : public IRemoteStub<ISystemAbilityManager> {
public:
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;

protected:
    // Why the call being served fails; sent to the caller with the result.
    void SetLastError(std::string text);
};

}  // namespace ipckit
