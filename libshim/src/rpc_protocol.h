// SPDX-License-Identifier: Apache-2.0
//
// What libipckit and rpcd (rpc/daemon) say to each other over the local
// driver. rpcd is the device's RPC forwarder: a process's proxy of a remote
// object is an ordinary binder proxy of a stand-in stub in rpcd ("remote
// stub"), and a call that reaches a real stub from another device arrives
// from rpcd wrapped in RPC_FORWARD_TRANSACTION. Documentation/rpc.rst has
// the picture; this header is the contract.
//
// rpcd's service (SA RPC_SA_ID in samgr, descriptor RPC_SERVICE_DESCRIPTOR):
//   every request starts with the interface token; every reply with
//     Int32 result, String error text ("" on success)
//   RPC_GET_REMOTE_SA   Int32 said, String networkId, Int32 mode (RpcGetMode),
//                       Int32 timeout (s, LOAD only)      -> RemoteObject
//   RPC_LIST_REMOTE_SA  String networkId                  -> Int32 n, n times:
//                       Int32 said, String16 descriptor (the distributed SAs)
//   RPC_DUMP            (nothing)                         -> String text: rpcd's
//                       tables (peers, exported and imported objects, counts)
//   Remote callers (IsLocalCalling() false) are refused with
//   RPC_ERR_CALLER_NOT_AUTHORIZED.
//
// Reserved codes every object may see (iremote_object.h):
//   RPC_QUERY_TRANSACTION     reply: Int32 isRemote; if 1: String networkId,
//                             Int32 said (-1: an anonymous object). A libipckit
//                             stub answers isRemote 0; rpcd's remote stubs 1.
//   RPC_DEATH_TRANSACTION     to a remote stub: RemoteObject callback, Int32 add
//                             (1 add, 0 remove) -> Int32 result. Refused with
//                             ERR_INVALID_STATE for anonymous objects. When the remote object dies
//                             (its SA's process died, the device went away,
//                             rpcd's session broke) rpcd calls every callback
//                             one-way with RPC_OBITUARY_TRANSACTION (no data).
//   RPC_TIMED_TRANSACTION     to a remote stub: a sync call whose wait time is
//                             not the default: the user's data followed by an
//                             RpcTimedTrailer.
//   RPC_FORWARD_TRANSACTION   from rpcd (sender euid 0 only; others are refused
//                             with ERR_NO_PERMISSION) to a real stub: the remote
//                             caller's data followed by an RpcForwardTrailer. The
//                             stub's library strips the trailer, sets the
//                             calling identity (device, pid -1, uid -1) and
//                             dispatches `code` as if it came directly.
//
// Raw data larger than MessageParcel::kMaxRawDataInline travels as a memfd
// whose flat object's cookie is RPC_RAW_DATA_COOKIE, so rpcd can carry it
// across devices (in chunks) while refusing every other fd.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ipckit::detail {

inline constexpr int32_t RPC_SA_ID = 4701;
inline constexpr char16_t RPC_SERVICE_DESCRIPTOR[] = u"ipckit.IRpcService";

enum : uint32_t {
    RPC_GET_REMOTE_SA = 1,
    RPC_LIST_REMOTE_SA = 2,
    RPC_DUMP = 3,
};

enum RpcGetMode : int32_t {
    RPC_MODE_CHECK = 0,  // registered now, or fail
    RPC_MODE_GET = 1,    // wait (samgr's GET_WAIT_MS) if it is being loaded
    RPC_MODE_LOAD = 2,   // start it on demand there, wait up to timeout
};

inline constexpr uint64_t RPC_RAW_DATA_COOKIE = 0x52415744'41544131ull;  // "RAWDATA1"

// The most data a call to (or reply from) another device may hold:
// rpc/wire/packet.h's RPC_MAX_PACKET. A proxy of a remote object refuses a
// bigger call itself with RPC_ERR_PACKET_TOO_BIG (the local driver could
// not even hand it to rpcd).
inline constexpr std::size_t RPC_MAX_CALL_DATA = std::size_t{1} << 20;

// A networkId is 64 hex characters; the trailers carry it NUL-padded.
inline constexpr std::size_t RPC_NETWORK_ID_BYTES = 68;

inline constexpr uint32_t RPC_FORWARD_MAGIC = 0x52465744;  // "RFWD"
inline constexpr uint32_t RPC_TIMED_MAGIC = 0x5254494d;    // "RTIM"

// At the very end of the data of an RPC_FORWARD_TRANSACTION (4-aligned).
struct RpcForwardTrailer {
    uint32_t code;                            // the caller's code
    uint32_t flags;                           // MessageOption flags it used
    char networkId[RPC_NETWORK_ID_BYTES];     // the calling device
    int32_t remotePid;                        // as the calling device reports
    uint32_t remoteUid;                       // them (not trusted locally)
    uint32_t magic;                           // RPC_FORWARD_MAGIC
};
static_assert(sizeof(RpcForwardTrailer) == 88);

// At the very end of the data of an RPC_TIMED_TRANSACTION.
struct RpcTimedTrailer {
    uint32_t code;      // the caller's code
    int32_t waitTime;   // seconds, MessageOption's
    uint32_t magic;     // RPC_TIMED_MAGIC
};
static_assert(sizeof(RpcTimedTrailer) == 12);

}  // namespace ipckit::detail
