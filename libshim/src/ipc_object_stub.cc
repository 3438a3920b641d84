// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_object_stub.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>

#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/message_parcel.h"
#include "rpc_trailer.h"

namespace ipckit {

IPCObjectStub::IPCObjectStub(std::u16string descriptor, bool)
    : IRemoteObject(std::move(descriptor))
{
}

IPCObjectStub::~IPCObjectStub() = default;

int IPCObjectStub::OnRemoteRequest(uint32_t, MessageParcel&, MessageParcel&, MessageOption&)
{
    return ERR_UNKNOWN_TRANSACTION;
}

int IPCObjectStub::SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                               MessageOption& option)
{
    return ProcessRequest(code, data, reply, option);
}

bool IPCObjectStub::AddDeathRecipient(const sptr<DeathRecipient>&)
{
    return false;
}

bool IPCObjectStub::RemoveDeathRecipient(const sptr<DeathRecipient>&)
{
    return false;
}

int IPCObjectStub::Dump(int fd, const std::vector<std::u16string>&)
{
    std::string line(descriptor_.begin(), descriptor_.end());  // descriptors are ASCII
    line += '\n';
    return ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())
               ? ERR_NONE
               : ERR_TRANSACTION_FAILED;
}

namespace {

// A descriptor for log lines (descriptors are ASCII).
std::string Narrow(const std::u16string& s)
{
    return std::string(s.begin(), s.end());
}

}  // namespace

int IPCObjectStub::ProcessForward(MessageParcel& data, MessageParcel& reply)
{
    detail::IPCThread& thread = detail::IPCThread::Current();
    // Only rpcd (root) may claim a call came from another device: anyone
    // else could make up a device and a remote uid.
    if (thread.CallingUid() != 0) {
        std::fprintf(stderr,
                     "ipckit: %s: refused RPC_FORWARD_TRANSACTION from uid %u pid %d: only "
                     "rpcd (euid 0) forwards calls from other devices\n",
                     Narrow(descriptor_).c_str(), static_cast<unsigned>(thread.CallingUid()),
                     static_cast<int>(thread.CallingPid()));
        return ERR_NO_PERMISSION;
    }
    detail::RpcForwardTrailer trailer{};
    std::string networkId, why;
    if (detail::StripForwardTrailer(data, trailer, networkId, why) != ERR_NONE) {
        std::fprintf(stderr, "ipckit: %s: refused RPC_FORWARD_TRANSACTION: %s\n",
                     Narrow(descriptor_).c_str(), why.c_str());
        return IPC_STUB_INVALID_DATA_ERR;
    }
    if (trailer.code == RPC_FORWARD_TRANSACTION) {
        std::fprintf(stderr,
                     "ipckit: %s: refused RPC_FORWARD_TRANSACTION nested in another one\n",
                     Narrow(descriptor_).c_str());
        return IPC_STUB_INVALID_DATA_ERR;
    }
    // The caller is not a process of this device: no local pid or uid may
    // be granted anything on its behalf.
    detail::IPCThread::Identity remote;
    remote.pid = -1;
    remote.uid = static_cast<uid_t>(-1);
    remote.incoming = true;
    remote.device = std::move(networkId);
    remote.remotePid = trailer.remotePid;
    remote.remoteUid = trailer.remoteUid;
    // Restored however the request ends (a stub may throw).
    struct Restore {
        detail::IPCThread& thread;
        detail::IPCThread::Identity saved;
        ~Restore() { thread.ExchangeIdentity(std::move(saved)); }
    } restore{thread, thread.ExchangeIdentity(std::move(remote))};
    MessageOption option(static_cast<int>(trailer.flags & MessageOption::TF_ASYNC));
    return ProcessRequest(trailer.code, data, reply, option);
}

int IPCObjectStub::ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                  MessageOption& option)
{
    switch (code) {
    case RPC_QUERY_TRANSACTION:
        // A libipckit stub is the real object, on this device.
        return reply.WriteInt32(0) ? ERR_NONE : IPC_STUB_WRITE_PARCEL_ERR;
    case RPC_FORWARD_TRANSACTION:
        return ProcessForward(data, reply);
    case PING_TRANSACTION:
    case SYNCHRONIZE_REFERENCE:
        return ERR_NONE;
    case INTERFACE_TRANSACTION:
        return reply.WriteString16(descriptor_) ? ERR_NONE : IPC_STUB_WRITE_PARCEL_ERR;
    case DUMP_TRANSACTION: {
        int fd = data.ReadFileDescriptor();
        if (fd < 0)
            return ERR_INVALID_DATA;
        std::vector<std::u16string> args;
        data.ReadString16Vector(&args);
        int ret = Dump(fd, args);
        ::close(fd);
        return ret;
    }
    default:
        return OnRemoteRequest(code, data, reply, option);
    }
}

int IPCObjectStub::GetDriverStrongRefs() const
{
    return driverStrong_.load();
}

}  // namespace ipckit
