// SPDX-License-Identifier: Apache-2.0
//
// Who may do what to the registry: samgr's policy as pure functions (the
// registry asks them under its lock; the host tests check their words).
// Each check gives nothing when the call may go ahead, or a Denial: the
// error code and text for the caller's GetLastError(), and the line samgr
// logs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "samgr_config.h"

namespace samgr {

struct Denial {
    int code;           // ERR_NO_PERMISSION or ERR_INVALID_DATA
    std::string reply;  // for the caller
    std::string log;    // for samgr's log, after "samgr: denied: "
};

// Ids outside 0..0xffffff.
std::optional<Denial> CheckId(int32_t id);
// AddSystemAbility by `uid`: register-uids, when the config has it.
std::optional<Denial> CheckRegister(const SamgrConfig& config, int32_t id, uid_t uid);
// AddSystemAbility of an id that `ownerPid` holds: the same process or root.
std::optional<Denial> CheckReplace(int32_t id, pid_t ownerPid, pid_t callerPid, uid_t callerUid);
// RemoveSystemAbility: the SA's own process or root.
std::optional<Denial> CheckRemove(int32_t id, pid_t ownerPid, pid_t callerPid, uid_t callerUid);

// What one process may hold in samgr, so that no client can make samgr
// grow without bound: registered SAs and subscriptions, each.
inline constexpr std::size_t kMaxPerProcess = 1024;
// A new SA (what = "system abilities") or subscription (what =
// "subscriptions") of `callerPid`, which holds `held` already.
std::optional<Denial> CheckQuota(const char* what, std::size_t held, pid_t callerPid);

// "SA id 0x1000000" / "SA id -1": an id as messages write it.
std::string DescribeBadId(int32_t id);

}  // namespace samgr
