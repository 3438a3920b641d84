// SPDX-License-Identifier: Apache-2.0
//
// rpcd: the device's cross-device RPC forwarder (Documentation/rpc.rst).
//
// A process's proxy of an object on another device is an ordinary binder
// proxy of a RemoteStub here; RemoteStub::ProcessRequest encodes the call
// into an RPC packet (rpc/wire/packet.h) and sends it over the soft bus
// session ("ipckit.rpc") to the peer's rpcd, which calls the real object
// with RPC_FORWARD_TRANSACTION and sends the reply back.
//
// Per session with a peer device (see Peer), two tables:
//   exports  stubIndex -> an object of this device lent to that peer (a
//            binder proxy held here), with the number of descriptors sent
//            and not yet given back (DECREF). Indices start at a random
//            value and are never reused; a peer can name only what was
//            exported to it.
//   imports  the peer's stubIndex -> the RemoteStub standing in for it
//            (weak: the stub lives while local processes hold it; its
//            destructor gives back what it received).
//
// Threads: the soft bus client's callback thread decodes every packet;
// replies wake the binder thread waiting for them, one-way calls and
// control packets are handled there, in order; sync calls and SA requests
// go to the worker pool. Binder threads run RemoteStub and RpcService.
//
// Locking: lock_ guards peers_ and everything in a Peer; it is never held
// across a soft bus Send, a binder call, or the release of a binder
// reference (those can block or re-enter). Pending calls have their own
// condition variable under lock_.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <ipckit/iremote_object.h>
#include <ipckit/message_parcel.h>
#include <ipckit/softbus.h>
#include <ipckit/unique_fd.h>

#include "daemon/worker_pool.h"
#include "wire/packet.h"

namespace ipckit::rpc {

class RemoteStub;

inline constexpr char RPC_SESSION_NAME[] = "ipckit.rpc";

struct RpcdOptions {
    std::size_t workers = 16;         // threads for incoming sync calls
    std::size_t maxQueued = 256;      // incoming calls waiting for a worker
    // Sync calls and SA requests one session may have queued or running:
    // below `workers`, so one peer's slow calls leave threads to the others.
    std::size_t maxPerSession = 12;
    int maxLoadSeconds = 60;          // the longest on-demand load a peer may ask for
    uint64_t maxRawPerPeer = 256ull << 20;  // raw bytes being received per peer
};

// An object of this device lent to one peer.
struct Exported {
    sptr<IRemoteObject> object;
    uint64_t sent = 0;     // descriptors sent minus those given back
    int32_t said = -1;     // the SA it is, -1 for an anonymous object
    sptr<IRemoteObject::DeathRecipient> watch;  // SAs: tells the peer it died
};

struct Imported {
    RemoteStub* stub = nullptr;  // identity only: compare, never dereference
    wptr<RemoteStub> weak;
};

// Raw data being received in chunks.
struct RawBlob {
    UniqueFd fd;
    uint64_t total = 0;
    uint64_t received = 0;
};

// A packet decoded once, with its own copy of the bytes its spans point
// into. Moving it keeps them valid (a vector's move takes its buffer
// along); copying would not, hence move-only.
struct OwnedPacket {
    OwnedPacket() = default;
    OwnedPacket(OwnedPacket&&) = default;
    OwnedPacket& operator=(OwnedPacket&&) = default;
    OwnedPacket(const OwnedPacket&) = delete;
    OwnedPacket& operator=(const OwnedPacket&) = delete;

    std::vector<uint8_t> bytes;
    Packet packet;
};
// `decoded` (from `bytes`, which the caller does not keep) made to last.
OwnedPacket Own(std::span<const uint8_t> bytes, const Packet& decoded);

// A call of ours waiting for the peer's answer.
struct PendingCall {
    bool done = false;
    OwnedPacket answer;           // decoded when it arrived
    int32_t failure = 0;          // set instead when the peer went away
};

// One session with a peer device's rpcd, and what travelled on it. The
// tables belong to the session, not to the device: a second session from
// the same device (another process there speaking our protocol) starts
// empty and can reach nothing lent on this one.
struct Peer {
    softbus::SessionId session = 0;
    std::string networkId;
    uint64_t generation = 0;             // never reused, unlike session ids
    bool bound = false;                  // we opened it (Bind), or the peer did
    uint64_t nextIndex = 0;
    std::map<uint64_t, Exported> exports;
    std::map<IRemoteObject*, uint64_t> exportByObject;
    std::set<uint64_t> died;             // exports whose object died (late DECREFs)
    std::map<uint64_t, Imported> imports;
    std::map<uint64_t, RawBlob> blobs;
    uint64_t rawBytes = 0;               // sum of the blobs' totals
    std::map<uint64_t, std::shared_ptr<PendingCall>> pending;
    std::size_t serving = 0;             // its jobs queued or running on the pool
};

class Rpcd : public softbus::SessionListener,
             public std::enable_shared_from_this<Rpcd> {
public:
    Rpcd(std::shared_ptr<softbus::SoftBus> bus, std::string localId, RpcdOptions options);
    ~Rpcd() override;

    Status Start();  // listens on RPC_SESSION_NAME
    // softbusd went away (and with it every session and our session
    // server): drop every peer. Restart() carries on with a new client.
    void DropAll(const char* why);
    Status Restart(std::shared_ptr<softbus::SoftBus> bus);

    // --- for RpcService (binder threads) --------------------------------
    // The SA on device `networkId` as a RemoteStub; null and `err`/`why`
    // on failure.
    sptr<IRemoteObject> GetRemoteSa(const std::string& networkId, int32_t said, int32_t mode,
                                    int32_t timeout, int32_t& err, std::string& why);
    int32_t ListRemoteSa(const std::string& networkId, std::vector<SaEntry>& out,
                         std::string& why);
    std::string Dump();

    // --- for RemoteStub (binder threads) ---------------------------------
    // Forwards a call to object `index` of the peer: `limit` bytes of
    // `data` (the rest is a trailer of ours). Returns the status; fills
    // `reply` for a sync call.
    int Call(softbus::SessionId session, uint64_t generation, uint64_t index, uint32_t code,
             MessageParcel& data, std::size_t limit, MessageParcel& reply, bool oneway,
             int waitSeconds);
    // A RemoteStub is being destroyed: give its references back.
    void StubGone(softbus::SessionId session, uint64_t generation, uint64_t index,
                  RemoteStub* stub, uint32_t received);

    // --- SessionListener (the soft bus client's thread) ------------------
    void OnSessionOpened(const softbus::SessionInfo& session) override;
    void OnBytesReceived(softbus::SessionId session, std::span<const uint8_t> data) override;
    void OnSessionClosed(softbus::SessionId session, softbus::ShutdownReason reason) override;

    // For the death watch of exported SAs.
    void ExportDied(softbus::SessionId session, uint64_t generation, uint64_t index);

private:
    // Under lock_.
    Peer& NewPeerLocked(softbus::SessionId session, const std::string& networkId, bool bound);
    Peer* FindPeerLocked(softbus::SessionId session, uint64_t generation);
    Peer* FindPeerLocked(softbus::SessionId session);
    uint64_t ExportLocked(Peer& peer, const sptr<IRemoteObject>& object, int32_t said,
                          bool& fresh);
    sptr<RemoteStub> ImportLocked(Peer& peer, uint64_t index, int32_t said,
                                  const std::u16string& descriptor);
    uint64_t NextSeq() { return ++seq_; }

    // Our session to `networkId`, opening one if needed.
    Result<softbus::SessionId> SessionFor(const std::string& networkId, uint64_t& generation);
    // Sends and waits for the answer to `packet` (its seq is set here).
    Result<OwnedPacket> Ask(softbus::SessionId session, uint64_t generation,
                                     Packet& packet, int waitMs, int32_t& err);
    Status SendPacket(softbus::SessionId session, const Packet& packet);

    // Parcel <-> body (forward.cc). Encode: objects in `parcel` (the first
    // `limit` bytes) become exports to `peer` and raw blobs sent ahead;
    // returns an ipc_errors.h code.
    int EncodeBody(softbus::SessionId session, MessageParcel& parcel,
                   std::size_t limit, std::vector<uint8_t>& dataOut, Body& body,
                   std::vector<sptr<IRemoteObject>>& exportedRefs, std::string& why);
    // Decode: builds `parcel` from `body` (imports, raw blobs).
    int DecodeBody(softbus::SessionId session, const Body& body, MessageParcel& parcel,
                   std::string& why);
    // A body nobody will read (a late reply): give its objects back.
    void ReleaseBody(softbus::SessionId session, const Body& body);
    void UndoExports(softbus::SessionId session, const std::vector<sptr<IRemoteObject>>& refs);

    void HandlePacket(softbus::SessionId session, std::span<const uint8_t> bytes);
    // Runs `job` on the pool within the session's share; false if refused.
    bool SubmitFor(softbus::SessionId session, std::function<void()> job);
    void ServeTransaction(softbus::SessionId session, const Packet& p);
    void ServeGetSa(softbus::SessionId session, Packet request);
    void ServeListSa(softbus::SessionId session, uint64_t seq);
    void ReceiveChunk(softbus::SessionId session, const Packet& p);
    void ReceiveDecref(softbus::SessionId session, uint64_t index, uint32_t count);
    void ReceiveObituary(softbus::SessionId session, uint64_t index);
    // The session closed: everything imported on it dies, everything
    // exported on it is released, waiting calls fail.
    void DropPeer(softbus::SessionId session, const char* why);
    std::string PeerId(softbus::SessionId session);
    std::shared_ptr<softbus::SoftBus> Bus();

    std::mutex busLock_;  // guards bus_ (replaced when softbusd restarts)
    std::shared_ptr<softbus::SoftBus> bus_;
    const std::string localId_;
    const RpcdOptions options_;
    WorkerPool workers_;

    std::mutex lock_;
    std::condition_variable cond_;  // pending calls, binding
    std::map<softbus::SessionId, Peer> peers_;
    std::map<std::string, softbus::SessionId> bound_;  // our session to each device
    std::set<std::string> binding_;                     // Binds in progress
    uint64_t seq_ = 0;
    uint64_t nextGeneration_ = 1;
    uint64_t nextBlob_ = 1;
    uint64_t callsInFlight_ = 0;
};

// Logs "rpcd: ..." on stderr.
[[gnu::format(printf, 1, 2)]] void Log(const char* format, ...);
// The first 8 characters of a networkId, for logs.
std::string Short(const std::string& networkId);

}  // namespace ipckit::rpc
