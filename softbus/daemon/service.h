// SPDX-License-Identifier: Apache-2.0
//
// softbusd's binder face (wire/service.h): device queries and channels.
#pragma once

#include <ipckit/ipc_object_stub.h>

#include "daemon/daemon.h"

namespace ipckit::softbus {

class SoftBusService : public IPCObjectStub {
public:
    explicit SoftBusService(Daemon& daemon);
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;
    int Dump(int fd, const std::vector<std::u16string>& args) override;

private:
    Daemon& daemon_;
};

}  // namespace ipckit::softbus
