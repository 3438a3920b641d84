// SPDX-License-Identifier: Apache-2.0
//
// How ISystemAbilityManager's calls look on the wire, shared by the proxy
// and the stub so the two cannot drift apart.
//
// Every request starts with the interface token, then the call's
// arguments. Every reply starts with
//     Int32 result, String error text ("" when result is ERR_NONE)
// followed, on success, by the call's results:
//     GET, CHECK   Int32 id                     -> RemoteObject
//     ADD          Int32 id, RemoteObject, Bool isDistributed,
//                  Uint32 dumpFlags, String16 capability,
//                  String16 permission          -> (nothing)
//     REMOVE       Int32 id                     -> (nothing)
//     LIST         Uint32 dumpFlags             -> String16Vector ids
//     (UN)SUBSCRIBE Int32 id, RemoteObject      -> (nothing)
//     LOAD         Int32 id, Int32 timeout (s)  -> RemoteObject
//     LIST_INFO    (nothing)                    -> Int32 n, then n times:
//                  Int32 id, Int32 pid, Uint32 uid, String16 descriptor,
//                  Bool isDistributed, String16 permission
//     GET_DISTRIBUTED  Int32 id, Int32 mode (RpcGetMode, rpc_protocol.h),
//                  Int32 timeout (s, LOAD only) -> RemoteObject
//     LIST_DISTRIBUTED (nothing)                -> Int32 n, then n times:
//                  Int32 id, String16 descriptor
// The two DISTRIBUTED calls are for rpcd (samgr_distributed.h): samgr
// answers them only for SAs its config's `distributed` directive lists.
// samgr refuses every call from a remote caller (IsLocalCalling() false)
// with RPC_ERR_CALLER_NOT_AUTHORIZED.
#pragma once

#include <cstddef>

namespace ipckit::detail {

// Upper bound on LIST_INFO entries a reader accepts: samgr holds at most
// one per SA id, but a reply is untrusted input.
inline constexpr std::size_t SAMGR_MAX_INFOS = 1u << 16;

}  // namespace ipckit::detail
