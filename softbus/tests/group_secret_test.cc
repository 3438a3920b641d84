// SPDX-License-Identifier: Apache-2.0
//
// The group secret file (its checks, create and import) and the pair key.
#include "link/group_secret.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace ipckit::softbus {
namespace {

constexpr const char* kSecretHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kIdA(64, 'a');
const std::string kIdB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kIdC(64, 'c');

class GroupSecretTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string tmpl = ::testing::TempDir() + "group_secret_XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        path_ = dir_ + "/state/group.key";
    }
    void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

    // A file with that text and mode, made without the library.
    void Write(const std::string& text, mode_t mode)
    {
        ::mkdir((dir_ + "/state").c_str(), 0700);
        std::ofstream(path_, std::ios::trunc) << text;
        ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
    }

    mode_t Mode() const
    {
        struct stat st {};
        EXPECT_EQ(::stat(path_.c_str(), &st), 0);
        return st.st_mode & 07777;
    }

    std::string dir_, path_;
};

GroupSecret Secret(const char* hex)
{
    GroupSecret s;
    for (std::size_t i = 0; i < 32; i++)
        s.bytes[i] = static_cast<uint8_t>(std::stoi(std::string(hex + 2 * i, 2), nullptr, 16));
    return s;
}

TEST_F(GroupSecretTest, CreateWritesA0600FileThatLoadsBack)
{
    auto created = CreateGroupSecret(path_);
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(Mode(), 0600u);
    auto loaded = LoadGroupSecret(path_);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->bytes, created->bytes);
    EXPECT_EQ(loaded->Fingerprint(), created->Fingerprint());
    // Random: a second one differs.
    auto other = CreateGroupSecret(dir_ + "/other.key");
    ASSERT_TRUE(other);
    EXPECT_NE(other->bytes, created->bytes);
}

TEST_F(GroupSecretTest, CreateRefusesToOverwriteUnlessForced)
{
    auto first = CreateGroupSecret(path_);
    ASSERT_TRUE(first);
    auto again = CreateGroupSecret(path_);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, EEXIST);
    EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
    EXPECT_EQ(LoadGroupSecret(path_)->bytes, first->bytes);
    auto forced = CreateGroupSecret(path_, true);
    ASSERT_TRUE(forced) << forced.error().message;
    EXPECT_NE(forced->bytes, first->bytes);
    EXPECT_EQ(LoadGroupSecret(path_)->bytes, forced->bytes);
    EXPECT_EQ(Mode(), 0600u);
}

TEST_F(GroupSecretTest, ImportWritesTheGivenSecret)
{
    auto imported = ImportGroupSecret(path_, std::string("  ") + kSecretHex + "\n");
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(imported->bytes, Secret(kSecretHex).bytes);
    EXPECT_EQ(Mode(), 0600u);
    std::ifstream in(path_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, std::string(kSecretHex) + "\n");
    EXPECT_TRUE(ImportGroupSecret(path_, kSecretHex));  // the same: no conflict
    std::string other(kSecretHex);
    other[0] = 'f';
    auto conflict = ImportGroupSecret(path_, other);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, EEXIST);
    EXPECT_EQ(LoadGroupSecret(path_)->bytes, Secret(kSecretHex).bytes);
    EXPECT_TRUE(ImportGroupSecret(path_, other, true));
    EXPECT_EQ(LoadGroupSecret(path_)->bytes, Secret(other.c_str()).bytes);
    // No temporary file is left behind.
    EXPECT_NE(::access((path_ + ".tmp." + std::to_string(::getpid())).c_str(), F_OK), 0);
}

TEST_F(GroupSecretTest, ImportRefusesMalformedHex)
{
    auto shortHex = ImportGroupSecret(path_, "abcd");
    ASSERT_FALSE(shortHex);
    EXPECT_NE(shortHex.error().message.find("not 64 hex digits"), std::string::npos);
    std::string bad(kSecretHex);
    bad[10] = 'g';
    auto notHex = ImportGroupSecret(path_, bad);
    ASSERT_FALSE(notHex);
    EXPECT_NE(notHex.error().message.find("not hex"), std::string::npos);
    EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST_F(GroupSecretTest, LoadAcceptsUppercaseAndBlanks)
{
    std::string upper(kSecretHex);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(c));
    Write(" " + upper + "\r\n", 0600);
    auto loaded = LoadGroupSecret(path_);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->bytes, Secret(kSecretHex).bytes);
}

TEST_F(GroupSecretTest, LoadRefusesLooseModes)
{
    struct {
        mode_t mode;
        const char* says;
    } cases[] = {
        {0644, "is readable by others (mode 0644): chmod 600 it"},
        {0602, "is writable by others (mode 0602): chmod 600 it"},
        {0640, "is readable by its group (mode 0640): chmod 600 it"},
        {0620, "is writable by its group (mode 0620): chmod 600 it"},
        {0601, "is executable by group or others (mode 0601): chmod 600 it"},
    };
    for (const auto& c : cases) {
        Write(kSecretHex, c.mode);
        auto loaded = LoadGroupSecret(path_);
        ASSERT_FALSE(loaded) << std::oct << c.mode;
        EXPECT_EQ(loaded.error().message, "group secret " + path_ + " " + c.says);
    }
    Write(kSecretHex, 0400);  // read-only for the owner is fine
    EXPECT_TRUE(LoadGroupSecret(path_));
    Write(kSecretHex, 0700);
    EXPECT_TRUE(LoadGroupSecret(path_));
}

TEST_F(GroupSecretTest, LoadRefusesWrongLengthAndNonHex)
{
    Write(std::string(kSecretHex).substr(0, 62), 0600);
    auto shortFile = LoadGroupSecret(path_);
    ASSERT_FALSE(shortFile);
    EXPECT_EQ(shortFile.error().message,
              "group secret " + path_ + " is not 64 hex digits (it has 62 characters)");
    Write(std::string(kSecretHex) + "00", 0600);
    EXPECT_FALSE(LoadGroupSecret(path_));
    std::string bad(kSecretHex);
    bad[0] = 'x';
    Write(bad, 0600);
    auto notHex = LoadGroupSecret(path_);
    ASSERT_FALSE(notHex);
    EXPECT_NE(notHex.error().message.find("is not hex"), std::string::npos);
}

TEST_F(GroupSecretTest, MissingFileSaysRunBind)
{
    auto missing = LoadGroupSecret(path_);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ENOENT);
    EXPECT_NE(missing.error().message.find("no group secret (run `ipckit bind`)"),
              std::string::npos);
    EXPECT_NE(missing.error().message.find(path_), std::string::npos);
}

TEST_F(GroupSecretTest, LoadRefusesADirectory)
{
    ::mkdir((dir_ + "/state").c_str(), 0700);
    ::mkdir(path_.c_str(), 0700);
    EXPECT_FALSE(LoadGroupSecret(path_));
}

TEST(GroupSecretFingerprint, IsTheFirst16HexOfSha256)
{
    EXPECT_EQ(GroupSecret{}.Fingerprint(), "66687aadf862bd77");
    EXPECT_EQ(Secret(kSecretHex).Fingerprint(), "630dcd2966c43366");
}

TEST(PairKey, MatchesHkdfSha256)
{
    // Computed independently (RFC 5869 with Python's hmac).
    auto key = DerivePairKey(Secret(kSecretHex), kIdA, kIdB);
    std::string hex;
    for (uint8_t b : key) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", b);
        hex += buf;
    }
    EXPECT_EQ(hex, "30fbe63fe1ffc4401015c44f0d3dbf7ceaafcbe206cdbccf0f9aa8ca6db4149c");
}

TEST(PairKey, IsSymmetricAndPairAndSecretSpecific)
{
    GroupSecret s = Secret(kSecretHex);
    EXPECT_EQ(DerivePairKey(s, kIdA, kIdB), DerivePairKey(s, kIdB, kIdA));
    EXPECT_NE(DerivePairKey(s, kIdA, kIdB), DerivePairKey(s, kIdA, kIdC));
    EXPECT_NE(DerivePairKey(s, kIdA, kIdB), DerivePairKey(s, kIdC, kIdB));
    GroupSecret other = s;
    other.bytes[31] ^= 1;
    EXPECT_NE(DerivePairKey(s, kIdA, kIdB), DerivePairKey(other, kIdA, kIdB));
}

TEST(NetworkId, Is64LowercaseHex)
{
    EXPECT_TRUE(IsNetworkId(kIdA));
    EXPECT_TRUE(IsNetworkId(kIdB));
    EXPECT_FALSE(IsNetworkId(""));
    EXPECT_FALSE(IsNetworkId(std::string(63, 'a')));
    EXPECT_FALSE(IsNetworkId(std::string(65, 'a')));
    EXPECT_FALSE(IsNetworkId(std::string(64, 'A')));
    EXPECT_FALSE(IsNetworkId(std::string(63, 'a') + "g"));
    EXPECT_FALSE(IsNetworkId(std::string(63, 'a') + " "));
}

}  // namespace
}  // namespace ipckit::softbus
