// SPDX-License-Identifier: Apache-2.0
//
// The process's IPC state: driver, proxies, death cookies, looper pool.
#include "ipc_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include <linux/ipckit.h>

#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/message_parcel.h"

namespace ipckit::detail {

IPCProcess& IPCProcess::Get()
{
    // Never destroyed: pool threads may outlive static destructors.
    static IPCProcess* process = new IPCProcess();
    return *process;
}

const BinderDriver* IPCProcess::Driver()
{
    std::call_once(openOnce_, [this] {
        auto driver = BinderDriver::Open(DefaultDevicePath());
        if (!driver) {
            openError_ = driver.error().message;
            std::fprintf(stderr, "ipckit: %s\n", openError_.c_str());
            return;
        }
        driver_.emplace(std::move(driver.value()));
        uint32_t max = static_cast<uint32_t>(maxThreads_);
        ::ioctl(driver_->fd(), BINDER_SET_MAX_THREADS, &max);
    });
    return driver_ ? &*driver_ : nullptr;
}

int IPCProcess::Fd()
{
    const BinderDriver* d = Driver();
    return d ? d->fd() : -1;
}

sptr<IRemoteObject> IPCProcess::ProxyForHandle(uint32_t handle)
{
    sptr<IPCObjectProxy> proxy;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = proxies_.find(handle);
        if (it != proxies_.end()) {
            proxy = it->second.promote();
            if (proxy)
                return proxy;
        }
        proxy = MakeSptr<IPCObjectProxy>(handle);
        proxies_[handle] = proxy;
    }
    // The proxy's own driver references, before the buffer that named the
    // handle (and held it) is freed.
    IPCThread& thread = IPCThread::Current();
    thread.QueueHandle(BC_INCREFS, handle);
    thread.QueueHandle(BC_ACQUIRE, handle);
    thread.Flush();
    return proxy;
}

void IPCProcess::ForgetProxy(uint32_t handle, const IPCObjectProxy* proxy)
{
    std::lock_guard<std::mutex> guard(lock_);
    auto it = proxies_.find(handle);
    if (it != proxies_.end() && it->second.GetRefPtr() == proxy)
        proxies_.erase(it);
}

uint64_t IPCProcess::AddDeathCookie(IPCObjectProxy* proxy)
{
    std::lock_guard<std::mutex> guard(lock_);
    uint64_t cookie = nextCookie_++;
    deathCookies_[cookie] = wptr<IPCObjectProxy>(proxy);
    return cookie;
}

sptr<IPCObjectProxy> IPCProcess::ProxyForDeathCookie(uint64_t cookie)
{
    std::lock_guard<std::mutex> guard(lock_);
    auto it = deathCookies_.find(cookie);
    return it == deathCookies_.end() ? nullptr : it->second.promote();
}

void IPCProcess::RemoveDeathCookie(uint64_t cookie)
{
    wptr<IPCObjectProxy> gone;  // dropped after the lock
    std::lock_guard<std::mutex> guard(lock_);
    auto it = deathCookies_.find(cookie);
    if (it != deathCookies_.end()) {
        gone = std::move(it->second);
        deathCookies_.erase(it);
    }
}

bool IPCProcess::SetMaxThreads(int n)
{
    if (n < 0)
        return false;
    {
        std::lock_guard<std::mutex> guard(lock_);
        maxThreads_ = n;
    }
    int fd = Fd();
    if (fd < 0)
        return false;
    uint32_t max = static_cast<uint32_t>(n);
    return ::ioctl(fd, BINDER_SET_MAX_THREADS, &max) == 0;
}

void IPCProcess::EnsureLooper()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (looperStarted_ || stopping_)
            return;
        looperStarted_ = true;
    }
    if (Fd() < 0)
        return;
    std::thread([this] { RunLooper(true); }).detach();
}

void IPCProcess::SpawnLooper()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (stopping_)
            return;
        spawned_++;
    }
    std::thread([this] { RunLooper(false); }).detach();
}

void IPCProcess::JoinAsLooper()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        looperStarted_ = true;
    }
    RunLooper(true);
}

void IPCProcess::LooperJoined()
{
    std::lock_guard<std::mutex> guard(lock_);
    looperStarted_ = true;
}

void IPCProcess::RunLooper(bool isMain)
{
    pthread_t self = pthread_self();
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (stopping_)
            return;
        loopers_.push_back(self);
    }
    IPCThread::Current().Loop(isMain);
    std::lock_guard<std::mutex> guard(lock_);
    std::erase(loopers_, self);
    loopersGone_.notify_all();
}

IPCProcess::Wake IPCProcess::WaitForWork(int timeoutMs)
{
    // Without the event (no eventfd could be made) a looper blocks in its
    // read as it always could; KickBlockedReaders gets it out.
    if (!stopEvent_.valid())
        return stopping_ ? Wake::kStop : Wake::kWork;
    pollfd fds[2] = {{Fd(), POLLIN, 0}, {stopEvent_.fd(), POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, timeoutMs);
        if (n < 0) {
            if (errno == EINTR)
                continue;  // the application's own signals
            std::fprintf(stderr, "ipckit: poll failed: %s\n", std::strerror(errno));
            return Wake::kError;
        }
        if (n == 0)
            return Wake::kIdle;
        if (fds[1].revents & POLLIN)
            return Wake::kStop;
        if (fds[0].revents & POLLIN)
            return Wake::kWork;
        if (fds[0].revents) {  // POLLERR: the driver could not add this thread
            std::fprintf(stderr, "ipckit: driver poll reported %#x\n",
                         static_cast<unsigned>(fds[0].revents));
            return Wake::kError;
        }
    }
}

void IPCProcess::KickBlockedReaders()
{
    // Closing any copy of the driver fd returns every thread blocked in a
    // read with a lone BR_NOOP (both drivers' ->flush); nothing is lost.
    int fd = driver_ ? driver_->fd() : -1;
    if (fd >= 0)
        UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));  // closed right here
}

void IPCProcess::StopLoopers()
{
    std::unique_lock<std::mutex> guard(lock_);
    stopping_ = true;
    // Loopers waiting in poll() wake; the event stays set, so a looper
    // about to poll sees it too.
    stopEvent_.Signal();
    pthread_t self = pthread_self();
    // A looper may be in a blocking read instead: its poll saw process
    // work that another looper took first. Kick those out of the driver
    // until every looper (but the caller, if it is one) is gone, at most
    // 5 s: a kick may land just before a looper enters its read.
    for (int round = 0; round < 250; round++) {
        bool others = std::any_of(loopers_.begin(), loopers_.end(),
                                  [self](pthread_t t) { return !pthread_equal(t, self); });
        if (!others)
            break;
        KickBlockedReaders();
        loopersGone_.wait_for(guard, std::chrono::milliseconds(20));
    }
}

bool IPCProcess::SetContextObject(const sptr<IRemoteObject>& object)
{
    auto* stub = dynamic_cast<IPCObjectStub*>(object.GetRefPtr());
    int fd = Fd();
    if (!stub || fd < 0)
        return false;
    flat_binder_object fbo{};
    fbo.hdr.type = BINDER_TYPE_BINDER;
    fbo.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS;
    fbo.binder = reinterpret_cast<uintptr_t>(stub->GetRefCounter());
    fbo.cookie = reinterpret_cast<uintptr_t>(stub);
    if (::ioctl(fd, BINDER_SET_CONTEXT_MGR_EXT, &fbo) != 0 &&
        ::ioctl(fd, BINDER_SET_CONTEXT_MGR, 0) != 0)
        return false;
    {
        std::lock_guard<std::mutex> guard(lock_);
        contextObject_ = object;  // lives as long as the process
    }
    EnsureLooper();
    return true;
}

sptr<IRemoteObject> IPCProcess::ContextObject()
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (contextObject_)
            return contextObject_;
    }
    if (Fd() < 0)
        return nullptr;
    // No manager yet: no proxy either. One made now would hold no driver
    // reference (the driver refuses BC_ACQUIRE on a handle 0 with no node
    // behind it), so death notices on it would never come.
    MessageParcel data, reply;
    if (IPCThread::Current().Transact(0, IRemoteObject::PING_TRANSACTION, data, &reply, 0) !=
        ERR_NONE)
        return nullptr;
    return ProxyForHandle(0);
}

std::string IPCProcess::LocalDeviceId()
{
    std::ifstream in("/etc/machine-id");
    std::string id;
    if (in >> id && !id.empty())
        return id;
    char host[256] = {};
    if (::gethostname(host, sizeof(host) - 1) == 0 && host[0])
        return host;
    return "local";
}

}  // namespace ipckit::detail
