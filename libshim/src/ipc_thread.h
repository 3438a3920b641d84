// SPDX-License-Identifier: Apache-2.0
//
// One thread's conversation with the driver (internal): the commands it
// queues, the replies it waits for, the requests it serves on the way (a
// nested call-back comes to the thread that waits), and the identity of the
// caller it is serving.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <linux/ipckit.h>

#include "ipckit/message_option.h"
#include "ipckit/message_parcel.h"

namespace ipckit::detail {

class IPCThread {
public:
    static IPCThread& Current();

    // A request to `handle`: ERR_NONE with `reply` filled (unless
    // one-way), or an IPC Kit error.
    int Transact(uint32_t handle, uint32_t code, MessageParcel& data, MessageParcel* reply,
                 uint32_t flags);
    // Serves requests until the process stops its loopers.
    void Loop(bool isMain);

    // Queue a command for the driver; Flush sends what is queued.
    void Queue(uint32_t cmd);
    void QueuePtrCookie(uint32_t cmd, uint64_t ptr, uint64_t cookie);
    void QueueHandle(uint32_t cmd, uint32_t handle);
    void QueueHandleCookie(uint32_t cmd, uint32_t handle, uint64_t cookie);
    int Flush();
    // BC_FREE_BUFFER for a received buffer (sent at once unless a looper).
    void FreeBuffer(uint64_t buffer);

    pid_t CallingPid() const { return id_.pid; }
    uid_t CallingUid() const { return id_.uid; }
    bool InIncoming() const { return id_.incoming; }
    // The calling device's networkId: "" for a caller on this device.
    const std::string& CallingDevice() const { return id_.device; }
    // What the calling device reported about its caller (forwarded calls
    // only; not verified), else -1.
    pid_t CallingRemotePid() const { return id_.remotePid; }
    uid_t CallingRemoteUid() const { return id_.remoteUid; }
    std::string ResetIdentity();
    bool SetIdentity(const std::string& token);

    // Who the thread is serving. Saved and restored around every request
    // it serves, so nested calls each see their own caller.
    struct Identity {
        pid_t pid = -1;
        uid_t uid = static_cast<uid_t>(-1);
        bool incoming = false;
        std::string device;  // "" for local callers
        pid_t remotePid = -1;
        uid_t remoteUid = static_cast<uid_t>(-1);
    };
    const Identity& GetIdentity() const { return id_; }
    // Replaces the identity; returns the previous one, to put back later.
    Identity ExchangeIdentity(Identity id);

private:
    IPCThread();
    int WriteRead(bool doRead);
    // The next command, reading (with what is queued) when none is left;
    // -EINTR when a signal cut the read short.
    int NextCommand(uint32_t& cmd);
    // Reads and runs commands until the reply (or, one-way, the
    // BR_TRANSACTION_COMPLETE) comes.
    int WaitForResponse(MessageParcel* reply, bool oneway);
    int ExecuteCommand(uint32_t cmd);
    void ServeTransaction(const binder_transaction_data* tr);
    int SendReply(MessageParcel& reply, int status);
    bool Readable(std::size_t n) const { return inPos_ + n <= in_.size(); }
    template <typename T>
    T Pop();

    std::vector<uint8_t> out_;
    std::vector<uint8_t> in_;      // what the last read returned
    std::size_t inPos_ = 0;        // next command in in_
    std::vector<uint8_t> readBuf_;
    bool inLoop_ = false;          // a looper: queued commands go with its next read
    Identity id_;
};

}  // namespace ipckit::detail
