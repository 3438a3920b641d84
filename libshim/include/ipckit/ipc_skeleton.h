// SPDX-License-Identifier: Apache-2.0
//
// IPCSkeleton: the process's and the calling thread's view of IPC. The
// "calling" values describe the process that sent the request the current
// thread is handling; outside a request they are this process's own.
#pragma once

#include <sys/types.h>

#include <string>

#include "ipckit/iremote_object.h"
#include "ipckit/refbase.h"

namespace ipckit {

class IPCSkeleton {
public:
    // Threads the driver may ask this process to start (BR_SPAWN_LOOPER),
    // default 16. False if the driver cannot be opened.
    static bool SetMaxWorkThreadNum(int maxThreadNum);
    // Makes the calling thread serve requests until StopWorkThread().
    static void JoinWorkThread();
    // Ends JoinWorkThread() and every pool thread, for good, and waits
    // (at most 5 s) until they, but the caller, are gone. Uses no signal.
    static void StopWorkThread();

    static pid_t GetCallingPid();
    static uid_t GetCallingUid();
    static std::string GetCallingDeviceID();
    static std::string GetLocalDeviceID();
    static bool IsLocalCalling();

    // Handle 0 of the device: the context manager (samgr), or null when
    // the driver cannot be opened.
    static sptr<IRemoteObject> GetContextObject();
    // Makes `object` (a local stub) the context manager of the device.
    static bool SetContextObject(const sptr<IRemoteObject>& object);

    // Makes the calling thread's calls look local again; returns a token
    // for SetCallingIdentity to restore what it was.
    static std::string ResetCallingIdentity();
    static bool SetCallingIdentity(std::string& identity);

    // Sends the commands the calling thread has queued for the driver.
    static int FlushCommands(IRemoteObject* object);
};

}  // namespace ipckit
