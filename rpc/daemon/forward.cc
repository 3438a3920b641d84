// SPDX-License-Identifier: Apache-2.0
//
// rpcd's call path: a parcel from the driver becomes an RPC packet (its
// objects exported to the peer, raw data sent ahead in chunks), and a
// packet from the peer becomes a parcel for a real stub (its objects
// imported as RemoteStubs, raw data as a sealed memfd). Also the dispatch
// of every received packet.
#include <fcntl.h>
#include <linux/ipckit.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <ipckit/ipc_errors.h>
#include <ipckit/ipc_skeleton.h>

#include "daemon/remote_stub.h"
#include "daemon/rpcd.h"
#include "rpc_protocol.h"

namespace ipckit::rpc {

using detail::RPC_RAW_DATA_COOKIE;
using detail::RpcForwardTrailer;

namespace {

// Sends the memfd's bytes as RAW_CHUNKs of blob `blob`.
int SendRawData(softbus::SoftBus& bus, softbus::SessionId session, int fd, uint64_t blob,
                uint64_t& size, std::string& why)
{
    struct stat st{};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0 ||
        static_cast<uint64_t>(st.st_size) > MAX_RAW_DATA) {
        why = "raw data of an unusable size";
        return RPC_BASE_INVOKER_WRITE_TRANS_ERR;
    }
    size = static_cast<uint64_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        why = std::string("cannot map the raw data: ") + std::strerror(errno);
        return RPC_BASE_INVOKER_WRITE_TRANS_ERR;
    }
    int err = ERR_NONE;
    const auto* bytes = static_cast<const uint8_t*>(map);
    for (uint64_t off = 0; off < size && err == ERR_NONE; off += RAW_CHUNK_BYTES) {
        Packet p;
        p.type = PacketType::RAW_CHUNK;
        p.blob = blob;
        p.total = size;
        p.chunkOffset = off;
        p.chunk = std::span<const uint8_t>(bytes + off,
                                           std::min<uint64_t>(RAW_CHUNK_BYTES, size - off));
        std::vector<uint8_t> encoded = EncodePacket(p, &why);
        if (encoded.empty()) {
            err = RPC_BASE_INVOKER_WRITE_TRANS_ERR;
        } else if (auto sent = bus.Send(session, encoded); !sent) {
            why = sent.error().message;
            err = RPC_BASE_INVOKER_SEND_FAILED;
        }
    }
    ::munmap(map, size);
    return err;
}

}  // namespace

int Rpcd::EncodeBody(softbus::SessionId session, MessageParcel& parcel, std::size_t limit,
                     std::vector<uint8_t>& dataOut, Body& body,
                     std::vector<sptr<IRemoteObject>>& exportedRefs, std::string& why)
{
    std::string networkId;
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (Peer* peer = FindPeerLocked(session))
            networkId = peer->networkId;
    }
    const auto* data = reinterpret_cast<const uint8_t*>(parcel.GetData());
    dataOut.assign(data, data + limit);
    body.objects.clear();

    // First every object's kind, so nothing is exported or sent for a
    // call that is refused.
    struct Planned {
        uint64_t offset;
        flat_binder_object fbo;
    };
    std::vector<Planned> planned;
    for (uint64_t offset : parcel.GetObjectOffsets()) {
        if (offset + sizeof(flat_binder_object) > limit)
            continue;  // in our trailer: not the caller's
        Planned p{offset, {}};
        std::memcpy(&p.fbo, data + offset, sizeof(p.fbo));
        switch (p.fbo.hdr.type) {
        case BINDER_TYPE_HANDLE:
        case BINDER_TYPE_WEAK_HANDLE:
            break;
        case BINDER_TYPE_BINDER:
        case BINDER_TYPE_WEAK_BINDER: {
            // An object of this process: a RemoteStub (a proxy of a remote
            // object, passed on) or rpcd's own service. Neither may travel.
            auto* stub = reinterpret_cast<IPCObjectStub*>(p.fbo.cookie);
            auto* remote = dynamic_cast<RemoteStub*>(stub);
            if (remote && remote->Peer() == networkId)
                why = "a proxy of an object of device " + Short(networkId) +
                      " cannot be passed back to it";
            else if (remote)
                why = "a proxy of an object of device " + Short(remote->Peer()) +
                      " cannot be passed to another device";
            else
                why = "rpcd's own object cannot be passed to another device";
            return RPC_ERR_PROXY_NOT_TRANSFERABLE;
        }
        case BINDER_TYPE_FD:
            if (p.fbo.cookie != RPC_RAW_DATA_COOKIE) {
                why = "a file descriptor or ashmem at offset " + std::to_string(offset) +
                      " cannot be sent to another device";
                return RPC_ERR_FD_NOT_ALLOWED;
            }
            break;
        default:
            why = "object type " + std::to_string(p.fbo.hdr.type) + " at offset " +
                  std::to_string(offset) + " cannot be sent to another device";
            return RPC_ERR_FD_NOT_ALLOWED;
        }
        planned.push_back(p);
    }
    if (planned.size() > MAX_OBJECTS) {
        why = std::to_string(planned.size()) + " objects, at most " +
              std::to_string(MAX_OBJECTS) + " per call";
        return RPC_BASE_INVOKER_WRITE_TRANS_ERR;
    }
    if (BodyPacketSize(limit, planned.size()) > RPC_MAX_PACKET) {
        why = std::to_string(limit) + " bytes of data do not fit the " +
              std::to_string(RPC_MAX_PACKET) + "-byte packet (WriteRawData carries more)";
        return RPC_ERR_PACKET_TOO_BIG;
    }

    for (const Planned& p : planned) {
        Object o;
        o.offset = static_cast<uint32_t>(p.offset);
        std::memset(dataOut.data() + p.offset, 0, sizeof(flat_binder_object));
        if (p.fbo.hdr.type == BINDER_TYPE_FD) {
            uint64_t blob = 0;
            {
                std::lock_guard<std::mutex> guard(lock_);
                blob = nextBlob_++;
            }
            uint64_t size = 0;
            int err = SendRawData(*Bus(), session, static_cast<int>(p.fbo.handle), blob, size, why);
            if (err != ERR_NONE) {
                UndoExports(session, exportedRefs);
                exportedRefs.clear();
                return err;
            }
            o.kind = ObjectKind::OBJ_RAW;
            o.value = blob;
            o.size = size;
        } else {
            parcel.RewindRead(p.offset);
            sptr<IRemoteObject> object = parcel.ReadRemoteObject();
            if (!object) {
                why = "the object at offset " + std::to_string(p.offset) + " cannot be read";
                UndoExports(session, exportedRefs);
                exportedRefs.clear();
                return RPC_BASE_INVOKER_TRANSLATE_ERR;
            }
            bool fresh = false;
            bool dead = false;
            {
                std::lock_guard<std::mutex> guard(lock_);
                Peer* peer = FindPeerLocked(session);
                if (!peer) {
                    why = "the device went away";
                    dead = true;
                } else {
                    o.value = ExportLocked(*peer, object, -1, fresh);
                }
            }
            if (dead) {
                UndoExports(session, exportedRefs);
                exportedRefs.clear();
                return ERR_DEAD_OBJECT;
            }
            o.kind = ObjectKind::OBJ_REMOTE;
            exportedRefs.push_back(object);
        }
        body.objects.push_back(o);
    }
    body.data = dataOut;
    return ERR_NONE;
}

void Rpcd::UndoExports(softbus::SessionId session, const std::vector<sptr<IRemoteObject>>& refs)
{
    std::vector<uint64_t> indices;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return;
        for (auto& r : refs) {
            auto e = peer->exportByObject.find(r.GetRefPtr());
            if (e != peer->exportByObject.end())
                indices.push_back(e->second);
        }
    }
    for (uint64_t index : indices)
        ReceiveDecref(session, index, 1);
}

int Rpcd::DecodeBody(softbus::SessionId session, const Body& body, MessageParcel& parcel,
                     std::string& why)
{
    parcel.SetMaxCapacity(RPC_MAX_PACKET + 4096);
    std::size_t pos = 0;
    auto copyUpTo = [&](std::size_t end) {
        if (end > pos && !parcel.WriteBuffer(body.data.data() + pos, end - pos))
            return false;
        pos = end;
        return true;
    };
    for (const Object& o : body.objects) {
        if (!copyUpTo(o.offset)) {
            why = "cannot build the parcel";
            return ERR_ALLOC_MEMORY;
        }
        bool ok = false;
        switch (o.kind) {
        case ObjectKind::OBJ_NULL:
            ok = parcel.WriteRemoteObject(nullptr);
            break;
        case ObjectKind::OBJ_REMOTE: {
            sptr<RemoteStub> stub;
            {
                std::lock_guard<std::mutex> guard(lock_);
                Peer* peer = FindPeerLocked(session);
                if (!peer) {
                    why = "the device went away";
                    return ERR_DEAD_OBJECT;
                }
                stub = ImportLocked(*peer, o.value, -1, u"");
            }
            ok = parcel.WriteRemoteObject(sptr<IRemoteObject>(stub));
            break;
        }
        case ObjectKind::OBJ_RAW: {
            UniqueFd fd;
            {
                std::lock_guard<std::mutex> guard(lock_);
                if (Peer* peer = FindPeerLocked(session)) {
                    auto b = peer->blobs.find(o.value);
                    if (b != peer->blobs.end() && b->second.received == b->second.total &&
                        b->second.total == o.size) {
                        fd = std::move(b->second.fd);
                        peer->rawBytes -= b->second.total;
                        peer->blobs.erase(b);
                    }
                }
            }
            if (!fd.valid()) {
                why = "raw data " + std::to_string(o.value) + " is missing or incomplete";
                return RPC_BASE_INVOKER_TRANSLATE_ERR;
            }
            // Sealed: the receiving library maps it read-only and trusts
            // its size.
            ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
            flat_binder_object fbo{};
            fbo.hdr.type = BINDER_TYPE_FD;
            fbo.handle = static_cast<__u32>(fd.get());
            fbo.cookie = RPC_RAW_DATA_COOKIE;
            ok = parcel.WriteFlatObject(&fbo, sizeof(fbo));
            if (ok)
                parcel.HoldFd(fd.release());
            break;
        }
        }
        if (!ok) {
            why = "cannot write object at offset " + std::to_string(o.offset);
            return ERR_ALLOC_MEMORY;
        }
        pos = o.offset + OBJECT_SLOT;
    }
    if (!copyUpTo(body.data.size())) {
        why = "cannot build the parcel";
        return ERR_ALLOC_MEMORY;
    }
    return ERR_NONE;
}

void Rpcd::ReleaseBody(softbus::SessionId session, const Body& body)
{
    std::vector<uint64_t> give;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return;
        for (const Object& o : body.objects) {
            if (o.kind == ObjectKind::OBJ_REMOTE) {
                give.push_back(o.value);
            } else if (o.kind == ObjectKind::OBJ_RAW) {
                auto b = peer->blobs.find(o.value);
                if (b != peer->blobs.end()) {
                    peer->rawBytes -= b->second.total;
                    peer->blobs.erase(b);
                }
            }
        }
    }
    // References we never turned into stubs go straight back.
    for (uint64_t index : give) {
        Packet p;
        p.type = PacketType::DECREF;
        p.stubIndex = index;
        p.count = 1;
        (void)SendPacket(session, p);
    }
}

int Rpcd::Call(softbus::SessionId session, uint64_t generation, uint64_t index, uint32_t code,
               MessageParcel& data, std::size_t limit, MessageParcel& reply, bool oneway,
               int waitSeconds)
{
    std::string device;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session, generation);
        if (!peer)
            return ERR_DEAD_OBJECT;  // the session closed since the stub was made
        device = Short(peer->networkId);
    }
    Packet p;
    p.type = PacketType::TRANSACTION;
    p.stubIndex = index;
    p.code = code;
    p.flags = oneway ? MessageOption::TF_ASYNC : MessageOption::TF_SYNC;
    p.callerPid = IPCSkeleton::GetCallingPid();
    p.callerUid = IPCSkeleton::GetCallingUid();
    std::vector<uint8_t> bytes;
    std::vector<sptr<IRemoteObject>> exported;
    std::string why;
    int err = EncodeBody(session, data, limit, bytes, p.body, exported, why);
    if (err != ERR_NONE) {
        Log("call %u from pid %d to object %llu of %s refused: %s (%s)", code,
            IPCSkeleton::GetCallingPid(), static_cast<unsigned long long>(index), device.c_str(),
            why.c_str(), ErrorString(err));
        return err;
    }

    auto call = std::make_shared<PendingCall>();
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session, generation);
        if (!peer)
            return ERR_DEAD_OBJECT;
        p.seq = NextSeq();
        if (!oneway)
            peer->pending[p.seq] = call;
        callsInFlight_++;
    }
    auto finish = [&] {
        std::lock_guard<std::mutex> guard(lock_);
        callsInFlight_--;
        if (Peer* peer = FindPeerLocked(session, generation))
            peer->pending.erase(p.seq);
    };
    auto sent = SendPacket(session, p);
    if (!sent) {
        finish();
        UndoExports(session, exported);
        Log("call %u to %s not sent: %s", code, device.c_str(), sent.error().message.c_str());
        return RPC_BASE_INVOKER_SEND_FAILED;
    }
    if (oneway) {
        finish();
        return ERR_NONE;
    }
    {
        std::unique_lock<std::mutex> guard(lock_);
        bool answered = cond_.wait_for(guard, std::chrono::seconds(waitSeconds),
                                       [&] { return call->done; });
        if (!answered) {
            guard.unlock();
            finish();
            Log("call %u to object %llu of %s: no reply within %d s", code,
                static_cast<unsigned long long>(index), device.c_str(), waitSeconds);
            return RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT;
        }
    }
    finish();
    if (call->failure)
        return call->failure;
    const Packet& r = call->answer.packet;
    if (r.type != PacketType::REPLY) {
        Log("reply from %s dropped: a %s packet", device.c_str(), ToString(r.type));
        return RPC_BASE_INVOKER_INVALID_REPLY_ERR;
    }
    if (r.status != ERR_NONE) {
        ReleaseBody(session, r.body);
        return r.status;
    }
    err = DecodeBody(session, r.body, reply, why);
    if (err != ERR_NONE)
        Log("reply from %s cannot be delivered: %s", device.c_str(), why.c_str());
    return err;
}

// --- the peer's packets -----------------------------------------------------

OwnedPacket Own(std::span<const uint8_t> bytes, const Packet& decoded)
{
    OwnedPacket o;
    o.bytes.assign(bytes.begin(), bytes.end());
    o.packet = decoded;
    auto rebase = [&](std::span<const uint8_t> s) {
        return s.empty() ? std::span<const uint8_t>()
                         : std::span<const uint8_t>(o.bytes.data() + (s.data() - bytes.data()),
                                                    s.size());
    };
    o.packet.body.data = rebase(decoded.body.data);
    o.packet.chunk = rebase(decoded.chunk);
    return o;
}

bool Rpcd::SubmitFor(softbus::SessionId session, std::function<void()> job)
{
    uint64_t generation = 0;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return false;
        if (peer->serving >= options_.maxPerSession) {
            Log("request from %s refused: %zu of its requests are being served",
                Short(peer->networkId).c_str(), peer->serving);
            return false;
        }
        peer->serving++;
        generation = peer->generation;
    }
    auto self = shared_from_this();
    auto done = [self, session, generation] {
        std::lock_guard<std::mutex> guard(self->lock_);
        if (Peer* peer = self->FindPeerLocked(session, generation))
            peer->serving--;
    };
    bool queued = workers_.Submit([job = std::move(job), done] {
        job();
        done();
    });
    if (!queued) {
        Log("request from %s refused: %zu requests queued", PeerId(session).c_str(),
            workers_.Queued());
        done();
    }
    return queued;
}

void Rpcd::HandlePacket(softbus::SessionId session, std::span<const uint8_t> bytes)
{
    Packet p;
    std::string why;
    if (!DecodePacket(bytes, p, why)) {
        Log("packet of %zu bytes from %s dropped: %s", bytes.size(), PeerId(session).c_str(),
            why.c_str());
        return;
    }
    switch (p.type) {
    case PacketType::GET_SA: {
        auto self = shared_from_this();
        if (!SubmitFor(session, [self, session, p] { self->ServeGetSa(session, p); })) {
            Packet r;
            r.type = PacketType::SA_REPLY;
            r.seq = p.seq;
            r.status = RPC_ERR_BUSY;
            r.text = "too many requests from this session";
            (void)SendPacket(session, r);
        }
        return;
    }
    case PacketType::LIST_SA: {
        auto self = shared_from_this();
        uint64_t seq = p.seq;
        if (!SubmitFor(session, [self, session, seq] { self->ServeListSa(session, seq); })) {
            Packet r;
            r.type = PacketType::LIST_REPLY;
            r.seq = seq;
            r.status = RPC_ERR_BUSY;
            r.text = "too many requests from this session";
            (void)SendPacket(session, r);
        }
        return;
    }
    case PacketType::SA_REPLY:
    case PacketType::LIST_REPLY:
    case PacketType::REPLY: {
        std::lock_guard<std::mutex> guard(lock_);
        if (Peer* peer = FindPeerLocked(session)) {
            auto it = peer->pending.find(p.seq);
            if (it != peer->pending.end()) {
                it->second->answer = Own(bytes, p);
                it->second->done = true;
                peer->pending.erase(it);
                cond_.notify_all();
                return;
            }
        }
        break;  // nobody waits (timed out): release below, unlocked
    }
    case PacketType::TRANSACTION:
        if (p.flags & MessageOption::TF_ASYNC) {
            // Here, in arrival order: one-way calls stay in order.
            ServeTransaction(session, p);
        } else {
            auto self = shared_from_this();
            auto owned = std::make_shared<OwnedPacket>(Own(bytes, p));
            if (!SubmitFor(session, [self, session, owned] {
                    self->ServeTransaction(session, owned->packet);
                })) {
                ReleaseBody(session, p.body);
                Packet r;
                r.type = PacketType::REPLY;
                r.seq = p.seq;
                r.status = RPC_ERR_BUSY;
                (void)SendPacket(session, r);
            }
        }
        return;
    case PacketType::RAW_CHUNK:
        ReceiveChunk(session, p);
        return;
    case PacketType::DECREF:
        ReceiveDecref(session, p.stubIndex, p.count);
        return;
    case PacketType::OBITUARY:
        ReceiveObituary(session, p.stubIndex);
        return;
    }
    // An answer nobody waits for.
    if (p.type == PacketType::REPLY) {
        Log("late reply %llu from %s released", static_cast<unsigned long long>(p.seq),
            PeerId(session).c_str());
        ReleaseBody(session, p.body);
    } else if (p.type == PacketType::SA_REPLY && p.status == ERR_NONE) {
        Packet d;
        d.type = PacketType::DECREF;
        d.stubIndex = p.stubIndex;
        d.count = 1;
        (void)SendPacket(session, d);
    }
}

void Rpcd::ReceiveChunk(softbus::SessionId session, const Packet& p)
{
    std::lock_guard<std::mutex> guard(lock_);
    Peer* peer = FindPeerLocked(session);
    if (!peer)
        return;
    const std::string device = Short(peer->networkId);
    auto it = peer->blobs.find(p.blob);
    if (it == peer->blobs.end()) {
        if (p.chunkOffset != 0) {
            Log("raw chunk of unknown blob %llu from %s dropped",
                static_cast<unsigned long long>(p.blob), device.c_str());
            return;
        }
        if (peer->rawBytes + p.total > options_.maxRawPerPeer) {
            Log("raw data of %llu bytes from %s dropped: %llu bytes already pending",
                static_cast<unsigned long long>(p.total), device.c_str(),
                static_cast<unsigned long long>(peer->rawBytes));
            return;
        }
        UniqueFd fd(::memfd_create("ipckit-rpc-raw", MFD_CLOEXEC | MFD_ALLOW_SEALING));
        if (!fd.valid() || ::ftruncate(fd.get(), static_cast<off_t>(p.total)) != 0) {
            Log("raw data of %llu bytes from %s dropped: %s",
                static_cast<unsigned long long>(p.total), device.c_str(), std::strerror(errno));
            return;
        }
        it = peer->blobs.emplace(p.blob, RawBlob{std::move(fd), p.total, 0}).first;
        peer->rawBytes += p.total;
    }
    RawBlob& b = it->second;
    if (p.total != b.total || p.chunkOffset != b.received) {
        Log("raw chunk at %llu of blob %llu from %s out of order: blob dropped",
            static_cast<unsigned long long>(p.chunkOffset),
            static_cast<unsigned long long>(p.blob), device.c_str());
        peer->rawBytes -= b.total;
        peer->blobs.erase(it);
        return;
    }
    ssize_t n = ::pwrite(b.fd.get(), p.chunk.data(), p.chunk.size(),
                         static_cast<off_t>(p.chunkOffset));
    if (n != static_cast<ssize_t>(p.chunk.size())) {
        Log("raw data from %s dropped: cannot store it", device.c_str());
        peer->rawBytes -= b.total;
        peer->blobs.erase(it);
        return;
    }
    b.received += p.chunk.size();
}

void Rpcd::ServeTransaction(softbus::SessionId session, const Packet& p)
{
    std::string why;
    const bool oneway = p.flags & MessageOption::TF_ASYNC;
    std::string networkId;
    sptr<IRemoteObject> target;
    {
        std::lock_guard<std::mutex> guard(lock_);
        Peer* peer = FindPeerLocked(session);
        if (!peer)
            return;
        networkId = peer->networkId;
        auto it = peer->exports.find(p.stubIndex);
        if (it != peer->exports.end())
            target = it->second.object;
    }
    const std::string device = Short(networkId);
    Packet r;
    r.type = PacketType::REPLY;
    r.seq = p.seq;
    auto answer = [&](int status) {
        if (oneway)
            return;
        r.status = status;
        if (status != ERR_NONE)
            r.body = Body{};
        auto sent = SendPacket(session, r);
        if (!sent)
            Log("reply to %s not sent: %s", device.c_str(), sent.error().message.c_str());
    };
    if (!target) {
        Log("call %u from %s to object %llu: no such object lent on that session", p.code,
            device.c_str(), static_cast<unsigned long long>(p.stubIndex));
        ReleaseBody(session, p.body);
        answer(RPC_BASE_INVOKER_STUB_INDEX_ERR);
        return;
    }
    MessageParcel data, reply;
    int err = DecodeBody(session, p.body, data, why);
    if (err != ERR_NONE) {
        Log("call %u from %s cannot be delivered: %s", p.code, device.c_str(), why.c_str());
        answer(err);
        return;
    }
    RpcForwardTrailer t{};
    t.code = p.code;
    t.flags = p.flags;
    std::memcpy(t.networkId, networkId.data(),
                std::min(networkId.size(), sizeof(t.networkId) - 1));
    t.remotePid = p.callerPid;
    t.remoteUid = p.callerUid;
    t.magic = detail::RPC_FORWARD_MAGIC;
    if (!data.WriteBuffer(&t, sizeof(t))) {
        answer(ERR_ALLOC_MEMORY);
        return;
    }
    MessageOption option(oneway ? MessageOption::TF_ASYNC : MessageOption::TF_SYNC);
    err = target->SendRequest(IRemoteObject::RPC_FORWARD_TRANSACTION, data, reply, option);
    if (oneway || err != ERR_NONE) {
        answer(err);
        return;
    }
    std::vector<uint8_t> replyBytes;
    std::vector<sptr<IRemoteObject>> exported;
    err = EncodeBody(session, reply, reply.GetDataSize(), replyBytes, r.body, exported, why);
    if (err != ERR_NONE) {
        Log("reply to call %u from %s refused: %s (%s)", p.code, device.c_str(), why.c_str(),
            ErrorString(err));
        answer(err);
        return;
    }
    r.status = ERR_NONE;
    auto sent = SendPacket(session, r);
    if (!sent) {
        UndoExports(session, exported);
        Log("reply to %s not sent: %s", device.c_str(), sent.error().message.c_str());
    }
}

}  // namespace ipckit::rpc
