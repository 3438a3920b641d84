// SPDX-License-Identifier: Apache-2.0
//
// Starting and reaping on-demand SA processes.
#include "ondemand_loader.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace samgr {

void OnDemandLoader::SetExitHandler(ExitHandler handler)
{
    std::lock_guard<std::mutex> guard(lock_);
    onExit_ = std::move(handler);
}

ipckit::Result<pid_t> OnDemandLoader::Start(const std::vector<std::string>& argv)
{
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
        return ipckit::Error{EINVAL, "the command is not an absolute path"};
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    // samgr blocks the signals its signal thread waits for and ignores
    // SIGPIPE; a started service must not inherit either.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = -1;
    int err;
    {
        // Under the lock: a child that exits at once is reaped only after
        // it is in children_.
        std::lock_guard<std::mutex> guard(lock_);
        err = posix_spawn(&pid, args[0], nullptr, &attr, args.data(), environ);
        if (err == 0)
            children_.insert(pid);
    }
    posix_spawnattr_destroy(&attr);
    if (err != 0)
        return ipckit::Error{err, std::string("cannot start ") + argv[0] + ": " +
                                      std::strerror(err)};
    return pid;
}

void OnDemandLoader::ReapChildren()
{
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;  // none left that ended (ECHILD: none at all)
        ExitHandler handler;
        {
            std::lock_guard<std::mutex> guard(lock_);
            children_.erase(pid);
            handler = onExit_;
        }
        if (handler)
            handler(pid, DescribeStatus(status));
    }
}

std::size_t OnDemandLoader::Running()
{
    std::lock_guard<std::mutex> guard(lock_);
    return children_.size();
}

std::string OnDemandLoader::DescribeStatus(int status)
{
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "ended with wait status " + std::to_string(status);
}

}  // namespace samgr
