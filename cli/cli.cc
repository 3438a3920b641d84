// SPDX-License-Identifier: Apache-2.0
//
// Error output and the device check every `ipckit` command uses (cli.h).
#include "cli.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "help.h"

namespace ipckit::cli {

int Fail(const std::string& message)
{
    std::cout.flush();
    std::cerr << "ipckit: " << message << "\n";
    return kExitFailure;
}

int UsageError(std::string_view command, const std::string& message)
{
    std::cout.flush();
    std::cerr << "ipckit: " << message << "\n";
    if (const CommandInfo* info = FindCommand(command))
        std::cerr << Usage(*info) << "(see: ipckit help " << command << ")\n";
    else
        std::cerr << "usage: ipckit [-d DEVICE] COMMAND [ARG...] (see: ipckit --help)\n";
    return kExitUsage;
}

std::optional<std::string> DeviceProblem(const std::string& device)
{
    struct stat st {};
    if (::stat(device.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return device + " does not exist: is the ipckit module loaded? (insmod ipckit.ko)";
        return "cannot reach " + device + ": " + std::strerror(errno);
    }
    if (!S_ISCHR(st.st_mode))
        return device + " is not a device node (a binder device is a character device)";
    return std::nullopt;
}

}  // namespace ipckit::cli
