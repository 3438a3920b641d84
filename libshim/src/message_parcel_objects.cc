// SPDX-License-Identifier: Apache-2.0
//
// Remote objects in a MessageParcel: a local stub travels as
// BINDER_TYPE_BINDER (its counter block as binder, its address as cookie,
// which the driver hands back when the object comes home or is called), a proxy as
// BINDER_TYPE_HANDLE, null as a zeroed BINDER the driver never sees.
#include <cstdio>
#include <cstring>
#include <string>

#include <linux/ipckit.h>

#include "ipc_process.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/message_parcel.h"

namespace ipckit {

bool MessageParcel::WriteRemoteObject(const sptr<IRemoteObject>& object)
{
    flat_binder_object fbo{};
    fbo.hdr.type = BINDER_TYPE_BINDER;
    if (!object)
        return WriteBuffer(&fbo, sizeof(fbo));  // not an object for the driver
    fbo.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS;
    if (auto* proxy = dynamic_cast<IPCObjectProxy*>(object.GetRefPtr())) {
        // A proxy of an object on another device is a handle on rpcd's
        // stand-in, which only this process may use: rpcd could not tell
        // who holds it where.
        if (IPCObjectProxy::RpcInfo info = proxy->GetRpcInfo(); info.isRemote) {
            std::fprintf(stderr,
                         "ipckit: WriteRemoteObject: a proxy of an object on device %s cannot "
                         "be passed on (RPC_ERR_PROXY_NOT_TRANSFERABLE)\n",
                         (info.networkId.substr(0, 8) + "...").c_str());
            lastError_ = RPC_ERR_PROXY_NOT_TRANSFERABLE;
            return false;
        }
        fbo.hdr.type = BINDER_TYPE_HANDLE;
        fbo.handle = proxy->GetHandle();
    } else if (auto* stub = dynamic_cast<IPCObjectStub*>(object.GetRefPtr())) {
        // ptr: the counter block, which BR_INCREFS/BR_DECREFS work on and
        // which outlives the stub; cookie: the stub, for calls.
        fbo.binder = reinterpret_cast<uintptr_t>(stub->GetRefCounter());
        fbo.cookie = reinterpret_cast<uintptr_t>(stub);
        // Whoever gets it may call it: this process must serve requests.
        detail::IPCProcess::Get().EnsureLooper();
    } else {
        return false;
    }
    if (!WriteFlatObject(&fbo, sizeof(fbo)))
        return false;
    HoldObject(object);  // alive until the driver took its references
    return true;
}

sptr<IRemoteObject> MessageParcel::ReadRemoteObject()
{
    const void* p = ReadFlatObject(sizeof(flat_binder_object));
    if (!p) {
        // A null object is plain data; anything else here is malformed.
        std::size_t pos = GetReadPosition();
        const uint8_t* raw = ReadBuffer(sizeof(flat_binder_object));
        if (!raw)
            return nullptr;
        flat_binder_object fbo;
        std::memcpy(&fbo, raw, sizeof(fbo));
        if (fbo.hdr.type != BINDER_TYPE_BINDER || fbo.binder != 0)
            RewindRead(pos);
        return nullptr;
    }
    flat_binder_object fbo;
    std::memcpy(&fbo, p, sizeof(fbo));
    switch (fbo.hdr.type) {
    case BINDER_TYPE_BINDER:
    case BINDER_TYPE_WEAK_BINDER:
        // Our own stub, come home: the driver (or this parcel) keeps it alive.
        return sptr<IRemoteObject>(reinterpret_cast<IPCObjectStub*>(fbo.cookie));
    case BINDER_TYPE_HANDLE:
    case BINDER_TYPE_WEAK_HANDLE:
        return detail::IPCProcess::Get().ProxyForHandle(fbo.handle);
    default:
        return nullptr;
    }
}

}  // namespace ipckit
