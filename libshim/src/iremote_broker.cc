// SPDX-License-Identifier: Apache-2.0
#include "ipckit/iremote_broker.h"

namespace ipckit {

sptr<IRemoteBroker> IRemoteObject::AsInterface()
{
    return nullptr;
}

BrokerRegistration& BrokerRegistration::Get()
{
    static BrokerRegistration registration;
    return registration;
}

bool BrokerRegistration::Register(const std::u16string& descriptor, Constructor creator,
                                  const void* owner)
{
    std::lock_guard<std::mutex> guard(lock_);
    return creators_.emplace(descriptor, Entry{std::move(creator), owner}).second;
}

void BrokerRegistration::Unregister(const std::u16string& descriptor, const void* owner)
{
    std::lock_guard<std::mutex> guard(lock_);
    auto it = creators_.find(descriptor);
    if (it != creators_.end() && it->second.owner == owner)
        creators_.erase(it);
}

sptr<IRemoteBroker> BrokerRegistration::NewInstance(const std::u16string& descriptor,
                                                    const sptr<IRemoteObject>& object)
{
    if (!object)
        return nullptr;
    if (!object->IsProxyObject())
        return object->descriptor_ == descriptor ? object->AsInterface() : nullptr;
    Constructor creator;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = creators_.find(descriptor);
        if (it == creators_.end())
            return nullptr;
        creator = it->second.creator;
    }
    return creator(object);  // outside the lock: it may take others
}

}  // namespace ipckit
