// SPDX-License-Identifier: Apache-2.0
//
// rpcd's peers: sessions, the per-peer tables, control packets and the
// remote SA requests. The call path is in forward.cc.
#include "daemon/rpcd.h"

#include <sys/random.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>

#include <ipckit/if_system_ability_manager.h>
#include <ipckit/ipc_errors.h>
#include <ipckit/iservice_registry.h>

#include "daemon/remote_stub.h"
#include "daemon_support.h"
#include "rpc_protocol.h"
#include "rpc_trailer.h"
#include "samgr_distributed.h"

namespace ipckit::rpc {

void Log(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    detail::VLogLine("rpcd", format, args);
    va_end(args);
}

std::string Short(const std::string& networkId)
{
    return networkId.substr(0, 8);
}

namespace {

// Bound sessions get their own listener: it knows the session is ours.
class BoundListener : public softbus::SessionListener {
public:
    explicit BoundListener(std::weak_ptr<Rpcd> rpcd) : rpcd_(std::move(rpcd)) {}
    void OnBytesReceived(softbus::SessionId session, std::span<const uint8_t> data) override
    {
        if (auto r = rpcd_.lock())
            r->OnBytesReceived(session, data);
    }
    void OnSessionClosed(softbus::SessionId session, softbus::ShutdownReason reason) override
    {
        if (auto r = rpcd_.lock())
            r->OnSessionClosed(session, reason);
    }

private:
    std::weak_ptr<Rpcd> rpcd_;
};

// Tells the peer when an SA exported to it dies.
class ExportWatch : public IRemoteObject::DeathRecipient {
public:
    ExportWatch(Rpcd& rpcd, softbus::SessionId session, uint64_t generation, uint64_t index)
        : rpcd_(rpcd), session_(session), generation_(generation), index_(index)
    {
    }
    void OnRemoteDied(const wptr<IRemoteObject>&) override
    {
        rpcd_.ExportDied(session_, generation_, index_);
    }

private:
    Rpcd& rpcd_;
    const softbus::SessionId session_;
    const uint64_t generation_;
    const uint64_t index_;
};

int32_t BindError(const Error& e)
{
    switch (e.code) {
    case softbus::SOFTBUS_ERR_NO_DEVICE: return RPC_ERR_NO_DEVICE;
    case softbus::SOFTBUS_ERR_NOT_TRUSTED: return RPC_ERR_UNTRUSTED_DEVICE;
    case softbus::SOFTBUS_ERR_NO_SERVER: return RPC_ERR_NOT_RUNNING;
    case softbus::SOFTBUS_ERR_NOT_RUNNING: return RPC_ERR_NOT_RUNNING;
    default: return RPC_BASE_INVOKER_SEND_FAILED;
    }
}

}  // namespace

Rpcd::Rpcd(std::shared_ptr<softbus::SoftBus> bus, std::string localId, RpcdOptions options)
    : bus_(std::move(bus)),
      localId_(std::move(localId)),
      options_(options),
      workers_(options.workers, options.maxQueued)
{
}

Rpcd::~Rpcd() = default;

Status Rpcd::Start()
{
    return Bus()->Listen(RPC_SESSION_NAME, shared_from_this());
}

std::shared_ptr<softbus::SoftBus> Rpcd::Bus()
{
    std::lock_guard<std::mutex> guard(busLock_);
    return bus_;
}

Status Rpcd::Restart(std::shared_ptr<softbus::SoftBus> bus)
{
    {
        std::lock_guard<std::mutex> guard(busLock_);
        bus_ = std::move(bus);
    }
    return Start();
}

void Rpcd::DropAll(const char* why)
{
    std::vector<softbus::SessionId> sessions;
    {
        std::lock_guard<std::mutex> guard(lock_);
        for (auto& [session, peer] : peers_)
            sessions.push_back(session);
    }
    for (auto s : sessions)
        DropPeer(s, why);
}

Peer& Rpcd::NewPeerLocked(softbus::SessionId session, const std::string& networkId, bool bound)
{
    Peer& p = peers_[session];
    p.session = session;
    p.networkId = networkId;
    p.bound = bound;
    p.generation = nextGeneration_++;
    // A random start: a peer cannot guess what was lent on another session.
    uint64_t start = 0;
    if (::getrandom(&start, sizeof(start), 0) != sizeof(start))
        start = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    p.nextIndex = (start >> 1) | 1;
    return p;
}

Peer* Rpcd::FindPeerLocked(softbus::SessionId session, uint64_t generation)
{
    auto it = peers_.find(session);
    if (it == peers_.end() || it->second.generation != generation)
        return nullptr;
    return &it->second;
}

Peer* Rpcd::FindPeerLocked(softbus::SessionId session)
{
    auto it = peers_.find(session);
    return it == peers_.end() ? nullptr : &it->second;
}

std::string Rpcd::PeerId(softbus::SessionId session)
{
    std::lock_guard<std::mutex> guard(lock_);
    Peer* p = FindPeerLocked(session);
    return p ? Short(p->networkId) : "?";
}

uint64_t Rpcd::ExportLocked(Peer& peer, const sptr<IRemoteObject>& object, int32_t said,
                            bool& fresh)
{
    auto it = peer.exportByObject.find(object.GetRefPtr());
    if (it != peer.exportByObject.end()) {
        Exported& e = peer.exports[it->second];
        e.sent++;
        if (said >= 0)
            e.said = said;
        fresh = false;
        return it->second;
    }
    uint64_t index = peer.nextIndex++;
    Exported& e = peer.exports[index];
    e.object = object;
    e.sent = 1;
    e.said = said;
    peer.exportByObject[object.GetRefPtr()] = index;
    fresh = true;
    return index;
}

sptr<RemoteStub> Rpcd::ImportLocked(Peer& peer, uint64_t index, int32_t said,
                                    const std::u16string& descriptor)
{
    auto it = peer.imports.find(index);
    if (it != peer.imports.end()) {
        sptr<RemoteStub> stub = it->second.weak.promote();
        if (stub) {
            stub->Received();
            return stub;
        }
    }
    auto stub = MakeSptr<RemoteStub>(*this, peer.session, peer.networkId, peer.generation, index,
                                     said, descriptor);
    peer.imports[index] = Imported{stub.GetRefPtr(), wptr<RemoteStub>(stub)};
    return stub;
}

void Rpcd::StubGone(softbus::SessionId session, uint64_t generation, uint64_t index,
                    RemoteStub* stub, uint32_t received)
{
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session, generation);
        if (!peer)
            return;  // that session is gone: nothing to give back
        auto it = peer->imports.find(index);
        if (it != peer->imports.end() && it->second.stub == stub)
            peer->imports.erase(it);
    }
    Packet p;
    p.type = PacketType::DECREF;
    p.stubIndex = index;
    p.count = received;
    (void)SendPacket(session, p);
}

Status Rpcd::SendPacket(softbus::SessionId session, const Packet& packet)
{
    std::string why;
    std::vector<uint8_t> bytes = EncodePacket(packet, &why);
    if (bytes.empty())
        return Error{RPC_BASE_INVOKER_WRITE_TRANS_ERR, "cannot encode " +
                                                           std::string(ToString(packet.type)) +
                                                           ": " + why};
    return Bus()->Send(session, bytes);
}

Result<softbus::SessionId> Rpcd::SessionFor(const std::string& networkId, uint64_t& generation)
{
    {
        std::unique_lock<std::mutex> guard(lock_);
        for (;;) {
            auto it = bound_.find(networkId);
            if (it != bound_.end()) {
                if (Peer* p = FindPeerLocked(it->second)) {
                    generation = p->generation;
                    return it->second;
                }
                bound_.erase(it);
            }
            if (!binding_.count(networkId)) {
                binding_.insert(networkId);
                break;
            }
            cond_.wait(guard);
        }
    }
    auto listener = std::make_shared<BoundListener>(weak_from_this());
    auto bound = Bus()->Bind(networkId, RPC_SESSION_NAME, listener, 5000);
    std::lock_guard<std::mutex> guard(lock_);
    binding_.erase(networkId);
    cond_.notify_all();
    if (!bound) {
        int32_t code = BindError(bound.error());
        if (code == RPC_ERR_NOT_RUNNING)
            return Error{code, "rpcd is not running on device " + Short(networkId) + " (" +
                                   bound.error().message + ")"};
        return Error{code, bound.error().message};
    }
    Peer& peer = NewPeerLocked(*bound, networkId, true);
    bound_[networkId] = *bound;
    generation = peer.generation;
    Log("session to %s open", Short(networkId).c_str());
    return *bound;
}

Result<OwnedPacket> Rpcd::Ask(softbus::SessionId session, uint64_t generation,
                                       Packet& packet, int waitMs, int32_t& err)
{
    auto call = std::make_shared<PendingCall>();
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session, generation);
        if (!peer) {
            err = RPC_BASE_INVOKER_SEND_FAILED;
            return Error{err, "the session to the device closed"};
        }
        packet.seq = NextSeq();
        peer->pending[packet.seq] = call;
    }
    auto forget = [&] {
        std::lock_guard<std::mutex> guard(lock_);
        if (Peer* peer = FindPeerLocked(session, generation))
            peer->pending.erase(packet.seq);
    };
    auto sent = SendPacket(session, packet);
    if (!sent) {
        forget();
        err = sent.error().code == RPC_BASE_INVOKER_WRITE_TRANS_ERR ? sent.error().code
                                                                    : RPC_BASE_INVOKER_SEND_FAILED;
        return Error{err, sent.error().message};
    }
    std::unique_lock<std::mutex> guard(lock_);
    bool answered = cond_.wait_for(guard, std::chrono::milliseconds(waitMs),
                                   [&] { return call->done; });
    if (!answered) {
        guard.unlock();
        forget();
        err = RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT;
        return Error{err, "no answer within " + std::to_string(waitMs / 1000) + " s"};
    }
    if (call->failure) {
        err = call->failure;
        return Error{err, "the device went away"};
    }
    err = ERR_NONE;
    return std::move(call->answer);
}

sptr<IRemoteObject> Rpcd::GetRemoteSa(const std::string& networkId, int32_t said, int32_t mode,
                                      int32_t timeout, int32_t& err, std::string& why)
{
    auto fail = [&](int32_t code, std::string text) -> sptr<IRemoteObject> {
        err = code;
        why = std::move(text);
        Log("SA %d on %s: %s", said, Short(networkId).c_str(), why.c_str());
        return nullptr;
    };
    if (!detail::IsRpcNetworkId(networkId))
        return fail(RPC_ERR_NO_DEVICE, "'" + networkId + "' is not a networkId");
    if (networkId == localId_)
        return fail(RPC_ERR_NO_DEVICE, "that is this device (ask samgr directly)");
    auto devices = Bus()->GetDevices();
    if (!devices)
        return fail(RPC_ERR_NOT_RUNNING, "softbusd: " + devices.error().message);
    const softbus::DeviceInfo* device = nullptr;
    for (const auto& d : *devices)
        if (d.networkId == networkId)
            device = &d;
    if (!device || !device->online)
        return fail(RPC_ERR_NO_DEVICE, "no such device online");
    if (!device->trusted)
        return fail(RPC_ERR_UNTRUSTED_DEVICE, "the device is not trusted (" + device->state + ")");
    uint64_t generation = 0;
    auto session = SessionFor(networkId, generation);
    if (!session)
        return fail(session.error().code, session.error().message);

    Packet p;
    p.type = PacketType::GET_SA;
    p.said = said;
    p.mode = mode;
    p.timeout = timeout;
    int waitMs = mode == detail::RPC_MODE_LOAD ? (timeout + 5) * 1000
               : mode == detail::RPC_MODE_GET  ? ISystemAbilityManager::GET_WAIT_MS + 8000
                                               : 8000;
    auto answer = Ask(*session, generation, p, waitMs, err);
    if (!answer)
        return fail(err, answer.error().message);
    const Packet& r = answer->packet;
    if (r.type != PacketType::SA_REPLY)
        return fail(RPC_BASE_INVOKER_INVALID_REPLY_ERR,
                    std::string("malformed answer: a ") + ToString(r.type) + " packet");
    if (r.status != ERR_NONE)
        return fail(r.status, r.text.empty() ? ErrorString(r.status) : r.text);
    std::lock_guard<std::mutex> guard(lock_);
    Peer* peer = FindPeerLocked(*session, generation);
    if (!peer)
        return fail(RPC_BASE_INVOKER_SEND_FAILED, "the device went away");
    err = ERR_NONE;
    return ImportLocked(*peer, r.stubIndex, said, r.descriptor);
}

int32_t Rpcd::ListRemoteSa(const std::string& networkId, std::vector<SaEntry>& out,
                           std::string& why)
{
    int32_t err = ERR_NONE;
    if (!detail::IsRpcNetworkId(networkId) || networkId == localId_) {
        why = "'" + networkId + "' is not another device's networkId";
        return RPC_ERR_NO_DEVICE;
    }
    uint64_t generation = 0;
    auto session = SessionFor(networkId, generation);
    if (!session) {
        why = session.error().message;
        return session.error().code;
    }
    Packet p;
    p.type = PacketType::LIST_SA;
    auto answer = Ask(*session, generation, p, 8000, err);
    if (!answer) {
        why = answer.error().message;
        return err;
    }
    Packet& r = answer->packet;
    if (r.type != PacketType::LIST_REPLY) {
        why = std::string("malformed answer: a ") + ToString(r.type) + " packet";
        return RPC_BASE_INVOKER_INVALID_REPLY_ERR;
    }
    if (r.status != ERR_NONE) {
        why = r.text;
        return r.status;
    }
    out = std::move(r.entries);
    return ERR_NONE;
}

std::string Rpcd::Dump()
{
    std::lock_guard<std::mutex> guard(lock_);
    std::set<std::string> devices;
    std::size_t exported = 0, imported = 0, raw = 0;
    std::string detail;
    for (auto& [session, p] : peers_) {
        devices.insert(p.networkId);
        exported += p.exports.size();
        imported += p.imports.size();
        raw += p.blobs.size();
        detail += "session " + std::to_string(session) + (p.bound ? " to " : " from ") +
                  p.networkId + " exported=" + std::to_string(p.exports.size()) +
                  " imported=" + std::to_string(p.imports.size()) +
                  " pending=" + std::to_string(p.pending.size()) + "\n";
        for (auto& [index, e] : p.exports)
            detail += "  export " + std::to_string(index) + " sa=" + std::to_string(e.said) +
                      " sent=" + std::to_string(e.sent) + "\n";
    }
    return "rpcd: peers=" + std::to_string(devices.size()) +
           " exported=" + std::to_string(exported) + " imported=" + std::to_string(imported) +
           " calls=" + std::to_string(callsInFlight_) + " raw=" + std::to_string(raw) +
           " sessions=" + std::to_string(peers_.size()) + "\n" + detail;
}

// --- sessions -------------------------------------------------------------

void Rpcd::OnSessionOpened(const softbus::SessionInfo& session)
{
    std::lock_guard<std::mutex> guard(lock_);
    NewPeerLocked(session.id, session.peerNetworkId, false);
    Log("session from %s", Short(session.peerNetworkId).c_str());
}

void Rpcd::OnBytesReceived(softbus::SessionId session, std::span<const uint8_t> data)
{
    HandlePacket(session, data);
}

void Rpcd::OnSessionClosed(softbus::SessionId session, softbus::ShutdownReason reason)
{
    DropPeer(session, softbus::ToString(reason));
}

void Rpcd::DropPeer(softbus::SessionId session, const char* why)
{
    Peer gone;
    std::vector<sptr<RemoteStub>> stubs;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = peers_.find(session);
        if (it == peers_.end())
            return;
        gone = std::move(it->second);
        peers_.erase(it);
        auto b = bound_.find(gone.networkId);
        if (b != bound_.end() && b->second == session)
            bound_.erase(b);
        for (auto& [index, imp] : gone.imports)
            if (auto s = imp.weak.promote())
                stubs.push_back(s);
        for (auto& [seq, call] : gone.pending) {
            call->done = true;
            call->failure = ERR_DEAD_OBJECT;
        }
        cond_.notify_all();
    }
    Log("session %s %s closed (%s): %zu remote objects die, %zu exported released",
        gone.bound ? "to" : "from", Short(gone.networkId).c_str(), why, stubs.size(),
        gone.exports.size());
    (void)Bus()->Shutdown(session);
    for (auto& s : stubs)
        s->MarkDead();
    for (auto& [index, e] : gone.exports)
        if (e.watch)
            e.object->RemoveDeathRecipient(e.watch);
    // `gone` (its exported references, blobs) is released here, unlocked.
}

// --- control packets (the soft bus client's thread) -------------------------

void Rpcd::ReceiveDecref(softbus::SessionId session, uint64_t index, uint32_t count)
{
    Exported released;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return;
        auto it = peer->exports.find(index);
        if (it == peer->exports.end()) {
            if (peer->died.erase(index))
                return;  // the stand-in of a dead object let go: expected
            Log("%s gave back object %llu it was never lent (ignored)",
                Short(peer->networkId).c_str(), static_cast<unsigned long long>(index));
            return;
        }
        if (count > it->second.sent) {
            Log("%s gave back %u references to object %llu, it holds %llu (released all)",
                Short(peer->networkId).c_str(), count, static_cast<unsigned long long>(index),
                static_cast<unsigned long long>(it->second.sent));
            count = static_cast<uint32_t>(it->second.sent);
        }
        it->second.sent -= count;
        if (it->second.sent)
            return;
        released = std::move(it->second);
        peer->exportByObject.erase(released.object.GetRefPtr());
        peer->exports.erase(it);
    }
    if (released.watch)
        released.object->RemoveDeathRecipient(released.watch);
}

void Rpcd::ReceiveObituary(softbus::SessionId session, uint64_t index)
{
    sptr<RemoteStub> stub;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return;
        auto it = peer->imports.find(index);
        if (it != peer->imports.end())
            stub = it->second.weak.promote();
    }
    if (stub) {
        Log("SA %d on %s died", stub->Said(), Short(stub->Peer()).c_str());
        stub->MarkDead();
    }
}

void Rpcd::ExportDied(softbus::SessionId session, uint64_t generation, uint64_t index)
{
    Exported dead;
    std::string device;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session, generation);
        if (!peer)
            return;
        auto it = peer->exports.find(index);
        if (it == peer->exports.end())
            return;
        dead = std::move(it->second);
        peer->exportByObject.erase(dead.object.GetRefPtr());
        peer->exports.erase(it);
        peer->died.insert(index);
        device = peer->networkId;
    }
    Log("SA %d lent to %s died: telling it", dead.said, Short(device).c_str());
    Packet p;
    p.type = PacketType::OBITUARY;
    p.stubIndex = index;
    (void)SendPacket(session, p);
}

void Rpcd::ServeGetSa(softbus::SessionId session, Packet request)
{
    Packet r;
    r.type = PacketType::SA_REPLY;
    r.seq = request.seq;
    int32_t err = ERR_NONE;
    std::string why;
    std::string device = PeerId(session);
    sptr<IRemoteObject> object;
    auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (!samgr) {
        err = RPC_ERR_NO_SYSTEM_ABILITY;
        why = "samgr is not running there";
    } else {
        // A peer's word for how long to wait is bounded here.
        int32_t timeout = std::clamp(request.timeout, 0, options_.maxLoadSeconds);
        object = GetDistributedSystemAbility(samgr->AsObject(), request.said, request.mode,
                                             timeout, err, why);
    }
    if (object) {
        bool fresh = false;
        uint64_t generation = 0;
        {
            std::lock_guard<std::mutex> guard(lock_);
            Peer* peer = FindPeerLocked(session);
            if (!peer)
                return;  // gone meanwhile: nobody to answer
            r.stubIndex = ExportLocked(*peer, object, request.said, fresh);
            generation = peer->generation;
        }
        if (fresh) {
            auto watch = MakeSptr<ExportWatch>(*this, session, generation, r.stubIndex);
            if (object->AddDeathRecipient(watch)) {
                std::lock_guard<std::mutex> guard(lock_);
                if (Peer* peer = FindPeerLocked(session, generation)) {
                    auto it = peer->exports.find(r.stubIndex);
                    if (it != peer->exports.end())
                        it->second.watch = watch;
                }
            }
        }
        r.descriptor = object->GetInterfaceDescriptor();
        Log("SA %d lent to %s as object %llu", request.said, device.c_str(),
            static_cast<unsigned long long>(r.stubIndex));
    } else {
        r.status = err ? err : RPC_ERR_NO_SYSTEM_ABILITY;
        r.text = why;
        Log("SA %d refused to %s: %s", request.said, device.c_str(), why.c_str());
    }
    if (!SendPacket(session, r) && object)
        ReceiveDecref(session, r.stubIndex, 1);
}

void Rpcd::ServeListSa(softbus::SessionId session, uint64_t seq)
{
    Packet r;
    r.type = PacketType::LIST_REPLY;
    r.seq = seq;
    auto samgr = SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    std::vector<SystemAbilityInfo> infos;
    std::string why;
    int32_t err = samgr ? ListDistributedSystemAbilities(samgr->AsObject(), infos, why)
                        : RPC_ERR_NOT_RUNNING;
    r.status = err;
    r.text = why;
    if (err == ERR_NONE)
        for (auto& i : infos)
            r.entries.push_back(SaEntry{i.id, i.descriptor});
    Log("%s listed the distributed SAs: %zu", PeerId(session).c_str(), r.entries.size());
    (void)SendPacket(session, r);
}

}  // namespace ipckit::rpc
