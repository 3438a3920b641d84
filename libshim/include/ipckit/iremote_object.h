// SPDX-License-Identifier: Apache-2.0
//
// IRemoteObject: what a caller holds to talk to an object, local (a stub,
// IPCObjectStub) or in another process (a proxy, IPCObjectProxy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ipckit/message_option.h"
#include "ipckit/refbase.h"

namespace ipckit {

class IRemoteBroker;
class MessageParcel;

class IRemoteObject : public virtual RefBase {
public:
    // Told once when the object's process dies; see AddDeathRecipient.
    class DeathRecipient : public virtual RefBase {
    public:
        virtual void OnRemoteDied(const wptr<IRemoteObject>& object) = 0;
    };

    // Codes the base classes answer; user codes are 1..MAX_TRANSACTION_ID.
    enum : uint32_t {
        FIRST_CALL_TRANSACTION = 0x00000001,
        LAST_CALL_TRANSACTION = 0x00ffffff,
        MIN_TRANSACTION_ID = FIRST_CALL_TRANSACTION,
        MAX_TRANSACTION_ID = LAST_CALL_TRANSACTION,
        PING_TRANSACTION = ('_' << 24) | ('P' << 16) | ('N' << 8) | 'G',
        DUMP_TRANSACTION = ('_' << 24) | ('D' << 16) | ('M' << 8) | 'P',
        INTERFACE_TRANSACTION = ('_' << 24) | ('N' << 16) | ('T' << 8) | 'F',
        SYNCHRONIZE_REFERENCE = ('_' << 24) | ('S' << 16) | ('Y' << 8) | 'C',
        // Between libipckit and rpcd (Documentation/rpc.rst); never user codes.
        RPC_QUERY_TRANSACTION = ('_' << 24) | ('R' << 16) | ('Q' << 8) | 'Y',
        RPC_DEATH_TRANSACTION = ('_' << 24) | ('R' << 16) | ('D' << 8) | 'T',
        RPC_OBITUARY_TRANSACTION = ('_' << 24) | ('R' << 16) | ('O' << 8) | 'B',
        RPC_FORWARD_TRANSACTION = ('_' << 24) | ('R' << 16) | ('F' << 8) | 'W',
        RPC_TIMED_TRANSACTION = ('_' << 24) | ('R' << 16) | ('T' << 8) | 'M',
    };

    virtual int SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                            MessageOption& option) = 0;
    virtual bool AddDeathRecipient(const sptr<DeathRecipient>& recipient) = 0;
    virtual bool RemoveDeathRecipient(const sptr<DeathRecipient>& recipient) = 0;
    virtual bool IsProxyObject() const = 0;
    virtual bool IsObjectDead() const = 0;
    virtual std::u16string GetInterfaceDescriptor() = 0;
    // Strong references to this object: sptrs in this process, plus, for
    // a stub, the one the driver holds while other processes do.
    virtual int32_t GetObjectRefCount() = 0;
    virtual int Dump(int fd, const std::vector<std::u16string>& args) = 0;
    // The local interface, for iface_cast; null for proxies.
    virtual sptr<IRemoteBroker> AsInterface();

    const std::u16string descriptor_;

protected:
    explicit IRemoteObject(std::u16string descriptor = u"") : descriptor_(std::move(descriptor)) {}
};

using DeathRecipient = IRemoteObject::DeathRecipient;

}  // namespace ipckit
