// SPDX-License-Identifier: Apache-2.0
//
// The listener samgr receives, as an interface. A function rather than a
// bare iface_cast so that whoever links samgr's stub also links the
// listener proxy's registration (from a static archive, an object file
// nothing refers to is left out).
#pragma once

#include "ipckit/isystem_ability_status_change.h"

namespace ipckit::detail {

sptr<ISystemAbilityStatusChange> AsStatusChangeListener(const sptr<IRemoteObject>& object);

}  // namespace ipckit::detail
