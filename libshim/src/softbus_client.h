// SPDX-License-Identifier: Apache-2.0
//
// The SoftBus client's seam: SoftBus::Connect() finds softbusd through
// samgr and builds the client from a binder query and a channel; tests
// build it from softbusd's parts directly (softbus/tests/daemon_test.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <ipckit/message_parcel.h>
#include <ipckit/softbus.h>
#include <ipckit/unique_fd.h>

namespace ipckit::softbus {

// Sends one device query (wire/service.h's code, token included) and
// leaves softbusd's answer in `reply`; returns an IPC Kit error code.
using ServiceQuery = std::function<int(uint32_t code, MessageParcel& reply)>;

// nullptr only when an eventfd cannot be made (errno says why).
std::shared_ptr<SoftBus> MakeSoftBusClient(ServiceQuery query, UniqueFd channel);

}  // namespace ipckit::softbus
