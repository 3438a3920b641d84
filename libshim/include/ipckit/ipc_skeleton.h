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

enum class LooperKind;  // ipckit/uring.h

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
    // How the pool's loopers talk to the driver (ipckit/uring.h): set
    // before they start; overrides IPCKIT_LOOPER. LooperKind::kUring on
    // a driver without the io_uring command falls back to the ioctl.
    static void SetLooperKind(LooperKind kind);

    // For a call from another device (forwarded by rpcd, see
    // Documentation/rpc.rst) these are -1 and (uid_t)-1: no local process
    // made it.
    static pid_t GetCallingPid();
    static uid_t GetCallingUid();
    // The pid and uid of the caller on the other device, as reported by the
    // peer device, not verified: for logs, never for access decisions. -1
    // and (uid_t)-1 for local callers.
    static pid_t GetCallingRemotePid();
    static uid_t GetCallingRemoteUid();
    // The calling device's soft bus networkId; "" for a caller on this
    // device (and outside a request).
    static std::string GetCallingDeviceID();
    // This device's soft bus networkId (asked from softbusd once); the
    // machine id when softbusd is not running.
    static std::string GetLocalDeviceID();
    // False while serving a call that came from another device.
    static bool IsLocalCalling();

    // Handle 0 of the device: the context manager (samgr), or null when
    // the driver cannot be opened.
    static sptr<IRemoteObject> GetContextObject();
    // Makes `object` (a local stub) the context manager of the device.
    static bool SetContextObject(const sptr<IRemoteObject>& object);

    // Makes the calling thread's calls look local again (this process, this
    // device); returns a token for SetCallingIdentity to restore what it
    // was, the calling device included.
    static std::string ResetCallingIdentity();
    static bool SetCallingIdentity(std::string& identity);

    // Sends the commands the calling thread has queued for the driver.
    static int FlushCommands(IRemoteObject* object);
};

}  // namespace ipckit
