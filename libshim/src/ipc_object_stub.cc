// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_object_stub.h"

#include <unistd.h>

#include <string>

#include "ipckit/ipc_errors.h"
#include "ipckit/message_parcel.h"

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

int IPCObjectStub::ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                                  MessageOption& option)
{
    switch (code) {
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
