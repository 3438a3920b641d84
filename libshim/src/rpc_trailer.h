// SPDX-License-Identifier: Apache-2.0
//
// Reading and writing the trailers of rpc_protocol.h on a parcel (internal;
// inline so that the host tests check exactly what the library runs).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "ipckit/ipc_errors.h"
#include "ipckit/message_option.h"
#include "ipckit/message_parcel.h"
#include "rpc_protocol.h"

namespace ipckit::detail {

// What rpcd and the trailers accept as a networkId: 1..64 characters of
// [0-9a-f] (the soft bus makes them 64 long).
inline bool IsRpcNetworkId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// A networkId as the trailers carry it: an IsRpcNetworkId, then a NUL
// within the field. Sets `id` and returns true if it is one.
inline bool ParseTrailerNetworkId(const char (&field)[RPC_NETWORK_ID_BYTES], std::string& id)
{
    const void* nul = std::memchr(field, '\0', sizeof(field));
    if (!nul)
        return false;
    const std::string_view text(field, static_cast<const char*>(nul) - field);
    if (!IsRpcNetworkId(text))
        return false;
    id.assign(text);
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

// Reads the RpcTimedTrailer at the end of `data` (an RPC_TIMED_TRANSACTION,
// as rpcd's stand-ins get it): true, with `limit` the size of the caller's
// data before it, if it is there with its magic and a wait time in
// 1..MessageOption::TF_MAX_WAIT_TIME.
inline bool ReadTimedTrailer(const Parcel& data, RpcTimedTrailer& trailer, std::size_t& limit)
{
    const std::size_t size = data.GetDataSize();
    if (size < sizeof(trailer))
        return false;
    std::memcpy(&trailer,
                reinterpret_cast<const uint8_t*>(data.GetData()) + size - sizeof(trailer),
                sizeof(trailer));
    if (trailer.magic != RPC_TIMED_MAGIC || trailer.waitTime <= 0 ||
        trailer.waitTime > MessageOption::TF_MAX_WAIT_TIME)
        return false;
    limit = size - sizeof(trailer);
    return true;
}

// Appends an RpcTimedTrailer for `code` and `waitTime` (seconds).
inline bool AppendTimedTrailer(Parcel& data, uint32_t code, int32_t waitTime)
{
    RpcTimedTrailer t{code, waitTime, RPC_TIMED_MAGIC};
    return data.GetWritePosition() == data.GetDataSize() && data.GetDataSize() % 4 == 0 &&
           data.WriteBuffer(&t, sizeof(t));
}

}  // namespace ipckit::detail
