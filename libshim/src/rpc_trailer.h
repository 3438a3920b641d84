// SPDX-License-Identifier: Apache-2.0
//
// Reading and writing the trailers of rpc_protocol.h on a parcel (internal;
// inline so that the host tests check exactly what the library runs).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>

#include "ipckit/ipc_errors.h"
#include "ipckit/message_parcel.h"
#include "rpc_protocol.h"

namespace ipckit::detail {

// A networkId as the trailers carry it: 1..64 characters of [0-9a-f], then
// a NUL within the field. Sets `id` and returns true if it is one.
inline bool ParseTrailerNetworkId(const char (&field)[RPC_NETWORK_ID_BYTES], std::string& id)
{
    const void* nul = std::memchr(field, '\0', sizeof(field));
    if (!nul)
        return false;
    const std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nul) - field);
    if (n == 0 || n > 64)
        return false;
    for (std::size_t i = 0; i < n; i++) {
        const char c = field[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    id.assign(field, n);
    return true;
}

// Takes the RpcForwardTrailer off the end of `data` (which then ends where
// the remote caller's data ended) and checks it. ERR_NONE, or
// IPC_STUB_INVALID_DATA_ERR with `why` saying what is wrong; `data` is
// unchanged then.
inline int StripForwardTrailer(Parcel& data, RpcForwardTrailer& trailer, std::string& networkId,
                               std::string& why)
{
    const std::size_t size = data.GetDataSize();
    if (size < sizeof(RpcForwardTrailer)) {
        why = "the data is shorter than the forward trailer";
        return IPC_STUB_INVALID_DATA_ERR;
    }
    const std::size_t at = size - sizeof(RpcForwardTrailer);
    if (at % 4 != 0) {
        why = "the forward trailer is not 4-aligned";
        return IPC_STUB_INVALID_DATA_ERR;
    }
    std::memcpy(&trailer, reinterpret_cast<const uint8_t*>(data.GetData()) + at, sizeof(trailer));
    if (trailer.magic != RPC_FORWARD_MAGIC) {
        why = "the forward trailer's magic is wrong";
        return IPC_STUB_INVALID_DATA_ERR;
    }
    if (!ParseTrailerNetworkId(trailer.networkId, networkId)) {
        why = "the forward trailer's networkId is not 1..64 characters [0-9a-f]";
        return IPC_STUB_INVALID_DATA_ERR;
    }
    if (!data.ShrinkDataSize(at)) {
        why = "an object overlaps the forward trailer";
        return IPC_STUB_INVALID_DATA_ERR;
    }
    return ERR_NONE;
}

// Appends an RpcTimedTrailer for `code` and `waitTime` (seconds).
inline bool AppendTimedTrailer(Parcel& data, uint32_t code, int32_t waitTime)
{
    RpcTimedTrailer t{code, waitTime, RPC_TIMED_MAGIC};
    return data.GetWritePosition() == data.GetDataSize() && data.GetDataSize() % 4 == 0 &&
           data.WriteBuffer(&t, sizeof(t));
}

}  // namespace ipckit::detail
