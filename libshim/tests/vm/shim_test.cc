// SPDX-License-Identifier: Apache-2.0
//
// libipckit end to end, in the VM, on a real driver (ipckit's or the
// kernel's binder: the shim must not care). Run as the selftests are:
// `shim_test -d DEVICE [-e OTHER] [-k KIND]`; prints TAP.
//
// This process (the client) starts, by fork+exec of itself, a service
// process that becomes the context manager and serves an IEcho interface;
// each case is a few calls on it. A third process, the victim, registers
// an object with the service and is killed for the death-recipient case;
// pool processes register one too, and stop their thread pool.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <linux/ipckit.h>

#include "../../src/rpc_protocol.h"
#include "ipckit/ipc_kit.h"
#include "vm_tap.h"

using namespace ipckit;
using namespace std::chrono_literals;

namespace {

// --- the interface -----------------------------------------------------

class IEcho : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"ipckit.test.IEcho");
    enum {
        ECHO = 1,       // string, int64 -> same back
        CALL_BACK,      // object: call it (code 7) during this request
        APPEND,         // one-way: int32 appended to the log
        GET_LOG,        // -> int32 vector
        REGISTER,       // object: keep it
        GET_REGISTERED, // -> the kept object
        READ_FD,        // fd -> its content as a string
        SUM_ASHMEM,     // ashmem -> byte sum (uint64)
        RAW_ECHO,       // raw data of size -> same back
        NEW_OBJECT,     // -> a new stub; remembered
        OBJECT_REFS,    // -> driver strong refs of the last new stub
        CALLER,         // -> calling pid, uid
        WHO,            // string -> string, the full calling identity (below)
        NEW_FAKE_REMOTE,  // int32 said -> a FakeRemote answering as that SA
        LOOPER_KIND,      // -> int32: the serving thread's LooperKind
        CALL_REGISTERED,  // call the kept object (code 7) -> its error, its int32
    };
    virtual int Echo(const std::string& in, std::string& out) = 0;
};

class EchoProxy : public IRemoteProxy<IEcho> {
public:
    explicit EchoProxy(const sptr<IRemoteObject>& object) : IRemoteProxy<IEcho>(object) {}
    int Echo(const std::string& in, std::string& out) override
    {
        MessageParcel data, reply;
        MessageOption option;
        data.WriteInterfaceToken(GetDescriptor());
        data.WriteString(in);
        int err = Remote()->SendRequest(ECHO, data, reply, option);
        if (err == ERR_NONE)
            out = reply.ReadString();
        return err;
    }

private:
    static inline BrokerDelegator<EchoProxy> delegator_;
};

class Plain : public IPCObjectStub {
public:
    Plain() : IPCObjectStub(u"ipckit.test.Plain") {}
    int OnRemoteRequest(uint32_t code, MessageParcel&, MessageParcel& reply,
                        MessageOption&) override
    {
        if (code != 7)
            return ERR_UNKNOWN_TRANSACTION;
        reply.WriteInt32(IPCSkeleton::GetCallingPid());
        calls++;
        return ERR_NONE;
    }
    std::atomic<int> calls{0};
};

// Plays rpcd's stand-in for an object on another device, for the proxy's
// side of cross-device RPC without rpcd: answers RPC_QUERY as remote,
// keeps RPC_DEATH callbacks, reports what an RPC_TIMED call carried, and
// calls its callbacks with RPC_OBITUARY on request.
class FakeRemote : public IPCObjectStub {
public:
    enum { PLAIN = 1, DIE = 2, CALLBACKS = 3 };
    explicit FakeRemote(int32_t said) : IPCObjectStub(u"ipckit.test.FakeRemote"), said_(said) {}

    int ProcessRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                       MessageOption& option) override
    {
        switch (code) {
        case RPC_QUERY_TRANSACTION:
            reply.WriteInt32(1);
            reply.WriteString(std::string(64, 'e'));
            reply.WriteInt32(said_);
            return ERR_NONE;
        case RPC_DEATH_TRANSACTION: {
            sptr<IRemoteObject> cb = data.ReadRemoteObject();
            int32_t add = data.ReadInt32();
            std::lock_guard<std::mutex> g(lock_);
            if (!cb || said_ < 0) {
                reply.WriteInt32(ERR_INVALID_STATE);
                return ERR_NONE;
            }
            if (add)
                callbacks_.push_back(cb);
            else
                std::erase(callbacks_, cb);
            reply.WriteInt32(ERR_NONE);
            return ERR_NONE;
        }
        case RPC_TIMED_TRANSACTION: {
            // The user's data, then the trailer: report both.
            std::size_t size = data.GetDataSize();
            detail::RpcTimedTrailer t{};
            if (size < sizeof(t))
                return ERR_INVALID_DATA;
            std::memcpy(&t, reinterpret_cast<const uint8_t*>(data.GetData()) + size - sizeof(t),
                        sizeof(t));
            reply.WriteString(data.ReadString());
            reply.WriteUint32(t.code);
            reply.WriteInt32(t.waitTime);
            reply.WriteBool(t.magic == detail::RPC_TIMED_MAGIC);
            return ERR_NONE;
        }
        case PLAIN:
            reply.WriteString("plain " + data.ReadString());
            return ERR_NONE;
        case CALLBACKS: {
            std::lock_guard<std::mutex> g(lock_);
            reply.WriteInt32(static_cast<int32_t>(callbacks_.size()));
            return ERR_NONE;
        }
        case DIE: {
            std::vector<sptr<IRemoteObject>> cbs;
            {
                std::lock_guard<std::mutex> g(lock_);
                cbs.swap(callbacks_);
            }
            for (auto& cb : cbs) {
                MessageParcel d, r;
                MessageOption oneway(MessageOption::TF_ASYNC);
                cb->SendRequest(RPC_OBITUARY_TRANSACTION, d, r, oneway);
            }
            reply.WriteInt32(static_cast<int32_t>(cbs.size()));
            return ERR_NONE;
        }
        }
        return IPCObjectStub::ProcessRequest(code, data, reply, option);
    }

private:
    const int32_t said_;
    std::mutex lock_;
    std::vector<sptr<IRemoteObject>> callbacks_;
};

class EchoService : public IRemoteStub<IEcho> {
public:
    int Echo(const std::string& in, std::string& out) override
    {
        out = in;
        return ERR_NONE;
    }

    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code != APPEND && data.ReadInterfaceToken() != GetDescriptor())
            return ERR_INVALID_DATA;
        switch (code) {
        case ECHO: {
            std::string s = data.ReadString(), out;
            Echo(s, out);
            return reply.WriteString(out) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case CALL_BACK: {
            sptr<IRemoteObject> cb = data.ReadRemoteObject();
            if (!cb)
                return ERR_NULL_OBJECT;
            MessageParcel d, r;
            MessageOption o;
            int err = cb->SendRequest(7, d, r, o);
            reply.WriteInt32(err);
            reply.WriteInt32(r.ReadInt32());
            return ERR_NONE;
        }
        case APPEND: {
            std::lock_guard<std::mutex> g(lock_);
            log_.push_back(data.ReadInt32());
            return ERR_NONE;
        }
        case GET_LOG: {
            std::lock_guard<std::mutex> g(lock_);
            reply.WriteInt32Vector(log_);
            log_.clear();
            return ERR_NONE;
        }
        case REGISTER: {
            std::lock_guard<std::mutex> g(lock_);
            registered_ = data.ReadRemoteObject();
            return registered_ ? ERR_NONE : ERR_NULL_OBJECT;
        }
        case GET_REGISTERED: {
            std::lock_guard<std::mutex> g(lock_);
            return reply.WriteRemoteObject(registered_) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case READ_FD: {
            int fd = data.ReadFileDescriptor();
            if (fd < 0)
                return ERR_INVALID_DATA;
            char buf[256] = {};
            ssize_t n = read(fd, buf, sizeof(buf) - 1);
            close(fd);
            reply.WriteString(n > 0 ? std::string(buf, n) : "");
            return ERR_NONE;
        }
        case SUM_ASHMEM: {
            sptr<Ashmem> a = data.ReadAshmem();
            if (!a || !a->MapReadOnlyAshmem())
                return ERR_INVALID_DATA;
            auto* p = static_cast<const uint8_t*>(a->ReadFromAshmem(a->GetAshmemSize(), 0));
            uint64_t sum = 0;
            for (int32_t i = 0; p && i < a->GetAshmemSize(); i++)
                sum += p[i];
            reply.WriteUint64(sum);
            reply.WriteBool(a->MapReadAndWriteAshmem());  // must be refused
            return ERR_NONE;
        }
        case RAW_ECHO: {
            std::size_t size = data.ReadUint32();
            const void* p = data.ReadRawData(size);
            if (!p)
                return ERR_INVALID_DATA;
            reply.WriteUint32(size);
            return reply.WriteRawData(p, size) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case NEW_OBJECT: {
            auto obj = MakeSptr<Plain>();
            {
                std::lock_guard<std::mutex> g(lock_);
                lastNew_ = obj.GetRefPtr();
                lastNewWeak_ = wptr<Plain>(obj);
            }
            return reply.WriteRemoteObject(obj) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case OBJECT_REFS: {
            std::lock_guard<std::mutex> g(lock_);
            sptr<Plain> obj = lastNewWeak_.promote();
            // Gone altogether counts as no references.
            reply.WriteInt32(obj ? obj->GetDriverStrongRefs() : 0);
            reply.WriteBool(static_cast<bool>(obj));
            return ERR_NONE;
        }
        case CALLER:
            reply.WriteInt32(IPCSkeleton::GetCallingPid());
            reply.WriteInt32(IPCSkeleton::GetCallingUid());
            return ERR_NONE;
        case CALL_REGISTERED: {
            sptr<IRemoteObject> obj;
            {
                std::lock_guard<std::mutex> g(lock_);
                obj = registered_;
            }
            if (!obj)
                return ERR_NULL_OBJECT;
            MessageParcel d, r;
            MessageOption o;
            reply.WriteInt32(obj->SendRequest(7, d, r, o));
            reply.WriteInt32(r.ReadInt32());
            return ERR_NONE;
        }
        case LOOPER_KIND:
            reply.WriteInt32(static_cast<int32_t>(CurrentLooperKind()));
            return ERR_NONE;
        case NEW_FAKE_REMOTE: {
            std::lock_guard<std::mutex> g(lock_);
            fakes_.push_back(MakeSptr<FakeRemote>(data.ReadInt32()));
            return reply.WriteRemoteObject(fakes_.back()) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case WHO: {
            // The string back, what is left unread (0: no trailer seen),
            // then who called; then the identity while reset (local) and
            // whether SetCallingIdentity brought the device back.
            reply.WriteString(data.ReadString());
            reply.WriteUint32(static_cast<uint32_t>(data.GetReadableBytes()));
            reply.WriteString(IPCSkeleton::GetCallingDeviceID());
            reply.WriteBool(IPCSkeleton::IsLocalCalling());
            reply.WriteInt32(IPCSkeleton::GetCallingPid());
            reply.WriteUint32(IPCSkeleton::GetCallingUid());
            reply.WriteInt32(IPCSkeleton::GetCallingRemotePid());
            reply.WriteUint32(IPCSkeleton::GetCallingRemoteUid());
            std::string device = IPCSkeleton::GetCallingDeviceID();
            std::string token = IPCSkeleton::ResetCallingIdentity();
            reply.WriteBool(IPCSkeleton::IsLocalCalling() &&
                            IPCSkeleton::GetCallingDeviceID().empty() &&
                            IPCSkeleton::GetCallingPid() == getpid());
            bool restored = IPCSkeleton::SetCallingIdentity(token);
            reply.WriteBool(restored && IPCSkeleton::GetCallingDeviceID() == device);
            return ERR_NONE;
        }
        }
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    }

private:
    std::mutex lock_;
    std::vector<int32_t> log_;
    sptr<IRemoteObject> registered_;
    Plain* lastNew_ = nullptr;
    wptr<Plain> lastNewWeak_;
    std::vector<sptr<FakeRemote>> fakes_;
};

// --- processes ------------------------------------------------------------

int ServiceMain()
{
    alarm(150);
    auto service = MakeSptr<EchoService>();
    // The previous manager of the device may take a moment to go.
    for (int i = 0; i < 100 && !IPCSkeleton::SetContextObject(service); i++)
        std::this_thread::sleep_for(50ms);
    IPCSkeleton::SetMaxWorkThreadNum(16);
    IPCSkeleton::JoinWorkThread();
    return 0;
}

int VictimMain()
{
    alarm(150);
    auto echo = iface_cast<IEcho>(IPCSkeleton::GetContextObject());
    if (!echo)
        return 1;
    MessageParcel data, reply;
    MessageOption option;
    data.WriteInterfaceToken(IEcho::GetDescriptor());
    data.WriteRemoteObject(MakeSptr<Plain>());
    if (echo->AsObject()->SendRequest(IEcho::REGISTER, data, reply, option) != ERR_NONE)
        return 1;
    std::printf("victim-registered\n");
    std::fflush(stdout);
    IPCSkeleton::JoinWorkThread();
    return 0;
}

// A server whose only looper is a UringLooper in an epoll loop on the main
// thread: registers a Plain with the service, prints "uring-registered",
// serves until it has answered 20 calls, prints "uring-served N" and ends
// the looper. Exit status 3 when the driver lacks the command.
int UringServerMain()
{
    alarm(100);
    IPCSkeleton::SetMaxWorkThreadNum(0);  // no pool: the ring serves all
    auto looper = UringLooper::Create();
    if (!looper) {
        std::printf("uring-unsupported %s\n", looper.error().message.c_str());
        std::fflush(stdout);
        return looper.error().code == EOPNOTSUPP ? 3 : 1;
    }
    auto echo = iface_cast<IEcho>(IPCSkeleton::GetContextObject());
    if (!echo)
        return 1;
    auto plain = MakeSptr<Plain>();
    MessageParcel data, reply;
    MessageOption option;
    data.WriteInterfaceToken(IEcho::GetDescriptor());
    data.WriteRemoteObject(plain);
    // An outgoing call from the looper thread, its read armed.
    if (echo->AsObject()->SendRequest(IEcho::REGISTER, data, reply, option) != ERR_NONE)
        return 1;
    std::printf("uring-registered\n");
    std::fflush(stdout);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, looper.value()->RingFd(), &ev) != 0)
        return 1;
    while (plain->calls < 20) {
        epoll_event got{};
        int n = epoll_wait(ep, &got, 1, 10000);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        auto served = looper.value()->RunOnce(0);
        if (!served) {
            std::printf("uring-fail %s\n", served.error().message.c_str());
            std::fflush(stdout);
            return 1;
        }
    }
    std::printf("uring-served %d\n", plain->calls.load());
    std::fflush(stdout);
    looper.value().reset();  // BC_EXIT_LOOPER, the ring goes
    close(ep);
    return plain->calls == 20 ? 0 : 1;
}

// --- forwarded calls (rpc_protocol.h) ---------------------------------------

const char kPeer[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// The data rpcd would send for a call `code` from device kPeer: the
// caller's data (a token and a string) and the forward trailer.
void WriteForward(MessageParcel& data, uint32_t code, const std::string& text,
                  const char* networkId = kPeer, uint32_t magic = detail::RPC_FORWARD_MAGIC)
{
    if (code != IRemoteObject::PING_TRANSACTION && code != IRemoteObject::INTERFACE_TRANSACTION) {
        data.WriteInterfaceToken(IEcho::GetDescriptor());
        data.WriteString(text);
    }
    detail::RpcForwardTrailer t{};
    t.code = code;
    t.flags = 0;
    std::memcpy(t.networkId, networkId, std::min(std::strlen(networkId), sizeof(t.networkId)));
    t.remotePid = 4321;
    t.remoteUid = 1000;
    t.magic = magic;
    data.WriteBuffer(&t, sizeof(t));
}

// `forward-as-nobody`: opens the driver and finds the service as root (the
// VM's / is not searchable by others), drops to uid 65534, sends a
// well-formed forward and prints the result. Both drivers report the
// sender's euid at the time of the call (as samgr_test's uid roles rely on).
int ForwardAsNobodyMain()
{
    alarm(30);
    sptr<IRemoteObject> service = IPCSkeleton::GetContextObject();
    if (!service) {
        std::printf("no context object\n");
        return 1;
    }
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
        std::printf("setuid failed: %s\n", std::strerror(errno));
        return 1;
    }
    MessageParcel data, reply;
    MessageOption option;
    WriteForward(data, IEcho::WHO, "from nobody");
    std::printf("result %d\n", service->SendRequest(IRemoteObject::RPC_FORWARD_TRANSACTION, data,
                                                   reply, option));
    std::fflush(stdout);
    return 0;
}

// --- the pool processes ---------------------------------------------------
//
// StopWorkThread must stop the looper pool without a signal of its own:
// the library once used SIGRTMIN + 3 and installed a handler for it, which
// replaced an application's handler and could not stop loopers that block
// the signal. A pool process either blocks that signal in every thread or
// handles it itself, serves calls, then stops its pool and reports.

int PoolSignal()
{
    return SIGRTMIN + 3;
}

std::atomic<int> g_poolSignals{0};

void CountPoolSignal(int)
{
    g_poolSignals++;
}

int ThreadsOfThisProcess()
{
    DIR* d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    while (dirent* e = readdir(d))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

// Polls `cond` every 10 ms, for at most `ms`: these bound a wait so that a
// library that never stops its loopers fails the case instead of hanging.
bool WaitUntil(const std::function<bool()>& cond, int ms)
{
    for (int i = 0; i < ms / 10 && !cond(); i++)
        std::this_thread::sleep_for(10ms);
    return cond();
}

class PoolStub : public IPCObjectStub {
public:
    enum { PING = 7, RAISE = 8, STOP = 9 };
    explicit PoolStub(bool blocked) : IPCObjectStub(u"ipckit.test.Pool"), blocked_(blocked) {}

    int OnRemoteRequest(uint32_t code, MessageParcel&, MessageParcel& reply,
                        MessageOption&) override
    {
        switch (code) {
        case PING:
            reply.WriteInt32(getpid());
            return ERR_NONE;
        case RAISE: {
            // The application's own use of the signal, while loopers wait
            // in the driver: handled once, or left pending when blocked.
            kill(getpid(), PoolSignal());
            bool seen;
            if (blocked_) {
                seen = WaitUntil([] {
                    sigset_t pending;
                    return sigpending(&pending) == 0 && sigismember(&pending, PoolSignal());
                }, 5000);
            } else {
                seen = WaitUntil([] { return g_poolSignals == 1; }, 5000);
            }
            reply.WriteBool(seen);
            return ERR_NONE;
        }
        case STOP: {
            std::lock_guard<std::mutex> g(lock_);
            stop_ = true;
            cv_.notify_all();
            return ERR_NONE;
        }
        }
        return ERR_UNKNOWN_TRANSACTION;
    }

    bool WaitStop(int ms)
    {
        std::unique_lock<std::mutex> g(lock_);
        return cv_.wait_for(g, std::chrono::milliseconds(ms), [this] { return stop_; });
    }

private:
    const bool blocked_;
    std::mutex lock_;
    std::condition_variable cv_;
    bool stop_ = false;
};

// Prints "pool-registered", serves until told to stop, stops the pool and
// prints "pool-ok ..." or "pool-fail <why>".
int PoolMain(bool blocked)
{
    alarm(100);
    const int sig = PoolSignal();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    if (blocked) {
        // Before the library starts a thread: they all inherit the mask.
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
    } else {
        struct sigaction sa {};
        sa.sa_handler = CountPoolSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, nullptr);  // no SA_RESTART: the library sees EINTR
    }
    auto fail = [](const std::string& why) {
        std::printf("pool-fail %s\n", why.c_str());
        std::fflush(stdout);
        return 1;
    };
    auto echo = iface_cast<IEcho>(IPCSkeleton::GetContextObject());
    if (!echo)
        return fail("no service");
    auto stub = MakeSptr<PoolStub>(blocked);
    {
        MessageParcel data, reply;
        MessageOption option;
        data.WriteInterfaceToken(IEcho::GetDescriptor());
        data.WriteRemoteObject(stub);
        if (echo->AsObject()->SendRequest(IEcho::REGISTER, data, reply, option) != ERR_NONE)
            return fail("REGISTER failed");
    }
    std::printf("pool-registered\n");
    std::fflush(stdout);
    if (!stub->WaitStop(60000))
        return fail("never told to stop");
    int loopers = ThreadsOfThisProcess() - 1;

    IPCSkeleton::StopWorkThread();
    // Every looper ends: only this thread is left.
    if (!WaitUntil([] { return ThreadsOfThisProcess() == 1; }, 10000))
        return fail("loopers still running: " + std::to_string(ThreadsOfThisProcess() - 1));

    struct sigaction now {};
    sigaction(sig, nullptr, &now);
    if (blocked) {
        if (now.sa_handler != SIG_DFL || (now.sa_flags & SA_SIGINFO))
            return fail("a handler was installed for SIGRTMIN+3");
        sigset_t mask;
        pthread_sigmask(SIG_BLOCK, nullptr, &mask);
        if (!sigismember(&mask, sig))
            return fail("SIGRTMIN+3 was unblocked");
        // The one the application raised is still pending, and its to take.
        timespec zero{};
        if (sigtimedwait(&set, nullptr, &zero) != sig)
            return fail("the pending SIGRTMIN+3 was consumed");
    } else {
        if (now.sa_handler != CountPoolSignal)
            return fail("the application's SIGRTMIN+3 handler was replaced");
        if (g_poolSignals != 1)
            return fail("SIGRTMIN+3 handled " + std::to_string(g_poolSignals) + " times");
    }
    std::printf("pool-ok loopers=%d\n", loopers);
    std::fflush(stdout);
    return 0;
}

pid_t Spawn(const char* role, int* stdoutFd = nullptr)
{
    int p[2] = {-1, -1};
    if (stdoutFd && pipe(p) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        // A client that dies early (alarm, crash) must not leave its
        // service holding the device: the leak checks count processes.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (stdoutFd) {
            dup2(p[1], 1);
            close(p[0]);
            close(p[1]);
        }
        execl("/proc/self/exe", "shim_test", "--role", role, nullptr);
        _exit(127);
    }
    if (stdoutFd) {
        close(p[1]);
        *stdoutFd = p[0];
    }
    return pid;
}

bool ReadLineWithin(int fd, std::string& line, int ms)
{
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    char c;
    while (std::chrono::steady_clock::now() < end) {
        ssize_t n = read(fd, &c, 1);
        if (n == 1) {
            if (c == '\n')
                return true;
            line += c;
        } else if (n == 0) {
            return false;
        } else {
            std::this_thread::sleep_for(5ms);
        }
    }
    return false;
}

// --- the cases ------------------------------------------------------------

vmtest::Tap g_tap("");


sptr<IEcho> g_echo;
sptr<IRemoteObject> g_remote;

int Call(uint32_t code, MessageParcel& data, MessageParcel& reply, int flags = 0)
{
    MessageOption option(flags);
    return g_remote->SendRequest(code, data, reply, option);
}

MessageParcel& Tokened(MessageParcel& p)
{
    p.WriteInterfaceToken(IEcho::GetDescriptor());
    return p;
}

bool EchoRoundTrip(std::string& why)
{
    CHECK(g_remote->IsProxyObject());
    CHECK(!g_remote->IsObjectDead());
    CHECK(g_remote->GetInterfaceDescriptor() == IEcho::GetDescriptor());
    CHECK(static_cast<IPCObjectProxy*>(g_remote.GetRefPtr())->Ping() == ERR_NONE);
    std::string out;
    CHECK(g_echo->Echo("hello, ipckit", out) == ERR_NONE);
    CHECK(out == "hello, ipckit");
    std::string big(100000, 'x');
    CHECK(g_echo->Echo(big, out) == ERR_NONE && out == big);
    MessageParcel d, r;
    CHECK(Call(IEcho::CALLER, Tokened(d), r) == ERR_NONE);
    CHECK(r.ReadInt32() == getpid());
    CHECK(r.ReadInt32() == static_cast<int32_t>(geteuid()));
    MessageParcel d2, r2;
    CHECK(Call(0x7fff0000, d2, r2) == IPC_PROXY_INVALID_CODE_ERR);
    MessageParcel d3, r3;
    CHECK(Call(999, Tokened(d3), r3) == ERR_UNKNOWN_TRANSACTION);
    return true;
}

bool NestedCallBack(std::string& why)
{
    auto cb = MakeSptr<Plain>();
    MessageParcel d, r;
    Tokened(d).WriteRemoteObject(cb);
    CHECK(Call(IEcho::CALL_BACK, d, r) == ERR_NONE);
    CHECK(r.ReadInt32() == ERR_NONE);
    int32_t servicePid = r.ReadInt32();
    CHECK(servicePid > 0 && servicePid != getpid());
    CHECK(cb->calls == 1);
    return true;
}

bool ConcurrentClients(std::string& why)
{
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 32; t++) {
        threads.emplace_back([t, &bad] {
            for (int i = 0; i < 50; i++) {
                std::string in = std::to_string(t) + "/" + std::to_string(i), out;
                if (g_echo->Echo(in, out) != ERR_NONE || out != in)
                    bad++;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    CHECK(bad == 0);
    return true;
}

bool OnewayOrdering(std::string& why)
{
    const int n = 500;
    for (int i = 0; i < n; i++) {
        MessageParcel d, r;
        d.WriteInt32(i);
        CHECK(Call(IEcho::APPEND, d, r, MessageOption::TF_ASYNC) == ERR_NONE);
    }
    // One-way calls are not ordered with the sync GET_LOG: collect what
    // has arrived until all have (bounded).
    std::vector<int32_t> log;
    for (int round = 0; round < 500 && log.size() < static_cast<std::size_t>(n); round++) {
        MessageParcel d, r;
        CHECK(Call(IEcho::GET_LOG, Tokened(d), r) == ERR_NONE);
        std::vector<int32_t> part;
        CHECK(r.ReadInt32Vector(&part));
        log.insert(log.end(), part.begin(), part.end());
        if (log.size() < static_cast<std::size_t>(n))
            std::this_thread::sleep_for(20ms);
    }
    CHECK(log.size() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; i++)
        CHECK(log[i] == i);
    return true;
}

// What the service's log got: GET_LOG until `n` entries came (bounded).
bool CollectLog(std::vector<int32_t>& log, std::size_t n)
{
    for (int round = 0; round < 500 && log.size() < n; round++) {
        MessageParcel d, r;
        if (Call(IEcho::GET_LOG, Tokened(d), r) != ERR_NONE)
            return false;
        std::vector<int32_t> part;
        if (!r.ReadInt32Vector(&part))
            return false;
        log.insert(log.end(), part.begin(), part.end());
        if (log.size() < n)
            std::this_thread::sleep_for(20ms);
    }
    return log.size() == n;
}

// 64 one-way calls in one OnewayBatch (one io_uring_enter on ipckit with
// the command, one BINDER_WRITE_READ elsewhere) arrive in order.
bool OnewayBatchInOrder(std::string& why)
{
    const int n = 64;
    OnewayBatch batch;
    std::vector<std::unique_ptr<MessageParcel>> mine;
    for (int i = 0; i < n; i++) {
        if (i % 2) {  // half on the batch's parcels, half on ours
            batch.Add(g_remote, IEcho::APPEND).WriteInt32(i);
        } else {
            mine.push_back(std::make_unique<MessageParcel>());
            mine.back()->WriteInt32(i);
            batch.Add(g_remote, IEcho::APPEND, *mine.back());
        }
    }
    CHECK(batch.Size() == static_cast<std::size_t>(n));
    std::vector<Status> results = batch.Submit();
    std::printf("# oneway batch of %d went through %s\n", n,
                batch.UsedUring() ? "io_uring" : "the ioctl");
    CHECK(results.size() == static_cast<std::size_t>(n));
    for (const Status& st : results) {
        if (!st.ok())
            why = st.error().message;
        CHECK(st.ok());
    }
    CHECK(batch.Size() == 0);
    std::vector<int32_t> log;
    CHECK(CollectLog(log, n));
    for (int i = 0; i < n; i++)
        CHECK(log[i] == i);
    return true;
}

// More calls than the batch's ring holds (64) go in ring-sized rounds,
// still all in order.
bool OnewayBatchLargerThanTheRing(std::string& why)
{
    const int n = 150;
    OnewayBatch batch;
    for (int i = 0; i < n; i++)
        batch.Add(g_remote, IEcho::APPEND).WriteInt32(i);
    std::vector<Status> results = batch.Submit();
    CHECK(results.size() == static_cast<std::size_t>(n));
    for (const Status& st : results) {
        if (!st.ok())
            why = st.error().message;
        CHECK(st.ok());
    }
    std::vector<int32_t> log;
    CHECK(CollectLog(log, n));
    for (int i = 0; i < n; i++)
        CHECK(log[i] == i);
    return true;
}

// Spawns "victim", which registers an object of its own with the echo
// service, and fetches the proxy of that object; the victim is reaped if
// it never registers.
bool SpawnVictim(pid_t& victim, sptr<IRemoteObject>& obj, std::string& why)
{
    int out = -1;
    victim = Spawn("victim", &out);
    CHECK(victim > 0);
    std::string line;
    bool registered = ReadLineWithin(out, line, 10000) && line == "victim-registered";
    close(out);
    if (!registered) {
        kill(victim, SIGKILL);
        waitpid(victim, nullptr, 0);
        CHECK(registered);
    }
    MessageParcel d, r;
    CHECK(Call(IEcho::GET_REGISTERED, Tokened(d), r) == ERR_NONE);
    obj = r.ReadRemoteObject();
    CHECK(obj && obj->IsProxyObject());
    return true;
}

// A batch with calls that cannot go (null, local, dead in the driver)
// between good ones: each gets its own result, the good ones arrive.
bool OnewayBatchErrorsPerEntry(std::string& why)
{
    pid_t victim = -1;
    sptr<IRemoteObject> obj;
    if (!SpawnVictim(victim, obj, why))
        return false;
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
    // The driver learns of the death a moment after the exit: until then
    // a one-way call to it still goes. No death recipient: the proxy must
    // learn it from the batch's BR_DEAD_REPLY.
    std::vector<Status> res;
    int appended = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        OnewayBatch batch;
        batch.Add(g_remote, IEcho::APPEND).WriteInt32(1000 + attempt);
        batch.Add(obj, 7);
        batch.Add(g_remote, IEcho::APPEND).WriteInt32(2000 + attempt);
        batch.Add(nullptr, 7);
        batch.Add(MakeSptr<Plain>(), 7);
        batch.Add(g_remote, IEcho::APPEND).WriteInt32(3000 + attempt);
        res = batch.Submit();
        CHECK(res.size() == 6);
        for (int i : {0, 2, 5}) {
            if (!res[i].ok())
                why = res[i].error().message;
            CHECK(res[i].ok());
        }
        appended += 3;
        if (!res[1].ok())
            break;
        std::this_thread::sleep_for(50ms);
    }
    CHECK(!res[1].ok());
    std::printf("# dead target: %s\n", res[1].error().message.c_str());
    CHECK(res[1].error().code == ERR_DEAD_OBJECT);
    CHECK(res[1].error().message.find("one-way call 1 (code 7)") != std::string::npos);
    CHECK(obj->IsObjectDead());
    CHECK(!res[3].ok() && res[3].error().code == ERR_INVALID_DATA);
    CHECK(res[3].error().message.find("one-way call 3") != std::string::npos);
    CHECK(!res[4].ok() && res[4].error().message.find("local object") != std::string::npos);
    // Dead now for the proxy too: refused before the driver.
    OnewayBatch again;
    again.Add(obj, 7);
    auto res2 = again.Submit();
    CHECK(res2.size() == 1 && !res2[0].ok() && res2[0].error().code == ERR_DEAD_OBJECT);
    // The good calls all arrived, in order.
    std::vector<int32_t> log;
    CHECK(CollectLog(log, static_cast<std::size_t>(appended)));
    for (std::size_t i = 0; i + 2 < log.size(); i += 3)
        CHECK(log[i] / 1000 == 1 && log[i + 1] / 1000 == 2 && log[i + 2] / 1000 == 3);
    return true;
}

// The service's loopers use what IPCKIT_LOOPER asks for, where the driver
// has it (on ipckit: io_uring under IPCKIT_LOOPER=uring), else the ioctl.
bool LoopersUseTheKindAskedFor(std::string& why)
{
    auto driver = BinderDriver::Open(DefaultDevicePath(), 0);
    CHECK(driver.ok());
    LooperChoice choice = ChooseLooper(WantedLooperKind(), driver.value().ipckit());
    MessageParcel d, r;
    CHECK(Call(IEcho::LOOPER_KIND, Tokened(d), r) == ERR_NONE);
    int32_t kind = -1;
    CHECK(r.ReadInt32(kind));
    std::printf("# service loopers: %s (wanted %s)\n",
                kind == static_cast<int32_t>(LooperKind::kUring) ? "io_uring" : "ioctl",
                WantedLooperKind() == LooperKind::kUring ? "io_uring" : "ioctl");
    CHECK(kind == static_cast<int32_t>(choice.kind));
    // Not a looper: the calling thread here uses the ioctl.
    CHECK(CurrentLooperKind() == LooperKind::kIoctl);
    return true;
}

// A process served only by a UringLooper in its epoll loop answers sync
// calls (the reply through the ring) and ends cleanly; on a driver without
// the command the looper is refused and that is all.
bool UringLooperInAnEpollLoop(std::string& why)
{
    int out = -1;
    pid_t server = Spawn("uring-server", &out);
    CHECK(server > 0);
    std::string line;
    bool up = ReadLineWithin(out, line, 10000);
    if (up && line.rfind("uring-unsupported", 0) == 0) {
        close(out);
        int status = 0;
        waitpid(server, &status, 0);
        std::printf("# %s\n", line.c_str());
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
        auto driver = BinderDriver::Open(DefaultDevicePath(), 0);
        CHECK(driver.ok());
        CHECK(ChooseLooper(LooperKind::kUring, driver.value().ipckit()).kind ==
                  LooperKind::kIoctl ||
              line.find("refuses") != std::string::npos);
        return true;
    }
    if (!up || line != "uring-registered") {
        close(out);
        kill(server, SIGKILL);
        waitpid(server, nullptr, 0);
        why = "server said '" + line + "'";
        return false;
    }
    int good = 0;
    for (int i = 0; i < 20; i++) {
        MessageParcel d, r;
        if (Call(IEcho::CALL_REGISTERED, Tokened(d), r) == ERR_NONE && r.ReadInt32() == ERR_NONE &&
            r.ReadInt32() > 0)
            good++;
    }
    std::string last;
    bool said = ReadLineWithin(out, last, 10000);
    close(out);
    int status = 0;
    waitpid(server, &status, 0);
    std::printf("# uring server: %s\n", last.c_str());
    CHECK(good == 20);
    CHECK(said && last == "uring-served 20");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return true;
}

// UringLooper::Create agrees with the looper choice: on a driver without
// the command it says so (EOPNOTSUPP) and nothing changes for the thread.
bool UringLooperCreateMatchesTheDriver(std::string& why)
{
    std::string result;
    std::thread([&] {
        auto looper = UringLooper::Create();
        if (!looper) {
            result = looper.error().code == EOPNOTSUPP ? "unsupported: " + looper.error().message
                                                       : "error: " + looper.error().message;
            // The thread still talks to the driver through the ioctl.
            std::string out;
            if (g_echo->Echo("after", out) != ERR_NONE || out != "after")
                result = "error: the ioctl path broke";
            return;
        }
        if (looper.value()->RingFd() < 0) {
            result = "error: no ring fd";
            return;
        }
        // An outgoing call from the looper thread goes through the ring
        // with the read armed; RunOnce(0) then serves what it left.
        std::string out;
        if (g_echo->Echo("through the ring", out) != ERR_NONE || out != "through the ring") {
            result = "error: call through the ring";
            return;
        }
        if (CurrentLooperKind() != LooperKind::kUring) {
            result = "error: the looper thread does not say io_uring";
            return;
        }
        auto once = looper.value()->RunOnce(0);
        result = once ? std::string("RunOnce ok") : "error: RunOnce: " + once.error().message;
    }).join();
    std::printf("# UringLooper::Create: %s\n", result.c_str());
    if (result.rfind("error", 0) == 0)
        why = result;
    CHECK(result.rfind("error", 0) != 0);
    return true;
}

class Recipient : public IRemoteObject::DeathRecipient {
public:
    void OnRemoteDied(const wptr<IRemoteObject>&) override
    {
        std::lock_guard<std::mutex> g(m);
        died++;
        cv.notify_all();
    }
    bool WaitDied(int ms)
    {
        std::unique_lock<std::mutex> g(m);
        return cv.wait_for(g, std::chrono::milliseconds(ms), [this] { return died > 0; });
    }
    std::mutex m;
    std::condition_variable cv;
    int died = 0;
};

// One-way calls to a frozen process are taken: the driver answers
// BR_TRANSACTION_PENDING_FROZEN from Linux 6.3 on (ipckit built for such a
// kernel too) instead of BR_TRANSACTION_COMPLETE, and both SendRequest
// and an OnewayBatch report success.
bool OnewayToAFrozenProcess(std::string& why)
{
    pid_t victim = -1;
    sptr<IRemoteObject> obj;
    if (!SpawnVictim(victim, obj, why))
        return false;
    const char* dev = std::getenv("IPCKIT_DEVICE");
    int fd = open(dev ? dev : "/dev/binder", O_RDWR | O_CLOEXEC);
    binder_freeze_info info{};
    info.pid = static_cast<uint32_t>(victim);
    info.enable = 1;
    bool frozen = fd >= 0 && ioctl(fd, BINDER_FREEZE, &info) == 0;
    int sent = -1;
    std::vector<Status> res;
    if (frozen) {
        MessageParcel d, r;
        MessageOption o(MessageOption::TF_ASYNC);
        sent = obj->SendRequest(7, d, r, o);
        OnewayBatch batch;
        batch.Add(obj, 7);
        batch.Add(obj, 7);
        res = batch.Submit();
        info.enable = 0;
        ioctl(fd, BINDER_FREEZE, &info);
    }
    if (fd >= 0)
        close(fd);
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
    CHECK(frozen);
    CHECK(sent == ERR_NONE);
    CHECK(res.size() == 2 && res[0].ok() && res[1].ok());
    return true;
}

bool DeathRecipientOnKill(std::string& why)
{
    pid_t victim = -1;
    sptr<IRemoteObject> obj;
    if (!SpawnVictim(victim, obj, why))
        return false;
    auto rec1 = MakeSptr<Recipient>(), rec2 = MakeSptr<Recipient>();
    CHECK(obj->AddDeathRecipient(rec1));
    CHECK(obj->AddDeathRecipient(rec2));
    CHECK(obj->RemoveDeathRecipient(rec2));
    CHECK(obj->AddDeathRecipient(rec2));
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
    CHECK(rec1->WaitDied(10000));
    CHECK(rec2->WaitDied(10000));
    std::this_thread::sleep_for(100ms);
    CHECK(rec1->died == 1 && rec2->died == 1);
    CHECK(obj->IsObjectDead());
    MessageParcel d2, r2;
    MessageOption o;
    CHECK(obj->SendRequest(7, d2, r2, o) == ERR_DEAD_OBJECT);
    CHECK(!obj->AddDeathRecipient(rec1));
    return true;
}

bool FdPassing(std::string& why)
{
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "through a pipe", 14) == 14);
    close(p[1]);
    MessageParcel d, r;
    Tokened(d).WriteFileDescriptor(p[0]);
    close(p[0]);
    CHECK(Call(IEcho::READ_FD, d, r, MessageOption::TF_ACCEPT_FDS) == ERR_NONE);
    CHECK(r.ReadString() == "through a pipe");
    return true;
}

bool AshmemPassing(std::string& why)
{
    const int32_t size = 1 << 20;
    sptr<Ashmem> a = Ashmem::CreateAshmem("shim-test", size);
    CHECK(a && a->MapReadAndWriteAshmem());
    std::vector<uint8_t> buf(size);
    uint64_t sum = 0;
    for (int32_t i = 0; i < size; i++) {
        buf[i] = static_cast<uint8_t>(i * 7);
        sum += buf[i];
    }
    CHECK(a->WriteToAshmem(buf.data(), size, 0));
    CHECK(a->SetProtection(PROT_READ));
    MessageParcel d, r;
    Tokened(d).WriteAshmem(a);
    CHECK(Call(IEcho::SUM_ASHMEM, d, r) == ERR_NONE);
    CHECK(r.ReadUint64() == sum);
    CHECK(!r.ReadBool());  // the receiver could not map it writable
    return true;
}

bool RawData16MiB(std::string& why)
{
    const uint32_t size = 16u << 20;
    std::vector<uint8_t> buf(size);
    for (uint32_t i = 0; i < size; i++)
        buf[i] = static_cast<uint8_t>((i * 2654435761u) >> 24);
    MessageParcel d, r;
    Tokened(d).WriteUint32(size);
    CHECK(d.WriteRawData(buf.data(), size));
    CHECK(Call(IEcho::RAW_ECHO, d, r) == ERR_NONE);
    CHECK(r.ReadUint32() == size);
    const void* back = r.ReadRawData(size);
    CHECK(back && std::memcmp(back, buf.data(), size) == 0);
    return true;
}

bool ProxyRefsReturnToZero(std::string& why)
{
    int32_t refs = -1;
    {
        MessageParcel d, r;
        CHECK(Call(IEcho::NEW_OBJECT, Tokened(d), r) == ERR_NONE);
        sptr<IRemoteObject> obj = r.ReadRemoteObject();
        CHECK(obj && obj->IsProxyObject());
        sptr<IRemoteObject> copy = obj;
        CHECK(obj->GetObjectRefCount() == 2);
        // The stub counts the driver's BR_ACQUIRE when the service's
        // looper reads it, which can be after our call returned and
        // another looper answered OBJECT_REFS: wait for it, bounded.
        for (int i = 0; i < 200 && refs != 1; i++) {
            if (i)
                std::this_thread::sleep_for(20ms);
            MessageParcel d2, r2;
            CHECK(Call(IEcho::OBJECT_REFS, Tokened(d2), r2) == ERR_NONE);
            refs = r2.ReadInt32();
        }
        CHECK(refs == 1);  // our proxy's one driver reference
    }
    // Both sptrs gone: the proxy released its handle; the service's stub
    // loses its last driver reference (and, its last, is destroyed).
    bool alive = true;
    for (int i = 0; i < 200 && (refs != 0 || alive); i++) {
        MessageParcel d, r;
        CHECK(Call(IEcho::OBJECT_REFS, Tokened(d), r) == ERR_NONE);
        refs = r.ReadInt32();
        alive = r.ReadBool();
        if (refs != 0 || alive)
            std::this_thread::sleep_for(20ms);
    }
    CHECK(refs == 0);
    CHECK(!alive);
    return true;
}

// Runs a pool process (`role`): calls on its stub from several threads
// (the driver asks it for more loopers), has it raise SIGRTMIN+3 for
// itself, calls again, then has it stop its pool and report.
bool PoolStopsWithoutASignal(std::string& why, const char* role)
{
    int out = -1;
    pid_t pool = Spawn(role, &out);
    CHECK(pool > 0);
    std::string line, report;
    bool registered = ReadLineWithin(out, line, 10000) && line == "pool-registered";
    auto run = [&]() -> bool {
        CHECK(registered);
        MessageParcel d, r;
        CHECK(Call(IEcho::GET_REGISTERED, Tokened(d), r) == ERR_NONE);
        sptr<IRemoteObject> obj = r.ReadRemoteObject();
        CHECK(obj && obj->IsProxyObject());
        auto calls = [&obj] {
            std::atomic<int> bad{0};
            std::vector<std::thread> threads;
            for (int t = 0; t < 8; t++) {
                threads.emplace_back([&obj, &bad] {
                    for (int i = 0; i < 20; i++) {
                        MessageParcel d, r;
                        MessageOption o;
                        if (obj->SendRequest(PoolStub::PING, d, r, o) != ERR_NONE)
                            bad++;
                    }
                });
            }
            for (auto& th : threads)
                th.join();
            return bad == 0;
        };
        CHECK(calls());
        MessageParcel d2, r2;
        MessageOption o;
        CHECK(obj->SendRequest(PoolStub::RAISE, d2, r2, o) == ERR_NONE);
        bool signalReachedTheApplication = r2.ReadBool();  // its handler, or its pending set
        CHECK(signalReachedTheApplication);
        CHECK(calls());  // the application's signal disturbed no looper
        MessageParcel d3, r3;
        CHECK(obj->SendRequest(PoolStub::STOP, d3, r3, o) == ERR_NONE);
        CHECK(ReadLineWithin(out, report, 30000));
        if (report.rfind("pool-ok ", 0) != 0) {
            why = report;  // pool-fail and why
            return false;
        }
        return true;
    };
    bool ok = run();
    int status = -1;
    if (!ok)
        kill(pool, SIGKILL);
    waitpid(pool, &status, 0);
    close(out);
    if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        why = "pool process exit status " + std::to_string(status);
        ok = false;
    }
    if (ok)
        std::printf("# %s: %s\n", role, report.c_str());
    return ok;
}

struct Who {
    std::string text, device;
    uint32_t unread = 99;
    bool local = true;
    int32_t pid = 0;
    uint32_t uid = 0;
    int32_t remotePid = 0;
    uint32_t remoteUid = 0;
    bool resetIsLocal = false, restored = false;
};

bool ReadWho(MessageParcel& r, Who& w)
{
    return r.ReadString(w.text) && r.ReadUint32(w.unread) && r.ReadString(w.device) &&
           r.ReadBool(w.local) && r.ReadInt32(w.pid) && r.ReadUint32(w.uid) &&
           r.ReadInt32(w.remotePid) && r.ReadUint32(w.remoteUid) && r.ReadBool(w.resetIsLocal) &&
           r.ReadBool(w.restored);
}

bool ForwardFromRootIsUnwrapped(std::string& why)
{
    CHECK(geteuid() == 0);
    // A direct call first: local, device "".
    MessageParcel d0, r0;
    Tokened(d0).WriteString("direct");
    CHECK(Call(IEcho::WHO, d0, r0) == ERR_NONE);
    Who local;
    CHECK(ReadWho(r0, local));
    CHECK(local.local && local.device.empty() && local.pid == getpid());
    CHECK(local.remotePid == -1 && local.unread == 0);

    MessageParcel d, r;
    WriteForward(d, IEcho::WHO, "forwarded");
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, d, r) == ERR_NONE);
    Who w;
    CHECK(ReadWho(r, w));
    CHECK(w.text == "forwarded");
    CHECK(w.unread == 0);  // the trailer was stripped
    CHECK(w.device == kPeer);
    CHECK(!w.local);
    CHECK(w.pid == -1);
    CHECK(w.uid == static_cast<uint32_t>(-1));
    CHECK(w.remotePid == 4321 && w.remoteUid == 1000);
    CHECK(w.resetIsLocal && w.restored);
    // The identity is back after the call: a direct call is local again.
    MessageParcel d1, r1;
    Tokened(d1).WriteString("again");
    CHECK(Call(IEcho::WHO, d1, r1) == ERR_NONE);
    Who after;
    CHECK(ReadWho(r1, after) && after.local && after.device.empty());

    // Reserved codes forward too.
    MessageParcel dp, rp;
    WriteForward(dp, IRemoteObject::PING_TRANSACTION, "");
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, dp, rp) == ERR_NONE);
    MessageParcel di, ri;
    WriteForward(di, IRemoteObject::INTERFACE_TRANSACTION, "");
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, di, ri) == ERR_NONE);
    CHECK(ri.ReadString16() == IEcho::GetDescriptor());
    // A forward inside a forward, a bad magic, a bad networkId: refused.
    MessageParcel dn, rn;
    WriteForward(dn, IRemoteObject::RPC_FORWARD_TRANSACTION, "nested");
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, dn, rn) == IPC_STUB_INVALID_DATA_ERR);
    MessageParcel dm, rm;
    WriteForward(dm, IEcho::WHO, "x", kPeer, 0x1234);
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, dm, rm) == IPC_STUB_INVALID_DATA_ERR);
    MessageParcel db, rb;
    WriteForward(db, IEcho::WHO, "x", "NOT-HEX");
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, db, rb) == IPC_STUB_INVALID_DATA_ERR);
    MessageParcel ds, rs;
    ds.WriteInt32(1);
    CHECK(Call(IRemoteObject::RPC_FORWARD_TRANSACTION, ds, rs) == IPC_STUB_INVALID_DATA_ERR);
    return true;
}

bool ForwardFromNonRootIsRefused(std::string& why)
{
    int out = -1;
    pid_t pid = Spawn("forward-as-nobody", &out);
    std::string line;
    bool got = pid > 0 && ReadLineWithin(out, line, 10000);
    if (out >= 0)
        close(out);
    if (pid > 0)
        waitpid(pid, nullptr, 0);
    if (!got || line != "result " + std::to_string(ERR_NO_PERMISSION)) {
        why = "the uid 65534 child said: '" + line + "'";
        return false;
    }
    return true;
}

bool RpcQueryOnALocalStub(std::string& why)
{
    MessageParcel d, r;
    CHECK(Call(IRemoteObject::RPC_QUERY_TRANSACTION, d, r) == ERR_NONE);
    CHECK(r.ReadInt32() == 0);
    auto* proxy = static_cast<IPCObjectProxy*>(g_remote.GetRefPtr());
    IPCObjectProxy::RpcInfo info = proxy->GetRpcInfo();
    CHECK(!info.isRemote);
    // A local object's proxy stays transferable, and fds go to it.
    MessageParcel d2;
    CHECK(d2.WriteRemoteObject(g_remote) && d2.GetLastError() == ERR_NONE);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "fd ok", 5) == 5);
    close(fds[1]);
    MessageParcel d3, r3;
    Tokened(d3).WriteFileDescriptor(fds[0]);
    close(fds[0]);
    CHECK(Call(IEcho::READ_FD, d3, r3) == ERR_NONE);
    CHECK(r3.ReadString() == "fd ok");
    // A wait time other than the default changes nothing for a local object.
    MessageParcel d4, r4;
    Tokened(d4).WriteString("timed");
    MessageOption timed(MessageOption::TF_SYNC, 2);
    CHECK(g_remote->SendRequest(IEcho::ECHO, d4, r4, timed) == ERR_NONE);
    CHECK(r4.ReadString() == "timed");
    return true;
}

sptr<IRemoteObject> NewFakeRemote(int32_t said)
{
    MessageParcel d, r;
    Tokened(d).WriteInt32(said);
    if (Call(IEcho::NEW_FAKE_REMOTE, d, r) != ERR_NONE)
        return nullptr;
    return r.ReadRemoteObject();
}

int FakeCall(const sptr<IRemoteObject>& fake, uint32_t code, MessageParcel& reply)
{
    MessageParcel d;
    MessageOption o;
    return fake->SendRequest(code, d, reply, o);
}

bool ProxyOfRemoteObject(std::string& why)
{
    sptr<IRemoteObject> fake = NewFakeRemote(4801);
    CHECK(fake && fake->IsProxyObject());
    auto* proxy = static_cast<IPCObjectProxy*>(fake.GetRefPtr());
    IPCObjectProxy::RpcInfo info = proxy->GetRpcInfo();
    CHECK(info.isRemote && info.networkId == std::string(64, 'e') && info.said == 4801);
    // A plain call goes as it is.
    MessageParcel d1, r1;
    MessageOption plain;
    d1.WriteString("call");
    CHECK(fake->SendRequest(FakeRemote::PLAIN, d1, r1, plain) == ERR_NONE);
    CHECK(r1.ReadString() == "plain call");
    // A wait time: RPC_TIMED with the trailer; the caller's parcel unchanged.
    MessageParcel d2, r2;
    d2.WriteString("with a deadline");
    std::size_t size = d2.GetDataSize();
    MessageOption timed(MessageOption::TF_SYNC, 3);
    CHECK(fake->SendRequest(FakeRemote::PLAIN, d2, r2, timed) == ERR_NONE);
    CHECK(r2.ReadString() == "with a deadline");
    CHECK(r2.ReadUint32() == FakeRemote::PLAIN);
    CHECK(r2.ReadInt32() == 3);
    CHECK(r2.ReadBool());
    CHECK(d2.GetDataSize() == size && d2.GetWritePosition() == size);
    // An fd is refused before it is sent; raw data's memfd is not.
    MessageParcel d3, r3;
    MessageOption o3;
    d3.WriteFileDescriptor(1);
    CHECK(fake->SendRequest(FakeRemote::PLAIN, d3, r3, o3) == RPC_ERR_FD_NOT_ALLOWED);
    std::vector<uint8_t> big(MessageParcel::kMaxRawDataInline + 1, 7);
    MessageParcel d4, r4;
    d4.WriteString("raw");
    d4.WriteRawData(big.data(), big.size());
    CHECK(fake->SendRequest(FakeRemote::PLAIN, d4, r4, o3) == ERR_NONE);
    CHECK(r4.ReadString() == "plain raw");
    // More than a call to another device may hold: refused here.
    MessageParcel d6, r6;
    std::vector<uint8_t> huge(detail::RPC_MAX_CALL_DATA, 1);
    CHECK(d6.SetMaxCapacity(2 * detail::RPC_MAX_CALL_DATA));
    CHECK(d6.WriteBuffer(huge.data(), huge.size()) && d6.WriteInt32(0));
    CHECK(fake->SendRequest(FakeRemote::PLAIN, d6, r6, o3) == RPC_ERR_PACKET_TOO_BIG);
    // Its proxy cannot be passed on.
    MessageParcel d5;
    CHECK(!d5.WriteRemoteObject(fake));
    CHECK(d5.GetLastError() == RPC_ERR_PROXY_NOT_TRANSFERABLE);
    CHECK(d5.GetDataSize() == 0);
    return true;
}

bool RemoteSaDeathThroughRpcd(std::string& why)
{
    sptr<IRemoteObject> fake = NewFakeRemote(4801);
    CHECK(fake);
    auto a = MakeSptr<Recipient>();
    auto b = MakeSptr<Recipient>();
    MessageParcel r0;
    CHECK(fake->AddDeathRecipient(a) && fake->AddDeathRecipient(b));
    CHECK(FakeCall(fake, FakeRemote::CALLBACKS, r0) == ERR_NONE && r0.ReadInt32() == 1);
    // The last one removed drops the callback; a new one registers again.
    CHECK(fake->RemoveDeathRecipient(a) && fake->RemoveDeathRecipient(b));
    MessageParcel r1;
    CHECK(FakeCall(fake, FakeRemote::CALLBACKS, r1) == ERR_NONE && r1.ReadInt32() == 0);
    CHECK(fake->AddDeathRecipient(a) && fake->AddDeathRecipient(b));
    MessageParcel r2;
    CHECK(FakeCall(fake, FakeRemote::DIE, r2) == ERR_NONE && r2.ReadInt32() == 1);
    CHECK(a->WaitDied(5000) && b->WaitDied(5000));
    CHECK(fake->IsObjectDead());
    std::this_thread::sleep_for(100ms);
    CHECK(a->died == 1 && b->died == 1);
    MessageParcel r3;
    CHECK(FakeCall(fake, FakeRemote::PLAIN, r3) == ERR_DEAD_OBJECT);
    CHECK(!fake->AddDeathRecipient(a));
    // An anonymous remote object: not supported across devices.
    sptr<IRemoteObject> anon = NewFakeRemote(-1);
    CHECK(anon && !anon->AddDeathRecipient(a));
    return true;
}

bool ServiceGoneMeansDeadObject(std::string& why, pid_t service)
{
    auto rec = MakeSptr<Recipient>();
    CHECK(g_remote->AddDeathRecipient(rec));
    kill(service, SIGKILL);
    waitpid(service, nullptr, 0);
    CHECK(rec->WaitDied(10000));
    std::string out;
    CHECK(g_echo->Echo("anyone?", out) == ERR_DEAD_OBJECT);
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    const char* device = nullptr;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--role") && i + 1 < argc) {
            std::string role = argv[++i];
            if (role == "pool-block" || role == "pool-handler")
                return PoolMain(role == "pool-block");
            if (role == "uring-server")
                return UringServerMain();
            if (role == "forward-as-nobody")
                return ForwardAsNobodyMain();
            return role == "service" ? ServiceMain() : role == "victim" ? VictimMain() : 2;
        }
        if (!std::strcmp(argv[i], "-d") && i + 1 < argc)
            device = argv[++i];
        else if ((!std::strcmp(argv[i], "-e") || !std::strcmp(argv[i], "-k")) && i + 1 < argc)
            i++;
    }
    if (device)
        setenv("IPCKIT_DEVICE", device, 1);
    alarm(200);

    constexpr int kCases = 24;
    std::printf("TAP version 13\n1..%d\n", kCases);
    std::fflush(stdout);
    pid_t service = Spawn("service");
    // Wait (bounded) until the service answers as the context manager.
    for (int i = 0; i < 200; i++) {
        g_remote = IPCSkeleton::GetContextObject();
        if (g_remote && static_cast<IPCObjectProxy*>(g_remote.GetRefPtr())->Ping() == ERR_NONE &&
            g_remote->GetInterfaceDescriptor() == IEcho::GetDescriptor())
            break;
        g_remote = nullptr;
        std::this_thread::sleep_for(50ms);
    }
    g_echo = iface_cast<IEcho>(g_remote);
    if (!g_echo) {
        for (int i = 1; i <= kCases; i++)
            g_tap.Report(false, "shim case " + std::to_string(i), "service never answered");
        kill(service, SIGKILL);
        waitpid(service, nullptr, 0);
        return 1;
    }
    struct Case {
        const char* name;
        std::function<bool(std::string&)> run;
    } cases[] = {
        {"echo_service_round_trips_and_reserved_codes", EchoRoundTrip},
        {"nested_call_back_is_served_on_the_waiting_thread", NestedCallBack},
        {"32_concurrent_clients_get_their_own_answers", ConcurrentClients},
        {"oneway_calls_arrive_in_order", OnewayOrdering},
        {"oneway_batch_of_64_arrives_in_order", OnewayBatchInOrder},
        {"oneway_batch_of_150_goes_in_ring_sized_rounds_in_order", OnewayBatchLargerThanTheRing},
        {"oneway_batch_reports_errors_per_entry", OnewayBatchErrorsPerEntry},
        {"uring_looper_create_matches_the_driver", UringLooperCreateMatchesTheDriver},
        {"loopers_use_the_kind_asked_for", LoopersUseTheKindAskedFor},
        {"uring_looper_in_an_epoll_loop_serves_sync_calls", UringLooperInAnEpollLoop},
        {"death_recipients_fire_once_on_sigkill", DeathRecipientOnKill},
        {"oneway_calls_to_a_frozen_process_are_taken", OnewayToAFrozenProcess},
        {"fd_passes_and_reads_back", FdPassing},
        {"ashmem_passes_read_only", AshmemPassing},
        {"raw_data_of_16_MiB_round_trips", RawData16MiB},
        {"proxy_release_drops_the_remote_stub", ProxyRefsReturnToZero},
        {"rpc_forward_from_root_is_unwrapped_with_the_remote_identity",
         ForwardFromRootIsUnwrapped},
        {"rpc_forward_from_non_root_is_refused", ForwardFromNonRootIsRefused},
        {"rpc_query_on_a_local_stub_says_local", RpcQueryOnALocalStub},
        {"proxy_of_a_remote_object_times_refuses_fds_and_1_MiB_and_is_not_transferable",
         ProxyOfRemoteObject},
        {"remote_sa_death_comes_once_through_the_rpcd_callback", RemoteSaDeathThroughRpcd},
        {"stop_work_thread_ends_loopers_that_block_sigrtmin_3",
         [](std::string& why) { return PoolStopsWithoutASignal(why, "pool-block"); }},
        {"stop_work_thread_leaves_the_applications_sigrtmin_3_handler",
         [](std::string& why) { return PoolStopsWithoutASignal(why, "pool-handler"); }},
        {"service_death_gives_dead_object",
         [service](std::string& why) { return ServiceGoneMeansDeadObject(why, service); }},
    };
    static_assert(sizeof(cases) / sizeof(cases[0]) == kCases);
    for (auto& c : cases) {
        std::string why;
        bool ok = c.run(why);
        g_tap.Report(ok, std::string("shim.") + c.name, why);
    }
    kill(service, SIGKILL);
    waitpid(service, nullptr, 0);
    g_echo = nullptr;
    g_remote = nullptr;
    return g_tap.Finish();
}
