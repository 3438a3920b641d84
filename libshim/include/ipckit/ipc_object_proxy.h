// SPDX-License-Identifier: Apache-2.0
//
// IPCObjectProxy: a handle on an object in another process. It holds one
// strong driver reference on its handle for as long as it lives (the last
// sptr going releases it), sends requests through the calling thread, and
// tells death recipients once when the object's process dies; after that
// every request fails with ERR_DEAD_OBJECT. Proxies are made by the library
// (MessageParcel::ReadRemoteObject, IPCSkeleton::GetContextObject), one per
// handle per process.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "ipckit/iremote_object.h"

namespace ipckit {

class IPCObjectProxy : public IRemoteObject {
public:
    IPCObjectProxy(uint32_t handle, std::u16string descriptor = u"");
    ~IPCObjectProxy() override;

    // Codes above MAX_TRANSACTION_ID (other than the reserved ones) are
    // refused with IPC_PROXY_INVALID_CODE_ERR.
    int SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                    MessageOption& option) override;
    // The first recipient asks the driver; later ones join a local list.
    // False once the object is dead.
    bool AddDeathRecipient(const sptr<DeathRecipient>& recipient) override;
    bool RemoveDeathRecipient(const sptr<DeathRecipient>& recipient) override;
    bool IsProxyObject() const override { return true; }
    bool IsObjectDead() const override;
    // Asks the object once (INTERFACE_TRANSACTION), then remembers.
    std::u16string GetInterfaceDescriptor() override;
    int32_t GetObjectRefCount() override { return GetSptrRefCount(); }
    int Dump(int fd, const std::vector<std::u16string>& args) override;

    uint32_t GetHandle() const { return handle_; }
    // PING_TRANSACTION: ERR_NONE while the object lives.
    int Ping();

    // For the library: the driver said the object died.
    void SendObituary();
    void MarkDead();

private:
    int Transact(uint32_t code, MessageParcel& data, MessageParcel& reply, MessageOption& option);

    const uint32_t handle_;
    mutable std::mutex lock_;  // guards everything below
    bool dead_ = false;
    bool haveDescriptor_ = false;
    std::u16string remoteDescriptor_;
    uint64_t deathCookie_ = 0;  // non-zero while the driver watches for us
    std::vector<sptr<DeathRecipient>> recipients_;
};

}  // namespace ipckit
