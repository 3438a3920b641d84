// SPDX-License-Identifier: Apache-2.0
//
// The soft bus, as a process sees it: devices nearby, and named sessions
// that carry ordered, reliable byte messages between processes on two
// devices. softbusd (softbus/) does the work; this client reaches it as a
// system ability through samgr and gets one socket per session from it,
// so a slow reader holds back only its own session.
//
//   auto bus = SoftBus::Connect();             // once per process
//   bus->Listen("echo", listener);             // device B: a session server
//   auto sid = bus->Bind(networkIdOfB, "echo", listener);   // device A
//   bus->Send(*sid, bytes);                    // ≤ 4 MiB per message
//
// Callbacks run on the client's own thread, one at a time, in order; they
// may call Send and Shutdown (which then does not wait for softbusd's
// answer). Calls that need an answer (Listen, Bind, ...) fail with
// EDEADLK from a callback: that thread is the one that reads answers.
// A callback that blocks holds up all of this SoftBus's sessions.
// Documentation/softbus.rst has the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace ipckit::softbus {

// softbusd's system ability id in samgr.
inline constexpr int32_t SOFTBUS_SA_ID = 4700;
// The largest message Send takes and a listener receives.
inline constexpr std::size_t MAX_MESSAGE_BYTES = 4u << 20;
// A session server name: 1..64 bytes of [A-Za-z0-9._-].
inline constexpr std::size_t MAX_SESSION_NAME = 64;

// Error codes beyond errno values (Error::code).
enum : int {
    SOFTBUS_ERR_NOT_RUNNING = 7001,    // softbusd is not registered with samgr
    SOFTBUS_ERR_NO_DEVICE = 7002,      // no such device online
    SOFTBUS_ERR_NOT_TRUSTED = 7003,    // the device is not bound (wrong secret)
    SOFTBUS_ERR_NO_SERVER = 7004,      // no session server of that name there
    SOFTBUS_ERR_QUOTA = 7005,          // a per-process limit was reached
    SOFTBUS_ERR_TOO_BIG = 7006,        // message larger than MAX_MESSAGE_BYTES
    SOFTBUS_ERR_CLOSED = 7007,         // the session is shut down
    SOFTBUS_ERR_BAD_NAME = 7008,       // session name or networkId malformed
    SOFTBUS_ERR_TIMEOUT = 7009,        // the peer did not answer in time
    SOFTBUS_ERR_EXISTS = 7010,         // the name is already listened on
    SOFTBUS_ERR_RESERVED = 7011,       // the name is reserved for root's services
};
// Session names with this prefix only root may Listen on (rpcd's "ipckit.rpc").
inline constexpr char RESERVED_SESSION_PREFIX[] = "ipckit.";

using SessionId = uint64_t;

struct DeviceInfo {
    std::string networkId;  // 64 hex characters, made at first start
    std::string name;
    std::string address;    // where discovery heard it, "" for the local device
    bool online = false;    // heard from within the discovery TTL
    bool trusted = false;   // a mutually authenticated link is (or was) up
    int64_t rttUs = -1;     // last keepalive round trip, -1 unknown
    std::string state;      // "connected", "untrusted: <why>", "discovered", ...
};

// Why a session ended.
enum class ShutdownReason {
    LocalShutdown,  // this process called Shutdown (never delivered to it)
    PeerClosed,     // the peer process shut it down or exited
    DeviceOffline,  // the peer device's softbusd said goodbye (it stopped)
    LinkDown,       // the connection to the peer device broke
    Timeout,        // the peer device stopped answering keepalives
    ServiceDied,    // softbusd here went away
    Refused,        // softbusd ended it (a protocol or quota violation)
};
const char* ToString(ShutdownReason reason);

struct SessionInfo {
    SessionId id = 0;
    std::string name;          // the session server's name
    std::string peerNetworkId;
    bool server = false;       // accepted by Listen (true) or opened by Bind
};

class SessionListener {
public:
    virtual ~SessionListener() = default;
    // A peer bound to a name this process listens on.
    virtual void OnSessionOpened(const SessionInfo& /*session*/) {}
    virtual void OnBytesReceived(SessionId session, std::span<const uint8_t> data) = 0;
    virtual void OnSessionClosed(SessionId /*session*/, ShutdownReason /*reason*/) {}
};

class DeviceListener {
public:
    virtual ~DeviceListener() = default;
    virtual void OnDeviceOnline(const DeviceInfo& /*device*/) {}
    virtual void OnDeviceOffline(const DeviceInfo& /*device*/) {}
};

class SoftBus {
public:
    // Reaches softbusd through samgr; one per process is enough (it is
    // thread-safe). Fails with SOFTBUS_ERR_NOT_RUNNING if it is not there.
    static Result<std::shared_ptr<SoftBus>> Connect();
    virtual ~SoftBus() = default;

    virtual Result<DeviceInfo> GetLocalDevice() = 0;
    // Every device discovery knows of, online or not, trusted or not.
    virtual Result<std::vector<DeviceInfo>> GetDevices() = 0;
    // The online, trusted ones.
    virtual Result<std::vector<DeviceInfo>> GetOnlineDevices() = 0;

    // Open a session server; peers Bind to (this device, name).
    virtual Status Listen(const std::string& name, std::shared_ptr<SessionListener> listener) = 0;
    virtual Status StopListening(const std::string& name) = 0;
    // Open a session to the server `name` on device `networkId`; waits up
    // to timeoutMs for the link and the peer's answer.
    virtual Result<SessionId> Bind(const std::string& networkId, const std::string& name,
                                   std::shared_ptr<SessionListener> listener,
                                   int timeoutMs = 5000) = 0;
    // One message, delivered whole and in order. Blocks while the peer
    // is slow (back-pressure); fails once the session is closed.
    virtual Status Send(SessionId session, std::span<const uint8_t> data) = 0;
    // Ends the session; the peer hears PeerClosed. Idempotent.
    virtual Status Shutdown(SessionId session) = 0;

    // Device on/offline events until the listener is unsubscribed.
    virtual Status SubscribeDevices(std::shared_ptr<DeviceListener> listener) = 0;
    virtual Status UnsubscribeDevices(const std::shared_ptr<DeviceListener>& listener) = 0;
};

}  // namespace ipckit::softbus
