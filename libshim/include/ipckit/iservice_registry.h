// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManagerClient: the process's way to samgr.
//
//   auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
//   if (!samgr) ...;                 // samgr is not running (or no driver)
//   sptr<IRemoteObject> sa = samgr->GetSystemAbility(id);
#pragma once

#include <mutex>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/refbase.h"

namespace ipckit {

class SystemAbilityManagerClient {
public:
    static SystemAbilityManagerClient& GetInstance();

    // samgr's proxy (iface_cast of the context object), cached; fetched
    // again once the cached one's process has died. Null when the driver
    // cannot be opened or no context manager is running.
    sptr<ISystemAbilityManager> GetSystemAbilityManager();
    // Forgets the cached proxy.
    void DestroySystemAbilityManagerObject();

private:
    SystemAbilityManagerClient() = default;
    std::mutex lock_;
    sptr<ISystemAbilityManager> samgr_;
};

}  // namespace ipckit
