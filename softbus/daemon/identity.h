// SPDX-License-Identifier: Apache-2.0
//
// The device's identity: a random networkId (64 hex) and a name, made at
// first start and kept in <state>/device.json, so a restarted softbusd is
// the same device to its peers.
#pragma once

#include <string>

#include <ipckit/result.h>

namespace ipckit::softbus {

struct Identity {
    std::string networkId;
    std::string name;
};

// Loads <stateDir>/device.json, or creates it (and stateDir, mode 0700).
// A non-empty `name` replaces the stored name.
Result<Identity> LoadOrCreateIdentity(const std::string& stateDir, const std::string& name);

}  // namespace ipckit::softbus
