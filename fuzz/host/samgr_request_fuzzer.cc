// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: samgr's request decoder (SystemAbilityManagerStub, via
// ProcessRequest as the invoker calls it) on a received transaction whose
// code the input picks. A fake samgr records each call. Checked: a request
// without samgr's token reaches no method; one with it reaches exactly the
// method of its code, with the id decoded from the right place; the reply
// has the wire's shape (result, error text empty iff success, then the
// call's results) and nothing more; no descriptor leaks.
#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "fd_leak_check.h"
#include "fuzz_check.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/isystem_ability_status_change.h"
#include "ipckit/message_option.h"
#include "ipckit/message_parcel.h"
#include "ipckit/system_ability_manager_stub.h"
#include "received_transaction.h"
#include "wire_model.h"

namespace {

using namespace ipckit;

class Listener : public SystemAbilityStatusChangeStub {
public:
    void OnAddSystemAbility(int32_t, const std::string&) override {}
    void OnRemoveSystemAbility(int32_t, const std::string&) override {}
};

std::vector<sptr<IPCObjectStub>>& Stubs()
{
    static auto* stubs = new std::vector<sptr<IPCObjectStub>>{
        MakeSptr<IPCObjectStub>(u"fuzz.stub"),
        MakeSptr<Listener>(),
    };
    return *stubs;
}

// Records the calls; answers from the id so every reply shape occurs.
class FakeSamgr : public SystemAbilityManagerStub {
public:
    int calls = 0;
    uint32_t method = 0;  // the code of the method called
    int32_t id = 0;
    int32_t result = ERR_NONE;
    sptr<IRemoteObject> object;
    std::vector<std::u16string> ids;
    std::vector<SystemAbilityInfo> infos;

    sptr<IRemoteObject> GetSystemAbility(int32_t i) override { return Found(GET_SYSTEM_ABILITY_TRANSACTION, i); }
    sptr<IRemoteObject> CheckSystemAbility(int32_t i) override { return Found(CHECK_SYSTEM_ABILITY_TRANSACTION, i); }
    int32_t AddSystemAbility(int32_t i, const sptr<IRemoteObject>&, const SAExtraProp&) override
    {
        return Result(ADD_SYSTEM_ABILITY_TRANSACTION, i);
    }
    int32_t RemoveSystemAbility(int32_t i) override { return Result(REMOVE_SYSTEM_ABILITY_TRANSACTION, i); }
    std::vector<std::u16string> ListSystemAbilities(unsigned int flags) override
    {
        Record(LIST_SYSTEM_ABILITY_TRANSACTION, static_cast<int32_t>(flags));
        ids.assign(flags % 4, u"4711");
        return ids;
    }
    int32_t SubscribeSystemAbility(int32_t i, const sptr<ISystemAbilityStatusChange>& l) override
    {
        CHECK(l, "subscribed a null listener");
        return Result(SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION, i);
    }
    int32_t UnSubscribeSystemAbility(int32_t i, const sptr<ISystemAbilityStatusChange>& l) override
    {
        CHECK(l, "unsubscribed a null listener");
        return Result(UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION, i);
    }
    sptr<IRemoteObject> LoadSystemAbility(int32_t i, int32_t) override { return Found(LOAD_SYSTEM_ABILITY_TRANSACTION, i); }
    int32_t ListSystemAbilityInfos(std::vector<SystemAbilityInfo>& out) override
    {
        Record(LIST_SYSTEM_ABILITY_INFO_TRANSACTION, 0);
        SystemAbilityInfo info;
        info.id = 1;
        info.descriptor = u"fuzz";
        infos.assign(2, info);
        out = infos;
        return ERR_NONE;
    }

private:
    void Record(uint32_t code, int32_t i)
    {
        ++calls;
        method = code;
        id = i;
    }
    sptr<IRemoteObject> Found(uint32_t code, int32_t i)
    {
        Record(code, i);
        object = i % 2 ? Stubs()[0] : nullptr;
        if (!object)
            SetLastError("not found");
        return object;
    }
    int32_t Result(uint32_t code, int32_t i)
    {
        Record(code, i);
        result = i % 3 == 0 ? ERR_NONE : ERR_INVALID_STATE;
        return result;
    }
};

// Codes to pick from: every samgr code, its neighbours, the reserved ones.
constexpr std::array<uint32_t, 15> kCodes = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    IRemoteObject::PING_TRANSACTION, IRemoteObject::DUMP_TRANSACTION,
    IRemoteObject::INTERFACE_TRANSACTION, IRemoteObject::MAX_TRANSACTION_ID,
};

bool IsSamgrCode(uint32_t code)
{
    return code >= ISystemAbilityManager::GET_SYSTEM_ABILITY_TRANSACTION &&
           code <= ISystemAbilityManager::LIST_SYSTEM_ABILITY_INFO_TRANSACTION;
}

void CheckReply(const FakeSamgr& samgr, uint32_t code, int ret, MessageParcel& reply)
{
    CHECK(ret == ERR_NONE, "code %u: ProcessRequest %d after a call", code, ret);
    int32_t result = 0;
    std::string error;
    CHECK(reply.ReadInt32(result) && reply.ReadString(error), "code %u: reply without result",
          code);
    CHECK((result == ERR_NONE) == error.empty(), "code %u: result %d with error text '%s'",
          code, result, error.c_str());
    if (result == ERR_NONE) {
        switch (code) {
        case ISystemAbilityManager::GET_SYSTEM_ABILITY_TRANSACTION:
        case ISystemAbilityManager::CHECK_SYSTEM_ABILITY_TRANSACTION:
        case ISystemAbilityManager::LOAD_SYSTEM_ABILITY_TRANSACTION:
            CHECK(samgr.object && reply.ReadRemoteObject() == samgr.object,
                  "code %u: reply lacks the object", code);
            break;
        case ISystemAbilityManager::LIST_SYSTEM_ABILITY_TRANSACTION: {
            std::vector<std::u16string> ids;
            CHECK(reply.ReadString16Vector(&ids) && ids == samgr.ids, "LIST: wrong ids");
            break;
        }
        case ISystemAbilityManager::LIST_SYSTEM_ABILITY_INFO_TRANSACTION: {
            CHECK(reply.ReadInt32() == static_cast<int32_t>(samgr.infos.size()), "LIST_INFO: count");
            for (const auto& info : samgr.infos) {
                CHECK(reply.ReadInt32() == info.id && reply.ReadInt32() == info.pid &&
                          reply.ReadUint32() == info.uid && reply.ReadString16() == info.descriptor &&
                          reply.ReadBool() == info.isDistributed &&
                          reply.ReadString16() == info.permission,
                      "LIST_INFO: wrong entry");
            }
            break;
        }
        default:
            break;
        }
    }
    CHECK(reply.GetReadableBytes() == 0, "code %u: %zu bytes after the reply", code,
          reply.GetReadableBytes());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ::setenv("IPCKIT_DEVICE", "/nonexistent/ipckit-fuzz", 1);
    Stubs();
    // The process's IPC state (its eventfd) is made once, on first use:
    // made here, it is not taken for a leak of the first input.
    ipckit::IPCSkeleton::GetContextObject();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    fuzz::FdLeakCheck leaks;
    fuzz::ByteReader in(data, size);
    const uint32_t code = kCodes[in.U8() % kCodes.size()];
    fuzz::ReceivedTransaction tx(in, Stubs());
    const wire::Model model(tx.data(), tx.offsets());
    {
        MessageParcel request;
        MessageParcel reply;
        if (!tx.Adopt(request))
            return 0;  // the invoker refuses it; parcel_reader covers that
        auto samgr = MakeSptr<FakeSamgr>();
        MessageOption option;
        const int ret = samgr->ProcessRequest(code, request, reply, option);
        CHECK(request.GetReadPosition() <= request.GetDataSize(), "read past the request");
        if (!IsSamgrCode(code)) {
            CHECK(samgr->calls == 0, "code %u reached samgr method %u", code, samgr->method);
        } else {
            const auto token = model.InterfaceToken(0);
            const bool ours = token && token->value == ISystemAbilityManager::GetDescriptor();
            if (!ours) {
                CHECK(samgr->calls == 0 && ret == ERR_INVALID_DATA && reply.GetDataSize() == 0,
                      "code %u without the token: %d calls, ret %d", code, samgr->calls, ret);
            } else {
                const bool listener =
                    code == ISystemAbilityManager::SUBSCRIBE_SYSTEM_ABILITY_TRANSACTION ||
                    code == ISystemAbilityManager::UNSUBSCRIBE_SYSTEM_ABILITY_TRANSACTION;
                CHECK(samgr->calls == 1 || (listener && samgr->calls == 0),
                      "code %u: %d calls", code, samgr->calls);
                if (samgr->calls == 1) {
                    CHECK(samgr->method == code, "code %u called method %u", code, samgr->method);
                    // The first argument (id, or LIST's flags) follows the token.
                    if (code != ISystemAbilityManager::LIST_SYSTEM_ABILITY_INFO_TRANSACTION) {
                        const int32_t id = model.Pod<int32_t>(token->end).value_or(0);
                        CHECK(samgr->id == id, "code %u: id %d, sent %d", code, samgr->id, id);
                    }
                }
                CheckReply(*samgr, code, ret, reply);
            }
        }
    }
    CHECK(tx.releases() == 1, "the request was released %d times", tx.releases());
    return 0;
}
