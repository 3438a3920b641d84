// SPDX-License-Identifier: Apache-2.0
//
// samgr's calls for rpcd only (ISystemAbilityManager's
// GET_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION and
// LIST_DISTRIBUTED_SYSTEM_ABILITY_TRANSACTION; system_ability_manager_wire.h
// has their encoding). samgr answers them only for the SAs its config lists
// in a `distributed` directive, and only to local callers. Internal to
// ipckit: rpcd calls them on behalf of another device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/iremote_object.h"
#include "ipckit/refbase.h"

namespace ipckit {

// The SA `id` from `samgr` (samgr's object, e.g. IPCSkeleton::
// GetContextObject()), if the config marks it distributed. `mode` is an
// RpcGetMode (rpc_protocol.h): CHECK does not wait, GET waits like
// GetSystemAbility, LOAD starts it on demand and waits up to `timeout`
// seconds. Null on failure, with `err` the ipc_errors.h code
// (RPC_ERR_NOT_DISTRIBUTED, RPC_ERR_NO_SYSTEM_ABILITY, a transport error,
// ...) and `why` samgr's words; on success err is ERR_NONE and why "".
sptr<IRemoteObject> GetDistributedSystemAbility(const sptr<IRemoteObject>& samgr, int32_t id,
                                                int32_t mode, int32_t timeout, int32_t& err,
                                                std::string& why);

// The registered SAs the config marks distributed, by id: id and descriptor
// set, the other fields default. Returns ERR_NONE or an error code, with
// `why` saying it in words.
int32_t ListDistributedSystemAbilities(const sptr<IRemoteObject>& samgr,
                                       std::vector<SystemAbilityInfo>& infos, std::string& why);

}  // namespace ipckit
