// SPDX-License-Identifier: Apache-2.0
//
// What `ipckit` reads from its command line and shows of a parcel: SA ids
// and transaction codes, the typed arguments of `ipckit call` (TYPE:VALUE)
// and the reply types of --reply, their encoding into a MessageParcel and
// back, UTF-8 <-> UTF-16, and a hex+ASCII dump. No driver involved, so all
// of it is tested on the host (cli/tests/args_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ipckit/result.h>

namespace ipckit {
class MessageParcel;
}

namespace ipckit::cli {

// The value types `call` can write and --reply can read.
enum class ArgType { Token, I32, I64, U32, Bool, F64, Str, S16, Fd };

// One argument of `ipckit call`, parsed from "TYPE:VALUE".
struct TypedArg {
    ArgType type = ArgType::I32;
    int64_t integer = 0;  // i32, i64, u32; bool as 0 or 1
    double real = 0;      // f64
    std::string text;     // token, str, s16 (as UTF-8); fd: the path to open
};

// "token, i32, i64, u32, bool, f64, str, s16, fd": for messages and help.
std::string ArgTypeList();
std::string_view ArgTypeName(ArgType type);

// Integers as a user types them: decimal, or hex with 0x, optionally
// negative. The error says what `what` was and why it was refused.
Result<int64_t> ParseInteger(std::string_view text, std::string_view what, int64_t min,
                             int64_t max);
// An SA id: 0..0x00ffffff (samgr's range).
Result<int32_t> ParseSaId(std::string_view text);
// A user transaction code: 1..0x00ffffff.
Result<uint32_t> ParseCode(std::string_view text);
// A positive number of seconds, fractions allowed (watch --interval).
Result<double> ParseSeconds(std::string_view text, std::string_view what);

// A soft bus networkId (--device): 64 lowercase hex digits.
Result<std::string> ParseNetworkId(std::string_view text);
// The first 12 digits of a networkId and "…", for messages.
std::string ShortNetworkId(std::string_view id);

// The name of an ipc_errors.h code ("RPC_ERR_NOT_DISTRIBUTED"), or "" for
// one it does not know.
std::string_view ErrorName(int code);
// "RPC_ERR_NO_DEVICE (524): rpc: no such device online", or without the
// name for a code that has none: "unrecognised error code (77)".
std::string ExplainError(int code);

Result<TypedArg> ParseTypedArg(std::string_view arg);
// "i32,str,..." (no token: a reply has none).
Result<std::vector<ArgType>> ParseReplyTypes(std::string_view list);

// Writes the arguments in order; fd arguments are opened read-only here
// and the parcel sends a duplicate. Returns the data size written.
Result<std::size_t> WriteArgs(MessageParcel& data, const std::vector<TypedArg>& args);
// Reads `types` in order from the reply and returns one line per value:
// "i32 0", "str \"v\"", "fd 3 -> /dev/null". Fails naming the first value
// that is not there.
Result<std::vector<std::string>> DecodeReply(MessageParcel& reply,
                                             const std::vector<ArgType>& types);

// "v", with backslash escapes for quotes, backslashes and control bytes.
std::string Quote(std::string_view text);

// 16 bytes a line: "00000010  76 00 00 00 ...  |v...|"; "" for no data.
std::string HexDump(const void* data, std::size_t size);

}  // namespace ipckit::cli
