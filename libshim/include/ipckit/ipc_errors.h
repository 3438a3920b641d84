// SPDX-License-Identifier: Apache-2.0
//
// IPC Kit's error codes (the numbers are IPC Kit's, so ported code that
// compares them keeps working) and their meaning in words.
#pragma once

namespace ipckit {

enum : int {
    ERR_NONE = 0,
    ERR_TRANSACTION_FAILED = 1,
    ERR_UNKNOWN_OBJECT = 2,
    ERR_FLATTEN_OBJECT = 3,
    ERR_UNKNOWN_TRANSACTION = 4,
    ERR_INVALID_DATA = 5,
    ERR_NULL_OBJECT = 7,
    ERR_UNKNOWN_REASON = 8,
    ERR_INVALID_REPLY = 9,
    ERR_INVALID_STATE = 10,
    ERR_ALLOC_MEMORY = 11,
    ERR_NO_PERMISSION = 12,
    ERR_TIMED_OUT = 16,
    ERR_DEAD_OBJECT = 32,  // base + EPIPE, as IPC Kit

    // Proxy, stub and invoker families, as IPC Kit numbers them.
    IPC_PROXY_ERR = 200,
    IPC_PROXY_DEAD_OBJECT_ERR = 201,
    IPC_PROXY_NULL_INVOKER_ERR = 202,
    IPC_PROXY_TRANSACTION_ERR = 203,
    IPC_PROXY_INVALID_CODE_ERR = 204,
    IPC_STUB_ERR = 300,
    IPC_STUB_WRITE_PARCEL_ERR = 301,
    IPC_STUB_INVALID_DATA_ERR = 302,
    IPC_STUB_CURRENT_NULL_ERR = 303,
    IPC_STUB_UNKNOW_TRANS_ERR = 304,
    IPC_INVOKER_ERR = 400,
    IPC_INVOKER_WRITE_TRANS_ERR = 401,
    IPC_INVOKER_TRANSLATE_ERR = 402,
    IPC_INVOKER_CONNECT_ERR = 403,
    IPC_INVOKER_ON_TRANSACT_ERR = 404,
    IPC_INVOKER_INVALID_DATA_ERR = 405,
    IPC_INVOKER_INVALID_REPLY_ERR = 406,

    // Cross-device RPC (Documentation/rpc.rst). 501..508 and 603 are IPC
    // Kit's numbers; 520.. are ipckit's, so that each constraint has its
    // own code instead of IPC Kit's catch-all 505.
    RPC_BASE_INVOKER_INVALID_REPLY_ERR = 501,   // the peer's reply is malformed
    RPC_BASE_INVOKER_WAIT_REPLY_TIMEOUT = 502,  // no reply within MessageOption's wait time
    RPC_BASE_INVOKER_SEND_FAILED = 504,         // the session to the device is gone
    RPC_BASE_INVOKER_WRITE_TRANS_ERR = 505,     // the call cannot be encoded
    RPC_BASE_INVOKER_TRANSLATE_ERR = 507,       // an object in the call cannot be translated
    RPC_BASE_INVOKER_STUB_INDEX_ERR = 508,      // the peer has no such exported object
    RPC_ERR_PACKET_TOO_BIG = 520,     // the call or reply exceeds RPC_MAX_PACKET (1 MiB)
    RPC_ERR_FD_NOT_ALLOWED = 521,     // fds and ashmem do not cross devices
    RPC_ERR_PROXY_NOT_TRANSFERABLE = 522,  // a remote object's proxy was passed on
    RPC_ERR_NOT_DISTRIBUTED = 523,    // the SA is not marked distributed there
    RPC_ERR_NO_DEVICE = 524,          // no such device online
    RPC_ERR_UNTRUSTED_DEVICE = 525,   // the device is not bound (soft bus trust)
    RPC_ERR_NO_SYSTEM_ABILITY = 526,  // the SA is not registered there (nor loadable)
    RPC_ERR_NOT_RUNNING = 527,        // rpcd (or softbusd) is not running, here or there
    RPC_ERR_BUSY = 528,               // the peer has too many calls in flight
    RPC_ERR_CALLER_NOT_AUTHORIZED = 603,  // a remote caller asked for a local-only call
};

// What `code` means, for logs and users; never null.
const char* ErrorString(int code);

}  // namespace ipckit
