// SPDX-License-Identifier: Apache-2.0
//
// IPCObjectStub: the local side of a remote object. Subclasses override
// OnRemoteRequest; the base answers the reserved codes (PING, INTERFACE,
// DUMP, SYNCHRONIZE_REFERENCE) itself. While other processes hold
// references, the driver asks (BR_ACQUIRE) and this process keeps a strong
// reference, so the stub outlives the last local sptr.
#pragma once

#include <atomic>

#include "ipckit/iremote_object.h"

namespace ipckit {

class IPCObjectStub : public IRemoteObject {
public:
    explicit IPCObjectStub(std::u16string descriptor = u"", bool serialInvokeFlag = false);
    ~IPCObjectStub() override;

    // Called for every request that is not a reserved code. The default
    // answers ERR_UNKNOWN_TRANSACTION.
    virtual int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                MessageOption& option);

    // A call from this process: runs the request here, as a remote one.
    int SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                    MessageOption& option) override;
    // A stub cannot die while it is being asked: always false.
    bool AddDeathRecipient(const sptr<DeathRecipient>& recipient) override;
    bool RemoveDeathRecipient(const sptr<DeathRecipient>& recipient) override;
    bool IsProxyObject() const override { return false; }
    bool IsObjectDead() const override { return false; }
    std::u16string GetInterfaceDescriptor() override { return descriptor_; }
    int32_t GetObjectRefCount() override { return GetSptrRefCount(); }
    // What DUMP_TRANSACTION writes to the caller's fd; the default writes
    // the descriptor and a newline.
    int Dump(int fd, const std::vector<std::u16string>& args) override;

    // The library's entry point for a request: reserved codes, then
    // OnRemoteRequest. Virtual for rpcd's forwarding stubs, which pass
    // reserved codes on to the remote object too.
    //
    // RPC_QUERY_TRANSACTION answers Int32 0 (a local object).
    // RPC_FORWARD_TRANSACTION (a call from another device, from rpcd) is
    // accepted only from euid 0 (else ERR_NO_PERMISSION); its data must end
    // with a valid RpcForwardTrailer (else IPC_STUB_INVALID_DATA_ERR). The
    // trailer is stripped and the trailer's code dispatched here again with
    // the remote identity (IPCSkeleton: device = its networkId, pid -1,
    // uid (uid_t)-1, IsLocalCalling() false), restored afterwards.
    virtual int ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                               MessageOption& option);

    // Driver-side references (BR_ACQUIRE/BR_RELEASE), for tests and dumps.
    int GetDriverStrongRefs() const;

private:
    int ProcessForward(MessageParcel& data, MessageParcel& reply);

    friend class IPCThreadAccess;
    std::atomic<int> driverStrong_{0};
};

}  // namespace ipckit
