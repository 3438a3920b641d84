// SPDX-License-Identifier: Apache-2.0
//
// ISystemAbilityManager's calls for other devices: the defaults, for
// implementations that do not reach other devices (samgr itself). The
// client's proxy overrides them (it asks rpcd).
#include "ipckit/if_system_ability_manager.h"
#include "ipckit/ipc_errors.h"

namespace ipckit {

sptr<IRemoteObject> ISystemAbilityManager::GetSystemAbility(int32_t, const std::string&)
{
    return nullptr;
}

sptr<IRemoteObject> ISystemAbilityManager::CheckSystemAbility(int32_t, const std::string&)
{
    return nullptr;
}

bool ISystemAbilityManager::LoadSystemAbility(int32_t, const std::string&,
                                              const sptr<SystemAbilityLoadCallback>&)
{
    return false;
}

int32_t ISystemAbilityManager::ListRemoteSystemAbilities(const std::string&,
                                                         std::vector<SystemAbilityInfo>& infos)
{
    infos.clear();
    return ERR_INVALID_STATE;
}

}  // namespace ipckit
