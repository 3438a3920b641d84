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

// How a thread's binder_write_read reaches the driver: the ioctl (the
// default) or io_uring (uring_transport.h). IPCThread's command processing
// is the same over both.
class Transport {
public:
    enum class Wait { kRead, kIdle, kStop, kError };
    virtual ~Transport() = default;
    // As BINDER_WRITE_READ: 0 or -errno; the consumed counts filled in.
    virtual int WriteRead(binder_write_read& bwr) = 0;
    // An idle looper waits, at most timeoutMs (-1: no limit), until a
    // read of `bwr` has something (kRead, its result in `err`) or
    // `stopFd` is readable (kStop).
    virtual Wait WaitAndRead(binder_write_read& bwr, int timeoutMs, int stopFd, int& err) = 0;
    // Starts a read of `size` bytes now, for an external event loop to
    // wait on (nothing for the ioctl, which cannot read ahead).
    virtual void ArmRead(std::size_t) {}
    // The looper stops: ends a read left armed; true when it brought
    // something into `bwr` (result in `err`), to be served.
    virtual bool EndRead(binder_write_read&, int&) { return false; }
};

class IPCThread {
public:
    static IPCThread& Current();

    // A request to `handle`: ERR_NONE with `reply` filled (unless
    // one-way), or an IPC Kit error.
    int Transact(uint32_t handle, uint32_t code, MessageParcel& data, MessageParcel* reply,
                 uint32_t flags);
    // Serves requests until the process stops its loopers, through the
    // ioctl or, when chosen and the driver has it, io_uring.
    void Loop(bool isMain);

    // The parts of a looper (Loop, UringLooper): the thread's transport
    // (null: the ioctl); entering; one round of serving what is read
    // (waiting at most timeoutMs); leaving.
    void SetTransport(Transport* transport) { transport_ = transport; }
    Transport* GetTransport() const { return transport_; }
    void EnterLoop(bool isMain);
    enum class Served { kServed, kIdle, kStop, kError };
    Served ServeOnce(int timeoutMs);
    void ExitLoop();
    // Arms the transport's read (UringLooper between rounds).
    void ArmRead();

    // BC_TRANSACTION and its binder_transaction_data for `data`, appended
    // to `out` (which the driver reads; `data` must outlive that).
    static void AppendTransaction(std::vector<uint8_t>& out, uint32_t handle, uint32_t code,
                                  MessageParcel& data, uint32_t flags);
    // Reads (serving what comes meanwhile) until the driver answers one
    // one-way transaction this thread sent: ERR_NONE, ERR_DEAD_OBJECT or
    // ERR_TRANSACTION_FAILED.
    int WaitOnewayDone() { return WaitForResponse(nullptr, true); }

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
    // What the driver did with `bwr` (the exchange's result `err`, 0 or
    // -errno): written commands dropped from out_, read ones into in_.
    int Consumed(const binder_write_read& bwr, int err);
    binder_write_read ReadOnly();
    void ServeReceived();
    Transport& transport();
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
    Transport* transport_ = nullptr;  // null: the ioctl
    Identity id_;
};

}  // namespace ipckit::detail
