// SPDX-License-Identifier: Apache-2.0
//
// OnDemandLoader: starts the processes of on-demand SAs (posix_spawn of
// the configured argv, no shell) and reaps them when they exit, so samgr
// leaves no zombies. The owner hears of every exit through a handler.
#pragma once

#include <sys/types.h>

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ipckit/result.h"

namespace samgr {

class OnDemandLoader {
public:
    // Called (on the reaping thread, no loader lock held) with the pid of
    // a child that ended and how, e.g. "exited with status 3".
    using ExitHandler = std::function<void(pid_t pid, const std::string& how)>;

    void SetExitHandler(ExitHandler handler);

    // Starts argv[0] (an absolute path) with argv; the child gets default
    // signal dispositions and an empty signal mask whatever samgr blocks.
    // Fails when the program cannot be executed.
    ipckit::Result<pid_t> Start(const std::vector<std::string>& argv);

    // Reaps every child that has ended; call it on SIGCHLD.
    void ReapChildren();

    // Children started and not yet reaped.
    std::size_t Running();

    // "exited with status 3", "was killed by signal 9 (Killed)".
    static std::string DescribeStatus(int status);

private:
    std::mutex lock_;  // guards everything below; never held across a call out
    std::set<pid_t> children_;
    ExitHandler onExit_;
};

}  // namespace samgr
