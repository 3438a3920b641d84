// SPDX-License-Identifier: Apache-2.0
//
// Interfaces over remote objects, as IPC Kit: an interface I derives from
// IRemoteBroker and names itself with DECLARE_INTERFACE_DESCRIPTOR; its
// service derives from IRemoteStub<I>, its client side from IRemoteProxy<I>
// and registers itself with a `static inline BrokerDelegator<Proxy>`
// member. iface_cast<I>(object) then gives the registered proxy for a
// remote object, or the stub itself for a local one of that interface.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ipckit/ipc_object_stub.h"
#include "ipckit/iremote_object.h"
#include "ipckit/refbase.h"

namespace ipckit {

class IRemoteBroker : public virtual RefBase {
public:
    virtual sptr<IRemoteObject> AsObject() = 0;
};

#define DECLARE_INTERFACE_DESCRIPTOR(DESCRIPTOR)                              \
    static inline const std::u16string metaDescriptor_ = DESCRIPTOR;       \
    static inline const std::u16string& GetDescriptor() { return metaDescriptor_; }

// Descriptor -> proxy factory, filled at static-initialisation time.
class BrokerRegistration {
public:
    using Constructor = std::function<sptr<IRemoteBroker>(const sptr<IRemoteObject>&)>;

    static BrokerRegistration& Get();
    // False if the descriptor already has a factory.
    bool Register(const std::u16string& descriptor, Constructor creator, const void* owner);
    void Unregister(const std::u16string& descriptor, const void* owner);
    // The interface of `object`: a local stub of that descriptor gives its
    // AsInterface(); a proxy gives a new registered proxy; else null.
    sptr<IRemoteBroker> NewInstance(const std::u16string& descriptor,
                                    const sptr<IRemoteObject>& object);

private:
    struct Entry {
        Constructor creator;
        const void* owner;
    };
    std::mutex lock_;
    std::map<std::u16string, Entry> creators_;
};

template <typename T>
class BrokerDelegator {
public:
    BrokerDelegator()
    {
        BrokerRegistration::Get().Register(
            T::GetDescriptor(),
            [](const sptr<IRemoteObject>& object) -> sptr<IRemoteBroker> {
                return MakeSptr<T>(object);
            },
            this);
    }
    ~BrokerDelegator() { BrokerRegistration::Get().Unregister(T::GetDescriptor(), this); }
    BrokerDelegator(const BrokerDelegator&) = delete;
    BrokerDelegator& operator=(const BrokerDelegator&) = delete;
};

template <typename INTERFACE>
sptr<INTERFACE> iface_cast(const sptr<IRemoteObject>& object)
{
    if (!object)
        return nullptr;
    sptr<IRemoteBroker> broker =
        BrokerRegistration::Get().NewInstance(INTERFACE::GetDescriptor(), object);
    return sptr<INTERFACE>(static_cast<INTERFACE*>(broker.GetRefPtr()));
}

// The client side of INTERFACE: Remote() is the object requests go to.
class PeerHolder {
protected:
    explicit PeerHolder(const sptr<IRemoteObject>& object) : remoteObject_(object) {}
    sptr<IRemoteObject> Remote() { return remoteObject_; }

private:
    const sptr<IRemoteObject> remoteObject_;
};

template <typename INTERFACE>
class IRemoteProxy : public PeerHolder, public INTERFACE {
public:
    explicit IRemoteProxy(const sptr<IRemoteObject>& object) : PeerHolder(object) {}
    sptr<IRemoteObject> AsObject() override { return Remote(); }
};

// The service side of INTERFACE; AsObject() and AsInterface() are itself.
template <typename INTERFACE>
class IRemoteStub : public IPCObjectStub, public INTERFACE {
public:
    explicit IRemoteStub(bool serialInvokeFlag = false)
        : IPCObjectStub(INTERFACE::GetDescriptor(), serialInvokeFlag)
    {
    }
    sptr<IRemoteObject> AsObject() override { return sptr<IRemoteObject>(this); }
    sptr<IRemoteBroker> AsInterface() override { return sptr<IRemoteBroker>(this); }
};

}  // namespace ipckit
