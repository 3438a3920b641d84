// SPDX-License-Identifier: Apache-2.0
//
// softbusd's state and its event loop.
//
// One thread runs everything below (epoll, level-triggered): discovery,
// the TLS links to other devices, the channels of local processes and
// their session sockets. Binder requests arrive on libipckit's threads
// and touch only `shared_` (under its mutex): a snapshot of the devices
// for queries, and new channels handed to the loop through an eventfd.
//
// Objects refer to each other by id, never by pointer, so a closed link
// or channel cannot be reached through a stale reference; epoll's data is
// (kind << 56 | id).
//
// Limits (nothing grows with what a peer or a process sends):
//   - a frame is checked by its header before its body is read;
//   - a session's receive window (SESSION_WINDOW, less when its process
//     is near its pending quota, never below MIN_SESSION_WINDOW) bounds
//     what a peer may send before we took it; a peer that sends more
//     loses its link;
//   - a process's pending bytes (queued towards it) above
//     --max-pending-bytes stop our credit grants: its peers wait;
//   - a link's outgoing buffer above LINK_HIGH_WATER stops reading the
//     session sockets that feed it: their processes' Send blocks; above
//     LINK_OUT_LIMIT (a peer that sends but does not read) it is closed;
//   - a failed handshake or a discovery datagram cannot change a device
//     whose link is up (its address, its trust): they are not
//     authenticated, the link is;
//   - --max-sessions, MAX_LISTENS and MAX_CHANNELS per process (over all
//     of its channels),
//     MAX_HANDSHAKES unauthenticated connections, MAX_DEVICES known.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <ipckit/softbus.h>
#include <ipckit/unique_fd.h>

#include "daemon/identity.h"
#include "discovery/coap_discovery.h"
#include "link/tls_link.h"
#include "wire/frame.h"

namespace ipckit::softbus {

using Clock = std::chrono::steady_clock;

struct DaemonOptions {
    std::string stateDir = "/var/lib/ipckit/softbus";
    std::string name;  // "" keeps the stored one
    std::string iface;
    uint16_t port = 5685;
    uint16_t discoveryPort = 5684;
    std::vector<std::string> discoveryTargets;  // tests: unicast targets
    std::string bindAddress;                    // tests: 127.0.0.x
    int announceMs = 1000;
    int ttlMs = 5000;
    int keepaliveMs = 1000;
    int keepaliveTimeoutMs = 5000;
    std::size_t maxSessions = 64;
    std::size_t maxPendingBytes = 16u << 20;
};

inline constexpr uint32_t SESSION_WINDOW = 1u << 20;
// The window a session gets when its process is at its pending quota:
// enough to make progress, small enough that many sessions stay bounded.
inline constexpr uint32_t MIN_SESSION_WINDOW = 64u << 10;
inline constexpr std::size_t LINK_HIGH_WATER = 1u << 20;
// Control frames (PONG, CREDIT, OPEN_FAIL) are queued even above the high
// water; a peer that makes us queue this much and does not read is cut.
inline constexpr std::size_t LINK_OUT_LIMIT = 8u << 20;
inline constexpr std::size_t CHANNEL_OUT_LIMIT = 1u << 20;
inline constexpr std::size_t MAX_LISTENS = 16;
inline constexpr std::size_t MAX_CHANNELS = 4;
inline constexpr std::size_t MAX_HANDSHAKES = 16;
inline constexpr std::size_t MAX_DEVICES = 256;
inline constexpr int HANDSHAKE_TIMEOUT_MS = 10000;

struct Device {
    std::string networkId;
    std::string name;
    std::string address;
    uint16_t port = 0;
    bool heard = false;
    Clock::time_point lastHeard;
    uint64_t link = 0;  // the established link's id, 0 when none
    bool trusted = false;
    std::string state = "discovered";
    int64_t rttUs = -1;
    Clock::time_point nextDial;
    int backoffMs = 0;
    bool reportedOnline = false;  // online and trusted, as last told to subscribers
    bool listedOnline = false;    // online, as in the last snapshot
};

struct Link {
    uint64_t id = 0;
    std::unique_ptr<TlsLink> tls;
    UniqueFd sock;  // the socket until the TLS object owns it (dialer)
    std::string address;
    bool dialer = false;
    bool connecting = false;  // TCP connect in progress (dialer)
    bool handshaken = false;
    bool established = false;  // HELLO received
    std::string peerId;        // the dialled device, or the PSK's after the handshake
    Clock::time_point started;
    Clock::time_point lastRx;
    Clock::time_point pingSent;
    uint64_t pingToken = 0;
    bool pingOutstanding = false;
    FrameDecoder decoder;
    std::vector<uint8_t> out;
    std::size_t outOff = 0;
    bool high = false;  // out above LINK_HIGH_WATER
    // Set when a send fails: closed by the loop after this pass, so no
    // caller of SendLink finds its link (or session) freed under it.
    bool doomed = false;
    ShutdownReason doomReason = ShutdownReason::LinkDown;
    std::string doomWhy;
    std::map<uint32_t, uint64_t> sessions;  // wire id -> session id
    uint32_t nextWireId = 0;
    std::size_t OutSize() const { return out.size() - outOff; }
    int fd() const { return tls ? tls->fd() : sock.get(); }
};

struct ChannelOut {
    std::vector<uint8_t> bytes;
    std::size_t off = 0;
    UniqueFd fd;  // sent with the entry's first byte
};

struct Channel {
    uint64_t id = 0;
    UniqueFd fd;
    pid_t pid = 0;
    uid_t uid = 0;
    FrameDecoder decoder;
    std::deque<ChannelOut> out;
    std::size_t outBytes = 0;
    bool subscribed = false;
    std::set<std::string> listens;
    std::set<uint64_t> sessions;
    std::size_t pendingBytes = 0;  // queued towards this process
    bool withheld = false;         // a credit grant waits for the quota
};

enum class SessionState { Binding, Open };

struct PendingChunk {
    std::vector<uint8_t> bytes;
    std::size_t off = 0;
    bool counts = true;  // message bytes (credit), not a length word
};

struct Session {
    uint64_t id = 0;
    std::string name;
    std::string peerId;
    uint64_t channel = 0;
    uint64_t link = 0;  // 0 while binding without a link
    uint32_t wireId = 0;
    bool server = false;
    SessionState state = SessionState::Binding;
    uint32_t bindRequest = 0;  // the process's BIND request id
    Clock::time_point deadline;
    UniqueFd fd;     // our end of the session socket
    UniqueFd theirs;  // the process's end, until handed over
    // process -> peer
    uint32_t credit = 0;
    uint8_t lenBuf[4] = {};
    std::size_t lenHave = 0;
    bool inMessage = false;
    bool firstChunk = false;
    uint32_t msgTotal = 0;
    uint32_t msgLeft = 0;
    // peer -> process
    std::deque<PendingChunk> toProcess;
    std::size_t toProcessBytes = 0;
    uint32_t window = 0;     // our receive window, announced at OPEN(_OK)
    uint32_t allowance = 0;  // bytes the peer may still send
    uint32_t consumed = 0;   // written to the process, not yet credited
    bool rxInMessage = false;
    uint32_t rxLeft = 0;
    bool closing = false;  // close the fd once toProcess is written
    uint32_t events = 0;   // current epoll interest
};

struct DeviceSnapshot {
    DeviceInfo local;
    std::vector<DeviceInfo> devices;
    std::size_t sessions = 0;
    std::size_t links = 0;
    std::size_t channels = 0;
    std::size_t pendingBytes = 0;  // queued towards processes, all of them
};

class Daemon {
public:
    explicit Daemon(DaemonOptions options);
    ~Daemon();

    // Identity, discovery, the session port; fails with a message.
    Status Start();
    // Runs until Stop() (a signal handler may call it).
    void Run();
    void Stop();

    const Identity& identity() const { return identity_; }
    // The session port (the one the kernel picked when asked for 0).
    uint16_t port() const { return options_.port; }

    // --- for the binder service (any thread) ---
    DeviceSnapshot Snapshot();
    // A new channel for process (pid, uid): the process's end, or an error.
    Result<UniqueFd> OpenChannel(pid_t pid, uid_t uid);

private:
    enum Kind : uint64_t { WAKE = 1, DISCOVERY, LISTENER, LINK, CHANNEL, SESSION, SIGNAL };
    static uint64_t Tag(Kind kind, uint64_t id) { return (uint64_t{kind} << 56) | id; }

    void Watch(int fd, uint32_t events, Kind kind, uint64_t id);
    void Rewatch(int fd, uint32_t events, Kind kind, uint64_t id);
    void Unwatch(int fd);

    // daemon.cc: discovery, devices, timers
    void Tick();
    void Announce();
    DiscoveryPayload SelfPayload();
    void Heard(const DiscoveryPayload& payload, const std::string& address);
    Device* FindDevice(const std::string& id);
    bool Online(const Device& device) const;
    void ReportDevices();
    void PublishSnapshot();
    DeviceInfo Describe(const Device& device) const;

    // links.cc
    Status OpenListener();
    void Accept();
    void Dial(Device& device);
    void OnLinkEvent(uint64_t id, uint32_t events);
    void LinkHandshake(Link& link);
    void LinkRead(Link& link);
    void LinkFlush(Link& link);
    void LinkUpdateInterest(Link& link);
    void LinkEstablished(Link& link, const nlohmann::json& hello);
    void LinkFrame(Link& link, Frame& frame);
    void CloseLink(uint64_t id, ShutdownReason reason, const std::string& why);
    void DoomLink(Link& link, ShutdownReason reason, const std::string& why);
    void CloseDoomedLinks();
    void FlushLinks();
    void SendLink(Link& link, FrameType type, uint32_t wire, std::span<const uint8_t> body,
                  uint8_t flags = 0);
    void SendLinkJson(Link& link, FrameType type, uint32_t wire, const nlohmann::json& body);
    Link* FindLink(uint64_t id);
    void Goodbye();

    // channels.cc
    void AdoptChannels();
    void OnChannelEvent(uint64_t id, uint32_t events);
    void ChannelFrame(Channel& channel, const Frame& frame);
    void ChannelResult(Channel& channel, uint32_t request, int code, const std::string& message,
                       nlohmann::json extra = nlohmann::json::object(), UniqueFd fd = {});
    void ChannelSend(Channel& channel, FrameType type, uint32_t id, const nlohmann::json& body,
                     UniqueFd fd = {});
    void ChannelFlush(Channel& channel);
    void CloseChannel(uint64_t id, const std::string& why);
    Channel* FindChannel(uint64_t id);
    std::size_t ProcessSum(pid_t pid, std::size_t (*of)(const Channel&));
    std::size_t ProcessSessions(pid_t pid);
    std::size_t ProcessListens(pid_t pid);
    std::size_t ProcessPending(pid_t pid);
    // The receive window a new session of this process gets.
    uint32_t WindowFor(pid_t pid);
    void DoBind(Channel& channel, uint32_t request, const nlohmann::json& body);
    void DeviceEvent(const Device& device, bool online);

    // sessions.cc
    Session* FindSession(uint64_t id);
    Result<uint64_t> NewSession(Channel& channel, const std::string& name,
                                const std::string& peer, bool server);
    void StartOpen(Session& session, Link& link);
    void LinkUp(Device& device, Link& link);
    void PeerOpen(Link& link, uint32_t wire, const nlohmann::json& body);
    void PeerOpenResult(Link& link, const Frame& frame);
    void PeerData(Link& link, Frame& frame);
    void PeerCredit(Link& link, const Frame& frame);
    void PeerClose(Link& link, const Frame& frame);
    void OnSessionEvent(uint64_t id, uint32_t events);
    void SessionReadProcess(Session& session);
    void SessionWriteProcess(Session& session);
    void MaybeGrantCredit(Session& session);
    void ReleaseWithheld(pid_t pid);
    void SessionUpdateInterest(Session& session);
    void FailBind(Session& session, int code, const std::string& message);
    // Ends a session: tells the process (reason) and the peer (if `tellPeer`).
    void EndSession(uint64_t id, ShutdownReason reason, bool tellPeer);
    void LinkSessionsInterest(Link& link);
    void ExpireBinds();

    DaemonOptions options_;
    Identity identity_;
    UniqueFd epoll_;
    UniqueFd wake_;
    UniqueFd listener_;
    std::unique_ptr<CoapDiscovery> discovery_;
    volatile bool stopRequested_ = false;

    uint64_t nextId_ = 1;
    uint64_t announceSeq_ = 0;
    Clock::time_point nextAnnounce_;
    std::map<std::string, Device> devices_;
    std::map<uint64_t, std::unique_ptr<Link>> links_;
    std::map<uint64_t, std::unique_ptr<Channel>> channels_;
    std::map<uint64_t, std::unique_ptr<Session>> sessions_;
    std::map<std::string, uint64_t> listens_;  // name -> channel
    // A process may hold MAX_CHANNELS channels; its quotas span them all.
    std::multimap<pid_t, uint64_t> channelsByPid_;
    std::size_t handshakes_ = 0;
    std::set<uint64_t> readAgain_;  // links with decrypted bytes left
    std::set<uint64_t> doomed_;     // links to close after this pass
    std::set<uint64_t> unflushed_;  // links with frames queued this pass
    bool snapshotDirty_ = true;
    std::array<std::size_t, 3> publishedCounts_{};

    // Shared with binder threads.
    struct NewChannel {
        UniqueFd fd;
        pid_t pid;
        uid_t uid;
    };
    std::mutex sharedLock_;
    std::atomic<std::size_t> pendingBytes_{0};  // as of the last pass
    DeviceSnapshot snapshot_;
    std::deque<NewChannel> newChannels_;
    std::map<pid_t, std::size_t> channelsPerPid_;
};

}  // namespace ipckit::softbus
