// SPDX-License-Identifier: Apache-2.0
//
// RemoteStub: the stand-in, in rpcd, for an object on another device.
// Local processes hold binder proxies of it; every request they send is
// forwarded to the peer (reserved codes too, so PING and the interface
// descriptor are the real object's), except the RPC_* codes libipckit
// uses to learn about it (rpc_protocol.h), which it answers itself.
// It dies when the last local process lets go, and then gives the peer
// back the references it received.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <ipckit/ipc_object_stub.h>

namespace ipckit::rpc {

class Rpcd;

class RemoteStub : public IPCObjectStub {
public:
    RemoteStub(Rpcd& rpcd, uint64_t session, std::string peer, uint64_t generation,
               uint64_t index, int32_t said, std::u16string descriptor);
    ~RemoteStub() override;

    int ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                       MessageOption& option) override;

    const std::string& Peer() const { return peer_; }
    uint64_t Index() const { return index_; }
    int32_t Said() const { return said_; }
    // One more descriptor of it came from the peer.
    void Received() { received_++; }
    // The remote object died or its device went away: fail every request
    // from now on and tell the registered death callbacks (one-way).
    void MarkDead();
    bool Dead() const { return dead_; }

private:
    int Death(MessageParcel& data, MessageParcel& reply);

    Rpcd& rpcd_;
    const uint64_t session_;  // the session it came on
    const std::string peer_;  // the device
    const uint64_t generation_;
    const uint64_t index_;
    const int32_t said_;
    std::atomic<uint32_t> received_{1};
    std::atomic<bool> dead_{false};
    std::mutex lock_;  // guards callbacks_
    std::vector<sptr<IRemoteObject>> callbacks_;
};

}  // namespace ipckit::rpc
