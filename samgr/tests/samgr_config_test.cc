// SPDX-License-Identifier: Apache-2.0
//
// Host tests of samgr's pure parts: samgr.conf parsing (and every error
// message), the policy checks and their words, and the on-demand loader's
// start/reap on real child processes.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ipckit/ipc_errors.h"
#include "ondemand_loader.h"
#include "samgr_config.h"
#include "samgr_policy.h"

namespace samgr {
namespace {

using Argv = std::vector<std::string>;

SamgrConfig Parse(const std::string& text)
{
    auto config = ParseConfig(text, "t.conf");
    EXPECT_TRUE(config.ok()) << config.error().message;
    return config.ok() ? config.value() : SamgrConfig{};
}

std::string ParseError(const std::string& text)
{
    auto config = ParseConfig(text, "t.conf");
    EXPECT_FALSE(config.ok()) << "parsed: " << text;
    return config.ok() ? "" : config.error().message;
}

TEST(SamgrConfig, ValidFileWithCommentsAndBlankLines)
{
    SamgrConfig c = Parse(
        "# samgr.conf\n"
        "\n"
        "register-uids 0 1000\n"
        "   # indented comment\n"
        "ondemand 4801 /ipckit/bin/kv_service --sa 4801\n"
        "\tondemand  4802\t/bin/true   # runs /bin/true\n");
    EXPECT_EQ(c.path, "t.conf");
    ASSERT_TRUE(c.registerUids);
    EXPECT_EQ(*c.registerUids, (std::vector<uid_t>{0, 1000}));
    ASSERT_EQ(c.ondemand.size(), 2u);
    EXPECT_EQ(c.ondemand.at(4801), (Argv{"/ipckit/bin/kv_service", "--sa", "4801"}));
    EXPECT_EQ(c.ondemand.at(4802), (Argv{"/bin/true"}));
}

TEST(SamgrConfig, EmptyFileRestrictsNothing)
{
    SamgrConfig c = Parse("");
    EXPECT_FALSE(c.registerUids);
    EXPECT_TRUE(c.ondemand.empty());
    c = Parse("# nothing but a comment\n\n");
    EXPECT_FALSE(c.registerUids);
}

TEST(SamgrConfig, RegisterUidsLinesAddUp)
{
    SamgrConfig c = Parse("register-uids 0\nregister-uids 1000 2000\n");
    ASSERT_TRUE(c.registerUids);
    EXPECT_EQ(*c.registerUids, (std::vector<uid_t>{0, 1000, 2000}));
}

TEST(SamgrConfig, HexAndDecimalIds)
{
    SamgrConfig c = Parse("ondemand 0x12c1 /a\nondemand 0XFFFFFF /b\nondemand 0 /c\n");
    EXPECT_EQ(c.ondemand.at(4801), (Argv{"/a"}));
    EXPECT_EQ(c.ondemand.at(0xffffff), (Argv{"/b"}));
    EXPECT_EQ(c.ondemand.at(0), (Argv{"/c"}));
    EXPECT_EQ(ParseSaId("16777215").value(), 0xffffff);
}

TEST(SamgrConfig, OutOfRangeIds)
{
    EXPECT_EQ(ParseError("ondemand 0x1000000 /a\n"),
              "t.conf:1: SA id 0x1000000 is outside 0..0xffffff");
    EXPECT_EQ(ParseError("\nondemand 16777216 /a\n"),
              "t.conf:2: SA id 16777216 is outside 0..0xffffff");
    EXPECT_EQ(ParseError("ondemand -1 /a\n"), "t.conf:1: SA id -1 is outside 0..0xffffff");
    EXPECT_EQ(ParseError("ondemand 99999999999999999999999 /a\n"),
              "t.conf:1: SA id 99999999999999999999999 is outside 0..0xffffff");
}

TEST(SamgrConfig, MalformedIds)
{
    EXPECT_EQ(ParseError("ondemand 48x1 /a\n"),
              "t.conf:1: bad SA id '48x1' (want a decimal or 0x-hex number)");
    EXPECT_EQ(ParseError("ondemand 0x /a\n"),
              "t.conf:1: bad SA id '0x' (want a decimal or 0x-hex number)");
    EXPECT_EQ(ParseError("ondemand 0xzz /a\n"),
              "t.conf:1: bad SA id '0xzz' (want a decimal or 0x-hex number)");
}

TEST(SamgrConfig, UnknownDirective)
{
    EXPECT_EQ(ParseError("# ok\nregister-uids 0\nfrobnicate 1 2\n"),
              "t.conf:3: unknown directive 'frobnicate' "
              "(want register-uids, ondemand or distributed)");
}

TEST(SamgrConfig, DistributedLinesAddUp)
{
    SamgrConfig c = Parse("distributed 4801 0x12c2 # two\ndistributed 7\ndistributed 7\n");
    EXPECT_EQ(c.distributed, (std::set<int32_t>{7, 4801, 4802}));
    EXPECT_TRUE(Parse("register-uids 0\n").distributed.empty());
}

TEST(SamgrConfig, DistributedErrors)
{
    EXPECT_EQ(ParseError("distributed\n"), "t.conf:1: distributed needs at least one SA id");
    EXPECT_EQ(ParseError("distributed # none\n"),
              "t.conf:1: distributed needs at least one SA id");
    EXPECT_EQ(ParseError("\ndistributed 4801 48x1\n"),
              "t.conf:2: bad SA id '48x1' (want a decimal or 0x-hex number)");
    EXPECT_EQ(ParseError("distributed 0x1000000\n"),
              "t.conf:1: SA id 0x1000000 is outside 0..0xffffff");
}

TEST(SamgrConfig, MissingOrRelativeCommand)
{
    EXPECT_EQ(ParseError("ondemand 4801\n"), "t.conf:1: ondemand 4801: missing command");
    EXPECT_EQ(ParseError("ondemand 4801 # no command\n"),
              "t.conf:1: ondemand 4801: missing command");
    EXPECT_EQ(ParseError("ondemand\n"), "t.conf:1: ondemand needs an SA id and a command");
    EXPECT_EQ(ParseError("ondemand 4801 kv_service\n"),
              "t.conf:1: ondemand 4801: command 'kv_service' is not an absolute path "
              "(there is no PATH search)");
}

TEST(SamgrConfig, DuplicateOndemandId)
{
    EXPECT_EQ(ParseError("ondemand 4801 /a\n\nondemand 0x12c1 /b\n"),
              "t.conf:3: SA 4801 already has a command (line 1)");
}

TEST(SamgrConfig, BadUids)
{
    EXPECT_EQ(ParseError("register-uids 0 abc\n"),
              "t.conf:1: bad uid 'abc' (want a decimal number below 4294967295)");
    EXPECT_EQ(ParseError("register-uids -1\n"),
              "t.conf:1: bad uid '-1' (want a decimal number below 4294967295)");
    EXPECT_EQ(ParseError("register-uids 4294967295\n"),
              "t.conf:1: bad uid '4294967295' (want a decimal number below 4294967295)");
    EXPECT_EQ(ParseError("register-uids\n"), "t.conf:1: register-uids needs at least one uid");
}

class TempFile {
public:
    explicit TempFile(const std::string& text)
    {
        char name[] = "/tmp/samgr-config-test-XXXXXX";
        int fd = mkstemp(name);
        path_ = name;
        if (fd >= 0) {
            EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
            close(fd);
        }
    }
    ~TempFile() { unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

TEST(SamgrConfig, TheExampleConfigParses)
{
    auto c = LoadConfig(SAMGR_EXAMPLE_CONF, false);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(*c->registerUids, (std::vector<uid_t>{0, 1000}));
    EXPECT_EQ(c->ondemand.at(4801), (Argv{"/ipckit/bin/kv_service", "--sa", "4801"}));
    EXPECT_EQ(c->ondemand.at(4802), (Argv{"/ipckit/bin/kv_service", "--sa", "4802"}));
    EXPECT_EQ(c->distributed, (std::set<int32_t>{4801}));
}

TEST(SamgrConfig, LoadReadsAFile)
{
    TempFile f("register-uids 7\nondemand 5 /x y\n");
    auto c = LoadConfig(f.path(), false);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->path, f.path());
    EXPECT_EQ(*c->registerUids, (std::vector<uid_t>{7}));
    EXPECT_EQ(c->ondemand.at(5), (Argv{"/x", "y"}));

    TempFile bad("ondemand 5\n");
    auto e = LoadConfig(bad.path(), false);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().message, bad.path() + ":1: ondemand 5: missing command");
}

TEST(SamgrConfig, MissingDefaultFileIsEmptyButMissingExplicitFileIsAnError)
{
    auto c = LoadConfig("/nonexistent/samgr.conf", true);
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->registerUids);
    EXPECT_TRUE(c->ondemand.empty());
    EXPECT_EQ(c->path, "/nonexistent/samgr.conf");

    auto e = LoadConfig("/nonexistent/samgr.conf", false);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().message, "/nonexistent/samgr.conf: cannot read: No such file or directory");
    // Missing is forgiven only for a missing file, not an unreadable one.
    auto d = LoadConfig("/", true);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().message, "/: cannot read: Is a directory");
}

TEST(SamgrPolicy, IdRange)
{
    EXPECT_FALSE(CheckId(0));
    EXPECT_FALSE(CheckId(0xffffff));
    auto big = CheckId(0x1000000);
    ASSERT_TRUE(big);
    EXPECT_EQ(big->code, ipckit::ERR_INVALID_DATA);
    EXPECT_EQ(big->reply, "SA id 0x1000000 is outside 0..0xffffff");
    auto negative = CheckId(-1);
    ASSERT_TRUE(negative);
    EXPECT_EQ(negative->reply, "SA id -1 is outside 0..0xffffff");
}

TEST(SamgrPolicy, WithoutRegisterUidsEveryUidMayRegister)
{
    SamgrConfig c = Parse("ondemand 1 /a\n");
    EXPECT_FALSE(CheckRegister(c, 4801, 0));
    EXPECT_FALSE(CheckRegister(c, 4801, 1000));
}

TEST(SamgrPolicy, RegisterUidsDeniesOthersWithTheReason)
{
    SamgrConfig c = Parse("register-uids 0\n");
    c.path = "/etc/ipckit/samgr.conf";
    EXPECT_FALSE(CheckRegister(c, 4801, 0));
    auto d = CheckRegister(c, 4801, 1000);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->code, ipckit::ERR_NO_PERMISSION);
    EXPECT_EQ(d->reply, "uid 1000 may not register system abilities (register-uids in "
                        "/etc/ipckit/samgr.conf allows 0)");
    EXPECT_EQ(d->log,
              "uid 1000 may not add SA 4801 (not in register-uids of /etc/ipckit/samgr.conf)");

    SamgrConfig two = Parse("register-uids 0 1000\n");
    EXPECT_FALSE(CheckRegister(two, 1, 1000));
    auto d2 = CheckRegister(two, 1, 2000);
    ASSERT_TRUE(d2);
    EXPECT_EQ(d2->reply, "uid 2000 may not register system abilities (register-uids in "
                         "t.conf allows 0 1000)");
}

TEST(SamgrPolicy, ReplaceOnlyBySameProcessOrRoot)
{
    EXPECT_FALSE(CheckReplace(4801, 77, 77, 1000));  // the owner itself
    EXPECT_FALSE(CheckReplace(4801, 77, 88, 0));     // root
    auto d = CheckReplace(4801, 77, 88, 1000);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->code, ipckit::ERR_NO_PERMISSION);
    EXPECT_EQ(d->reply, "SA 4801 belongs to pid 77");
    EXPECT_EQ(d->log, "uid 1000 (pid 88) may not replace SA 4801 (it belongs to pid 77)");
}

TEST(SamgrPolicy, RemoveOnlyBySameProcessOrRoot)
{
    EXPECT_FALSE(CheckRemove(4801, 77, 77, 1000));
    EXPECT_FALSE(CheckRemove(4801, 77, 88, 0));
    auto d = CheckRemove(4801, 77, 88, 1000);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->code, ipckit::ERR_NO_PERMISSION);
    EXPECT_EQ(d->reply, "SA 4801 belongs to pid 77; only that process or root may remove it");
    EXPECT_EQ(d->log, "uid 1000 (pid 88) may not remove SA 4801 (it belongs to pid 77)");
}

TEST(SamgrPolicy, EachProcessHoldsAtMostTheQuota)
{
    EXPECT_FALSE(CheckQuota("subscriptions", 0, 77));
    EXPECT_FALSE(CheckQuota("subscriptions", kMaxPerProcess - 1, 77));
    auto d = CheckQuota("system abilities", kMaxPerProcess, 77);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->code, ipckit::ERR_NO_PERMISSION);
    EXPECT_EQ(d->reply, "pid 77 holds 1024 system abilities, samgr's limit per process");
}

// Reaps until `pid` was reported (bounded).
using Exits = std::vector<std::pair<pid_t, std::string>>;

std::string WaitForExit(OnDemandLoader& loader, pid_t pid, Exits& exits)
{
    for (int i = 0; i < 500; i++) {
        loader.ReapChildren();
        for (auto& [p, how] : exits)
            if (p == pid)
                return how;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "never reaped";
}

TEST(OnDemandLoader, StartsReapsAndSaysHowAChildEnded)
{
    OnDemandLoader loader;
    Exits exits;
    loader.SetExitHandler([&](pid_t pid, const std::string& how) { exits.emplace_back(pid, how); });

    auto three = loader.Start({"/bin/sh", "-c", "exit 3"});
    ASSERT_TRUE(three.ok()) << three.error().message;
    EXPECT_EQ(WaitForExit(loader, *three, exits), "exited with status 3");

    auto killed = loader.Start({"/bin/sh", "-c", "kill -9 $$"});
    ASSERT_TRUE(killed.ok());
    EXPECT_EQ(WaitForExit(loader, *killed, exits), "was killed by signal 9 (Killed)");
    EXPECT_EQ(loader.Running(), 0u);
    // Reaped: no zombie left behind.
    EXPECT_EQ(waitpid(*three, nullptr, WNOHANG), -1);
}

TEST(OnDemandLoader, ChildGetsDefaultSignalsWhateverSamgrBlocks)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGPIPE, SIG_IGN);
    OnDemandLoader loader;
    Exits exits;
    loader.SetExitHandler([&](pid_t pid, const std::string& how) { exits.emplace_back(pid, how); });
    // SIGTERM blocked would leave the shell running; SIGPIPE ignored would
    // not kill it.
    auto child = loader.Start({"/bin/sh", "-c", "kill -TERM $$; sleep 5"});
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    signal(SIGPIPE, SIG_DFL);
    ASSERT_TRUE(child.ok());
    EXPECT_EQ(WaitForExit(loader, *child, exits), "was killed by signal 15 (Terminated)");
}

TEST(OnDemandLoader, ACommandThatCannotRunFailsAtOnce)
{
    OnDemandLoader loader;
    auto missing = loader.Start({"/nonexistent/kv_service", "--sa", "1"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message,
              "cannot start /nonexistent/kv_service: No such file or directory");
    auto relative = loader.Start({"kv_service"});
    ASSERT_FALSE(relative.ok());
    EXPECT_EQ(loader.Running(), 0u);
}

}  // namespace
}  // namespace samgr
