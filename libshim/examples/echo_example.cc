// SPDX-License-Identifier: Apache-2.0
//
// A first service and client with libipckit. Run as two processes on a
// machine with the ipckit module (or binder) loaded:
//   echo_example service &      # becomes the context manager, serves IEcho
//   echo_example client hello   # calls it, prints "echo: hello"
// IPCKIT_DEVICE names the device (default /dev/binder).
#include <cstdio>
#include <cstring>
#include <string>

#include <ipckit/ipc_kit.h>

using namespace ipckit;

// The interface: a descriptor and the calls, shared by both sides.
class IEcho : public IRemoteBroker {
public:
    DECLARE_INTERFACE_DESCRIPTOR(u"example.IEcho");
    enum { ECHO = 1 };
    virtual std::string Echo(const std::string& text) = 0;
};

// The client side: turns calls into parcels.
class EchoProxy : public IRemoteProxy<IEcho> {
public:
    explicit EchoProxy(const sptr<IRemoteObject>& remote) : IRemoteProxy<IEcho>(remote) {}
    std::string Echo(const std::string& text) override
    {
        MessageParcel data, reply;
        MessageOption option;
        data.WriteInterfaceToken(GetDescriptor());
        data.WriteString(text);
        int err = Remote()->SendRequest(ECHO, data, reply, option);
        return err == ERR_NONE ? reply.ReadString() : std::string("error: ") + ErrorString(err);
    }

private:
    static inline BrokerDelegator<EchoProxy> delegator_;  // lets iface_cast find us
};

// The service side: turns parcels into calls.
class EchoService : public IRemoteStub<IEcho> {
public:
    std::string Echo(const std::string& text) override { return text; }
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (data.ReadInterfaceToken() != GetDescriptor())
            return ERR_INVALID_DATA;
        if (code == ECHO)
            return reply.WriteString(Echo(data.ReadString())) ? ERR_NONE : ERR_INVALID_DATA;
        return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
    }
};

int main(int argc, char** argv)
{
    if (argc >= 2 && !std::strcmp(argv[1], "service")) {
        if (!IPCSkeleton::SetContextObject(MakeSptr<EchoService>())) {
            std::fprintf(stderr, "echo_example: cannot become the context manager\n");
            return 1;
        }
        IPCSkeleton::JoinWorkThread();
        return 0;
    }
    if (argc >= 3 && !std::strcmp(argv[1], "client")) {
        sptr<IEcho> echo = iface_cast<IEcho>(IPCSkeleton::GetContextObject());
        if (!echo) {
            std::fprintf(stderr, "echo_example: no service (start one: echo_example service)\n");
            return 1;
        }
        std::printf("echo: %s\n", echo->Echo(argv[2]).c_str());
        return 0;
    }
    std::fprintf(stderr, "usage: echo_example service | echo_example client TEXT\n");
    return 2;
}
