// SPDX-License-Identifier: Apache-2.0
//
// samgr's wire format with no driver: the proxy's requests are copied byte
// for byte into a parcel a SystemAbilityManagerStub serves in-process, so
// every call that carries no objects goes through the real encoding and
// decoding on both sides. Calls with objects need the driver to translate
// them; samgr_test covers those in the VM.
#include "ipckit/ipc_kit.h"
#include "ipckit/iservice_registry.h"
#include "ipckit/system_ability_manager_stub.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <map>
#include <vector>

namespace ipckit {
namespace {

// A samgr that knows a fixed table and refuses to remove id 7.
class FakeSamgr : public SystemAbilityManagerStub {
public:
    std::map<int32_t, SystemAbilityInfo> table;

    sptr<IRemoteObject> GetSystemAbility(int32_t) override { return nullptr; }
    sptr<IRemoteObject> CheckSystemAbility(int32_t id) override
    {
        SetLastError("SA " + std::to_string(id) + " is not registered");
        return nullptr;
    }
    int32_t AddSystemAbility(int32_t, const sptr<IRemoteObject>&, const SAExtraProp&) override
    {
        return ERR_INVALID_STATE;
    }
    int32_t RemoveSystemAbility(int32_t id) override
    {
        if (id == 7) {
            SetLastError("SA 7 belongs to pid 77");
            return ERR_NO_PERMISSION;
        }
        return table.erase(id) ? ERR_NONE : ERR_NULL_OBJECT;
    }
    std::vector<std::u16string> ListSystemAbilities(unsigned int dumpFlags) override
    {
        lastDumpFlags = dumpFlags;
        std::vector<std::u16string> ids;
        for (const auto& [id, info] : table) {
            std::string s = std::to_string(id);
            ids.emplace_back(s.begin(), s.end());
        }
        return ids;
    }
    int32_t SubscribeSystemAbility(int32_t, const sptr<ISystemAbilityStatusChange>&) override
    {
        return ERR_NONE;
    }
    int32_t UnSubscribeSystemAbility(int32_t, const sptr<ISystemAbilityStatusChange>&) override
    {
        return ERR_NONE;
    }
    sptr<IRemoteObject> LoadSystemAbility(int32_t id, int32_t timeout) override
    {
        SetLastError("no command for SA " + std::to_string(id) + " (timeout " +
                     std::to_string(timeout) + ")");
        return nullptr;
    }
    int32_t ListSystemAbilityInfos(std::vector<SystemAbilityInfo>& infos) override
    {
        for (const auto& [id, info] : table)
            infos.push_back(info);
        return ERR_NONE;
    }
    unsigned int lastDumpFlags = 0;
};

// Looks remote to iface_cast; delivers each request to `target` as the
// driver would: the data copied, read from the start.
class Loopback : public IRemoteObject {
public:
    explicit Loopback(sptr<FakeSamgr> target)
        : IRemoteObject(ISystemAbilityManager::GetDescriptor()), target_(std::move(target))
    {
    }
    int SendRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                    MessageOption& option) override
    {
        if (!data.GetObjectOffsets().empty())
            return ERR_FLATTEN_OBJECT;  // objects need the driver
        std::vector<uint8_t> bytes(data.GetDataSize());
        std::memcpy(bytes.data(), reinterpret_cast<const void*>(data.GetData()), bytes.size());
        MessageParcel in;
        if (!in.SetDataReference(bytes.data(), bytes.size(), nullptr, 0, [] {}))
            return ERR_INVALID_DATA;
        int err = target_->ProcessRequest(code, in, reply, option);
        reply.RewindRead(0);
        return err;
    }
    bool AddDeathRecipient(const sptr<DeathRecipient>&) override { return false; }
    bool RemoveDeathRecipient(const sptr<DeathRecipient>&) override { return false; }
    bool IsProxyObject() const override { return true; }
    bool IsObjectDead() const override { return false; }
    std::u16string GetInterfaceDescriptor() override { return descriptor_; }
    int32_t GetObjectRefCount() override { return 1; }
    int Dump(int, const std::vector<std::u16string>&) override { return ERR_NONE; }

private:
    sptr<FakeSamgr> target_;
};

class SamgrWire : public ::testing::Test {
protected:
    void SetUp() override
    {
        fake = MakeSptr<FakeSamgr>();
        fake->table[7] = {7, 77, 1000, u"test.ISeven", false, u""};
        fake->table[0xffffff] = {0xffffff, 12, 0, u"test.ILast", true, u"ohos.permission.X"};
        samgr = iface_cast<ISystemAbilityManager>(MakeSptr<Loopback>(fake));
        ASSERT_NE(samgr, nullptr);
        ASSERT_TRUE(samgr->AsObject()->IsProxyObject());
    }
    sptr<FakeSamgr> fake;
    sptr<ISystemAbilityManager> samgr;
};

TEST_F(SamgrWire, ListCarriesTheIdsAndTheDumpFlags)
{
    std::vector<std::u16string> ids = samgr->ListSystemAbilities(3);
    EXPECT_EQ(ids, (std::vector<std::u16string>{u"7", u"16777215"}));
    EXPECT_EQ(fake->lastDumpFlags, 3u);
    EXPECT_EQ(samgr->GetLastError(), "");
}

TEST_F(SamgrWire, InfosCarryEveryField)
{
    std::vector<SystemAbilityInfo> infos;
    ASSERT_EQ(samgr->ListSystemAbilityInfos(infos), ERR_NONE);
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_EQ(infos[0].id, 7);
    EXPECT_EQ(infos[0].pid, 77);
    EXPECT_EQ(infos[0].uid, 1000u);
    EXPECT_EQ(infos[0].descriptor, u"test.ISeven");
    EXPECT_FALSE(infos[0].isDistributed);
    EXPECT_EQ(infos[1].id, 0xffffff);
    EXPECT_TRUE(infos[1].isDistributed);
    EXPECT_EQ(infos[1].permission, u"ohos.permission.X");
}

TEST_F(SamgrWire, RemoveSucceedsAndRefusalsCarryTheReason)
{
    EXPECT_EQ(samgr->RemoveSystemAbility(0xffffff), ERR_NONE);
    EXPECT_EQ(fake->table.count(0xffffff), 0u);
    EXPECT_EQ(samgr->RemoveSystemAbility(7), ERR_NO_PERMISSION);
    EXPECT_EQ(samgr->GetLastError(), "SA 7 belongs to pid 77");
    // A failure without a reason is described by its code.
    EXPECT_EQ(samgr->RemoveSystemAbility(99), ERR_NULL_OBJECT);
    EXPECT_EQ(samgr->GetLastError(), ErrorString(ERR_NULL_OBJECT));
    // A later success clears the reason.
    samgr->ListSystemAbilities();
    EXPECT_EQ(samgr->GetLastError(), "");
}

TEST_F(SamgrWire, NullAnswersCarryTheReason)
{
    EXPECT_EQ(samgr->CheckSystemAbility(5), nullptr);
    EXPECT_EQ(samgr->GetLastError(), "SA 5 is not registered");
    EXPECT_EQ(samgr->LoadSystemAbility(6, 9), nullptr);
    EXPECT_EQ(samgr->GetLastError(), "no command for SA 6 (timeout 9)");
}

TEST_F(SamgrWire, NullObjectsAreRefusedBeforeSending)
{
    EXPECT_EQ(samgr->AddSystemAbility(1, nullptr), ERR_NULL_OBJECT);
    EXPECT_NE(samgr->GetLastError().find("null"), std::string::npos);
    EXPECT_EQ(samgr->SubscribeSystemAbility(1, nullptr), ERR_NULL_OBJECT);
}

TEST_F(SamgrWire, AWrongInterfaceTokenIsRefused)
{
    MessageParcel data, reply;
    MessageOption option;
    data.WriteInterfaceToken(u"test.NotSamgr");
    data.WriteUint32(0);
    EXPECT_EQ(fake->ProcessRequest(ISystemAbilityManager::LIST_SYSTEM_ABILITY_TRANSACTION, data,
                                   reply, option),
              ERR_INVALID_DATA);
}

// A "samgr" that answers every request with the same reply bytes: the
// proxy must treat a reply as untrusted input.
class CannedReply : public Loopback {
public:
    explicit CannedReply(std::function<void(MessageParcel&)> fill)
        : Loopback(nullptr), fill_(std::move(fill))
    {
    }
    int SendRequest(uint32_t, MessageParcel&, MessageParcel& reply, MessageOption&) override
    {
        fill_(reply);
        reply.RewindRead(0);
        return ERR_NONE;
    }

private:
    std::function<void(MessageParcel&)> fill_;
};

sptr<ISystemAbilityManager> SamgrAnswering(std::function<void(MessageParcel&)> fill)
{
    return iface_cast<ISystemAbilityManager>(MakeSptr<CannedReply>(std::move(fill)));
}

TEST(SamgrWireGarbage, MalformedRepliesAreRefusedNotTrusted)
{
    // Nothing at all: not even a result.
    auto empty = SamgrAnswering([](MessageParcel&) {});
    EXPECT_EQ(empty->RemoveSystemAbility(1), ERR_INVALID_REPLY);
    EXPECT_EQ(empty->GetLastError(), "samgr's reply is malformed");
    EXPECT_TRUE(empty->ListSystemAbilities().empty());

    // Success, then a count far beyond anything samgr could hold.
    auto huge = SamgrAnswering([](MessageParcel& r) {
        r.WriteInt32(ERR_NONE);
        r.WriteString("");
        r.WriteInt32(0x7fffffff);
    });
    std::vector<SystemAbilityInfo> infos;
    EXPECT_EQ(huge->ListSystemAbilityInfos(infos), ERR_INVALID_REPLY);
    EXPECT_NE(huge->GetLastError().find("bad count"), std::string::npos);
    EXPECT_TRUE(infos.empty());

    // A plausible count, then an entry cut short.
    auto cut = SamgrAnswering([](MessageParcel& r) {
        r.WriteInt32(ERR_NONE);
        r.WriteString("");
        r.WriteInt32(2);
        r.WriteInt32(7);
        r.WriteInt32(77);
    });
    EXPECT_EQ(cut->ListSystemAbilityInfos(infos), ERR_INVALID_REPLY);
    EXPECT_NE(cut->GetLastError().find("truncated"), std::string::npos);
    EXPECT_TRUE(infos.empty());

    // Success without the object it promised.
    auto noObject = SamgrAnswering([](MessageParcel& r) {
        r.WriteInt32(ERR_NONE);
        r.WriteString("");
    });
    EXPECT_EQ(noObject->CheckSystemAbility(1), nullptr);
    EXPECT_EQ(noObject->GetLastError(), "samgr's reply holds no object");
}

TEST(SamgrClient, NoDriverMeansNoSamgr)
{
    setenv("IPCKIT_DEVICE", "/nonexistent/ipckit", 1);
    EXPECT_EQ(SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager(), nullptr);
}

TEST(SamgrIds, TheRangeIsZeroTo0xffffff)
{
    EXPECT_TRUE(CheckInputSysAbilityId(0));
    EXPECT_TRUE(CheckInputSysAbilityId(0xffffff));
    EXPECT_FALSE(CheckInputSysAbilityId(0x1000000));
    EXPECT_FALSE(CheckInputSysAbilityId(-1));
}

}  // namespace
}  // namespace ipckit
