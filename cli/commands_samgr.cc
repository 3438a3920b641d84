// SPDX-License-Identifier: Apache-2.0
//
// The commands that go through samgr: list, ping, call and dump, on this
// device or (--device) another one through rpcd; and rpc, rpcd's tables.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <ipckit/binder_driver.h>
#include <ipckit/if_system_ability_manager.h>
#include <ipckit/ipc_errors.h>
#include <ipckit/iremote_object.h>
#include <ipckit/iservice_registry.h>
#include <ipckit/message_option.h>
#include <ipckit/message_parcel.h>
#include <ipckit/utf.h>

#include "../libshim/src/rpc_protocol.h"
#include "args.h"
#include "cli.h"
#include "table.h"

namespace ipckit::cli {
namespace {

// "permission denied (12)"
std::string Explain(int err)
{
    return std::string(ErrorString(err)) + " (" + std::to_string(err) + ")";
}

// samgr's proxy, or why there is none: no device, a device libipckit
// cannot use, or no context manager on it.
Result<sptr<ISystemAbilityManager>> ConnectSamgr(const Options& options)
{
    if (auto problem = DeviceProblem(options.device))
        return Error{ENOENT, *problem};
    sptr<ISystemAbilityManager> samgr =
        SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (samgr)
        return samgr;
    // Tell "cannot open the device" (whose message says why) from "nobody
    // serves it"; a second open is cheap and only on this failure path.
    auto driver = BinderDriver::Open(options.device, 0);
    if (!driver)
        return driver.error();
    return Error{ESRCH, "samgr is not running on " + options.device + " (start it: samgr &)"};
}

std::string HexId(int32_t id);

// "ERR (N): words: what samgr or rpcd said", for a failed remote call.
std::string RemoteFailure(ISystemAbilityManager& samgr, int err)
{
    int code = samgr.GetLastErrorCode();
    if (code == ERR_NONE)
        code = err;
    std::string why = samgr.GetLastError();
    return ExplainError(code) + (why.empty() ? "" : " (" + why + ")");
}

// SA `id` of this device, or of device `networkId` (not empty) through
// rpcd: GetSystemAbility(id, networkId), whose failure names its code.
Result<sptr<IRemoteObject>> FindSa(const Options& options, int32_t id,
                                   const std::string& networkId = {})
{
    auto samgr = ConnectSamgr(options);
    if (!samgr)
        return samgr.error();
    if (!networkId.empty()) {
        sptr<IRemoteObject> sa = (*samgr)->GetSystemAbility(id, networkId);
        if (!sa)
            return Error{ENOENT, "no system ability " + std::to_string(id) + " on device " +
                                     ShortNetworkId(networkId) + ": " +
                                     RemoteFailure(**samgr, ERR_UNKNOWN_REASON)};
        return sa;
    }
    sptr<IRemoteObject> sa = (*samgr)->GetSystemAbility(id);
    if (!sa)
        return Error{ENOENT,
                     "no system ability " + std::to_string(id) + " (see: ipckit list)"};
    return sa;
}

// Takes "--device NETWORK-ID" (or "--device=NETWORK-ID") at args[i];
// true if it was one (i then points at its last word).
std::optional<Result<std::string>> DeviceOption(const Args& args, std::size_t& i)
{
    const std::string& a = args[i];
    if (a == "--device") {
        if (i + 1 == args.size())
            return Result<std::string>(
                Error{EINVAL, "--device needs a NETWORK-ID (see: ipckit devices --wide)"});
        return ParseNetworkId(args[++i]);
    }
    if (a.rfind("--device=", 0) == 0)
        return ParseNetworkId(std::string_view(a).substr(9));
    return std::nullopt;
}

// The distributed SAs of another device, as its rpcd reports them.
int ListRemote(const Options& options, const std::string& networkId)
{
    auto samgr = ConnectSamgr(options);
    if (!samgr)
        return Fail(samgr.error().message);
    std::vector<SystemAbilityInfo> infos;
    int err = (*samgr)->ListRemoteSystemAbilities(networkId, infos);
    if (err != ERR_NONE)
        return Fail("device " + ShortNetworkId(networkId) +
                    " did not list its system abilities: " + RemoteFailure(**samgr, err));
    if (infos.empty()) {
        std::cout << "no distributed system abilities on device " << ShortNetworkId(networkId)
                  << "\n";
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& sa : infos) {
        std::string descriptor = Utf16ToUtf8(sa.descriptor);
        rows.push_back({std::to_string(sa.id), HexId(sa.id), descriptor.empty() ? "-" : descriptor,
                        "distributed"});
    }
    std::cout << FormatTable({{"ID", true}, {"HEX", true}, {"DESCRIPTOR"}, {"FLAGS"}}, rows);
    return kExitOk;
}

std::string HexId(int32_t id)
{
    char buf[16];
    std::snprintf(buf, sizeof(buf), "0x%x", static_cast<unsigned>(id));
    return buf;
}

std::string Milliseconds(std::chrono::steady_clock::duration d)
{
    const double ms = std::chrono::duration<double, std::milli>(d).count();
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.*f ms", ms < 0.1 ? 3 : 1, ms);
    return buf;
}

}  // namespace

int RunList(const Options& options, const Args& args)
{
    std::string networkId;
    for (std::size_t i = 0; i < args.size(); i++) {
        auto device = DeviceOption(args, i);
        if (!device)
            return UsageError("list", "list takes no arguments but --device, got '" + args[i] +
                                          "'");
        if (!*device)
            return UsageError("list", device->error().message);
        networkId = **device;
    }
    if (!networkId.empty())
        return ListRemote(options, networkId);
    auto samgr = ConnectSamgr(options);
    if (!samgr)
        return Fail(samgr.error().message);
    std::vector<SystemAbilityInfo> infos;
    int err = (*samgr)->ListSystemAbilityInfos(infos);
    if (err != ERR_NONE) {
        std::string why = (*samgr)->GetLastError();
        return Fail("samgr did not list its system abilities: " + Explain(err) +
                    (why.empty() ? "" : ": " + why));
    }
    if (infos.empty()) {
        std::cout << "no system abilities registered\n";
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& sa : infos) {
        std::string descriptor = Utf16ToUtf8(sa.descriptor);
        rows.push_back({std::to_string(sa.id), HexId(sa.id), std::to_string(sa.pid),
                        std::to_string(sa.uid), descriptor.empty() ? "-" : descriptor,
                        sa.isDistributed ? "distributed" : "-"});
    }
    std::cout << FormatTable({{"ID", true},
                              {"HEX", true},
                              {"PID", true},
                              {"UID", true},
                              {"DESCRIPTOR"},
                              {"FLAGS"}},
                             rows);
    return kExitOk;
}

int RunPing(const Options& options, const Args& args)
{
    Args positional;
    std::string networkId;
    for (std::size_t i = 0; i < args.size(); i++) {
        if (auto device = DeviceOption(args, i)) {
            if (!*device)
                return UsageError("ping", device->error().message);
            networkId = **device;
        } else {
            positional.push_back(args[i]);
        }
    }
    if (positional.size() != 1)
        return UsageError("ping", "ping takes one SA id");
    auto id = ParseSaId(positional[0]);
    if (!id)
        return UsageError("ping", id.error().message);
    auto sa = FindSa(options, *id, networkId);
    if (!sa)
        return Fail(sa.error().message);

    MessageParcel data, reply;
    MessageOption option;
    auto start = std::chrono::steady_clock::now();
    int err = (*sa)->SendRequest(IRemoteObject::PING_TRANSACTION, data, reply, option);
    auto took = std::chrono::steady_clock::now() - start;
    if (err != ERR_NONE)
        return Fail("SA " + std::to_string(*id) + " does not answer: " + ExplainError(err));
    std::string descriptor = Utf16ToUtf8((*sa)->GetInterfaceDescriptor());
    std::cout << "SA " << *id << ": alive (descriptor "
              << (descriptor.empty() ? "none" : descriptor) << ", " << Milliseconds(took)
              << ")\n";
    return kExitOk;
}

int RunCall(const Options& options, const Args& args)
{
    Args positional;
    bool oneway = false;
    std::optional<std::vector<ArgType>> replyTypes;
    std::string networkId;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        std::string types;
        if (auto device = DeviceOption(args, i)) {
            if (!*device)
                return UsageError("call", device->error().message);
            networkId = **device;
            continue;
        }
        if (a == "--oneway") {
            oneway = true;
            continue;
        }
        if (a == "--reply") {
            if (i + 1 == args.size())
                return UsageError("call", "--reply needs TYPES, e.g. --reply i32,str");
            types = args[++i];
        } else if (a.rfind("--reply=", 0) == 0) {
            types = a.substr(8);
        } else if (a.rfind("--", 0) == 0) {
            return UsageError("call", "unknown option '" + a + "'");
        } else {
            positional.push_back(a);
            continue;
        }
        auto parsed = ParseReplyTypes(types);
        if (!parsed)
            return UsageError("call", parsed.error().message);
        replyTypes = std::move(*parsed);
    }
    if (positional.size() < 2)
        return UsageError("call", "call needs an SA id and a transaction code");
    auto id = ParseSaId(positional[0]);
    if (!id)
        return UsageError("call", id.error().message);
    auto code = ParseCode(positional[1]);
    if (!code)
        return UsageError("call", code.error().message);
    std::vector<TypedArg> typed;
    for (std::size_t i = 2; i < positional.size(); i++) {
        auto arg = ParseTypedArg(positional[i]);
        if (!arg)
            return UsageError("call", arg.error().message);
        typed.push_back(std::move(*arg));
    }
    if (oneway && replyTypes)
        return UsageError("call", "--reply and --oneway do not go together: a one-way call "
                                  "has no reply");

    MessageParcel data, reply;
    auto written = WriteArgs(data, typed);
    if (!written)
        return Fail(written.error().message);
    auto sa = FindSa(options, *id, networkId);
    if (!sa)
        return Fail(sa.error().message);
    MessageOption option(oneway ? MessageOption::TF_ASYNC : MessageOption::TF_SYNC);
    int err = (*sa)->SendRequest(*code, data, reply, option);
    std::cout << "result " << err << " (" << ErrorString(err) << ")\n";
    if (err != ERR_NONE)
        return Fail("SA " + std::to_string(*id) + " code " + std::to_string(*code) +
                    " failed: " + ExplainError(err));
    if (oneway) {
        std::cout << "one-way: no reply\n";
        return kExitOk;
    }
    if (!replyTypes) {
        const std::size_t size = reply.GetDataSize();
        std::cout << "reply: " << size << " bytes\n"
                  << HexDump(reinterpret_cast<const void*>(reply.GetData()), size);
        return kExitOk;
    }
    auto lines = DecodeReply(reply, *replyTypes);
    if (!lines)
        return Fail(lines.error().message);
    for (const auto& line : *lines)
        std::cout << line << "\n";
    if (std::size_t left = reply.GetReadableBytes())
        std::cout << "(" << left << " more bytes in the reply, not decoded)\n";
    return kExitOk;
}

int RunDump(const Options& options, const Args& args)
{
    if (args.empty())
        return UsageError("dump", "dump needs an SA id");
    auto id = ParseSaId(args[0]);
    if (!id)
        return UsageError("dump", id.error().message);
    std::vector<std::u16string> dumpArgs;
    for (std::size_t i = 1; i < args.size(); i++) {
        auto arg = Utf8ToUtf16(args[i]);
        if (!arg)
            return UsageError("dump", "argument '" + args[i] + "': " + arg.error().message);
        dumpArgs.push_back(std::move(*arg));
    }
    auto sa = FindSa(options, *id);
    if (!sa)
        return Fail(sa.error().message);
    // The service writes to the same descriptor: ours must be out first.
    std::cout.flush();
    std::fflush(stdout);
    int err = (*sa)->Dump(STDOUT_FILENO, dumpArgs);
    if (err != ERR_NONE)
        return Fail("SA " + std::to_string(*id) + " did not dump: " + Explain(err));
    return kExitOk;
}

int RunRpc(const Options& options, const Args& args)
{
    if (!args.empty())
        return UsageError("rpc", "rpc takes no arguments, got '" + args[0] + "'");
    auto samgr = ConnectSamgr(options);
    if (!samgr)
        return Fail(samgr.error().message);
    sptr<IRemoteObject> rpcd = (*samgr)->CheckSystemAbility(detail::RPC_SA_ID);
    if (!rpcd)
        return Fail("rpcd is not running on this device (SA " +
                    std::to_string(detail::RPC_SA_ID) + " is not registered; start it: rpcd &)");
    MessageParcel data, reply;
    MessageOption option;
    data.WriteInterfaceToken(detail::RPC_SERVICE_DESCRIPTOR);
    int err = rpcd->SendRequest(detail::RPC_DUMP, data, reply, option);
    if (err != ERR_NONE)
        return Fail("rpcd did not dump its tables: " + ExplainError(err));
    int32_t result = ERR_INVALID_REPLY;
    std::string why, text;
    if (!reply.ReadInt32(result) || !reply.ReadString(why) ||
        (result == ERR_NONE && !reply.ReadString(text)))
        return Fail("rpcd's reply to RPC_DUMP is malformed");
    if (result != ERR_NONE)
        return Fail("rpcd refused RPC_DUMP: " + ExplainError(result) +
                    (why.empty() ? "" : " (" + why + ")"));
    std::cout << text;
    if (!text.empty() && text.back() != '\n')
        std::cout << "\n";
    return kExitOk;
}

}  // namespace ipckit::cli
