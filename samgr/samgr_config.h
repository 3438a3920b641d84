// SPDX-License-Identifier: Apache-2.0
//
// samgr.conf: what samgr is told at start-up, parsed into a struct. Pure
// code (no IPC), so the host tests can check every message.
//
//   # uids that may AddSystemAbility; without this line, every uid may
//   register-uids 0 1000
//   # LoadSystemAbility(4801) runs this command (argv split on spaces, no shell)
//   ondemand 4801 /ipckit/bin/kv_service --sa 4801
//   # SAs other devices may reach through rpcd (nothing else is)
//   distributed 4801 4802
//
// A word starting with '#' starts a comment that runs to the end of the
// line. SA ids are decimal or 0x-hex, in 0..0xffffff. Errors read
// "PATH:LINE: what is wrong".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ipckit/result.h"

namespace samgr {

inline constexpr const char* kDefaultConfigPath = "/etc/ipckit/samgr.conf";

struct SamgrConfig {
    std::string path;  // where it came from, for messages
    // Who may AddSystemAbility; nullopt: everyone (no register-uids line).
    std::optional<std::vector<uid_t>> registerUids;
    // LoadSystemAbility's commands: argv[0] is an absolute path.
    std::map<int32_t, std::vector<std::string>> ondemand;
    // SAs other devices may get through rpcd (`distributed` lines). Only
    // these: an SA's own SAExtraProp.isDistributed does not make it
    // reachable, so that a service cannot open itself up to the network.
    std::set<int32_t> distributed;
};

// Parses the text of a config file; `path` only names it in messages.
ipckit::Result<SamgrConfig> ParseConfig(std::string_view text, const std::string& path);

// Reads and parses `path`. A missing file is an error unless
// `missingIsEmpty` (samgr's default path: no file means no restrictions).
ipckit::Result<SamgrConfig> LoadConfig(const std::string& path, bool missingIsEmpty);

// An SA id as the config and the command line write it (decimal or
// 0x-hex, 0..0xffffff), or an error message without a location.
ipckit::Result<int32_t> ParseSaId(std::string_view word);

}  // namespace samgr
