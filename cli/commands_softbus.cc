// SPDX-License-Identifier: Apache-2.0
//
// The soft bus commands: bind (the group secret, softbus/link) and
// devices (what softbusd knows, through libipckit's SoftBus client).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <ipckit/softbus.h>

#include "cli.h"
#include "link/group_secret.h"
#include "table.h"

namespace ipckit::cli {
namespace {

using softbus::GroupSecret;

int PrintSecret(const std::string& path, const GroupSecret& secret)
{
    std::cout << "ipckit: group secret " << path << " (fingerprint " << secret.Fingerprint()
              << ")\n";
    return kExitOk;
}

// The hex of --import-file FILE ("-": standard input); the file's own
// mode is not checked, it is only read.
Result<std::string> ReadHexFile(const std::string& file)
{
    std::stringstream text;
    if (file == "-") {
        text << std::cin.rdbuf();
    } else {
        std::ifstream in(file);
        if (!in)
            return Error{errno, "cannot read " + file + ": " + std::strerror(errno)};
        text << in.rdbuf();
    }
    return text.str();
}

// "1a2b3c4d5e6f7a8b…" unless wide.
std::string ShortId(const std::string& id, bool wide)
{
    return wide || id.size() <= 16 ? id : id.substr(0, 16) + "…";
}

}  // namespace

int RunBind(const Options& /*options*/, const Args& args)
{
    std::string state = softbus::kDefaultStateDir, mode, value;
    bool force = false;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        if (a == "--force") {
            force = true;
        } else if (a == "--new") {
            if (!mode.empty())
                return UsageError("bind", "--new, --import and --import-file exclude each other");
            mode = a;
        } else if (a == "--state" || a == "--import" || a == "--import-file") {
            if (i + 1 == args.size() || args[i + 1].empty())
                return UsageError("bind", a + " needs a value");
            if (a == "--state") {
                state = args[++i];
                continue;
            }
            if (!mode.empty())
                return UsageError("bind", "--new, --import and --import-file exclude each other");
            mode = a;
            value = args[++i];
        } else {
            return UsageError("bind", "unknown argument '" + a + "'");
        }
    }
    if (force && mode.empty())
        return UsageError("bind", "--force goes with --new, --import or --import-file");
    const std::string path = state + "/" + softbus::kGroupKeyFile;

    Result<GroupSecret> secret = Error{};
    if (mode.empty()) {
        // Idempotent: the secret there is kept, a missing one is made.
        secret = softbus::LoadGroupSecret(path);
        if (!secret && secret.error().code == ENOENT)
            secret = softbus::CreateGroupSecret(path);
    } else if (mode == "--new") {
        secret = softbus::CreateGroupSecret(path, force);
    } else {
        std::string hex = value;
        if (mode == "--import-file") {
            auto text = ReadHexFile(value);
            if (!text)
                return Fail(text.error().message);
            hex = std::move(*text);
        }
        secret = softbus::ImportGroupSecret(path, hex, force);
        std::fill(hex.begin(), hex.end(), '\0');
    }
    if (!secret) {
        if (secret.error().code == EEXIST) {
            auto existing = softbus::LoadGroupSecret(path);
            return Fail(secret.error().message +
                        (existing ? " (fingerprint " + existing->Fingerprint() + ")" : "") +
                        ": --force replaces it");
        }
        return Fail(secret.error().message);
    }
    return PrintSecret(path, *secret);
}

int RunDevices(const Options& options, const Args& args)
{
    bool all = false, wide = false;
    for (const std::string& a : args) {
        if (a == "--all")
            all = true;
        else if (a == "--wide")
            wide = true;
        else
            return UsageError("devices", "unknown argument '" + a + "'");
    }
    if (auto problem = DeviceProblem(options.device))
        return Fail(*problem);
    auto bus = softbus::SoftBus::Connect();
    if (!bus)
        return Fail(bus.error().message);
    auto local = (*bus)->GetLocalDevice();
    if (!local)
        return Fail(local.error().message);
    auto devices = (*bus)->GetDevices();
    if (!devices)
        return Fail(devices.error().message);

    auto row = [&](const softbus::DeviceInfo& d, bool self) {
        return std::vector<std::string>{
            ShortId(d.networkId, wide),
            d.name + (self ? " (this device)" : ""),
            d.address.empty() ? "-" : d.address,
            self ? "-" : (d.trusted ? "yes" : "no"),
            self ? "-" : (d.online ? "yes" : "no"),
            d.rttUs >= 0 ? std::to_string(d.rttUs) : "-",
            d.state.empty() ? "-" : d.state,
        };
    };
    std::vector<std::vector<std::string>> rows{row(*local, true)};
    std::size_t offline = 0;
    for (const auto& d : *devices) {
        if (d.networkId == local->networkId)
            continue;
        if (!d.online && !all) {
            offline++;
            continue;
        }
        rows.push_back(row(d, false));
    }
    std::cout << FormatTable({{"NETWORK-ID"},
                              {"NAME"},
                              {"ADDRESS"},
                              {"TRUSTED"},
                              {"ONLINE"},
                              {"RTT(µs)", true},
                              {"STATE"}},
                             rows);
    if (offline > 0)
        std::cout << offline << " offline device" << (offline == 1 ? "" : "s")
                  << " not shown (see: ipckit devices --all)\n";
    return kExitOk;
}

}  // namespace ipckit::cli
