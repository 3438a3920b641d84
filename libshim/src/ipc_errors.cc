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
    }
    return "unrecognised error code";
}

}  // namespace ipckit
