// SPDX-License-Identifier: Apache-2.0
//
// Runs on libipckit's threads: only Daemon's thread-safe entry points.
#include "daemon/service.h"

#include <unistd.h>

#include <ipckit/ipc_errors.h>
#include <ipckit/ipc_skeleton.h>
#include <ipckit/message_parcel.h>

#include "wire/service.h"

namespace ipckit::softbus {

namespace {

bool WriteDevice(MessageParcel& reply, const DeviceInfo& d)
{
    return reply.WriteString(d.networkId) && reply.WriteString(d.name) &&
           reply.WriteString(d.address) && reply.WriteString(d.state) &&
           reply.WriteBool(d.online) && reply.WriteBool(d.trusted) && reply.WriteInt64(d.rttUs);
}

}  // namespace

SoftBusService::SoftBusService(Daemon& daemon) : IPCObjectStub(SERVICE_DESCRIPTOR), daemon_(daemon)
{
}

int SoftBusService::OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                    MessageOption& option)
{
    if (code < SERVICE_GET_LOCAL_DEVICE || code > SERVICE_OPEN_CHANNEL)
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    if (data.ReadInterfaceToken() != SERVICE_DESCRIPTOR)
        return ERR_INVALID_DATA;
    switch (code) {
    case SERVICE_GET_LOCAL_DEVICE: {
        DeviceSnapshot snapshot = daemon_.Snapshot();
        return reply.WriteInt32(0) && reply.WriteString("") && WriteDevice(reply, snapshot.local)
                   ? ERR_NONE
                   : ERR_INVALID_DATA;
    }
    case SERVICE_GET_DEVICES: {
        DeviceSnapshot snapshot = daemon_.Snapshot();
        bool ok = reply.WriteInt32(0) && reply.WriteString("") &&
                  reply.WriteInt32(static_cast<int32_t>(snapshot.devices.size()));
        for (const auto& device : snapshot.devices)
            ok = ok && WriteDevice(reply, device);
        return ok ? ERR_NONE : ERR_INVALID_DATA;
    }
    case SERVICE_OPEN_CHANNEL: {
        auto channel = daemon_.OpenChannel(IPCSkeleton::GetCallingPid(),
                                           IPCSkeleton::GetCallingUid());
        if (!channel)
            return reply.WriteInt32(channel.error().code) &&
                           reply.WriteString(channel.error().message)
                       ? ERR_NONE
                       : ERR_INVALID_DATA;
        // The parcel sends a dup; ours closes when `channel` goes.
        return reply.WriteInt32(0) && reply.WriteString("") &&
                       reply.WriteFileDescriptor(channel.value().get())
                   ? ERR_NONE
                   : ERR_INVALID_DATA;
    }
    }
    return ERR_UNKNOWN_TRANSACTION;
}

int SoftBusService::Dump(int fd, const std::vector<std::u16string>&)
{
    DeviceSnapshot snapshot = daemon_.Snapshot();
    std::string text = "softbusd: device " + snapshot.local.networkId + " \"" +
                       snapshot.local.name + "\", " + std::to_string(snapshot.devices.size()) +
                       " devices known\n" + "  sessions: " + std::to_string(snapshot.sessions) +
                       "\n  links: " + std::to_string(snapshot.links) +
                       "\n  channels: " + std::to_string(snapshot.channels) +
                       "\n  pending bytes: " + std::to_string(snapshot.pendingBytes) + "\n";
    for (const auto& d : snapshot.devices)
        text += "  " + d.networkId.substr(0, 16) + " \"" + d.name + "\" " + d.address +
                (d.online ? " online" : " offline") + (d.trusted ? " trusted " : " untrusted ") +
                d.state + "\n";
    ssize_t n = ::write(fd, text.data(), text.size());
    return n == static_cast<ssize_t>(text.size()) ? ERR_NONE : ERR_INVALID_DATA;
}

}  // namespace ipckit::softbus
