// SPDX-License-Identifier: Apache-2.0
//
// The process's IPC state (internal): the driver connection, one proxy per
// handle, death-notification cookies, the looper thread pool and the
// context object. One instance, made on first use and never destroyed (pool
// threads may still run while static destructors do).
//
// Locking: lock_ guards the maps and counters; it is never held across a
// driver ioctl or a call into user code.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "event_fd.h"
#include "ipckit/binder_driver.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/iremote_object.h"
#include "ipckit/refbase.h"

namespace ipckit::detail {

class IPCProcess {
public:
    static IPCProcess& Get();

    // The driver, opened on first use; null (and the reason logged once)
    // when it cannot be.
    const BinderDriver* Driver();
    int Fd();  // -1 without a driver
    const std::string& OpenError() const { return openError_; }

    // The proxy for `handle`, made (and the driver reference taken) if
    // this process has none alive.
    sptr<IRemoteObject> ProxyForHandle(uint32_t handle);
    // Called by a dying proxy.
    void ForgetProxy(uint32_t handle, const IPCObjectProxy* proxy);

    uint64_t AddDeathCookie(IPCObjectProxy* proxy);
    sptr<IPCObjectProxy> ProxyForDeathCookie(uint64_t cookie);
    void RemoveDeathCookie(uint64_t cookie);

    // Thread pool. EnsureLooper starts the first looper thread (a process
    // that hands out stubs or watches deaths needs one); the driver asks
    // for more with BR_SPAWN_LOOPER. StopLoopers ends them all for good:
    // no signal, the loopers wait in poll() on the driver and stopEvent_.
    bool SetMaxThreads(int n);
    void EnsureLooper();
    void SpawnLooper();
    void JoinAsLooper();
    // A thread became a looper by other means (UringLooper): the process
    // has its first looper, EnsureLooper starts none.
    void LooperJoined();
    void StopLoopers();
    bool Stopping() const { return stopping_.load(); }

    // An idle looper waits here: kWork when the driver has work for the
    // calling thread (binder poll() is per thread: this thread must read
    // it), kStop once StopLoopers was called, kIdle after timeoutMs
    // (-1: no limit).
    enum class Wake { kWork, kStop, kError, kIdle };
    Wake WaitForWork(int timeoutMs = -1);
    // Readable once StopLoopers was called (-1 without an eventfd).
    int StopFd() const { return stopEvent_.valid() ? stopEvent_.fd() : -1; }
    // Returns every thread blocked in a driver read (with a BR_NOOP).
    void KickBlockedReaders();

    bool SetContextObject(const sptr<IRemoteObject>& object);
    sptr<IRemoteObject> ContextObject();

    std::string LocalDeviceId();

private:
    IPCProcess() : stopEvent_(EventFd::Create()) {}
    void RunLooper(bool isMain);

    std::mutex lock_;
    std::once_flag openOnce_;
    std::optional<BinderDriver> driver_;
    std::string openError_;
    std::map<uint32_t, wptr<IPCObjectProxy>> proxies_;
    std::map<uint64_t, wptr<IPCObjectProxy>> deathCookies_;
    uint64_t nextCookie_ = 1;
    int maxThreads_ = 16;
    bool looperStarted_ = false;
    int spawned_ = 0;
    std::atomic<bool> stopping_{false};
    const EventFd stopEvent_;  // signalled, never read, by StopLoopers
    std::vector<pthread_t> loopers_;  // running looper threads
    std::condition_variable loopersGone_;
    sptr<IRemoteObject> contextObject_;  // a local one set by SetContextObject
};

}  // namespace ipckit::detail
