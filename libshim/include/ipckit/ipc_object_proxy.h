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
#include <string>
#include <vector>

#include "ipckit/iremote_object.h"

namespace ipckit {

class IPCObjectProxy : public IRemoteObject {
public:
    IPCObjectProxy(uint32_t handle, std::u16string descriptor = u"");
    ~IPCObjectProxy() override;

    // Codes above MAX_TRANSACTION_ID (other than the reserved ones) are
    // refused with IPC_PROXY_INVALID_CODE_ERR.
    //
    // An object on another device (GetRpcInfo) differs: data holding a file
    // descriptor (other than WriteRawData's) is refused with
    // RPC_ERR_FD_NOT_ALLOWED, and more than 1 MiB of data with
    // RPC_ERR_PACKET_TOO_BIG, unsent; a sync call whose wait time is not
    // the default travels as RPC_TIMED_TRANSACTION, so rpcd gives up after
    // that time (the caller's parcel is as it was afterwards).
    int SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                    MessageOption& option) override;
    // The first recipient asks the driver; later ones join a local list.
    // False once the object is dead. For an SA on another device the first
    // one also asks rpcd (RPC_DEATH_TRANSACTION) to say when it dies there;
    // for an anonymous object on another device it is false: that is not
    // supported across devices.
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

    // What the object is as cross-device RPC sees it: isRemote when this
    // proxy is of rpcd's stand-in for an object on device `networkId`
    // (`said` its SA id there, -1 for an anonymous object). Asked with
    // RPC_QUERY_TRANSACTION the first time it is needed, then remembered;
    // an object that cannot answer counts as local.
    struct RpcInfo {
        bool isRemote = false;
        std::string networkId;
        int32_t said = -1;
    };
    RpcInfo GetRpcInfo();

    // For the library: the driver said the object died.
    void SendObituary();
    void MarkDead();
    // For the library: rpcd said the remote object died
    // (RPC_OBITUARY_TRANSACTION to our callback).
    void OnRpcObituary();

private:
    class RpcDeathCallback;

    int Transact(uint32_t code, MessageParcel& data, MessageParcel& reply, MessageOption& option);
    // Asks rpcd to add (or remove) `callback` for the object's death.
    int SendRpcDeath(const sptr<IRemoteObject>& callback, bool add);
    // Makes sure rpcd tells us when the remote SA dies (rpcDeathLock_ held).
    bool WatchRemoteDeath(const RpcInfo& info);
    // Tells the driver to stop watching for the death of `cookie` (0: none).
    void ClearDriverDeath(uint64_t cookie);

    const uint32_t handle_;
    mutable std::mutex lock_;  // guards everything below
    bool dead_ = false;
    bool haveDescriptor_ = false;
    std::u16string remoteDescriptor_;
    uint64_t deathCookie_ = 0;  // non-zero while the driver watches for us
    std::vector<sptr<DeathRecipient>> recipients_;
    bool haveRpcInfo_ = false;
    RpcInfo rpcInfo_;
    // The callback stub rpcd calls when the remote SA dies, while this
    // proxy has recipients; rpcDeathLock_ orders its setup and teardown
    // (remote calls, so not under lock_).
    std::mutex rpcDeathLock_;
    sptr<IRemoteObject> rpcDeathCallback_;
};

}  // namespace ipckit
