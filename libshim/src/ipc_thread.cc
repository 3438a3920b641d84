// SPDX-License-Identifier: Apache-2.0
//
// One thread's conversation with the driver: BC_ commands out, BR_ commands
// in, in the driver's order. A thread waiting for its reply serves what the
// driver hands it meanwhile (nested call-backs, reference changes, death
// notices), as libbinder's IPCThreadState does.
#include "ipc_thread.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <linux/ipckit.h>
#include <linux/android/binder_freeze.h>

#include "ipc_process.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_object_stub.h"
#include "uring_transport.h"

namespace ipckit {

// The library's access to a stub's driver-reference counter.
class IPCThreadAccess {
public:
    static void Acquired(IPCObjectStub* stub) { stub->driverStrong_.fetch_add(1); }
    static void Released(IPCObjectStub* stub) { stub->driverStrong_.fetch_sub(1); }
};

namespace detail {
namespace {

// Room for several BR_ records; the driver needs at least the largest.
constexpr std::size_t kReadSize = 512;

template <typename T>
void Append(std::vector<uint8_t>& buf, const T& value)
{
    const auto* p = reinterpret_cast<const uint8_t*>(&value);
    buf.insert(buf.end(), p, p + sizeof(T));
}

// Close the fds the driver installed for a received buffer's objects: the
// parcel owned them (ReadFileDescriptor hands out dups).
void CloseReceivedFds(const uint8_t* data, std::size_t size, const uint64_t* offsets,
                      std::size_t n)
{
    for (std::size_t i = 0; i < n; i++) {
        if (offsets[i] + sizeof(binder_fd_object) > size)
            continue;
        binder_fd_object fdo;
        std::memcpy(&fdo, data + offsets[i], sizeof(fdo));
        if (fdo.hdr.type == BINDER_TYPE_FD)
            ::close(static_cast<int>(fdo.fd));
    }
}

// Hands a buffer the driver delivered to `parcel`, which gives it back
// when done: closes the fds installed for it, then BC_FREE_BUFFER.
bool AdoptReceived(MessageParcel& parcel, const binder_transaction_data& tr)
{
    const auto* buf = reinterpret_cast<const uint8_t*>(tr.data.ptr.buffer);
    const auto* offs = reinterpret_cast<const uint64_t*>(tr.data.ptr.offsets);
    std::size_t n = tr.offsets_size / sizeof(binder_size_t);
    std::size_t size = tr.data_size;
    uint64_t bufAddr = tr.data.ptr.buffer;
    // Without objects (most calls and replies) there are no fds to close,
    // and a release that holds only the address fits inside std::function:
    // no heap allocation per received buffer.
    if (n == 0)
        return parcel.SetDataReference(buf, size, offs, 0,
                                       [bufAddr] { IPCThread::Current().FreeBuffer(bufAddr); });
    return parcel.SetDataReference(buf, size, offs, n, [buf, size, offs, n, bufAddr] {
        CloseReceivedFds(buf, size, offs, n);
        IPCThread::Current().FreeBuffer(bufAddr);
    });
}

// Points `tr` at the parcel's data and object offsets (no copy: the driver
// copies them during the ioctl).
void SetPayload(binder_transaction_data& tr, MessageParcel& parcel)
{
    const auto& offsets = parcel.GetObjectOffsets();
    tr.data_size = parcel.GetDataSize();
    tr.offsets_size = offsets.size() * sizeof(binder_size_t);
    tr.data.ptr.buffer = parcel.GetData();
    tr.data.ptr.offsets = reinterpret_cast<uintptr_t>(offsets.data());
}

// BINDER_WRITE_READ, and an idle looper's wait in poll() on the driver.
class IoctlTransport final : public Transport {
public:
    int WriteRead(binder_write_read& bwr) override
    {
        int fd = IPCProcess::Get().Fd();
        if (fd < 0)
            return -EBADF;
        return ::ioctl(fd, BINDER_WRITE_READ, &bwr) < 0 ? -errno : 0;
    }
    Wait WaitAndRead(binder_write_read& bwr, int timeoutMs, int, int& err) override
    {
        switch (IPCProcess::Get().WaitForWork(timeoutMs)) {
        case IPCProcess::Wake::kWork:
            // The driver said this thread has work, so the read returns
            // soon (or, if another looper took process work first, blocks
            // until the next, from which StopLoopers can kick it).
            err = WriteRead(bwr);
            return Wait::kRead;
        case IPCProcess::Wake::kIdle:
            return Wait::kIdle;
        case IPCProcess::Wake::kStop:
            return Wait::kStop;
        case IPCProcess::Wake::kError:
            break;
        }
        return Wait::kError;
    }
};

}  // namespace

IPCThread& IPCThread::Current()
{
    thread_local IPCThread thread;
    return thread;
}

IPCThread::IPCThread()
{
    id_.pid = ::getpid();
    id_.uid = ::getuid();
    readBuf_.resize(kReadSize);
}

void IPCThread::Queue(uint32_t cmd)
{
    Append(out_, cmd);
}

void IPCThread::QueuePtrCookie(uint32_t cmd, uint64_t ptr, uint64_t cookie)
{
    Append(out_, cmd);
    Append(out_, binder_ptr_cookie{ptr, cookie});
}

void IPCThread::QueueHandle(uint32_t cmd, uint32_t handle)
{
    Append(out_, cmd);
    Append(out_, handle);
}

void IPCThread::QueueHandleCookie(uint32_t cmd, uint32_t handle, uint64_t cookie)
{
    Append(out_, cmd);
    Append(out_, binder_handle_cookie{handle, cookie});
}

int IPCThread::Flush()
{
    while (!out_.empty()) {
        int err = WriteRead(false);
        if (err && err != -EINTR)
            return err;
    }
    return ERR_NONE;
}

void IPCThread::FreeBuffer(uint64_t buffer)
{
    Append(out_, static_cast<uint32_t>(BC_FREE_BUFFER));
    Append(out_, static_cast<binder_uintptr_t>(buffer));
    // A looper sends it with its next read; anyone else now, or the area
    // would fill up with buffers nobody frees.
    if (!inLoop_)
        Flush();
}

Transport& IPCThread::transport()
{
    // Stateless, one for every thread; never destroyed (pool threads may
    // outlive static destructors).
    static IoctlTransport* ioctl = new IoctlTransport();
    return transport_ ? *transport_ : *ioctl;
}

int IPCThread::WriteRead(bool doRead)
{
    if (IPCProcess::Get().Fd() < 0) {
        out_.clear();
        return IPC_INVOKER_CONNECT_ERR;
    }
    binder_write_read bwr{};
    bwr.write_size = out_.size();
    bwr.write_buffer = reinterpret_cast<uintptr_t>(out_.data());
    if (doRead && inPos_ >= in_.size()) {
        bwr.read_size = readBuf_.size();
        bwr.read_buffer = reinterpret_cast<uintptr_t>(readBuf_.data());
    }
    if (bwr.write_size == 0 && bwr.read_size == 0)
        return ERR_NONE;
    return Consumed(bwr, transport().WriteRead(bwr));
}

binder_write_read IPCThread::ReadOnly()
{
    binder_write_read bwr{};
    bwr.read_size = readBuf_.size();
    bwr.read_buffer = reinterpret_cast<uintptr_t>(readBuf_.data());
    return bwr;
}

int IPCThread::Consumed(const binder_write_read& bwr, int err)
{
    // Whatever the driver consumed is gone, even on EINTR.
    std::size_t written = std::min<std::size_t>(bwr.write_consumed, out_.size());
    if (bwr.write_size > 0)
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(written));
    std::size_t read = std::min<std::size_t>(bwr.read_consumed, readBuf_.size());
    if (bwr.read_size > 0 && read > 0) {
        in_.assign(readBuf_.begin(), readBuf_.begin() + static_cast<std::ptrdiff_t>(read));
        inPos_ = 0;
    }
    if (err == -EINTR)
        return -EINTR;
    if (err) {
        std::fprintf(stderr, "ipckit: BINDER_WRITE_READ failed: %s\n", std::strerror(-err));
        return IPC_INVOKER_CONNECT_ERR;
    }
    return ERR_NONE;
}

template <typename T>
T IPCThread::Pop()
{
    T value{};
    if (Readable(sizeof(T))) {
        std::memcpy(&value, in_.data() + inPos_, sizeof(T));
        inPos_ += sizeof(T);
    } else {
        inPos_ = in_.size();  // a truncated record: drop the rest
    }
    return value;
}

int IPCThread::NextCommand(uint32_t& cmd)
{
    while (inPos_ >= in_.size()) {
        int err = WriteRead(true);
        if (err)
            return err;
    }
    cmd = Pop<uint32_t>();
    return ERR_NONE;
}

int IPCThread::Transact(uint32_t handle, uint32_t code, MessageParcel& data,
                        MessageParcel* reply, uint32_t flags)
{
    AppendTransaction(out_, handle, code, data, flags);
    return WaitForResponse((flags & TF_ONE_WAY) ? nullptr : reply, flags & TF_ONE_WAY);
}

void IPCThread::AppendTransaction(std::vector<uint8_t>& out, uint32_t handle, uint32_t code,
                                  MessageParcel& data, uint32_t flags)
{
    binder_transaction_data tr{};
    tr.target.handle = handle;
    tr.code = code;
    tr.flags = flags;
    SetPayload(tr, data);
    Append(out, static_cast<uint32_t>(BC_TRANSACTION));
    Append(out, tr);
}

int IPCThread::WaitForResponse(MessageParcel* reply, bool oneway)
{
    for (;;) {
        uint32_t cmd;
        int err = NextCommand(cmd);
        if (err == -EINTR)
            continue;  // nothing lost: the driver keeps our place
        if (err)
            return err;
        switch (cmd) {
        case BR_TRANSACTION_COMPLETE:
        case BR_ONEWAY_SPAM_SUSPECT:
        // Queued to a frozen process (binder since 6.3, and ipckit built
        // for such a kernel): taken all the same, delivered at the thaw.
        case BR_TRANSACTION_PENDING_FROZEN:
            if (oneway) {
                Flush();
                return ERR_NONE;
            }
            break;
        case BR_DEAD_REPLY:
            Flush();
            return ERR_DEAD_OBJECT;
        case BR_FAILED_REPLY:
        case BR_FROZEN_REPLY:
            Flush();
            return ERR_TRANSACTION_FAILED;
        case BR_REPLY: {
            auto tr = Pop<binder_transaction_data>();
            const auto* buf = reinterpret_cast<const uint8_t*>(tr.data.ptr.buffer);
            uint64_t bufAddr = tr.data.ptr.buffer;
            if (tr.flags & TF_STATUS_CODE) {
                int32_t status = ERR_INVALID_REPLY;
                if (tr.data_size >= sizeof(status))
                    std::memcpy(&status, buf, sizeof(status));
                FreeBuffer(bufAddr);
                Flush();
                return status;
            }
            bool ok;
            {
                MessageParcel unwanted;  // no reply asked for: given back at once
                ok = AdoptReceived(reply ? *reply : unwanted, tr) || !reply;
            }
            Flush();
            return ok ? ERR_NONE : ERR_INVALID_REPLY;
        }
        default:
            ExecuteCommand(cmd);
            break;
        }
    }
}

int IPCThread::ExecuteCommand(uint32_t cmd)
{
    IPCProcess& proc = IPCProcess::Get();

    switch (cmd) {
    case BR_NOOP:
    case BR_OK:
    case BR_FINISHED:
        break;
    case BR_ERROR:
        std::fprintf(stderr, "ipckit: driver error %d\n", Pop<int32_t>());
        break;
    case BR_SPAWN_LOOPER:
        proc.SpawnLooper();
        break;
    // A node's ptr is the stub's counter block, which outlives the stub
    // while weak references last; its cookie is the stub itself.
    case BR_INCREFS: {
        auto pc = Pop<binder_ptr_cookie>();
        reinterpret_cast<RefCounter*>(pc.ptr)->IncWeak();
        QueuePtrCookie(BC_INCREFS_DONE, pc.ptr, pc.cookie);
        break;
    }
    case BR_ACQUIRE: {
        auto pc = Pop<binder_ptr_cookie>();
        auto* stub = reinterpret_cast<IPCObjectStub*>(pc.cookie);
        stub->IncStrongRef(this);
        IPCThreadAccess::Acquired(stub);
        QueuePtrCookie(BC_ACQUIRE_DONE, pc.ptr, pc.cookie);
        break;
    }
    case BR_RELEASE: {
        auto pc = Pop<binder_ptr_cookie>();
        auto* stub = reinterpret_cast<IPCObjectStub*>(pc.cookie);
        IPCThreadAccess::Released(stub);
        stub->DecStrongRef(this);  // may destroy it
        break;
    }
    case BR_DECREFS: {
        auto pc = Pop<binder_ptr_cookie>();
        reinterpret_cast<RefCounter*>(pc.ptr)->DecWeak();  // the stub may be gone
        break;
    }
    case BR_TRANSACTION: {
        auto tr = Pop<binder_transaction_data>();
        ServeTransaction(&tr);
        break;
    }
    case BR_TRANSACTION_SEC_CTX: {
        auto trs = Pop<binder_transaction_data_secctx>();
        ServeTransaction(&trs.transaction_data);
        break;
    }
    case BR_DEAD_BINDER: {
        auto cookie = Pop<binder_uintptr_t>();
        sptr<IPCObjectProxy> proxy = proc.ProxyForDeathCookie(cookie);
        if (proxy)
            proxy->SendObituary();
        Append(out_, static_cast<uint32_t>(BC_DEAD_BINDER_DONE));
        Append(out_, cookie);
        if (!inLoop_)
            Flush();
        break;
    }
    case BR_CLEAR_DEATH_NOTIFICATION_DONE:
        proc.RemoveDeathCookie(Pop<binder_uintptr_t>());
        break;
    // libipckit asks for no freeze notifications; one that comes anyway
    // is acknowledged, so the driver does not keep it waiting.
    case BR_FROZEN_BINDER: {
        auto info = Pop<binder_frozen_state_info>();
        Append(out_, static_cast<uint32_t>(BC_FREEZE_NOTIFICATION_DONE));
        Append(out_, info.cookie);
        if (!inLoop_)
            Flush();
        break;
    }
    case BR_CLEAR_FREEZE_NOTIFICATION_DONE:
        (void)Pop<binder_uintptr_t>();
        break;
    case BR_REPLY: {  // nobody waits for it any more: give it back
        auto tr = Pop<binder_transaction_data>();
        FreeBuffer(tr.data.ptr.buffer);
        break;
    }
    case BR_TRANSACTION_COMPLETE:
    case BR_ONEWAY_SPAM_SUSPECT:
    case BR_TRANSACTION_PENDING_FROZEN:
    case BR_DEAD_REPLY:
    case BR_FAILED_REPLY:
    case BR_FROZEN_REPLY:
        break;
    default:
        std::fprintf(stderr, "ipckit: unexpected driver command %#x\n", cmd);
        inPos_ = in_.size();  // cannot tell its size: drop the rest
        return IPC_INVOKER_INVALID_DATA_ERR;
    }
    return ERR_NONE;
}

void IPCThread::ServeTransaction(const binder_transaction_data* trp)
{
    const binder_transaction_data tr = *trp;
    bool oneway = tr.flags & TF_ONE_WAY;
    int status;
    {
        MessageParcel data;
        MessageParcel reply;
        AdoptReceived(data, tr);
        MessageOption option(oneway ? MessageOption::TF_ASYNC : MessageOption::TF_SYNC);

        // A caller through the driver is on this device; a forwarded call
        // (RPC_FORWARD_TRANSACTION) switches to the remote identity later.
        Identity caller;
        caller.pid = tr.sender_pid;
        caller.uid = tr.sender_euid;
        caller.incoming = true;
        Identity saved = ExchangeIdentity(std::move(caller));
        auto* stub = reinterpret_cast<IPCObjectStub*>(tr.cookie);
        if (stub) {
            sptr<IPCObjectStub> hold(stub);
            status = hold->ProcessRequest(tr.code, data, reply, option);
        } else {
            status = ERR_UNKNOWN_OBJECT;
        }
        ExchangeIdentity(std::move(saved));
        // The request's buffer goes back before the reply does (the
        // BC_FREE_BUFFER is queued ahead of the BC_REPLY): a caller that
        // sends its next big call as soon as it has the reply must find
        // our buffer space free, not race with the free. The reply holds
        // copies of what it took from `data` (bytes, dup'ed fds, sptrs).
        data.FlushBuffer();
        if (!oneway)
            SendReply(reply, status);
    }
}

int IPCThread::SendReply(MessageParcel& reply, int status)
{
    binder_transaction_data tr{};
    int32_t st = status;
    if (status != ERR_NONE) {
        tr.flags = TF_STATUS_CODE;
        tr.data_size = sizeof(st);
        tr.data.ptr.buffer = reinterpret_cast<uintptr_t>(&st);
    } else {
        SetPayload(tr, reply);
    }
    Queue(BC_REPLY);
    Append(out_, tr);
    // Until BR_TRANSACTION_COMPLETE: the driver has taken what it needs
    // from `reply` (and told us about stubs in it) by then.
    return WaitForResponse(nullptr, true);
}

void IPCThread::Loop(bool isMain)
{
    // io_uring when asked for and the driver has it (else null: the ioctl,
    // the fallback said once); the same loop either way.
    // A thread with a UringLooper of its own keeps it.
    std::unique_ptr<UringTransport> uring;
    if (!transport_)
        uring = LooperTransport(IPCProcess::Get().Fd());
    if (uring)
        transport_ = uring.get();
    EnterLoop(isMain);
    while (ServeOnce(-1) == Served::kServed) {
    }
    ExitLoop();
    if (uring)
        transport_ = nullptr;
}

void IPCThread::EnterLoop(bool isMain)
{
    inLoop_ = true;
    Queue(isMain ? BC_ENTER_LOOPER : BC_REGISTER_LOOPER);
}

void IPCThread::ServeReceived()
{
    while (inPos_ < in_.size())
        ExecuteCommand(Pop<uint32_t>());
}

IPCThread::Served IPCThread::ServeOnce(int timeoutMs)
{
    IPCProcess& proc = IPCProcess::Get();
    ServeReceived();
    // All that was read is served (so no caller waits on us for good).
    if (proc.Stopping())
        return Served::kStop;
    // Send what is queued (the looper command, BC_FREE_BUFFER, the
    // *_DONE answers) before waiting: nobody else would send it.
    if (Flush() != ERR_NONE)
        return Served::kError;
    binder_write_read bwr = ReadOnly();
    int err = 0;
    switch (transport().WaitAndRead(bwr, timeoutMs, proc.StopFd(), err)) {
    case Transport::Wait::kRead:
        break;
    case Transport::Wait::kIdle:
        return Served::kIdle;
    case Transport::Wait::kStop:
        return Served::kStop;
    case Transport::Wait::kError:
        return Served::kError;
    }
    err = Consumed(bwr, err);
    if (err && err != -EINTR)
        return Served::kError;
    ServeReceived();
    return Served::kServed;
}

void IPCThread::ArmRead()
{
    if (inPos_ >= in_.size())
        transport().ArmRead(readBuf_.size());
}

void IPCThread::ExitLoop()
{
    // A read still armed may hold work for us: serve it before leaving.
    binder_write_read bwr = ReadOnly();
    int err = 0;
    if (transport().EndRead(bwr, err) && Consumed(bwr, err) == ERR_NONE)
        ServeReceived();
    Queue(BC_EXIT_LOOPER);
    inLoop_ = false;
    Flush();
    int fd = IPCProcess::Get().Fd();
    if (fd >= 0)
        ::ioctl(fd, BINDER_THREAD_EXIT, 0);
}

IPCThread::Identity IPCThread::ExchangeIdentity(Identity id)
{
    return std::exchange(id_, std::move(id));
}

// The token is "uid:pid:incoming:remotePid:remoteUid:device", the device
// last because it is the only field of variable length ("" when local).
std::string IPCThread::ResetIdentity()
{
    std::string token = std::to_string(id_.uid) + ":" + std::to_string(id_.pid) + ":" +
                        (id_.incoming ? "1" : "0") + ":" + std::to_string(id_.remotePid) + ":" +
                        std::to_string(id_.remoteUid) + ":" + id_.device;
    Identity self;
    self.pid = ::getpid();
    self.uid = ::getuid();
    id_ = std::move(self);
    return token;
}

bool IPCThread::SetIdentity(const std::string& token)
{
    unsigned long uid, remoteUid;
    long pid, remotePid;
    int incoming;
    int consumed = 0;
    if (std::sscanf(token.c_str(), "%lu:%ld:%d:%ld:%lu:%n", &uid, &pid, &incoming, &remotePid,
                    &remoteUid, &consumed) != 5 ||
        consumed <= 0)
        return false;
    Identity id;
    id.uid = static_cast<uid_t>(uid);
    id.pid = static_cast<pid_t>(pid);
    id.incoming = incoming != 0;
    id.remotePid = static_cast<pid_t>(remotePid);
    id.remoteUid = static_cast<uid_t>(remoteUid);
    id.device = token.substr(static_cast<std::size_t>(consumed));
    id_ = std::move(id);
    return true;
}

}  // namespace detail
}  // namespace ipckit
