// SPDX-License-Identifier: Apache-2.0
//
// ipckit: the command-line tool of ipckit. Reads the global options,
// points libipckit at the device and runs one command (cli.h).
#include <cstdlib>
#include <iostream>
#include <string>

#include <ipckit/binder_driver.h>

#include "cli.h"
#include "help.h"

namespace {

using namespace ipckit::cli;

struct Entry {
    std::string_view name;
    int (*run)(const Options&, const Args&);
};
constexpr Entry kEntries[] = {
    {"list", RunList},   {"ping", RunPing},   {"call", RunCall},
    {"dump", RunDump},   {"stats", RunStats}, {"watch", RunWatch},
    {"monitor", RunMonitor}, {"proc", RunProc},
    {"bind", RunBind},   {"devices", RunDevices}, {"rpc", RunRpc},
};

int Help(const Args& args)
{
    if (args.empty()) {
        std::cout << MainHelp();
        return kExitOk;
    }
    if (args.size() > 1)
        return UsageError("help", "help takes one COMMAND, got " + std::to_string(args.size()));
    const CommandInfo* info = FindCommand(args[0]);
    if (!info)
        return UsageError("help", "no command '" + args[0] + "' (commands: " + CommandNames() +
                                      ")");
    std::cout << CommandHelp(*info);
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv)
{
    Args args(argv + 1, argv + argc);
    std::size_t i = 0;
    for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-'; i++) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            std::cout << MainHelp();
            return kExitOk;
        }
        if (a != "-d")
            return UsageError("", "unknown option '" + a + "'");
        if (i + 1 == args.size() || args[i + 1].empty())
            return UsageError("", "-d needs a DEVICE, e.g. -d /dev/ipckit");
        // libipckit opens the device IPCKIT_DEVICE names, on first use.
        ::setenv("IPCKIT_DEVICE", args[++i].c_str(), 1);
    }
    if (i == args.size()) {
        std::cerr << MainHelp();
        return kExitUsage;
    }
    const std::string command = args[i];
    const Args rest(args.begin() + static_cast<long>(i) + 1, args.end());
    if (command == "help")
        return Help(rest);
    for (const auto& e : kEntries) {
        if (e.name != command)
            continue;
        if (!rest.empty() && (rest[0] == "-h" || rest[0] == "--help")) {
            std::cout << CommandHelp(*FindCommand(command));
            return kExitOk;
        }
        return e.run(Options{ipckit::DefaultDevicePath()}, rest);
    }
    return UsageError("", "unknown command '" + command + "' (commands: " + CommandNames() +
                              ")");
}
