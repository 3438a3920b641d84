// SPDX-License-Identifier: Apache-2.0
//
// ISystemAbilityStatusChange: what samgr tells a subscriber when an SA it
// watches is added or removed (SubscribeSystemAbility). A subscriber
// derives from SystemAbilityStatusChangeStub and overrides the two calls;
// samgr calls them one-way, so they run on the subscriber's thread pool.
#pragma once

#include <cstdint>
#include <string>

#include "ipckit/iremote_broker.h"
#include "ipckit/message_parcel.h"

namespace ipckit {

class ISystemAbilityStatusChange : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"OHOS.ISystemAbilityStatusChange");

    enum : uint32_t {
        ON_ADD_SYSTEM_ABILITY = 1,
        ON_REMOVE_SYSTEM_ABILITY = 2,
    };

    // deviceId is "" for an SA of this device.
    virtual void OnAddSystemAbility(int32_t systemAbilityId, const std::string& deviceId) = 0;
    virtual void OnRemoveSystemAbility(int32_t systemAbilityId, const std::string& deviceId) = 0;
};

// The subscriber's side: decodes samgr's calls into the two virtuals.
class SystemAbilityStatusChangeStub : public IRemoteStub<ISystemAbilityStatusChange> {
public:
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;
};

}  // namespace ipckit
