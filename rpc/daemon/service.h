// SPDX-License-Identifier: Apache-2.0
//
// RpcService: rpcd's binder service (SA RPC_SA_ID), how local processes ask
// for another device's system abilities (libshim/src/rpc_protocol.h).
#pragma once

#include <memory>

#include <ipckit/ipc_object_stub.h>

namespace ipckit::rpc {

class Rpcd;

class RpcService : public IPCObjectStub {
public:
    explicit RpcService(std::shared_ptr<Rpcd> rpcd);
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override;

private:
    std::shared_ptr<Rpcd> rpcd_;
};

}  // namespace ipckit::rpc
