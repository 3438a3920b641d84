// SPDX-License-Identifier: Apache-2.0
//
// SystemAbilityManager: samgr's registry of system abilities, served as the
// context manager. It keeps who added each SA, watches each SA's process
// (death recipient) and each subscriber's, tells subscribers of changes,
// and starts on-demand SAs through an OnDemandLoader.
//
// Locking: lock_ guards the registry (abilities_, subscriptions_, loads).
// It is never held across a remote call: GetInterfaceDescriptor,
// AddDeathRecipient and the subscribers' notifications run without it
// (notifications go through StatusNotifier's queue, posted under lock_ so
// they keep the order of the changes). Order: lock_, then the notifier's
// or the loader's own lock.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ipckit/system_ability_manager_stub.h"
#include "ondemand_loader.h"
#include "samgr_config.h"
#include "samgr_policy.h"
#include "status_notifier.h"

namespace samgr {

class SystemAbilityManager : public ipckit::SystemAbilityManagerStub {
public:
    explicit SystemAbilityManager(SamgrConfig config);
    ~SystemAbilityManager() override;

    ipckit::sptr<ipckit::IRemoteObject> GetSystemAbility(int32_t systemAbilityId) override;
    ipckit::sptr<ipckit::IRemoteObject> CheckSystemAbility(int32_t systemAbilityId) override;
    int32_t AddSystemAbility(int32_t systemAbilityId,
                             const ipckit::sptr<ipckit::IRemoteObject>& ability,
                             const ipckit::SAExtraProp& extraProp) override;
    int32_t RemoveSystemAbility(int32_t systemAbilityId) override;
    std::vector<std::u16string> ListSystemAbilities(unsigned int dumpFlags) override;
    int32_t SubscribeSystemAbility(
        int32_t systemAbilityId,
        const ipckit::sptr<ipckit::ISystemAbilityStatusChange>& listener) override;
    int32_t UnSubscribeSystemAbility(
        int32_t systemAbilityId,
        const ipckit::sptr<ipckit::ISystemAbilityStatusChange>& listener) override;
    ipckit::sptr<ipckit::IRemoteObject> LoadSystemAbility(int32_t systemAbilityId,
                                                          int32_t timeout) override;
    int32_t ListSystemAbilityInfos(std::vector<ipckit::SystemAbilityInfo>& infos) override;
    // rpcd's calls: only the SAs of config_.distributed.
    ipckit::sptr<ipckit::IRemoteObject> GetDistributedAbility(int32_t systemAbilityId,
                                                              int32_t mode, int32_t timeout,
                                                              int32_t& err) override;
    int32_t ListDistributedAbilities(std::vector<ipckit::SystemAbilityInfo>& infos) override;
    // Refuses every call from another device (a call rpcd forwarded) before
    // decoding it: samgr is local-only; rpcd asks it on their behalf.
    int OnRemoteRequest(uint32_t code, ipckit::MessageParcel& data, ipckit::MessageParcel& reply,
                        ipckit::MessageOption& option) override;
    // `ipckit dump 0`: the registry in words.
    int Dump(int fd, const std::vector<std::u16string>& args) override;

    // The loader whose children this registry starts; main() reaps them
    // through it on SIGCHLD.
    OnDemandLoader& Loader() { return loader_; }

    // Longest LoadSystemAbility wait, whatever the caller asks.
    static constexpr int kMaxLoadSeconds = 60;
    // Calls that may wait for SAs to start at once. Each holds one of
    // samgr's 17 threads; the rest must stay free for the calls (above all
    // the AddSystemAbility) the waiters wait for.
    static constexpr int kMaxWaiters = 8;

private:
    class SaDeath;        // the death recipient on an SA
    class ListenerDeath;  // the death recipient on a subscriber

    struct Entry {
        ipckit::sptr<ipckit::IRemoteObject> object;
        ipckit::sptr<ipckit::IRemoteObject::DeathRecipient> death;
        ipckit::SystemAbilityInfo info;
    };
    struct Subscription {
        int32_t id;
        ipckit::sptr<ipckit::ISystemAbilityStatusChange> listener;
        ipckit::sptr<ipckit::IRemoteObject> object;  // listener->AsObject(): its identity
        ipckit::sptr<ipckit::IRemoteObject::DeathRecipient> death;
        pid_t pid;
    };
    // An on-demand start in flight: from the spawn until the SA is added
    // or the process ends. Waiters keep it to read how it ended.
    struct Load {
        pid_t pid = 0;
        std::string command;
        bool failed = false;
        std::string failure;  // why, when failed
    };

    // Denies the current call: log line, error text for the caller.
    int32_t Deny(const Denial& denial);
    // Waits (lock_ held in `guard`) until `id` is registered, its load
    // fails, or `deadline`; the SA or null with SetLastError.
    ipckit::sptr<ipckit::IRemoteObject> WaitForLoad(std::unique_lock<std::mutex>& guard,
                                                    int32_t id,
                                                    const std::shared_ptr<Load>& load,
                                                    int waitMs);
    // Every subscriber of `id` hears of the change (lock_ held).
    void PostLocked(int32_t id, bool added);
    void OnSaDied(int32_t id, const ipckit::wptr<ipckit::IRemoteObject>& object);
    void OnListenerDied(const ipckit::wptr<ipckit::IRemoteObject>& object);
    void OnChildExit(pid_t pid, const std::string& how);

    const SamgrConfig config_;
    std::mutex lock_;
    std::condition_variable changed_;  // an SA was added, or a load ended
    std::map<int32_t, Entry> abilities_;
    std::vector<Subscription> subscriptions_;
    std::map<int32_t, std::shared_ptr<Load>> loads_;  // by SA id
    std::map<pid_t, int32_t> started_;  // on-demand processes still running
    int waiters_ = 0;  // calls in WaitForLoad
    StatusNotifier notifier_;
    OnDemandLoader loader_;
};

}  // namespace samgr
