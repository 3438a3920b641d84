// SPDX-License-Identifier: Apache-2.0
//
// The broker registry and iface_cast, with no driver: proxies here are
// made for a handle nobody has (IPCKIT_DEVICE points nowhere).
#include "ipckit/ipc_kit.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ipckit {
namespace {

class IFoo : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"test.IFoo");
    virtual int Value() = 0;
};

class FooProxy : public IRemoteProxy<IFoo> {
public:
    explicit FooProxy(const sptr<IRemoteObject>& object) : IRemoteProxy<IFoo>(object) {}
    int Value() override { return -1; }

private:
    static inline BrokerDelegator<FooProxy> delegator_;
};

class FooStub : public IRemoteStub<IFoo> {
public:
    int Value() override { return 42; }
};

class IBar : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"test.IBar");
};

class Env : public ::testing::Environment {
    void SetUp() override { setenv("IPCKIT_DEVICE", "/nonexistent/ipckit", 1); }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new Env);

TEST(Broker, LocalStubOfTheInterfaceCastsToItself)
{
    sptr<FooStub> stub = MakeSptr<FooStub>();
    sptr<IRemoteObject> obj = stub->AsObject();
    sptr<IFoo> foo = iface_cast<IFoo>(obj);
    ASSERT_TRUE(foo);
    EXPECT_EQ(42, foo->Value());
    EXPECT_EQ(static_cast<IFoo*>(stub.GetRefPtr()), foo.GetRefPtr());
    EXPECT_FALSE(iface_cast<IBar>(obj));  // another interface: null
    EXPECT_FALSE(iface_cast<IFoo>(nullptr));
}

TEST(Broker, ProxyCastsToTheRegisteredProxyClass)
{
    sptr<IRemoteObject> proxy = MakeSptr<IPCObjectProxy>(12345u);
    sptr<IFoo> foo = iface_cast<IFoo>(proxy);
    ASSERT_TRUE(foo);
    EXPECT_EQ(-1, foo->Value());
    EXPECT_EQ(proxy.GetRefPtr(), foo->AsObject().GetRefPtr());
    EXPECT_FALSE(iface_cast<IBar>(proxy));  // nothing registered for IBar
}

TEST(Broker, SecondRegistrationAndForeignUnregisterAreRefused)
{
    auto& reg = BrokerRegistration::Get();
    int owner = 0, other = 0;
    auto make = [](const sptr<IRemoteObject>&) -> sptr<IRemoteBroker> { return nullptr; };
    EXPECT_FALSE(reg.Register(IFoo::GetDescriptor(), make, &owner));
    EXPECT_TRUE(reg.Register(u"test.INew", make, &owner));
    reg.Unregister(u"test.INew", &other);
    EXPECT_FALSE(reg.Register(u"test.INew", make, &other));
    reg.Unregister(u"test.INew", &owner);
    EXPECT_TRUE(reg.Register(u"test.INew", make, &other));
    reg.Unregister(u"test.INew", &other);
}

TEST(Broker, StubAnswersReservedCodesLocally)
{
    sptr<FooStub> stub = MakeSptr<FooStub>();
    MessageParcel data, reply;
    MessageOption option;
    EXPECT_EQ(ERR_NONE, stub->SendRequest(IRemoteObject::PING_TRANSACTION, data, reply, option));
    EXPECT_EQ(ERR_NONE,
              stub->SendRequest(IRemoteObject::INTERFACE_TRANSACTION, data, reply, option));
    EXPECT_EQ(IFoo::GetDescriptor(), reply.ReadString16());
    EXPECT_EQ(ERR_UNKNOWN_TRANSACTION, stub->SendRequest(77, data, reply, option));
    EXPECT_FALSE(stub->AddDeathRecipient(nullptr));
    EXPECT_FALSE(stub->IsProxyObject());
    EXPECT_STREQ("remote object is dead", ErrorString(ERR_DEAD_OBJECT));
    EXPECT_STREQ("unrecognised error code", ErrorString(-12345));
}

TEST(Broker, ProxyRefusesCodesOutsideTheUserRange)
{
    sptr<IRemoteObject> proxy = MakeSptr<IPCObjectProxy>(7u);
    MessageParcel data, reply;
    MessageOption option;
    EXPECT_EQ(IPC_PROXY_INVALID_CODE_ERR, proxy->SendRequest(0, data, reply, option));
    EXPECT_EQ(IPC_PROXY_INVALID_CODE_ERR, proxy->SendRequest(0x01000000, data, reply, option));
}

}  // namespace
}  // namespace ipckit
