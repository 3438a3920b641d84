// SPDX-License-Identifier: Apache-2.0
#include "ipckit/ipc_errors.h"

namespace ipckit {

const char* ErrorString(int code)
{
    switch (code) {
    case ERR_NONE: return "success";
    case ERR_TRANSACTION_FAILED: return "transaction failed";
    case ERR_UNKNOWN_OBJECT: return "unknown object";
    case ERR_FLATTEN_OBJECT: return "object cannot be flattened into a parcel";
    case ERR_UNKNOWN_TRANSACTION: return "unknown transaction code";
    case ERR_INVALID_DATA: return "invalid data in parcel";
    case ERR_NULL_OBJECT: return "null object";
    case ERR_UNKNOWN_REASON: return "unknown reason";
    case ERR_INVALID_REPLY: return "invalid reply";
    case ERR_INVALID_STATE: return "invalid state";
    case ERR_ALLOC_MEMORY: return "out of memory";
    case ERR_NO_PERMISSION: return "permission denied";
    case ERR_TIMED_OUT: return "timed out";
    case ERR_DEAD_OBJECT: return "remote object is dead";
    case IPC_PROXY_ERR: return "proxy error";
    case IPC_PROXY_DEAD_OBJECT_ERR: return "proxy: remote object is dead";
    case IPC_PROXY_NULL_INVOKER_ERR: return "proxy: no driver connection";
    case IPC_PROXY_TRANSACTION_ERR: return "proxy: transaction failed";
    case IPC_PROXY_INVALID_CODE_ERR: return "proxy: code out of the user range";
    case IPC_STUB_ERR: return "stub error";
    case IPC_STUB_WRITE_PARCEL_ERR: return "stub: cannot write the reply";
    case IPC_STUB_INVALID_DATA_ERR: return "stub: invalid data";
    case IPC_STUB_CURRENT_NULL_ERR: return "stub: no current object";
    case IPC_STUB_UNKNOW_TRANS_ERR: return "stub: unknown transaction code";
    case IPC_INVOKER_ERR: return "invoker error";
    case IPC_INVOKER_WRITE_TRANS_ERR: return "invoker: cannot write the transaction";
    case IPC_INVOKER_TRANSLATE_ERR: return "invoker: object translation failed";
    case IPC_INVOKER_CONNECT_ERR: return "invoker: cannot reach the driver";
    case IPC_INVOKER_ON_TRANSACT_ERR: return "invoker: handler failed";
    case IPC_INVOKER_INVALID_DATA_ERR: return "invoker: invalid data";
    case IPC_INVOKER_INVALID_REPLY_ERR: return "invoker: invalid reply";
    case RPC_BASE_INVOKER_INVALID_REPLY_ERR: return "rpc: the remote reply is malformed";
    case RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT:
        return "rpc: no reply from the remote device within the wait time";
    case RPC_BASE_INVOKER_SEND_FAILED: return "rpc: the session to the remote device is gone";
    case RPC_BASE_INVOKER_WRITE_TRANS_ERR: return "rpc: the call cannot be encoded";
    case RPC_BASE_INVOKER_TRANSLATE_ERR: return "rpc: an object in the call cannot be translated";
    case RPC_BASE_INVOKER_STUB_INDEX_ERR: return "rpc: the remote device has no such object";
    case RPC_ERR_PACKET_TOO_BIG:
        return "rpc: the call exceeds the 1 MiB packet limit across devices "
               "(use WriteRawData for large data)";
    case RPC_ERR_FD_NOT_ALLOWED:
        return "rpc: file descriptors and ashmem cannot be sent to another device";
    case RPC_ERR_PROXY_NOT_TRANSFERABLE:
        return "rpc: a proxy of a remote object cannot be passed to another process or back "
               "to its device";
    case RPC_ERR_NOT_DISTRIBUTED: return "rpc: the system ability is not distributed";
    case RPC_ERR_NO_DEVICE: return "rpc: no such device online";
    case RPC_ERR_UNTRUSTED_DEVICE: return "rpc: the device is not trusted (not bound)";
    case RPC_ERR_NO_SYSTEM_ABILITY: return "rpc: the system ability is not on that device";
    case RPC_ERR_NOT_RUNNING:
        return "rpc: rpcd is not running (on this device, or on the one called)";
    case RPC_ERR_BUSY: return "rpc: the remote device has too many calls in flight";
    case RPC_ERR_CALLER_NOT_AUTHORIZED: return "rpc: remote callers may not make this call";
    }
    return "unrecognised error code";
}

}  // namespace ipckit
