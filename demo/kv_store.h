// SPDX-License-Identifier: Apache-2.0
//
// The demo's interfaces: IKvStore, a string key-value store served as
// system ability 4801 by kv_service, and IKvObserver, the callback a client
// hands it to hear about changes. Both sides include this file: it holds
// the descriptors, the wire codes and the proxies (the client side). The
// stubs (the service side) are in kv_service.cc and kv_client.cc.
//
// Wire format; every request starts with WriteInterfaceToken(descriptor):
//   IKvStore     1 PUT(String key, String value)       -> Int32 0
//                2 GET(String key)                     -> Int32 0, String value
//                                                         or Int32 ERR_UNKNOWN_OBJECT
//                3 PUT_ASYNC(String key, String value)    one-way, no reply
//                4 WATCH(RemoteObject observer)        -> Int32 0
//                5 WRITE_BLOB(Int32 size, RawData)     -> Int64 byte sum, Int32 size
//                6 SIZE                                -> Int32 number of keys
//   IKvObserver  1 ON_CHANGED(String key, String value)   one-way
// The service calls every watcher's ON_CHANGED after each PUT and PUT_ASYNC.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <ipckit/if_system_ability_manager.h>
#include <ipckit/ipc_kit.h>

namespace kvdemo {

using ipckit::sptr;

// The SA id the demo uses unless told otherwise (kv_service --sa).
inline constexpr int32_t KV_STORE_SA_ID = 4801;

// An SA id on the demo programs' command lines (--sa), written as in
// samgr.conf: decimal or 0x-hex, in 0..0xffffff.
inline bool ParseSaId(const char* text, int32_t& id)
{
    errno = 0;
    char* end = nullptr;
    long long value = std::strtoll(text, &end, 0);
    if (errno || end == text || *end || value < ipckit::FIRST_SYS_ABILITY_ID ||
        value > ipckit::LAST_SYS_ABILITY_ID)
        return false;
    id = static_cast<int32_t>(value);
    return true;
}

class IKvObserver : public ipckit::IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"ipckit.demo.IKvObserver");
    enum : uint32_t { ON_CHANGED = 1 };

    // Runs on one of the observer process's IPC threads, in the order the
    // store applied the changes.
    virtual void OnChanged(const std::string& key, const std::string& value) = 0;
};

class IKvStore : public ipckit::IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"ipckit.demo.IKvStore");
    enum : uint32_t { PUT = 1, GET = 2, PUT_ASYNC = 3, WATCH = 4, WRITE_BLOB = 5, SIZE = 6 };

    // Each call returns ERR_NONE or an IPC Kit error code (ipc_errors.h).
    virtual int Put(const std::string& key, const std::string& value) = 0;
    // ERR_UNKNOWN_OBJECT when the key is not there.
    virtual int Get(const std::string& key, std::string& value) = 0;
    // One-way: returns once the driver has queued it, before it is applied.
    virtual int PutAsync(const std::string& key, const std::string& value) = 0;
    virtual int Watch(const sptr<IKvObserver>& observer) = 0;
    // Sends `size` bytes (shared memory beyond 32 KiB); `sum` is the sum of
    // the bytes as the service read them.
    virtual int WriteBlob(const void* data, int32_t size, int64_t& sum) = 0;
    virtual int Size(int32_t& keys) = 0;
};

// The client side of IKvStore: each call becomes one transaction.
class KvStoreProxy : public ipckit::IRemoteProxy<IKvStore> {
public:
    explicit KvStoreProxy(const sptr<ipckit::IRemoteObject>& remote)
        : ipckit::IRemoteProxy<IKvStore>(remote)
    {
    }

    int Put(const std::string& key, const std::string& value) override
    {
        ipckit::MessageParcel data, reply;
        if (!data.WriteInterfaceToken(GetDescriptor()) || !data.WriteString(key) ||
            !data.WriteString(value))
            return ipckit::ERR_INVALID_DATA;
        return Call(PUT, data, reply);
    }

    int Get(const std::string& key, std::string& value) override
    {
        ipckit::MessageParcel data, reply;
        if (!data.WriteInterfaceToken(GetDescriptor()) || !data.WriteString(key))
            return ipckit::ERR_INVALID_DATA;
        int err = Call(GET, data, reply);
        if (err == ipckit::ERR_NONE && !reply.ReadString(value))
            return ipckit::ERR_INVALID_REPLY;
        return err;
    }

    int PutAsync(const std::string& key, const std::string& value) override
    {
        ipckit::MessageParcel data, reply;
        ipckit::MessageOption option(ipckit::MessageOption::TF_ASYNC);
        if (!data.WriteInterfaceToken(GetDescriptor()) || !data.WriteString(key) ||
            !data.WriteString(value))
            return ipckit::ERR_INVALID_DATA;
        return Remote()->SendRequest(PUT_ASYNC, data, reply, option);
    }

    int Watch(const sptr<IKvObserver>& observer) override
    {
        ipckit::MessageParcel data, reply;
        if (!observer || !data.WriteInterfaceToken(GetDescriptor()) ||
            !data.WriteRemoteObject(observer->AsObject()))
            return ipckit::ERR_INVALID_DATA;
        return Call(WATCH, data, reply);
    }

    int WriteBlob(const void* bytes, int32_t size, int64_t& sum) override
    {
        ipckit::MessageParcel data, reply;
        if (size < 0 || !data.WriteInterfaceToken(GetDescriptor()) || !data.WriteInt32(size) ||
            !data.WriteRawData(bytes, static_cast<std::size_t>(size)))
            return ipckit::ERR_INVALID_DATA;
        ipckit::MessageOption option;
        int err = Remote()->SendRequest(WRITE_BLOB, data, reply, option);
        if (err != ipckit::ERR_NONE)
            return err;
        int32_t echoed = -1;
        if (!reply.ReadInt64(sum) || !reply.ReadInt32(echoed) || echoed != size)
            return ipckit::ERR_INVALID_REPLY;
        return ipckit::ERR_NONE;
    }

    int Size(int32_t& keys) override
    {
        ipckit::MessageParcel data, reply;
        ipckit::MessageOption option;
        if (!data.WriteInterfaceToken(GetDescriptor()))
            return ipckit::ERR_INVALID_DATA;
        int err = Remote()->SendRequest(SIZE, data, reply, option);
        if (err == ipckit::ERR_NONE && !reply.ReadInt32(keys))
            return ipckit::ERR_INVALID_REPLY;
        return err;
    }

private:
    // A synchronous call whose reply starts with an Int32 result.
    int Call(uint32_t code, ipckit::MessageParcel& data, ipckit::MessageParcel& reply)
    {
        ipckit::MessageOption option;
        int err = Remote()->SendRequest(code, data, reply, option);
        if (err != ipckit::ERR_NONE)
            return err;
        int32_t result = ipckit::ERR_INVALID_REPLY;
        return reply.ReadInt32(result) ? result : ipckit::ERR_INVALID_REPLY;
    }

    static inline ipckit::BrokerDelegator<KvStoreProxy> delegator_;  // for iface_cast
};

// The service side's view of a watcher: ON_CHANGED, one-way.
class KvObserverProxy : public ipckit::IRemoteProxy<IKvObserver> {
public:
    explicit KvObserverProxy(const sptr<ipckit::IRemoteObject>& remote)
        : ipckit::IRemoteProxy<IKvObserver>(remote)
    {
    }

    // One-way: a watcher that is slow or gone never holds up the store.
    // A failed send (ERR_DEAD_OBJECT) marks the proxy dead: the service
    // checks AsObject()->IsObjectDead() to drop the watcher.
    void OnChanged(const std::string& key, const std::string& value) override
    {
        ipckit::MessageParcel data, reply;
        ipckit::MessageOption option(ipckit::MessageOption::TF_ASYNC);
        if (data.WriteInterfaceToken(GetDescriptor()) && data.WriteString(key) &&
            data.WriteString(value))
            Remote()->SendRequest(ON_CHANGED, data, reply, option);
    }

private:
    static inline ipckit::BrokerDelegator<KvObserverProxy> delegator_;  // for iface_cast
};

}  // namespace kvdemo
