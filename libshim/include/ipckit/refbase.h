// SPDX-License-Identifier: Apache-2.0
//
// Intrusive reference counting, as IPC Kit's RefBase: sptr<T> holds a strong
// reference, wptr<T> a weak one that can be promoted while the object lives.
// An object is destroyed when its last strong reference goes; its counter
// block lives on until the last weak reference goes, so a wptr never touches
// a destroyed object. Create objects with MakeSptr<T>(args...).
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ipckit {

class RefBase;

namespace detail {

// The counts of one RefBase; outlives the object while weak references
// exist. Every strong reference also holds a weak one.
class RefCounter {
public:
    // Strong count of an object no sptr ever held.
    static constexpr int kInitialStrong = 1 << 28;

    explicit RefCounter(RefBase* object) : object_(object) {}

    void IncStrong(const void* id);
    void DecStrong(const void* id);
    void IncWeak() { weak_.fetch_add(1, std::memory_order_relaxed); }
    void DecWeak();
    // A strong reference if the object still lives (or never had one).
    bool AttemptIncStrong(const void* id);

    int StrongCount() const
    {
        int c = strong_.load(std::memory_order_relaxed);
        return c == kInitialStrong ? 0 : c;
    }
    int WeakCount() const { return weak_.load(std::memory_order_relaxed); }

private:
    friend class ipckit::RefBase;
    std::atomic<int> strong_{kInitialStrong};
    std::atomic<int> weak_{0};
    RefBase* object_;  // null once a weak-only object was destroyed
};

}  // namespace detail

class RefBase {
public:
    RefBase(const RefBase&) = delete;
    RefBase& operator=(const RefBase&) = delete;

    void IncStrongRef(const void* objectId = nullptr) { refs_->IncStrong(objectId); }
    void DecStrongRef(const void* objectId = nullptr) { refs_->DecStrong(objectId); }
    void IncWeakRef(const void* = nullptr) { refs_->IncWeak(); }
    void DecWeakRef(const void* = nullptr) { refs_->DecWeak(); }
    bool AttemptIncStrongRef(const void* objectId = nullptr)
    {
        return refs_->AttemptIncStrong(objectId);
    }
    int GetSptrRefCount() const { return refs_->StrongCount(); }
    int GetWptrRefCount() const { return refs_->WeakCount(); }

    detail::RefCounter* GetRefCounter() const { return refs_; }

    // Hooks: the first strong reference was taken; the last one is going
    // (the object is destroyed right after).
    virtual void OnFirstStrongRef(const void*) {}
    virtual void OnLastStrongRef(const void*) {}

protected:
    RefBase() : refs_(new detail::RefCounter(this)) {}
    virtual ~RefBase();

private:
    friend class detail::RefCounter;  // destroys the object
    detail::RefCounter* refs_;
};

template <typename T>
class wptr;

template <typename T>
class sptr {
public:
    sptr() = default;
    sptr(std::nullptr_t) {}  // NOLINT: implicit by design
    // Takes a new strong reference on `p` (IPC Kit's sptr<T>(T*)).
    sptr(T* p) : ptr_(p)  // NOLINT: implicit by design
    {
        if (ptr_)
            ptr_->IncStrongRef(this);
    }
    sptr(const sptr& o) : sptr(o.ptr_) {}
    sptr(sptr&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)) {}
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
    sptr(const sptr<U>& o) : sptr(static_cast<T*>(o.GetRefPtr()))  // NOLINT
    {
    }
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
    sptr(sptr<U>&& o) noexcept : ptr_(o.Release())  // NOLINT
    {
    }
    ~sptr()
    {
        if (ptr_)
            ptr_->DecStrongRef(this);
    }

    sptr& operator=(sptr o) noexcept
    {
        std::swap(ptr_, o.ptr_);
        return *this;
    }

    T* GetRefPtr() const { return ptr_; }
    T* operator->() const { return ptr_; }
    T& operator*() const { return *ptr_; }
    explicit operator bool() const { return ptr_ != nullptr; }
    void clear() { sptr().swap(*this); }
    void swap(sptr& o) noexcept { std::swap(ptr_, o.ptr_); }

    template <typename... Args>
    static sptr MakeSptr(Args&&... args)
    {
        return sptr(new T(std::forward<Args>(args)...));
    }

    // For the library: give up the reference without dropping it.
    T* Release() { return std::exchange(ptr_, nullptr); }
    // Wrap a pointer whose strong reference the caller already took.
    static sptr Adopt(T* p)
    {
        sptr s;
        s.ptr_ = p;
        return s;
    }

private:
    T* ptr_ = nullptr;
};

template <typename T, typename U>
bool operator==(const sptr<T>& a, const sptr<U>& b)
{
    return a.GetRefPtr() == b.GetRefPtr();
}
template <typename T>
bool operator==(const sptr<T>& a, std::nullptr_t)
{
    return a.GetRefPtr() == nullptr;
}
template <typename T>
bool operator==(const sptr<T>& a, const T* b)
{
    return a.GetRefPtr() == b;
}

template <typename T>
class wptr {
public:
    wptr() = default;
    wptr(std::nullptr_t) {}  // NOLINT: implicit by design
    wptr(T* p) { Set(p); }  // NOLINT: implicit by design
    wptr(const sptr<T>& s) { Set(s.GetRefPtr()); }  // NOLINT: implicit by design
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
    wptr(const sptr<U>& s)  // NOLINT: implicit by design
    {
        Set(static_cast<T*>(s.GetRefPtr()));
    }
    wptr(const wptr& o) : ptr_(o.ptr_), refs_(o.refs_)
    {
        if (refs_)
            refs_->IncWeak();
    }
    wptr(wptr&& o) noexcept
        : ptr_(std::exchange(o.ptr_, nullptr)), refs_(std::exchange(o.refs_, nullptr))
    {
    }
    ~wptr()
    {
        if (refs_)
            refs_->DecWeak();
    }
    wptr& operator=(wptr o) noexcept
    {
        std::swap(ptr_, o.ptr_);
        std::swap(refs_, o.refs_);
        return *this;
    }

    // A strong reference, or null once the object is gone.
    sptr<T> promote() const
    {
        if (!refs_ || !refs_->AttemptIncStrong(this))
            return nullptr;
        return sptr<T>::Adopt(ptr_);
    }
    // The raw pointer; only valid while a strong reference exists.
    T* GetRefPtr() const { return ptr_; }
    explicit operator bool() const { return ptr_ != nullptr; }
    int GetWeakRefCount() const { return refs_ ? refs_->WeakCount() : 0; }

private:
    void Set(T* p)
    {
        ptr_ = p;
        refs_ = p ? p->GetRefCounter() : nullptr;
        if (refs_)
            refs_->IncWeak();
    }

    T* ptr_ = nullptr;
    detail::RefCounter* refs_ = nullptr;
};

template <typename T, typename U>
bool operator==(const wptr<T>& a, const wptr<U>& b)
{
    return a.GetRefPtr() == b.GetRefPtr();
}

// Creates a T and returns the first strong reference to it.
template <typename T, typename... Args>
sptr<T> MakeSptr(Args&&... args)
{
    return sptr<T>::MakeSptr(std::forward<Args>(args)...);
}

}  // namespace ipckit
