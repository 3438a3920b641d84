// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_skeleton.h"

#include <chrono>
#include <mutex>

#include "ipc_process.h"
#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/softbus.h"

namespace ipckit {

using detail::IPCProcess;
using detail::IPCThread;

bool IPCSkeleton::SetMaxWorkThreadNum(int maxThreadNum)
{
    return IPCProcess::Get().SetMaxThreads(maxThreadNum);
}

void IPCSkeleton::JoinWorkThread()
{
    IPCProcess::Get().JoinAsLooper();
}

void IPCSkeleton::StopWorkThread()
{
    IPCProcess::Get().StopLoopers();
}

pid_t IPCSkeleton::GetCallingPid()
{
    return IPCThread::Current().CallingPid();
}

uid_t IPCSkeleton::GetCallingUid()
{
    return IPCThread::Current().CallingUid();
}

pid_t IPCSkeleton::GetCallingRemotePid()
{
    return IPCThread::Current().CallingRemotePid();
}

uid_t IPCSkeleton::GetCallingRemoteUid()
{
    return IPCThread::Current().CallingRemoteUid();
}

std::string IPCSkeleton::GetCallingDeviceID()
{
    return IPCThread::Current().CallingDevice();
}

std::string IPCSkeleton::GetLocalDeviceID()
{
    // The soft bus networkId is what other devices (and rpcd's trailers)
    // call this device. It does not change while softbusd runs, so it is
    // asked once; without softbusd, the machine id, re-asking at most every
    // few seconds in case softbusd starts later.
    static std::mutex lock;
    static std::string networkId;
    static std::chrono::steady_clock::time_point nextTry;
    {
        std::lock_guard<std::mutex> guard(lock);
        if (!networkId.empty())
            return networkId;
        if (std::chrono::steady_clock::now() < nextTry)
            return IPCProcess::Get().LocalDeviceId();
        nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    // Not under the lock: this is a call to samgr and softbusd.
    std::string id;
    if (auto bus = softbus::SoftBus::Connect(); bus) {
        if (auto local = bus.value()->GetLocalDevice(); local)
            id = local.value().networkId;
    }
    if (id.empty())
        return IPCProcess::Get().LocalDeviceId();
    std::lock_guard<std::mutex> guard(lock);
    networkId = id;
    return networkId;
}

bool IPCSkeleton::IsLocalCalling()
{
    return IPCThread::Current().CallingDevice().empty();
}

sptr<IRemoteObject> IPCSkeleton::GetContextObject()
{
    return IPCProcess::Get().ContextObject();
}

bool IPCSkeleton::SetContextObject(const sptr<IRemoteObject>& object)
{
    return IPCProcess::Get().SetContextObject(object);
}

std::string IPCSkeleton::ResetCallingIdentity()
{
    return IPCThread::Current().ResetIdentity();
}

bool IPCSkeleton::SetCallingIdentity(std::string& identity)
{
    return IPCThread::Current().SetIdentity(identity);
}

int IPCSkeleton::FlushCommands(IRemoteObject*)
{
    return IPCThread::Current().Flush();
}

}  // namespace ipckit
