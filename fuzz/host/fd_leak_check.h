// SPDX-License-Identifier: Apache-2.0
//
// FdLeakCheck: counts the process's open descriptors (/proc/self/fd) when
// made and again when destroyed, and aborts, naming the new ones, if any
// input left one open. Scope it around everything one input does.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

namespace fuzz {

class FdLeakCheck {
public:
    FdLeakCheck() : before_(OpenFds()) {}
    ~FdLeakCheck()
    {
        const std::set<int> after = OpenFds();
        bool leaked = false;
        for (int fd : after) {
            if (before_.count(fd))
                continue;
            leaked = true;
            std::fprintf(stderr, "fd leak: %d -> %s\n", fd, Target(fd).c_str());
        }
        if (leaked || after.size() > before_.size()) {
            std::fprintf(stderr, "fd leak: %zu open before the input, %zu after\n",
                         before_.size(), after.size());
            std::abort();
        }
    }
    FdLeakCheck(const FdLeakCheck&) = delete;
    FdLeakCheck& operator=(const FdLeakCheck&) = delete;

    // The descriptors open now (the one reading the directory excluded).
    static std::set<int> OpenFds()
    {
        std::set<int> fds;
        DIR* dir = ::opendir("/proc/self/fd");
        if (!dir) {
            std::perror("fd leak check: /proc/self/fd");
            std::abort();
        }
        const int self = ::dirfd(dir);
        while (const dirent* e = ::readdir(dir)) {
            if (e->d_name[0] == '.')
                continue;
            const int fd = std::atoi(e->d_name);
            if (fd != self)
                fds.insert(fd);
        }
        ::closedir(dir);
        return fds;
    }

private:
    static std::string Target(int fd)
    {
        char link[PATH_MAX] = {};
        const std::string path = "/proc/self/fd/" + std::to_string(fd);
        const ssize_t n = ::readlink(path.c_str(), link, sizeof(link) - 1);
        return n > 0 ? std::string(link, static_cast<std::size_t>(n)) : "?";
    }

    const std::set<int> before_;
};

}  // namespace fuzz
