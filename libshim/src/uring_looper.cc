// SPDX-License-Identifier: Apache-2.0
//
// io_uring in libipckit: the ring, the transport a uring looper uses
// (IPCThread's command processing is the ioctl looper's), UringLooper for
// external event loops, and OnewayBatch.
#include "ipckit/uring.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include <linux/ipckit.h>

#include "ipc_process.h"
#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_skeleton.h"
#include "uring_transport.h"

namespace ipckit {
namespace detail {

// In liburing 2.3's struct, cmd (the command's 16 bytes in a normal SQE)
// is a zero-length array over addr3: write it through the SQE's bytes.
static_assert(offsetof(io_uring_sqe, cmd) == 48);
static_assert(sizeof(ipckit_uring_write_read) == 16);

void PrepWriteRead(io_uring_sqe* sqe, int fd, const binder_write_read* bwr, uint64_t tag)
{
    io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, nullptr, 0, 0);
    sqe->cmd_op = IPCKIT_URING_CMD_WRITE_READ;
    ipckit_uring_write_read payload{};
    payload.bwr = reinterpret_cast<uintptr_t>(bwr);
    std::memcpy(reinterpret_cast<unsigned char*>(sqe) + offsetof(io_uring_sqe, cmd), &payload,
                sizeof(payload));
    io_uring_sqe_set_data64(sqe, tag);
}

Result<std::unique_ptr<Ring>> Ring::Create(unsigned entries)
{
    std::unique_ptr<Ring> ring(new Ring());
    int err = io_uring_queue_init(entries, &ring->ring_, 0);
    if (err < 0)
        return Error{-err, std::string("cannot set up an io_uring: ") + std::strerror(-err)};
    ring->entries_ = ring->ring_.sq.ring_entries;
    return ring;
}

Ring::~Ring()
{
    if (entries_)
        io_uring_queue_exit(&ring_);
}

namespace {

// Waits for one CQE (not cut short by signals): its res and tag.
int WaitCqe(io_uring* ring, uint64_t& tag)
{
    io_uring_cqe* cqe = nullptr;
    int err;
    while ((err = io_uring_wait_cqe(ring, &cqe)) == -EINTR) {
    }
    if (err < 0)
        return err;
    int res = cqe->res;
    tag = cqe->user_data;
    io_uring_cqe_seen(ring, cqe);
    return res;
}

// 0 unknown, 1 taken, else the -errno the driver refused it with.
std::atomic<int> g_uringState{0};

}  // namespace

int UringSupported(int driverFd)
{
    int state = g_uringState.load();
    if (state != 0)
        return state == 1 ? 0 : state;
    auto ring = Ring::Create(2);
    if (!ring) {
        g_uringState = -ring.error().code;
        return -ring.error().code;
    }
    binder_write_read bwr{};
    io_uring_sqe* sqe = io_uring_get_sqe(ring.value()->get());
    PrepWriteRead(sqe, driverFd, &bwr, 1);
    int res = io_uring_submit(ring.value()->get());
    if (res >= 0) {
        uint64_t tag = 0;
        res = WaitCqe(ring.value()->get(), tag);
    }
    state = res >= 0 ? 1 : res;
    g_uringState = state;
    return state == 1 ? 0 : state;
}

namespace {

std::atomic<int> g_setKind{-1};  // IPCSkeleton::SetLooperKind's, -1 unset

void SayOnce(std::once_flag& once, const std::string& text)
{
    std::call_once(once, [&] { std::fprintf(stderr, "ipckit: %s\n", text.c_str()); });
}

}  // namespace

std::unique_ptr<UringTransport> LooperTransport(int fd)
{
    static std::once_flag said;
    if (fd < 0 || WantedLooperKind() != LooperKind::kUring)
        return nullptr;
    const BinderDriver* driver = IPCProcess::Get().Driver();
    LooperChoice choice = ChooseLooper(LooperKind::kUring,
                                       driver ? driver->ipckit() : std::nullopt);
    if (choice.kind != LooperKind::kUring) {
        SayOnce(said, choice.fallback);
        return nullptr;
    }
    auto transport = UringTransport::Create(fd, 16);
    if (!transport) {
        SayOnce(said, transport.error().message + "; using the ioctl looper");
        return nullptr;
    }
    return std::move(transport.value());
}

// --- UringTransport -------------------------------------------------------

Result<std::unique_ptr<UringTransport>> UringTransport::Create(int fd, unsigned entries)
{
    int supported = UringSupported(fd);
    if (supported < 0)
        return Error{-supported, std::string("the driver refuses IPCKIT_URING_CMD_WRITE_READ (") +
                                     std::strerror(-supported) + ")"};
    auto ring = Ring::Create(std::max(entries, 4u));
    if (!ring)
        return ring.error();
    return std::unique_ptr<UringTransport>(new UringTransport(fd, std::move(ring.value())));
}

UringTransport::UringTransport(int fd, std::unique_ptr<Ring> ring)
    : fd_(fd), ring_(std::move(ring)), read_(std::make_unique<PendingRead>())
{
}

UringTransport::~UringTransport()
{
    if (readArmed_) {
        binder_write_read bwr{};
        int err = 0;
        EndRead(bwr, err);  // what it brought is lost: nobody serves it now
    }
    if (readArmed_ && !readDone_) {
        // The kernel still has the read's addresses: leave them to it.
        std::fprintf(stderr, "ipckit: a read on the io_uring could not be ended; "
                             "its buffer is left to the driver\n");
        static_cast<void>(read_.release());
    }
}

bool UringTransport::PrepRead(std::size_t size)
{
    io_uring_sqe* sqe = io_uring_get_sqe(ring_->get());
    if (!sqe)
        return false;
    readSize_ = size;
    read_->buf.resize(size);
    read_->bwr = binder_write_read{};
    read_->bwr.read_size = size;
    read_->bwr.read_buffer = reinterpret_cast<uintptr_t>(read_->buf.data());
    PrepWriteRead(sqe, fd_, &read_->bwr, kReadTag);
    readArmed_ = true;
    readDone_ = false;
    return true;
}

int UringTransport::SubmitAll()
{
    int res;
    while ((res = io_uring_submit(ring_->get())) == -EINTR) {
    }
    return res < 0 ? res : 0;
}

void UringTransport::Handle(const io_uring_cqe* cqe)
{
    uint64_t tag = cqe->user_data;
    if (tag == kReadTag) {
        readDone_ = true;
        readRes_ = cqe->res;
        if (!inWait_)
            needWake_ = true;
    } else if (tag == kWakeTag) {
        wakeInCq_ = false;
    } else if (tag == waitedTag_ && tag != 0) {
        waitedDone_ = true;
        waitedRes_ = cqe->res;
    }
    // Stale tags: nothing to do.
}

void UringTransport::Drain()
{
    io_uring_cqe* cqe = nullptr;
    while (io_uring_peek_cqe(ring_->get(), &cqe) == 0 && cqe) {
        Handle(cqe);
        io_uring_cqe_seen(ring_->get(), cqe);
        cqe = nullptr;
    }
}

int UringTransport::WaitTag(uint64_t tag)
{
    waitedTag_ = tag;
    waitedDone_ = false;
    Drain();
    while (!waitedDone_ && !(tag == kReadTag && readDone_)) {
        io_uring_cqe* cqe = nullptr;
        int err = io_uring_wait_cqe(ring_->get(), &cqe);
        if (err == -EINTR)
            continue;  // the command is still the kernel's: keep waiting
        if (err < 0) {
            waitedTag_ = 0;
            return err;
        }
        Handle(cqe);
        io_uring_cqe_seen(ring_->get(), cqe);
    }
    waitedTag_ = 0;
    return tag == kReadTag ? readRes_ : waitedRes_;
}

void UringTransport::FinishRead(binder_write_read& bwr, int& err)
{
    std::size_t n = std::min<std::size_t>({read_->bwr.read_consumed, bwr.read_size,
                                            read_->buf.size()});
    if (n > 0 && bwr.read_buffer)
        std::memcpy(reinterpret_cast<void*>(bwr.read_buffer), read_->buf.data(), n);
    bwr.read_consumed = n;
    err = readRes_;
    readArmed_ = false;
    readDone_ = false;
}

int UringTransport::WriteRead(binder_write_read& bwr)
{
    int err = Exchange(bwr);
    if (external_)
        KeepLoopAwake();
    return err;
}

void UringTransport::KeepLoopAwake()
{
    if (!readArmed_ && readSize_ > 0 && PrepRead(readSize_))
        SubmitAll();
    if (needWake_ && !wakeInCq_) {
        if (io_uring_sqe* sqe = io_uring_get_sqe(ring_->get())) {
            io_uring_prep_nop(sqe);
            io_uring_sqe_set_data64(sqe, kWakeTag);
            if (SubmitAll() == 0)
                wakeInCq_ = true;
        }
    }
}

int UringTransport::Exchange(binder_write_read& bwr)
{
    // The write goes as a command of its own (the driver consumes it
    // during submission); a read not yet armed goes with it, in the same
    // io_uring_enter, after it.
    binder_write_read w{};
    w.write_size = bwr.write_size;
    w.write_buffer = bwr.write_buffer;
    uint64_t tag = 0;
    if (w.write_size > 0) {
        io_uring_sqe* sqe = io_uring_get_sqe(ring_->get());
        if (!sqe)
            return -EBUSY;
        tag = nextTag_++;
        PrepWriteRead(sqe, fd_, &w, tag);
    }
    bool wasArmed = readArmed_;
    if (bwr.read_size > 0 && !readArmed_ && !PrepRead(bwr.read_size))
        return -EBUSY;
    if (tag || readArmed_ != wasArmed) {
        int err = SubmitAll();
        if (err < 0)
            return err;
    }
    int err = 0;
    if (tag) {
        err = WaitTag(tag);
        bwr.write_consumed = w.write_consumed;
    }
    if (err == 0 && bwr.read_size > 0) {
        err = WaitTag(kReadTag);
        if (readDone_)
            FinishRead(bwr, err);
        // else the ring failed: the read is still out
    }
    return err;
}

Transport::Wait UringTransport::WaitAndRead(binder_write_read& bwr, int timeoutMs, int stopFd,
                                            int& err)
{
    if (!readArmed_) {
        if (!PrepRead(bwr.read_size))
            return Wait::kError;
        if ((err = SubmitAll()) < 0)
            return Wait::kError;
    }
    pollfd fds[2] = {{ring_->fd(), POLLIN, 0}, {stopFd, POLLIN, 0}};
    for (;;) {
        inWait_ = true;
        Drain();
        inWait_ = false;
        if (readDone_) {
            FinishRead(bwr, err);
            return Wait::kRead;
        }
        int n = ::poll(fds, stopFd >= 0 ? 2 : 1, timeoutMs);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = -errno;
            return Wait::kError;
        }
        if (n == 0)
            return Wait::kIdle;
        if (stopFd >= 0 && (fds[1].revents & POLLIN)) {
            inWait_ = true;
            Drain();
            inWait_ = false;
            if (!readDone_)
                return Wait::kStop;
        }
    }
}

void UringTransport::ArmRead(std::size_t size)
{
    if (!readArmed_ && PrepRead(size))
        SubmitAll();
}

bool UringTransport::EndRead(binder_write_read& bwr, int& err)
{
    if (!readArmed_)
        return false;
    // Closing a copy of the driver fd returns every waiting read with what
    // it has (a BR_NOOP at least); bounded, and again in case a kick came
    // before the read was waiting.
    for (int round = 0; round < 20 && !readDone_; round++) {
        Drain();
        if (readDone_)
            break;
        IPCProcess::Get().KickBlockedReaders();
        pollfd pfd{ring_->fd(), POLLIN, 0};
        ::poll(&pfd, 1, 50);
        Drain();
    }
    if (!readDone_)
        return false;
    FinishRead(bwr, err);
    return true;
}

}  // namespace detail

using detail::IPCProcess;
using detail::IPCThread;
using detail::UringTransport;

// --- choosing the looper --------------------------------------------------

std::optional<LooperKind> ParseLooperKind(std::string_view text)
{
    if (text.empty() || text == "ioctl")
        return LooperKind::kIoctl;
    if (text == "uring" || text == "io_uring")
        return LooperKind::kUring;
    return std::nullopt;
}

LooperKind WantedLooperKind()
{
    int set = detail::g_setKind.load();
    if (set >= 0)
        return static_cast<LooperKind>(set);
    static const LooperKind fromEnv = [] {
        const char* env = std::getenv("IPCKIT_LOOPER");
        std::optional<LooperKind> kind = ParseLooperKind(env ? env : "");
        if (!kind) {
            std::fprintf(stderr,
                         "ipckit: IPCKIT_LOOPER=%s is neither \"ioctl\" nor \"uring\"; "
                         "using the ioctl looper\n",
                         env);
            return LooperKind::kIoctl;
        }
        return *kind;
    }();
    return fromEnv;
}

LooperChoice ChooseLooper(LooperKind wanted, const std::optional<IpckitDriverInfo>& driver)
{
    if (wanted == LooperKind::kIoctl)
        return {LooperKind::kIoctl, ""};
    if (!driver)
        return {LooperKind::kIoctl,
                "io_uring looper asked for, but the device is not ipckit's (the kernel's "
                "binder has no io_uring command); using the ioctl looper"};
    if (driver->abiVersion < 2 || !(driver->flags & IPCKIT_FEATURE_URING_CMD))
        return {LooperKind::kIoctl,
                "io_uring looper asked for, but this ipckit (ABI " +
                    std::to_string(driver->abiVersion) +
                    ") does not offer IPCKIT_URING_CMD_WRITE_READ; using the ioctl looper"};
    return {LooperKind::kUring, ""};
}

LooperKind CurrentLooperKind()
{
    return dynamic_cast<UringTransport*>(IPCThread::Current().GetTransport())
               ? LooperKind::kUring
               : LooperKind::kIoctl;
}

// --- UringLooper ----------------------------------------------------------

Result<std::unique_ptr<UringLooper>> UringLooper::Create(unsigned entries)
{
    IPCProcess& proc = IPCProcess::Get();
    const BinderDriver* driver = proc.Driver();
    if (!driver)
        return Error{IPC_INVOKER_CONNECT_ERR, "no driver: " + proc.OpenError()};
    IPCThread& thread = IPCThread::Current();
    if (thread.GetTransport())
        return Error{EBUSY, "this thread already has a looper on io_uring"};
    LooperChoice choice = ChooseLooper(LooperKind::kUring, driver->ipckit());
    if (choice.kind != LooperKind::kUring)
        return Error{EOPNOTSUPP, choice.fallback};
    auto transport = UringTransport::Create(driver->fd(), entries);
    if (!transport) {
        if (detail::UringRefused(-transport.error().code))
            return Error{EOPNOTSUPP, transport.error().message};
        return transport.error();
    }
    transport.value()->SetExternalLoop(true);
    std::unique_ptr<UringLooper> looper(new UringLooper(std::move(transport.value())));
    thread.SetTransport(looper->transport_.get());
    thread.EnterLoop(true);  // BC_ENTER_LOOPER: not a thread the driver asked for
    if (thread.Flush() != ERR_NONE) {
        thread.SetTransport(nullptr);
        return Error{IPC_INVOKER_CONNECT_ERR, "the driver refused BC_REGISTER_LOOPER"};
    }
    thread.ArmRead();
    proc.LooperJoined();
    return looper;
}

UringLooper::UringLooper(std::unique_ptr<detail::UringTransport> transport)
    : transport_(std::move(transport)), thread_(&IPCThread::Current())
{
}

UringLooper::~UringLooper()
{
    IPCThread& thread = IPCThread::Current();
    if (&thread != thread_ || thread.GetTransport() != transport_.get()) {
        std::fprintf(stderr, "ipckit: UringLooper ended on another thread than its own\n");
        return;  // the ring stays: its thread may still use it
    }
    transport_->SetExternalLoop(false);  // no read armed again on the way out
    thread.ExitLoop();
    thread.SetTransport(nullptr);
}

int UringLooper::RingFd() const
{
    return transport_->RingFd();
}

Result<bool> UringLooper::RunOnce(int timeoutMs)
{
    IPCThread& thread = IPCThread::Current();
    if (&thread != thread_)
        return Error{EPERM, "UringLooper::RunOnce called on another thread than its own"};
    transport_->Woken();
    IPCThread::Served served = thread.ServeOnce(timeoutMs);
    switch (served) {
    case IPCThread::Served::kServed:
    case IPCThread::Served::kIdle:
        thread.Flush();
        thread.ArmRead();
        return served == IPCThread::Served::kServed;
    case IPCThread::Served::kStop:
        return Error{ECANCELED, "the process stopped its loopers (StopWorkThread)"};
    case IPCThread::Served::kError:
        break;
    }
    return Error{IPC_INVOKER_CONNECT_ERR, "the driver exchange on the io_uring failed"};
}

// --- OnewayBatch ------------------------------------------------------------

namespace {

std::string CallName(std::size_t i, uint32_t code)
{
    return "one-way call " + std::to_string(i) + " (code " + std::to_string(code) + ")";
}

Error CallError(std::size_t i, uint32_t code, int status)
{
    switch (status) {
    case ERR_DEAD_OBJECT:
        return Error{status, CallName(i, code) + ": the target object is dead"};
    case ERR_TRANSACTION_FAILED:
        return Error{status, CallName(i, code) +
                                 ": the driver refused the transaction (bad handle, no room "
                                 "in the target's buffer, or frozen target)"};
    default:
        return Error{status, CallName(i, code) + ": failed with IPC error " +
                                 std::to_string(status)};
    }
}

// The batch's ring: one per thread, made on first use.
thread_local std::unique_ptr<detail::Ring> t_batchRing;
constexpr unsigned kBatchRing = 64;

}  // namespace

OnewayBatch::~OnewayBatch() = default;

MessageParcel& OnewayBatch::Add(const sptr<IRemoteObject>& target, uint32_t code)
{
    auto owned = std::make_unique<MessageParcel>();
    MessageParcel* data = owned.get();
    calls_.push_back(Call{target, code, data, std::move(owned)});
    return *data;
}

void OnewayBatch::Add(const sptr<IRemoteObject>& target, uint32_t code, MessageParcel& data)
{
    calls_.push_back(Call{target, code, &data, nullptr});
}

std::vector<Status> OnewayBatch::Submit()
{
    std::vector<Call> calls = std::move(calls_);
    calls_.clear();
    usedUring_ = false;
    std::vector<Status> results(calls.size(), Status(Ok{}));

    IPCProcess& proc = IPCProcess::Get();
    const BinderDriver* driver = proc.Driver();
    IPCThread& thread = IPCThread::Current();
    // Each call's BC_TRANSACTION record: it points into the parcel, which
    // lives (in `calls`, or the caller's) until this returns.
    std::vector<std::vector<uint8_t>> records(calls.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < calls.size(); i++) {
        const Call& c = calls[i];
        auto* proxy = c.target ? dynamic_cast<IPCObjectProxy*>(c.target.GetRefPtr()) : nullptr;
        if (!proxy) {
            results[i] = Error{ERR_INVALID_DATA,
                               CallName(i, c.code) + ": the target is " +
                                   (c.target ? "a local object" : "null") +
                                   ", not a proxy; a batch only goes through the driver"};
        } else if (c.code < IRemoteObject::MIN_TRANSACTION_ID ||
                   c.code > IRemoteObject::MAX_TRANSACTION_ID) {
            results[i] = Error{IPC_PROXY_INVALID_CODE_ERR,
                               CallName(i, c.code) + ": not a user transaction code"};
        } else if (!driver) {
            results[i] = Error{IPC_INVOKER_CONNECT_ERR,
                               CallName(i, c.code) + ": no driver: " + proc.OpenError()};
        } else if (proxy->IsObjectDead()) {
            results[i] = CallError(i, c.code, ERR_DEAD_OBJECT);
        } else {
            IPCThread::AppendTransaction(records[i], proxy->GetHandle(), c.code, *c.data,
                                         TF_ONE_WAY | TF_ACCEPT_FDS);
            todo.push_back(i);
        }
    }
    if (todo.empty())
        return results;
    // What the thread queued goes first, as it would with SendRequest.
    thread.Flush();

    bool uring = driver->ipckit() &&
                 ChooseLooper(LooperKind::kUring, driver->ipckit()).kind == LooperKind::kUring &&
                 detail::UringSupported(driver->fd()) == 0;
    usedUring_ = uring;

    // Rounds: the driver takes calls in order and, like binder, stops
    // taking commands after one fails until the failure is read; the
    // calls after it go again in the next round.
    while (!todo.empty()) {
        std::vector<std::size_t> sent;  // taken by the driver, in order
        int fatal = 0;
        if (uring && !t_batchRing) {
            auto ring = detail::Ring::Create(kBatchRing);
            if (ring)
                t_batchRing = std::move(ring.value());
            else
                uring = usedUring_ = false;
        }
        if (uring) {
            std::size_t n = std::min<std::size_t>(todo.size(), t_batchRing->entries());
            std::vector<binder_write_read> bwrs(n);
            io_uring* ring = t_batchRing->get();
            for (std::size_t k = 0; k < n; k++) {
                auto& rec = records[todo[k]];
                bwrs[k].write_size = rec.size();
                bwrs[k].write_buffer = reinterpret_cast<uintptr_t>(rec.data());
                detail::PrepWriteRead(io_uring_get_sqe(ring), driver->fd(), &bwrs[k], k);
            }
            // One io_uring_enter, unless the kernel takes only part.
            std::size_t submitted = 0;
            int err = 0;
            while (submitted < n) {
                int r = io_uring_submit(ring);
                if (r == -EINTR)
                    continue;
                if (r <= 0) {
                    err = r < 0 ? r : -EBUSY;
                    break;
                }
                submitted += static_cast<std::size_t>(r);
            }
            std::vector<int> res(n, 0);
            for (std::size_t k = 0; k < submitted; k++) {
                uint64_t tag = 0;
                int r = detail::WaitCqe(ring, tag);
                if (tag < n)
                    res[tag] = r;
            }
            if (submitted < n) {
                // SQEs left in the ring point into this round: drop them
                // with the ring (the calls stay to do; a new ring next).
                t_batchRing.reset();
                if (submitted == 0)
                    fatal = err;
            }
            for (std::size_t k = 0; k < n && !fatal; k++) {
                if (res[k] < 0 && bwrs[k].write_consumed == 0 && k == 0 && sent.empty() &&
                    detail::UringRefused(res[k])) {
                    uring = usedUring_ = false;  // refused after all: the ioctl
                    break;
                }
                if (bwrs[k].write_consumed == bwrs[k].write_size)
                    sent.push_back(todo[k]);
                else if (res[k] < 0)
                    results[todo[k]] = Error{-res[k], CallName(todo[k], calls[todo[k]].code) +
                                                          ": the io_uring command failed: " +
                                                          std::strerror(-res[k])};
            }
            if (!uring && sent.empty())
                continue;
        } else {
            std::vector<uint8_t> out;
            for (std::size_t i : todo)
                out.insert(out.end(), records[i].begin(), records[i].end());
            binder_write_read bwr{};
            bwr.write_size = out.size();
            bwr.write_buffer = reinterpret_cast<uintptr_t>(out.data());
            int err = 0;
            while ((err = ::ioctl(driver->fd(), BINDER_WRITE_READ, &bwr) < 0 ? errno : 0) ==
                       EINTR &&
                   bwr.write_consumed == 0) {
            }
            std::size_t taken = 0;
            for (std::size_t i : todo) {
                if (taken + records[i].size() > bwr.write_consumed)
                    break;
                taken += records[i].size();
                sent.push_back(i);
            }
            if (err && sent.empty())
                fatal = -err;
        }
        if (fatal) {
            for (std::size_t i : todo)
                results[i] = Error{-fatal, CallName(i, calls[i].code) +
                                               ": not sent: " + std::strerror(-fatal)};
            break;
        }
        // The calls neither taken nor failed: the next round's.
        std::vector<bool> taken(calls.size(), false);
        for (std::size_t i : sent)
            taken[i] = true;
        std::vector<std::size_t> rest;
        for (std::size_t i : todo)
            if (!taken[i] && results[i].ok())
                rest.push_back(i);
        // One answer per call taken: BR_TRANSACTION_COMPLETE, or the
        // failure of the last one taken (binder returns a failure ahead
        // of earlier completions, so order tells nothing: the driver
        // stopped at the failed call).
        std::vector<int> failures;
        for (std::size_t k = 0; k < sent.size(); k++) {
            int status = thread.WaitOnewayDone();
            if (status != ERR_NONE)
                failures.push_back(status);
        }
        for (std::size_t f = 0; f < failures.size() && f < sent.size(); f++) {
            std::size_t i = sent[sent.size() - failures.size() + f];
            results[i] = CallError(i, calls[i].code, failures[f]);
            if (failures[f] == ERR_DEAD_OBJECT)
                static_cast<IPCObjectProxy*>(calls[i].target.GetRefPtr())->MarkDead();
        }
        if (sent.empty() && !rest.empty()) {
            // Nothing taken and nothing said why: do not spin.
            for (std::size_t i : rest)
                results[i] = Error{ERR_TRANSACTION_FAILED,
                                   CallName(i, calls[i].code) + ": the driver took no command"};
            break;
        }
        // A dead target stays dead: later calls to it fail the same way.
        todo.clear();
        for (std::size_t i : rest) {
            auto* proxy = static_cast<IPCObjectProxy*>(calls[i].target.GetRefPtr());
            if (proxy->IsObjectDead())
                results[i] = CallError(i, calls[i].code, ERR_DEAD_OBJECT);
            else
                todo.push_back(i);
        }
    }
    return results;
}

void IPCSkeleton::SetLooperKind(LooperKind kind)
{
    detail::g_setKind = static_cast<int>(kind);
}

}  // namespace ipckit
