// SPDX-License-Identifier: Apache-2.0
//
// The group secret: 32 random bytes every device of a group holds in
// <state>/group.key (64 hex digits and a newline, mode 0600, owned by the
// user that runs softbusd). `ipckit bind` makes or imports it; softbusd
// re-reads it for every new link, so a rebind needs no restart.
//
// No device uses the secret itself on the wire: each device pair gets its
// own key (DerivePairKey), the TLS 1.3 PSK of its links (tls_link.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <ipckit/result.h>

namespace ipckit::softbus {

inline constexpr const char* kGroupKeyFile = "group.key";
inline constexpr const char* kDefaultStateDir = "/var/lib/ipckit/softbus";

struct GroupSecret {
    std::array<uint8_t, 32> bytes{};
    // The first 16 hex digits of SHA-256(bytes): safe to show and compare
    // between devices; says nothing usable about the secret.
    std::string Fingerprint() const;
};

// Reads and checks the file: a regular file owned by us, no group or
// other permission bits, 64 hex digits (surrounding blanks allowed).
// ENOENT's message says to run `ipckit bind`.
Result<GroupSecret> LoadGroupSecret(const std::string& path);
// A new random secret (RAND_bytes). Refuses (EEXIST) to replace an
// existing file unless force. Creates the directory (0700) if needed.
Result<GroupSecret> CreateGroupSecret(const std::string& path, bool force = false);
// The secret another device of the group shows (`ipckit bind` there
// prints the path; its content is the hex). Same rules as Create, but
// importing the very secret already there succeeds without force.
Result<GroupSecret> ImportGroupSecret(const std::string& path, const std::string& hex,
                                      bool force = false);

// The key of the pair {idA, idB}, the same whichever comes first:
//   HKDF-SHA256(ikm = secret, salt = "ipckit-softbus-v1",
//               info = min(idA, idB) || max(idA, idB))
// over the ids' 64-character ASCII text.
std::array<uint8_t, 32> DerivePairKey(const GroupSecret& secret, const std::string& idA,
                                      const std::string& idB);

// A networkId: exactly 64 lowercase hex digits.
bool IsNetworkId(std::string_view s);

}  // namespace ipckit::softbus
