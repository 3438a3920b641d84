// SPDX-License-Identifier: Apache-2.0
//
// samgr's registry: SAs, subscriptions, deaths and on-demand loads.
#include "system_ability_manager.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/utf.h"
#include "rpc_protocol.h"
#include "samgr_log.h"

namespace samgr {

using ipckit::DeathRecipient;
using ipckit::IRemoteObject;
using ipckit::IPCSkeleton;
using ipckit::ISystemAbilityStatusChange;
using ipckit::sptr;
using ipckit::wptr;

namespace {

std::string JoinWords(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

}  // namespace

class SystemAbilityManager::SaDeath : public DeathRecipient {
public:
    SaDeath(const wptr<SystemAbilityManager>& owner, int32_t id) : owner_(owner), id_(id) {}
    void OnRemoteDied(const wptr<IRemoteObject>& object) override
    {
        if (sptr<SystemAbilityManager> owner = owner_.promote())
            owner->OnSaDied(id_, object);
    }

private:
    wptr<SystemAbilityManager> owner_;
    int32_t id_;
};

class SystemAbilityManager::ListenerDeath : public DeathRecipient {
public:
    explicit ListenerDeath(const wptr<SystemAbilityManager>& owner) : owner_(owner) {}
    void OnRemoteDied(const wptr<IRemoteObject>& object) override
    {
        if (sptr<SystemAbilityManager> owner = owner_.promote())
            owner->OnListenerDied(object);
    }

private:
    wptr<SystemAbilityManager> owner_;
};

SystemAbilityManager::SystemAbilityManager(SamgrConfig config) : config_(std::move(config))
{
    loader_.SetExitHandler([this](pid_t pid, const std::string& how) { OnChildExit(pid, how); });
}

SystemAbilityManager::~SystemAbilityManager()
{
    loader_.SetExitHandler(nullptr);
}

int32_t SystemAbilityManager::Deny(const Denial& denial)
{
    LogError("denied: %s", denial.log.c_str());
    SetLastError(denial.reply);
    return denial.code;
}

sptr<IRemoteObject> SystemAbilityManager::CheckSystemAbility(int32_t id)
{
    if (auto bad = CheckId(id)) {
        SetLastError(bad->reply);
        return nullptr;
    }
    std::lock_guard<std::mutex> guard(lock_);
    auto it = abilities_.find(id);
    if (it == abilities_.end()) {
        SetLastError("SA " + std::to_string(id) + " is not registered");
        return nullptr;
    }
    return it->second.object;
}

sptr<IRemoteObject> SystemAbilityManager::GetSystemAbility(int32_t id)
{
    if (auto bad = CheckId(id)) {
        SetLastError(bad->reply);
        return nullptr;
    }
    std::unique_lock<std::mutex> guard(lock_);
    if (auto it = abilities_.find(id); it != abilities_.end())
        return it->second.object;
    auto load = loads_.find(id);
    if (load == loads_.end()) {
        // Nothing is starting it: answer at once.
        SetLastError("SA " + std::to_string(id) + " is not registered");
        return nullptr;
    }
    return WaitForLoad(guard, id, load->second, GET_WAIT_MS);
}

sptr<IRemoteObject> SystemAbilityManager::WaitForLoad(std::unique_lock<std::mutex>& guard,
                                                      int32_t id,
                                                      const std::shared_ptr<Load>& load,
                                                      int waitMs)
{
    if (waiters_ >= kMaxWaiters) {
        std::string why = "samgr is busy: " + std::to_string(waiters_) +
                          " calls already wait for system abilities to start; try again";
        LogError("SA %d: %s", id, why.c_str());
        SetLastError(why);
        return nullptr;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
    waiters_++;
    changed_.wait_until(guard, deadline, [&] { return abilities_.count(id) || load->failed; });
    waiters_--;
    if (auto it = abilities_.find(id); it != abilities_.end())
        return it->second.object;
    std::string sa = "SA " + std::to_string(id);
    if (load->failed)
        SetLastError(load->failure);
    else if (loads_.count(id) && loads_[id] == load)
        SetLastError(sa + " was not added within " + std::to_string(waitMs / 1000) +
                     " s of starting `" + load->command + "` (pid " + std::to_string(load->pid) +
                     ", still running)");
    else
        SetLastError(sa + " was added and removed again before it could be returned");
    return nullptr;
}

sptr<IRemoteObject> SystemAbilityManager::LoadSystemAbility(int32_t id, int32_t timeout)
{
    if (auto bad = CheckId(id)) {
        SetLastError(bad->reply);
        return nullptr;
    }
    int seconds = std::clamp(timeout, 1, kMaxLoadSeconds);
    pid_t caller = IPCSkeleton::GetCallingPid();
    std::unique_lock<std::mutex> guard(lock_);
    if (auto it = abilities_.find(id); it != abilities_.end())
        return it->second.object;
    std::shared_ptr<Load> load;
    if (auto it = loads_.find(id); it != loads_.end()) {
        load = it->second;  // already starting: wait with the others
    } else {
        auto command = config_.ondemand.find(id);
        if (command == config_.ondemand.end()) {
            std::string why = "SA " + std::to_string(id) + " has no ondemand command in " +
                              config_.path;
            LogError("cannot load SA %d for pid %d: %s", id, caller, why.c_str());
            SetLastError(why);
            return nullptr;
        }
        // The lock stays held across the spawn (a local call), so that an
        // exit reaped at once finds the process in started_.
        auto pid = loader_.Start(command->second);
        if (!pid) {
            std::string why = "SA " + std::to_string(id) + ": " + pid.error().message;
            LogError("cannot load SA %d for pid %d: %s", id, caller, why.c_str());
            SetLastError(why);
            return nullptr;
        }
        load = std::make_shared<Load>();
        load->pid = *pid;
        load->command = JoinWords(command->second);
        loads_[id] = load;
        started_[*pid] = id;
        LogEvent("SA %d: started `%s` (pid %d) on demand for pid %d", id, load->command.c_str(),
                 *pid, caller);
    }
    return WaitForLoad(guard, id, load, seconds * 1000);
}

void SystemAbilityManager::OnChildExit(pid_t pid, const std::string& how)
{
    std::lock_guard<std::mutex> guard(lock_);
    auto started = started_.find(pid);
    if (started == started_.end()) {
        LogEvent("process %d %s", pid, how.c_str());
        return;
    }
    int32_t id = started->second;
    started_.erase(started);
    auto load = loads_.find(id);
    if (load == loads_.end() || load->second->pid != pid) {
        LogEvent("SA %d: on-demand process %d %s", id, pid, how.c_str());
        return;
    }
    // It ended before adding the SA: the waiters fail now, not at their
    // timeout.
    load->second->failed = true;
    load->second->failure = "SA " + std::to_string(id) + ": `" + load->second->command +
                            "` (pid " + std::to_string(pid) + ") " + how +
                            " before adding the SA";
    LogError("%s", load->second->failure.c_str());
    loads_.erase(load);
    changed_.notify_all();
}

int32_t SystemAbilityManager::AddSystemAbility(int32_t id, const sptr<IRemoteObject>& ability,
                                               const ipckit::SAExtraProp& extraProp)
{
    pid_t pid = IPCSkeleton::GetCallingPid();
    uid_t uid = IPCSkeleton::GetCallingUid();
    if (auto bad = CheckId(id))
        return Deny(*bad);
    if (!ability) {
        SetLastError("SA " + std::to_string(id) + ": no object to add");
        return ipckit::ERR_INVALID_DATA;
    }
    if (auto denied = CheckRegister(config_, id, uid))
        return Deny(*denied);
    {
        // Refuse early, before asking the object anything.
        std::lock_guard<std::mutex> guard(lock_);
        if (auto it = abilities_.find(id); it != abilities_.end())
            if (auto denied = CheckReplace(id, it->second.info.pid, pid, uid))
                return Deny(*denied);
    }

    Entry entry;
    entry.object = ability;
    entry.death = ipckit::MakeSptr<SaDeath>(wptr<SystemAbilityManager>(this), id);
    entry.info.id = id;
    entry.info.pid = pid;
    entry.info.uid = uid;
    entry.info.descriptor = ability->GetInterfaceDescriptor();  // remote: no lock
    entry.info.isDistributed = extraProp.isDistributed;
    entry.info.permission = extraProp.permission;
    sptr<DeathRecipient> death = entry.death;
    std::string descriptor = ipckit::Utf16ToUtf8(entry.info.descriptor);

    Entry old;  // a replaced entry, let go of outside the lock
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (auto it = abilities_.find(id); it != abilities_.end()) {
            // Checked again: another process may have added it meanwhile.
            if (auto denied = CheckReplace(id, it->second.info.pid, pid, uid))
                return Deny(*denied);
            old = std::move(it->second);
            abilities_.erase(it);
        } else {
            std::size_t held = std::count_if(abilities_.begin(), abilities_.end(),
                                             [&](const auto& a) { return a.second.info.pid == pid; });
            if (auto denied = CheckQuota("system abilities", held, pid))
                return Deny(*denied);
        }
        abilities_.emplace(id, std::move(entry));
        if (auto load = loads_.find(id); load != loads_.end())
            loads_.erase(load);  // its waiters see the SA
        PostLocked(id, true);
        changed_.notify_all();
    }
    if (old.object) {
        old.object->RemoveDeathRecipient(old.death);
        LogEvent("SA %d replaced by pid %d (uid %u; it was pid %d's): %s", id, pid, uid,
                 old.info.pid, descriptor.c_str());
    } else {
        LogEvent("SA %d added by pid %d (uid %u): %s", id, pid, uid, descriptor.c_str());
    }
    // Watched from now on; a process that died already is noticed here
    // (the driver reports a dead node at once, or the proxy knows).
    if (ability->IsProxyObject() && !ability->AddDeathRecipient(death))
        OnSaDied(id, ability);
    return ipckit::ERR_NONE;
}

int32_t SystemAbilityManager::RemoveSystemAbility(int32_t id)
{
    pid_t pid = IPCSkeleton::GetCallingPid();
    uid_t uid = IPCSkeleton::GetCallingUid();
    if (auto bad = CheckId(id))
        return Deny(*bad);
    Entry removed;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = abilities_.find(id);
        if (it == abilities_.end()) {
            SetLastError("SA " + std::to_string(id) + " is not registered");
            return ipckit::ERR_UNKNOWN_OBJECT;
        }
        if (auto denied = CheckRemove(id, it->second.info.pid, pid, uid))
            return Deny(*denied);
        removed = std::move(it->second);
        abilities_.erase(it);
        PostLocked(id, false);
    }
    removed.object->RemoveDeathRecipient(removed.death);
    LogEvent("SA %d removed by pid %d (uid %u)", id, pid, uid);
    return ipckit::ERR_NONE;
}

void SystemAbilityManager::OnSaDied(int32_t id, const wptr<IRemoteObject>& object)
{
    Entry gone;
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = abilities_.find(id);
        // Removed or replaced meanwhile: not ours to remove.
        if (it == abilities_.end() || it->second.object.GetRefPtr() != object.GetRefPtr())
            return;
        gone = std::move(it->second);
        abilities_.erase(it);
        PostLocked(id, false);
    }
    LogEvent("SA %d removed: its process died (pid %d)", id, gone.info.pid);
}

std::vector<std::u16string> SystemAbilityManager::ListSystemAbilities(unsigned int)
{
    std::vector<std::u16string> ids;
    std::lock_guard<std::mutex> guard(lock_);
    for (const auto& [id, entry] : abilities_) {  // a map: ascending
        std::string s = std::to_string(id);
        ids.emplace_back(s.begin(), s.end());
    }
    return ids;
}

int32_t SystemAbilityManager::ListSystemAbilityInfos(std::vector<ipckit::SystemAbilityInfo>& infos)
{
    std::lock_guard<std::mutex> guard(lock_);
    infos.clear();
    for (const auto& [id, entry] : abilities_)
        infos.push_back(entry.info);
    return ipckit::ERR_NONE;
}

int SystemAbilityManager::OnRemoteRequest(uint32_t code, ipckit::MessageParcel& data,
                                          ipckit::MessageParcel& reply,
                                          ipckit::MessageOption& option)
{
    if (IPCSkeleton::IsLocalCalling())
        return SystemAbilityManagerStub::OnRemoteRequest(code, data, reply, option);
    std::string device = IPCSkeleton::GetCallingDeviceID();
    LogError("denied: call %u from device %.8s...: remote callers cannot reach samgr", code,
             device.c_str());
    // The usual reply framing, so the caller's proxy reads the reason.
    const int32_t err = ipckit::RPC_ERR_CALLER_NOT_AUTHORIZED;
    if (!reply.WriteInt32(err) ||
        !reply.WriteString("remote callers cannot reach samgr (device " + device.substr(0, 8) +
                           "...)"))
        return ipckit::ERR_INVALID_DATA;
    return ipckit::ERR_NONE;
}

sptr<IRemoteObject> SystemAbilityManager::GetDistributedAbility(int32_t id, int32_t mode,
                                                                int32_t timeout, int32_t& err)
{
    pid_t caller = IPCSkeleton::GetCallingPid();
    if (!config_.distributed.count(id)) {
        std::string why = "SA " + std::to_string(id) + " is not distributed (no `distributed " +
                          std::to_string(id) + "` in " + config_.path + ")";
        LogError("pid %d asked for SA %d for another device: %s", caller, id, why.c_str());
        SetLastError(why);
        err = ipckit::RPC_ERR_NOT_DISTRIBUTED;
        return nullptr;
    }
    sptr<IRemoteObject> object;
    switch (mode) {
    case ipckit::detail::RPC_MODE_CHECK:
        object = CheckSystemAbility(id);
        break;
    case ipckit::detail::RPC_MODE_GET:
        object = GetSystemAbility(id);
        break;
    case ipckit::detail::RPC_MODE_LOAD:
        object = LoadSystemAbility(id, timeout);
        break;
    default:
        SetLastError("unknown mode " + std::to_string(mode) + " (want 0 check, 1 get, 2 load)");
        err = ipckit::ERR_INVALID_DATA;
        return nullptr;
    }
    if (!object) {
        LogError("pid %d asked for SA %d for another device: %s", caller, id,
                 GetLastErrorText().c_str());
        err = ipckit::RPC_ERR_NO_SYSTEM_ABILITY;
        return nullptr;
    }
    err = ipckit::ERR_NONE;
    return object;
}

int32_t SystemAbilityManager::ListDistributedAbilities(
    std::vector<ipckit::SystemAbilityInfo>& infos)
{
    std::lock_guard<std::mutex> guard(lock_);
    infos.clear();
    for (const auto& [id, entry] : abilities_) {
        if (!config_.distributed.count(id))
            continue;
        ipckit::SystemAbilityInfo info;
        info.id = id;
        info.descriptor = entry.info.descriptor;
        info.isDistributed = true;
        infos.push_back(std::move(info));
    }
    return ipckit::ERR_NONE;
}

void SystemAbilityManager::PostLocked(int32_t id, bool added)
{
    for (const Subscription& s : subscriptions_)
        if (s.id == id)
            notifier_.Post(s.listener, id, added);
}

int32_t SystemAbilityManager::SubscribeSystemAbility(
    int32_t id, const sptr<ISystemAbilityStatusChange>& listener)
{
    pid_t pid = IPCSkeleton::GetCallingPid();
    if (auto bad = CheckId(id))
        return Deny(*bad);
    sptr<IRemoteObject> object = listener ? listener->AsObject() : nullptr;
    if (!object) {
        SetLastError("SA " + std::to_string(id) + ": no listener to subscribe");
        return ipckit::ERR_INVALID_DATA;
    }
    sptr<DeathRecipient> death = ipckit::MakeSptr<ListenerDeath>(wptr<SystemAbilityManager>(this));
    {
        std::lock_guard<std::mutex> guard(lock_);
        for (const Subscription& s : subscriptions_)
            if (s.id == id && s.object == object)
                return ipckit::ERR_NONE;  // already subscribed
        std::size_t held = std::count_if(subscriptions_.begin(), subscriptions_.end(),
                                         [&](const Subscription& s) { return s.pid == pid; });
        if (auto denied = CheckQuota("subscriptions", held, pid))
            return Deny(*denied);
        subscriptions_.push_back(Subscription{id, listener, object, death, pid});
        if (abilities_.count(id))
            notifier_.Post(listener, id, true);  // it is there already
    }
    LogEvent("pid %d subscribed to SA %d", pid, id);
    if (object->IsProxyObject() && !object->AddDeathRecipient(death))
        OnListenerDied(object);
    return ipckit::ERR_NONE;
}

int32_t SystemAbilityManager::UnSubscribeSystemAbility(
    int32_t id, const sptr<ISystemAbilityStatusChange>& listener)
{
    pid_t pid = IPCSkeleton::GetCallingPid();
    if (auto bad = CheckId(id))
        return Deny(*bad);
    sptr<IRemoteObject> object = listener ? listener->AsObject() : nullptr;
    Subscription gone{};
    {
        std::lock_guard<std::mutex> guard(lock_);
        auto it = std::find_if(
            subscriptions_.begin(), subscriptions_.end(),
            [&](const Subscription& s) { return s.id == id && s.object == object; });
        if (!object || it == subscriptions_.end()) {
            SetLastError("that listener is not subscribed to SA " + std::to_string(id));
            return ipckit::ERR_UNKNOWN_OBJECT;
        }
        gone = std::move(*it);
        subscriptions_.erase(it);
    }
    if (gone.object->IsProxyObject())
        gone.object->RemoveDeathRecipient(gone.death);
    LogEvent("pid %d unsubscribed from SA %d", pid, id);
    return ipckit::ERR_NONE;
}

void SystemAbilityManager::OnListenerDied(const wptr<IRemoteObject>& object)
{
    std::vector<Subscription> gone;  // let go of outside the lock
    {
        std::lock_guard<std::mutex> guard(lock_);
        for (auto& s : subscriptions_)
            if (s.object.GetRefPtr() == object.GetRefPtr())
                gone.push_back(std::move(s));
        std::erase_if(subscriptions_, [](const Subscription& s) { return !s.object; });
    }
    // Each subscription has its own recipient: the first one to hear of
    // the death drops them all, the others find nothing.
    if (!gone.empty())
        LogEvent("subscriber of pid %d died: dropped its %zu subscription(s)", gone[0].pid,
                 gone.size());
}

int SystemAbilityManager::Dump(int fd, const std::vector<std::u16string>&)
{
    std::string text;
    {
        std::lock_guard<std::mutex> guard(lock_);
        text += "samgr: " + std::to_string(abilities_.size()) + " SAs, " +
                std::to_string(subscriptions_.size()) + " subscriptions, " +
                std::to_string(loads_.size()) + " starting, config " + config_.path + "\n";
        for (const auto& [id, e] : abilities_)
            text += "SA " + std::to_string(id) + " pid " + std::to_string(e.info.pid) + " uid " +
                    std::to_string(e.info.uid) + " " + ipckit::Utf16ToUtf8(e.info.descriptor) + "\n";
        for (const auto& [id, load] : loads_)
            text += "SA " + std::to_string(id) + " starting: `" + load->command + "` (pid " +
                    std::to_string(load->pid) + ")\n";
    }
    for (std::size_t done = 0; done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0)
            return ipckit::ERR_TRANSACTION_FAILED;
        done += static_cast<std::size_t>(n);
    }
    return ipckit::ERR_NONE;
}

}  // namespace samgr
