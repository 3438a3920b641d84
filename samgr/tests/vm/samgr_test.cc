// SPDX-License-Identifier: Apache-2.0
//
// samgr end to end, in the VM, on a real driver (ipckit's or the kernel's
// binder). Run as the selftests are: `samgr_test -d DEVICE [-e OTHER]
// [-k KIND]`; prints TAP.
//
// The test starts its own samgr ($IPCKIT_BIN/samgr, default /ipckit/bin)
// on DEVICE with a generated config, waits for its ready line, and talks
// to it as a client. Its other processes are itself again (fork+exec of
// its own binary with --role ...): SAs, a subscriber, callers that drop to
// uid 1000, and the on-demand commands of the config. A second samgr runs
// with `register-uids 0` for the registration policy. Every process is
// killed and reaped at the end, so the driver's objects all go.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ipckit/if_system_ability_manager.h"
#include "ipckit/ipc_kit.h"
#include "ipckit/iservice_registry.h"
#include "ipckit/isystem_ability_status_change.h"
#include "rpc_protocol.h"
#include "samgr_distributed.h"
#include "vm_tap.h"

using namespace ipckit;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// --- what the test registers ------------------------------------------------

const std::u16string kSaDescriptor = u"ipckit.test.ISamgrTestSa";

// A trivial SA: echoes a string, tells its pid.
class TestSa : public IPCObjectStub {
public:
    enum { ECHO = 1, PID = 2 };
    TestSa() : IPCObjectStub(kSaDescriptor) {}
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        switch (code) {
        case ECHO:
            return reply.WriteString(data.ReadString()) ? ERR_NONE : ERR_INVALID_DATA;
        case PID:
            return reply.WriteInt32(getpid()) ? ERR_NONE : ERR_INVALID_DATA;
        }
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    }
};

// Records what samgr tells it; waits with a deadline.
class Listener : public SystemAbilityStatusChangeStub {
public:
    void OnAddSystemAbility(int32_t id, const std::string&) override { Record('+', id); }
    void OnRemoveSystemAbility(int32_t id, const std::string&) override { Record('-', id); }

    int Count(char kind, int32_t id)
    {
        std::lock_guard<std::mutex> g(lock_);
        return static_cast<int>(std::count(events_.begin(), events_.end(), std::pair(kind, id)));
    }
    // Until `kind` for `id` was heard at least `n` times.
    bool WaitFor(char kind, int32_t id, int n, int ms)
    {
        std::unique_lock<std::mutex> g(lock_);
        return heard_.wait_for(g, std::chrono::milliseconds(ms), [&] {
            return std::count(events_.begin(), events_.end(), std::pair(kind, id)) >= n;
        });
    }

private:
    void Record(char kind, int32_t id)
    {
        std::lock_guard<std::mutex> g(lock_);
        events_.emplace_back(kind, id);
        heard_.notify_all();
    }
    std::mutex lock_;
    std::condition_variable heard_;
    std::vector<std::pair<char, int32_t>> events_;
};

sptr<ISystemAbilityManager> Samgr()
{
    return SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
}

int ElapsedMs(Clock::time_point since)
{
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

bool Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// --- roles: this binary run again as another process -------------------------

// Dies with the test (or with samgr, for on-demand ones), and in any case
// within a minute, so nothing outlives the run.
void RoleHygiene()
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    alarm(60);
}

// `sa ID [--delay MS]`: registers a TestSa as ID and serves.
int RoleSa(int32_t id, int delayMs)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    sptr<ISystemAbilityManager> samgr = Samgr();
    if (!samgr) {
        std::fprintf(stderr, "samgr_test sa %d: no samgr\n", id);
        return 1;
    }
    int err = samgr->AddSystemAbility(id, MakeSptr<TestSa>());
    if (err != ERR_NONE) {
        std::fprintf(stderr, "samgr_test sa %d: AddSystemAbility: %d %s\n", id, err,
                     samgr->GetLastError().c_str());
        return 1;
    }
    std::printf("sa %d ready\n", id);
    std::fflush(stdout);
    IPCSkeleton::JoinWorkThread();
    return 0;
}

// `subscriber ID`: subscribes to ID and serves (until killed).
int RoleSubscriber(int32_t id)
{
    sptr<ISystemAbilityManager> samgr = Samgr();
    auto listener = MakeSptr<Listener>();
    int err = samgr ? samgr->SubscribeSystemAbility(id, listener) : ERR_DEAD_OBJECT;
    std::printf("subscribed %d\n", err);
    std::fflush(stdout);
    IPCSkeleton::JoinWorkThread();
    return 0;
}

// `as-uid UID WHAT ID`: opens the driver and finds samgr as root, drops to
// UID, then WHAT (add, remove, or owner: add, read its uid back, remove)
// and prints "WHAT RESULT... | ERROR TEXT".
int RoleAsUid(uid_t uid, const std::string& what, int32_t id)
{
    sptr<ISystemAbilityManager> samgr = Samgr();
    if (!samgr) {
        std::printf("%s -1 | no samgr\n", what.c_str());
        return 1;
    }
    if (setuid(uid) != 0) {
        std::printf("%s -1 | setuid: %s\n", what.c_str(), std::strerror(errno));
        return 1;
    }
    if (what == "add") {
        int err = samgr->AddSystemAbility(id, MakeSptr<TestSa>());
        std::printf("add %d | %s\n", err, samgr->GetLastError().c_str());
    } else if (what == "remove") {
        int err = samgr->RemoveSystemAbility(id);
        std::printf("remove %d | %s\n", err, samgr->GetLastError().c_str());
    } else if (what == "owner") {
        int added = samgr->AddSystemAbility(id, MakeSptr<TestSa>());
        std::string why = samgr->GetLastError();
        std::vector<SystemAbilityInfo> infos;
        long ownerUid = -1;
        if (samgr->ListSystemAbilityInfos(infos) == ERR_NONE)
            for (const auto& info : infos)
                if (info.id == id)
                    ownerUid = info.uid;
        int removed = samgr->RemoveSystemAbility(id);
        why += samgr->GetLastError();
        std::printf("owner %d %ld %d | %s\n", added, ownerUid, removed, why.c_str());
    }
    std::fflush(stdout);
    return 0;
}

int RunRole(int argc, char** argv, int i)
{
    RoleHygiene();
    std::vector<std::string> a(argv + i, argv + argc);
    auto num = [&](std::size_t k) { return k < a.size() ? std::atoi(a[k].c_str()) : -1; };
    if (a.size() >= 2 && a[0] == "sa")
        return RoleSa(num(1), a.size() >= 4 && a[2] == "--delay" ? num(3) : 0);
    if (a.size() >= 2 && a[0] == "exit")
        return num(1);
    if (a.size() >= 2 && a[0] == "subscriber")
        return RoleSubscriber(num(1));
    if (a.size() >= 4 && a[0] == "as-uid")
        return RoleAsUid(static_cast<uid_t>(num(1)), a[2], num(3));
    std::fprintf(stderr, "samgr_test: unknown role\n");
    return 2;
}

// --- processes -------------------------------------------------------------

std::string g_self;    // this binary, for roles and the on-demand config
std::string g_device;  // -d
std::vector<pid_t> g_children;  // every direct child, reaped at the end

struct Child {
    pid_t pid = -1;
    int out = -1;  // its stdout (a pipe), or -1
};

// fork+exec of `argv` with stdout (and, if errFd, stderr) on pipes.
Child Spawn(const std::vector<std::string>& argv, int* errFd = nullptr)
{
    std::vector<char*> args;
    for (const auto& s : argv)
        args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    int out[2], err[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) != 0 || (errFd && pipe2(err, O_CLOEXEC) != 0))
        return {};
    pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls between fork and exec.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out[1], 1);
        if (errFd)
            dup2(err[1], 2);
        execv(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    if (errFd) {
        close(err[1]);
        *errFd = pid > 0 ? err[0] : (close(err[0]), -1);
    }
    if (pid < 0) {
        close(out[0]);
        return {};
    }
    g_children.push_back(pid);
    return Child{pid, out[0]};
}

Child SpawnRole(const std::vector<std::string>& role)
{
    std::vector<std::string> argv{g_self, "--role"};
    argv.insert(argv.end(), role.begin(), role.end());
    return Spawn(argv);
}

bool ReadLineWithin(int fd, std::string& line, int ms)
{
    line.clear();
    auto end = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        int left = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
        if (poll(&p, 1, std::max(left, 1)) <= 0)
            continue;
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n <= 0)
            return false;
        if (c == '\n')
            return true;
        line += c;
    }
    return false;
}

// Ends a child: SIGKILL (unless already gone) and reap. Returns its wait
// status.
int KillAndReap(pid_t pid, int sig = SIGKILL)
{
    if (pid <= 0)
        return -1;
    kill(pid, sig);
    int status = -1;
    waitpid(pid, &status, 0);
    std::erase(g_children, pid);
    return status;
}

// Exit status of a child within ms, else kills it and returns -1.
int WaitExit(pid_t pid, int ms)
{
    auto end = Clock::now() + std::chrono::milliseconds(ms);
    int status = 0;
    while (Clock::now() < end) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            std::erase(g_children, pid);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(5ms);
    }
    KillAndReap(pid);
    return -1;
}

// A role that prints one answer line and exits: the line.
std::string RunRoleForLine(const std::vector<std::string>& role)
{
    Child c = SpawnRole(role);
    std::string line;
    if (c.pid > 0) {
        ReadLineWithin(c.out, line, 10000);
        close(c.out);
        WaitExit(c.pid, 5000);
    }
    return line;
}

// An SA in a process of its own, registered once this returns.
struct SaChild {
    pid_t pid = -1;
    bool ready = false;
};

SaChild StartSa(int32_t id)
{
    Child c = SpawnRole({"sa", std::to_string(id)});
    std::string line;
    SaChild sa{c.pid, c.pid > 0 && ReadLineWithin(c.out, line, 10000) &&
                          line == "sa " + std::to_string(id) + " ready"};
    if (c.out >= 0)
        close(c.out);
    return sa;
}

// The samgr under test, its stdout and stderr read by a thread of ours
// (echoed as TAP comments, kept for the cases to look at).
class SamgrProcess {
public:
    ~SamgrProcess() { Stop(SIGKILL); }

    bool Start(const std::string& config, std::string& why)
    {
        static int n = 0;
        confPath_ = "/tmp/samgr_test." + std::to_string(getpid()) + "." + std::to_string(++n) +
                    ".conf";
        std::ofstream(confPath_) << config;
        const char* bin = std::getenv("IPCKIT_BIN");
        std::string samgr = std::string(bin && *bin ? bin : "/ipckit/bin") + "/samgr";
        Child c = Spawn({samgr, "-d", g_device, "-c", confPath_}, &err_);
        pid_ = c.pid;
        out_ = c.out;
        if (pid_ <= 0) {
            why = "cannot start " + samgr;
            return false;
        }
        stop_ = false;
        reader_ = std::thread([this] { ReadLoop(); });
        if (!WaitLine(outLines_, "samgr: ready on " + g_device, 10000, true)) {
            why = "no 'samgr: ready on " + g_device + "' line within 10 s";
            if (!Alive())
                why = "samgr exited with status " + std::to_string(status_) + " before ready";
            return false;
        }
        return true;
    }

    // False once samgr has ended (it is reaped then).
    bool Alive()
    {
        int status;
        if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
            std::erase(g_children, pid_);
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
        }
        return pid_ > 0;
    }

    // SIGTERM (or `sig`), then the exit status (-1 if it had to be killed).
    int Stop(int sig = SIGTERM)
    {
        int status = status_;
        if (Alive()) {
            kill(pid_, sig);
            status = WaitExit(pid_, 5000);
            pid_ = -1;
        }
        if (reader_.joinable()) {
            stop_ = true;
            reader_.join();
        }
        for (int* fd : {&out_, &err_})
            if (*fd >= 0)
                close(std::exchange(*fd, -1));
        if (!confPath_.empty())
            unlink(confPath_.c_str());
        return status;
    }

    pid_t pid() const { return pid_; }

    // A stderr line containing `part`, within ms.
    bool WaitLog(const std::string& part, int ms) { return WaitLine(errLines_, part, ms, false); }
    // The first log line holding `part`, or "".
    std::string LogLine(const std::string& part)
    {
        std::lock_guard<std::mutex> g(lock_);
        for (const auto& line : errLines_)
            if (Contains(line, part))
                return line;
        return {};
    }

private:
    // Until a line of `lines` is (exact) or contains `text`; false after
    // ms, or at once when samgr's output has ended.
    bool WaitLine(std::vector<std::string>& lines, const std::string& text, int ms, bool exact)
    {
        std::unique_lock<std::mutex> g(lock_);
        auto found = [&] {
            return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
                return exact ? l == text : Contains(l, text);
            });
        };
        changed_.wait_for(g, std::chrono::milliseconds(ms), [&] { return found() || ended_; });
        return found();
    }

    void ReadLoop()
    {
        std::string partial[2];
        // poll() skips negative fds: one that reached EOF is set to -1.
        pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        while (!stop_) {
            if (poll(p, 2, 50) <= 0)
                continue;
            for (int i = 0; i < 2; i++) {
                if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                char buf[512];
                ssize_t n = read(p[i].fd, buf, sizeof(buf));
                if (n <= 0) {
                    p[i].fd = -1;  // nobody writes there any more
                    if (p[0].fd < 0 && p[1].fd < 0) {
                        std::lock_guard<std::mutex> g(lock_);
                        ended_ = true;
                        changed_.notify_all();
                    }
                    continue;
                }
                partial[i].append(buf, static_cast<std::size_t>(n));
                for (std::size_t nl; (nl = partial[i].find('\n')) != std::string::npos;) {
                    std::string line = partial[i].substr(0, nl);
                    partial[i].erase(0, nl + 1);
                    std::fprintf(stderr, "# %s\n", line.c_str());
                    std::lock_guard<std::mutex> g(lock_);
                    (i == 0 ? outLines_ : errLines_).push_back(line);
                    changed_.notify_all();
                }
            }
        }
    }

    pid_t pid_ = -1;
    int status_ = -1;  // once reaped
    int out_ = -1, err_ = -1;
    std::string confPath_;
    std::thread reader_;
    std::atomic<bool> stop_{false};
    std::mutex lock_;
    std::condition_variable changed_;
    std::vector<std::string> outLines_, errLines_;
    bool ended_ = false;  // both outputs at EOF
};

// --- the cases ----------------------------------------------------------------

// CHECK with samgr's reason for the last failing call in the message.
#define CHECK_SAMGR(cond)                                                              \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            why = std::string(#cond) + " (line " + std::to_string(__LINE__) +          \
                  "; samgr: " + g_samgr->GetLastError() + ")";                         \
            return false;                                                              \
        }                                                                              \
    } while (0)

SamgrProcess* g_proc = nullptr;
sptr<ISystemAbilityManager> g_samgr;

bool Listed(int32_t id)
{
    auto ids = g_samgr->ListSystemAbilities();
    return std::find(ids.begin(), ids.end(), [&] {
               std::string s = std::to_string(id);
               return std::u16string(s.begin(), s.end());
           }()) != ids.end();
}

std::optional<SystemAbilityInfo> InfoOf(int32_t id)
{
    std::vector<SystemAbilityInfo> infos;
    if (g_samgr->ListSystemAbilityInfos(infos) != ERR_NONE)
        return std::nullopt;
    for (const auto& info : infos)
        if (info.id == id)
            return info;
    return std::nullopt;
}

// Until `id` is listed (want) or not (!want), within ms.
bool WaitListed(int32_t id, bool want, int ms)
{
    auto end = Clock::now() + std::chrono::milliseconds(ms);
    while (Listed(id) != want) {
        if (Clock::now() >= end)
            return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

int CallPid(const sptr<IRemoteObject>& sa)
{
    MessageParcel data, reply;
    MessageOption option;
    if (!sa || sa->SendRequest(TestSa::PID, data, reply, option) != ERR_NONE)
        return -1;
    return reply.ReadInt32();
}

std::string CallEcho(const sptr<IRemoteObject>& sa, const std::string& text)
{
    MessageParcel data, reply;
    MessageOption option;
    data.WriteString(text);
    if (!sa || sa->SendRequest(TestSa::ECHO, data, reply, option) != ERR_NONE)
        return "(call failed)";
    return reply.ReadString();
}

bool AddGetCheckListRemove(std::string& why)
{
    CHECK(g_samgr);
    // Our own stub: samgr hands back the very object.
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4100, mine) == ERR_NONE);
    CHECK(g_samgr->CheckSystemAbility(4100).GetRefPtr() == mine.GetRefPtr());
    CHECK(g_samgr->GetSystemAbility(4100).GetRefPtr() == mine.GetRefPtr());
    CHECK(Listed(4100));
    // Another process's: a proxy that answers.
    SaChild sa = StartSa(4101);
    CHECK(sa.ready);
    sptr<IRemoteObject> got = g_samgr->GetSystemAbility(4101);
    bool ok = got && got->IsProxyObject() && CallEcho(got, "hello, samgr") == "hello, samgr" &&
              CallPid(got) == sa.pid && got->GetInterfaceDescriptor() == kSaDescriptor &&
              g_samgr->CheckSystemAbility(4101) == got;
    got = nullptr;
    KillAndReap(sa.pid);
    CHECK(ok);
    CHECK_SAMGR(g_samgr->RemoveSystemAbility(4100) == ERR_NONE);
    CHECK(!g_samgr->CheckSystemAbility(4100));
    CHECK(!Listed(4100));
    // Removing it again: there is nothing to remove.
    CHECK(g_samgr->RemoveSystemAbility(4100) != ERR_NONE);
    CHECK(Contains(g_samgr->GetLastError(), "SA 4100 is not registered"));
    CHECK(WaitListed(4101, false, 5000));
    return true;
}

bool MissingIdIsNullAtOnce(std::string& why)
{
    CHECK(g_samgr);
    auto t0 = Clock::now();
    CHECK(!g_samgr->CheckSystemAbility(4999));
    CHECK(Contains(g_samgr->GetLastError(), "SA 4999 is not registered"));
    // Nothing is loading it, so Get does not wait either.
    CHECK(!g_samgr->GetSystemAbility(4999));
    int ms = ElapsedMs(t0);
    why = "took " + std::to_string(ms) + " ms";
    // Not a timing test: "did not wait" means well under Get's 5 s wait.
    CHECK(ms < ISystemAbilityManager::GET_WAIT_MS / 2);
    return true;
}

// --- rpcd's calls (samgr_distributed.h) and remote callers ----------------------

bool DistributedGetAndList(std::string& why)
{
    CHECK(g_samgr);
    sptr<IRemoteObject> samgr = g_samgr->AsObject();
    SaChild shared = StartSa(4300);  // `distributed 4300` in the config
    SaChild local = StartSa(4301);   // not listed: local only
    CHECK(shared.ready && local.ready);
    int32_t err = -1;
    std::string text;
    sptr<IRemoteObject> got =
        GetDistributedSystemAbility(samgr, 4300, detail::RPC_MODE_CHECK, 0, err, text);
    bool ok = got && err == ERR_NONE && text.empty() && CallPid(got) == shared.pid;
    got = GetDistributedSystemAbility(samgr, 4300, detail::RPC_MODE_GET, 0, err, text);
    ok = ok && got && CallPid(got) == shared.pid;
    got = nullptr;
    sptr<IRemoteObject> refused =
        GetDistributedSystemAbility(samgr, 4301, detail::RPC_MODE_GET, 0, err, text);
    int32_t refusedErr = err;
    std::string refusedText = text;
    std::vector<SystemAbilityInfo> infos;
    std::string listWhy;
    int32_t listErr = ListDistributedSystemAbilities(samgr, infos, listWhy);
    std::vector<SystemAbilityInfo> viaApi;
    int32_t apiErr = g_samgr->ListRemoteSystemAbilities("", viaApi);
    KillAndReap(shared.pid);
    KillAndReap(local.pid);
    CHECK(ok);
    why = "err " + std::to_string(refusedErr) + ": " + refusedText;
    CHECK(!refused && refusedErr == RPC_ERR_NOT_DISTRIBUTED);
    CHECK(Contains(refusedText, "SA 4301 is not distributed"));
    CHECK(g_proc->WaitLog("asked for SA 4301 for another device", 2000));
    why = "list: " + listWhy;
    CHECK(listErr == ERR_NONE && infos.size() == 1);
    CHECK(infos[0].id == 4300 && infos[0].descriptor == kSaDescriptor);
    CHECK(apiErr == ERR_NONE && viaApi.size() == 1 && viaApi[0].id == 4300);
    return true;
}

bool DistributedCheckAndLoad(std::string& why)
{
    CHECK(g_samgr);
    sptr<IRemoteObject> samgr = g_samgr->AsObject();
    int32_t err = -1;
    std::string text;
    // Distributed but not registered: CHECK fails at once, LOAD starts it.
    CHECK(!GetDistributedSystemAbility(samgr, 4302, detail::RPC_MODE_CHECK, 0, err, text));
    why = "check: " + std::to_string(err) + " " + text;
    CHECK(err == RPC_ERR_NO_SYSTEM_ABILITY && Contains(text, "SA 4302 is not registered"));
    sptr<IRemoteObject> loaded =
        GetDistributedSystemAbility(samgr, 4302, detail::RPC_MODE_LOAD, 10, err, text);
    why = "load: " + std::to_string(err) + " " + text;
    CHECK(loaded && err == ERR_NONE);
    CHECK(CallEcho(loaded, "loaded for a peer") == "loaded for a peer");
    // A distributed id without a command cannot be loaded.
    CHECK(!GetDistributedSystemAbility(samgr, 4303, detail::RPC_MODE_LOAD, 1, err, text));
    CHECK(err == RPC_ERR_NO_SYSTEM_ABILITY);
    CHECK(!GetDistributedSystemAbility(samgr, 4300, 7, 0, err, text));
    CHECK(err == ERR_INVALID_DATA);
    return true;
}

bool RemoteCallersAreRefused(std::string& why)
{
    CHECK(g_samgr && geteuid() == 0);
    // What rpcd would send for another device's CheckSystemAbility(4300).
    MessageParcel data, reply;
    MessageOption option;
    CHECK(data.WriteInterfaceToken(ISystemAbilityManager::GetDescriptor()));
    CHECK(data.WriteInt32(4300));
    detail::RpcForwardTrailer t{};
    t.code = ISystemAbilityManager::CHECK_SYSTEM_ABILITY_TRANSACTION;
    std::memcpy(t.networkId, "feedface", 8);
    t.remotePid = 1;
    t.magic = detail::RPC_FORWARD_MAGIC;
    CHECK(data.WriteBuffer(&t, sizeof(t)));
    CHECK(g_samgr->AsObject()->SendRequest(IRemoteObject::RPC_FORWARD_TRANSACTION, data, reply,
                                           option) == ERR_NONE);
    int32_t result = reply.ReadInt32();
    std::string text = reply.ReadString();
    why = std::to_string(result) + ": " + text;
    CHECK(result == RPC_ERR_CALLER_NOT_AUTHORIZED);
    CHECK(Contains(text, "remote callers cannot reach samgr"));
    CHECK(g_proc->WaitLog("remote callers cannot reach samgr", 2000));
    // Local calls go on as before.
    CHECK(!g_samgr->CheckSystemAbility(4999));
    return true;
}

bool RemoteGetWithoutRpcd(std::string& why)
{
    CHECK(g_samgr);
    const std::string peer(64, 'a');
    CHECK(!g_samgr->GetSystemAbility(4300, peer));
    why = g_samgr->GetLastError();
    CHECK(g_samgr->GetLastErrorCode() == RPC_ERR_NOT_RUNNING);
    CHECK(Contains(g_samgr->GetLastError(), "rpcd is not running"));
    std::vector<SystemAbilityInfo> infos;
    CHECK(g_samgr->ListRemoteSystemAbilities(peer, infos) == RPC_ERR_NOT_RUNNING);
    // "" is this device: the local call, which succeeds or fails as such.
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4304, mine) == ERR_NONE);
    CHECK(g_samgr->CheckSystemAbility(4304, "").GetRefPtr() == mine.GetRefPtr());
    CHECK(g_samgr->GetLastErrorCode() == ERR_NONE);
    CHECK(g_samgr->GetSystemAbility(4304, IPCSkeleton::GetLocalDeviceID()).GetRefPtr() ==
          mine.GetRefPtr());
    CHECK_SAMGR(g_samgr->RemoveSystemAbility(4304) == ERR_NONE);
    return true;
}

// Hears LoadSystemAbility(id, networkId, callback)'s result.
class LoadCallback : public SystemAbilityLoadCallback {
public:
    void OnLoadSystemAbilitySuccess(int32_t id, const sptr<IRemoteObject>& object) override
    {
        std::lock_guard<std::mutex> g(lock_);
        id_ = id;
        object_ = object;
        done_ = true;
        cv_.notify_all();
    }
    void OnLoadSystemAbilityFail(int32_t id, int32_t error, const std::string& text) override
    {
        std::lock_guard<std::mutex> g(lock_);
        id_ = id;
        error_ = error;
        text_ = text;
        done_ = true;
        cv_.notify_all();
    }
    bool Wait(int ms)
    {
        std::unique_lock<std::mutex> g(lock_);
        return cv_.wait_for(g, std::chrono::milliseconds(ms), [this] { return done_; });
    }
    std::mutex lock_;
    std::condition_variable cv_;
    bool done_ = false;
    int32_t id_ = -1, error_ = 0;
    std::string text_;
    sptr<IRemoteObject> object_;
};

bool LoadWithCallback(std::string& why)
{
    CHECK(g_samgr);
    // This device: the local load, reported on a library thread.
    auto ok = MakeSptr<LoadCallback>();
    CHECK_SAMGR(g_samgr->LoadSystemAbility(4302, "", ok));
    CHECK(ok->Wait(15000));
    CHECK(ok->id_ == 4302 && ok->object_);
    CHECK(CallEcho(ok->object_, "via callback") == "via callback");
    auto bad = MakeSptr<LoadCallback>();
    CHECK_SAMGR(g_samgr->LoadSystemAbility(4303, "", bad));
    CHECK(bad->Wait(15000));
    why = bad->text_;
    CHECK(!bad->object_ && bad->error_ != ERR_NONE && Contains(bad->text_, "SA 4303"));
    // Another device without rpcd: refused at once, the callback not called.
    auto never = MakeSptr<LoadCallback>();
    CHECK(!g_samgr->LoadSystemAbility(4302, std::string(64, 'b'), never));
    CHECK(g_samgr->GetLastErrorCode() == RPC_ERR_NOT_RUNNING);
    CHECK(!never->Wait(200));
    return true;
}

bool InfosShowOwnerAndDescriptor(std::string& why)
{
    CHECK(g_samgr);
    SaChild sa = StartSa(4102);
    auto info = InfoOf(4102);
    KillAndReap(sa.pid);
    CHECK(sa.ready);
    CHECK(info);
    CHECK(info->pid == sa.pid);
    CHECK(info->uid == 0);
    CHECK(info->descriptor == kSaDescriptor);
    CHECK(!info->isDistributed);

    SAExtraProp extra;
    extra.isDistributed = true;
    extra.permission = u"ohos.permission.SAMGR_TEST";
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4103, mine, extra) == ERR_NONE);
    auto own = InfoOf(4103);
    g_samgr->RemoveSystemAbility(4103);
    CHECK(own);
    CHECK(own->pid == getpid());
    CHECK(own->uid == geteuid());
    CHECK(own->isDistributed);
    CHECK(own->permission == u"ohos.permission.SAMGR_TEST");
    CHECK(WaitListed(4102, false, 5000));
    return true;
}

bool SubscriberHearsLaterAdd(std::string& why)
{
    CHECK(g_samgr);
    auto listener = MakeSptr<Listener>();
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4110, listener) == ERR_NONE);
    CHECK(listener->Count('+', 4110) == 0);  // nothing there yet
    SaChild sa = StartSa(4110);
    bool heard = listener->WaitFor('+', 4110, 1, 5000);
    KillAndReap(sa.pid);
    CHECK(sa.ready);
    CHECK(heard);
    // Its death is a removal too.
    CHECK(listener->WaitFor('-', 4110, 1, 5000));
    CHECK_SAMGR(g_samgr->UnSubscribeSystemAbility(4110, listener) == ERR_NONE);
    return true;
}

bool SubscriberHearsExistingAtOnce(std::string& why)
{
    CHECK(g_samgr);
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4111, mine) == ERR_NONE);
    auto listener = MakeSptr<Listener>();
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4111, listener) == ERR_NONE);
    bool heard = listener->WaitFor('+', 4111, 1, 5000);
    g_samgr->UnSubscribeSystemAbility(4111, listener);
    g_samgr->RemoveSystemAbility(4111);
    CHECK(heard);
    return true;
}

bool SubscriberHearsRemove(std::string& why)
{
    CHECK(g_samgr);
    auto mine = MakeSptr<TestSa>();
    auto listener = MakeSptr<Listener>();
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4112, listener) == ERR_NONE);
    CHECK_SAMGR(g_samgr->AddSystemAbility(4112, mine) == ERR_NONE);
    CHECK(listener->WaitFor('+', 4112, 1, 5000));
    CHECK_SAMGR(g_samgr->RemoveSystemAbility(4112) == ERR_NONE);
    CHECK(listener->WaitFor('-', 4112, 1, 5000));
    // In order, once each.
    CHECK(listener->Count('+', 4112) == 1 && listener->Count('-', 4112) == 1);
    g_samgr->UnSubscribeSystemAbility(4112, listener);
    return true;
}

bool NothingAfterUnsubscribe(std::string& why)
{
    CHECK(g_samgr);
    auto mine = MakeSptr<TestSa>();
    auto gone = MakeSptr<Listener>(), stays = MakeSptr<Listener>();
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4113, gone) == ERR_NONE);
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4113, stays) == ERR_NONE);
    CHECK_SAMGR(g_samgr->UnSubscribeSystemAbility(4113, gone) == ERR_NONE);
    // Unsubscribing what is not subscribed says so.
    CHECK(g_samgr->UnSubscribeSystemAbility(4113, gone) != ERR_NONE);
    CHECK(Contains(g_samgr->GetLastError(), "not subscribed to SA 4113"));
    CHECK_SAMGR(g_samgr->AddSystemAbility(4113, mine) == ERR_NONE);
    CHECK_SAMGR(g_samgr->RemoveSystemAbility(4113) == ERR_NONE);
    // The remaining subscriber hearing both shows samgr has sent them;
    // the unsubscribed one would have been told first.
    CHECK(stays->WaitFor('-', 4113, 1, 5000));
    std::this_thread::sleep_for(100ms);
    CHECK(gone->Count('+', 4113) == 0 && gone->Count('-', 4113) == 0);
    g_samgr->UnSubscribeSystemAbility(4113, stays);
    return true;
}

bool SubscriberDeathIsDropped(std::string& why)
{
    CHECK(g_samgr);
    Child c = SpawnRole({"subscriber", "4114"});
    std::string line;
    bool subscribed = ReadLineWithin(c.out, line, 10000) && line == "subscribed 0";
    close(c.out);
    KillAndReap(c.pid);
    CHECK(subscribed);
    CHECK(g_proc->WaitLog("subscriber of pid " + std::to_string(c.pid) +
                              " died: dropped its 1 subscription(s)",
                          5000));
    return true;
}

bool LoadStartsTheProcess(std::string& why)
{
    CHECK(g_samgr);
    auto t0 = Clock::now();
    sptr<IRemoteObject> sa = g_samgr->LoadSystemAbility(4200, 10);
    CHECK_SAMGR(sa);
    why = "took " + std::to_string(ElapsedMs(t0)) + " ms";
    CHECK(CallEcho(sa, "loaded") == "loaded");
    // Started by samgr: its child, not ours.
    int pid = CallPid(sa);
    CHECK(pid > 0);
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string statLine;
    std::getline(stat, statLine);
    int ppid = 0;
    auto paren = statLine.rfind(')');  // the name may hold anything
    CHECK(paren != std::string::npos);
    CHECK(std::sscanf(statLine.c_str() + paren + 1, " %*c %d", &ppid) == 1);
    CHECK(ppid == g_proc->pid());
    // Loaded already: the same one, nothing new started.
    CHECK(CallPid(g_samgr->LoadSystemAbility(4200, 10)) == pid);
    CHECK(g_proc->WaitLog("SA 4200: started", 1000));
    return true;
}

bool ReapedAfterExit(std::string& why)
{
    CHECK(g_samgr);
    auto info = InfoOf(4200);
    CHECK(info);
    pid_t pid = info->pid;
    CHECK(kill(pid, SIGKILL) == 0);
    // samgr reaps it: /proc/PID goes (a zombie would keep it).
    std::string proc = "/proc/" + std::to_string(pid);
    auto end = Clock::now() + 5s;
    while (access(proc.c_str(), F_OK) == 0 && Clock::now() < end)
        std::this_thread::sleep_for(10ms);
    CHECK(access(proc.c_str(), F_OK) != 0);
    CHECK(g_proc->WaitLog("on-demand process " + std::to_string(pid) +
                              " was killed by signal 9",
                          5000));
    CHECK(WaitListed(4200, false, 5000));
    return true;
}

bool GetWaitsForAStartingSa(std::string& why)
{
    CHECK(g_samgr);
    sptr<IRemoteObject> loaded;
    std::thread loader([&] { loaded = Samgr()->LoadSystemAbility(4201, 10); });
    // Its command sleeps 800 ms before adding: Get comes during the start.
    bool started = g_proc->WaitLog("SA 4201: started", 5000);
    bool absent = started && !g_samgr->CheckSystemAbility(4201);
    auto t0 = Clock::now();
    sptr<IRemoteObject> got = started ? g_samgr->GetSystemAbility(4201) : nullptr;
    int ms = ElapsedMs(t0);
    loader.join();
    CHECK(started);
    why = "Get took " + std::to_string(ms) + " ms";
    CHECK(absent);  // not there yet when Get was called: Get waited for it
    CHECK_SAMGR(got);
    CHECK(loaded == got);
    CHECK(CallEcho(got, "waited") == "waited");
    int pid = CallPid(got);
    got = loaded = nullptr;
    CHECK(pid > 0 && kill(pid, SIGKILL) == 0);
    CHECK(WaitListed(4201, false, 5000));
    return true;
}

bool LoadUnconfiguredFails(std::string& why)
{
    CHECK(g_samgr);
    auto t0 = Clock::now();
    CHECK(!g_samgr->LoadSystemAbility(4204, 5));
    std::string error = g_samgr->GetLastError();
    why = "took " + std::to_string(ElapsedMs(t0)) + " ms: " + error;
    CHECK(ElapsedMs(t0) < 2500);  // did not wait for the 5 s timeout
    CHECK(Contains(error, "SA 4204 has no ondemand command in /tmp/samgr_test."));
    return true;
}

bool LoadOfExitingCommandFailsEarly(std::string& why)
{
    CHECK(g_samgr);
    auto t0 = Clock::now();
    CHECK(!g_samgr->LoadSystemAbility(4202, 30));
    std::string error = g_samgr->GetLastError();
    int ms = ElapsedMs(t0);
    why = "took " + std::to_string(ms) + " ms: " + error;
    CHECK(ms < 15000);  // did not wait for the 30 s timeout
    CHECK(Contains(error, "SA 4202: `" + g_self + " --role exit 3` (pid "));
    CHECK(Contains(error, ") exited with status 3 before adding the SA"));
    return true;
}

bool LoadOfMissingCommandFails(std::string& why)
{
    CHECK(g_samgr);
    CHECK(!g_samgr->LoadSystemAbility(4203, 5));
    std::string error = g_samgr->GetLastError();
    why = error;
    CHECK(error == "SA 4203: cannot start /nonexistent/samgr_test_sa: No such file or directory");
    return true;
}

// Calls waiting for an SA to start hold samgr threads; there are only so
// many (16 and the main one). With 20 such calls at once, samgr must keep
// threads free: an AddSystemAbility still goes through at once, and the
// calls past samgr's limit are refused with a reason instead of queueing.
bool WaitingLoadsLeaveThreadsForOthers(std::string& why)
{
    CHECK(g_samgr);
    constexpr int kCallers = 20;
    std::vector<std::string> errors(kCallers);
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; i++) {
        callers.emplace_back([&errors, i] {
            sptr<ISystemAbilityManager> samgr = Samgr();
            if (samgr && !samgr->LoadSystemAbility(4205, 20))
                errors[i] = samgr->GetLastError();
        });
    }
    bool started = g_proc->WaitLog("SA 4205: started", 5000);
    std::this_thread::sleep_for(500ms);  // let every caller reach samgr
    auto t0 = Clock::now();
    int added = g_samgr->AddSystemAbility(4206, MakeSptr<TestSa>());
    int ms = ElapsedMs(t0);
    // End the start: its process exits, so every waiting load fails.
    auto info = g_proc->LogLine("SA 4205: started");
    pid_t pid = 0;
    if (auto at = info.find("(pid "); at != std::string::npos)
        pid = std::atoi(info.c_str() + at + 5);
    if (pid > 0)
        kill(pid, SIGKILL);
    for (auto& t : callers)
        t.join();
    int busy = 0;
    for (const auto& e : errors)
        busy += Contains(e, "samgr is busy");
    why = "AddSystemAbility took " + std::to_string(ms) + " ms; " + std::to_string(busy) +
          " of " + std::to_string(kCallers) + " loads refused as busy";
    CHECK(started);
    CHECK(pid > 0);
    CHECK(added == ERR_NONE);
    CHECK(ms < 10000);  // did not wait for the loads' 20 s timeout
    CHECK(busy > 0);
    CHECK(g_samgr->RemoveSystemAbility(4206) == ERR_NONE);
    return true;
}

bool SaDeathRemovesAndNotifies(std::string& why)
{
    CHECK(g_samgr);
    auto listener = MakeSptr<Listener>();
    CHECK_SAMGR(g_samgr->SubscribeSystemAbility(4300, listener) == ERR_NONE);
    SaChild sa = StartSa(4300);
    CHECK(sa.ready);
    CHECK(listener->WaitFor('+', 4300, 1, 5000));
    CHECK(Listed(4300));
    KillAndReap(sa.pid);
    CHECK(WaitListed(4300, false, 5000));
    CHECK(!g_samgr->CheckSystemAbility(4300));
    CHECK(listener->WaitFor('-', 4300, 1, 5000));
    CHECK(g_proc->WaitLog("SA 4300 removed: its process died (pid " + std::to_string(sa.pid) + ")",
                          5000));
    g_samgr->UnSubscribeSystemAbility(4300, listener);
    return true;
}

// "WHAT CODE ... | TEXT" from a RoleAsUid.
struct AsUidAnswer {
    std::vector<long> numbers;
    std::string text;
};

AsUidAnswer RunAsUid(uid_t uid, const std::string& what, int32_t id)
{
    std::string line = RunRoleForLine({"as-uid", std::to_string(uid), what, std::to_string(id)});
    AsUidAnswer a;
    auto bar = line.find(" | ");
    std::istringstream words(line.substr(0, bar));
    std::string word;
    words >> word;  // WHAT
    if (word != what)
        return a;
    for (long n; words >> n;)
        a.numbers.push_back(n);
    if (bar != std::string::npos)
        a.text = line.substr(bar + 3);
    return a;
}

bool OthersMayNotRemoveOrReplace(std::string& why)
{
    CHECK(g_samgr);
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4400, mine) == ERR_NONE);
    AsUidAnswer removed = RunAsUid(1000, "remove", 4400);
    AsUidAnswer added = RunAsUid(1000, "add", 4400);
    auto info = InfoOf(4400);
    g_samgr->RemoveSystemAbility(4400);
    std::string owner = "SA 4400 belongs to pid " + std::to_string(getpid());
    why = "remove: " + removed.text + "; add: " + added.text;
    CHECK(removed.numbers == std::vector<long>{ERR_NO_PERMISSION});
    CHECK(removed.text == owner + "; only that process or root may remove it");
    CHECK(added.numbers == std::vector<long>{ERR_NO_PERMISSION});
    CHECK(added.text == owner);
    // Still ours, untouched.
    CHECK(info && info->pid == getpid());
    CHECK(g_proc->WaitLog("denied: uid 1000 (pid ", 1000));
    return true;
}

bool OwnerMayRemoveItsOwn(std::string& why)
{
    CHECK(g_samgr);
    AsUidAnswer a = RunAsUid(1000, "owner", 4401);
    why = a.text;
    // Added as uid 1000, listed with that uid, removed by itself.
    CHECK((a.numbers == std::vector<long>{ERR_NONE, 1000, ERR_NONE}));
    CHECK(!Listed(4401));
    return true;
}

bool RootMayReplace(std::string& why)
{
    CHECK(g_samgr);
    SaChild sa = StartSa(4402);
    CHECK(sa.ready);
    auto mine = MakeSptr<TestSa>();
    int err = g_samgr->AddSystemAbility(4402, mine);
    auto info = InfoOf(4402);
    // The replaced SA's death no longer removes the id.
    KillAndReap(sa.pid);
    std::this_thread::sleep_for(200ms);
    bool still = g_samgr->CheckSystemAbility(4402).GetRefPtr() == mine.GetRefPtr();
    g_samgr->RemoveSystemAbility(4402);
    CHECK(err == ERR_NONE);
    CHECK(info && info->pid == getpid());
    CHECK(still);
    return true;
}

bool HundredSas(std::string& why)
{
    CHECK(g_samgr);
    std::vector<sptr<TestSa>> sas;
    int failed = 0;
    for (int32_t id = 5000; id < 5100; id++) {
        sas.push_back(MakeSptr<TestSa>());
        if (g_samgr->AddSystemAbility(id, sas.back()) != ERR_NONE)
            failed++;
    }
    auto ids = g_samgr->ListSystemAbilities();
    std::vector<SystemAbilityInfo> infos;
    int infoErr = g_samgr->ListSystemAbilityInfos(infos);
    int removeFailed = 0;
    for (int32_t id = 5000; id < 5100; id++)
        if (g_samgr->RemoveSystemAbility(id) != ERR_NONE)
            removeFailed++;
    CHECK(failed == 0);
    std::vector<std::u16string> want;
    for (int32_t id = 5000; id < 5100; id++) {
        std::string s = std::to_string(id);
        want.emplace_back(s.begin(), s.end());
    }
    std::vector<std::u16string> ours;
    std::copy_if(ids.begin(), ids.end(), std::back_inserter(ours),
                 [](const std::u16string& s) { return s.size() == 4 && s[0] == u'5'; });
    CHECK(ours == want);  // all 100, ascending
    CHECK(std::is_sorted(ids.begin(), ids.end(), [](const auto& a, const auto& b) {
        return std::stol(std::string(a.begin(), a.end())) <
               std::stol(std::string(b.begin(), b.end()));
    }));
    CHECK(infoErr == ERR_NONE);
    CHECK(std::count_if(infos.begin(), infos.end(), [](const SystemAbilityInfo& i) {
              return i.id >= 5000 && i.id < 5100 && i.pid == getpid();
          }) == 100);
    CHECK(removeFailed == 0);
    CHECK(!Listed(5000) && !Listed(5099));
    return true;
}

// What FillUntilRefused saw.
struct Filled {
    int accepted = 0;   // calls that succeeded, all before the refusal
    bool refused = false;
    std::string error;  // samgr's reason for the refusal
    int undoFailed = 0;
};

// fill(first), fill(first + 1), ... until one is refused (at most max + 1
// calls); then undo() for every id that was accepted.
Filled FillUntilRefused(int32_t first, int max, const std::function<int(int32_t)>& fill,
                        const std::function<int(int32_t)>& undo)
{
    Filled f;
    for (int i = 0; i <= max && !f.refused; i++) {
        if (fill(first + i) == ERR_NONE) {
            f.accepted++;
        } else {
            f.refused = true;
            f.error = g_samgr->GetLastError();
        }
    }
    for (int i = 0; i < f.accepted; i++)
        f.undoFailed += undo(first + i) != ERR_NONE;
    return f;
}

// No client can make samgr grow without bound: one process holds at most
// 1024 SAs and 1024 subscriptions; past that, a refusal with the reason.
bool QuotaPerProcess(std::string& why)
{
    CHECK(g_samgr);
    constexpr int kQuota = 1024;
    std::vector<SystemAbilityInfo> infos;
    CHECK(g_samgr->ListSystemAbilityInfos(infos) == ERR_NONE);
    int held = static_cast<int>(std::count_if(infos.begin(), infos.end(), [](const auto& i) {
        return i.pid == getpid();
    }));
    auto sa = MakeSptr<TestSa>();
    Filled sas = FillUntilRefused(
        6000, kQuota, [&](int32_t id) { return g_samgr->AddSystemAbility(id, sa); },
        [](int32_t id) { return g_samgr->RemoveSystemAbility(id); });
    auto listener = MakeSptr<Listener>();
    Filled subs = FillUntilRefused(
        8000, kQuota, [&](int32_t id) { return g_samgr->SubscribeSystemAbility(id, listener); },
        [&](int32_t id) { return g_samgr->UnSubscribeSystemAbility(id, listener); });
    why = std::to_string(sas.accepted) + " SAs added (" + std::to_string(held) +
          " held before), " + std::to_string(subs.accepted) + " subscriptions: " + sas.error +
          " / " + subs.error;
    CHECK(sas.accepted + held == kQuota);
    CHECK(sas.refused);
    CHECK(sas.error == "pid " + std::to_string(getpid()) + " holds 1024 system abilities, " +
                           "samgr's limit per process");
    CHECK(sas.undoFailed == 0);
    CHECK(subs.refused);
    CHECK(Contains(subs.error, "subscriptions, samgr's limit per process"));
    CHECK(subs.undoFailed == 0);
    // Under the limit again: both work.
    CHECK_SAMGR(g_samgr->AddSystemAbility(6000, sa) == ERR_NONE);
    CHECK(g_samgr->RemoveSystemAbility(6000) == ERR_NONE);
    return true;
}

bool IdsOutOfRange(std::string& why)
{
    CHECK(g_samgr);
    auto mine = MakeSptr<TestSa>();
    CHECK(g_samgr->AddSystemAbility(0x1000000, mine) == ERR_INVALID_DATA);
    CHECK(g_samgr->GetLastError() == "SA id 0x1000000 is outside 0..0xffffff");
    CHECK(g_samgr->AddSystemAbility(-1, mine) == ERR_INVALID_DATA);
    CHECK(g_samgr->GetLastError() == "SA id -1 is outside 0..0xffffff");
    CHECK(!g_samgr->CheckSystemAbility(0x1000000));
    CHECK(!g_samgr->GetSystemAbility(-1));
    CHECK(!g_samgr->LoadSystemAbility(INT_MAX, 1));
    CHECK(Contains(g_samgr->GetLastError(), "is outside 0..0xffffff"));
    CHECK(g_samgr->RemoveSystemAbility(0x1000000) == ERR_INVALID_DATA);
    CHECK(g_samgr->SubscribeSystemAbility(-5, MakeSptr<Listener>()) == ERR_INVALID_DATA);
    // The edges are fine.
    CHECK_SAMGR(g_samgr->AddSystemAbility(0xffffff, mine) == ERR_NONE);
    CHECK_SAMGR(g_samgr->AddSystemAbility(0, mine) == ERR_NONE);
    CHECK(g_samgr->RemoveSystemAbility(0xffffff) == ERR_NONE);
    CHECK(g_samgr->RemoveSystemAbility(0) == ERR_NONE);
    return true;
}

bool RegisterUidsDeniesOthers(std::string& why)
{
    CHECK(g_samgr);
    AsUidAnswer a = RunAsUid(1000, "add", 4500);
    why = a.text;
    CHECK(a.numbers == std::vector<long>{ERR_NO_PERMISSION});
    CHECK(Contains(a.text, "uid 1000 may not register system abilities (register-uids in "));
    CHECK(Contains(a.text, " allows 0)"));
    CHECK(!Listed(4500));
    CHECK(g_proc->WaitLog("denied: uid 1000 may not add SA 4500 (not in register-uids of ", 1000));
    // Root is in the list.
    auto mine = MakeSptr<TestSa>();
    CHECK_SAMGR(g_samgr->AddSystemAbility(4501, mine) == ERR_NONE);
    CHECK(g_samgr->RemoveSystemAbility(4501) == ERR_NONE);
    return true;
}

// samgr with a bad explicit config: exit 1, "samgr: PATH:LINE: what".
bool BadConfigIsRefused(std::string& why)
{
    const char* bin = std::getenv("IPCKIT_BIN");
    std::string samgr = std::string(bin && *bin ? bin : "/ipckit/bin") + "/samgr";
    std::string path = "/tmp/samgr_test." + std::to_string(getpid()) + ".bad.conf";
    std::ofstream(path) << "# fine\nondemand 0x1000000 /bin/true\n";
    struct Try {
        std::string config;
        std::string message;
    } tries[] = {
        {path, "samgr: " + path + ":2: SA id 0x1000000 is outside 0..0xffffff"},
        {"/nonexistent/samgr.conf",
         "samgr: /nonexistent/samgr.conf: cannot read: No such file or directory"},
    };
    for (const Try& t : tries) {
        int err = -1;
        Child c = Spawn({samgr, "-d", g_device, "-c", t.config}, &err);
        std::string line;
        ReadLineWithin(err, line, 5000);
        if (err >= 0)
            close(err);
        if (c.out >= 0)
            close(c.out);
        int status = c.pid > 0 ? WaitExit(c.pid, 5000) : -1;
        why = "exit " + std::to_string(status) + ": " + line;
        if (status != 1 || line != t.message) {
            unlink(path.c_str());
            return false;
        }
    }
    unlink(path.c_str());
    return true;
}

vmtest::Tap g_tap("samgr.");

struct Case {
    const char* name;
    std::function<bool(std::string&)> run;
};

void RunCases(const std::vector<Case>& cases)
{
    for (const Case& c : cases) {
        // A samgr that died fails the rest at once, not each at its deadline.
        if (!g_proc || !g_proc->Alive()) {
            g_tap.Report(false, c.name, "samgr is not running");
            continue;
        }
        std::string why;
        bool ok = c.run(why);
        g_tap.Report(ok, c.name, why);
    }
}

// Starts a samgr with `config` (reported as a case), runs `cases` against
// it, stops it with SIGTERM (reported too). Nothing of it is left after.
void WithSamgr(const std::string& label, const std::string& config, const std::vector<Case>& cases)
{
    SamgrProcess proc;
    std::string why;
    bool started = proc.Start(config, why);
    g_tap.Report(started, label + "_starts_and_says_ready", why);
    g_proc = &proc;
    g_samgr = started ? Samgr() : nullptr;
    RunCases(cases);
    // On-demand SAs are samgr's children: end them first, samgr reaps them.
    std::vector<SystemAbilityInfo> infos;
    if (g_samgr && g_samgr->ListSystemAbilityInfos(infos) == ERR_NONE)
        for (const auto& info : infos)
            if (info.pid != getpid())
                kill(info.pid, SIGKILL);
    g_samgr = nullptr;
    SystemAbilityManagerClient::GetInstance().DestroySystemAbilityManagerObject();
    int status = proc.Stop();
    g_proc = nullptr;
    g_tap.Report(status == 0, label + "_exits_0_on_sigterm",
                 "exit status " + std::to_string(status));
}

}  // namespace

int main(int argc, char** argv)
{
    const char* device = nullptr;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--role"))
            return RunRole(argc, argv, i + 1);
        if (!std::strcmp(argv[i], "-d") && i + 1 < argc)
            device = argv[++i];
        else if ((!std::strcmp(argv[i], "-e") || !std::strcmp(argv[i], "-k")) && i + 1 < argc)
            i++;
    }
    g_device = device ? device : DefaultDevicePath();
    setenv("IPCKIT_DEVICE", g_device.c_str(), 1);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    g_self = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : argv[0];
    alarm(150);

    const std::string s = g_self;
    const std::string mainConfig =
        "# samgr_test: on-demand SAs are this binary in a role\n"
        "ondemand 4200 " + s + " --role sa 4200\n"
        "ondemand 4201 " + s + " --role sa 4201 --delay 800\n"
        "ondemand 4202 " + s + " --role exit 3\n"
        "ondemand 4203 /nonexistent/samgr_test_sa\n"
        "ondemand 4205 " + s + " --role sa 4205 --delay 60000\n"
        "ondemand 4302 " + s + " --role sa 4302\n"
        "distributed 4300 4302 4303\n";
    const std::vector<Case> mainCases = {
        {"add_get_check_list_remove_round_trip", AddGetCheckListRemove},
        {"check_and_get_of_a_missing_id_are_null_at_once", MissingIdIsNullAtOnce},
        {"infos_show_owner_pid_uid_descriptor_and_props", InfosShowOwnerAndDescriptor},
        {"subscriber_hears_an_sa_added_later", SubscriberHearsLaterAdd},
        {"subscriber_hears_an_existing_sa_at_once", SubscriberHearsExistingAtOnce},
        {"subscriber_hears_remove", SubscriberHearsRemove},
        {"no_notification_after_unsubscribe", NothingAfterUnsubscribe},
        {"dead_subscriber_is_dropped", SubscriberDeathIsDropped},
        {"load_starts_the_configured_process_and_returns_a_working_proxy", LoadStartsTheProcess},
        {"ondemand_process_is_reaped_and_its_sa_removed", ReapedAfterExit},
        {"get_waits_for_an_sa_being_loaded", GetWaitsForAStartingSa},
        {"load_of_an_unconfigured_id_fails_with_a_message", LoadUnconfiguredFails},
        {"load_whose_command_exits_fails_early_with_its_status", LoadOfExitingCommandFailsEarly},
        {"load_of_a_missing_command_fails_with_a_message", LoadOfMissingCommandFails},
        {"waiting_loads_leave_samgr_threads_for_other_calls", WaitingLoadsLeaveThreadsForOthers},
        {"sa_death_removes_it_and_subscribers_hear", SaDeathRemovesAndNotifies},
        {"non_root_others_may_not_remove_or_replace", OthersMayNotRemoveOrReplace},
        {"non_root_owner_may_remove_its_own", OwnerMayRemoveItsOwn},
        {"root_may_replace_and_the_old_death_is_ignored", RootMayReplace},
        {"hundred_sas_listed_ascending_then_removed", HundredSas},
        {"a_process_holds_at_most_1024_sas_and_1024_subscriptions", QuotaPerProcess},
        {"ids_outside_0_to_0xffffff_are_rejected", IdsOutOfRange},
        {"distributed_get_and_list_offer_only_configured_sas", DistributedGetAndList},
        {"distributed_check_fails_for_unregistered_load_starts_it", DistributedCheckAndLoad},
        {"remote_callers_are_refused_with_caller_not_authorized", RemoteCallersAreRefused},
        {"remote_get_without_rpcd_says_not_running_local_id_is_local", RemoteGetWithoutRpcd},
        {"load_with_a_callback_reports_on_a_library_thread", LoadWithCallback},
    };
    const std::vector<Case> policyCases = {
        {"register_uids_denies_uid_1000_with_the_reason", RegisterUidsDeniesOthers},
        {"bad_or_missing_explicit_config_exits_1_with_file_and_line", BadConfigIsRefused},
    };

    std::printf("TAP version 13\n1..%zu\n", mainCases.size() + policyCases.size() + 4);
    std::fflush(stdout);
    WithSamgr("main", mainConfig, mainCases);
    WithSamgr("policy", "register-uids 0\n", policyCases);

    for (pid_t pid : std::vector<pid_t>(g_children))
        KillAndReap(pid);
    return g_tap.Finish();
}
