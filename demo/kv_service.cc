// SPDX-License-Identifier: Apache-2.0
//
// kv_service: the demo's system ability. Serves an IKvStore (kv_store.h)
// registered with samgr under an SA id, until it is killed:
//
//   kv_service [-d DEVICE] [--sa ID]
//
// samgr starts it on demand (demo/samgr.conf); it can be started by hand
// as well. It prints "kv_service: SA ID ready (pid N)" once registered.
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <ipckit/ipc_kit.h>
#include <ipckit/iservice_registry.h>

#include "kv_store.h"

namespace kvdemo {
namespace {

using namespace ipckit;

// The store. One lock guards the map and the watchers and is held while
// the watchers are told, so every watcher hears the changes in the order
// they were applied, however many threads serve requests.
class KvStoreService : public IRemoteStub<IKvStore> {
public:
    int Put(const std::string& key, const std::string& value) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        map_[key] = value;
        for (auto it = watchers_.begin(); it != watchers_.end();) {
            (*it)->OnChanged(key, value);
            // A watcher whose process is gone is dropped on the first
            // change it can no longer hear.
            if ((*it)->AsObject()->IsObjectDead())
                it = watchers_.erase(it);
            else
                ++it;
        }
        return ERR_NONE;
    }

    int Get(const std::string& key, std::string& value) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = map_.find(key);
        if (it == map_.end())
            return ERR_UNKNOWN_OBJECT;
        value = it->second;
        return ERR_NONE;
    }

    int PutAsync(const std::string& key, const std::string& value) override
    {
        return Put(key, value);
    }

    int Watch(const sptr<IKvObserver>& observer) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        watchers_.push_back(observer);
        return ERR_NONE;
    }

    int WriteBlob(const void* data, int32_t size, int64_t& sum) override
    {
        const auto* bytes = static_cast<const uint8_t*>(data);
        sum = 0;
        for (int32_t i = 0; i < size; i++)
            sum += bytes[i];
        return ERR_NONE;
    }

    int Size(int32_t& keys) override
    {
        std::lock_guard<std::mutex> guard(lock_);
        keys = static_cast<int32_t>(map_.size());
        return ERR_NONE;
    }

    // Decodes a request into the calls above and encodes the result.
    int OnRemoteRequest(uint32_t code, MessageParcel& data, MessageParcel& reply,
                        MessageOption& option) override
    {
        if (code < PUT || code > SIZE)
            return IPCObjectStub::OnRemoteRequest(code, data, reply, option);
        if (data.ReadInterfaceToken() != GetDescriptor())
            return ERR_INVALID_DATA;
        switch (code) {
        case PUT:
        case PUT_ASYNC: {
            std::string key, value;
            if (!data.ReadString(key) || !data.ReadString(value))
                return ERR_INVALID_DATA;
            int result = Put(key, value);
            // A one-way call has no one to reply to.
            if (code == PUT_ASYNC)
                return result;
            return reply.WriteInt32(result) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case GET: {
            std::string key, value;
            if (!data.ReadString(key))
                return ERR_INVALID_DATA;
            int result = Get(key, value);
            if (!reply.WriteInt32(result))
                return ERR_INVALID_DATA;
            return result != ERR_NONE || reply.WriteString(value) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case WATCH: {
            sptr<IKvObserver> observer = iface_cast<IKvObserver>(data.ReadRemoteObject());
            if (!observer)
                return ERR_INVALID_DATA;
            return reply.WriteInt32(Watch(observer)) ? ERR_NONE : ERR_INVALID_DATA;
        }
        case WRITE_BLOB: {
            int32_t size = -1;
            if (!data.ReadInt32(size) || size < 0)
                return ERR_INVALID_DATA;
            // More than 32 KiB arrives as a sealed shared-memory region,
            // mapped here; ReadRawData checks the size matches.
            const void* bytes = data.ReadRawData(static_cast<std::size_t>(size));
            if (!bytes)
                return ERR_INVALID_DATA;
            int64_t sum = 0;
            WriteBlob(bytes, size, sum);
            return reply.WriteInt64(sum) && reply.WriteInt32(size) ? ERR_NONE
                                                                    : ERR_INVALID_DATA;
        }
        case SIZE: {
            int32_t keys = 0;
            Size(keys);
            return reply.WriteInt32(keys) ? ERR_NONE : ERR_INVALID_DATA;
        }
        }
        return ERR_UNKNOWN_TRANSACTION;
    }

    // `ipckit dump 4801` (DUMP_TRANSACTION): a summary line, then the keys.
    int Dump(int fd, const std::vector<std::u16string>&) override
    {
        std::string text;
        {
            std::lock_guard<std::mutex> guard(lock_);
            text = "kv_service: " + std::to_string(map_.size()) + " keys, " +
                   std::to_string(watchers_.size()) + " watchers\n";
            for (const auto& [key, value] : map_)
                text += key + "=" + value + "\n";
        }
        for (std::size_t done = 0; done < text.size();) {
            ssize_t n = write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return ERR_INVALID_DATA;
            done += static_cast<std::size_t>(n);
        }
        return ERR_NONE;
    }

private:
    std::mutex lock_;
    std::map<std::string, std::string> map_;
    std::vector<sptr<IKvObserver>> watchers_;
};

int Usage(FILE* out)
{
    std::fprintf(out,
                 "usage: kv_service [-d DEVICE] [--sa ID]\n"
                 "Serve the demo key-value store as system ability ID (default %d)\n"
                 "through samgr on DEVICE (default: $IPCKIT_DEVICE, else /dev/binder).\n",
                 KV_STORE_SA_ID);
    return out == stdout ? 0 : 2;
}

}  // namespace
}  // namespace kvdemo

int main(int argc, char** argv)
{
    using namespace kvdemo;
    int32_t id = KV_STORE_SA_ID;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help"))
            return Usage(stdout);
        if (!std::strcmp(argv[i], "-d") && i + 1 < argc) {
            // libipckit reads it when it first opens the driver.
            setenv("IPCKIT_DEVICE", argv[++i], 1);
        } else if (!std::strcmp(argv[i], "--sa") && i + 1 < argc) {
            if (!ParseSaId(argv[++i], id)) {
                std::fprintf(stderr, "kv_service: bad SA id '%s' (0..0xffffff)\n", argv[i]);
                return 2;
            }
        } else {
            return Usage(stderr);
        }
    }

    auto samgr = ipckit::SystemAbilityManagerClient::GetInstance().GetSystemAbilityManager();
    if (!samgr) {
        std::fprintf(stderr, "kv_service: no samgr on %s (start samgr first)\n",
                     ipckit::DefaultDevicePath().c_str());
        return 1;
    }
    auto store = ipckit::MakeSptr<KvStoreService>();
    int err = samgr->AddSystemAbility(id, store->AsObject());
    if (err != ipckit::ERR_NONE) {
        std::string why = samgr->GetLastError();
        std::fprintf(stderr, "kv_service: samgr refused SA %d: %s%s%s\n", id,
                     ipckit::ErrorString(err), why.empty() ? "" : ": ", why.c_str());
        return 1;
    }
    std::printf("kv_service: SA %d ready (pid %d)\n", id, static_cast<int>(getpid()));
    std::fflush(stdout);
    ipckit::IPCSkeleton::JoinWorkThread();
    return 0;
}
