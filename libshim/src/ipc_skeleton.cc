// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_skeleton.h"

#include "ipc_process.h"
#include "ipc_thread.h"
#include "ipckit/ipc_errors.h"

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

std::string IPCSkeleton::GetCallingDeviceID()
{
    return GetLocalDeviceID();  // every caller is local on the driver path
}

std::string IPCSkeleton::GetLocalDeviceID()
{
    return IPCProcess::Get().LocalDeviceId();
}

bool IPCSkeleton::IsLocalCalling()
{
    return true;
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
