// SPDX-License-Identifier: Apache-2.0
//
// samgr's policy checks and their messages.
#include "samgr_policy.h"

#include <algorithm>
#include <cstdio>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/ipc_errors.h"

namespace samgr {

std::string DescribeBadId(int32_t id)
{
    char buf[48];
    // Negative ids read better in decimal, large ones in hex (the range is).
    if (id < 0)
        std::snprintf(buf, sizeof(buf), "SA id %d", id);
    else
        std::snprintf(buf, sizeof(buf), "SA id %#x", static_cast<unsigned>(id));
    return buf;
}

std::optional<Denial> CheckId(int32_t id)
{
    if (ipckit::CheckInputSysAbilityId(id))
        return std::nullopt;
    char range[32];
    std::snprintf(range, sizeof(range), "0..%#x",
                  static_cast<unsigned>(ipckit::LAST_SYS_ABILITY_ID));
    std::string text = DescribeBadId(id) + " is outside " + range;
    return Denial{ipckit::ERR_INVALID_DATA, text, text};
}

std::optional<Denial> CheckRegister(const SamgrConfig& config, int32_t id, uid_t uid)
{
    if (!config.registerUids)
        return std::nullopt;
    const auto& uids = *config.registerUids;
    if (std::find(uids.begin(), uids.end(), uid) != uids.end())
        return std::nullopt;
    std::string allowed;
    // Appended piecewise: GCC 12 reports a false -Wrestrict for
    // `const char* + std::string&&` inlined here.
    for (uid_t u : uids) {
        if (!allowed.empty())
            allowed += ' ';
        allowed += std::to_string(u);
    }
    std::string who = "uid " + std::to_string(uid);
    return Denial{ipckit::ERR_NO_PERMISSION,
                  who + " may not register system abilities (register-uids in " + config.path +
                      " allows " + allowed + ")",
                  who + " may not add SA " + std::to_string(id) + " (not in register-uids of " +
                      config.path + ")"};
}

std::optional<Denial> CheckReplace(int32_t id, pid_t ownerPid, pid_t callerPid, uid_t callerUid)
{
    if (ownerPid == callerPid || callerUid == 0)
        return std::nullopt;
    std::string sa = "SA " + std::to_string(id);
    return Denial{ipckit::ERR_NO_PERMISSION, sa + " belongs to pid " + std::to_string(ownerPid),
                  "uid " + std::to_string(callerUid) + " (pid " + std::to_string(callerPid) +
                      ") may not replace " + sa + " (it belongs to pid " +
                      std::to_string(ownerPid) + ")"};
}

std::optional<Denial> CheckRemove(int32_t id, pid_t ownerPid, pid_t callerPid, uid_t callerUid)
{
    if (ownerPid == callerPid || callerUid == 0)
        return std::nullopt;
    std::string sa = "SA " + std::to_string(id);
    return Denial{ipckit::ERR_NO_PERMISSION,
                  sa + " belongs to pid " + std::to_string(ownerPid) +
                      "; only that process or root may remove it",
                  "uid " + std::to_string(callerUid) + " (pid " + std::to_string(callerPid) +
                      ") may not remove " + sa + " (it belongs to pid " +
                      std::to_string(ownerPid) + ")"};
}

std::optional<Denial> CheckQuota(const char* what, std::size_t held, pid_t callerPid)
{
    if (held < kMaxPerProcess)
        return std::nullopt;
    std::string limit = "pid " + std::to_string(callerPid) + " holds " + std::to_string(held) +
                        " " + what + ", samgr's limit per process";
    return Denial{ipckit::ERR_NO_PERMISSION, limit, limit};
}

}  // namespace samgr
