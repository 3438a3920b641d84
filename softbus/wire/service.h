// SPDX-License-Identifier: Apache-2.0
//
// softbusd's binder interface (system ability SOFTBUS_SA_ID). Small and
// synchronous: device queries, and OPEN_CHANNEL, which hands the caller a
// unix socket over which sessions are opened (frame.h's channel frames).
//
// Every reply starts with int32 code (0 or an errno / SOFTBUS_ERR_*) and a
// string message ("" on success). A device is written as strings
// networkId, name, address, state, then bool online, bool trusted, int64
// rttUs.
#pragma once

#include <cstdint>
#include <string>

namespace ipckit::softbus {

inline constexpr char16_t SERVICE_DESCRIPTOR[] = u"ipckit.softbus.ISoftBusService";

enum : uint32_t {
    SERVICE_GET_LOCAL_DEVICE = 1,  // -> code, message, device
    SERVICE_GET_DEVICES = 2,       // -> code, message, int32 n, n devices
    SERVICE_OPEN_CHANNEL = 3,      // -> code, message, fd
};

// The message on a session socket: u32 big-endian length, then the bytes.
inline constexpr std::size_t SESSION_MESSAGE_HEADER = 4;

}  // namespace ipckit::softbus
