// SPDX-License-Identifier: Apache-2.0
//
// Every word of help `ipckit` prints, in one place: the command list of
// `ipckit --help` and each command's `ipckit help COMMAND`.
// Documentation/ipckit.rst (the manual page) says the same; change both.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ipckit::cli {

struct CommandInfo {
    std::string_view name;
    std::string_view synopsis;  // what follows "ipckit [-d DEVICE] "
    std::string_view summary;   // one line, for the command list
    std::string_view details;   // the rest of `ipckit help NAME`
};

std::span<const CommandInfo> Commands();
const CommandInfo* FindCommand(std::string_view name);
// "list, ping, call, dump, stats, watch, help"
std::string CommandNames();

// `ipckit --help`.
std::string MainHelp();
// `ipckit help NAME`: usage line, then the details.
std::string CommandHelp(const CommandInfo& command);
// "usage: ipckit [-d DEVICE] NAME SYNOPSIS\n"
std::string Usage(const CommandInfo& command);

}  // namespace ipckit::cli
