// SPDX-License-Identifier: Apache-2.0
//
// What the commands of `ipckit` share: the global options, exit codes,
// error output, the device check, and the entry point of each command
// (main.cc dispatches; commands_samgr.cc, commands_stats.cc,
// commands_netlink.cc and commands_softbus.cc hold them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipckit::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed
inline constexpr int kExitUsage = 2;    // the command line is wrong

struct Options {
    std::string device;  // what libipckit opens (IPCKIT_DEVICE is set to it)
};

using Args = std::vector<std::string>;

// Prints "ipckit: MESSAGE" on stderr; returns kExitFailure.
int Fail(const std::string& message);
// Prints "ipckit: MESSAGE" and COMMAND's usage line on stderr; returns
// kExitUsage.
int UsageError(std::string_view command, const std::string& message);

// Why DEVICE cannot be used at all (it does not exist, or is no device
// node), or nothing.
std::optional<std::string> DeviceProblem(const std::string& device);

int RunList(const Options& options, const Args& args);
int RunPing(const Options& options, const Args& args);
int RunCall(const Options& options, const Args& args);
int RunDump(const Options& options, const Args& args);
int RunRpc(const Options& options, const Args& args);
int RunStats(const Options& options, const Args& args);
int RunWatch(const Options& options, const Args& args);
// commands_netlink.cc
int RunMonitor(const Options& options, const Args& args);
int RunProc(const Options& options, const Args& args);
// commands_softbus.cc
int RunBind(const Options& options, const Args& args);
int RunDevices(const Options& options, const Args& args);

}  // namespace ipckit::cli
